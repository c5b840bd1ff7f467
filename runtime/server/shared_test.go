package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/internal/redistest"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// transcriptOf reads frames from c until it has n replies, and returns the
// replies' texts and the user messages echoed to it, in order.
func transcriptOf(c *client, n int) (replies, echoes []string) {
	c.t.Helper()
	for len(replies) < n {
		f := c.frame()
		text, _ := f.Message.(string)
		switch f.Action {
		case bafStr:
			replies = append(replies, text)
		case "user_message":
			echoes = append(echoes, text)
		default:
			c.t.Fatalf("unexpected frame %s %v", f.Action, f.Message)
		}
	}
	return replies, echoes
}

// TestInstancesShareASession: two connections of one session on two
// instances of the bot on one Redis. A message on either gets its replies
// on both, and an echo on the other; turns sent from both at once run one
// at a time, in one order both see, none lost or run twice; the history
// replayed on either is the whole conversation.
func TestInstancesShareASession(t *testing.T) {
	srv := redistest.Start(t)
	a := startWith(t, nil, withRedis(t, srv), baf)
	b := startWith(t, nil, withRedis(t, srv), baf)
	ca := a.dial(t, "echo=1", header("X-Session-ID", "two"))
	ca.expect(bafStr, greeting)
	cb := b.dial(t, "echo=1", header("X-Session-ID", "two"))
	plain := b.dial(t, "", header("X-Session-ID", "two"))
	b.waitConns(t, 2)

	ca.say("count")
	ca.expect(bafStr, "count=1")
	for _, c := range []*client{cb, plain} {
		if c == cb {
			c.expect("user_message", "count")
		}
		c.expect(bafStr, "count=1")
	}
	cb.say("count")
	cb.expect(bafStr, "count=2")
	ca.expect("user_message", "count")
	ca.expect(bafStr, "count=2")
	plain.expect(bafStr, "count=2")

	// Both send at once, without waiting for the replies.
	const each = 20
	var wg sync.WaitGroup
	for i, c := range []*client{ca, cb} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range each {
				c.send("user_message", fmt.Sprintf("count %c%d", 'a'+i, k))
			}
		}()
	}
	wg.Wait()
	var want []string
	for n := 3; n < 3+2*each; n++ {
		want = append(want, fmt.Sprintf("count=%d", n))
	}
	ra, ea := transcriptOf(ca, 2*each)
	rb, eb := transcriptOf(cb, 2*each)
	rp, ep := transcriptOf(plain, 2*each)
	for name, got := range map[string][]string{"a": ra, "b": rb, "plain": rp} {
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("replies on %s:\n%q\nwant\n%q", name, got, want)
		}
	}
	// Each echo=1 connection saw the other's messages, in the order sent,
	// and none of its own; the plain one saw none.
	for name, got := range map[string][]string{"a": ea, "b": eb} {
		other := map[string]string{"a": "b", "b": "a"}[name]
		if len(got) != each {
			t.Errorf("%d echoes on %s, want %d: %q", len(got), name, each, got)
			continue
		}
		for k, m := range got {
			if m != fmt.Sprintf("count %s%d", other, k) {
				t.Errorf("echo %d on %s is %q", k, name, m)
			}
		}
	}
	if len(ep) != 0 {
		t.Errorf("echoes on a connection without echo=1: %q", ep)
	}

	// The history, replayed by a new connection on either instance, is
	// the conversation as both saw it.
	for _, ts := range []*testServer{a, b} {
		c := ts.dial(t, "replay=all", header("X-Session-ID", "two"))
		hist := c.history(1 + 2*(2+2*each))
		var replies []string
		for _, f := range hist {
			var fr frame
			_ = json.Unmarshal([]byte(f), &fr)
			if text, _ := fr.Message.(string); fr.Action == bafStr && strings.HasPrefix(text, "count=") {
				replies = append(replies, text)
			}
		}
		if got := strings.Join(replies, " "); got != "count=1 count=2 "+strings.Join(want, " ") {
			t.Errorf("replayed replies: %s", got)
		}
	}
}

