package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/config"
)

const (
	bbfStr = "bot_reply_str"
	bafStr = "agent_reply_str"
)

func TestEnvelopeBBF(t *testing.T) {
	ts := start(t, nil)
	c := ts.dial(t, "", nil)
	if got, want := string(c.next()), `{"action":"bot_reply_str","message":"Welcome to the test bot"}`; got != want {
		t.Fatalf("greeting:\n got %s\nwant %s", got, want)
	}
	c.say("hello")
	if got, want := string(c.next()), `{"action":"bot_reply_str","message":"Hi there!"}`; got != want {
		t.Fatalf("reply:\n got %s\nwant %s", got, want)
	}
}

var bafFrame = regexp.MustCompile(`^\{"action":"agent_reply_str","message":"Welcome to the test bot","history":false,"timestamp":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"\}$`)

func TestEnvelopeBAF(t *testing.T) {
	ts := start(t, nil, baf)
	c := ts.dial(t, "", nil)
	if got := string(c.next()); !bafFrame.MatchString(got) {
		t.Fatalf("greeting %s does not match %s", got, bafFrame)
	}
	c.raw(`{"action":"user_message","message":"hello","history":false,"timestamp":null}`)
	c.expect(bafStr, hiThere)
}

func TestEveryReplyKind(t *testing.T) {
	for _, d := range []string{"bbf", "baf"} {
		t.Run(d, func(t *testing.T) {
			ts := start(t, nil, func(c *config.Config) { c.Protocol = d })
			c := ts.dial(t, "", nil)
			c.next()
			c.say("show kinds")
			prefix := "bot_reply_"
			if d == "baf" {
				prefix = "agent_reply_"
			}
			want := []struct {
				kind, message string
			}{
				{"str", `"plain"`},
				{"markdown", `"**bold**"`},
				{"html", `"<b>x</b> & y"`},
				{"options", `"{\"0\": \"Yes\", \"1\": \"No\"}"`},
				{"dataframe", `"{\"a\":{\"0\":1,\"1\":2}}"`},
				{"plotly", `"{\"data\":[],\"layout\":{}}"`},
				{"image", `"/9j/"`},
				{"file", `{"name":"r.txt","type":"text/plain","base64":"aGk="}`},
				{"location", `{"latitude":49.61,"longitude":6.13}`},
			}
			for _, w := range want {
				got := string(c.next())
				exp := `{"action":"` + prefix + w.kind + `","message":` + w.message
				if d == "bbf" {
					exp += "}"
				} else {
					exp += `,"history":false,"timestamp":"`
				}
				if !strings.HasPrefix(got, exp) {
					t.Errorf("got  %s\nwant %s", got, exp)
				}
			}
		})
	}
}

func TestClientActions(t *testing.T) {
	ts := start(t, nil, baf)
	// replay=all: the replay covers what came on this connection too.
	c := ts.dial(t, "replay=all", nil)
	c.expect(bafStr, greeting)

	// user_file: the message is a string holding JSON.
	file, _ := json.Marshal(map[string]string{"name": "a.csv", "type": "text/csv", "base64": base64.StdEncoding.EncodeToString([]byte("a,b\n1,2\n"))})
	c.send("user_file", string(file))
	c.expect(bafStr, "got a.csv (text/csv, 8 bytes)")
	// A file of a type no transition accepts: fallback.
	c.send("user_file", map[string]string{"name": "a.png", "type": "image/png", "base64": "iVBORw=="})
	c.expect(bafStr, fellOver)

	// user_voice: no speech-to-text, so the fallback.
	c.send("user_voice", base64.StdEncoding.EncodeToString([]byte("RIFF....WAVE")))
	c.expect(bafStr, fellOver)

	// user_set_variable sends nothing; the variables are set.
	c.send("user_set_variable", map[string]any{"tag": "T1", "count": 41})
	c.say("count")
	c.expect(bafStr, "T1 count=42")

	// A JSON event: its "message" field is the text.
	c.say(`{"message":"show","extra":[1,2]}`)
	c.expect(bafStr, "tag=T1 count=42")
	c.send("user_message", map[string]any{"message": "hello"})
	c.expect(bafStr, hiThere)
	c.send("user_message", map[string]any{"clicked": "x"})
	c.expect(bafStr, fellOver)

	// reset: greeting again, variables wiped.
	c.send("reset", nil)
	c.expect(bafStr, greeting)
	c.say("show")
	c.expect(bafStr, "tag= count=0")

	// fetch_user_messages: the history since the reset.
	c.send("fetch_user_messages", nil)
	wantHist := []struct{ action, message string }{
		{bafStr, greeting}, {"user_message", "show"}, {bafStr, "tag= count=0"},
	}
	for _, w := range wantHist {
		f := c.frame()
		if f.Action != w.action || f.Message != w.message || f.History == nil || !*f.History || f.Timestamp == nil {
			t.Fatalf("history frame %+v, want %s %q with history true", f, w.action, w.message)
		}
	}
	c.say("hello")
	c.expect(bafStr, hiThere)
}

