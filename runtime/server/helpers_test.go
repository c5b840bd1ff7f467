package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/internal/testlog"
	"github.com/botgen-dev/botgen/runtime/builtin"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// testHooks lets a test observe or slow down the test bot's turns.
type testHooks struct {
	slowStarted chan struct{} // receives when the slow body begins
	slowRelease chan struct{} // the slow body waits for it
	badGreeting bool          // the initial body divides by zero
}

// Reply texts of the test bot.
const (
	greeting = "Welcome to the test bot"
	hiThere  = "Hi there!"
	fellOver = "I fell over"
)

// testBot is a greetings-like bot: a greeting body, intents that count,
// echo variables, reply every kind, panic, and take their time.
func testBot(h *testHooks) *engine.Bot {
	back := []engine.Transition{{Kind: engine.Go, Target: "main"}}
	say := func(text string) engine.Body {
		return func(t *engine.Turn) { t.Reply(reply.NewText(reply.Str, text)) }
	}
	return &engine.Bot{
		Name: "test_bot",
		Vars: []engine.Var{{Name: "count", Init: 0.0}, {Name: "tag", Init: ""}},
		Intents: []nlu.Intent{
			{Name: "hello", Sentences: []string{"hello", "hi"}},
			{Name: "count", Sentences: []string{"count"}},
			{Name: "show", Sentences: []string{"show"}},
			{Name: "kinds", Sentences: []string{"show kinds"}},
			{Name: "boom", Sentences: []string{"boom"}},
			{Name: "slow", Sentences: []string{"slow"}},
			{Name: "big", Sentences: []string{"big"}},
			{Name: "call", Sentences: []string{"call the service"}},
			{Name: "guarded", Sentences: []string{"guarded call"}},
		},
		States: []engine.State{
			{Name: "start", Body: func(t *engine.Turn) {
				if h != nil && h.badGreeting {
					t.Reply(reply.NewText(reply.Str, fmt.Sprint(builtin.Div(1, 0))))
				}
				t.Reply(reply.NewText(reply.Str, greeting))
			}, Transitions: back},
			{Name: "main", Transitions: []engine.Transition{
				{Kind: engine.OnIntent, Intent: "hello", Target: "hello"},
				{Kind: engine.OnIntent, Intent: "count", Target: "count"},
				{Kind: engine.OnIntent, Intent: "show", Target: "show"},
				{Kind: engine.OnIntent, Intent: "kinds", Target: "kinds"},
				{Kind: engine.OnIntent, Intent: "boom", Target: "boom"},
				{Kind: engine.OnIntent, Intent: "slow", Target: "slow"},
				{Kind: engine.OnIntent, Intent: "big", Target: "big"},
				{Kind: engine.OnIntent, Intent: "call", Target: "call"},
				{Kind: engine.OnIntent, Intent: "guarded", Target: "guarded"},
				{Kind: engine.OnFile, MIMETypes: []string{"text/csv"}, Target: "file"},
			}},
			{Name: "hello", Body: say(hiThere), Transitions: back},
			{Name: "call", Body: func(t *engine.Turn) { t.Check("test.bot:9:5", errors.New("service down")) }, Transitions: back},
			{Name: "guarded", Body: func(t *engine.Turn) { t.Check("test.bot:12:5", errors.New("service down")) }, Transitions: []engine.Transition{
				{Kind: engine.Go, Target: "main"},
				{Kind: engine.OnError, Target: "sorry"},
			}},
			{Name: "sorry", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "sorry: "+t.Str(engine.ErrorVar)))
			}, Transitions: back},
			{Name: "count", Body: func(t *engine.Turn) {
				n := t.Num("count") + 1
				t.Set("count", n)
				t.Reply(reply.NewText(reply.Str, fmt.Sprintf("%scount=%g", tagPrefix(t), n)))
			}, Transitions: back},
			{Name: "show", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, fmt.Sprintf("tag=%s count=%g", t.Str("tag"), t.Num("count"))))
			}, Transitions: back},
			{Name: "kinds", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "plain"))
				t.Reply(reply.NewText(reply.Markdown, "**bold**"))
				t.Reply(reply.NewText(reply.HTML, "<b>x</b> & y"))
				t.Reply(reply.NewOptions("Yes", "No"))
				t.Reply(reply.Reply{Kind: reply.DataFrame, Text: `{"a":{"0":1,"1":2}}`})
				t.Reply(reply.Reply{Kind: reply.Plotly, Text: `{"data":[],"layout":{}}`})
				t.Reply(reply.NewImage([]byte{0xff, 0xd8, 0xff}))
				t.Reply(reply.NewFile("r.txt", "text/plain", []byte("hi")))
				t.Reply(reply.NewLocation(49.61, 6.13))
			}, Transitions: back},
			{Name: "boom", Body: func(t *engine.Turn) {
				t.Set("count", t.Num("count")+100) // undone by the engine
				t.Reply(reply.NewText(reply.Str, "about to divide"))
				t.Reply(reply.NewText(reply.Str, fmt.Sprint(builtin.Div(1, 0))))
			}, Transitions: back},
			{Name: "slow", Body: func(t *engine.Turn) {
				if h != nil && h.slowStarted != nil {
					h.slowStarted <- struct{}{}
					<-h.slowRelease
				}
				t.Reply(reply.NewText(reply.Str, "slow done"))
			}, Transitions: back},
			{Name: "big", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, strings.Repeat("x", 1<<20)))
			}, Transitions: back},
			{Name: "file", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, fmt.Sprintf("got %s (%s, %g bytes)", t.Str(engine.FileName), t.Str(engine.FileType), t.Num(engine.FileSize))))
			}, Transitions: back},
		},
		Initial:  "start",
		Fallback: say(fellOver),
	}
}

