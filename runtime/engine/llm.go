package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/botgen-dev/botgen/runtime/knowledge"
	"github.com/botgen-dev/botgen/runtime/llm"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// LLMMock is the name under which a test's mocks answer the language
// model (mock llm returns "..."): every request of the session gets that
// text, or fails.
const LLMMock = "llm"

// MaxToolCalls bounds the tool calls of one reply: a model that keeps
// asking is stopped, and the reply fails.
const MaxToolCalls = 8

// maxPromptText bounds what one past message or passage adds to a request,
// so that a long message or a long reply does not crowd out the rest.
const maxPromptText = 4 << 10

// errNoModel is why a turn cannot ask a model: llm.url is empty.
var errNoModel = errors.New("no language model is configured (llm.url is empty)")

// Tool is a Go function beside the bot that a language model may call
// (`reply llm "..." with tools f`). Generated code describes it once; the
// engine derives its JSON Schema from Params and checks the model's
// arguments against them before calling it.
type Tool struct {
	Name        string
	Description string // the function's doc comment
	Params      []ToolParam
	// At is where the bot offers the tool, for the failures of its calls.
	At string
	// Call calls the function with one argument per parameter, each of
	// its kind (string, bool or float64). A failure (Fail, a Go error)
	// becomes the model's answer, not the turn's.
	Call func(t *Turn, at string, args []val.Value) val.Value
}

// ToolParam is a parameter of a Tool: its Go name, and the basic Go type
// under its type ("string", "bool", "int8", "float64"...).
type ToolParam struct {
	Name string
	Kind string
}

// Said is a message of the conversation so far, as a model reads it.
type Said struct {
	User bool // the user's; else the bot's
	Text string
}

// SetTranscript gives the session the conversation before the current
// turn: f returns its last messages, at most turns of the user's with the
// bot's answers, oldest first. Without it a model sees only the prompt.
func (s *Session) SetTranscript(f func(turns int) []Said) { s.transcript = f }

// SetStream makes the text of the session's `reply llm` stream to f as the
// model writes it: id numbers the replies that stream, from 1, through the
// session's turns, so that a client tells a new stream from an old one.
// nil: no streaming.
func (s *Session) SetStream(f func(id int, delta string)) { s.stream = f }

// Notes returns what the last turn asked of the language model worth a
// log line: the tool calls it made, the intent it chose.
func (s *Session) Notes() []Note { return s.notes }

// Note is one thing a turn's language model did.
type Note struct {
	Message string // what happened: "tool called", "intent chosen"
	Attrs   []any  // key, value pairs
}

func (s *Session) note(msg string, attrs ...any) {
	s.notes = append(s.notes, Note{Message: msg, Attrs: attrs})
}

// LLMStats returns the metrics of the bot's language model, nil when it
// has none.
func (e *Engine) LLMStats() *llm.Stats { return e.llmStats }

// Model returns the bot's language model, nil when it asks none or
// llm.url is empty.
func (e *Engine) Model() llm.Model { return e.model }

// AsksModel reports whether the bot was built to ask a language model,
// whether or not one is configured.
func (e *Engine) AsksModel() bool { return e.bot.LLM != nil }

// ChoosesIntents reports whether the language model chooses the intent of
// a message no intent understood (nlp.llm_fallback).
func (e *Engine) ChoosesIntents() bool { return e.bot.LLM != nil && e.cfg.LLMFallback }

// prepareModel makes the bot's model client from the llm.* settings.
func (bd *builder) prepareModel() {
	e, b := bd.e, bd.e.bot
	if b.LLM == nil {
		if e.cfg.LLMFallback {
			bd.bad("nlp.llm_fallback is set, and the bot was built without a language model: set it in the bot's config block, so that botgen build links one")
		}
		return
	}
	if e.cfg.LLMURL == "" {
		return // answers from knowledge quote passages; the rest fail
	}
	e.llmStats = &llm.Stats{}
	e.model = llm.Measured(b.LLM(llm.Config{
		URL:         e.cfg.LLMURL,
		Model:       e.cfg.LLMModel,
		APIKey:      e.cfg.LLMAPIKey,
		Timeout:     e.cfg.LLMTimeout,
		Temperature: e.cfg.LLMTemperature,
		MaxTokens:   e.cfg.LLMMaxTokens,
	}), e.llmStats)
}

