package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// script is a Model that answers from a list, and records what it was
// asked.
type script struct {
	name    string
	answers []Response
	errs    []error // errs[i], when not nil, fails request i
	delay   time.Duration
	asked   []Request
}

func (s *script) Name() string     { return s.name }
func (s *script) Endpoint() string { return "http://fake/v1" }

func (s *script) Complete(ctx context.Context, req Request) (Response, error) {
	i := len(s.asked)
	req.Messages = slices.Clone(req.Messages)
	s.asked = append(s.asked, req)
	time.Sleep(s.delay)
	if i < len(s.errs) && s.errs[i] != nil {
		return Response{}, s.errs[i]
	}
	if i >= len(s.answers) {
		return Response{}, errors.New("no more answers")
	}
	a := s.answers[i]
	if req.Stream != nil {
		for _, w := range strings.SplitAfter(a.Text, " ") {
			time.Sleep(s.delay)
			req.Stream(w)
		}
	}
	return a, nil
}

func call(id, name, args string) ToolCall {
	return ToolCall{ID: id, Name: name, Arguments: json.RawMessage(args)}
}

func TestConverseRunsToolsInOrderAndSumsUsage(t *testing.T) {
	m := &script{name: "m", answers: []Response{
		{ToolCalls: []ToolCall{call("1", "add", `{"a":1,"b":2}`), call("2", "fail", ` {} `)}, Usage: Usage{In: 10, Out: 2}, Finish: "tool_calls"},
		{Text: "thinking", ToolCalls: []ToolCall{call("3", "add", ``)}, Usage: Usage{In: 20, Out: 3}, Finish: "tool_calls"},
		{Text: "3 and 0", Usage: Usage{In: 30, Out: 4}, Finish: "stop"},
	}}
	var order []string
	tools := []Tool{
		{Name: "add", Call: func(_ context.Context, args json.RawMessage) (string, error) {
			var v struct{ A, B int }
			json.Unmarshal(args, &v)
			order = append(order, "add "+string(args))
			return fmt.Sprint(v.A + v.B), nil
		}},
		{Name: "fail", Call: func(_ context.Context, args json.RawMessage) (string, error) {
			order = append(order, "fail "+string(args))
			return "", errors.New(`the "service" is down`)
		}},
	}
	first := []Message{{Role: RoleUser, Content: "add"}}
	var events []ToolEvent
	resp, err := Converse(context.Background(), m, Request{Messages: first, Tools: tools}, 3, func(e ToolEvent) { events = append(events, e) })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "3 and 0" || resp.Usage != (Usage{In: 60, Out: 9}) || resp.Finish != "stop" {
		t.Errorf("response %+v", resp)
	}
	if want := []string{`add {"a":1,"b":2}`, "fail {}", "add {}"}; !slices.Equal(order, want) {
		t.Errorf("calls %q, want %q", order, want)
	}
	if len(first) != 1 || cap(first) != 1 {
		t.Errorf("the caller's messages changed: %+v", first)
	}
	last := m.asked[2].Messages
	var got []string
	for _, msg := range last {
		got = append(got, fmt.Sprintf("%s %q %s %d", msg.Role, msg.Content, msg.ToolCallID, len(msg.ToolCalls)))
	}
	want := []string{
		`user "add"  0`,
		`assistant ""  2`,
		`tool "3" 1 0`,
		`tool "{\"error\":\"the \\\"service\\\" is down\"}" 2 0`,
		`assistant "thinking"  1`,
		`tool "0" 3 0`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("messages of the third request:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(events) != 3 || events[1].Name != "fail" || events[1].Err == nil || events[1].Result != `{"error":"the \"service\" is down"}` || events[0].Err != nil {
		t.Errorf("events %+v", events)
	}
}

func TestConverseAnswersBadCalls(t *testing.T) {
	m := &script{name: "m", answers: []Response{
		{ToolCalls: []ToolCall{
			call("1", "nope", `{}`),
			call("2", "echo", `"text"`),
			call("3", "echo", `{"a":`),
			call("4", "echo", `{"big":"`+strings.Repeat("x", MaxToolArguments)+`"}`),
			call("5", "nocall", `{}`),
		}},
		{Text: "done"},
	}}
	ran := false
	tools := []Tool{{Name: "echo", Call: func(context.Context, json.RawMessage) (string, error) { ran = true; return "", nil }}, {Name: "nocall"}}
	var events []ToolEvent
	if _, err := Converse(context.Background(), m, Request{Tools: tools}, 10, func(e ToolEvent) { events = append(events, e) }); err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Error("a tool ran with bad arguments")
	}
	wants := []string{`there is no tool named \"nope\"`, "must be a JSON object", "not valid JSON", "over the limit of 65536", `the tool \"nocall\" cannot be called`}
	for i, w := range wants {
		if msg := m.asked[1].Messages[1+i]; !strings.Contains(msg.Content, w) || msg.ToolCallID != fmt.Sprint(i+1) {
			t.Errorf("answer %d: %+v, want it to say %s", i+1, msg, w)
		}
		if events[i].Err == nil {
			t.Errorf("event %d has no error", i+1)
		}
	}
}

func TestConverseStopsAtTheToolCallLimit(t *testing.T) {
	loop := Response{ToolCalls: []ToolCall{call("a", "t", "{}"), call("b", "t", "{}")}, Usage: Usage{In: 1, Out: 1}}
	m := &script{name: "m", answers: []Response{loop, loop, loop}}
	calls := 0
	tools := []Tool{{Name: "t", Call: func(context.Context, json.RawMessage) (string, error) { calls++; return "{}", nil }}}
	var stats Stats
	resp, err := Converse(context.Background(), Measured(m, &stats), Request{Tools: tools}, 3, nil)
	if !errors.Is(err, ErrTooManyToolCalls) || err.Error() != "language model m at http://fake/v1: asked for more than 3 tool calls in one turn" {
		t.Fatalf("error %v", err)
	}
	if calls != 2 || resp.Usage != (Usage{In: 2, Out: 2}) {
		t.Errorf("%d calls, usage %+v", calls, resp.Usage)
	}
	if got := stats.Models(); len(got) != 1 || got[0].Errors["tools"] != 1 {
		t.Errorf("the error was not counted: %+v", got)
	}
}

func TestConverseReturnsARequestsError(t *testing.T) {
	boom := NewError(ErrStatus, "http://fake/v1", "m", "500 Internal Server Error", nil)
	m := &script{name: "m", answers: []Response{{ToolCalls: []ToolCall{call("1", "t", "{}")}, Usage: Usage{In: 5}}}, errs: []error{nil, boom}}
	tools := []Tool{{Name: "t", Call: func(context.Context, json.RawMessage) (string, error) { return "{}", nil }}}
	resp, err := Converse(context.Background(), m, Request{Tools: tools}, 3, nil)
	if err != boom || resp.Usage.In != 5 {
		t.Errorf("%+v, %v", resp, err)
	}
}

func TestErrorText(t *testing.T) {
	cause := errors.New("dial tcp: refused")
	err := NewError(ErrConnect, "http://localhost:11434/v1", "llama3.2", "cannot connect: line\nbreak\x1b[31m", cause)
	want := "language model llama3.2 at http://localhost:11434/v1: cannot connect: line?break?[31m"
	if err.Error() != want {
		t.Errorf("%q, want %q", err.Error(), want)
	}
	if !errors.Is(err, ErrConnect) || !errors.Is(err, cause) || errors.Is(err, ErrTimeout) {
		t.Error("errors.Is does not see the kind and the cause")
	}
}

func TestStats(t *testing.T) {
	var s Stats
	if got := s.Models(); len(got) != 0 {
		t.Errorf("counts without requests: %+v", got)
	}

	streamed := &script{name: "say \"hi\"\\\n", delay: 20 * time.Millisecond, answers: []Response{{Text: "a b c", Usage: Usage{In: 12, Out: 3}}, {Text: "d", Usage: Usage{In: 4, Out: 1}}}}
	m := Measured(streamed, &s)
	if m.Name() != streamed.name || m.Endpoint() != "http://fake/v1" {
		t.Errorf("Measured changes Name or Endpoint")
	}
	var deltas []string
	if _, err := m.Complete(context.Background(), Request{Stream: func(d string) { deltas = append(deltas, d) }}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deltas, []string{"a ", "b ", "c"}) {
		t.Errorf("deltas %q", deltas)
	}
	if _, err := m.Complete(context.Background(), Request{}); err != nil {
		t.Fatal(err)
	}
	failing := Measured(&script{name: "m2", errs: []error{NewError(ErrTimeout, "u", "m2", "timed out", nil), errors.New("odd")}}, &s)
	failing.Complete(context.Background(), Request{})
	failing.Complete(context.Background(), Request{})

	got := s.Models()
	if len(got) != 2 || got[0].Model != "m2" || got[1].Model != streamed.name {
		t.Fatalf("models %+v, want m2 then %q", got, streamed.name)
	}
	m2, sm := got[0], got[1]
	if sm.Requests != 2 || sm.TokensIn != 16 || sm.TokensOut != 4 || m2.Requests != 2 {
		t.Errorf("requests and tokens: %+v, %+v", sm, m2)
	}
	wantErrors := map[string]uint64{"connect": 0, "timeout": 1, "status": 0, "malformed": 0, "too_large": 0, "canceled": 0, "request": 0, "tools": 0, "other": 1}
	if !maps.Equal(m2.Errors, wantErrors) {
		t.Errorf("errors of m2 %v, want %v", m2.Errors, wantErrors)
	}
	if _, ok := sm.Errors["other"]; ok || len(sm.Errors) != len(wantErrors)-1 || sm.Errors["timeout"] != 0 {
		t.Errorf("errors of a model that never failed: %v", sm.Errors)
	}
	// A failed request has no latency; every bound is there, cumulative.
	for _, h := range []Histogram{m2.FirstToken, m2.Request, sm.FirstToken, sm.Request} {
		if len(h.Buckets) != len(latencyBounds) {
			t.Errorf("buckets %v", h.Buckets)
		}
		prev := uint64(0)
		for _, b := range latencyBounds {
			if h.Buckets[b] < prev || h.Buckets[b] > h.Count {
				t.Errorf("buckets not cumulative: %v, count %d", h.Buckets, h.Count)
			}
			prev = h.Buckets[b]
		}
	}
	if m2.Request.Count != 0 || m2.FirstToken.Buckets[0.05] != 0 || sm.Request.Count != 2 || sm.FirstToken.Count != 2 {
		t.Errorf("counts: m2 %+v, %q %+v", m2.Request, sm.Model, sm.Request)
	}
	// The streamed request's first delta came after two delays and its end
	// after four; the other request took one delay, its first token being
	// its end. Times only grow under load: the sums have lower bounds.
	first, total := sm.FirstToken.Sum, sm.Request.Sum
	if first < 0.06 || total < 0.1 || total-first < 0.04 {
		t.Errorf("first-token sum %gs, request sum %gs; want at least 0.06 and 0.1, 0.04 apart", first, total)
	}
}

func TestStatsConcurrentUse(t *testing.T) {
	var s Stats
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			m := Measured(&script{name: fmt.Sprint("m", i%2), answers: []Response{{Text: "x", Usage: Usage{In: 1, Out: 1}}}}, &s)
			m.Complete(context.Background(), Request{Stream: func(string) {}})
			s.Models()
		})
	}
	wg.Wait()
	if got := s.Models(); len(got) != 2 || got[0].Requests != 4 || got[1].TokensOut != 4 {
		t.Errorf("%+v, want 4 requests of m0 and 4 tokens out of m1", got)
	}
}
