package openai

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/internal/openaitest"
	"github.com/botgen-dev/botgen/runtime/llm"
)

const key = "sk-test-0123456789abcdef"

func config(url string) llm.Config {
	return llm.Config{URL: url, Model: "llama3.2", Timeout: 5 * time.Second, Temperature: 0.2, MaxTokens: 512}
}

func ask(text string) llm.Request {
	return llm.Request{Messages: []llm.Message{{Role: llm.RoleSystem, Content: "Be brief."}, {Role: llm.RoleUser, Content: text}}}
}

// wantErr fails t unless err is an *llm.Error of kind whose text holds
// every part, and never the key.
func wantErr(t *testing.T, err, kind error, parts ...string) *llm.Error {
	t.Helper()
	t.Log(err)
	var e *llm.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *llm.Error", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", err, kind)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
	if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), "0123456789") {
		t.Errorf("error %q shows the key", err)
	}
	return e
}

func TestPlainAnswer(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{Text: "It is sunny in Bern.", Usage: &openaitest.Usage{Prompt: 21, Completion: 6}})
	m := New(config(srv.URL()))
	resp, err := m.Complete(context.Background(), ask("Weather in Bern?"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "It is sunny in Bern." || resp.Finish != "stop" || resp.Usage != (llm.Usage{In: 21, Out: 6}) || resp.ToolCalls != nil {
		t.Errorf("response %+v", resp)
	}
	if m.Name() != "llama3.2" || m.Endpoint() != srv.URL() {
		t.Errorf("Name %q, Endpoint %q", m.Name(), m.Endpoint())
	}

	r := srv.Requests()[0]
	b := r.Body
	if r.Path != "/v1/chat/completions" || b.Model != "llama3.2" || b.Temperature == nil || *b.Temperature != 0.2 || b.MaxTokens == nil || *b.MaxTokens != 512 {
		t.Errorf("request %s %+v", r.Path, b)
	}
	if b.Stream || b.StreamOptions != nil || b.Tools != nil || b.ResponseFormat != nil {
		t.Errorf("request streams or has tools: %+v", b)
	}
	if len(b.Messages) != 2 || !reflect.DeepEqual(b.Messages[0], openaitest.Message{Role: "system", Content: "Be brief."}) || b.Messages[1].Content != "Weather in Bern?" {
		t.Errorf("messages %+v", b.Messages)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization %q sent without a key", h)
	}
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "botgen/") {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestRequestBodyWithKeyToolsAndSchema(t *testing.T) {
	srv := openaitest.New(t)
	cfg := config(srv.URL())
	cfg.APIKey = key
	m := New(cfg)
	schema := json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}`)
	params := json.RawMessage(`{"type":"object","properties":{"q":{"type":"string"}}}`)
	req := ask("Where?")
	req.Tools = []llm.Tool{{Name: "search", Description: "Searches the docs.", Parameters: params}, {Name: "now", Description: "The time."}}
	req.Schema, req.SchemaName = schema, "place"
	req.Messages = append(req.Messages,
		llm.Message{Role: llm.RoleAssistant, ToolCalls: []llm.ToolCall{{ID: "call_9", Name: "search", Arguments: json.RawMessage(`{"q":"x"}`)}}},
		llm.Message{Role: llm.RoleTool, ToolCallID: "call_9", Content: `{"hits":0}`})
	if _, err := m.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if h := r.Header.Get("Authorization"); h != "Bearer "+key {
		t.Errorf("Authorization %q", h)
	}
	b := r.Body
	if len(b.Tools) != 2 || b.Tools[0].Type != "function" || b.Tools[0].Function.Name != "search" || b.Tools[0].Function.Description != "Searches the docs." || string(b.Tools[0].Function.Parameters) != string(params) {
		t.Errorf("tools %+v", b.Tools)
	}
	if string(b.Tools[1].Function.Parameters) != `{"type":"object","properties":{}}` {
		t.Errorf("a tool without parameters: %s", b.Tools[1].Function.Parameters)
	}
	rf := b.ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || rf.JSONSchema.Name != "place" || !rf.JSONSchema.Strict || string(rf.JSONSchema.Schema) != string(schema) {
		t.Errorf("response_format %+v", rf)
	}
	msgs := b.Messages
	if len(msgs) != 4 || msgs[2].Role != "assistant" || len(msgs[2].ToolCalls) != 1 || msgs[2].ToolCalls[0] != (openaitest.ToolCall{ID: "call_9", Name: "search", Arguments: `{"q":"x"}`}) {
		t.Fatalf("messages %+v", msgs)
	}
	if !reflect.DeepEqual(msgs[3], openaitest.Message{Role: "tool", ToolCallID: "call_9", Content: `{"hits":0}`}) {
		t.Errorf("tool message %+v", msgs[3])
	}
	tc := r.Raw["messages"].([]any)[2].(map[string]any)["tool_calls"].([]any)[0].(map[string]any)
	if tc["type"] != "function" {
		t.Errorf("tool call sent without its type: %v", tc)
	}
}

func TestZeroTemperatureIsSent(t *testing.T) {
	srv := openaitest.New(t)
	cfg := config(srv.URL())
	cfg.Temperature = 0
	if _, err := New(cfg).Complete(context.Background(), ask("hi")); err != nil {
		t.Fatal(err)
	}
	if tp := srv.Requests()[0].Body.Temperature; tp == nil || *tp != 0 && *tp > 1e-30 {
		t.Errorf("temperature %v, want (about) 0 sent", tp)
	}
}

func TestReasoningModelsGetMaxCompletionTokens(t *testing.T) {
	srv := openaitest.New(t)
	cfg := config(srv.URL())
	cfg.Model = "o3-mini"
	if _, err := New(cfg).Complete(context.Background(), ask("hi")); err != nil {
		t.Fatal(err)
	}
	b := srv.Requests()[0].Body
	if b.MaxTokens != nil || b.MaxCompletionTokens == nil || *b.MaxCompletionTokens != 512 || b.Temperature != nil {
		t.Errorf("max_tokens %v, max_completion_tokens %v, temperature %v", b.MaxTokens, b.MaxCompletionTokens, b.Temperature)
	}
}

func TestStreamDeltasArriveInOrder(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{Text: "Bern is sunny today, 24 °C.", Usage: &openaitest.Usage{Prompt: 9, Completion: 8}})
	req := ask("Weather?")
	var deltas []string
	req.Stream = func(d string) { deltas = append(deltas, d) }
	resp, err := New(config(srv.URL())).Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Bern", " is", " sunny", " today,", " 24", " °C."}
	if !slices.Equal(deltas, want) {
		t.Errorf("deltas %q, want %q", deltas, want)
	}
	if resp.Text != strings.Join(deltas, "") || resp.Finish != "stop" || resp.Usage != (llm.Usage{In: 9, Out: 8}) {
		t.Errorf("response %+v", resp)
	}
	b := srv.Requests()[0].Body
	if !b.Stream || b.StreamOptions == nil || !b.StreamOptions.IncludeUsage {
		t.Errorf("stream %v, stream_options %+v", b.Stream, b.StreamOptions)
	}
}

var twoCalls = []openaitest.ToolCall{
	{ID: "call_a", Name: "weather", Arguments: `{"city":"Zürich","unit":"C"}`},
	{ID: "call_b", Name: "time", Arguments: `{}`},
}

func wantCalls(t *testing.T, resp llm.Response) {
	t.Helper()
	var got []openaitest.ToolCall
	for _, c := range resp.ToolCalls {
		got = append(got, openaitest.ToolCall{ID: c.ID, Name: c.Name, Arguments: string(c.Arguments)})
	}
	if !slices.Equal(got, twoCalls) || resp.Finish != "tool_calls" {
		t.Errorf("tool calls %+v, finish %q", got, resp.Finish)
	}
}

func TestToolCallsPlain(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{ToolCalls: twoCalls})
	resp, err := New(config(srv.URL())).Complete(context.Background(), ask("Weather and time?"))
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, resp)
	if resp.Text != "" {
		t.Errorf("text %q", resp.Text)
	}
}

func TestToolCallsStreamed(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{Text: "Let me look.", ToolCalls: twoCalls})
	req := ask("Weather and time?")
	var text strings.Builder
	req.Stream = func(d string) { text.WriteString(d) }
	resp, err := New(config(srv.URL())).Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, resp)
	if resp.Text != "Let me look." || text.String() != resp.Text {
		t.Errorf("text %q, streamed %q", resp.Text, text.String())
	}
}

func TestStreamedToolCallsWithoutIndexOrID(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{Raw: `data: {"choices":[{"index":0,"delta":{"tool_calls":[{"type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":":1}"}}]}}]}

data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

data: [DONE]

`})
	req := ask("x")
	req.Stream = func(string) {}
	resp, err := New(config(srv.URL())).Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Name != "f" || string(resp.ToolCalls[0].Arguments) != `{"a":1}` || resp.ToolCalls[0].ID == "" {
		t.Errorf("tool calls %+v", resp.ToolCalls)
	}
}

func TestConverseSendsTheToolResultBack(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{ToolCalls: twoCalls[:1], Usage: &openaitest.Usage{Prompt: 10, Completion: 5}},
		openaitest.Answer{Text: "It is 24 °C in Zürich.", Usage: &openaitest.Usage{Prompt: 30, Completion: 9}})
	req := ask("Weather in Zürich?")
	var gotArgs string
	req.Tools = []llm.Tool{{Name: "weather", Parameters: json.RawMessage(`{"type":"object"}`),
		Call: func(ctx context.Context, args json.RawMessage) (string, error) {
			gotArgs = string(args)
			return `{"temp":24}`, nil
		}}}
	var events []llm.ToolEvent
	resp, err := llm.Converse(context.Background(), New(config(srv.URL())), req, 4, func(e llm.ToolEvent) { events = append(events, e) })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "It is 24 °C in Zürich." || resp.Usage != (llm.Usage{In: 40, Out: 14}) {
		t.Errorf("response %+v", resp)
	}
	if gotArgs != `{"city":"Zürich","unit":"C"}` {
		t.Errorf("the tool got %s", gotArgs)
	}
	if len(events) != 1 || events[0].Name != "weather" || events[0].Result != `{"temp":24}` || events[0].Err != nil {
		t.Errorf("events %+v", events)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	msgs := reqs[1].Body.Messages
	if len(msgs) != 4 {
		t.Fatalf("second request's messages %+v", msgs)
	}
	if msgs[2].Role != "assistant" || len(msgs[2].ToolCalls) != 1 || msgs[2].ToolCalls[0].ID != "call_a" || msgs[2].ToolCalls[0].Name != "weather" {
		t.Errorf("assistant message %+v", msgs[2])
	}
	if !reflect.DeepEqual(msgs[3], openaitest.Message{Role: "tool", ToolCallID: "call_a", Content: `{"temp":24}`}) {
		t.Errorf("tool message %+v", msgs[3])
	}
}

func TestConverseAnswersBadCallsToTheModel(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{ToolCalls: []openaitest.ToolCall{
		{ID: "1", Name: "nosuch", Arguments: `{}`},
		{ID: "2", Name: "weather", Arguments: `["Bern"]`},
		{ID: "3", Name: "weather", Arguments: `{"city":`},
	}}, openaitest.Answer{Text: "Sorry."})
	req := ask("x")
	called := false
	req.Tools = []llm.Tool{{Name: "weather", Call: func(context.Context, json.RawMessage) (string, error) { called = true; return "", nil }}}
	resp, err := llm.Converse(context.Background(), New(config(srv.URL())), req, 5, nil)
	if err != nil || resp.Text != "Sorry." {
		t.Fatalf("%+v, %v", resp, err)
	}
	if called {
		t.Error("the tool was called with bad arguments")
	}
	msgs := srv.Requests()[1].Body.Messages
	for i, want := range []string{`there is no tool named \"nosuch\"`, "must be a JSON object", "not valid JSON"} {
		if m := msgs[3+i]; m.Role != "tool" || !strings.Contains(m.Content, want) || !json.Valid([]byte(m.Content)) {
			t.Errorf("answer to call %d: %+v, want it to say %s", i+1, m, want)
		}
	}
}