func tagPrefix(t *engine.Turn) string {
	if tag := t.Str("tag"); tag != "" {
		return tag + " "
	}
	return ""
}

// testServer is a running server on a loopback port.
type testServer struct {
	*Server
	url    string // ws://127.0.0.1:port/
	logs   *testlog.Buffer
	served chan error // Serve's result
}

type option func(*config.Config)

func baf(c *config.Config) { c.Protocol = "baf" }

func start(t testing.TB, h *testHooks, opts ...option) *testServer {
	t.Helper()
	return startWith(t, h, nil, opts...)
}

// startWith is start with setup run on the server before it serves.
func startWith(t testing.TB, h *testHooks, setup func(*Server), opts ...option) *testServer {
	t.Helper()
	return startBot(t, testBot(h), setup, opts...)
}

// startBot serves bot, with setup run on the server before it serves.
func startBot(t testing.TB, bot *engine.Bot, setup func(*Server), opts ...option) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.Port = 0
	cfg.Host = "127.0.0.1"
	// The tests drive connections as fast as they can, far past what a
	// person types: the tests of the rate limit set it.
	cfg.MessageRate = 0
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(bot, cfg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &testlog.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := New(eng, cfg, logger)
	if setup != nil {
		setup(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: srv, url: "ws://" + ln.Addr().String() + "/", logs: logs, served: make(chan error, 1)}
	go func() { ts.served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-ts.served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

// client is a test chat client.
type client struct {
	t  testing.TB
	ws *websocket.Conn
}

func (ts *testServer) dial(t testing.TB, query string, header http.Header) *client {
	t.Helper()
	c, err := ts.tryDial(query, header)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c.withT(t)
}

func (ts *testServer) tryDial(query string, header http.Header) (*client, error) {
	u := ts.url
	if query != "" {
		u += "?" + query
	}
	ws, resp, err := websocket.DefaultDialer.Dial(u, header)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
		}
		return nil, err
	}
	return &client{ws: ws}, nil
}

func (c *client) withT(t testing.TB) *client {
	c.t = t
	t.Cleanup(func() { c.ws.Close() })
	return c
}

func (c *client) raw(frame string) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) send(action string, message any) {
	c.t.Helper()
	b, err := json.Marshal(map[string]any{"action": action, "message": message})
	if err != nil {
		c.t.Fatal(err)
	}
	c.raw(string(b))
}

func (c *client) say(text string) { c.t.Helper(); c.send("user_message", text) }

// next reads one frame (30 s at most: a liveness bound, generous for a
// loaded machine running the race detector).
func (c *client) next() []byte {
	c.t.Helper()
	b, err := c.tryNext(30 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return b
}

func (c *client) tryNext(d time.Duration) ([]byte, error) {
	_ = c.ws.SetReadDeadline(time.Now().Add(d))
	mt, b, err := c.ws.ReadMessage()
	if err != nil {
		return nil, err
	}
	if mt != websocket.TextMessage {
		return nil, fmt.Errorf("frame type %d, want text", mt)
	}
	return b, nil
}

// frame is a decoded server frame.
type frame struct {
	Action    string `json:"action"`
	Message   any    `json:"message"`
	History   *bool  `json:"history"`
	Timestamp *string
}

func (c *client) frame() frame {
	c.t.Helper()
	b := c.next()
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		c.t.Fatalf("bad frame %s: %v", b, err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if ts, ok := m["timestamp"].(string); ok {
		f.Timestamp = &ts
	}
	return f
}

// expect reads one reply and checks its action and message text.
func (c *client) expect(action, message string) {
	c.t.Helper()
	f := c.frame()
	if f.Action != action || f.Message != message {
		c.t.Fatalf("got %s %#v, want %s %q", f.Action, f.Message, action, message)
	}
}

// expectClose reads until the connection closes and returns the close code.
func (c *client) expectClose() int {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		_, _, err := c.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		c.t.Fatalf("connection ended without a close frame: %v", err)
	}
}

// eventually polls cond for up to 5 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitConns waits until the server has attached n connections: a client's
// dial returns when the handshake is answered, just before the server
// attaches the connection to its session.
func (ts *testServer) waitConns(t testing.TB, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d connections", n), func() bool { return ts.ConnCount() == n })
}

// scrape returns the status and body of the server's /metrics.
func (ts *testServer) scrape(t *testing.T) (int, string) {
	t.Helper()
	resp, err := http.Get("http" + strings.TrimPrefix(ts.url, "ws") + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, string(b)
}

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}
