// Package openaitest is a fake OpenAI-compatible endpoint for tests: an
// httptest server that answers POST /v1/chat/completions in the wire
// format of OpenAI and Ollama, plain JSON or a server-sent event stream as
// the request asks, with answers a test queues, and that records every
// request it gets.
//
// When its queue is empty it answers DefaultText.
package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// DefaultText is the answer to a request when no Answer is queued and the
// Choose hook, if any, does not answer.
const DefaultText = "Hello from the fake model."

// Answer is what the endpoint answers one request with.
type Answer struct {
	// Text is the answer's content; a streamed answer sends it as several
	// deltas, one per word with the space before it.
	Text string
	// ToolCalls are the calls the answer asks for; a streamed answer sends
	// each as deltas: its id, type and name first, then its arguments in
	// pieces.
	ToolCalls []ToolCall
	// Finish is the finish_reason: "tool_calls" when there are tool calls
	// and "stop" otherwise, when empty.
	Finish string
	// Usage is the usage answered; nil counts the words of the request's
	// messages (prompt) and of Text (completion, plus one per tool call).
	Usage *Usage
	// Status, when not 0 or 200, answers with this status and an
	// OpenAI-style error body: {"error": {"message", "type", "param",
	// "code"}}.
	Status int
	// Error is the message of a Status answer; empty means the status's
	// text.
	Error string
	// CutAfter, when positive, drops the connection after this many chunks
	// of a stream (without [DONE]), or after this many bytes of a plain
	// answer.
	CutAfter int
	// OmitDone ends a stream cleanly without its data: [DONE] line; with
	// CutAfter, the stream ends cleanly after CutAfter chunks.
	OmitDone bool
	// FirstTokenDelay is waited before the first content: after the
	// headers and the role delta of a stream, before anything of a plain
	// answer.
	FirstTokenDelay time.Duration
	// ChunkDelay is waited before each chunk of a stream's content or tool
	// calls after the first, so that a client sees the answer grow; a plain
	// answer ignores it.
	ChunkDelay time.Duration
	// Endless sends Text (or "la ") forever: as deltas of a stream, or
	// inside a plain answer's content that never ends; it stops when the
	// client goes away.
	Endless bool
	// Raw, when not empty, is sent as the body as it is (with Status, if
	// set), as an event stream to a request that streams and as JSON
	// otherwise.
	Raw string
	// ContentType is the Content-Type of a Raw body; empty means the one
	// the request expects.
	ContentType string
}

// ToolCall is a tool call, in an Answer or in a recorded message.
type ToolCall struct {
	ID        string
	Name      string
	Arguments string // JSON text, as the wire carries it
}

// Usage is the token usage of an answer.
type Usage struct {
	Prompt, Completion int
}

// Request is a request the endpoint got.
type Request struct {
	Method, Path string
	Header       http.Header
	// Body is the decoded body; Raw is the same as generic JSON, for what
	// Body does not have.
	Body ChatRequest
	Raw  map[string]any
}

// ChatRequest is the body of a chat completions request. Pointers are
// nil for what the request did not send.
type ChatRequest struct {
	Model               string          `json:"model"`
	Messages            []Message       `json:"messages"`
	Temperature         *float64        `json:"temperature"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Stream              bool            `json:"stream"`
	StreamOptions       *StreamOptions  `json:"stream_options"`
	Tools               []Tool          `json:"tools"`
	ResponseFormat      *ResponseFormat `json:"response_format"`
}

// StreamOptions are the stream_options of a request.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// Tool is a tool a request offers.
type Tool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
		Strict      bool            `json:"strict"`
	} `json:"function"`
}

// ResponseFormat is the response_format of a request.
type ResponseFormat struct {
	Type       string `json:"type"`
	JSONSchema *struct {
		Name   string          `json:"name"`
		Schema json.RawMessage `json:"schema"`
		Strict bool            `json:"strict"`
	} `json:"json_schema"`
}

// Message is a message of a request.
type Message struct {
	Role       string
	Content    string
	ToolCalls  []ToolCall
	ToolCallID string
}

// UnmarshalJSON reads a message as the wire has it, its tool calls
// nested: {"id", "type", "function": {"name", "arguments"}}.
func (m *Message) UnmarshalJSON(b []byte) error {
	var w struct {
		Role      string  `json:"role"`
		Content   *string `json:"content"`
		ToolCalls []struct {
			ID       string `json:"id"`
			Function struct {
				Name      string `json:"name"`
				Arguments string `json:"arguments"`
			} `json:"function"`
		} `json:"tool_calls"`
		ToolCallID string `json:"tool_call_id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Message{Role: w.Role, ToolCallID: w.ToolCallID}
	if w.Content != nil {
		m.Content = *w.Content
	}
	for _, c := range w.ToolCalls {
		m.ToolCalls = append(m.ToolCalls, ToolCall{ID: c.ID, Name: c.Function.Name, Arguments: c.Function.Arguments})
	}
	return nil
}

