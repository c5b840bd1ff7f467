package engine_test

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/botgen-dev/botgen/runtime/builtin"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// newEngine builds b under the defaults, its config block, then overrides
// ("key=value").
func newEngine(t testing.TB, b *engine.Bot, overrides ...string) *engine.Engine {
	t.Helper()
	cfg := config.Default()
	if err := cfg.Apply(b.Config); err != nil {
		t.Fatal(err)
	}
	for _, o := range overrides {
		k, v, _ := strings.Cut(o, "=")
		if err := cfg.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	e, err := engine.New(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// step is one line of a conversation: a user input (user != nil) or an
// expected str reply.
type step struct {
	user *engine.Input
	text string // expected text, exact
	re   string // or a regular expression
}

func user(text string) step { return step{user: &engine.Input{Kind: engine.Text, Text: text}} }
func bot(text string) step  { return step{text: text} }
func botRE(re string) step  { return step{re: re} }
func upload(name, typ string, size int) step {
	return step{user: &engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: name, Type: typ, Data: make([]byte, size)}}}
}

// converse runs a conversation like a `test` block: Start, then each user
// input, checking that the bot's replies are exactly the expected ones.
func converse(t *testing.T, s *engine.Session, steps []step) {
	t.Helper()
	pending := s.Start()
	if err := s.Err(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	for i, st := range steps {
		if st.user != nil {
			if len(pending) > 0 {
				t.Fatalf("step %d: unexpected replies before user input: %v", i, pending)
			}
			var err error
			pending, err = s.Handle(*st.user)
			if err != nil {
				t.Fatalf("step %d: Handle: %v", i, err)
			}
			continue
		}
		if len(pending) == 0 {
			t.Fatalf("step %d: no reply, want %q%s", i, st.text, st.re)
		}
		got := pending[0]
		pending = pending[1:]
		if got.Kind != reply.Str {
			t.Fatalf("step %d: reply kind %s (%q), want str", i, got.Kind, got.Text)
		}
		switch {
		case st.re != "":
			if !regexp.MustCompile(st.re).MatchString(got.Text) {
				t.Fatalf("step %d: reply %q does not match %q", i, got.Text, st.re)
			}
		case got.Text != st.text:
			t.Fatalf("step %d: reply %q, want %q", i, got.Text, st.text)
		}
	}
	if len(pending) > 0 {
		t.Fatalf("unexpected replies at the end: %v", pending)
	}
}

// The `test` blocks of testdata/examples.
func TestExamples(t *testing.T) {
	tests := []struct {
		name  string
		bot   func() *engine.Bot
		steps []step
	}{
		{"greetings/happy path", greetingsBot, []step{
			user("hello"), bot("Hi! How are you?"),
			user("fine"), bot("I am glad to hear that!"),
			user("hi"), bot("Hi! How are you?"),
			user("awful"), bot("I am sorry to hear that..."),
		}},
		{"greetings/unexpected message", greetingsBot, []step{
			user("good"), bot("Sorry, I didn't get it"),
			user("hi"), bot("Hi! How are you?"),
		}},
		{"help_desk/counters", helpDeskBot, []step{
			bot("Waiting..."),
			user("hi"), bot("You said hello 1 times"),
			user("goodbye"), bot("You said bye 1 times"), bot("Waiting..."),
			user("hello"), bot("You said hello 2 times"),
		}},
		{"help_desk/fallbacks", helpDeskBot, []step{
			bot("Waiting..."),
			user("the quick brown fox"), bot("Greetings from global fallback"),
			user("hi"), bot("You said hello 1 times"),
			user("how r u"), bot("Greetings from hello fallback"),
		}},
		{"help_desk/help from anywhere", helpDeskBot, []step{
			bot("Waiting..."),
			user("I need help"), bot("I am a bot, tell me something!"), bot("Waiting..."),
			user("how are you?"), bot("I am fine, thanks!"), bot("Waiting..."),
		}},
		{"help_desk/help returns to hello_state", helpDeskBot, []step{
			bot("Waiting..."),
			user("hi"), bot("You said hello 1 times"),
			user("help"), bot("I am a bot, tell me something!"), bot("You said hello 2 times"),
			user("bye"), bot("You said bye 1 times"), bot("Waiting..."),
		}},
		{"weather/synonym", weatherBot, []step{
			bot("Waiting..."),
			user("what is the weather in BCN?"),
			botRE(`^The weather in Barcelona is [0-9]+(\.[0-9]+)?°C$`), botRE(`^(🥶|🥵)$`),
			bot("Waiting..."),
		}},
		{"weather/unknown city", weatherBot, []step{
			bot("Waiting..."),
			user("weather in Paris"), bot("Sorry, I didn't get the city"), bot("Waiting..."),
		}},
		{"weather/canonical, any case", weatherBot, []step{
			bot("Waiting..."),
			user("Weather in MADRID"), botRE(`^The weather in Madrid is `), botRE(`.`), bot("Waiting..."),
			user("what's the weather in barna"), botRE(`^The weather in Barcelona is `), botRE(`.`), bot("Waiting..."),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, tt.bot())
			converse(t, e.NewSession("s1"), tt.steps)
		})
	}
}

// TestRepliesOfEveryKind: a body's replies of every kind reach the caller
// as the body made them, in order; a file a state's transitions refuse gets
// the state's fallback, and one they take sets file.name and file.size.
func TestRepliesOfEveryKind(t *testing.T) {
	kinds := []reply.Reply{
		reply.NewText(reply.Markdown, "**Welcome!**"),
		reply.NewOptions("show", "upload"),
		{Kind: reply.DataFrame, Text: reply.TableJSON([]string{"name", "role"}, [][]any{{"Ada", "engineer"}})},
		{Kind: reply.Plotly, Text: `{"data":[],"layout":{}}`},
		{Kind: reply.Plotly, Text: reply.ChartJSON("bar", "Revenue", []any{"Q1", "Q2"}, []reply.Series{{Y: []float64{1, 2}}})},
		reply.NewImage([]byte{0xff, 0xd8, 0xff}),
		reply.NewFile("terms.txt", "text/plain", []byte("terms")),
		reply.NewLocation(49.6116, 6.1319),
		reply.NewText(reply.HTML, "<p>This is <b>HTML</b></p>"),
	}
	b := &engine.Bot{
		Name: "kinds",
		Intents: []nlu.Intent{
			{Name: "show", Sentences: []string{"show", "show me everything"}},
			{Name: "upload", Sentences: []string{"upload", "I want to send a file"}},
		},
		States: []engine.State{
			{Name: "menu", Transitions: []engine.Transition{on("show", "show"), on("upload", "wait_upload")}},
			{Name: "show", Body: func(t *engine.Turn) {
				for _, r := range kinds {
					t.Reply(r)
				}
			}, Transitions: []engine.Transition{goTo("menu")}},
			{
				Name:        "wait_upload",
				Body:        say("Send me a CSV file"),
				Transitions: []engine.Transition{{Kind: engine.OnFile, MIMETypes: []string{"text/csv"}, Target: "got_file"}},
				Fallback:    say("That is not a CSV file"),
			},
			{Name: "got_file", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "Thanks! I got "+t.Str(engine.FileName)+" ("+builtin.FormatNum(t.Num(engine.FileSize))+" bytes)"))
			}, Transitions: []engine.Transition{goTo("menu")}},
		},
		Initial: "menu",
	}
	e := newEngine(t, b)
	s := e.NewSession("kinds")
	s.Start()
	if got := mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "show me everything"}); !reflect.DeepEqual(got, kinds) {
		t.Errorf("replies:\n%+v\nwant\n%+v", got, kinds)
	}
	converse(t, e.NewSession("upload"), []step{
		user("I want to send a file"), bot("Send me a CSV file"),
		upload("logo.png", "image/png", 1234), bot("That is not a CSV file"),
		upload("sales.csv", "text/csv", 79), bot("Thanks! I got sales.csv (79 bytes)"),
	})
}

