package server

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/llm"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// scriptModel answers each request with the next of its answers, streamed
// in pieces of four bytes, and records the messages it was sent.
type scriptModel struct {
	mu      sync.Mutex
	answers []string
	asked   [][]llm.Message
}

func (m *scriptModel) Name() string     { return "script" }
func (m *scriptModel) Endpoint() string { return "http://model.test/v1" }

func (m *scriptModel) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	m.mu.Lock()
	m.asked = append(m.asked, slices.Clone(req.Messages))
	text := "(no answer left)"
	if len(m.answers) > 0 {
		text, m.answers = m.answers[0], m.answers[1:]
	}
	m.mu.Unlock()
	if req.Stream != nil {
		for rest := text; rest != ""; {
			n := min(4, len(rest))
			req.Stream(rest[:n])
			rest = rest[n:]
		}
	}
	return llm.Response{Text: text}, nil
}

func (m *scriptModel) queue(answers ...string) {
	m.mu.Lock()
	m.answers = append(m.answers, answers...)
	m.mu.Unlock()
}

func (m *scriptModel) requests() [][]llm.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.asked)
}

// modelBot greets, then answers "ask ..." with the model's reply to
// "Q: message", "two" with two of them, "hello" with text, "table" with a
// table and a text.
func modelBot(m llm.Model) *engine.Bot {
	back := []engine.Transition{{Kind: engine.Go, Target: "main"}}
	on := func(intent string) engine.Transition {
		return engine.Transition{Kind: engine.OnIntent, Intent: intent, Target: intent}
	}
	return &engine.Bot{
		Name: "model_bot",
		Intents: []nlu.Intent{
			{Name: "ask", Sentences: []string{"ask one", "ask two", "ask three", "ask four"}},
			{Name: "two", Sentences: []string{"two answers"}},
			{Name: "hello", Sentences: []string{"hello"}},
			{Name: "table", Sentences: []string{"table please"}},
		},
		States: []engine.State{
			{Name: "start", Body: func(t *engine.Turn) { t.Reply(reply.NewText(reply.Str, greeting)) }, Transitions: back},
			{Name: "main", Transitions: []engine.Transition{on("ask"), on("two"), on("hello"), on("table")}},
			{Name: "ask", Body: func(t *engine.Turn) { t.Reply(t.LLMReply("m.bot:3:5", "Q: "+t.Message())) }, Transitions: back},
			{Name: "two", Body: func(t *engine.Turn) {
				t.Reply(t.LLMReply("m.bot:4:5", "first"))
				t.Reply(t.LLMReply("m.bot:5:5", "second"))
			}, Transitions: back},
			{Name: "hello", Body: func(t *engine.Turn) {
				t.Reply(reply.NewText(reply.Str, hiThere))
				t.Reply(reply.NewText(reply.Markdown, "*How* can I help?"))
			}, Transitions: back},
			{Name: "table", Body: func(t *engine.Turn) {
				t.Reply(reply.Reply{Kind: reply.DataFrame, Text: `{"a":{"0":1}}`})
				t.Reply(reply.NewText(reply.Str, "a table"))
			}, Transitions: back},
		},
		Initial: "start",
		LLM:     func(llm.Config) llm.Model { return m },
	}
}

// rawFrame is a frame with its message left raw.
type rawFrame struct {
	Action  string          `json:"action"`
	Message json.RawMessage `json:"message"`
}

func (c *client) rawFrame() rawFrame {
	c.t.Helper()
	b := c.next()
	var f rawFrame
	if err := json.Unmarshal(b, &f); err != nil {
		c.t.Fatalf("bad frame %s: %v", b, err)
	}
	return f
}

// quiet checks that c receives nothing for a while.
func (c *client) quiet(what string) {
	c.t.Helper()
	if b, err := c.tryNext(200 * time.Millisecond); err == nil {
		c.t.Errorf("%s got %s", what, b)
	}
}