func TestMalformedFrames(t *testing.T) {
	for _, d := range []string{"bbf", "baf"} {
		t.Run(d, func(t *testing.T) {
			ts := start(t, nil, func(c *config.Config) { c.Protocol = d })
			c := ts.dial(t, "", nil)
			c.next()
			bad := []string{
				`not json`,
				`{"action":"user_message","message":"unterminated`,
				`[1,2,3]`,
				`null`,
				`{"message":"hello"}`,
				`{"action":42,"message":"hello"}`,
				`{"action":"user_message"}`,
				`{"action":"dance","message":"hello"}`,
				`{"action":"user_message","message":17}`,
				`{"action":"user_message","message":null}`,
				`{"action":"user_file","message":"not a file"}`,
				`{"action":"user_file","message":"{\"name\":\"a\",\"type\":\"text/csv\",\"base64\":\"***\"}"}`,
				`{"action":"user_voice","message":{"x":1}}`,
				`{"action":"user_set_variable","message":"x"}`,
				``,
			}
			sessions := ts.SessionCount()
			for i, frame := range bad {
				c.raw(frame)
				if i%3 == 0 {
					if err := c.ws.WriteMessage(websocket.BinaryMessage, []byte(`{"action":"user_message","message":"count"}`)); err != nil {
						t.Fatal(err)
					}
				}
				// The next frame must be the reply to this valid message:
				// the bad one got no reply, and the counter goes on.
				c.say("count")
				f := c.frame()
				if want := fmt.Sprintf("count=%d", i+1); f.Message != want {
					t.Fatalf("after %q: got %v, want %q", frame, f.Message, want)
				}
			}
			if got := ts.SessionCount(); got != sessions {
				t.Errorf("sessions: %d, want %d", got, sessions)
			}
			logs := ts.logs.String()
			for _, want := range []string{"bad frame ignored", "binary frame", "unknown action", `has no \"message\"`, "is not valid JSON", "session="} {
				if !strings.Contains(logs, want) {
					t.Errorf("log lacks %q", want)
				}
			}
		})
	}
}

func TestPanickingTurn(t *testing.T) {
	ts := start(t, nil)
	c := ts.dial(t, "", nil)
	c.next()
	c.say("count")
	c.expect(bbfStr, "count=1")
	c.say("boom")
	c.expect(bbfStr, fellOver) // the turn's replies are dropped, the fallback sent
	c.say("count")
	c.expect(bbfStr, "count=2") // the turn's variable write was undone
	if logs := ts.logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "division by zero") {
		t.Errorf("panic not logged at error level:\n%s", logs)
	}
}

func TestBBFFreshSessionPerConnection(t *testing.T) {
	ts := start(t, nil)
	a := ts.dial(t, "", nil)
	a.expect(bbfStr, greeting)
	a.say("count")
	a.expect(bbfStr, "count=1")
	b := ts.dial(t, "", nil)
	b.expect(bbfStr, greeting)
	b.say("count")
	b.expect(bbfStr, "count=1")
	if n := ts.SessionCount(); n != 2 {
		t.Errorf("sessions: %d, want 2", n)
	}
	a.ws.Close()
	b.ws.Close()
	eventually(t, "sessions deleted", func() bool { return ts.SessionCount() == 0 })
}

func TestResume(t *testing.T) {
	tests := []struct {
		name, proto, query string
		header             http.Header
	}{
		{"baf header", "baf", "", header("X-Session-ID", "alice", "X-User-ID", "u1")},
		{"baf query", "baf", "session_id=bob&user_id=u2", nil},
		{"bbf header", "bbf", "", header("X-Session-ID", "carol")},
		{"bbf query", "bbf", "session_id=dave", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := start(t, nil, func(c *config.Config) { c.Protocol = tt.proto })
			str := bbfStr
			if tt.proto == "baf" {
				str = bafStr
			}
			c := ts.dial(t, tt.query, tt.header)
			c.expect(str, greeting)
			c.send("user_set_variable", map[string]any{"tag": "kept"})
			c.say("count")
			c.expect(str, "kept count=1")
			c.ws.Close()
			eventually(t, "connection closed", func() bool { return ts.ConnCount() == 0 })
			if n := ts.SessionCount(); n != 1 {
				t.Fatalf("sessions after disconnect: %d, want 1", n)
			}
			// Reconnect: no greeting, state and variables kept.
			c = ts.dial(t, tt.query, tt.header)
			c.say("count")
			c.expect(str, "kept count=2")
		})
	}
}

