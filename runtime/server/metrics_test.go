package server

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/protocol"
)

// TestMetrics: /metrics counts connections, sessions, requests by action,
// intents understood, fallbacks, failed turns, bad frames and replies, and
// has a histogram of turn durations.
func TestMetrics(t *testing.T) {
	ts := start(t, nil, baf)
	c := ts.dial(t, "replay=all", header("X-Session-ID", "m"))
	c.expect(bafStr, greeting)
	c.say("hello")
	c.expect(bafStr, hiThere)
	c.say("count")
	c.next()
	c.say("hello")
	c.next()
	c.say("what is the meaning of life")
	c.expect(bafStr, fellOver)
	c.say("boom")
	c.next()
	c.raw("{not json")
	if err := c.ws.WriteMessage(websocket.BinaryMessage, []byte{1}); err != nil {
		t.Fatal(err)
	}
	c.send("fetch_user_messages", nil)
	for range 11 { // greeting + 5 × (message, reply)
		c.next()
	}
	d := ts.dial(t, "", nil)
	d.next()

	wants := []string{
		"botgen_sessions 2",
		"botgen_connections 2",
		"botgen_connections_opened_total 2",
		"botgen_sessions_created_total 2",
		`botgen_requests_total{action="user_message"} 5`,
		`botgen_requests_total{action="fetch_user_messages"} 1`,
		`botgen_requests_total{action="reset"} 0`,
		`botgen_intents_total{intent="hello"} 2`,
		`botgen_intents_total{intent="count"} 1`,
		`botgen_intents_total{intent="boom"} 1`,
		`botgen_intents_total{intent="slow"} 0`,
		"botgen_fallbacks_total 2", // the message not understood, and the failed turn
		"botgen_turns_failed_total 1",
		"botgen_bad_frames_total 2",
		"botgen_replies_total 7", // two greetings and five answers
		`botgen_turn_duration_seconds_bucket{le="+Inf"} 6`,
		"botgen_turn_duration_seconds_count 6",
		"# TYPE botgen_turn_duration_seconds histogram",
	}
	// A request is counted when its handler returns, which may be just
	// after the client has read its last reply: scrape until every line is
	// there, or fail after 5 s naming those that are not.
	var missing []string
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var code int
		code, body = ts.scrape(t)
		if code != 200 {
			t.Fatalf("/metrics: %d", code)
		}
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(body, "\n"+want+"\n") && !strings.HasPrefix(body, want+"\n") {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, m := range missing {
		t.Errorf("no line %q in:\n%s", m, body)
	}
}

// A failed call is logged with its .bot position and counted, whether the
// state's on error took it or the turn failed and the fallback answered.
func TestCallFailures(t *testing.T) {
	ts := start(t, nil, baf)
	c := ts.dial(t, "", nil)
	c.expect(bafStr, greeting)
	c.say("call the service")
	c.expect(bafStr, fellOver)
	c.say("guarded call")
	c.expect(bafStr, "sorry: service down")
	eventually(t, "call failures logged", func() bool {
		logs := ts.logs.String()
		return strings.Contains(logs, `msg="call failed, on error took it" session=`) && strings.Contains(logs, "at=test.bot:12:5") &&
			strings.Contains(logs, `msg="turn failed"`) && strings.Contains(logs, "at test.bot:9:5: service down")
	})
	eventually(t, "call failures counted", func() bool {
		_, body := ts.scrape(t)
		return strings.Contains(body, "\nbotgen_call_failures_total 2\n") && strings.Contains(body, "\nbotgen_turns_failed_total 1\n")
	})
}

// BenchmarkMetricsTurn is what a turn adds to the metrics: its request
// and duration, and the model's choice of intent; in parallel, as turns
// of many sessions run.
func BenchmarkMetricsTurn(b *testing.B) {
	m := newMetrics([]string{"hello", "count"})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.turn(protocol.UserMessage, 300*time.Microsecond)
			m.llmChoice("hello")
		}
	})
}
