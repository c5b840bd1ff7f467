// Package llm holds what a bot knows of language models, whatever the wire
// that reaches them: the messages of a conversation, the tools a model may
// call, a request and its answer, the Model interface, the tool loop
// (Converse) and per-model counts (Stats) the server exposes as metrics.
//
// It imports only the standard library: every bot links it, while the
// client of a wire (runtime/llm/openai) is linked only by the bots that
// ask a model.
package llm

import (
	"context"
	"encoding/json"
	"time"
)

// Role says who wrote a Message.
type Role string

// The roles of the messages of a conversation.
const (
	RoleSystem    Role = "system"    // instructions given before the conversation
	RoleUser      Role = "user"      // what the user wrote
	RoleAssistant Role = "assistant" // what the model answered
	RoleTool      Role = "tool"      // a tool's answer to a call the model asked for
)

// Message is one message of a conversation.
type Message struct {
	Role    Role
	Content string
	// ToolCalls are the calls an assistant message asked for.
	ToolCalls []ToolCall
	// ToolCallID is, in a tool message, the ID of the call it answers.
	ToolCallID string
}

// ToolCall is a call of a tool the model asks for.
type ToolCall struct {
	ID        string
	Name      string
	Arguments json.RawMessage // as the model wrote them: not checked to be JSON
}

// Tool is a function the model may ask to call.
type Tool struct {
	Name        string
	Description string
	// Parameters is a JSON Schema object describing the arguments; nil
	// means none.
	Parameters json.RawMessage
	// Call runs the tool with the model's arguments (already checked to be
	// a JSON object) and returns the text (JSON) given back to the model.
	// An error is given back to the model as its answer, not a failure of
	// the turn.
	Call func(ctx context.Context, args json.RawMessage) (string, error)
}

// Request is one request to a model.
type Request struct {
	Messages []Message
	Tools    []Tool
	// Schema, when set, constrains the answer to JSON matching it (a
	// strict JSON Schema response format), named SchemaName ("answer"
	// when empty).
	Schema     json.RawMessage
	SchemaName string
	// Stream, when not nil, receives the answer's text as it is generated:
	// only text deltas, in order, on the goroutine that called Complete.
	Stream func(delta string)
}

// Usage counts the tokens of a request.
type Usage struct {
	In  int // prompt tokens
	Out int // completion tokens
}

// Add returns the sum of u and v.
func (u Usage) Add(v Usage) Usage { return Usage{In: u.In + v.In, Out: u.Out + v.Out} }

// Response is a model's answer.
type Response struct {
	Text      string
	ToolCalls []ToolCall
	Usage     Usage
	// Finish is why the model stopped: "stop", "length", "tool_calls",
	// "content_filter", or what the endpoint said.
	Finish string
}

// Model is a language model at an endpoint. Implementations are safe for
// concurrent use.
type Model interface {
	// Complete sends one request and returns the answer, or an *Error.
	Complete(ctx context.Context, req Request) (Response, error)
	// Name is the model's name at its endpoint (llm.model): the llm_name
	// of RAG frames and the label of its metrics.
	Name() string
	// Endpoint is the base URL without user, password or query: safe for
	// log lines.
	Endpoint() string
}

// The defaults of Config's zero fields.
const (
	DefaultTimeout  = 60 * time.Second
	DefaultMaxBytes = 4 << 20
)

// Config says how to reach a model: the llm.* settings.
type Config struct {
	URL     string // base URL of the endpoint (llm.url), such as http://localhost:11434/v1
	Model   string // the model's name there (llm.model)
	APIKey  string // sent as a bearer token when not empty; never shown
	Timeout time.Duration
	// Temperature is the sampling temperature (llm.temperature).
	Temperature float64
	// MaxTokens is the longest answer in tokens (llm.max_tokens); 0 lets
	// the endpoint choose.
	MaxTokens int
	// MaxBytes bounds what is read of an answer or a stream; 0 means
	// DefaultMaxBytes.
	MaxBytes int64
}

// TimeoutOrDefault is c.Timeout, or DefaultTimeout when it is not positive.
func (c Config) TimeoutOrDefault() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// MaxBytesOrDefault is c.MaxBytes, or DefaultMaxBytes when it is not
// positive.
func (c Config) MaxBytesOrDefault() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}