func TestSessionTTL(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) { c.SessionTTL = 50 * time.Millisecond })
	c := ts.dial(t, "", header("X-Session-ID", "short"))
	c.next()
	time.Sleep(150 * time.Millisecond)
	if n := ts.SessionCount(); n != 1 {
		t.Fatalf("a session with a live connection was reclaimed")
	}
	c.ws.Close()
	eventually(t, "session reclaimed", func() bool { return ts.SessionCount() == 0 })
	c = ts.dial(t, "", header("X-Session-ID", "short"))
	c.expect(bafStr, greeting) // a new session
}

func TestTwoConnectionsOneSession(t *testing.T) {
	ts := start(t, nil, baf)
	h := header("X-Session-ID", "shared")
	a := ts.dial(t, "", h)
	a.expect(bafStr, greeting)
	b := ts.dial(t, "", h)
	ts.waitConns(t, 2)
	for i, sender := range []*client{a, b, a, b, b} {
		sender.say("count")
		want := fmt.Sprintf("count=%d", i+1)
		a.expect(bafStr, want)
		b.expect(bafStr, want)
	}
	// Both get every frame of a multi-reply turn, in order.
	b.say("show kinds")
	for _, c := range []*client{a, b} {
		for _, kind := range []string{"str", "markdown", "html", "options", "dataframe", "plotly", "image", "file", "location"} {
			if f := c.frame(); f.Action != "agent_reply_"+kind {
				t.Fatalf("got %s, want agent_reply_%s", f.Action, kind)
			}
		}
	}
}

func TestFetchUserMessagesBBF(t *testing.T) {
	ts := start(t, nil, func(c *config.Config) { c.SessionHistory = 3 })
	c := ts.dial(t, "replay=all", nil)
	c.next()
	c.say("count")
	c.next()
	c.say("hello")
	c.next()
	c.send("fetch_user_messages", nil)
	// Bounded to the last 3 messages.
	want := []string{
		`{"action":"bot_reply_str","message":"count=1","history":true,"timestamp":"`,
		`{"action":"user_message","message":"hello","history":true,"timestamp":"`,
		`{"action":"bot_reply_str","message":"Hi there!","history":true,"timestamp":"`,
	}
	for _, w := range want {
		if got := string(c.next()); !strings.HasPrefix(got, w) {
			t.Fatalf("got  %s\nwant %s...", got, w)
		}
	}
	c.raw(`{"action":"fetch_user_messages"}`) // lenient: no message key
	c.next()
	c.next()
	c.next()
	c.say("count")
	c.expect(bbfStr, "count=2")
}

// TestReplayedUpload checks that an upload is part of the history: a replay
// names the file and gives its size, without its bytes.
func TestReplayedUpload(t *testing.T) {
	for _, opts := range [][]option{nil, {baf}} {
		ts := start(t, nil, opts...)
		c := ts.dial(t, "session_id=upload-replay", nil)
		c.next()
		file, _ := json.Marshal(map[string]string{"name": "a.csv", "type": "text/csv", "base64": base64.StdEncoding.EncodeToString([]byte("a,b\n1,2\n"))})
		c.send("user_file", string(file))
		c.next()
		c.ws.Close()
		c = ts.dial(t, "session_id=upload-replay", nil) // reconnecting
		c.send("fetch_user_messages", nil)
		c.next() // the greeting
		f := c.frame()
		if f.Action != "user_file" || f.History == nil || !*f.History || f.Message != `{"name":"a.csv","type":"text/csv","size":8}` {
			t.Errorf("replayed upload: %+v", f)
		}
		if f := c.frame(); !strings.HasSuffix(f.Action, "_reply_str") || f.Message != "got a.csv (text/csv, 8 bytes)" {
			t.Errorf("the reply to the upload: %+v", f)
		}
	}
}

func TestFetchLongHistory(t *testing.T) {
	// The history is longer than the send queue: the replay waits for room
	// rather than dropping the client.
	ts := start(t, nil, baf, func(c *config.Config) { c.SendQueue = 4 })
	c := ts.dial(t, "replay=all", nil)
	c.next()
	for i := 1; i <= 20; i++ {
		c.say("count")
		c.next()
	}
	c.send("fetch_user_messages", nil)
	for i := 0; i < 41; i++ {
		if f := c.frame(); f.History == nil || !*f.History {
			t.Fatalf("frame %d: %+v", i, f)
		}
	}
	c.say("count")
	c.expect(bafStr, "count=21")
}