func TestState(t *testing.T) {
	e := newEngine(t, helpDeskBot())
	s := e.NewSession("x")
	if got := s.State(); got != "s0" {
		t.Fatalf("State before Start = %s", got)
	}
	s.Start()
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "hello"})
	if got := s.State(); got != "hello_state" {
		t.Fatalf("State = %s, want hello_state", got)
	}
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "bye"})
	if got := s.State(); got != "s0" {
		t.Fatalf("State = %s, want s0", got)
	}
}

func mustHandle(t *testing.T, s *engine.Session, in engine.Input) []reply.Reply {
	t.Helper()
	r, err := s.Handle(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func texts(rs []reply.Reply) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return out
}

func wantTexts(t *testing.T, got []reply.Reply, want ...string) {
	t.Helper()
	g := texts(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") || len(g) != len(want) {
		t.Fatalf("replies %q, want %q", g, want)
	}
}

// transitionsBot exercises when, otherwise, file transitions and fallbacks.
func transitionsBot() *engine.Bot {
	return &engine.Bot{
		Name: "transitions",
		Vars: []engine.Var{{Name: "n", Init: 0.0}, {Name: "vip", Init: false}, {Name: "who", Init: "nobody"}},
		Intents: []nlu.Intent{
			{Name: "count", Sentences: []string{"count", "count again"}},
			{Name: "help", Sentences: []string{"help"}},
			{Name: "stay", Sentences: []string{"stay here"}},
		},
		Globals: []engine.Global{{Intent: "help", Target: "help"}},
		States: []engine.State{
			{Name: "s0", Body: func(t *engine.Turn) {
				t.Set("n", t.Num("n")+1)
				t.Reply(reply.NewText(reply.Str, "s0 "+builtin.FormatNum(t.Num("n"))))
			}, Transitions: []engine.Transition{
				{Kind: engine.When, Cond: func(t *engine.Turn) bool { return t.Bool("vip") }, Target: "vip"},
				on("count", "s0"),
				{Kind: engine.OnFile, MIMETypes: []string{"image/*"}, Target: "image"},
				{Kind: engine.OnFile, MIMETypes: []string{"text/csv", "application/json"}, Target: "data"},
				{Kind: engine.Otherwise, Target: "confused"},
			}},
			{Name: "vip", Body: say("welcome, vip"), Transitions: []engine.Transition{goTo("s0")}},
			{Name: "image", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "image "+t.Str("file.name")+" "+t.Str("file.type")+" "+builtin.FormatNum(t.Num("file.size"))))
			}, Transitions: []engine.Transition{goTo("s0")}},
			{Name: "data", Body: say("data"), Transitions: []engine.Transition{goTo("s0")}},
			{Name: "confused", Body: say("confused"), Transitions: []engine.Transition{on("stay", "confused"), {Kind: engine.OnFile, Target: "any_file"}}, Fallback: func(*engine.Turn) {}},
			{Name: "any_file", Body: say("any file"), Transitions: []engine.Transition{goTo("s0")}},
			{Name: "help", Body: say("help"), Transitions: []engine.Transition{{Kind: engine.GoBack}}},
		},
		Initial: "s0",
	}
}

