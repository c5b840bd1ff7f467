package openai

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/llm"
)

// FuzzStream reads arbitrary bytes as the event stream of an answer: the
// client must not panic, must fail with an *llm.Error or answer, and must
// never stream or answer more text than the body held.
func FuzzStream(f *testing.F) {
	for _, seed := range []string{
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n",
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":3,\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":3,\"function\":{\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n",
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut",
		"data: {\"error\":{\"message\":\"boom\"}}\n\n",
		": keep-alive\n\nevent: x\ndata:[DONE]",
		"data: null\n\ndata: []\n\ndata: 1e999\n\n",
		"{\"choices\":[]}",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cfg := llm.Config{URL: "http://model.invalid/v1", Model: "m", Timeout: 5 * time.Second, MaxBytes: 16 << 10}
		m := newModel(cfg, answerWith(func() io.ReadCloser { return io.NopCloser(bytes.NewReader(body)) }))
		streamed := 0
		resp, err := m.Complete(context.Background(), llm.Request{
			Messages: []llm.Message{{Role: llm.RoleUser, Content: "x"}},
			Stream:   func(d string) { streamed += len(d) },
		})
		if err != nil {
			var e *llm.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *llm.Error", err, err)
			}
			if errors.Is(err, llm.ErrTimeout) || errors.Is(err, llm.ErrConnect) {
				t.Fatalf("error %v for a body read from memory", err)
			}
		}
		if streamed > len(body) || len(resp.Text) > len(body) {
			t.Fatalf("%d bytes streamed and %d answered from a body of %d", streamed, len(resp.Text), len(body))
		}
		args := 0
		for _, c := range resp.ToolCalls {
			args += len(c.Arguments) + len(c.Name)
		}
		if args > len(body) || len(resp.ToolCalls) > len(body) {
			t.Fatalf("%d tool calls holding %d bytes from a body of %d", len(resp.ToolCalls), args, len(body))
		}
	})
}