func TestConverseStopsAfterTooManyToolCalls(t *testing.T) {
	srv := openaitest.New(t)
	srv.Choose(func(openaitest.Request) (openaitest.Answer, bool) {
		return openaitest.Answer{ToolCalls: []openaitest.ToolCall{{ID: "c", Name: "again", Arguments: `{}`}}}, true
	})
	req := ask("loop")
	calls := 0
	req.Tools = []llm.Tool{{Name: "again", Call: func(context.Context, json.RawMessage) (string, error) { calls++; return "{}", nil }}}
	_, err := llm.Converse(context.Background(), New(config(srv.URL())), req, 3, nil)
	wantErr(t, err, llm.ErrTooManyToolCalls, "language model llama3.2 at "+srv.URL()+": ", "more than 3 tool calls")
	if calls != 3 || len(srv.Requests()) != 4 {
		t.Errorf("%d calls, %d requests; want 3 and 4", calls, len(srv.Requests()))
	}
}

func TestErrorStatuses(t *testing.T) {
	srv := openaitest.New(t)
	cfg := config(srv.URL())
	cfg.APIKey = key
	m := New(cfg)
	for _, tc := range []struct {
		answer openaitest.Answer
		parts  []string
	}{
		{openaitest.Answer{Status: 429, Error: "Rate limit reached for requests"}, []string{"rate limited (429 Too Many Requests): Rate limit reached for requests"}},
		{openaitest.Answer{Status: 500, Error: "the model crashed"}, []string{"500 Internal Server Error: the model crashed"}},
		{openaitest.Answer{Status: 404, Error: `model "llama3.2" not found, try pulling it first`}, []string{`404 Not Found: model "llama3.2" not found`}},
		{openaitest.Answer{Status: 502, Raw: "<html>Bad gateway</html>"}, []string{"502 Bad Gateway"}},
		// What OpenAI answers a wrong key quotes a part of it: never shown.
		{openaitest.Answer{Status: 401, Error: "Incorrect API key provided: " + key}, []string{"401 Unauthorized: the endpoint refused the API key"}},
		{openaitest.Answer{Status: 403}, []string{"403 Forbidden: the endpoint refused the API key"}},
	} {
		for _, stream := range []bool{false, true} {
			srv.Queue(tc.answer)
			req := ask("x")
			if stream {
				req.Stream = func(string) { t.Error("a delta of an error") }
			}
			_, err := m.Complete(context.Background(), req)
			e := wantErr(t, err, llm.ErrStatus, append(tc.parts, "language model llama3.2 at "+srv.URL()+": ")...)
			if e.Status != tc.answer.Status {
				t.Errorf("Status %d, want %d", e.Status, tc.answer.Status)
			}
		}
	}
}

