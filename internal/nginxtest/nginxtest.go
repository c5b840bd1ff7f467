// Package nginxtest runs a real nginx for tests: in a temporary folder, on
// a free loopback port, from a configuration template, stopped when the
// test ends. A test that needs one is skipped when nginx is not installed,
// unless the CI variable is set, where it fails: CI must run them.
package nginxtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// Server is a running nginx.
type Server struct {
	Port int    // the port it listens on, on 127.0.0.1
	Dir  string // its folder: configuration, logs, pid file
	cmd  *exec.Cmd
}

// Config is what a configuration template is executed with.
type Config struct {
	Listen int      // the port nginx listens on
	Dir    string   // the folder for its logs, pid file and temporary files
	Bots   []string // the upstream servers, host:port
}

// Start starts nginx for t with the configuration the template at path
// makes for bots (host:port each), stopped by t's cleanup.
func Start(t testing.TB, path string, bots []string) *Server {
	t.Helper()
	bin := "nginx"
	if _, err := exec.LookPath(bin); err != nil {
		bin = "/usr/sbin/nginx" // not on the PATH of unprivileged users
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("nginx is not installed, and CI is set: the nginx tests must run in CI")
			}
			t.Skip("nginx is not installed")
		}
	}
	tmpl, err := template.ParseFiles(path)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Port: FreePort(t), Dir: t.TempDir()}
	var conf bytes.Buffer
	if err := tmpl.Execute(&conf, Config{Listen: s.Port, Dir: s.Dir, Bots: bots}); err != nil {
		t.Fatal(err)
	}
	confPath := filepath.Join(s.Dir, "nginx.conf")
	if err := os.WriteFile(confPath, conf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// Its output goes to a file rather than a pipe, which its worker
	// processes would hold open after the master is gone.
	out, err := os.Create(filepath.Join(s.Dir, "output.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	s.cmd = exec.Command(bin, "-p", s.Dir, "-c", confPath, "-g", "daemon off;")
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	t.Cleanup(func() {
		// SIGTERM: the master stops its workers, then itself.
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("nginx output:\n%s\nnginx error log:\n%s", s.read("output.log"), s.read("error.log"))
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
			return s
		}
		select {
		case err := <-exited:
			t.Fatalf("nginx exited: %v\n%s\n%s", err, s.read("output.log"), s.read("error.log"))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s within 10 s", s.Addr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// read returns the contents of a file of nginx's folder.
func (s *Server) read(name string) string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, name))
	return string(b)
}

// Addr returns nginx's host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// URL returns the ws:// URL of nginx's root.
func (s *Server) URL() string { return fmt.Sprintf("ws://%s/", s.Addr()) }

// FreePort returns a loopback port no one listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
