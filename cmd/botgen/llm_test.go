package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/internal/openaitest"
)

// frame is a frame as a test reads it, its message left raw.
type llmFrame struct {
	Action  string          `json:"action"`
	Message json.RawMessage `json:"message"`
}

func readFrame(t *testing.T, ws *websocket.Conn) llmFrame {
	t.Helper()
	var f llmFrame
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	if err := ws.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	return f
}

func text(t *testing.T, f llmFrame) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(f.Message, &s); err != nil {
		t.Fatalf("%s: message %s is not a string", f.Action, f.Message)
	}
	return s
}

// The bookshop bot, built into a real binary, against a local endpoint
// that speaks the Chat Completions wire format: a reply with tools streams
// to the connection that asked for it and arrives whole to the others;
// the tools' schemas come from the Go signatures; the model classifies
// what the intents miss; an answer from knowledge cites its passages; a
// failure takes the error path with a log line naming the endpoint; and
// /metrics counts it all.
func TestBookshopAgainstAModel(t *testing.T) {
	model := openaitest.New(t)
	bin := filepath.Join(t.TempDir(), "bookshop")
	if code, _, stderr := botgen(t, "build", "-o", bin, filepath.Join("..", "..", "testdata", "examples", "bookshop", "bookshop.bot")); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	s := serve(t, bin, "--set", "llm.url="+model.URL(), "--set", "llm.model=shop-model", "--set", "llm.api_key=sk-test-secret")

	streaming, _, err := websocket.DefaultDialer.Dial(s.url+"?session_id=reader-1&stream=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer streaming.Close()
	// A dial returns before the server attaches the connection: the second
	// connection opens once the first has the greeting, so that the session
	// is the first's and the greeting goes to it alone.
	if got := text(t, readFrame(t, streaming)); !strings.HasPrefix(got, "Welcome") {
		t.Fatalf("greeting %q", got)
	}
	plain, _, err := websocket.DefaultDialer.Dial(s.url+"?session_id=reader-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(scrape(t, s.url), "\nbotgen_connections 2\n"); {
		if time.Now().After(deadline) {
			t.Fatal("the second connection was never attached")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// An order: the model calls a Go function, then answers.
	const orderAnswer = "Order A1001 has shipped and should arrive on Thursday."
	model.Queue(
		openaitest.Answer{ToolCalls: []openaitest.ToolCall{{ID: "call_1", Name: "orderStatus", Arguments: `{"number":"A1001"}`}}},
		openaitest.Answer{Text: orderAnswer},
	)
	if err := streaming.WriteJSON(map[string]string{"action": "user_message", "message": "where is my order A1001"}); err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	var final llmFrame
	for {
		f := readFrame(t, streaming)
		if f.Action != "bot_reply_stream" {
			final = f
			break
		}
		var d struct {
			ID    int    `json:"id"`
			Delta string `json:"delta"`
		}
		if err := json.Unmarshal(f.Message, &d); err != nil || d.ID != 1 {
			t.Fatalf("stream frame %s", f.Message)
		}
		streamed.WriteString(d.Delta)
	}
	if final.Action != "bot_reply_markdown" || text(t, final) != orderAnswer {
		t.Fatalf("final reply %s %s", final.Action, final.Message)
	}
	if streamed.String() != orderAnswer {
		t.Errorf("streamed %q, want the reply's text", streamed.String())
	}
	// The connection that did not ask for a stream gets the reply whole,
	// as BESSER's clients expect (it opened after the greeting).
	if f := readFrame(t, plain); f.Action != "bot_reply_markdown" || text(t, f) != orderAnswer {
		t.Fatalf("the plain client got %s %s", f.Action, f.Message)
	}
	reqs := model.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	first := reqs[0]
	if first.Body.Model != "shop-model" || !first.Body.Stream || first.Header.Get("Authorization") != "Bearer sk-test-secret" {
		t.Errorf("request: model %q, stream %v, authorization %q", first.Body.Model, first.Body.Stream, first.Header.Get("Authorization"))
	}
	if msgs := first.Body.Messages; len(msgs) < 2 || msgs[0].Role != "system" || !strings.Contains(msgs[0].Content, "small bookshop") || !strings.Contains(msgs[len(msgs)-1].Content, "order A1001") {
		t.Errorf("messages %+v", msgs)
	}
	tools := map[string]openaitest.Tool{}
	for _, tool := range first.Body.Tools {
		tools[tool.Function.Name] = tool
	}
	if tool := tools["orderStatus"]; !strings.Contains(tool.Function.Description, "looks an order up by its number") ||
		string(tool.Function.Parameters) != `{"type":"object","properties":{"number":{"type":"string"}},"required":["number"],"additionalProperties":false}` {
		t.Errorf("orderStatus offered as %s %q", tool.Function.Parameters, tool.Function.Description)
	}
	if _, ok := tools["stock"]; !ok || len(tools) != 2 {
		t.Errorf("tools %v", tools)
	}
	second := reqs[1].Body.Messages
	if last := second[len(second)-1]; last.Role != "tool" || last.ToolCallID != "call_1" || !strings.Contains(last.Content, `"status":"shipped"`) {
		t.Errorf("the tool's answer went back as %+v", last)
	}

	// What no intent understands: the model chooses among the state's
	// intents (here none), and the bot answers from its knowledge.
	model.Queue(
		openaitest.Answer{Text: `{"intent":"none","reason":"a question about delivery costs"}`},
		openaitest.Answer{Text: "Express delivery costs 9.90 EUR [1]."},
	)
	plain.WriteJSON(map[string]string{"action": "user_message", "message": "how much is express delivery?"})
	f := readFrame(t, plain)
	var rag struct {
		LLMName  string `json:"llm_name"`
		Question string `json:"question"`
		Answer   string `json:"answer"`
		Docs     []struct {
			Content  string `json:"content"`
			Metadata struct {
				Source string `json:"source"`
			} `json:"metadata"`
		} `json:"docs"`
	}
	if f.Action != "bot_reply_rag" || json.Unmarshal(f.Message, &rag) != nil {
		t.Fatalf("answer %s %s", f.Action, f.Message)
	}
	cited := false
	for _, d := range rag.Docs {
		cited = cited || d.Metadata.Source == "docs/shipping.md" && strings.Contains(d.Content, "9.90 EUR")
	}
	if rag.LLMName != "shop-model" || rag.Question != "how much is express delivery?" || rag.Answer != "Express delivery costs 9.90 EUR [1]." || !cited {
		t.Errorf("answer %s", f.Message)
	}
	reqs = model.Requests()
	choice := reqs[2].Body
	if choice.ResponseFormat == nil || choice.ResponseFormat.JSONSchema == nil || !strings.Contains(string(choice.ResponseFormat.JSONSchema.Schema), `"enum":["greet","order","human","bye","none"]`) {
		t.Errorf("the intent was asked without the schema of the choice: %+v", choice.ResponseFormat)
	}
	if grounded := reqs[3].Body.Messages; !strings.Contains(grounded[len(grounded)-1].Content, "docs/shipping.md › Shipping › Shipping costs\nStandard delivery costs 3.90 EUR") {
		t.Errorf("the answer's prompt %q", grounded[len(grounded)-1].Content)
	}
	// The conversation so far went with it: the order and its answer.
	if grounded := reqs[3].Body.Messages; !containsMessage(grounded, "assistant", orderAnswer) || !containsMessage(grounded, "user", "where is my order A1001") {
		t.Errorf("the answer's request lacks the conversation so far: %+v", grounded)
	}

	// The model chooses an intent: a handoff, whose summary llm() writes.
	model.Queue(
		openaitest.Answer{Text: `{"intent":"human","reason":"asks for a person"}`},
		openaitest.Answer{Text: "Wants a refund for a torn cover."},
	)
	plain.WriteJSON(map[string]string{"action": "user_message", "message": "my book came with a torn cover, can somebody help me"})
	if got := text(t, readFrame(t, plain)); got != `I have passed this on to a colleague: "Wants a refund for a torn cover.". They will write to you soon.` {
		t.Errorf("handoff %q", got)
	}
	if summary := model.Requests()[5].Body.Messages; !strings.HasSuffix(summary[len(summary)-1].Content, "needs: my book came with a torn cover, can somebody help me") {
		t.Errorf("llm() asked %+v", summary)
	}

	// The endpoint refuses: the error path, with a log line saying which
	// endpoint and why, and never the key.
	model.Queue(openaitest.Answer{Status: http.StatusTooManyRequests})
	plain.WriteJSON(map[string]string{"action": "user_message", "message": "status of order A1002"})
	if got := text(t, readFrame(t, plain)); !strings.HasPrefix(got, "I cannot reach my language model right now: language model shop-model at "+model.URL()) || !strings.Contains(got, "429") {
		t.Errorf("after a 429: %q", got)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.stderr.String(), "call failed, on error took it"); {
		if time.Now().After(deadline) {
			t.Fatalf("no log line of the failed call:\n%s", s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	log := s.stderr.String()
	if !strings.Contains(log, model.URL()) || strings.Contains(log, "sk-test-secret") {
		t.Errorf("log:\n%s", log)
	}
	for _, want := range []string{"tool called", "orderStatus", "the language model chose an intent", "asks for a person"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log has no %q:\n%s", want, log)
		}
	}

	body := scrape(t, s.url)
	for _, want := range []string{
		`botgen_llm_requests_total{model="shop-model"} 7`,
		`botgen_llm_errors_total{model="shop-model",reason="status"} 1`,
		`botgen_llm_tokens_total{direction="in",model="shop-model"}`,
		`botgen_llm_first_token_seconds_count{model="shop-model"}`,
		`botgen_llm_intent_choices_total{intent="human"} 1`,
		`botgen_llm_intent_choices_total{intent="none"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	if strings.Contains(string(body), "sk-test-secret") {
		t.Error("/metrics shows the API key")
	}
}

// scrape returns the /metrics of the bot at the WebSocket URL url.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(strings.Replace(url, "ws://", "http://", 1) + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func containsMessage(msgs []openaitest.Message, role, content string) bool {
	for _, m := range msgs {
		if m.Role == role && strings.Contains(m.Content, content) {
			return true
		}
	}
	return false
}