// LLM is the language's llm(prompt): the model's answer to prompt, or the
// body fails at at.
func (t *Turn) LLM(at, prompt string) string {
	text, _, err := t.ask(prompt, nil, false)
	t.Check(at, err)
	return text
}

// LLMReply is `reply llm "prompt" with tools ...`: the model's answer as
// Markdown, streamed as it is written to the clients that asked for it.
// The model may call tools, at most MaxToolCalls times.
func (t *Turn) LLMReply(at, prompt string, tools ...*Tool) reply.Reply {
	text, _, err := t.ask(prompt, tools, true)
	t.Check(at, err)
	if strings.TrimSpace(text) == "" {
		t.Fail(at, errors.New("the language model answered with no text"))
	}
	return reply.NewText(reply.Markdown, text)
}

// ask sends prompt to the model after the conversation so far, and
// returns its text; the mocks of a test answer instead of a model.
func (t *Turn) ask(prompt string, tools []*Tool, stream bool) (string, string, error) {
	s := t.s
	if s.mocks != nil {
		m, ok := s.mocks.llm()
		switch {
		case !ok:
			return "", "", errors.New("this test has no mock llm: tests never reach a language model (add mock llm returns \"...\")")
		case m.Fail || m.Fails != "":
			return "", "", errors.New(m.Fails)
		}
		text, _ := m.Value.(string)
		return text, "mock", nil
	}
	if s.e.model == nil {
		return "", "", errNoModel
	}
	req := llm.Request{Messages: t.conversation(prompt)}
	if stream && s.stream != nil {
		s.streams++
		id, send := s.streams, s.stream
		req.Stream = func(delta string) { send(id, delta) }
	}
	for _, tool := range tools {
		req.Tools = append(req.Tools, t.llmTool(tool))
	}
	ctx, cancel := t.modelContext()
	defer cancel()
	resp, err := llm.Converse(ctx, s.e.model, req, MaxToolCalls, func(ev llm.ToolEvent) {
		attrs := []any{"tool", ev.Name, "args", clipText(string(ev.Args), 200), "took", ev.Duration.Round(time.Microsecond)}
		if ev.Err != nil {
			attrs = append(attrs, "err", ev.Err)
		}
		s.note("tool called", attrs...)
	})
	if err != nil {
		return "", "", err
	}
	return resp.Text, s.e.model.Name(), nil
}

// modelContext is the context of a request to the model: the client bounds
// it by llm.timeout; shutdown cancels it.
func (t *Turn) modelContext() (context.Context, context.CancelFunc) {
	base := t.s.e.ctx
	if base == nil {
		base = context.Background()
	}
	return context.WithCancel(base)
}

// conversation is what a request holds: the system prompt (llm.system),
// the last llm.history turns of the session, then prompt as the user's.
func (t *Turn) conversation(prompt string) []llm.Message {
	s := t.s
	var msgs []llm.Message
	if sys := s.e.cfg.LLMSystem; sys != "" {
		msgs = append(msgs, llm.Message{Role: llm.RoleSystem, Content: sys})
	}
	if n := s.e.cfg.LLMHistory; n > 0 && s.transcript != nil {
		for _, said := range s.transcript(n) {
			role := llm.RoleAssistant
			if said.User {
				role = llm.RoleUser
			}
			text := clipText(said.Text, maxPromptText)
			if k := len(msgs) - 1; k >= 0 && msgs[k].Role == role && role == llm.RoleAssistant {
				msgs[k].Content += "\n\n" + text // one answer of several replies
				continue
			}
			msgs = append(msgs, llm.Message{Role: role, Content: text})
		}
	}
	return append(msgs, llm.Message{Role: llm.RoleUser, Content: prompt})
}

