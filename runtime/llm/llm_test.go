package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	var b strings.Builder
	stats.WritePrometheus(&b)
	if !strings.Contains(b.String(), `botgen_llm_errors_total{model="m",reason="tools"} 1`) {
		t.Errorf("the error was not counted:\n%s", b.String())
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

func TestStatsPrometheus(t *testing.T) {
	var s Stats
	var empty strings.Builder
	s.WritePrometheus(&empty)
	for _, name := range []string{"requests_total counter", "errors_total counter", "tokens_total counter", "first_token_seconds histogram", "request_seconds histogram"} {
		if !strings.Contains(empty.String(), "# TYPE botgen_llm_"+name+"\n") {
			t.Errorf("no TYPE of %s in\n%s", name, empty.String())
		}
	}
	if strings.Contains(empty.String(), "{") {
		t.Errorf("samples without requests:\n%s", empty.String())
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

	var b strings.Builder
	if err := s.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	label := `model="say \"hi\"\\\n"`
	for _, line := range []string{
		`botgen_llm_requests_total{` + label + `} 2`,
		`botgen_llm_requests_total{model="m2"} 2`,
		`botgen_llm_errors_total{` + label + `,reason="timeout"} 0`,
		`botgen_llm_errors_total{model="m2",reason="timeout"} 1`,
		`botgen_llm_errors_total{model="m2",reason="other"} 1`,
		`botgen_llm_errors_total{model="m2",reason="too_large"} 0`,
		`botgen_llm_tokens_total{` + label + `,direction="in"} 16`,
		`botgen_llm_tokens_total{` + label + `,direction="out"} 4`,
		`botgen_llm_first_token_seconds_bucket{` + label + `,le="+Inf"} 2`,
		`botgen_llm_first_token_seconds_count{` + label + `} 2`,
		`botgen_llm_request_seconds_bucket{` + label + `,le="+Inf"} 2`,
		`botgen_llm_request_seconds_count{` + label + `} 2`,
		`botgen_llm_request_seconds_count{model="m2"} 0`,
		`botgen_llm_first_token_seconds_bucket{model="m2",le="0.05"} 0`,
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("no line %s in\n%s", line, out)
		}
	}
	// The streamed request's first delta came after two delays and its end
	// after four; the other request took one delay, its first token being
	// its end. Times only grow under load: the sums have lower bounds.
	sum := func(name string) float64 {
		var v float64
		prefix := name + "_sum{" + label + "} "
		i := strings.Index(out, prefix)
		if i < 0 {
			t.Fatalf("no %s in\n%s", prefix, out)
		}
		fmt.Sscan(out[i+len(prefix):], &v)
		return v
	}
	first, total := sum("botgen_llm_first_token_seconds"), sum("botgen_llm_request_seconds")
	if first < 0.06 || total < 0.1 || total-first < 0.04 {
		t.Errorf("first-token sum %gs, request sum %gs; want at least 0.06 and 0.1, 0.04 apart", first, total)
	}
	// Buckets are cumulative and sorted, and every line is a sample, a
	// HELP or a TYPE.
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(l, "botgen_llm_") && !strings.HasPrefix(l, "# HELP botgen_llm_") && !strings.HasPrefix(l, "# TYPE botgen_llm_") {
			t.Errorf("line %q", l)
		}
	}
	if i, j := strings.Index(out, `le="60"`), strings.Index(out, `le="+Inf"`); i < 0 || i > j {
		t.Errorf("buckets out of order:\n%s", out)
	}
}

func TestStatsConcurrentUse(t *testing.T) {
	var s Stats
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			m := Measured(&script{name: fmt.Sprint("m", i%2), answers: []Response{{Text: "x", Usage: Usage{In: 1, Out: 1}}}}, &s)
			m.Complete(context.Background(), Request{Stream: func(string) {}})
			var b strings.Builder
			s.WritePrometheus(&b)
		})
	}
	wg.Wait()
	var b strings.Builder
	s.WritePrometheus(&b)
	for _, line := range []string{`botgen_llm_requests_total{model="m0"} 4`, `botgen_llm_tokens_total{model="m1",direction="out"} 4`} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("no line %s in\n%s", line, b.String())
		}
	}
}