func TestTransitions(t *testing.T) {
	e := newEngine(t, transitionsBot())
	s := e.NewSession("x")
	wantTexts(t, s.Start(), "s0 1")
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "count"}), "s0 2")
	// otherwise: nothing understood.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "blah blah"}), "confused")
	// An empty state fallback sends nothing, and the state stays.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "count"}))
	if s.State() != "confused" {
		t.Fatalf("state %s", s.State())
	}
	// The global: help, then back to confused (which runs its body again).
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"}), "help", "confused")
	// A file transition with no MIME list takes every file.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: "a.bin", Type: "application/octet-stream"}}), "any file", "s0 3")
	// MIME wildcard, case and parameters.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: "p.PNG", Type: "IMAGE/PNG", Data: []byte("12345")}}), "image p.PNG IMAGE/PNG 5", "s0 4")
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: "d.json", Type: "application/json; charset=utf-8"}}), "data", "s0 5")
	// A file no transition accepts: the default fallback.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: "x.pdf", Type: "application/pdf"}}), engine.DefaultFallbackText)
	// Voice: the fallback, without predicting anything.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Voice, Text: "count"}), engine.DefaultFallbackText)
	if s.State() != "s0" {
		t.Fatalf("state %s", s.State())
	}
	// when: set a variable from the client, then the first transition that
	// holds (when) wins over the intent that was understood.
	if r, err := s.Handle(engine.Input{Kind: engine.SetVars, Vars: map[string]any{"vip": true, "who": "Ada", "n": 10.0}}); err != nil || len(r) != 0 {
		t.Fatalf("SetVars: %v, %v", r, err)
	}
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "count"}), "welcome, vip", "s0 11")
	if v := s.Vars()["who"]; v != "Ada" {
		t.Fatalf("who = %v", v)
	}
	// when is checked for files too.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: "p.png", Type: "image/png"}}), "welcome, vip", "s0 12")
	// A global's intent is understood, so otherwise does not hold: the global
	// fires and goes back to s0, whose body runs again.
	mustHandle(t, s, engine.Input{Kind: engine.SetVars, Vars: map[string]any{"vip": false}})
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"}), "help", "s0 13")
}