func TestReadLimit(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) { c.MaxSize = 1024 })
	h := header("X-Session-ID", "big")
	a := ts.dial(t, "", h)
	a.expect(bafStr, greeting)
	a2 := ts.dial(t, "", h) // same session, other connection
	other := ts.dial(t, "", nil)
	other.expect(bafStr, greeting)
	ts.waitConns(t, 3)
	a.say("count")
	a.expect(bafStr, "count=1")
	a2.expect(bafStr, "count=1")

	a.say(strings.Repeat("x", 2000))
	// The user is told first, then the connection closes with 1009.
	if f := a.frame(); f.Action != bafStr || f.Message != "Sorry, that is too large for me: 2.0 kB, and I take at most 1.0 kB. Please send something smaller." {
		t.Fatalf("got %+v, want the reply saying the message is too large", f)
	}
	if code := a.expectClose(); code != websocket.CloseMessageTooBig {
		t.Fatalf("close code %d, want 1009", code)
	}
	// The other connections and the session are unaffected.
	other.say("count")
	other.expect(bafStr, "count=1")
	a2.say("count")
	a2.expect(bafStr, "count=2")
	a = ts.dial(t, "", h)
	ts.waitConns(t, 3)
	a.say("count")
	a.expect(bafStr, "count=3")
	a2.expect(bafStr, "count=3") // a2 gets a's reply too
	// A frame just under the limit is fine.
	a.say(strings.Repeat("y", 900))
	a.expect(bafStr, fellOver)
	// A message sent in fragments is counted as it arrives.
	w, err := a.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		w.Write([]byte(strings.Repeat("z", 4000)))
	}
	w.Close()
	if f := a.frame(); !strings.HasPrefix(fmt.Sprint(f.Message), "Sorry, that is too large for me: more than 1.0 kB") {
		t.Fatalf("fragmented: got %+v", f)
	}
	if code := a.expectClose(); code != websocket.CloseMessageTooBig {
		t.Fatalf("fragmented: close code %d, want 1009", code)
	}
	// Also when the whole of it is shorter than a piece the server reads
	// in.
	a = ts.dial(t, "", h)
	w, _ = a.ws.NextWriter(websocket.TextMessage)
	// Two fragments (the writer sends one each time its 4,096-byte buffer
	// fills), 5,000 bytes in all: less than a piece.
	w.Write([]byte(`{"action":"user_message","message":"` + strings.Repeat("z", 5000) + `"}`))
	w.Close()
	if f := a.frame(); !strings.HasPrefix(fmt.Sprint(f.Message), "Sorry, that is too large for me") {
		t.Fatalf("short fragmented: got %+v", f)
	}
	a.expectClose()
	if _, m := ts.scrape(t); !strings.Contains(m, "botgen_frames_too_large_total 3\n") {
		t.Errorf("metrics:\n%s", m)
	}
}

func TestOrigins(t *testing.T) {
	t.Run("allow-list", func(t *testing.T) {
		ts := start(t, nil, func(c *config.Config) { c.Origins = []string{"https://chat.example.com", "http://LOCALHOST:8501"} })
		for origin, ok := range map[string]bool{
			"https://chat.example.com":     true,
			"https://CHAT.example.com:443": true,
			"http://localhost:8501":        true,
			"http://chat.example.com":      false,
			"https://evil.example":         false,
			"null":                         false,
			"":                             true, // not a browser
		} {
			h := http.Header{}
			if origin != "" {
				h.Set("Origin", origin)
			}
			c, err := ts.tryDial("", h)
			if ok != (err == nil) {
				t.Errorf("origin %q: err %v, want allowed=%v", origin, err, ok)
			}
			if err == nil {
				c.ws.Close()
			} else if !strings.Contains(err.Error(), "403") {
				t.Errorf("origin %q: %v, want HTTP 403", origin, err)
			}
		}
	})
	t.Run("loopback any origin", func(t *testing.T) {
		ts := start(t, nil)
		c := ts.dial(t, "", header("Origin", "http://anything.example:3000"))
		c.expect(bbfStr, greeting)
		if !strings.Contains(ts.logs.String(), "any origin (loopback address)") {
			t.Error("origin rule not logged")
		}
	})
	t.Run("decision", func(t *testing.T) {
		tests := []struct {
			origin, host string
			allow        []string
			loopback     bool
			want         bool
		}{
			{"", "bot.example.com", nil, false, true},
			{"https://bot.example.com", "bot.example.com", nil, false, true},
			{"https://BOT.example.com", "bot.example.com:443", nil, false, true},
			{"http://bot.example.com:8765", "bot.example.com:8765", nil, false, true},
			{"http://bot.example.com:8080", "bot.example.com:8765", nil, false, false},
			{"https://evil.example", "bot.example.com", nil, false, false},
			{"null", "bot.example.com", nil, false, false},
			{"::bad", "bot.example.com", nil, false, false},
			{"https://evil.example", "127.0.0.1:8765", nil, true, true},
			{"https://evil.example", "bot.example.com", []string{"https://evil.example"}, false, true},
			{"https://evil.example", "bot.example.com", []string{"https://good.example"}, true, false},
			{"https://bot.example.com", "bot.example.com", []string{"https://good.example"}, false, false},
			{"https://x.example", "bot.example.com", []string{"*"}, false, true},
			{"null", "bot.example.com", []string{"null"}, false, true},
		}
		for _, tt := range tests {
			if got := originAllowed(tt.origin, tt.host, tt.allow, tt.loopback); got != tt.want {
				t.Errorf("originAllowed(%q, %q, %v, %v) = %v, want %v", tt.origin, tt.host, tt.allow, tt.loopback, got, tt.want)
			}
		}
	})
	t.Run("loopback detection", func(t *testing.T) {
		for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true, "0.0.0.0": false, "": false, "example.com": false, "192.168.1.2": false} {
			if got := isLoopbackHost(host); got != want {
				t.Errorf("isLoopbackHost(%q) = %v", host, got)
			}
		}
	})
}

