package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
	p := start(t, botgenBin, "run", "--watch", path, "--", "--host", "127.0.0.1", "--port", "0", "--protocol", "baf")

	url := p.nextURL(t, "at first")
	if got := say(t, url, "w", "hello"); got != "Hi! How are you?" {
		t.Fatalf("hello: %q", got)
	}
	edited := strings.Replace(string(src), "I am glad to hear that!", "Glad to hear it!", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	url = p.nextURL(t, "after the edit")
	// The new build answers, in the state the conversation was left in.
	if got := say(t, url, "w", "fine"); got != "Glad to hear it!" {
		t.Errorf("after the edit: %q", got)
	}

	broken := strings.Replace(edited, "go initial_state", "go initial_stat", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	p.stderr.WaitFor(t, "the previous build keeps running", 30*time.Second)
	if !strings.Contains(p.stderr.String(), `w.bot:20:8: unknown state "initial_stat" (did you mean "initial_state"?)`) {
		t.Errorf("the diagnostics are not shown; stderr:\n%s", p.stderr.String())
	}
	if got := say(t, url, "w", "hi"); got != "Hi! How are you?" {
		t.Errorf("the running bot after a broken edit: %q", got)
	}

	p.cmd.Process.Signal(syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- p.cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("botgen run --watch after Ctrl+C: %v\n%s", err, p.stderr.String())
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