func TestHandleBeforeStart(t *testing.T) {
	s := newEngine(t, greetingsBot()).NewSession("x")
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "hello"}), "Hi! How are you?")
}

func TestSetVarsErrors(t *testing.T) {
	e := newEngine(t, transitionsBot())
	s := e.NewSession("x")
	s.Start()
	_, err := s.Handle(engine.Input{Kind: engine.SetVars, Vars: map[string]any{"bad": []any{1}, "who": "Linus", "extra": 2.5, "nul": nil}})
	if err == nil || !strings.Contains(err.Error(), "bad") || !strings.Contains(err.Error(), "nul") {
		t.Fatalf("err = %v, want one naming bad and nul", err)
	}
	v := s.Vars()
	if v["who"] != "Linus" || v["extra"] != 2.5 {
		t.Fatalf("vars = %v", v)
	}
	if _, ok := v["bad"]; ok {
		t.Fatal("bad was set")
	}
}

// TestSetVarsLimits: a client cannot change a declared variable's type, set
// a string over session.max_variable_bytes, or pile up undeclared names.
func TestSetVarsLimits(t *testing.T) {
	s := newEngine(t, transitionsBot(), "session.max_variable_bytes=10").NewSession("x")
	s.Start()
	_, err := s.Handle(engine.Input{Kind: engine.SetVars, Vars: map[string]any{"n": "5", "vip": 1.0, "who": strings.Repeat("a", 11)}})
	for _, want := range []string{"variable n holds a number: a string was sent", "variable vip holds a bool: a number was sent", "a string of 11 bytes is over session.max_variable_bytes (10)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
	if v := s.Vars(); v["n"] != 1.0 || v["vip"] != false || v["who"] != "nobody" {
		t.Errorf("refused values were set: %v", v)
	}
	mustHandle(t, s, engine.Input{Kind: engine.SetVars, Vars: map[string]any{"n": 5.0, "who": strings.Repeat("a", 10)}})
	if v := s.Vars(); v["n"] != 5.0 || v["who"] != "aaaaaaaaaa" {
		t.Errorf("accepted values: %v", v)
	}
	many := map[string]any{}
	for i := range 40 {
		many[fmt.Sprintf("x%02d", i)] = 1.0
	}
	_, err = s.Handle(engine.Input{Kind: engine.SetVars, Vars: many})
	if err == nil || !strings.Contains(err.Error(), "variable x32: the bot does not declare it and the session already holds 32 such variables") {
		t.Errorf("err = %v", err)
	}
	if got := len(s.Vars()); got > 32+3+10 {
		t.Errorf("%d variables held", got)
	}
	// Those already held can still change.
	mustHandle(t, s, engine.Input{Kind: engine.SetVars, Vars: map[string]any{"x00": 2.0}})
}

func TestReset(t *testing.T) {
	e := newEngine(t, helpDeskBot())
	s := e.NewSession("x")
	s.Start()
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "hi"})
	mustHandle(t, s, engine.Input{Kind: engine.SetVars, Vars: map[string]any{"custom": "x"}})
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Reset}), "Waiting...")
	if s.State() != "s0" {
		t.Fatalf("state %s", s.State())
	}
	v := s.Vars()
	if v["hellos"] != 0.0 || v["custom"] != nil {
		t.Fatalf("vars after reset = %v", v)
	}
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "hello"}), "You said hello 1 times")
}

