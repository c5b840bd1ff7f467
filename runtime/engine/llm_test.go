package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/knowledge"
	"github.com/botgen-dev/botgen/runtime/llm"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// fakeModel is a language model that answers from a script, streaming
// each answer's text in pieces of at most three bytes, and records what it
// was asked.
type fakeModel struct {
	mu      sync.Mutex
	answers []fakeAnswer
	asked   []llm.Request
}

type fakeAnswer struct {
	text  string
	calls []llm.ToolCall
	err   error
}

func (m *fakeModel) Name() string     { return "fake-model" }
func (m *fakeModel) Endpoint() string { return "http://model.test/v1" }

func (m *fakeModel) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	m.mu.Lock()
	req.Messages = slices.Clone(req.Messages)
	m.asked = append(m.asked, req)
	if len(m.answers) == 0 {
		m.mu.Unlock()
		return llm.Response{}, llm.NewError(llm.ErrMalformed, m.Endpoint(), m.Name(), "the script has no answer left", nil)
	}
	a := m.answers[0]
	m.answers = m.answers[1:]
	m.mu.Unlock()
	if a.err != nil {
		return llm.Response{}, a.err
	}
	if req.Stream != nil {
		for rest := a.text; rest != ""; {
			n := min(3, len(rest))
			req.Stream(rest[:n])
			rest = rest[n:]
		}
	}
	return llm.Response{Text: a.text, ToolCalls: a.calls, Finish: "stop"}, nil
}

func (m *fakeModel) queue(answers ...fakeAnswer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.answers = append(m.answers, answers...)
}

func (m *fakeModel) requests() []llm.Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.asked)
}

// withModel makes b ask m.
func withModel(b *engine.Bot, m llm.Model) *engine.Bot {
	b.LLM = func(llm.Config) llm.Model { return m }
	return b
}

