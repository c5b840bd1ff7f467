// Package openai asks a language model through the OpenAI Chat Completions
// API (POST {llm.url}/chat/completions), which OpenAI, Ollama, llama.cpp's
// server and vLLM all speak, over github.com/sashabaranov/go-openai.
//
// Every request is bounded: it takes at most Config.Timeout, its stream
// included, and at most Config.MaxBytes of its answer are read, so that
// neither a huge body nor an endless stream grows memory. A stream must
// end with a finish_reason and data: [DONE]; one that stops before is an
// llm.ErrMalformed, not a shorter answer. Failures are *llm.Error values
// that never hold the API key, nor the URL's user, password or query.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/fetch"
	"github.com/botgen-dev/botgen/runtime/llm"
	"github.com/botgen-dev/botgen/runtime/version"
	goopenai "github.com/sashabaranov/go-openai"
)

// userAgent says who asks, as services ask of their clients.
const userAgent = "botgen/" + version.Version

// errTimedOut is the cause of a request's context when Config.Timeout
// ends it, to tell it from the caller giving up.
var errTimedOut = errors.New("llm.timeout passed")

// model is a model at an OpenAI-compatible endpoint.
type model struct {
	cfg      llm.Config
	base     string // the URL without its query or trailing slash, as go-openai wants it
	query    string // the URL's query, put back on every request
	badURL   error  // why cfg.URL cannot be used; nil if it can
	endpoint string // the URL without what may be secret
	secrets  []string
	timeout  time.Duration
	maxBytes int64
	client   *http.Client
}

// New returns the model cfg describes. It has its own connection pool: a
// transport cloned from http.DefaultTransport (proxies from the
// environment, HTTP/2, keep-alive).
func New(cfg llm.Config) llm.Model {
	return newModel(cfg, http.DefaultTransport.(*http.Transport).Clone())
}

// newModel is New over transport, which tests replace.
func newModel(cfg llm.Config, transport http.RoundTripper) *model {
	m := &model{cfg: cfg, timeout: cfg.TimeoutOrDefault(), maxBytes: cfg.MaxBytesOrDefault()}
	m.client = &http.Client{Transport: &limitTransport{base: transport, max: m.maxBytes}}
	if len(cfg.APIKey) >= minSecret {
		m.secrets = append(m.secrets, cfg.APIKey)
	}
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	switch {
	case err != nil:
		m.badURL, m.endpoint = errors.New("llm.url is not a valid URL"), "(invalid URL)"
		return m
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		m.badURL = errors.New("llm.url must be an absolute http or https URL")
	}
	if p, ok := u.User.Password(); ok && len(p) >= minSecret {
		m.secrets = append(m.secrets, p)
	}
	if len(u.RawQuery) >= minSecret {
		m.secrets = append(m.secrets, u.RawQuery)
	}
	m.query = u.RawQuery
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	m.base = strings.TrimRight(u.String(), "/")
	u.User = nil
	m.endpoint = strings.TrimRight(u.String(), "/")
	return m
}

// minSecret is the length from which a secret is removed from messages:
// removing every "a" of a message would hide it, and keys are long.
const minSecret = 4

func (m *model) Name() string     { return m.cfg.Model }
func (m *model) Endpoint() string { return m.endpoint }

// fail makes an *llm.Error of kind saying msg, without the secrets an
// endpoint might quote.
func (m *model) fail(kind error, msg string, cause error) *llm.Error {
	for _, s := range m.secrets {
		msg = strings.ReplaceAll(msg, s, "…")
	}
	return llm.NewError(kind, m.endpoint, m.cfg.Model, msg, cause)
}

// Complete sends req and returns the answer. With req.Stream set, the
// answer is streamed and req.Stream gets its text as it comes.
func (m *model) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	if m.badURL != nil {
		return llm.Response{}, m.fail(llm.ErrRequest, m.badURL.Error(), nil)
	}
	creq, err := m.chatRequest(req)
	if err != nil {
		return llm.Response{}, m.fail(llm.ErrRequest, err.Error(), nil)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, m.timeout, errTimedOut)
	defer cancel()
	x := &exchange{client: m.client, query: m.query}
	config := goopenai.DefaultConfig(m.cfg.APIKey) // sends no Authorization without a key
	config.BaseURL = m.base
	config.HTTPClient = x
	client := goopenai.NewClientWithConfig(config)
	if req.Stream != nil {
		return m.stream(ctx, client, x, creq, req.Stream)
	}
	return m.plain(ctx, client, x, creq)
}