func TestPanicRecovered(t *testing.T) {
	b := &engine.Bot{
		Name:    "div",
		Vars:    []engine.Var{{Name: "x", Init: 1.0}, {Name: "y", Init: 0.0}},
		Intents: []nlu.Intent{{Name: "divide", Sentences: []string{"divide"}}, {Name: "inc", Sentences: []string{"increment"}}},
		States: []engine.State{
			{Name: "s0", Body: say("ready"), Transitions: []engine.Transition{on("divide", "div"), on("inc", "inc")}},
			{Name: "div", Body: func(t *engine.Turn) {
				t.Set("x", t.Num("x")+100) // undone with the turn
				t.Reply(reply.NewText(reply.Str, "lost"))
				t.Set("x", builtin.Div(t.Num("x"), t.Num("y")))
			}, Transitions: []engine.Transition{goTo("s0")}},
			{Name: "inc", Body: func(t *engine.Turn) {
				t.Set("y", t.Num("y")+1)
				t.Reply(reply.NewText(reply.Str, "y="+builtin.FormatNum(t.Num("y"))))
			}, Transitions: []engine.Transition{goTo("s0")}},
		},
		Initial:  "s0",
		Fallback: say("oops"),
	}
	e := newEngine(t, b)
	s := e.NewSession("x")
	wantTexts(t, s.Start(), "ready")
	r, err := s.Handle(engine.Input{Kind: engine.Text, Text: "divide"})
	wantTexts(t, r, "oops")
	var pe *engine.PanicError
	if !errors.As(err, &pe) || !errors.Is(err, builtin.DivisionByZero{}) || pe.State != "s0" {
		t.Fatalf("err = %v, want a PanicError wrapping DivisionByZero in s0", err)
	}
	// Bodies written by hand are not compiled code (package main, which
	// the line directives of generated code give its .bot positions).
	if pe.At != "" || err.Error() != "engine: panic in a turn in state s0: division by zero" {
		t.Errorf("err = %q, at %q", err, pe.At)
	}
	pe.At = "b.bot:7"
	if want := "engine: panic in a turn in state s0, at b.bot:7: division by zero"; pe.Error() != want {
		t.Errorf("err = %q, want %q", pe.Error(), want)
	}
	if s.State() != "s0" || s.Vars()["x"] != 1.0 {
		t.Fatalf("state %s, vars %v: the turn was not undone", s.State(), s.Vars())
	}
	// Still usable.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "increment"}), "y=1", "ready")
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "divide"}), "lost", "ready")
	if s.Vars()["x"] != 101.0 {
		t.Fatalf("x = %v", s.Vars()["x"])
	}

	// A fallback that panics too: the default text.
	b.Fallback = func(t *engine.Turn) { builtin.Mod(1, 0) }
	b.Vars[0].Init = 1.0
	e = newEngine(t, b)
	s = e.NewSession("y")
	s.Start()
	r, err = s.Handle(engine.Input{Kind: engine.Text, Text: "divide"})
	wantTexts(t, r, engine.DefaultFallbackText)
	if err == nil {
		t.Fatal("no error")
	}

	// A panic in the initial body: Start answers with the fallback and keeps
	// the error.
	b.States[0].Body = func(t *engine.Turn) { builtin.Div(1, 0) }
	b.Fallback = say("oops")
	e = newEngine(t, b)
	s = e.NewSession("z")
	wantTexts(t, s.Start(), "oops")
	if !errors.Is(s.Err(), builtin.DivisionByZero{}) {
		t.Fatalf("Err = %v", s.Err())
	}
	r, err = s.Handle(engine.Input{Kind: engine.Reset})
	wantTexts(t, r, "oops")
	if err == nil {
		t.Fatal("Reset: no error")
	}
}

func TestChainCap(t *testing.T) {
	b := &engine.Bot{
		Name: "loop",
		Vars: []engine.Var{{Name: "moves", Init: 0.0}},
		States: []engine.State{
			{Name: "a", Body: func(t *engine.Turn) { t.Set("moves", t.Num("moves")+1) }, Transitions: []engine.Transition{goTo("b")}},
			{Name: "b", Transitions: []engine.Transition{goTo("a")}},
		},
		Initial: "a",
	}
	e := newEngine(t, b)
	s := e.NewSession("x")
	s.Start()
	if !errors.Is(s.Err(), engine.ErrTooManyMoves) {
		t.Fatalf("Err = %v", s.Err())
	}
	// 100 moves after the first entry: a is entered 51 times.
	if got := s.Vars()["moves"]; got != 51.0 {
		t.Fatalf("moves = %v", got)
	}
	_, err := s.Handle(engine.Input{Kind: engine.Reset})
	if !errors.Is(err, engine.ErrTooManyMoves) {
		t.Fatalf("Reset err = %v", err)
	}
}

