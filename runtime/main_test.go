package runtime

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/botgen-dev/botgen/runtime/bottest"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// weatherProgram is a bot that asks an HTTP API (its setting api) and a Go
// function, and its tests, which mock both through the bot's own test
// command over its WebSocket endpoint.
func weatherProgram(apiURL string) *Program {
	b := &engine.Bot{
		Name:     "weather",
		Initial:  "ask",
		Settings: []config.Setting{{Name: "api", Kind: config.String, Default: apiURL}},
		States: []engine.State{
			{Name: "ask", Body: func(t *engine.Turn) {
				place, ok := t.Mocked("w.bot:5:9", "locate")
				if !ok {
					place = "the real place"
				}
				w := t.Get("w.bot:6:9", t.Setting("api").(string), nil, nil)
				temp, err := val.Field(w, "temp")
				t.Check("w.bot:7:5", err)
				t.Reply(reply.NewText(reply.Str, val.Text(place)+": "+val.Text(temp)))
			}, Transitions: []engine.Transition{{Kind: engine.OnError, Target: "sorry"}}},
			{Name: "sorry", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "sorry ("+val.Text(t.Val(engine.ErrorVar))+")"))
			}},
		},
	}
	hot := val.NewRecord(1)
	hot.Set("temp", 31.0)
	expect := func(text string) bottest.Step {
		return bottest.Step{Kind: bottest.Expect, Reply: "str", Text: text, HasText: true}
	}
	matching := func(re string) bottest.Step {
		return bottest.Step{Kind: bottest.Expect, Reply: "str", Text: re, Regex: true, HasText: true}
	}
	return &Program{Bot: b, Tests: []bottest.Case{
		{Name: "mocked", Pos: "w.bot:10:1", Mocks: []bottest.Mock{
			{Func: "locate", Value: "Barcelona"},
			{Method: "GET", Setting: "api", Value: hot},
		}, Steps: []bottest.Step{expect("Barcelona: 31")}},
		{Name: "failing", Pos: "w.bot:20:1", Mocks: []bottest.Mock{
			{Method: "GET", Setting: "api", Fails: "timeout"},
		}, Steps: []bottest.Step{matching(`^sorry \(GET http://127\.0\.0\.1:[0-9]+: timeout\)$`)}},
		{Name: "unmocked", Pos: "w.bot:30:1", Steps: []bottest.Step{matching(`^sorry \(unmocked HTTP call: GET http://127\.0\.0\.1:[0-9]+\)$`)}},
	}}
}

// A bot's own test command gives each test its mocks, and no test reaches
// the network: the real API behind the setting is never called.
func TestTestCommandMocks(t *testing.T) {
	var called atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called.Store(true)
		w.Write([]byte(`{"temp": 0}`))
	}))
	defer api.Close()
	var out, errs bytes.Buffer
	code := Run(context.Background(), weatherProgram(api.URL), []string{"weather", "test"}, strings.NewReader(""), &out, &errs)
	if code != 0 || !strings.Contains(out.String(), "3 passed, 0 failed") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errs.String())
	}
	if called.Load() {
		t.Error("a test reached the real API")
	}
}

// Tests that mock calls cannot run against a bot at another address: they
// fail, saying so, where the others run.
func TestMocksNeedTheBotsOwnTestCommand(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	p := weatherProgram(api.URL)
	results := bottest.Run(context.Background(), "ws://127.0.0.1:1/", p.Tests[:1], bottest.Options{})
	if len(results) != 1 || !strings.Contains(results[0].Failure, "only its own test command") {
		t.Fatalf("results %+v", results)
	}
}