// chatRequest is req on the wire.
func (m *model) chatRequest(req llm.Request) (goopenai.ChatCompletionRequest, error) {
	creq := goopenai.ChatCompletionRequest{
		Model:     m.cfg.Model,
		MaxTokens: m.cfg.MaxTokens,
		// go-openai leaves a zero temperature out, and the endpoint would
		// use its own default (often 0.8 or 1); the smallest float32 above
		// zero samples as zero does.
		Temperature: float32(m.cfg.Temperature),
	}
	if creq.Temperature == 0 {
		creq.Temperature = math.SmallestNonzeroFloat32
	}
	for _, msg := range req.Messages {
		cm := goopenai.ChatCompletionMessage{Role: string(msg.Role), Content: msg.Content, ToolCallID: msg.ToolCallID}
		if msg.Role == llm.RoleTool && cm.Content == "" {
			cm.Content = "null" // go-openai leaves an empty content out, which endpoints refuse for a tool's answer
		}
		for _, c := range msg.ToolCalls {
			args := string(c.Arguments)
			if strings.TrimSpace(args) == "" {
				args = "{}"
			}
			cm.ToolCalls = append(cm.ToolCalls, goopenai.ToolCall{ID: c.ID, Type: goopenai.ToolTypeFunction,
				Function: goopenai.FunctionCall{Name: c.Name, Arguments: args}})
		}
		creq.Messages = append(creq.Messages, cm)
	}
	for _, t := range req.Tools {
		params := t.Parameters
		if len(params) == 0 {
			params = json.RawMessage(`{"type":"object","properties":{}}`)
		} else if !json.Valid(params) {
			return creq, fmt.Errorf("the parameters of the tool %q are not valid JSON", t.Name)
		}
		creq.Tools = append(creq.Tools, goopenai.Tool{Type: goopenai.ToolTypeFunction, Function: &goopenai.FunctionDefinition{
			Name: t.Name, Description: t.Description, Parameters: params}})
	}
	if len(req.Schema) > 0 {
		if !json.Valid(req.Schema) {
			return creq, errors.New("the answer's schema is not valid JSON")
		}
		name := req.SchemaName
		if name == "" {
			name = "answer"
		}
		creq.ResponseFormat = &goopenai.ChatCompletionResponseFormat{
			Type:       goopenai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{Name: name, Schema: req.Schema, Strict: true},
		}
	}
	if req.Stream != nil {
		creq.StreamOptions = &goopenai.StreamOptions{IncludeUsage: true}
	}
	// go-openai refuses max_tokens and any temperature but 1 for the
	// reasoning models it knows by name (o1, o3, o4, gpt-5...): they get
	// max_completion_tokens and their own temperature.
	switch goopenai.NewReasoningValidator().Validate(creq) {
	case goopenai.ErrReasoningModelMaxTokensDeprecated, goopenai.ErrReasoningModelLimitationsOther, goopenai.ErrReasoningSamplingUnsupported:
		creq.MaxCompletionTokens, creq.MaxTokens, creq.Temperature = creq.MaxTokens, 0, 0
	}
	return creq, nil
}

// plain sends a request whose answer comes whole.
func (m *model) plain(ctx context.Context, client *goopenai.Client, x *exchange, creq goopenai.ChatCompletionRequest) (llm.Response, error) {
	resp, err := client.CreateChatCompletion(ctx, creq)
	if err != nil {
		return llm.Response{}, m.classify(ctx, x, err, false)
	}
	if len(resp.Choices) == 0 {
		return llm.Response{}, m.fail(llm.ErrMalformed, "the answer has no choices", nil)
	}
	choice := resp.Choices[0]
	out := llm.Response{
		Text:   choice.Message.Content,
		Finish: string(choice.FinishReason),
		Usage:  llm.Usage{In: resp.Usage.PromptTokens, Out: resp.Usage.CompletionTokens},
	}
	for i, c := range choice.Message.ToolCalls {
		out.ToolCalls = append(out.ToolCalls, llm.ToolCall{ID: callID(c.ID, i), Name: c.Function.Name, Arguments: json.RawMessage(c.Function.Arguments)})
	}
	return out, nil
}