func randomBot() *engine.Bot {
	return &engine.Bot{
		Name:    "dice",
		Intents: []nlu.Intent{{Name: "roll", Sentences: []string{"roll"}}},
		States: []engine.State{{Name: "s0", Body: func(t *engine.Turn) {
			words := []string{"a", "b", "c", "d", "e", "f", "g"}
			t.Reply(reply.NewText(reply.Str, words[t.Pick(len(words))]+" "+builtin.FormatNum(builtin.Round(t.Random(0, 100), 3))))
		}, Transitions: []engine.Transition{on("roll", "s0")}}},
		Initial: "s0",
	}
}

func rolls(s *engine.Session, n int) string {
	out := texts(s.Start())
	for range n {
		r, _ := s.Handle(engine.Input{Kind: engine.Text, Text: "roll"})
		out = append(out, texts(r)...)
	}
	return strings.Join(out, ",")
}

func TestRandomSeed(t *testing.T) {
	e := newEngine(t, randomBot(), "random.seed=42")
	a, b := rolls(e.NewSession("one"), 20), rolls(e.NewSession("two"), 20)
	if a != b {
		t.Fatalf("seeded sessions differ:\n%s\n%s", a, b)
	}
	e2 := newEngine(t, randomBot(), "random.seed=43")
	if c := rolls(e2.NewSession("one"), 20); c == a {
		t.Fatal("another seed gives the same rolls")
	}
	// A reset recreates the session, random source included.
	s := e.NewSession("three")
	first := rolls(s, 5)
	r, _ := s.Handle(engine.Input{Kind: engine.Reset})
	again := texts(r)
	for range 5 {
		r, _ := s.Handle(engine.Input{Kind: engine.Text, Text: "roll"})
		again = append(again, texts(r)...)
	}
	if again := strings.Join(again, ","); again != first {
		t.Fatalf("after reset:\n%s\nwant\n%s", again, first)
	}
	u := newEngine(t, randomBot())
	if x, y := rolls(u.NewSession("one"), 20), rolls(u.NewSession("one"), 20); x == y {
		t.Fatal("unseeded sessions repeat")
	}
}

func TestNewValidates(t *testing.T) {
	b := &engine.Bot{
		Name:    "broken",
		Intents: []nlu.Intent{{Name: "hi", Sentences: []string{"hi"}}, {Name: "p", Sentences: []string{"{x}"}, Params: []nlu.Param{{Name: "x", Entity: "colour"}}}},
		Globals: []engine.Global{{Intent: "nope", Target: "ghost"}},
		States: []engine.State{
			{Name: "a", Transitions: []engine.Transition{on("hey", "b"), on("hi", "missing"), {Kind: engine.When, Target: "a"}}},
			{Name: "a"},
		},
		Initial: "zero",
	}
	_, err := engine.New(b, config.Default())
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`"hey"`, `"b"`, `"missing"`, "state a declared twice", `"nope"`, `"ghost"`, `"zero"`, "when without a condition", "colour"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if _, err := engine.New(nil, config.Default()); err == nil {
		t.Fatal("nil bot accepted")
	}
}

func TestEmptyRepliesDropped(t *testing.T) {
	b := &engine.Bot{
		Name: "empty",
		States: []engine.State{{Name: "s0", Body: func(t *engine.Turn) {
			t.Reply(reply.NewText(reply.Str, ""))
			t.Reply(reply.NewText(reply.Markdown, "x"))
			t.Reply(reply.Reply{Kind: reply.HTML})
		}}},
		Initial: "s0",
	}
	s := newEngine(t, b).NewSession("x")
	if r := s.Start(); len(r) != 1 || r[0].Text != "x" {
		t.Fatalf("replies %v", r)
	}
}

func TestGoBackWithoutGlobal(t *testing.T) {
	b := &engine.Bot{
		Name:    "back",
		Intents: []nlu.Intent{{Name: "more", Sentences: []string{"more"}}},
		States: []engine.State{
			{Name: "s0", Body: say("s0"), Transitions: []engine.Transition{on("more", "back")}},
			{Name: "back", Body: say("back"), Transitions: []engine.Transition{{Kind: engine.GoBack}}},
		},
		Initial: "s0",
	}
	s := newEngine(t, b).NewSession("x")
	s.Start()
	// No global was followed: go back returns to the initial state.
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "more"}), "back", "s0")
}