// Server is the fake endpoint. Its methods are safe for concurrent use.
type Server struct {
	srv   *httptest.Server
	done  chan struct{} // closed by Close: waiting handlers give up
	close sync.Once

	mu       sync.Mutex
	queue    []Answer
	choose   func(Request) (Answer, bool)
	requests []Request
}

// New starts a fake endpoint, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{done: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// URL is the endpoint's base URL, http://127.0.0.1:port/v1, as llm.url
// holds it.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close stops the server, dropping the connections it still serves.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Queue adds answers, given to the requests to come in order.
func (s *Server) Queue(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, answers...)
}

// Choose sets a hook asked first for every request: it answers when it
// returns true, and leaves the request to the queue otherwise. Requests
// that arrive at once (a bot asking in parallel) get answers chosen by
// what they ask, whatever their order. It is called on the request's own
// goroutine.
func (s *Server) Choose(f func(Request) (Answer, bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.choose = f
}

// Requests returns the requests received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// next records req and returns its answer and its number, from 1.
func (s *Server) next(req Request) (Answer, int) {
	s.mu.Lock()
	s.requests = append(s.requests, req)
	n := len(s.requests)
	choose := s.choose
	s.mu.Unlock()
	if choose != nil {
		if a, ok := choose(req); ok {
			return a, n
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return Answer{Text: DefaultText}, n
	}
	a := s.queue[0]
	s.queue = s.queue[1:]
	return a, n
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()}
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		writeError(w, http.StatusNotFound, "no route "+r.Method+" "+r.URL.Path)
		return
	}
	var raw json.RawMessage
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<20)).Decode(&raw)
	if err == nil {
		err = json.Unmarshal(raw, &req.Body)
	}
	if err == nil {
		err = json.Unmarshal(raw, &req.Raw)
	}
	a, n := s.next(req)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid request body: "+err.Error())
		return
	}
	a.answer(s, w, r, req.Body, fmt.Sprintf("chatcmpl-fake%d", n))
}

// wait waits d, and reports false if the client or the server gave up.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

func (a Answer) answer(s *Server, w http.ResponseWriter, r *http.Request, req ChatRequest, id string) {
	if a.Status != 0 && a.Status != http.StatusOK && a.Raw == "" {
		msg := a.Error
		if msg == "" {
			msg = http.StatusText(a.Status)
		}
		if a.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, a.Status, msg)
		return
	}
	if a.Finish == "" {
		a.Finish = "stop"
		if len(a.ToolCalls) > 0 {
			a.Finish = "tool_calls"
		}
	}
	if a.Usage == nil {
		u := Usage{Completion: len(strings.Fields(a.Text)) + len(a.ToolCalls)}
		for _, m := range req.Messages {
			u.Prompt += len(strings.Fields(m.Content))
		}
		a.Usage = &u
	}
	if req.Stream {
		a.stream(s, w, r, req, id)
	} else {
		a.plain(s, w, r, req, id)
	}
}

// created is the time every answer says it was made: tests compare
// answers.
const created = 1700000000

func (a Answer) plain(s *Server, w http.ResponseWriter, r *http.Request, req ChatRequest, id string) {
	if !s.wait(r, a.FirstTokenDelay) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if a.Raw != "" {
		if a.ContentType != "" {
			w.Header().Set("Content-Type", a.ContentType)
		}
		w.WriteHeader(orDefault(a.Status, http.StatusOK))
		w.Write([]byte(a.Raw))
		return
	}
	if a.Endless {
		fmt.Fprintf(w, `{"id":%q,"object":"chat.completion","created":%d,"model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":"`, id, created, req.Model)
		a.forever(s, w, r, func(piece string) string { b, _ := json.Marshal(piece); return string(b[1 : len(b)-1]) })
		return
	}
	msg := map[string]any{"role": "assistant", "content": nil}
	if a.Text != "" || len(a.ToolCalls) == 0 {
		msg["content"] = a.Text
	}
	if len(a.ToolCalls) > 0 {
		var calls []map[string]any
		for _, c := range a.ToolCalls {
			calls = append(calls, map[string]any{"id": c.ID, "type": "function", "function": map[string]any{"name": c.Name, "arguments": c.Arguments}})
		}
		msg["tool_calls"] = calls
	}
	body, _ := json.Marshal(map[string]any{
		"id": id, "object": "chat.completion", "created": created, "model": req.Model,
		"system_fingerprint": "fp_fake",
		"choices":            []any{map[string]any{"index": 0, "message": msg, "logprobs": nil, "finish_reason": a.Finish}},
		"usage":              usage(*a.Usage),
	})
	if a.CutAfter > 0 && a.CutAfter < len(body) {
		w.Write(body[:a.CutAfter])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // drops the connection: the answer breaks off
	}
	w.Write(body)
}