// callID is a tool call's ID, made up from its place when the endpoint
// gave none (some do not): the tool's answer must name it.
func callID(id string, i int) string {
	if id == "" {
		return fmt.Sprintf("call_%d", i)
	}
	return id
}

// stream sends a request whose answer is streamed, and gives onDelta its
// text as it comes.
func (m *model) stream(ctx context.Context, client *goopenai.Client, x *exchange, creq goopenai.ChatCompletionRequest, onDelta func(string)) (llm.Response, error) {
	st, err := client.CreateChatCompletionStream(ctx, creq)
	if err != nil {
		return llm.Response{}, m.classify(ctx, x, err, true)
	}
	defer st.Close()
	var acc accumulator
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return llm.Response{}, m.classify(ctx, x, err, true)
		}
		acc.add(chunk, onDelta)
	}
	// go-openai ends a stream with io.EOF both after data: [DONE] and when
	// the body just ends: only the body knows which it was.
	switch {
	case acc.chunks == 0 && x.jsonAnswer:
		return llm.Response{}, m.fail(llm.ErrMalformed, "the endpoint answered JSON, not the event stream asked for", nil)
	case acc.chunks == 0:
		return llm.Response{}, m.fail(llm.ErrMalformed, "the stream held no data", nil)
	case acc.finish == "":
		return llm.Response{}, m.fail(llm.ErrMalformed, "the stream broke off before the answer's end (no finish_reason)", nil)
	case x.body == nil || !x.body.done.seen:
		return llm.Response{}, m.fail(llm.ErrMalformed, "the stream broke off before its end (no [DONE])", nil)
	}
	return acc.response(), nil
}

// classify makes err, from go-openai, an *llm.Error.
func (m *model) classify(ctx context.Context, x *exchange, err error, streaming bool) error {
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	switch {
	case ctx.Err() != nil:
		if errors.Is(context.Cause(ctx), errTimedOut) {
			return m.fail(llm.ErrTimeout, fmt.Sprintf("timed out after %s (llm.timeout)", m.timeout), context.DeadlineExceeded)
		}
		return m.fail(llm.ErrCanceled, fmt.Sprintf("cancelled: %v", context.Cause(ctx)), context.Cause(ctx))
	case !x.sent:
		// go-openai refused the request before sending it.
		return m.fail(llm.ErrRequest, err.Error(), err)
	case !x.answered:
		return m.fail(llm.ErrConnect, fetch.ConnectMessage(err), fetch.UnwrapURLError(err))
	case x.status < 200 || x.status > 299:
		msg := ""
		if errors.As(err, &apiErr) {
			msg = apiErr.Message
		}
		e := m.fail(llm.ErrStatus, m.statusMessage(x.status, msg), nil)
		e.Status = x.status
		return e
	case x.body != nil && x.body.over:
		return m.fail(llm.ErrTooLarge, fmt.Sprintf("the answer is over the limit of %s", bytesText(m.maxBytes)), nil)
	case errors.As(err, &apiErr):
		// An error the endpoint sent inside a stream (data: {"error": ...}).
		return m.fail(llm.ErrStatus, "the endpoint reported an error: "+clip(apiErr.Message), nil)
	case errors.As(err, &reqErr):
		return m.fail(llm.ErrMalformed, "the answer could not be read", nil)
	case errors.Is(err, goopenai.ErrTooManyEmptyStreamMessages):
		return m.fail(llm.ErrMalformed, "the stream held too many lines without data", err)
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax) || errors.As(err, &typ):
		if streaming {
			return m.fail(llm.ErrMalformed, "a chunk of the stream is not a chat completion chunk: "+clip(err.Error()), err)
		}
		return m.fail(llm.ErrMalformed, "the answer is not valid JSON: "+clip(err.Error()), err)
	case streaming:
		return m.fail(llm.ErrMalformed, "the stream broke off: "+clip(err.Error()), err)
	}
	return m.fail(llm.ErrMalformed, "the answer broke off: "+clip(err.Error()), err)
}