// TestInstancesCatchUp: an instance whose subscription is cut (killed by
// Redis) still gets its connections every reply, once: the events it
// missed while it subscribed again are read from the stored history.
func TestInstancesCatchUp(t *testing.T) {
	srv := redistest.Start(t)
	a := startWith(t, nil, withRedis(t, srv), baf)
	b := startWith(t, nil, withRedis(t, srv), baf)
	ca := a.dial(t, "", header("X-Session-ID", "cut"))
	ca.expect(bafStr, greeting)
	cb := b.dial(t, "", header("X-Session-ID", "cut"))
	b.waitConns(t, 1)
	for n := 1; n <= 30; n++ {
		if n%10 == 1 {
			redisCommand(t, srv, "CLIENT", "KILL", "TYPE", "pubsub")
		}
		ca.say("count")
		ca.expect(bafStr, fmt.Sprintf("count=%d", n))
	}
	got, _ := transcriptOf(cb, 30)
	for i, r := range got {
		if r != fmt.Sprintf("count=%d", i+1) {
			t.Fatalf("replies on the other instance: %q", got)
		}
	}
	cb.quiet("the other instance, after every reply")
	t.Logf("caught up from the store: %v", strings.Contains(b.logs.String(), "caught up from the store"))

	// The fan-out's series: a published each turn with its write; b
	// received them and, after a lost subscription, caught the session up
	// from the store.
	_, ma := a.scrape(t)
	_, mb := b.scrape(t)
	for _, c := range []struct {
		metrics, name string
		least         float64
	}{
		{ma, "botgen_fanout_events_published_total", 30},
		{mb, "botgen_fanout_events_received_total", 1},
		{mb, "botgen_fanout_catchups_total", 1},
	} {
		if v := metricValue(t, c.metrics, c.name); v < c.least {
			t.Errorf("%s = %v, want at least %v", c.name, v, c.least)
		}
	}
	if v := metricValue(t, mb, "botgen_fanout_queue"); v != 0 {
		t.Errorf("botgen_fanout_queue = %v once every event was delivered", v)
	}
}