// start starts a session of e and fails the test if its start fails.
func start(t *testing.T, e *engine.Engine, id string) *engine.Session {
	t.Helper()
	s := e.NewSession(id)
	s.Start()
	if err := s.Err(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return s
}

func TestToolSchema(t *testing.T) {
	for _, c := range []struct {
		params []engine.ToolParam
		want   string
	}{
		{nil, `{"type":"object","properties":{},"required":[],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: "title", Kind: "string"}},
			`{"type":"object","properties":{"title":{"type":"string"}},"required":["title"],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: "gift", Kind: "bool"}},
			`{"type":"object","properties":{"gift":{"type":"boolean"}},"required":["gift"],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: "price", Kind: "float64"}, {Name: "ratio", Kind: "float32"}},
			`{"type":"object","properties":{"price":{"type":"number"},"ratio":{"type":"number"}},"required":["price","ratio"],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: "n", Kind: "int"}, {Name: "m", Kind: "int64"}},
			`{"type":"object","properties":{"n":{"type":"integer"},"m":{"type":"integer"}},"required":["n","m"],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: "small", Kind: "int8"}, {Name: "mid", Kind: "int16"}},
			`{"type":"object","properties":{"small":{"type":"integer","minimum":-128,"maximum":127},"mid":{"type":"integer","minimum":-32768,"maximum":32767}},"required":["small","mid"],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: "b", Kind: "uint8"}, {Name: "w", Kind: "uint16"}},
			`{"type":"object","properties":{"b":{"type":"integer","minimum":0,"maximum":255},"w":{"type":"integer","minimum":0,"maximum":65535}},"required":["b","w"],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: "count", Kind: "uint"}, {Name: "big", Kind: "uint64"}},
			`{"type":"object","properties":{"count":{"type":"integer","minimum":0},"big":{"type":"integer","minimum":0}},"required":["count","big"],"additionalProperties":false}`},
		{[]engine.ToolParam{{Name: `say "hi"`, Kind: "string"}},
			`{"type":"object","properties":{"say \"hi\"":{"type":"string"}},"required":["say \"hi\""],"additionalProperties":false}`},
	} {
		tool := &engine.Tool{Name: "f", Params: c.params}
		got := tool.Schema()
		if !json.Valid(got) {
			t.Errorf("%v: not JSON: %s", c.params, got)
		}
		if string(got) != c.want {
			t.Errorf("%v:\n got %s\nwant %s", c.params, got, c.want)
		}
	}
}

// countTool is a tool as the generator writes one: count(n int, label
// string), whose int is checked to be whole inside the call.
var countTool = &engine.Tool{
	Name:        "count",
	Description: "count repeats label n times.",
	Params:      []engine.ToolParam{{Name: "n", Kind: "int"}, {Name: "label", Kind: "string"}},
	At:          "t.bot:4:40",
	Call: func(t *engine.Turn, at string, args []val.Value) val.Value {
		n := engine.Whole[int](t, at, "argument 1 (n) of count", args[0].(float64))
		if n < 0 {
			t.Fail(at, errors.New("n must not be negative"))
		}
		return strings.Repeat(args[1].(string), n)
	},
}

// llmBot replies with the model's answer to "Help {message}" in state
// ask, which may call count; on error it says why.
func llmBot(m llm.Model) *engine.Bot {
	return withModel(&engine.Bot{
		Name:    "t",
		Initial: "start",
		Intents: []nlu.Intent{{Name: "anything", Sentences: []string{"help"}}},
		States: []engine.State{
			{Name: "start", Transitions: []engine.Transition{on("anything", "ask")}},
			{Name: "ask", Body: func(t *engine.Turn) {
				t.Reply(t.LLMReply("t.bot:4:5", "Help "+t.Message(), countTool))
			}, Transitions: []engine.Transition{goTo("start"), {Kind: engine.OnError, Target: "sorry"}}},
			{Name: "sorry", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, "sorry: "+val.Text(t.Val(engine.ErrorVar))))
			}, Transitions: []engine.Transition{goTo("start")}},
		},
	}, m)
}

// The model's tool calls: arguments checked against the parameters, each
// problem (and a failure inside the call) answered to the model as an
// error for it to read, the turn going on to the model's answer.
func TestToolArguments(t *testing.T) {
	for _, c := range []struct {
		args string
		want string // what the model reads back
	}{
		{`{"n": 3, "label": "ab"}`, `"ababab"`},
		{`{"label": "ab"}`, `{"error":"missing argument \"n\": count takes n, label"}`},
		{`{"n": null, "label": "ab"}`, `{"error":"missing argument \"n\": count takes n, label"}`},
		{`{"n": 1, "label": "ab", "colour": "red"}`, `{"error":"unknown argument \"colour\": count takes n, label"}`},
		{`{"n": "three", "label": "ab"}`, `{"error":"argument \"n\" must be a number, found string"}`},
		{`{"n": 1, "label": 2}`, `{"error":"argument \"label\" must be a string, found number"}`},
		{`[1, 2]`, `{"error":"the arguments must be a JSON object"}`},
		{`{"n": 2.5, "label": "ab"}`, `{"error":"argument 1 (n) of count: 2.5 is not a whole number (Go int)"}`},
		{`{"n": -1, "label": "ab"}`, `{"error":"n must not be negative"}`},
	} {
		m := &fakeModel{}
		m.queue(fakeAnswer{calls: []llm.ToolCall{{ID: "c1", Name: "count", Arguments: json.RawMessage(c.args)}}}, fakeAnswer{text: "done"})
		s := start(t, newEngine(t, llmBot(m)), "x")
		got := mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"})
		if len(got) != 1 || got[0].Kind != reply.Markdown || got[0].Text != "done" {
			t.Errorf("%s: replies %+v", c.args, got)
			continue
		}
		reqs := m.requests()
		if len(reqs) != 2 {
			t.Fatalf("%s: %d requests", c.args, len(reqs))
		}
		msgs := reqs[1].Messages
		last := msgs[len(msgs)-1]
		if last.Role != llm.RoleTool || last.ToolCallID != "c1" || last.Content != c.want {
			t.Errorf("%s: the model read %+v, want %s", c.args, last, c.want)
		}
		if len(s.Failures()) != 0 {
			t.Errorf("%s: a tool's failure failed the body: %v", c.args, s.Failures())
		}
		notes := s.Notes()
		if len(notes) != 1 || notes[0].Message != "tool called" || notes[0].Attrs[1] != "count" {
			t.Errorf("%s: notes %+v", c.args, notes)
		}
		hasErr := slices.Contains(notes[0].Attrs, any("err"))
		if wantErr := strings.HasPrefix(c.want, `{"error"`); hasErr != wantErr {
			t.Errorf("%s: a note with err: %v, want %v (%v)", c.args, hasErr, wantErr, notes[0].Attrs)
		}
	}
}

// The tools go with the request as the model sees them: name, doc and
// schema.
func TestToolsOffered(t *testing.T) {
	m := &fakeModel{}
	m.queue(fakeAnswer{text: "ok"})
	s := start(t, newEngine(t, llmBot(m)), "x")
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"})
	tools := m.requests()[0].Tools
	if len(tools) != 1 || tools[0].Name != "count" || tools[0].Description != countTool.Description || string(tools[0].Parameters) != string(countTool.Schema()) {
		t.Errorf("tools %+v", tools)
	}
}

// A request holds llm.system, the conversation before the turn as the
// transcript gives it (llm.history turns), then the prompt as the user's.
func TestConversation(t *testing.T) {
	m := &fakeModel{}
	e := newEngine(t, llmBot(m), "llm.system=You sell books.", "llm.history=2")
	s := start(t, e, "x")
	var asked []int
	s.SetTranscript(func(turns int) []engine.Said {
		asked = append(asked, turns)
		return []engine.Said{
			{User: true, Text: "hi"},
			{Text: "Hello!"},
			{Text: "How can I help?"},
			{User: true, Text: "do you have Dune?"},
			{Text: "Yes."},
		}
	})
	m.queue(fakeAnswer{text: "Here."})
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help me"})
	if !slices.Equal(asked, []int{2}) {
		t.Errorf("the transcript was asked for %v turns, want [2]", asked)
	}
	want := []llm.Message{
		{Role: llm.RoleSystem, Content: "You sell books."},
		{Role: llm.RoleUser, Content: "hi"},
		{Role: llm.RoleAssistant, Content: "Hello!\n\nHow can I help?"},
		{Role: llm.RoleUser, Content: "do you have Dune?"},
		{Role: llm.RoleAssistant, Content: "Yes."},
		{Role: llm.RoleUser, Content: "Help help me"},
	}
	if got := m.requests()[0].Messages; !reflect.DeepEqual(got, want) {
		t.Errorf("messages\n got %+v\nwant %+v", got, want)
	}

	// llm.history = 0: the prompt alone, the transcript not read.
	m2 := &fakeModel{}
	s = start(t, newEngine(t, llmBot(m2), "llm.history=0"), "y")
	s.SetTranscript(func(int) []engine.Said { t.Error("the transcript was read"); return nil })
	m2.queue(fakeAnswer{text: "Here."})
	mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"})
	if got := m2.requests()[0].Messages; !reflect.DeepEqual(got, []llm.Message{{Role: llm.RoleUser, Content: "Help help"}}) {
		t.Errorf("messages %+v", got)
	}
}

// The text of each reply llm streams as the model writes it, numbered by
// reply from 1 through the session's turns; llm() does not stream.
func TestStreaming(t *testing.T) {
	m := &fakeModel{}
	b := withModel(&engine.Bot{
		Name:    "t",
		Initial: "start",
		Intents: []nlu.Intent{{Name: "go", Sentences: []string{"go"}}},
		States: []engine.State{
			{Name: "start", Transitions: []engine.Transition{on("go", "two")}},
			{Name: "two", Body: func(t *engine.Turn) {
				t.Reply(t.LLMReply("t.bot:3:5", "first"))
				summary := t.LLM("t.bot:4:5", "quiet")
				t.Reply(t.LLMReply("t.bot:5:5", "second"))
				t.Reply(reply.NewText(reply.Str, summary))
			}, Transitions: []engine.Transition{goTo("start")}},
		},
	}, m)
	s := start(t, newEngine(t, b), "x")
	type delta struct {
		id   int
		text string
	}
	var got []delta
	s.SetStream(func(id int, d string) { got = append(got, delta{id, d}) })
	for turn := range 2 {
		got = nil
		m.queue(fakeAnswer{text: "Hello"}, fakeAnswer{text: "hush"}, fakeAnswer{text: "World!"})
		rs := mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "go"})
		if want := []string{"Hello", "World!", "hush"}; !slices.Equal(texts(rs), want) {
			t.Errorf("turn %d: replies %q", turn, texts(rs))
		}
		n := 2 * turn
		want := []delta{{n + 1, "Hel"}, {n + 1, "lo"}, {n + 2, "Wor"}, {n + 2, "ld!"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("turn %d: deltas %v, want %v", turn, got, want)
		}
	}
}

// A model's failure fails the body where it asked: on error takes it, or
// the turn fails at that position.
func TestModelFailure(t *testing.T) {
	down := llm.NewError(llm.ErrConnect, "http://model.test/v1", "fake-model", "cannot connect: connection refused", nil)
	m := &fakeModel{}
	m.queue(fakeAnswer{err: down})
	s := start(t, newEngine(t, llmBot(m)), "x")
	rs := mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"})
	wantTexts(t, rs, "sorry: "+down.Error())
	if f := s.Failures(); len(f) != 1 || f[0].At != "t.bot:4:5" || f[0].State != "ask" || !errors.Is(f[0], llm.ErrConnect) {
		t.Errorf("failures %v", f)
	}

	// An empty answer fails too.
	m.queue(fakeAnswer{text: "  \n"})
	rs = mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"})
	wantTexts(t, rs, "sorry: the language model answered with no text")

	// Without on error, the turn fails at the reply.
	b := llmBot(m)
	b.States[1].Transitions = b.States[1].Transitions[:1]
	b.Fallback = say("fallback")
	s = start(t, newEngine(t, b), "y")
	m.queue(fakeAnswer{err: down})
	rs, err := s.Handle(engine.Input{Kind: engine.Text, Text: "help"})
	var ce *engine.CallError
	if !errors.As(err, &ce) || ce.At != "t.bot:4:5" || !errors.Is(err, llm.ErrConnect) {
		t.Errorf("err %v", err)
	}
	wantTexts(t, rs, "fallback")

	// Without a model configured (llm.url empty), it fails saying so.
	cfg := config.Default()
	cfg.LLMURL = ""
	e, err := engine.New(llmBot(m), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s = start(t, e, "z")
	rs = mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"})
	wantTexts(t, rs, "sorry: no language model is configured (llm.url is empty)")
}

// shopKnowledge is the index of two small documents.
func shopKnowledge() []byte {
	return knowledge.Build([]knowledge.Passage{
		{Source: "docs/shipping.md", Title: "Shipping", Text: "Standard delivery takes 2 to 4 working days.\nExpress delivery takes one day."},
		{Source: "docs/shipping.md", Title: "Shipping › Abroad", Text: "Delivery abroad takes 5 to 10 working days."},
		{Source: "faq.txt", Text: "Returns are free within 30 days."},
	}, "en").Encode()
}

func answerBot(m llm.Model) *engine.Bot {
	b := &engine.Bot{
		Name:      "t",
		Initial:   "start",
		Knowledge: shopKnowledge(),
		States: []engine.State{
			{Name: "start", Fallback: func(t *engine.Turn) { t.Reply(t.Answer("t.bot:9:5")) }},
		},
	}
	if m != nil {
		withModel(b, m)
	}
	return b
}

func handleOne(t *testing.T, s *engine.Session, text string) reply.Reply {
	t.Helper()
	rs := mustHandle(t, s, engine.Input{Kind: engine.Text, Text: text})
	if len(rs) != 1 {
		t.Fatalf("%q: replies %+v", text, rs)
	}
	return rs[0]
}

// reply answer without a model quotes the best passage with its source
// and lists the others; the reply carries the passages.
func TestAnswerWithoutModel(t *testing.T) {
	s := start(t, newEngine(t, answerBot(nil)), "x")
	r := handleOne(t, s, "how long does delivery take?")
	if r.Kind != reply.RAG || r.RAG == nil {
		t.Fatalf("reply %+v", r)
	}
	want := "From **docs/shipping.md › Shipping**:\n\n" +
		"> Standard delivery takes 2 to 4 working days.\n> Express delivery takes one day.\n" +
		"\nSee also:\n- docs/shipping.md › Shipping › Abroad"
	if r.RAG.Answer != want {
		t.Errorf("answer\n%s\nwant\n%s", r.RAG.Answer, want)
	}
	if r.RAG.Question != "how long does delivery take?" || r.RAG.LLMName != "" || len(r.RAG.Docs) != 2 || r.RAG.Docs[0].Metadata.Source != "docs/shipping.md" {
		t.Errorf("rag %+v", r.RAG)
	}
	// A question the knowledge holds no word of.
	if r := handleOne(t, s, "zebra"); r.Kind != reply.Str || r.Text != engine.NoAnswerText {
		t.Errorf("no answer: %+v", r)
	}
}

// With a model, its answer grounded in the passages; when it fails, the
// passages quoted and a note of why.
func TestAnswerWithModel(t *testing.T) {
	m := &fakeModel{}
	s := start(t, newEngine(t, answerBot(m)), "x")
	m.queue(fakeAnswer{text: "Returns are free within 30 days [1]."})
	r := handleOne(t, s, "are returns free?")
	if r.Kind != reply.RAG || r.RAG.Answer != "Returns are free within 30 days [1]." || r.RAG.LLMName != "fake-model" || len(r.RAG.Docs) == 0 {
		t.Errorf("reply %+v", r.RAG)
	}
	prompt := m.requests()[0].Messages
	if p := prompt[len(prompt)-1].Content; !strings.Contains(p, "[1] faq.txt\nReturns are free within 30 days.") || !strings.HasSuffix(p, "Question: are returns free?") {
		t.Errorf("prompt %q", p)
	}
	if len(s.Notes()) != 0 {
		t.Errorf("notes %+v", s.Notes())
	}

	m.queue(fakeAnswer{err: llm.NewError(llm.ErrTimeout, m.Endpoint(), m.Name(), "timed out after 60s", nil)})
	r = handleOne(t, s, "are returns free?")
	if r.Kind != reply.RAG || !strings.HasPrefix(r.RAG.Answer, "From **faq.txt**:\n\n> Returns are free within 30 days.") || r.RAG.LLMName != "" {
		t.Errorf("reply %+v", r.RAG)
	}
	notes := s.Notes()
	if len(notes) != 1 || notes[0].Message != "answered with passages: the language model failed" ||
		!reflect.DeepEqual(notes[0].Attrs[:2], []any{"at", "t.bot:9:5"}) || !errors.Is(notes[0].Attrs[3].(error), llm.ErrTimeout) {
		t.Errorf("notes %+v", notes)
	}
	if len(s.Failures()) != 0 {
		t.Errorf("failures %v", s.Failures())
	}
}

// fallbackBot has the model choose among the state's intents
// (nlp.llm_fallback) when the classifier understands none.
func fallbackBot(m llm.Model) *engine.Bot {
	return withModel(&engine.Bot{
		Name:     "t",
		Initial:  "ask",
		Entities: []nlu.Entity{{Name: "colour", Values: []nlu.EntityValue{{Canonical: "red", Synonyms: []string{"scarlet"}}, {Canonical: "blue"}}}},
		Intents: []nlu.Intent{
			{Name: "buy", Sentences: []string{"I want to buy a {colour} pen", "a {colour} pen please"}, Params: []nlu.Param{{Name: "colour", Entity: "colour"}}},
			{Name: "hours", Sentences: []string{"when are you open", "opening hours"}},
			{Name: "elsewhere", Sentences: []string{"weather"}},
		},
		States: []engine.State{
			{Name: "ask", Transitions: []engine.Transition{on("buy", "buy"), on("hours", "hours")}, Fallback: say("fallback")},
			{Name: "buy", Body: func(t *engine.Turn) { t.Reply(reply.NewText(reply.Str, "buying "+t.Str("colour"))) }, Transitions: []engine.Transition{goTo("ask")}},
			{Name: "hours", Body: say("nine to five"), Transitions: []engine.Transition{goTo("ask")}},
			{Name: "other", Body: say("other"), Transitions: []engine.Transition{on("elsewhere", "ask")}},
		},
	}, m)
}

func TestLLMFallback(t *testing.T) {
	const message = "could I get something scarlet to write with"
	for _, c := range []struct {
		name   string
		answer fakeAnswer
		reply  string
		choice string
		note   string
	}{
		{"an intent", fakeAnswer{text: `{"intent":"buy","reason":"a pen"}`}, "buying red", "buy", "the language model chose an intent"},
		{"a bare name", fakeAnswer{text: " hours\n"}, "nine to five", "hours", "the language model chose an intent"},
		{"none", fakeAnswer{text: `{"intent":"none","reason":"small talk"}`}, "fallback", engine.ChoseNone, "the language model chose no intent"},
		{"outside the set", fakeAnswer{text: `{"intent":"elsewhere","reason":"?"}`}, "fallback", engine.ChoiceFailed, "the language model chose outside the state's intents"},
		{"an error", fakeAnswer{err: llm.NewError(llm.ErrStatus, "http://model.test/v1", "fake-model", "answered 500", nil)}, "fallback", engine.ChoiceFailed, "the language model could not choose an intent"},
	} {
		m := &fakeModel{}
		s := start(t, newEngine(t, fallbackBot(m), "nlp.llm_fallback=true"), "x")
		m.queue(c.answer)
		rs, err := s.Handle(engine.Input{Kind: engine.Text, Text: message})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if got := texts(rs); len(got) != 1 || got[0] != c.reply {
			t.Errorf("%s: replies %q, want %q", c.name, got, c.reply)
		}
		if s.LLMChoice() != c.choice {
			t.Errorf("%s: choice %q, want %q", c.name, s.LLMChoice(), c.choice)
		}
		if notes := s.Notes(); len(notes) != 1 || notes[0].Message != c.note {
			t.Errorf("%s: notes %+v", c.name, notes)
		}
		reqs := m.requests()
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests", c.name, len(reqs))
		}
		var schema struct {
			Properties struct {
				Intent struct {
					Enum []string `json:"enum"`
				} `json:"intent"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(reqs[0].Schema, &schema); err != nil || !slices.Equal(schema.Properties.Intent.Enum, []string{"buy", "hours", "none"}) {
			t.Errorf("%s: schema %s (%v)", c.name, reqs[0].Schema, err)
		}
		prompt := reqs[0].Messages[0].Content
		if !strings.Contains(prompt, "Intent buy:\n- I want to buy a {colour} pen") || !strings.HasSuffix(prompt, "Message: "+message) || strings.Contains(prompt, "Intent elsewhere") {
			t.Errorf("%s: prompt %q", c.name, prompt)
		}
		// The next turn starts with no choice.
		mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "opening hours"})
		if s.LLMChoice() != "" || len(s.Notes()) != 0 {
			t.Errorf("%s: understood by the classifier, yet choice %q, notes %v", c.name, s.LLMChoice(), s.Notes())
		}
	}

	// Not set: the model is never asked.
	m := &fakeModel{}
	s := start(t, newEngine(t, fallbackBot(m)), "x")
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: message}), "fallback")
	if len(m.requests()) != 0 || s.LLMChoice() != "" {
		t.Errorf("asked %d times, choice %q", len(m.requests()), s.LLMChoice())
	}
}