func TestUnauthorizedWithoutKeySaysToSetOne(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{Status: 401})
	_, err := New(config(srv.URL())).Complete(context.Background(), ask("x"))
	wantErr(t, err, llm.ErrStatus, "none is set (llm.api_key)")
}

func TestMalformedAnswers(t *testing.T) {
	stream := func(string) {}
	for _, tc := range []struct {
		name   string
		answer openaitest.Answer
		stream func(string)
		parts  []string
	}{
		{"no choices", openaitest.Answer{Raw: `{"id":"x","object":"chat.completion","choices":[]}`}, nil, []string{"the answer has no choices"}},
		{"not JSON", openaitest.Answer{Raw: `<html>hello</html>`}, nil, []string{"the answer is not valid JSON: invalid character '<'"}},
		{"cut body", openaitest.Answer{Text: "a long answer", CutAfter: 40}, nil, []string{"the answer broke off"}},
		{"cut stream", openaitest.Answer{Text: "one two three four", CutAfter: 3}, stream, []string{"the stream broke off"}},
		{"stream ends before its finish", openaitest.Answer{Text: "one two three four", CutAfter: 3, OmitDone: true}, stream, []string{"the stream broke off before the answer's end (no finish_reason)"}},
		{"stream without DONE", openaitest.Answer{Text: "one two", OmitDone: true}, stream, []string{"the stream broke off before its end (no [DONE])"}},
		{"empty stream", openaitest.Answer{Raw: "\n\n"}, stream, []string{"the stream held no data"}},
		{"JSON instead of a stream", openaitest.Answer{Raw: `{"choices":[]}`, ContentType: "application/json"}, stream, []string{"answered JSON, not the event stream"}},
		{"bad chunk", openaitest.Answer{Raw: "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {nope\n\n"}, stream, []string{"a chunk of the stream is not a chat completion chunk"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Queue(tc.answer)
			req := ask("x")
			req.Stream = tc.stream
			_, err := New(config(srv.URL())).Complete(context.Background(), req)
			wantErr(t, err, llm.ErrMalformed, tc.parts...)
		})
	}
}