// metricValue returns the value of the series name (without labels) in
// the text exposition m.
func metricValue(t *testing.T, m, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(m, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("no series %s in:\n%s", name, m)
	return 0
}

// redisCommand sends one command to srv and reads the first line of its
// answer.
func redisCommand(t *testing.T, srv *redistest.Server, args ...string) string {
	t.Helper()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	n, _ := c.Read(buf)
	return string(buf[:n])
}

// TestRedisShutdownRestarts: on a shared store, Shutdown turns /readyz to
// 503 at once and refuses new chat connections, lets the turn in flight
// finish and its reply go, then closes every connection with 1012 (service
// restart), so that clients reconnect to another instance at once.
func TestRedisShutdownRestarts(t *testing.T) {
	srv := redistest.Start(t)
	hooks := &testHooks{slowStarted: make(chan struct{}), slowRelease: make(chan struct{})}
	ts := startWith(t, hooks, withRedis(t, srv), baf)
	a := ts.dial(t, "", header("X-Session-ID", "leaving-a"))
	a.next()
	b := ts.dial(t, "", header("X-Session-ID", "leaving-b"))
	b.next()
	a.say("slow")
	<-hooks.slowStarted
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- ts.Shutdown(ctx)
	}()
	eventually(t, "/readyz to answer 503", func() bool {
		code, body := ts.get(t, "/readyz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "shutting down")
	})
	if _, err := ts.tryDial("", header("X-Session-ID", "late")); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a new connection while shutting down: %v, want HTTP 503", err)
	}
	close(hooks.slowRelease)
	a.expect(bafStr, "slow done")
	for name, c := range map[string]*client{"a": a, "b": b} {
		if code := c.expectClose(); code != websocket.CloseServiceRestart {
			t.Errorf("%s: close code %d, want 1012", name, code)
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	// The session goes on on another instance.
	other := startWith(t, nil, withRedis(t, srv), baf)
	c := other.dial(t, "", header("X-Session-ID", "leaving-a"))
	c.say("count")
	c.expect(bafStr, "count=1")
}

// TestInstancesStream: a connection with stream=1 on one instance gets the
// stream frames of a turn another instance runs, then the reply itself.
func TestInstancesStream(t *testing.T) {
	srv := redistest.Start(t)
	m := &scriptModel{}
	a := startBot(t, modelBot(m), withRedis(t, srv), baf)
	b := startBot(t, modelBot(m), withRedis(t, srv), baf)
	sender := a.dial(t, "", header("X-Session-ID", "streamed"))
	sender.rawFrame() // the greeting
	watcher := b.dial(t, "stream=1", header("X-Session-ID", "streamed"))
	b.waitConns(t, 1)
	m.queue("Streamed across instances.")
	sender.say("ask one")
	var text strings.Builder
	for {
		f := watcher.rawFrame()
		if f.Action == "agent_reply_markdown" {
			var whole string
			_ = json.Unmarshal(f.Message, &whole)
			if whole != "Streamed across instances." {
				t.Errorf("reply %q", whole)
			}
			break
		}
		if f.Action != "agent_reply_"+StreamKind {
			t.Fatalf("got %s %s", f.Action, f.Message)
		}
		var d struct {
			Delta string `json:"delta"`
		}
		_ = json.Unmarshal(f.Message, &d)
		text.WriteString(d.Delta)
	}
	if text.String() != "Streamed across instances." {
		t.Errorf("streamed %q", text.String())
	}
}

// BenchmarkRoundTripShared times a turn of a session kept in Redis by an
// instance on a shared store: the lease, the turn's script (with its event
// and the lease's release) and the event coming back to the instance.
func BenchmarkRoundTripShared(b *testing.B) {
	srv := redistest.Start(b)
	ts := startWith(b, nil, withRedis(b, srv))
	c := ts.dial(b, "", header("X-Session-ID", "bench"))
	c.next()
	before, err := srv.Requests()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.say("hello")
		c.next()
	}
	b.StopTimer()
	after, err := srv.Requests()
	if err != nil {
		b.Fatal(err)
	}
	// The INFO that counts is one of them.
	b.ReportMetric(float64(after-before-1)/float64(b.N), "redis-requests/op")
}

// TestStaleTurnRefused: an instance whose turn outlived its lease (here,
// the lease removed as if it expired while the instance was paused) cannot
// store that turn once another instance has taken the lease, even before
// that one wrote: the user is told it did not happen, and the session holds
// the other instance's turn alone.
func TestStaleTurnRefused(t *testing.T) {
	srv := redistest.Start(t)
	ha := &testHooks{slowStarted: make(chan struct{}), slowRelease: make(chan struct{})}
	hb := &testHooks{slowStarted: make(chan struct{}), slowRelease: make(chan struct{})}
	a := startWith(t, ha, withRedis(t, srv), baf)
	b := startWith(t, hb, withRedis(t, srv), baf)
	ca := a.dial(t, "", header("X-Session-ID", "stale"))
	ca.expect(bafStr, greeting)
	cb := b.dial(t, "", header("X-Session-ID", "stale"))
	b.waitConns(t, 1)

	ca.say("slow")
	<-ha.slowStarted
	redisCommand(t, srv, "DEL", "botgen:test:{"+sessionstore.Hash("stale")+"}:lease")
	cb.say("slow")
	<-hb.slowStarted // b holds the lease now, and has written nothing
	close(ha.slowRelease)
	ca.expect(bafStr, notStoredText)
	a.logs.WaitFor(t, "turn not stored", 5*time.Second)
	close(hb.slowRelease)
	cb.expect(bafStr, "slow done")

	// Stored: the greeting and b's turn; not the stale one.
	fresh := b.dial(t, "replay=all", header("X-Session-ID", "stale"))
	fresh.send("fetch_user_messages", nil)
	var hist []string
	for len(hist) < 3 {
		f := fresh.frame()
		text, _ := f.Message.(string)
		hist = append(hist, text)
	}
	if !slices.Equal(hist, []string{greeting, "slow", "slow done"}) {
		t.Errorf("stored history %q", hist)
	}
	fresh.quiet("after the history")
	// a's connection gets b's reply, then goes on from b's turn.
	ca.expect(bafStr, "slow done")
	ca.say("count")
	ca.expect(bafStr, "count=1")
}