// llmTool is tool as the model sees it, its calls made in this turn.
func (t *Turn) llmTool(tool *Tool) llm.Tool {
	return llm.Tool{
		Name:        tool.Name,
		Description: tool.Description,
		Parameters:  tool.Schema(),
		Call: func(_ context.Context, args json.RawMessage) (string, error) {
			return t.callTool(tool, args)
		},
	}
}

// callTool checks the model's arguments against the tool's parameters and
// calls it. A failure of the call is returned as an error, for the model
// to read; a panic is the turn's, as any panic of a Go function is.
func (t *Turn) callTool(tool *Tool, raw json.RawMessage) (result string, err error) {
	args, err := tool.arguments(raw)
	if err != nil {
		return "", err
	}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(*failure)
			if !ok {
				panic(r)
			}
			err = f.err
		}
	}()
	v := tool.Call(t, tool.At, args)
	return string(val.AppendJSON(nil, v)), nil
}

// Schema returns the JSON Schema of the tool's arguments: an object with
// one required property per parameter, and no other.
func (tool *Tool) Schema() json.RawMessage {
	props := make([]string, 0, len(tool.Params))
	required := make([]string, 0, len(tool.Params))
	for _, p := range tool.Params {
		name, _ := json.Marshal(p.Name)
		props = append(props, string(name)+":"+kindSchema(p.Kind))
		required = append(required, string(name))
	}
	return json.RawMessage(`{"type":"object","properties":{` + strings.Join(props, ",") +
		`},"required":[` + strings.Join(required, ",") + `],"additionalProperties":false}`)
}

// kindSchema is the JSON Schema of a parameter of the basic Go type k.
func kindSchema(k string) string {
	switch k {
	case "string":
		return `{"type":"string"}`
	case "bool":
		return `{"type":"boolean"}`
	case "float32", "float64":
		return `{"type":"number"}`
	case "int8":
		return `{"type":"integer","minimum":-128,"maximum":127}`
	case "int16":
		return `{"type":"integer","minimum":-32768,"maximum":32767}`
	case "uint8":
		return `{"type":"integer","minimum":0,"maximum":255}`
	case "uint16":
		return `{"type":"integer","minimum":0,"maximum":65535}`
	case "uint", "uint32", "uint64", "uintptr":
		return `{"type":"integer","minimum":0}`
	}
	return `{"type":"integer"}`
}

// arguments reads the model's arguments as the tool's parameters say: each
// present, of its kind, and nothing else.
func (tool *Tool) arguments(raw json.RawMessage) ([]val.Value, error) {
	v, err := val.DecodeJSON(raw, val.Limits{})
	if err != nil {
		return nil, fmt.Errorf("the arguments are not valid JSON: %v", err)
	}
	rec, ok := v.(*val.Record)
	if !ok {
		return nil, errors.New("the arguments must be a JSON object")
	}
	names := make([]string, len(tool.Params))
	for i, p := range tool.Params {
		names[i] = p.Name
	}
	for name := range rec.All() {
		if !contains(names, name) {
			return nil, fmt.Errorf("unknown argument %q: %s takes %s", clipText(name, 60), tool.Name, takes(names))
		}
	}
	out := make([]val.Value, len(tool.Params))
	for i, p := range tool.Params {
		x, ok := rec.Get(p.Name)
		if !ok || x == nil {
			return nil, fmt.Errorf("missing argument %q: %s takes %s", p.Name, tool.Name, takes(names))
		}
		want := "a number"
		switch p.Kind {
		case "string":
			_, ok = x.(string)
			want = "a string"
		case "bool":
			_, ok = x.(bool)
			want = "a boolean"
		default:
			_, ok = x.(float64)
		}
		if !ok {
			return nil, fmt.Errorf("argument %q must be %s, found %s", p.Name, want, val.KindOf(x))
		}
		out[i] = x
	}
	return out, nil
}

