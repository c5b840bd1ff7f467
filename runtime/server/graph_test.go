package server

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/internal/redistest"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/graph"
)

var testGraph = &graph.Graph{
	Bot: "test_bot",
	States: []graph.State{
		{Name: "start", Initial: true}, {Name: "main"}, {Name: "hello"}, {Name: "slow"},
	},
	Edges: []graph.Edge{
		{From: "start", To: "main", Kind: graph.Go},
		{From: "main", To: "hello", Kind: graph.Intent, Label: "hello"},
		{From: "main", To: "slow", Kind: graph.Intent, Label: "slow"},
		{From: "hello", To: "main", Kind: graph.Go},
		{From: "slow", To: "main", Kind: graph.Go},
	},
}

func (ts *testServer) request(t *testing.T, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http"+strings.TrimPrefix(ts.url, "ws")+strings.TrimPrefix(path, "/"), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestGraphHighlightsTheSessionsState: GET /graph draws the states, and
// with a session's id, highlights the state that session is in.
func TestGraphHighlightsTheSessionsState(t *testing.T) {
	ts := startWith(t, nil, func(s *Server) { s.Graph = testGraph })
	c := ts.dial(t, "session_id=viewer-1", nil)
	c.expect("bot_reply_str", greeting)

	resp, page := ts.request(t, http.MethodGet, "/graph?session_id=viewer-1")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /graph: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), page)
	}
	for _, h := range []string{"Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	for _, want := range []string{`<title>States of test_bot</title>`, `<g class="state current" data-state="main" aria-current="step">`, `data-state="hello"`, `>slow</text>`, `Your conversation is in <strong>main</strong>`} {
		if !strings.Contains(page, want) {
			t.Errorf("no %q in\n%s", want, page)
		}
	}

	// Another viewer, one with no session or an unknown one, sees no state
	// highlighted.
	for _, q := range []string{"", "?session_id=someone-else", "?session_id=" + strings.Repeat("x", 300)} {
		_, page := ts.request(t, http.MethodGet, "/graph"+q)
		if strings.Contains(page, "aria-current") || !strings.Contains(page, `data-state="main"`) {
			t.Errorf("/graph%s highlights a state, or draws none:\n%s", q, page)
		}
	}
	if resp, body := ts.request(t, http.MethodHead, "/graph"); resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD /graph: %d %q", resp.StatusCode, body)
	}
	if resp, _ := ts.request(t, http.MethodPost, "/graph"); resp.StatusCode != 404 {
		t.Errorf("POST /graph: %d", resp.StatusCode)
	}
}

// TestGraphFollowsMetricsEnabled: /graph is served only when
// metrics.enabled is true, as /metrics is.
func TestGraphFollowsMetricsEnabled(t *testing.T) {
	ts := startWith(t, nil, func(s *Server) { s.Graph = testGraph }, func(c *config.Config) { c.MetricsEnabled = false })
	if resp, _ := ts.request(t, http.MethodGet, "/graph"); resp.StatusCode != 404 {
		t.Errorf("/graph with metrics.enabled false: %d", resp.StatusCode)
	}
	ts = start(t, nil)
	if resp, _ := ts.request(t, http.MethodGet, "/graph"); resp.StatusCode != 404 {
		t.Errorf("/graph without a graph: %d", resp.StatusCode)
	}
}

// TestGraphOfAStoredSession: an instance that does not hold a session
// reads its state from the shared store, so behind a load balancer the
// viewer's state is highlighted whichever instance answers.
func TestGraphOfAStoredSession(t *testing.T) {
	srv := redistest.Start(t)
	setup := func(s *Server) {
		withRedis(t, srv)(s)
		s.Graph = testGraph
	}
	a := startWith(t, nil, setup)
	b := startWith(t, nil, setup)
	c := a.dial(t, "", header("X-Session-ID", "viewer-2"))
	c.next()
	_, page := b.request(t, http.MethodGet, "/graph?session_id=viewer-2")
	if !strings.Contains(page, `<g class="state current" data-state="main" aria-current="step">`) {
		t.Errorf("the other instance does not highlight the stored session's state:\n%s", page)
	}
	if _, page := b.request(t, http.MethodGet, "/graph?session_id=nobody"); strings.Contains(page, "aria-current") {
		t.Errorf("a session the store does not hold is highlighted:\n%s", page)
	}
}

// TestGraphHidesLiterals: the page shows conditions with their string
// literals hidden, and the server leaves the graph it was given whole.
func TestGraphHidesLiterals(t *testing.T) {
	g := *testGraph
	g.Edges = append(slices.Clone(g.Edges),
		graph.Edge{From: "main", To: "hello", Kind: graph.When, Label: `message == "staff-code-1234" and n > 2`},
		graph.Edge{From: "main", To: "slow", Kind: graph.Go, Label: `name == "a\"staff-code-5678" or name == "x"`})
	ts := startWith(t, nil, func(s *Server) { s.Graph = &g })
	resp, page := ts.request(t, http.MethodGet, "/graph")
	if resp.StatusCode != 200 || strings.Contains(page, "staff-code") {
		t.Fatalf("GET /graph: %d, shows the literals:\n%s", resp.StatusCode, page)
	}
	for _, want := range []string{`when message == &quot;…&quot; and n &gt; 2`, `go if name == &quot;…&quot; or name == &quot;…&quot;`} {
		if !strings.Contains(page, want) {
			t.Errorf("no %q in\n%s", want, page)
		}
	}
	if !strings.Contains(g.Edges[len(g.Edges)-2].Label, "staff-code-1234") {
		t.Error("the server changes the graph it was given")
	}
}

// TestGraphIsDrawnOnce: the diagram is laid out once however many ask
// for it.
func TestGraphIsDrawnOnce(t *testing.T) {
	ts := startWith(t, nil, func(s *Server) { s.Graph = testGraph })
	var first *graph.Drawing
	for range 3 {
		if resp, page := ts.request(t, http.MethodGet, "/graph"); resp.StatusCode != 200 || !strings.Contains(page, `data-state="main"`) {
			t.Fatalf("GET /graph: %d\n%s", resp.StatusCode, page)
		}
		ts.drawOnce.Do(func() {}) // orders this read after the drawing's write
		if first == nil {
			first = ts.drawing
		} else if ts.drawing != first {
			t.Error("the diagram is laid out again")
		}
	}
}