func TestErrorInsideAStream(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{Raw: "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"out of memory\",\"type\":\"server_error\"}}\n\n"})
	req := ask("x")
	req.Stream = func(string) {}
	_, err := New(config(srv.URL())).Complete(context.Background(), req)
	wantErr(t, err, llm.ErrStatus, "the endpoint reported an error: out of memory")
}

func TestSlowFirstToken(t *testing.T) {
	for _, stream := range []bool{false, true} {
		srv := openaitest.New(t)
		cfg := config(srv.URL())
		cfg.Timeout = 2 * time.Second
		srv.Queue(openaitest.Answer{Text: "slow but fine", FirstTokenDelay: 100 * time.Millisecond})
		req := ask("x")
		if stream {
			req.Stream = func(string) {}
		}
		resp, err := New(cfg).Complete(context.Background(), req)
		if err != nil || resp.Text != "slow but fine" {
			t.Errorf("stream %v: %+v, %v", stream, resp, err)
		}

		cfg.Timeout = 150 * time.Millisecond
		srv.Queue(openaitest.Answer{Text: "too slow", FirstTokenDelay: 5 * time.Second})
		start := time.Now()
		_, err = New(cfg).Complete(context.Background(), req)
		wantErr(t, err, llm.ErrTimeout, "timed out after 150ms (llm.timeout)")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v is not context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("the timeout took %s", d)
		}
	}
}