func TestUnsetReadsZero(t *testing.T) {
	b := &engine.Bot{Name: "z", States: []engine.State{{Name: "s0", Body: func(t *engine.Turn) {
		t.Reply(reply.NewText(reply.Str, builtin.FormatNum(t.Num("nope"))+t.Str("nope")+builtin.FormatBool(t.Bool("nope"))))
	}}}, Initial: "s0"}
	wantTexts(t, newEngine(t, b).NewSession("x").Start(), "0false")
}

// Sessions of one engine run in parallel without sharing anything mutable
// (run with -race).
func TestConcurrentSessions(t *testing.T) {
	e := newEngine(t, weatherBot())
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := e.NewSession(string(rune('a' + i)))
			s.Start()
			for range 50 {
				r, err := s.Handle(engine.Input{Kind: engine.Text, Text: "weather in BCN"})
				if err != nil || len(r) != 3 || !strings.HasPrefix(r[0].Text, "The weather in Barcelona") {
					t.Errorf("replies %q, %v", texts(r), err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkTurn is one message through a help_desk bot: classify among the
// state's and global intents, fire, run a body that sets a variable and
// replies, follow the automatic transition.
func BenchmarkTurn(b *testing.B) {
	e := newEngine(b, helpDeskBot())
	s := e.NewSession("bench")
	s.Start()
	b.ReportAllocs()
	for b.Loop() {
		// s0 --how are you--> howareyou_state --go--> s0
		if _, err := s.Handle(engine.Input{Kind: engine.Text, Text: "how are you?"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTurnParams is one message with a parameter through the weather
// bot: a synonym of a city, a placeholder sentence matched through it, the
// parameter extracted, a body that formats a reply with it.
func BenchmarkTurnParams(b *testing.B) {
	e := newEngine(b, weatherBot())
	s := e.NewSession("bench")
	s.Start()
	b.ReportAllocs()
	for b.Loop() {
		// s0 --weather--> weather_state --go--> s0
		if _, err := s.Handle(engine.Input{Kind: engine.Text, Text: "what is the weather in barna?"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLongMessageParameters: a parameter read from a huge message is a copy
// of at most engine.MaxReadText bytes, not a window on the whole message.
func TestLongMessageParameters(t *testing.T) {
	b := &engine.Bot{
		Name:     "codes",
		Entities: []nlu.Entity{{Name: "code", Regex: `[a-z]+`}},
		Intents:  []nlu.Intent{{Name: "code", Sentences: []string{"code {c}"}, Params: []nlu.Param{{Name: "c", Entity: "code"}}}},
		States: []engine.State{
			{Name: "s", Transitions: []engine.Transition{{Kind: engine.OnIntent, Intent: "code", Target: "s"}}},
		},
		Initial: "s",
	}
	s := newEngine(t, b).NewSession("x")
	s.Start()
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "code " + strings.Repeat("a", 4<<20)})
	v, _ := s.Vars()["c"].(string)
	if v == "" || len(v) > engine.MaxReadText {
		t.Errorf("the parameter holds %d bytes", len(v))
	}
}

// TestFilesAsBrowsersTypeThem: `on file "text/csv"` takes a .csv whether
// the browser typed it text/csv, application/vnd.ms-excel (Windows) or not
// at all; file.type is the type sent, or the one the name implies when none
// was; a file whose name and type both say otherwise is not taken.
func TestFilesAsBrowsersTypeThem(t *testing.T) {
	b := &engine.Bot{
		Name: "files",
		States: []engine.State{
			{Name: "s", Transitions: []engine.Transition{{Kind: engine.OnFile, MIMETypes: []string{"text/csv"}, Target: "got"}}},
			{Name: "got", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "csv "+t.Str(engine.FileType)))
			}, Transitions: []engine.Transition{{Kind: engine.Go, Target: "s"}}},
		},
		Initial: "s",
	}
	s := newEngine(t, b).NewSession("x")
	s.Start()
	for _, c := range []struct{ name, typ, want string }{
		{"sales.csv", "text/csv", "csv text/csv"},
		{"sales.csv", "application/vnd.ms-excel", "csv application/vnd.ms-excel"},
		{"SALES.CSV", "", "csv text/csv"},
		{"sales.csv", "application/octet-stream", "csv text/csv"},
		{"data.bin", "text/csv; charset=utf-8", "csv text/csv; charset=utf-8"},
		{"photo.png", "image/png", engine.DefaultFallbackText},
		{"notes", "", engine.DefaultFallbackText},
	} {
		wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: c.name, Type: c.typ}}), c.want)
	}
}
