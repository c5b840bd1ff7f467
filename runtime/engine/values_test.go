package engine_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// lookupBot calls something that may fail, in a state with on error and in
// one without, and moves on a condition of what it got.
func lookupBot(fail *error) *engine.Bot {
	call := func(t *engine.Turn) {
		t.SetVal("n", t.Val("n").(float64)+1)
		t.Reply(reply.NewText(reply.Str, "before the call"))
		t.Check("b.bot:7:5", *fail)
		rec := val.NewRecord(1)
		rec.Set("temp", 31.0)
		t.SetVal("w", rec)
		t.Reply(reply.NewText(reply.Str, "got "+val.Text(rec)))
	}
	hot := func(t *engine.Turn) bool {
		temp, err := val.Field(t.Val("w"), "temp")
		t.Check("b.bot:9:20", err)
		n, err := val.Num(temp)
		t.Check("b.bot:9:20", err)
		return n >= 25
	}
	return &engine.Bot{
		Name: "lookup",
		Intents: []nlu.Intent{
			{Name: "guarded", Sentences: []string{"guarded"}},
			{Name: "bare", Sentences: []string{"bare"}},
		},
		States: []engine.State{
			{Name: "start", Body: say("ask"), Transitions: []engine.Transition{
				{Kind: engine.OnIntent, Intent: "guarded", Target: "lookup"},
				{Kind: engine.OnIntent, Intent: "bare", Target: "unguarded"},
			}},
			{Name: "lookup", Body: call, Transitions: []engine.Transition{
				{Kind: engine.Go, Target: "warm", Cond: hot},
				{Kind: engine.Go, Target: "start"},
				{Kind: engine.OnError, Target: "sorry"},
			}},
			{Name: "unguarded", Body: call, Transitions: []engine.Transition{{Kind: engine.Go, Target: "start"}}},
			{Name: "warm", Body: say("take a hat"), Transitions: []engine.Transition{{Kind: engine.Go, Target: "start"}}},
			{Name: "sorry", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "sorry: "+val.Text(t.Val(engine.ErrorVar))+", n="+val.Text(t.Val("n"))))
			}, Transitions: []engine.Transition{{Kind: engine.Go, Target: "start"}}},
		},
		Initial:  "start",
		Vars:     []engine.Var{{Name: "n", Init: 0.0}},
		Fallback: say("fallback"),
	}
}

func TestOnErrorUndoesTheBodyAndMoves(t *testing.T) {
	var fail error
	s := newEngine(t, lookupBot(&fail)).NewSession("x")
	s.Start()
	// It works: the conditional move holds, and the plain go is not taken.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "guarded"}), "before the call", `got {"temp":31}`, "take a hat", "ask")
	if len(s.Failures()) != 0 {
		t.Errorf("failures %v", s.Failures())
	}
	// It fails: the body's reply and its n+1 are undone, error says why.
	fail = errors.New("timeout")
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "guarded"}), "sorry: timeout, n=1", "ask")
	if f := s.Failures(); len(f) != 1 || f[0].At != "b.bot:7:5" || f[0].State != "lookup" || !strings.Contains(f[0].Error(), "timeout") {
		t.Errorf("failures %v", f)
	}
	if s.State() != "start" {
		t.Errorf("state %s", s.State())
	}
}

func TestFailureWithoutOnErrorFailsTheTurn(t *testing.T) {
	fail := errors.New("no such city")
	s := newEngine(t, lookupBot(&fail)).NewSession("x")
	s.Start()
	r, err := s.Handle(engine.Input{Kind: engine.Text, Text: "bare"})
	var ce *engine.CallError
	if !errors.As(err, &ce) || ce.At != "b.bot:7:5" || ce.State != "unguarded" || !errors.Is(err, fail) {
		t.Fatalf("err %v, want the call's error at b.bot:7:5", err)
	}
	wantTexts(t, r, "fallback")
	if s.State() != "start" || s.Snapshot().Vars["n"] != 0.0 {
		t.Errorf("the turn was not undone: state %s, vars %v", s.State(), s.Snapshot().Vars)
	}
}

