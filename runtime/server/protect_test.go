package server

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/config"
)

// closeOf reads until the connection closes and returns the close frame's
// code and text.
func closeOf(t *testing.T, c *client) (int, string) {
	t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := c.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, ce.Text
		}
		t.Fatalf("connection ended without a close frame: %v", err)
	}
}

// A connection whose client sends nothing for websocket.idle_timeout is
// closed with 1000 "idle", however well it answers pings; a message
// starts the wait again. It is logged and counted; the session stays.
func TestIdleConnectionsClose(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) {
		c.PingInterval = 50 * time.Millisecond
		c.ConnIdleTimeout = 600 * time.Millisecond
	})
	c := ts.dial(t, "", header("X-Session-ID", "quiet"))
	c.expect(bafStr, greeting)
	began := time.Now()
	time.Sleep(400 * time.Millisecond)
	c.say("hello")
	if _, err := c.tryNext(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	code, text := closeOf(t, c) // the client's reader answers the pings meanwhile
	if waited := time.Since(began); code != websocket.CloseNormalClosure || text != "idle" || waited < time.Second {
		t.Errorf("closed with %d %q after %v, want 1000 \"idle\" at least 600 ms after the last message", code, text, waited)
	}
	ts.logs.WaitFor(t, "closing connection: idle", 5*time.Second)
	if _, body := ts.scrape(t); !strings.Contains(body, `botgen_connections_closed_total{reason="idle"} 1`) {
		t.Errorf("metrics:\n%s", body)
	}
	// The session stays: the client comes back to it.
	again := ts.dial(t, "", header("X-Session-ID", "quiet"))
	again.say("hello")
	if _, err := again.tryNext(2 * time.Second); err != nil {
		t.Fatal(err)
	}
}

// A connection that sends past websocket.max_messages_per_second and its
// burst is closed with 1008; what it sent within them was handled.
func TestMessageRateCloses(t *testing.T) {
	ts := start(t, nil, func(c *config.Config) {
		c.MessageRate = 1
		c.MessageBurst = 3
	})
	c := ts.dial(t, "", nil)
	c.expect(bbfStr, greeting)
	for range 10 {
		if err := c.ws.WriteJSON(map[string]string{"action": "user_message", "message": "hello"}); err != nil {
			break // closed already
		}
	}
	replies := 0
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var code int
	var text string
	for {
		_, _, err := c.ws.ReadMessage()
		if err == nil {
			replies++
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("connection ended without a close frame: %v", err)
		}
		code, text = ce.Code, ce.Text
		break
	}
	if code != websocket.ClosePolicyViolation || text != "too many messages" {
		t.Errorf("closed with %d %q, want 1008 \"too many messages\"", code, text)
	}
	if replies == 0 || replies > 3*2 {
		t.Errorf("%d replies to the messages within the burst of 3", replies)
	}
	ts.logs.WaitFor(t, "closing connection: too many messages", 5*time.Second)
	if _, body := ts.scrape(t); !strings.Contains(body, `botgen_connections_closed_total{reason="rate"} 1`) {
		t.Errorf("metrics:\n%s", body)
	}
	// Another connection is not affected.
	other := ts.dial(t, "", nil)
	other.expect(bbfStr, greeting)
}

// The bucket lets a burst through, then the rate, and refills.
func TestBucket(t *testing.T) {
	b := newBucket(2, 3)
	now := b.last
	for i := range 3 {
		if !b.take(now) {
			t.Fatalf("message %d of the burst refused", i+1)
		}
	}
	if b.take(now) {
		t.Fatal("a message past the burst taken")
	}
	if !b.take(now.Add(500 * time.Millisecond)) {
		t.Fatal("a message half a second later refused at 2 a second")
	}
	if b.take(now.Add(500 * time.Millisecond)) {
		t.Fatal("two messages within half a second taken at 2 a second")
	}
	if none := newBucket(0, 1); !none.take(now) || !none.take(now) {
		t.Fatal("a rate of 0 limits")
	}
}