func TestCallerCancels(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{FirstTokenDelay: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := New(config(srv.URL())).Complete(ctx, ask("x"))
	wantErr(t, err, llm.ErrCanceled, "cancelled")
}

func TestNoEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := config("http://" + addr + "/v1")
	cfg.APIKey = key
	_, err = New(cfg).Complete(context.Background(), ask("x"))
	wantErr(t, err, llm.ErrConnect, "language model llama3.2 at http://"+addr+"/v1: cannot connect: dial tcp "+addr+": connect: connection refused")
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Errorf("%v does not unwrap to a *net.OpError", err)
	}
}

func TestEndpointHidesSecrets(t *testing.T) {
	srv := openaitest.New(t)
	u := strings.Replace(srv.URL(), "http://", "http://user:hunter2hunter2@", 1) + "?token=s3cr3t-token"
	srv.Queue(openaitest.Answer{Status: 500, Error: "bad token=s3cr3t-token, password hunter2hunter2"})
	m := New(config(u))
	if m.Endpoint() != srv.URL() {
		t.Errorf("Endpoint %q, want %q", m.Endpoint(), srv.URL())
	}
	_, err := m.Complete(context.Background(), ask("x"))
	e := wantErr(t, err, llm.ErrStatus, "500")
	for _, secret := range []string{"hunter2", "s3cr3t", "user"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q shows %q", err, secret)
		}
	}
	if e.Endpoint != srv.URL() {
		t.Errorf("Error.Endpoint %q", e.Endpoint)
	}
	r := srv.Requests()[0]
	if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, "Basic ") {
		t.Errorf("the URL's user was not sent: Authorization %q", got)
	}
}