// A condition that reads a value of the wrong kind fails as a call does.
func TestFailingConditionTakesTheErrorPath(t *testing.T) {
	var fail error
	b := lookupBot(&fail)
	b.States[1].Body = func(t *engine.Turn) { t.SetVal("w", "not a record") }
	s := newEngine(t, b).NewSession("x")
	s.Start()
	r := mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "guarded"})
	if len(r) != 2 || !strings.HasPrefix(r[0].Text, "sorry: ") || !strings.Contains(r[0].Text, "temp") {
		t.Fatalf("replies %q", texts(r))
	}
}

func TestLoopCap(t *testing.T) {
	b := &engine.Bot{
		Name:    "loop",
		Initial: "s",
		States: []engine.State{{Name: "s", Body: func(t *engine.Turn) {
			for range 10 {
				t.Step("l.bot:3:5")
			}
			t.Reply(reply.NewText(reply.Str, "done"))
		}}},
	}
	wantTexts(t, newEngine(t, b, "actions.max_iterations=10").NewSession("a").Start(), "done")
	s := newEngine(t, b, "actions.max_iterations=9").NewSession("b")
	s.Start()
	var ce *engine.CallError
	if !errors.As(s.Err(), &ce) || ce.At != "l.bot:3:5" || !strings.Contains(ce.Error(), "actions.max_iterations") {
		t.Fatalf("err %v", s.Err())
	}
}

func TestTheTurnsMessageIntentAndConfidence(t *testing.T) {
	var got []any
	b := &engine.Bot{
		Name:    "echo",
		Initial: "s",
		Intents: []nlu.Intent{{Name: "hello", Sentences: []string{"hello there"}}},
		States:  []engine.State{{Name: "s", Transitions: []engine.Transition{{Kind: engine.OnIntent, Intent: "hello", Target: "s"}}}},
		Fallback: func(t *engine.Turn) {
			got = append(got, t.Message(), t.Intent(), t.Confidence() < 1)
		},
	}
	b.States[0].Body = func(t *engine.Turn) {
		if t.Message() != "" {
			got = append(got, t.Message(), t.Intent(), t.Confidence())
		}
	}
	s := newEngine(t, b).NewSession("x")
	s.Start()
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "hello there"})
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "purple elephants"})
	want := []any{"hello there", "hello", 1.0, "purple elephants", "", true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// Records and lists are variables like others: kept in snapshots and
// restored.
func TestDataInSnapshots(t *testing.T) {
	rec := val.NewRecord(2)
	rec.Set("b", 1.0)
	rec.Set("a", []val.Value{"x", true})
	b := &engine.Bot{Name: "d", Initial: "s", States: []engine.State{{Name: "s", Body: func(t *engine.Turn) { t.SetVal("r", rec) }}}}
	e := newEngine(t, b)
	s := e.NewSession("x")
	s.Start()
	snap := s.Snapshot()
	if snap.Vars["r"] != rec {
		t.Fatalf("snapshot %v", snap.Vars)
	}
	r, problems := e.Restore("x", snap)
	if len(problems) != 0 || r.Snapshot().Vars["r"] != rec {
		t.Errorf("restored %v, %v", r.Snapshot().Vars, problems)
	}
	if s.Size() <= e.NewSession("y").Size() {
		t.Error("a record takes no room in the session's size")
	}
}

// A bot's own variable named error keeps its value and type when a failure
// sets the language's error, and clients cannot set the latter.
func TestErrorIsNotAVariableOfTheBot(t *testing.T) {
	var fail error = errors.New("down")
	b := lookupBot(&fail)
	b.Vars = append(b.Vars, engine.Var{Name: "error", Init: 7.0})
	s := newEngine(t, b).NewSession("x")
	s.Start()
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "guarded"}), "sorry: down, n=0", "ask")
	if v := s.Snapshot().Vars["error"]; v != 7.0 {
		t.Errorf("the bot's error variable: %v", v)
	}
	if _, err := s.Handle(engine.Input{Kind: engine.SetVars, Vars: map[string]any{engine.ErrorVar: "forged"}}); err == nil {
		t.Error("a client set the error")
	}
}
