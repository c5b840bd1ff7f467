package engine_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/fetch"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// weatherCallBot asks url for the temperature and a Go function (here a Go
// func the test stands in for) for a greeting, taking its error path when
// either fails.
func weatherCallBot(url string, greet func() (val.Value, error)) *engine.Bot {
	return &engine.Bot{
		Name:    "calls",
		Initial: "ask",
		States: []engine.State{
			{Name: "ask", Body: func(t *engine.Turn) {
				g, ok := t.Mocked("c.bot:3:9", "greet")
				if !ok {
					var err error
					g, err = greet()
					t.Check("c.bot:3:9", err)
				}
				q := val.NewRecord(1)
				q.Set("city", "Barcelona")
				w := t.Get("c.bot:4:9", url, q, nil)
				temp, err := val.Field(w, "temp")
				t.Check("c.bot:5:5", err)
				t.Reply(reply.NewText(reply.Str, val.Text(g)+" "+val.Text(temp)))
			}, Transitions: []engine.Transition{{Kind: engine.OnError, Target: "sorry"}}},
			{Name: "sorry", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "sorry: "+val.Text(t.Val(engine.ErrorVar))))
			}},
		},
	}
}

func TestHTTPCallsAndMocks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("city") != "Barcelona" {
			http.Error(w, "no city", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{"temp": 21.5}`))
	}))
	defer srv.Close()
	greet := func() (val.Value, error) { return "hello", nil }
	e := newEngine(t, weatherCallBot(srv.URL, greet))

	// The real world: a loopback API and the function.
	wantTexts(t, e.NewSession("real").Start(), "hello 21.5")

	// A test's session: the API and the function mocked.
	s := e.NewSession("mocked")
	m := fetch.NewMocks(true)
	m.Return("GET", srv.URL, func() val.Value { r := val.NewRecord(1); r.Set("temp", 30.0); return r }())
	s.SetMocks(&engine.Mocks{HTTP: m, Funcs: map[string]engine.FuncMock{"greet": {Value: "hi"}}})
	wantTexts(t, s.Start(), "hi 30")

	// A failing mock takes the error path.
	s = e.NewSession("failing")
	m = fetch.NewMocks(true)
	m.Fail("GET", srv.URL, "timeout")
	s.SetMocks(&engine.Mocks{HTTP: m})
	if r := s.Start(); len(r) != 1 || !strings.Contains(r[0].Text, "timeout") {
		t.Fatalf("replies %q", texts(r))
	}

	// In a strict test, a call nobody mocked fails and names the URL.
	s = e.NewSession("unmocked")
	s.SetMocks(&engine.Mocks{HTTP: fetch.NewMocks(true), Funcs: map[string]engine.FuncMock{"greet": {Fails: "no greeting"}}})
	if r := s.Start(); len(r) != 1 || r[0].Text != "sorry: no greeting" {
		t.Fatalf("replies %q", texts(r))
	}
	s = e.NewSession("unmocked2")
	s.SetMocks(&engine.Mocks{HTTP: fetch.NewMocks(true)})
	if r := s.Start(); len(r) != 1 || !strings.Contains(r[0].Text, "unmocked HTTP call: GET "+srv.URL) {
		t.Fatalf("replies %q", texts(r))
	}
}

// A setting reads as the bot declares it, or as the configuration
// overrides it.
func TestSettings(t *testing.T) {
	var got []any
	b := &engine.Bot{
		Name:     "set",
		Initial:  "s",
		Settings: []config.Setting{{Name: "api", Kind: config.String, Default: "https://a.example"}, {Name: "retries", Kind: config.Int, Default: "2"}},
		States: []engine.State{{Name: "s", Body: func(t *engine.Turn) {
			got = append(got, t.Setting("api"), t.Setting("retries"))
		}}},
	}
	newEngine(t, b).NewSession("a").Start()
	cfg := config.Default()
	cfg.Settings = map[string]string{"api": "https://b.example"}
	e, err := engine.New(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.NewSession("b").Start()
	want := []any{"https://a.example", 2.0, "https://b.example", 2.0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
