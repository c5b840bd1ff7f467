package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	botgenOnce sync.Once
	botgenDir  string
	botgenPath string
	botgenErr  error
)

func TestMain(m *testing.M) {
	if os.Getenv(echoChildEnv) == "1" {
		serveEcho()
	}
	code := m.Run()
	if botgenDir != "" {
		os.RemoveAll(botgenDir)
	}
	os.Exit(code)
}

// botgenBinary builds botgen itself once for the tests that run it as a
// real process.
func botgenBinary(t *testing.T) string {
	t.Helper()
	botgenOnce.Do(func() {
		if botgenDir, botgenErr = os.MkdirTemp("", "botgen-test-"); botgenErr != nil {
			return
		}
		botgenPath = filepath.Join(botgenDir, "botgen")
		if out, err := exec.Command("go", "build", "-o", botgenPath, ".").CombinedOutput(); err != nil {
			botgenErr = fmt.Errorf("building botgen: %v\n%s", err, out)
		}
	})
	if botgenErr != nil {
		t.Fatal(botgenErr)
	}
	return botgenPath
}

// TestSignalsStopTheBot starts `botgen run` (and `botgen run --watch`) as a
// real process, stops it with a signal, and checks that the bot it started
// is gone and its port free: for Ctrl+C, a script's SIGTERM, a closed
// terminal's SIGHUP, SIGQUIT and, on Linux, SIGKILL; and, on Linux, for
// the SIGTERM of `go run ./cmd/botgen run`, the README's first command.
func TestSignalsStopTheBot(t *testing.T) {
	if testing.Short() {
		t.Skip("runs botgen and bots as processes")
	}
	botgenBin := botgenBinary(t)
	bot := examplePath("greetings")
	sigs := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}
	if runtime.GOOS == "linux" {
		sigs = append(sigs, syscall.SIGKILL)
	}
	type mode struct {
		name string
		args []string
	}
	modes := []mode{{"run", []string{botgenBin, "run"}}, {"watch", []string{botgenBin, "run", "--watch"}}}
	for _, m := range modes {
		for _, sig := range sigs {
			t.Run(m.name+"/"+sig.String(), func(t *testing.T) {
				stopsBot(t, slices.Concat(m.args, []string{bot, "--", "--host", "127.0.0.1", "--port", "0"}), sig, 1)
			})
		}
	}
	// go run does not pass SIGTERM on: botgen stops when it exits.
	if runtime.GOOS == "linux" {
		t.Run("go run/"+syscall.SIGTERM.String(), func(t *testing.T) {
			stopsBot(t, []string{"go", "run", ".", "run", bot, "--", "--host", "127.0.0.1", "--port", "0"}, syscall.SIGTERM, 2)
		})
	}
}

// stopsBot starts args, a command that runs a bot as its child (depth 1) or
// grandchild (2), sends it sig and checks that the bot stops and frees its
// port.
func stopsBot(t *testing.T, args []string, sig syscall.Signal, depth int) {
	p := start(t, args...)
	url := p.nextURL(t, "at the start")
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/")
	botPID := p.cmd.Process.Pid
	for range depth {
		botPID = childOf(botPID)
	}
	if botPID == 0 && runtime.GOOS == "linux" {
		t.Fatalf("no bot process under %v", args)
	}
	t.Cleanup(func() {
		if botPID != 0 && running(botPID) {
			syscall.Kill(botPID, syscall.SIGKILL)
		}
	})

	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(40 * time.Second):
		t.Fatalf("botgen did not exit within 40s of %v; stderr:\n%s", sig, p.stderr.String())
	}
	// After SIGKILL the bot stops by itself, told by the kernel.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		gone := botPID == 0 || !running(botPID)
		if err == nil {
			ln.Close()
			if gone {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the bot (pid %d) still runs or holds %s (%v); stderr:\n%s", sig, botPID, addr, err, p.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// childOf returns the pid of a child process of pid, read from /proc (0
// where there is none).
func childOf(pid int) int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		rest := string(data[strings.LastIndexByte(string(data), ')')+1:])
		f := strings.Fields(rest)
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(strings.Fields(string(data))[0])
			return n
		}
	}
	return 0
}

// running reports whether process pid runs: it exists and is not a zombie
// (one no parent has waited for, as an orphan may stay in a container).
func running(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	rest := string(data[strings.LastIndexByte(string(data), ')')+1:])
	f := strings.Fields(rest)
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}