// nlp.llm_fallback in a bot built without a model is refused at start.
func TestLLMFallbackWithoutModel(t *testing.T) {
	b := fallbackBot(nil)
	b.LLM = nil
	cfg := config.Default()
	if err := cfg.Set("nlp.llm_fallback", "true"); err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(b, cfg)
	if err == nil || !strings.Contains(err.Error(), "nlp.llm_fallback is set, and the bot was built without a language model") {
		t.Errorf("engine %v, err %v", e, err)
	}
}

// A test's session answers the model from its mock llm, never asking the
// model; without one, asking fails and says how to mock it.
func TestMockedModel(t *testing.T) {
	m := &fakeModel{}
	e := newEngine(t, llmBot(m))

	s := e.NewSession("mocked")
	s.SetMocks(&engine.Mocks{Funcs: map[string]engine.FuncMock{engine.LLMMock: {Value: "mocked answer"}}})
	s.Start()
	rs := mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"})
	if len(rs) != 1 || rs[0].Kind != reply.Markdown || rs[0].Text != "mocked answer" {
		t.Errorf("replies %+v", rs)
	}

	s = e.NewSession("failing")
	s.SetMocks(&engine.Mocks{Funcs: map[string]engine.FuncMock{engine.LLMMock: {Fails: "connection refused"}}})
	s.Start()
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"}), "sorry: connection refused")

	s = e.NewSession("unmocked")
	s.SetMocks(&engine.Mocks{})
	s.Start()
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "help"}),
		`sorry: this test has no mock llm: tests never reach a language model (add mock llm returns "...")`)
	if len(m.requests()) != 0 {
		t.Errorf("the model was asked %d times in tests", len(m.requests()))
	}

	// The intent choice of a test answers from the mock too.
	s = newEngine(t, fallbackBot(m), "nlp.llm_fallback=true").NewSession("choice")
	s.SetMocks(&engine.Mocks{Funcs: map[string]engine.FuncMock{engine.LLMMock: {Value: "hours"}}})
	s.Start()
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "zzz"}), "nine to five")

	// And an answer from knowledge, with the mock's name.
	s = newEngine(t, answerBot(nil)).NewSession("answer")
	s.SetMocks(&engine.Mocks{Funcs: map[string]engine.FuncMock{engine.LLMMock: {Value: "Free [1]."}}})
	s.Start()
	if r := handleOne(t, s, "are returns free?"); r.RAG == nil || r.RAG.Answer != "Free [1]." || r.RAG.LLMName != "mock" {
		t.Errorf("reply %+v", r)
	}
	if len(m.requests()) != 0 {
		t.Errorf("the model was asked %d times in tests", len(m.requests()))
	}
}