// statusMessage says what an error status means: the server's message,
// but never what it says of a refused key, which may quote the key.
func (m *model) statusMessage(code int, serverMsg string) string {
	st := fmt.Sprintf("%d %s", code, http.StatusText(code))
	serverMsg = clip(strings.TrimSpace(serverMsg))
	switch {
	case (code == http.StatusUnauthorized || code == http.StatusForbidden) && m.cfg.APIKey == "":
		return st + ": the endpoint wants an API key, and none is set (llm.api_key)"
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return st + ": the endpoint refused the API key"
	case code == http.StatusTooManyRequests && serverMsg != "":
		return "rate limited (" + st + "): " + serverMsg
	case code == http.StatusTooManyRequests:
		return "rate limited (" + st + ")"
	case serverMsg != "":
		return st + ": " + serverMsg
	}
	return st
}

// clip is an endpoint's text cut to a length a log line holds.
func clip(s string) string {
	const n = 300
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// bytesText writes a number of bytes for people: 4 MiB, 512 KiB, 1000 bytes.
func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// accumulator gathers a streamed answer.
type accumulator struct {
	chunks int
	text   strings.Builder
	calls  []*callPieces
	byIdx  map[int]*callPieces
	finish string
	usage  llm.Usage
}

// callPieces is a tool call as its deltas arrive.
type callPieces struct {
	index    int
	id, name string
	args     strings.Builder
}

func (a *accumulator) add(chunk goopenai.ChatCompletionStreamResponse, onDelta func(string)) {
	a.chunks++
	if u := chunk.Usage; u != nil {
		a.usage = llm.Usage{In: u.PromptTokens, Out: u.CompletionTokens}
	}
	for _, ch := range chunk.Choices {
		if ch.Index != 0 {
			continue // only one answer is asked for
		}
		if d := ch.Delta.Content; d != "" {
			a.text.WriteString(d)
			onDelta(d)
		}
		for _, tc := range ch.Delta.ToolCalls {
			c := a.call(tc)
			if c.id == "" {
				c.id = tc.ID
			}
			// A name comes whole in one delta; one sent again is kept once.
			if n := tc.Function.Name; n != "" && n != c.name {
				c.name += n
			}
			c.args.WriteString(tc.Function.Arguments)
		}
		if ch.FinishReason != "" {
			a.finish = string(ch.FinishReason)
		}
	}
}

// call is the call a delta continues: the one of its index, or, from an
// endpoint that sends no index, the last one unless the delta brings a new
// ID.
func (a *accumulator) call(tc goopenai.ToolCall) *callPieces {
	if tc.Index == nil {
		if n := len(a.calls); n > 0 && (tc.ID == "" || a.calls[n-1].id == "" || a.calls[n-1].id == tc.ID) {
			return a.calls[n-1]
		}
		c := &callPieces{index: len(a.calls)}
		a.calls = append(a.calls, c)
		return c
	}
	if c := a.byIdx[*tc.Index]; c != nil {
		return c
	}
	if a.byIdx == nil {
		a.byIdx = map[int]*callPieces{}
	}
	c := &callPieces{index: *tc.Index}
	a.byIdx[*tc.Index] = c
	a.calls = append(a.calls, c)
	return c
}

func (a *accumulator) response() llm.Response {
	out := llm.Response{Text: a.text.String(), Finish: a.finish, Usage: a.usage}
	slices.SortStableFunc(a.calls, func(x, y *callPieces) int { return x.index - y.index })
	for i, c := range a.calls {
		out.ToolCalls = append(out.ToolCalls, llm.ToolCall{ID: callID(c.id, i), Name: c.name, Arguments: json.RawMessage(c.args.String())})
	}
	return out
}

// exchange is the HTTP client go-openai sends one request through: it
// notes what happened, which go-openai's errors do not say (whether the
// request was sent, whether an answer came, and its status).
type exchange struct {
	client     *http.Client
	query      string
	sent       bool
	answered   bool
	status     int
	jsonAnswer bool
	body       *limitedBody
}

// Do sends req with the URL's query and botgen's User-Agent.
func (x *exchange) Do(req *http.Request) (*http.Response, error) {
	x.sent = true
	if x.query != "" {
		req.URL.RawQuery = x.query
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := x.client.Do(req)
	if err != nil {
		return resp, err
	}
	x.answered, x.status = true, resp.StatusCode
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	x.jsonAnswer = mt == "application/json"
	x.body, _ = resp.Body.(*limitedBody)
	return resp, nil
}
