package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// MaxToolArguments is the largest arguments of a tool call Converse runs,
// in bytes: a tool gets what a person could have typed, not a document.
const MaxToolArguments = 64 << 10

// ToolEvent is one tool call Converse answered, for the log.
type ToolEvent struct {
	Name     string
	Args     json.RawMessage
	Result   string        // what the model was given
	Err      error         // the tool's error, or why it was not called; nil if it answered
	Duration time.Duration // how long the call took
}

// Converse sends req to m and, while the answer asks for tool calls, runs
// them and asks again with their answers: each round appends the
// assistant's message with its calls and one tool message per call. A call
// of a tool req does not have, or with arguments that are not a JSON object
// of at most MaxToolArguments bytes, is not run: the model is told what was
// wrong as the call's answer, so that it can try again. A tool's error is
// its answer too, as {"error": "..."}. Calls run one at a time, in order.
//
// Converse fails with ErrTooManyToolCalls when the answers ask for more
// than maxToolCalls calls in all, and with the error of a failed request.
// The Response is the last answer, with the usage of every round; log,
// when not nil, is told of every call.
func Converse(ctx context.Context, m Model, req Request, maxToolCalls int, log func(ToolEvent)) (Response, error) {
	tools := make(map[string]*Tool, len(req.Tools))
	for i := range req.Tools {
		if _, dup := tools[req.Tools[i].Name]; !dup {
			tools[req.Tools[i].Name] = &req.Tools[i]
		}
	}
	// The conversation grows in a copy: the caller's messages stay as
	// they were.
	req.Messages = slices.Clip(req.Messages)
	var used Usage
	calls := 0
	for {
		resp, err := m.Complete(ctx, req)
		used = used.Add(resp.Usage)
		if err != nil {
			return Response{Usage: used}, err
		}
		resp.Usage = used
		if len(resp.ToolCalls) == 0 {
			return resp, nil
		}
		calls += len(resp.ToolCalls)
		if calls > maxToolCalls {
			err := NewError(ErrTooManyToolCalls, m.Endpoint(), m.Name(),
				fmt.Sprintf("asked for more than %d tool calls in one turn", maxToolCalls), nil)
			if r, ok := m.(errorRecorder); ok {
				r.recordError(err)
			}
			return Response{Usage: used}, err
		}
		req.Messages = append(req.Messages, Message{Role: RoleAssistant, Content: resp.Text, ToolCalls: resp.ToolCalls})
		for _, call := range resp.ToolCalls {
			ev := runTool(ctx, tools, call)
			if log != nil {
				log(ev)
			}
			req.Messages = append(req.Messages, Message{Role: RoleTool, Content: ev.Result, ToolCallID: call.ID})
		}
	}
}

// runTool answers one call: the tool's result, or what was wrong.
func runTool(ctx context.Context, tools map[string]*Tool, call ToolCall) ToolEvent {
	ev := ToolEvent{Name: call.Name, Args: call.Arguments}
	args, err := checkArguments(tools, call)
	if err == nil {
		start := time.Now()
		ev.Result, err = tools[call.Name].Call(ctx, args)
		ev.Duration = time.Since(start)
	}
	if err != nil {
		ev.Err = err
		ev.Result = errorAnswer(err)
	}
	return ev
}

// checkArguments returns a call's arguments when its tool exists and they
// are a JSON object of at most MaxToolArguments bytes. Empty arguments,
// which some endpoints send for a tool without parameters, are {}.
func checkArguments(tools map[string]*Tool, call ToolCall) (json.RawMessage, error) {
	tool := tools[call.Name]
	switch {
	case tool == nil:
		return nil, fmt.Errorf("there is no tool named %q", clip(call.Name, 100))
	case tool.Call == nil:
		return nil, fmt.Errorf("the tool %q cannot be called", call.Name)
	case len(call.Arguments) > MaxToolArguments:
		return nil, fmt.Errorf("the arguments are %d bytes, over the limit of %d", len(call.Arguments), MaxToolArguments)
	}
	args := bytes.TrimSpace(call.Arguments)
	if len(args) == 0 {
		return json.RawMessage("{}"), nil
	}
	if !json.Valid(args) {
		return nil, fmt.Errorf("the arguments are not valid JSON")
	}
	if args[0] != '{' {
		return nil, fmt.Errorf("the arguments must be a JSON object")
	}
	return json.RawMessage(args), nil
}

// errorAnswer is an error as the model reads it: {"error": "..."}.
func errorAnswer(err error) string {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{err.Error()})
	return string(b)
}

// clip is s cut to at most n bytes, for a name a model made up.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
