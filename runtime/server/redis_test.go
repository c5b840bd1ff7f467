package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/internal/redistest"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// withRedis gives the server a store on the Redis server srv.
func withRedis(t testing.TB, srv *redistest.Server) func(*Server) {
	return func(s *Server) {
		st, err := sessionstore.OpenRedis(srv.URL(0), sessionstore.OptionsFor(s.cfg, "test"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		s.Store = st
	}
}

// get answers a plain GET of path on the test server.
func (ts *testServer) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http" + strings.TrimPrefix(ts.url, "ws") + strings.TrimPrefix(path, "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRedisSurvivesRestart: a conversation goes on after the bot is
// replaced by a new one on the same Redis, history included.
func TestRedisSurvivesRestart(t *testing.T) {
	srv := redistest.Start(t)
	a := startWith(t, nil, withRedis(t, srv), baf)
	c := a.dial(t, "replay=all", header("X-Session-ID", "alice"))
	c.expect(bafStr, greeting)
	c.send("user_set_variable", map[string]any{"tag": "kept"})
	c.say("count")
	c.expect(bafStr, "kept count=1")
	before := c.history(3)
	a.stop(t)

	b := startWith(t, nil, withRedis(t, srv), baf)
	c = b.dial(t, "replay=all", header("X-Session-ID", "alice"))
	c.say("count")
	c.expect(bafStr, "kept count=2")
	after := c.history(5)
	for i, f := range before {
		if after[i] != f {
			t.Errorf("history frame %d after the restart:\n%s\nwant\n%s", i, after[i], f)
		}
	}
}

// TestRedisDown: with Redis stopped, a turn is not answered but the user
// is told, quickly; /readyz says why; a new connection to a stored session
// is closed with 1013 and a message. Once Redis is back (empty: it keeps
// nothing on disk here), the client reconnects by itself and the session
// goes on from memory, written whole.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	ts := startWith(t, nil, withRedis(t, srv), baf, func(c *config.Config) { c.StoreTimeout = 500 * time.Millisecond })
	if code, body := ts.get(t, "/readyz"); code != 200 || body != "ok" {
		t.Errorf("/readyz with Redis up: %d %q", code, body)
	}
	c := ts.dial(t, "", header("X-Session-ID", "bob"))
	c.expect(bafStr, greeting)
	c.say("count")
	c.expect(bafStr, "count=1")

	srv.Stop()
	began := time.Now()
	c.say("count")
	c.expect(bafStr, notStoredText)
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("the user waited %v", d)
	}
	code, body := ts.get(t, "/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "session store") {
		t.Errorf("/readyz with Redis down: %d %q", code, body)
	}
	if !strings.Contains(ts.logs.String(), "turn not stored") {
		t.Errorf("not logged:\n%s", ts.logs.String())
	}
	other := ts.dial(t, "", header("X-Session-ID", "carol"))
	other.expect(bafStr, unreachableText)
	if code := other.expectClose(); code != 1013 {
		t.Errorf("close code %d, want 1013", code)
	}

	srv.Restart()
	// The turn that could not be stored did not happen: count is still 1.
	c.say("count")
	c.expect(bafStr, "count=2")
	if code, _ := ts.get(t, "/readyz"); code != 200 {
		t.Errorf("/readyz with Redis back: %d", code)
	}
	_, m := ts.scrape(t)
	// The turn Redis missed failed at its lease, before its write.
	for _, want := range []string{`botgen_store_operations_total{operation="append"} 3`, `botgen_store_errors_total{operation="lease"} 1`, "botgen_store_duration_seconds_count"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, m)
		}
	}
	ts.stop(t)
	b := startWith(t, nil, withRedis(t, srv), baf)
	d := b.dial(t, "", header("X-Session-ID", "bob"))
	d.say("count")
	d.expect(bafStr, "count=3")
}

// TestRedisSlow: a Redis that stops answering (paused) costs a turn
// session.store_timeout, not a hang.
func TestRedisSlow(t *testing.T) {
	srv := redistest.Start(t)
	ts := startWith(t, nil, withRedis(t, srv), baf, func(c *config.Config) { c.StoreTimeout = 300 * time.Millisecond })
	c := ts.dial(t, "", header("X-Session-ID", "slow"))
	c.expect(bafStr, greeting)
	resume := srv.Pause()
	defer resume()
	began := time.Now()
	c.say("count")
	c.expect(bafStr, notStoredText)
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("the user waited %v", d)
	}
	resume()
	c.say("count")
	c.expect(bafStr, "count=1")
}
