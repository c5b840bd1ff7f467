package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// withStore gives the server a store in dir.
func withStore(t testing.TB, dir string) func(*Server) {
	return func(s *Server) {
		st, err := sessionstore.OpenFiles(dir, sessionstore.OptionsFor(s.cfg, "test"))
		if err != nil {
			t.Fatal(err)
		}
		s.Store = st
	}
}

// storePath is the file of the session with id in the folder dir.
func storePath(dir, id string) string { return filepath.Join(dir, sessionstore.FileName(id)) }

// stop shuts the server down now, as a restart would.
func (ts *testServer) stop(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// history fetches the session's replayed frames: n of them.
func (c *client) history(n int) []string {
	c.t.Helper()
	c.send("fetch_user_messages", nil)
	out := make([]string, n)
	for i := range out {
		out[i] = string(c.next())
	}
	return out
}

// storeFiles lists the session files in dir.
func storeFiles(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStoreSurvivesRestart: a conversation with a session id of the client's
// choosing goes on after the server is replaced by a new one on the same
// folder, with its state, variables and history, in both dialects.
func TestStoreSurvivesRestart(t *testing.T) {
	for _, proto := range []string{"baf", "bbf"} {
		t.Run(proto, func(t *testing.T) {
			dir := t.TempDir()
			dialect := func(c *config.Config) { c.Protocol = proto }
			var str string
			if proto == "bbf" {
				str = bbfStr
			} else {
				str = bafStr
			}
			a := startWith(t, nil, withStore(t, dir), dialect)
			c := a.dial(t, "replay=all", header("X-Session-ID", "alice"))
			c.expect(str, greeting)
			c.send("user_set_variable", map[string]any{"tag": "kept"})
			c.say("count")
			c.expect(str, "kept count=1")
			file, _ := json.Marshal(map[string]string{"name": "a.csv", "type": "text/csv", "base64": base64.StdEncoding.EncodeToString([]byte("a,b\n"))})
			c.send("user_file", string(file))
			c.expect(str, "got a.csv (text/csv, 4 bytes)")
			c.say("show kinds")
			for range 9 {
				c.next()
			}
			before := c.history(15) // greeting, 2 × (user, reply), user + 9 kinds
			// A connection without a key of its own is not stored.
			anon := a.dial(t, "", nil)
			anon.next()
			a.stop(t)
			if files := storeFiles(t, dir); len(files) != 1 {
				t.Fatalf("session files: %q, want alice's only", files)
			}

			b := startWith(t, nil, withStore(t, dir), dialect)
			c = b.dial(t, "replay=all", header("X-Session-ID", "alice"))
			// No greeting: the session is resumed, not new.
			c.say("count")
			c.expect(str, "kept count=2")
			after := c.history(17)
			for i, f := range before {
				if after[i] != f {
					t.Errorf("history frame %d after the restart:\n%s\nwant\n%s", i, after[i], f)
				}
			}
			if !strings.Contains(after[16], "kept count=2") {
				t.Errorf("last history frame %s", after[16])
			}
			if !strings.Contains(b.logs.String(), "session restored from the store") {
				t.Errorf("no log line for the restored session:\n%s", b.logs.String())
			}
		})
	}
}

// TestStoreReset: a reset is stored too: after a restart the history starts
// at the reset.
func TestStoreReset(t *testing.T) {
	dir := t.TempDir()
	a := startWith(t, nil, withStore(t, dir), baf)
	c := a.dial(t, "", header("X-Session-ID", "r"))
	c.next()
	c.say("count")
	c.next()
	c.send("reset", nil)
	c.expect(bafStr, greeting)
	c.say("count")
	c.expect(bafStr, "count=1")
	a.stop(t)

	b := startWith(t, nil, withStore(t, dir), baf)
	c = b.dial(t, "", header("X-Session-ID", "r"))
	h := c.history(3)
	for i, want := range []string{greeting, `"count"`, "count=1"} {
		if !strings.Contains(h[i], want) {
			t.Errorf("history %d: %s, want %s", i, h[i], want)
		}
	}
	c.say("count")
	c.expect(bafStr, "count=2")
}

// TestStoreCompaction: a long conversation's file is rewritten as one line
// from time to time, and keeps only session.history messages.
func TestStoreCompaction(t *testing.T) {
	dir := t.TempDir()
	limit := func(c *config.Config) { c.SessionHistory = 10 }
	a := startWith(t, nil, withStore(t, dir), baf, limit)
	c := a.dial(t, "", header("X-Session-ID", "long"))
	c.next()
	turns := sessionstore.CompactAfter + 5
	for i := 1; i <= turns; i++ {
		c.say("count")
		c.expect(bafStr, fmt.Sprintf("count=%d", i))
	}
	a.stop(t)
	files := storeFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("files %q", files)
	}
	data, _ := os.ReadFile(files[0])
	if n := strings.Count(string(data), "\n"); n > 10 {
		t.Errorf("the file has %d lines after %d turns: it was not compacted", n, turns)
	}

	b := startWith(t, nil, withStore(t, dir), baf, limit)
	c = b.dial(t, "", header("X-Session-ID", "long"))
	h := c.history(10)
	if !strings.Contains(h[9], fmt.Sprintf("count=%d", turns)) || !strings.Contains(h[0], `"count"`) {
		t.Errorf("history after the restart: first %s, last %s", h[0], h[9])
	}
	c.say("count")
	c.expect(bafStr, fmt.Sprintf("count=%d", turns+1))
}

// TestStoreDamagedFiles: a turn cut short by a crash is ignored, and a file
// that cannot be read at all gives a new session (logged), which then
// replaces it.
func TestStoreDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	a := startWith(t, nil, withStore(t, dir), baf)
	c := a.dial(t, "", header("X-Session-ID", "cut"))
	c.next()
	c.say("count")
	c.next()
	d := a.dial(t, "", header("X-Session-ID", "garbled"))
	d.next()
	a.stop(t)

	f, err := os.OpenFile(storePath(dir, "cut"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"started":true,"add":[{"at":"2026-`)
	f.Close()
	if err := os.WriteFile(storePath(dir, "garbled"), []byte("not json\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	b := startWith(t, nil, withStore(t, dir), baf)
	c = b.dial(t, "", header("X-Session-ID", "cut"))
	c.say("count")
	c.expect(bafStr, "count=2")
	c.say("count")
	c.expect(bafStr, "count=3")
	d = b.dial(t, "", header("X-Session-ID", "garbled"))
	d.expect(bafStr, greeting) // a new session
	d.say("count")
	d.expect(bafStr, "count=1")
	if !strings.Contains(b.logs.String(), "stored session unreadable") {
		t.Errorf("the unreadable file was not logged:\n%s", b.logs.String())
	}
	b.stop(t)

	c2 := startWith(t, nil, withStore(t, dir), baf)
	d = c2.dial(t, "", header("X-Session-ID", "garbled"))
	d.say("count")
	d.expect(bafStr, "count=2")
	// The turns after the cut were written whole, not after the torn line.
	c = c2.dial(t, "", header("X-Session-ID", "cut"))
	c.say("count")
	c.expect(bafStr, "count=4")
}

// TestStoreExpiry: a stored session that has had no connection for
// session.ttl is gone, from memory and from the folder.
func TestStoreExpiry(t *testing.T) {
	dir := t.TempDir()
	ttl := func(c *config.Config) { c.SessionTTL = 100 * time.Millisecond }
	a := startWith(t, nil, withStore(t, dir), baf, ttl)
	c := a.dial(t, "", header("X-Session-ID", "brief"))
	c.next()
	c.ws.Close()
	eventually(t, "the session gone", func() bool { return len(storeFiles(t, dir)) == 0 && a.SessionCount() == 0 })
	c = a.dial(t, "", header("X-Session-ID", "brief"))
	c.expect(bafStr, greeting)
	c.say("count")
	c.next()
	a.stop(t)

	// A file left by a stopped bot expires too when a new bot reads it late.
	time.Sleep(150 * time.Millisecond)
	b := startWith(t, nil, withStore(t, dir), baf, ttl)
	c = b.dial(t, "", header("X-Session-ID", "brief"))
	c.expect(bafStr, greeting)
}

func TestOpenStoreErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := sessionstore.OpenFiles(file, sessionstore.Options{}); err == nil || !strings.Contains(err.Error(), "session store") {
		t.Errorf("OpenFiles on a file: %v", err)
	}
	if _, err := sessionstore.OpenFiles(filepath.Join(file, "sub"), sessionstore.Options{}); err == nil {
		t.Error("OpenFiles under a file succeeded")
	}
}

// BenchmarkRoundTripStored is BenchmarkRoundTrip on a session kept in a
// store: each turn appends a line to the session's file.
func BenchmarkRoundTripStored(b *testing.B) {
	ts := startWith(b, nil, withStore(b, b.TempDir()))
	c := ts.dial(b, "", header("X-Session-ID", "bench"))
	c.next()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.say("hello")
		c.next()
	}
}

// sender counts the bytes a client sends.
type sender struct {
	*client
	sent int
}

func (s *sender) send(action string, message any) {
	s.t.Helper()
	b, err := json.Marshal(map[string]any{"action": action, "message": message})
	if err != nil {
		s.t.Fatal(err)
	}
	s.sent += len(b)
	s.raw(string(b))
}

// storeSize is the size of the one session file in dir.
func storeSize(t *testing.T, dir string) int64 {
	t.Helper()
	files := storeFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("session files %q", files)
	}
	info, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// TestStoreNeverAmplifies: a turn appends only what it changed, so one
// large variable and many small messages after it are stored once; and a
// file is compacted by size, so large messages that the history no longer
// holds do not pile up. Either way the file holds at most 4× what the client
// sent.
func TestStoreNeverAmplifies(t *testing.T) {
	t.Run("a large variable", func(t *testing.T) {
		dir := t.TempDir()
		big := func(c *config.Config) { c.MaxVariableBytes = 1 << 20 }
		a := startWith(t, nil, withStore(t, dir), baf, big)
		c := &sender{client: a.dial(t, "", header("X-Session-ID", "big-var"))}
		c.next()
		c.send("user_set_variable", map[string]any{"tag": strings.Repeat("v", 1000<<10)})
		for range 60 {
			c.send("user_message", "hello")
			c.expect(bafStr, hiThere)
		}
		if size := storeSize(t, dir); size > 4*int64(c.sent) {
			t.Errorf("the store holds %d bytes for %d sent (%.1f×), want at most 4×", size, c.sent, float64(size)/float64(c.sent))
		} else {
			t.Logf("the store holds %d bytes for %d sent (%.2f×)", size, c.sent, float64(size)/float64(c.sent))
		}
		a.stop(t)
		b := startWith(t, nil, withStore(t, dir), baf, big)
		d := b.dial(t, "", header("X-Session-ID", "big-var"))
		d.say("show")
		if f := d.frame(); f.Message != "tag="+strings.Repeat("v", 1000<<10)+" count=0" {
			t.Errorf("the variable after a restart: %.40v…", f.Message)
		}
	})
	t.Run("large messages", func(t *testing.T) {
		dir := t.TempDir()
		a := startWith(t, nil, withStore(t, dir), baf, func(c *config.Config) { c.SessionHistory = 10 })
		c := &sender{client: a.dial(t, "", header("X-Session-ID", "big-messages"))}
		c.next()
		msg := strings.Repeat("blah ", 4<<10)
		for range 100 {
			c.send("user_message", msg)
			c.expect(bafStr, fellOver)
		}
		// The history holds 5 of the messages: the file stays near that,
		// whatever the number of turns.
		if size := storeSize(t, dir); size > 400<<10 {
			t.Errorf("the store holds %d bytes with 10 messages of history (%d sent): not compacted by size", size, c.sent)
		} else {
			t.Logf("the store holds %d bytes with 10 messages of history (%d sent)", size, c.sent)
		}
	})
}

// TestStoreReadsVersion1: a session file written by the previous format
// (every variable on every line) is read, then rewritten in the new one.
func TestStoreReadsVersion1(t *testing.T) {
	dir := t.TempDir()
	v1 := `{"botgen_session":1,"id":"old"}
{"reset":true,"started":true,"add":[{"at":"2026-11-01T10:00:00Z","user":true,"message":"count"},{"at":"2026-11-01T10:00:00Z","reply":{"Kind":"str","Text":"count=1"}}],"snapshot":{"state":"main","vars":{"count":1,"tag":"x"}}}
{"started":true,"snapshot":{"state":"main","vars":{"count":2}}}
`
	if err := os.WriteFile(storePath(dir, "old"), []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startWith(t, nil, withStore(t, dir), baf)
	c := a.dial(t, "", header("X-Session-ID", "old"))
	c.say("show")
	c.expect(bafStr, "tag= count=2") // each version 1 line held every variable
	a.stop(t)
	data, _ := os.ReadFile(storePath(dir, "old"))
	if !strings.HasPrefix(string(data), `{"botgen_session":2,`) {
		t.Errorf("not rewritten in version 2:\n%s", data)
	}
}