func usage(u Usage) map[string]int {
	return map[string]int{"prompt_tokens": u.Prompt, "completion_tokens": u.Completion, "total_tokens": u.Prompt + u.Completion}
}

// forever writes pieces of a.Text until the client or the server gives
// up; quote makes a piece what the body needs.
func (a Answer) forever(s *Server, w http.ResponseWriter, r *http.Request, quote func(string) string) {
	text := a.Text
	if text == "" {
		text = "la "
	}
	piece := quote(text)
	chunk := []byte(strings.Repeat(piece, max(1, 4096/len(piece))))
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			// Cut, not ended: returning would let net/http end the
			// body cleanly before Close cuts the connection.
			panic(http.ErrAbortHandler)
		default:
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
}

func (a Answer) stream(s *Server, w http.ResponseWriter, r *http.Request, req ChatRequest, id string) {
	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	if a.Raw != "" {
		if !s.wait(r, a.FirstTokenDelay) {
			return
		}
		if a.ContentType != "" {
			w.Header().Set("Content-Type", a.ContentType)
		}
		w.WriteHeader(orDefault(a.Status, http.StatusOK))
		w.Write([]byte(a.Raw))
		return
	}
	w.WriteHeader(http.StatusOK)
	flusher := w.(http.Flusher)
	flusher.Flush()

	sent := 0
	// send writes one chunk; false means the stream is to stop here.
	send := func(choices []any, u any) bool {
		c := map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model, "system_fingerprint": "fp_fake", "choices": choices}
		if includeUsage {
			c["usage"] = u // null but in the last chunk, as OpenAI sends it
		}
		b, _ := json.Marshal(c)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		flusher.Flush()
		sent++
		if a.CutAfter > 0 && sent >= a.CutAfter {
			if a.OmitDone {
				return false
			}
			panic(http.ErrAbortHandler) // drops the connection mid-stream
		}
		return true
	}
	delta := func(d map[string]any) bool {
		return send([]any{map[string]any{"index": 0, "delta": d, "logprobs": nil, "finish_reason": nil}}, nil)
	}

	if !delta(map[string]any{"role": "assistant", "content": ""}) || !s.wait(r, a.FirstTokenDelay) {
		return
	}
	if a.Endless {
		a.forever(s, w, r, func(piece string) string {
			b, _ := json.Marshal(map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
				"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": piece}, "finish_reason": nil}}})
			return "data: " + string(b) + "\n\n"
		})
		return
	}
	// piece sends one chunk of the answer, after ChunkDelay but for the
	// first.
	pieces := 0
	piece := func(d map[string]any) bool {
		pieces++
		if pieces > 1 && !s.wait(r, a.ChunkDelay) {
			return false
		}
		return delta(d)
	}
	for _, word := range words(a.Text) {
		if !piece(map[string]any{"content": word}) {
			return
		}
	}
	for i, c := range a.ToolCalls {
		first := map[string]any{"index": i, "id": c.ID, "type": "function", "function": map[string]any{"name": c.Name, "arguments": ""}}
		if !piece(map[string]any{"tool_calls": []any{first}}) {
			return
		}
		for _, p := range thirds(c.Arguments) {
			if !piece(map[string]any{"tool_calls": []any{map[string]any{"index": i, "function": map[string]any{"arguments": p}}}}) {
				return
			}
		}
	}
	if !send([]any{map[string]any{"index": 0, "delta": map[string]any{}, "logprobs": nil, "finish_reason": a.Finish}}, nil) {
		return
	}
	if includeUsage && !send([]any{}, usage(*a.Usage)) {
		return
	}
	if !a.OmitDone {
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
}

// words splits text before each space: "Hello big world" is "Hello", " big",
// " world".
func words(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text[1:], ' ')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

// thirds splits s in up to three pieces, between runes, as a model's
// tokens split a tool call's arguments.
func thirds(s string) []string {
	var out []string
	for n := 3; n > 0 && s != ""; n-- {
		cut := len(s) / n
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		if cut == 0 {
			cut = len(s)
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return out
}

// writeError answers status with an error body as OpenAI writes it.
func writeError(w http.ResponseWriter, status int, msg string) {
	typ, code := "invalid_request_error", any(nil)
	switch {
	case status == http.StatusTooManyRequests:
		typ, code = "requests", "rate_limit_exceeded"
	case status == http.StatusUnauthorized:
		code = "invalid_api_key"
	case status >= 500:
		typ = "server_error"
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func orDefault(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}