func TestSlowClientDropped(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) { c.SendQueue = 2; c.SessionHistory = 10; c.WriteTimeout = time.Second })
	h := header("X-Session-ID", "slow")
	c := ts.dial(t, "", h)
	c.next()
	// Ask for 1 MiB replies without reading them: the socket buffers fill,
	// then the queue, then the server drops the connection.
	for i := 0; i < 200; i++ {
		if err := c.ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"user_message","message":"big"}`)); err != nil {
			break // the server has closed the connection
		}
		if ts.ConnCount() == 0 {
			break
		}
	}
	eventually(t, "slow client dropped", func() bool { return ts.ConnCount() == 0 })
	// Whichever waits out websocket.write_timeout first, the queue or the
	// socket, drops the client.
	eventually(t, "slow client logged", func() bool {
		logs := ts.logs.String()
		return strings.Contains(logs, "send queue full") || strings.Contains(logs, "i/o timeout")
	})
	if n := ts.SessionCount(); n != 1 {
		t.Fatalf("session lost: %d sessions", n)
	}
	c = ts.dial(t, "", h)
	c.say("count")
	c.expect(bafStr, "count=1")
}

func TestShutdown(t *testing.T) {
	hooks := &testHooks{slowStarted: make(chan struct{}), slowRelease: make(chan struct{})}
	ts := start(t, hooks, baf)
	a := ts.dial(t, "", nil)
	a.next()
	b := ts.dial(t, "", nil)
	b.next()
	a.say("slow")
	<-hooks.slowStarted // a turn is in flight
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- ts.Shutdown(ctx)
	}()
	// Shutdown waits for the turn.
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v during a turn", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(hooks.slowRelease)
	a.expect(bafStr, "slow done") // the turn's reply is written first
	if code := a.expectClose(); code != websocket.CloseGoingAway {
		t.Errorf("a: close code %d, want 1001", code)
	}
	if code := b.expectClose(); code != websocket.CloseGoingAway {
		t.Errorf("b: close code %d, want 1001", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	select {
	case err := <-ts.served:
		if err != nil {
			t.Fatalf("Serve returned %v, want nil", err)
		}
		ts.served <- nil // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := ts.tryDial("", nil); err == nil {
		t.Error("dial after Shutdown succeeded")
	}
}

func TestHTTP(t *testing.T) {
	ts := start(t, nil)
	base := "http" + strings.TrimPrefix(ts.url, "ws")
	get := func(path string) (int, string) {
		resp, err := http.Get(base + strings.TrimPrefix(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, _ := get("/"); code != 404 {
		t.Errorf("/ without a page: %d", code)
	}
	// The page handler gets plain requests (set before serving, as the
	// generated main does; here ServeHTTP is called directly).
	ts.Page = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "<html>chat</html>")
	})
	for path, want := range map[string]int{"/": 200, "/healthz": 200, "/other": 404} {
		rec := httptest.NewRecorder()
		ts.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("GET %s with a page: %d, want %d", path, rec.Code, want)
		}
		if path == "/" && rec.Body.String() != "<html>chat</html>" {
			t.Errorf("GET / with a page: %q", rec.Body.String())
		}
	}
	// A WebSocket upgrade on any path is a chat connection.
	ws, _, err := websocket.DefaultDialer.Dial(ts.url+"some/path", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_, b, err := ws.ReadMessage()
	if err != nil || !strings.Contains(string(b), greeting) {
		t.Errorf("chat on another path: %s %v", b, err)
	}
}

func TestBadSessionID(t *testing.T) {
	ts := start(t, nil, baf)
	if _, err := ts.tryDial("session_id="+strings.Repeat("k", 300), nil); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("overlong session id: %v", err)
	}
	// Neither a header nor a query can carry a key that is not UTF-8.
	if _, err := ts.tryDial("session_id=%ff%fe", nil); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("session id that is not UTF-8, in the query: %v", err)
	}
	if _, err := ts.tryDial("", header("X-Session-ID", "a\xffb")); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("session id that is not UTF-8, in a header: %v", err)
	}
	if !strings.Contains(ts.logs.String(), "invalid session id: not valid UTF-8") {
		t.Errorf("the log does not say why:\n%s", ts.logs.String())
	}
}

// TestSessionIDNotLogged: a session id may be a secret, so logs name the
// session by the start of its hash.
func TestSessionIDNotLogged(t *testing.T) {
	ts := start(t, nil, baf)
	const secret = "user-token-5b0d1c7e"
	c := ts.dial(t, "session_id="+secret, nil)
	c.expect("agent_reply_str", greeting)
	c.say("hello")
	c.expect("agent_reply_str", hiThere)
	c.ws.Close()
	ts.waitConns(t, 0)
	logs := ts.logs.String()
	if strings.Contains(logs, secret) {
		t.Errorf("the log holds the session id:\n%s", logs)
	}
	if !strings.Contains(logs, "session="+logID(secret)) || len(logID(secret)) != 12 {
		t.Errorf("the log does not name the session by its hash %s:\n%s", logID(secret), logs)
	}
}

func TestConcurrentSessions(t *testing.T) {
	const sessions, turns = 200, 10
	ts := start(t, nil, baf)
	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	for i := 0; i < sessions; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- converse(ts, i, turns)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := ts.SessionCount(); n != sessions {
		t.Errorf("sessions: %d, want %d", n, sessions)
	}
}

// converse holds one multi-turn conversation and checks that every reply is
// this session's own.
func converse(ts *testServer, i, turns int) error {
	tag := fmt.Sprintf("s%03d", i)
	c, err := ts.tryDial("session_id="+tag, nil)
	if err != nil {
		return err
	}
	defer c.ws.Close()
	read := func() (string, error) {
		b, err := c.tryNext(20 * time.Second)
		if err != nil {
			return "", err
		}
		var f frame
		if err := json.Unmarshal(b, &f); err != nil {
			return "", err
		}
		s, _ := f.Message.(string)
		return s, nil
	}
	write := func(action string, msg any) error {
		b, _ := json.Marshal(map[string]any{"action": action, "message": msg})
		return c.ws.WriteMessage(websocket.TextMessage, b)
	}
	if got, err := read(); err != nil || got != greeting {
		return fmt.Errorf("%s: greeting %q %v", tag, got, err)
	}
	if err := write("user_set_variable", map[string]any{"tag": tag}); err != nil {
		return err
	}
	for n := 1; n <= turns; n++ {
		if err := write("user_message", "count"); err != nil {
			return err
		}
		got, err := read()
		if want := fmt.Sprintf("%s count=%d", tag, n); err != nil || got != want {
			return fmt.Errorf("%s turn %d: got %q (%v), want %q", tag, n, got, err, want)
		}
	}
	return nil
}

func TestUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		u := newUUID()
		if !re.MatchString(u) || seen[u] {
			t.Fatalf("bad or repeated UUID %q", u)
		}
		seen[u] = true
	}
}

func BenchmarkRoundTrip(b *testing.B) {
	ts := start(b, nil)
	roundTrips(b, ts.dial(b, "", nil))
}

// roundTrips times a message and its reply on c, a new connection.
func roundTrips(b *testing.B, c *client) {
	c.next() // the greeting
	msg := []byte(`{"action":"user_message","message":"hello"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.ws.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestKeepalive(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) {
		// Silence for 2*100+200 ms drops a connection.
		c.PingInterval = 100 * time.Millisecond
		c.WriteTimeout = 200 * time.Millisecond
	})
	// A client that keeps reading answers the pings and stays connected.
	alive := ts.dial(t, "", header("X-Session-ID", "alive"))
	alive.expect(bafStr, greeting)
	pings := make(chan struct{}, 100)
	def := alive.ws.PingHandler()
	alive.ws.SetPingHandler(func(s string) error { pings <- struct{}{}; return def(s) })
	go func() {
		for {
			if _, _, err := alive.ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	// A client that never reads never answers: it is dropped.
	mute := ts.dial(t, "", header("X-Session-ID", "mute"))
	ts.waitConns(t, 2)
	eventually(t, "mute client dropped", func() bool { return ts.ConnCount() == 1 })
	// The count drops as the connection is forgotten; its closing line follows.
	ts.logs.WaitFor(t, "keepalive timeout", 5*time.Second)
	time.Sleep(800 * time.Millisecond) // twice the silence allowed
	if n := ts.ConnCount(); n != 1 {
		t.Errorf("connections: %d, want the reading client still connected", n)
	}
	if len(pings) < 4 {
		t.Errorf("%d pings at a 100 ms interval", len(pings))
	}
	_ = mute
}

func TestPanickingGreeting(t *testing.T) {
	ts := start(t, &testHooks{badGreeting: true})
	c := ts.dial(t, "", nil)
	c.expect(bbfStr, fellOver)
	c.say("anything")
	c.expect(bbfStr, fellOver) // the session is alive
	if !strings.Contains(ts.logs.String(), "initial body failed") {
		t.Error("failed greeting not logged")
	}
}

func TestSessionsRunInParallel(t *testing.T) {
	hooks := &testHooks{slowStarted: make(chan struct{}), slowRelease: make(chan struct{})}
	ts := start(t, hooks)
	a := ts.dial(t, "", nil)
	a.next()
	b := ts.dial(t, "", nil)
	b.next()
	a.say("slow")
	<-hooks.slowStarted
	// a's session is busy; b's is not held up by it.
	b.say("count")
	b.expect(bbfStr, "count=1")
	// A second message on a's session waits for the first turn.
	a.say("count")
	close(hooks.slowRelease)
	a.expect(bbfStr, "slow done")
	a.expect(bbfStr, "count=1")
}

func TestConcurrentSendersOneSession(t *testing.T) {
	const each = 50
	ts := start(t, nil, baf)
	h := header("X-Session-ID", "busy")
	a := ts.dial(t, "", h)
	a.next()
	b := ts.dial(t, "", h)
	ts.waitConns(t, 2)
	var wg sync.WaitGroup
	for _, c := range []*client{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := c.ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"user_message","message":"count"}`)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	// Turns run one at a time, so each connection sees count=1..100 in order.
	for n := 1; n <= 2*each; n++ {
		want := fmt.Sprintf("count=%d", n)
		a.expect(bafStr, want)
		b.expect(bafStr, want)
	}
	wg.Wait()
}

func TestShutdownDeadline(t *testing.T) {
	hooks := &testHooks{slowStarted: make(chan struct{}), slowRelease: make(chan struct{})}
	ts := start(t, hooks)
	c := ts.dial(t, "", nil)
	c.next()
	c.say("slow")
	<-hooks.slowStarted
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := ts.Shutdown(ctx); err != context.DeadlineExceeded {
		t.Errorf("Shutdown with a stuck turn: %v, want %v", err, context.DeadlineExceeded)
	}
	// The connection was dropped.
	if _, err := c.tryNext(5 * time.Second); err == nil {
		t.Error("connection still open after the shutdown deadline")
	}
	close(hooks.slowRelease) // let the turn end so the cleanup's Shutdown returns
}

// TestReplayCoversWhatWasSentBefore checks what the web chat page relies on
// when it (re)connects with its session id and at once asks for the history:
// every reply sent to the connection before the replay is in the replay
// (so the page may replace what it shows with the replay), a new session
// greets first, and a resumed one does not greet again. Both dialects.
func TestReplayCoversWhatWasSentBefore(t *testing.T) {
	for _, proto := range []string{"bbf", "baf"} {
		t.Run(proto, func(t *testing.T) {
			ts := start(t, nil, func(c *config.Config) { c.Protocol = proto })
			prefix := "bot_reply_"
			if proto == "baf" {
				prefix = "agent_reply_"
			}
			q := "session_id=page-" + proto
			c := ts.dial(t, q, nil)
			if f := c.frame(); f.Action != prefix+"str" || f.Message != greeting || isHistory(f) {
				t.Fatalf("new session: first frame %+v, want the live greeting", f)
			}
			// The greeting came after the connection opened: it is not
			// replayed, so the next frame answers the next message.
			c.send("fetch_user_messages", nil)
			c.say("count")
			if f := c.frame(); f.Action != prefix+"str" || f.Message != "count=1" || isHistory(f) {
				t.Fatalf("new session: got %+v after asking for the history, want no replay and live count=1", f)
			}
			c.ws.Close()
			eventually(t, "connection closed", func() bool { return ts.ConnCount() == 0 })

			// A reconnecting client gets all the session held.
			c = ts.dial(t, q, nil)
			c.send("fetch_user_messages", nil)
			want := []struct{ action, message string }{
				{prefix + "str", greeting},
				{"user_message", "count"},
				{prefix + "str", "count=1"},
			}
			for _, w := range want {
				if f := c.frame(); f.Action != w.action || f.Message != w.message || !isHistory(f) {
					t.Fatalf("resumed session: got %+v, want %s %q replayed", f, w.action, w.message)
				}
			}
			c.say("count")
			if f := c.frame(); f.Action != prefix+"str" || f.Message != "count=2" || isHistory(f) {
				t.Fatalf("resumed session: got %+v, want live count=2 (no second greeting)", f)
			}
			// replay=all (the bot's own page) also covers what came live.
			p := ts.dial(t, q+"&replay=all", nil)
			ts.waitConns(t, 2) // p must be attached to get count=3 live
			c.say("count")
			c.expect(prefix+"str", "count=3")
			p.next() // count=3, live
			p.send("fetch_user_messages", nil)
			for i := range 7 { // the 5 before it opened and the 2 after
				if f := p.frame(); !isHistory(f) {
					t.Fatalf("replay=all: frame %d %+v", i, f)
				}
			}
		})
	}
}

// TestAgentToAgent: in baf, a botgen bot can be the target agent of a
// multi-agent system: another agent's agent_reply_str is handled as the
// user's message. In bbf that action means nothing.
func TestAgentToAgent(t *testing.T) {
	ts := start(t, nil, baf)
	c := ts.dial(t, "", nil)
	c.next()
	c.raw(`{"action": "agent_reply_str", "message": "hello", "history": false, "timestamp": null}`)
	c.expect(bafStr, hiThere)

	b := start(t, nil)
	d := b.dial(t, "", nil)
	d.next()
	d.raw(`{"action": "agent_reply_str", "message": "hello"}`)
	d.say("count")
	d.expect(bbfStr, "count=1")
	if !strings.Contains(b.logs.String(), `unknown action \"agent_reply_str\"`) {
		t.Errorf("bbf: not logged as an unknown action:\n%s", b.logs.String())
	}
}

