package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestRunWatch edits a bot while `botgen run --watch` runs it: a change is
// rebuilt and served with the conversation carried over, a change with an
// error leaves the running bot alone, and Ctrl+C stops both.
func TestRunWatch(t *testing.T) {
	dir := t.TempDir()
	botgenBin := botgenBinary(t)
	src, err := os.ReadFile(examplePath("greetings"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "w.bot")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(botgenBin, "run", "--watch", path, "--", "--host", "127.0.0.1", "--port", "0", "--protocol", "baf")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	urls := make(chan string, 10)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := servingLine.FindStringSubmatch(lines.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	nextURL := func(what string) string {
		t.Helper()
		select {
		case u := <-urls:
			return u
		case <-time.After(60 * time.Second):
			t.Fatalf("no bot serving %s; stderr:\n%s", what, stderr.String())
		}
		return ""
	}
	talk := func(url, text string) string {
		t.Helper()
		ws, _, err := websocket.DefaultDialer.Dial(url+"?session_id=w", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.WriteJSON(map[string]string{"action": "user_message", "message": text})
		var f struct{ Action, Message string }
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		return f.Message
	}

	url := nextURL("at first")
	if got := talk(url, "hello"); got != "Hi! How are you?" {
		t.Fatalf("hello: %q", got)
	}
	edited := strings.Replace(string(src), "I am glad to hear that!", "Glad to hear it!", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	url = nextURL("after the edit")
	// The new build answers, in the state the conversation was left in.
	if got := talk(url, "fine"); got != "Glad to hear it!" {
		t.Errorf("after the edit: %q", got)
	}

	broken := strings.Replace(edited, "go initial_state", "go initial_stat", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "the previous build keeps running") {
		if time.Now().After(deadline) {
			t.Fatalf("no report of the broken edit; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(stderr.String(), `w.bot:20:8: unknown state "initial_stat" (did you mean "initial_state"?)`) {
		t.Errorf("the diagnostics are not shown; stderr:\n%s", stderr.String())
	}
	if got := talk(url, "hi"); got != "Hi! How are you?" {
		t.Errorf("the running bot after a broken edit: %q", got)
	}

	cmd.Process.Signal(syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("botgen run --watch after Ctrl+C: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("botgen run --watch did not stop on Ctrl+C")
	}
}

func TestSetsSessionStore(t *testing.T) {
	dir := t.TempDir()
	withStore := filepath.Join(dir, "with.ini")
	without := filepath.Join(dir, "without.ini")
	os.WriteFile(withStore, []byte("[s]\nsession.store = /tmp/x\n"), 0o644)
	os.WriteFile(without, []byte("websocket.port = 9000\n"), 0o644)
	t.Setenv("BOTGEN_CONFIG", "")
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--port", "9000"}, false},
		{[]string{"--set", "session.store=db"}, true},
		{[]string{"--config", withStore}, true},
		{[]string{"--config=" + withStore}, true},
		{[]string{"--config", without}, false},
		{[]string{"--config", filepath.Join(dir, "missing.ini")}, false},
	} {
		if got := setsSessionStore(c.args); got != c.want {
			t.Errorf("%q: %v, want %v", c.args, got, c.want)
		}
	}
	t.Setenv("BOTGEN_CONFIG", withStore)
	if !setsSessionStore(nil) {
		t.Error("BOTGEN_CONFIG naming a file with session.store: false")
	}
}