func takes(names []string) string {
	if len(names) == 0 {
		return "no arguments"
	}
	return strings.Join(names, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clipText is s cut to at most n bytes on a character boundary, marked.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// answerPassages is how many passages an answer draws on.
const answerPassages = 3

// NoAnswerText answers a question whose words the bot's knowledge does not
// hold.
const NoAnswerText = "I found nothing about that in what I know."

// prepareKnowledge reads the bot's knowledge index.
func (bd *builder) prepareKnowledge() {
	if bd.e.bot.Knowledge == nil {
		return
	}
	ix, err := knowledge.Load(bd.e.bot.Knowledge)
	if err != nil {
		bd.bad("knowledge: %v", err)
		return
	}
	bd.e.know = ix
}

// Answer is `reply answer`: the current message answered from the bot's
// knowledge. With a model, its answer grounded in the best passages, which
// it cites; without one, or when the model fails, the best passage quoted
// with its source and where else to look. The reply is an answer from
// documents (bot_reply_rag) carrying the passages either way.
func (t *Turn) Answer(at string) reply.Reply {
	s := t.s
	if s.e.know == nil {
		t.Fail(at, errors.New("the bot has no knowledge to answer from"))
	}
	question := s.message
	hits := s.e.know.Search(question, answerPassages)
	if len(hits) == 0 {
		return reply.NewText(reply.Str, NoAnswerText)
	}
	rag := &reply.RAGData{Question: question}
	for _, h := range hits {
		rag.Docs = append(rag.Docs, reply.RAGDoc{Content: h.Passage.Text, Metadata: reply.RAGMetadata{Source: h.Passage.Source, Title: h.Passage.Title}})
	}
	_, mocked := s.mocks.llm()
	if s.e.model != nil || mocked {
		text, name, err := t.ask(groundedPrompt(question, hits), nil, true)
		if err == nil && strings.TrimSpace(text) != "" {
			rag.LLMName, rag.Answer = name, text
			return reply.Reply{Kind: reply.RAG, RAG: rag}
		}
		if err == nil {
			err = errors.New("the language model answered with no text")
		}
		s.note("answered with passages: the language model failed", "at", at, "err", err)
	}
	rag.Answer = quotePassages(hits)
	return reply.Reply{Kind: reply.RAG, RAG: rag}
}

// llm returns the mock of the language model, if the session has one.
func (m *Mocks) llm() (FuncMock, bool) {
	if m == nil {
		return FuncMock{}, false
	}
	f, ok := m.Funcs[LLMMock]
	return f, ok
}

// groundedPrompt asks the model to answer question from the passages of
// hits alone, citing them by number.
func groundedPrompt(question string, hits []knowledge.Hit) string {
	var b strings.Builder
	b.WriteString("Answer the question using only the numbered passages below. Cite the passages you use by their number in brackets, such as [1]. If the passages do not hold the answer, say that you do not know.\n")
	for i, h := range hits {
		fmt.Fprintf(&b, "\n[%d] %s\n%s\n", i+1, source(h.Passage), clipText(h.Passage.Text, maxPromptText))
	}
	fmt.Fprintf(&b, "\nQuestion: %s", clipText(question, maxPromptText))
	return b.String()
}

// quotePassages is the answer without a model: the best passage, quoted
// with its source, and the sources of the others.
func quotePassages(hits []knowledge.Hit) string {
	var b strings.Builder
	best := hits[0].Passage
	fmt.Fprintf(&b, "From **%s**:\n\n", source(best))
	for _, line := range strings.Split(strings.TrimSpace(best.Text), "\n") {
		b.WriteString("> " + line + "\n")
	}
	if len(hits) > 1 {
		b.WriteString("\nSee also:")
		for _, h := range hits[1:] {
			b.WriteString("\n- " + source(h.Passage))
		}
	}
	return b.String()
}

// source names where a passage is: its document and headings.
func source(p knowledge.Passage) string {
	if p.Title == "" {
		return p.Source
	}
	return p.Source + " › " + p.Title
}

// The answers of the intent choice besides an intent's name.
const (
	// ChoseNone is the model's answer when no intent fits.
	ChoseNone = "none"
	// ChoiceFailed is LLMChoice's when the model could not be asked or
	// answered outside the set.
	ChoiceFailed = "error"
)

// maxChoiceSentences bounds the examples of each intent the model reads.
const maxChoiceSentences = 5

// LLMChoice returns what the language model chose in the last turn (nlp.llm_fallback): an
// intent's name, ChoseNone, ChoiceFailed, or "" when it was not asked.
func (s *Session) LLMChoice() string { return s.choice }

// chooseIntent asks the model which of the candidate intents text
// expresses, when the classifier understood none: "" for none. The answer
// is constrained to the candidates and "none" by a JSON Schema, and
// checked again here. A failure is logged and taken as none: the state's
// fallback answers as it would have.
func (t *Turn) chooseIntent(text string, cands []string) string {
	s := t.s
	if strings.TrimSpace(text) == "" || (s.e.model == nil && s.mocks == nil) {
		return ""
	}
	var b strings.Builder
	b.WriteString("Classify the user's message as one of the intents below, each given with example messages, or as none when no intent fits. Answer with the intent's name and a short reason.\n")
	for _, name := range cands {
		fmt.Fprintf(&b, "\nIntent %s:", name)
		for i, in := range s.e.bot.Intents {
			if in.Name != name {
				continue
			}
			for k, sentence := range s.e.bot.Intents[i].Sentences {
				if k == maxChoiceSentences {
					break
				}
				fmt.Fprintf(&b, "\n- %s", sentence)
			}
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "\nMessage: %s", clipText(text, maxPromptText))

	enum, _ := json.Marshal(append(append([]string{}, cands...), ChoseNone))
	schema := json.RawMessage(`{"type":"object","properties":{"intent":{"type":"string","enum":` + string(enum) +
		`},"reason":{"type":"string"}},"required":["intent","reason"],"additionalProperties":false}`)
	answer, err := t.choose(b.String(), schema)
	if err != nil {
		s.choice = ChoiceFailed
		s.note("the language model could not choose an intent", "err", err)
		return ""
	}
	var got struct {
		Intent string `json:"intent"`
		Reason string `json:"reason"`
	}
	if json.Unmarshal([]byte(answer), &got) != nil {
		// A test's mock, or a model that ignored the schema, may answer
		// with the bare name.
		got.Intent = strings.TrimSpace(answer)
	}
	switch {
	case got.Intent == ChoseNone:
		s.choice = ChoseNone
		s.note("the language model chose no intent", "reason", clipText(got.Reason, 300))
		return ""
	case !contains(cands, got.Intent):
		s.choice = ChoiceFailed
		s.note("the language model chose outside the state's intents", "answer", clipText(answer, 200))
		return ""
	}
	s.choice = got.Intent
	s.note("the language model chose an intent", "intent", got.Intent, "reason", clipText(got.Reason, 300))
	return got.Intent
}

// choose asks the model for an answer constrained by schema; a test's mock
// answers instead.
func (t *Turn) choose(prompt string, schema json.RawMessage) (string, error) {
	s := t.s
	if s.mocks != nil {
		text, _, err := t.ask(prompt, nil, false)
		return text, err
	}
	ctx, cancel := t.modelContext()
	defer cancel()
	resp, err := s.e.model.Complete(ctx, llm.Request{
		Messages:   []llm.Message{{Role: llm.RoleUser, Content: prompt}},
		Schema:     schema,
		SchemaName: "intent",
	})
	return resp.Text, err
}