// TestBAFStreamlitLogin is the frame sequence of baf's Streamlit UI with
// login: it connects with X-User-ID and no session key, and sends
// fetch_user_messages at once. The greeting comes once, live, and is not
// replayed after it (the UI would show it twice).
func TestBAFStreamlitLogin(t *testing.T) {
	ts := start(t, nil, baf)
	c := ts.dial(t, "", header("X-User-ID", "alice"))
	c.raw(`{"action": "fetch_user_messages", "message": null, "history": false, "timestamp": null}`)
	if f := c.frame(); f.Message != greeting || isHistory(f) {
		t.Fatalf("first frame %+v, want the live greeting", f)
	}
	c.raw(`{"action": "user_message", "message": "hello", "history": false, "timestamp": null}`)
	if f := c.frame(); f.Message != hiThere || isHistory(f) {
		t.Fatalf("got %+v, want the live answer: the greeting was replayed", f)
	}
}

func isHistory(f frame) bool { return f.History != nil && *f.History }

// TestEchoToOtherConnections: a connection opened with echo=1 sees what the
// user sends on the session's other connections, live and before the
// replies; the sender and connections that did not ask see only replies.
func TestEchoToOtherConnections(t *testing.T) {
	ts := start(t, nil, baf)
	h := header("X-Session-ID", "tabs")
	a := ts.dial(t, "echo=1", h)
	a.expect(bafStr, greeting)
	b := ts.dial(t, "echo=1", h)
	plain := ts.dial(t, "", h)
	ts.waitConns(t, 3)

	a.say("count")
	f := b.frame()
	if f.Action != "user_message" || f.Message != "count" || f.History == nil || *f.History || f.Timestamp == nil {
		t.Errorf("echo on b: %+v", f)
	}
	b.expect(bafStr, "count=1")
	a.expect(bafStr, "count=1") // no echo of its own message
	plain.expect(bafStr, "count=1")

	file, _ := json.Marshal(map[string]string{"name": "a.csv", "type": "text/csv", "base64": base64.StdEncoding.EncodeToString([]byte("a,b\n"))})
	b.send("user_file", string(file))
	if f := a.frame(); f.Action != "user_file" || f.Message != `{"name":"a.csv","type":"text/csv","size":4}` || *f.History {
		t.Errorf("echo of an upload on a: %+v", f)
	}
	a.expect(bafStr, "got a.csv (text/csv, 4 bytes)")
	b.expect(bafStr, "got a.csv (text/csv, 4 bytes)")
	plain.expect(bafStr, "got a.csv (text/csv, 4 bytes)")
}