func TestInvalidToolSchemaIsARequestError(t *testing.T) {
	srv := openaitest.New(t)
	req := ask("x")
	req.Tools = []llm.Tool{{Name: "f", Parameters: json.RawMessage(`{"type":`)}}
	_, err := New(config(srv.URL())).Complete(context.Background(), req)
	wantErr(t, err, llm.ErrRequest, `the parameters of the tool "f" are not valid JSON`)
	if len(srv.Requests()) != 0 {
		t.Error("the request was sent")
	}
}

// TestTooLarge checks that an answer over MaxBytes fails after reading
// about MaxBytes, whether it announces its length, streams forever or
// writes one endless JSON string.
func TestTooLarge(t *testing.T) {
	const limit = 64 << 10
	for _, tc := range []struct {
		name   string
		answer openaitest.Answer
		stream bool
	}{
		{"announced body", openaitest.Answer{Raw: `{"choices":[{"message":{"content":"` + strings.Repeat("x", 2*limit) + `"}}]}`}, false},
		{"endless body", openaitest.Answer{Endless: true}, false},
		{"endless stream", openaitest.Answer{Endless: true, Text: "la la "}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Queue(tc.answer)
			cfg := config(srv.URL())
			cfg.MaxBytes = limit
			req := ask("x")
			streamed := 0
			if tc.stream {
				req.Stream = func(d string) { streamed += len(d) }
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := New(cfg).Complete(context.Background(), req)
			runtime.ReadMemStats(&after)
			wantErr(t, err, llm.ErrTooLarge, "the answer is over the limit of 64 KiB")
			if streamed > limit {
				t.Errorf("%d bytes streamed, over the limit", streamed)
			}
			// The fake server allocates in this process too, and go-openai
			// matches every line with regular expressions, whose pooled
			// state the race detector throws away (about 160 bytes per byte
			// read): what matters is that the total is bounded by a
			// multiple of the limit, where an endless answer is not.
			grown := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d KiB allocated", grown>>10)
			if grown > 32<<20 {
				t.Errorf("%d MiB allocated for a %d KiB limit", grown>>20, limit>>10)
			}
		})
	}
}

// endless is a body that never ends: prefix, then filler forever.
type endless struct {
	prefix string
	filler byte
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.prefix)
	e.prefix = e.prefix[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.filler
	}
	return len(p), nil
}

func (e *endless) Close() error { return nil }

// answerWith is a transport that answers every request with body as an
// event stream.
type answerWith func() io.ReadCloser

func (f answerWith) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: f(), ContentLength: -1, Request: req}, nil
}

// TestEndlessLine checks the stream a line never ends: go-openai reads
// lines whole, and only the body's limit stops it.
func TestEndlessLine(t *testing.T) {
	for _, filler := range []byte{'x', ' '} {
		cfg := config("http://model.invalid/v1")
		cfg.MaxBytes = 64 << 10
		m := newModel(cfg, answerWith(func() io.ReadCloser { return &endless{prefix: "data: {\"choices\":[", filler: filler} }))
		req := ask("x")
		req.Stream = func(string) {}
		_, err := m.Complete(context.Background(), req)
		wantErr(t, err, llm.ErrTooLarge, "over the limit of 64 KiB")
	}
	// Endless blank lines are what go-openai gives up on by itself.
	m := newModel(config("http://model.invalid/v1"), answerWith(func() io.ReadCloser { return &endless{filler: '\n'} }))
	req := ask("x")
	req.Stream = func(string) {}
	_, err := m.Complete(context.Background(), req)
	wantErr(t, err, llm.ErrMalformed, "the stream held too many lines without data")
}

// TestHugeErrorBodyKeepsItsStatus checks that an error answer too large to
// read still says its status.
func TestHugeErrorBodyKeepsItsStatus(t *testing.T) {
	srv := openaitest.New(t)
	srv.Queue(openaitest.Answer{Status: 503, Raw: strings.Repeat("overloaded ", 20000)})
	cfg := config(srv.URL())
	cfg.MaxBytes = 64 << 10
	_, err := New(cfg).Complete(context.Background(), ask("x"))
	if e := wantErr(t, err, llm.ErrStatus, "503 Service Unavailable"); e.Status != 503 {
		t.Errorf("Status %d", e.Status)
	}
}