// The text of reply llm streams to the connections of the session that
// asked (stream=1), in the dialect's frame, before the whole reply, which
// every connection of the session gets; other sessions get nothing.
func TestStreamOnlyToStreamingConnections(t *testing.T) {
	for _, dialect := range []string{"bbf", "baf"} {
		t.Run(dialect, func(t *testing.T) {
			prefix := map[string]string{"bbf": "bot_reply_", "baf": "agent_reply_"}[dialect]
			m := &scriptModel{}
			ts := startBot(t, modelBot(m), nil, func(c *config.Config) { c.Protocol = dialect })
			streaming := ts.dial(t, "stream=1", header("X-Session-ID", "s1"))
			streaming.rawFrame() // the greeting
			plain := ts.dial(t, "", header("X-Session-ID", "s1"))
			other := ts.dial(t, "stream=1", header("X-Session-ID", "s2"))
			other.rawFrame()
			ts.waitConns(t, 3)

			m.queue("Hello there, reader.", "Second one.")
			streaming.say("two answers")
			var got []string
			for _, want := range []struct {
				id   int
				text string
			}{{1, "Hello there, reader."}, {2, "Second one."}} {
				var text strings.Builder
				for text.Len() < len(want.text) {
					f := streaming.rawFrame()
					if f.Action != prefix+StreamKind {
						t.Fatalf("got %s %s, want %sstream", f.Action, f.Message, prefix)
					}
					var d struct {
						ID    int    `json:"id"`
						Delta string `json:"delta"`
					}
					if err := json.Unmarshal(f.Message, &d); err != nil || d.ID != want.id || d.Delta == "" {
						t.Fatalf("stream message %s (%v), want id %d", f.Message, err, want.id)
					}
					text.WriteString(d.Delta)
				}
				got = append(got, text.String())
			}
			if !slices.Equal(got, []string{"Hello there, reader.", "Second one."}) {
				t.Errorf("streamed %q", got)
			}
			for _, c := range []*client{streaming, plain} {
				for _, want := range []string{"Hello there, reader.", "Second one."} {
					f := c.rawFrame()
					var text string
					if f.Action != prefix+"markdown" || json.Unmarshal(f.Message, &text) != nil || text != want {
						t.Errorf("got %s %s, want %smarkdown %q", f.Action, f.Message, prefix, want)
					}
				}
			}
			plain.quiet("a connection that did not ask to stream")
			other.quiet("another session")
		})
	}
}

// Stream frames preview a reply: the history a client replays and the
// session the store keeps hold the whole reply, never its pieces.
func TestStreamNeitherRecordedNorStored(t *testing.T) {
	dir := t.TempDir()
	m := &scriptModel{}
	ts := startBot(t, modelBot(m), withStore(t, dir))
	c := ts.dial(t, "stream=1", header("X-Session-ID", "alice"))
	c.rawFrame()
	m.queue("A previewed answer.")
	c.say("ask one")
	for {
		f := c.rawFrame()
		if strings.HasSuffix(f.Action, "_markdown") {
			break
		}
		if !strings.HasSuffix(f.Action, "_"+StreamKind) {
			t.Fatalf("got %s %s", f.Action, f.Message)
		}
	}

	replay := ts.dial(t, "stream=1&replay=all", header("X-Session-ID", "alice"))
	frames := replay.history(3) // the greeting, the message, the answer
	for _, f := range frames {
		if strings.Contains(f, "_"+StreamKind+`"`) || strings.Contains(f, "delta") {
			t.Errorf("replayed %s", f)
		}
	}
	if !strings.Contains(frames[2], "A previewed answer.") {
		t.Errorf("replay %q", frames)
	}
	replay.quiet("a replay")

	files := storeFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("stored %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "A previewed answer.") || strings.Contains(string(data), "delta") || strings.Contains(string(data), "stream") {
		t.Errorf("stored:\n%s", data)
	}
}

// The model reads the previous turns of its session: the user's text
// messages and the bot's text replies (several of a turn as one), not
// tables, not the current message (the prompt holds it), at most
// llm.history turns, and nothing of another session.
func TestTranscriptOfTheSession(t *testing.T) {
	m := &scriptModel{}
	ts := startBot(t, modelBot(m), nil, func(c *config.Config) { c.LLMHistory = 2 })
	c := ts.dial(t, "", header("X-Session-ID", "bob"))
	c.rawFrame()
	other := ts.dial(t, "", header("X-Session-ID", "carol"))
	other.rawFrame()
	other.say("hello")
	other.rawFrame()
	other.rawFrame()

	m.queue("First answer.", "Second answer.", "Third answer.")
	c.say("ask one")
	c.rawFrame()
	c.say("hello")
	c.rawFrame()
	c.rawFrame()
	c.say("table please")
	c.rawFrame()
	c.rawFrame()
	c.say("ask two")
	c.rawFrame()

	asked := m.requests()
	if len(asked) != 2 {
		t.Fatalf("%d requests", len(asked))
	}
	// The greeting is what the bot said so far.
	if want := []llm.Message{{Role: llm.RoleAssistant, Content: greeting}, {Role: llm.RoleUser, Content: "Q: ask one"}}; !reflect.DeepEqual(asked[0], want) {
		t.Errorf("first request %+v, want %+v", asked[0], want)
	}
	want := []llm.Message{
		{Role: llm.RoleUser, Content: "hello"},
		{Role: llm.RoleAssistant, Content: hiThere + "\n\n*How* can I help?"},
		{Role: llm.RoleUser, Content: "table please"},
		{Role: llm.RoleAssistant, Content: "a table"},
		{Role: llm.RoleUser, Content: "Q: ask two"},
	}
	if !reflect.DeepEqual(asked[1], want) {
		t.Errorf("second request\n got %+v\nwant %+v", asked[1], want)
	}
}
