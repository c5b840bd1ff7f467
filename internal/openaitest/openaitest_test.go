package openaitest

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func post(t *testing.T, s *Server, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestURLEndsInV1(t *testing.T) {
	s := New(t)
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/v1") {
		t.Errorf("URL() = %q", s.URL())
	}
}

func TestPlainAnswerHasTheWireShape(t *testing.T) {
	s := New(t)
	s.Queue(Answer{Text: "It is sunny.", ToolCalls: []ToolCall{{ID: "call_1", Name: "weather", Arguments: `{"city":"Bern"}`}}})
	resp := post(t, s, `{"model":"m1","messages":[{"role":"user","content":"how is the weather"}]}`)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var got struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		Model   string `json:"model"`
		Choices []struct {
			Index   int `json:"index"`
			Message struct {
				Role      string `json:"role"`
				Content   string `json:"content"`
				ToolCalls []struct {
					ID       string `json:"id"`
					Type     string `json:"type"`
					Function struct {
						Name      string `json:"name"`
						Arguments string `json:"arguments"`
					} `json:"function"`
				} `json:"tool_calls"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			Prompt     int `json:"prompt_tokens"`
			Completion int `json:"completion_tokens"`
			Total      int `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.ID == "" || got.Object != "chat.completion" || got.Created == 0 || got.Model != "m1" || len(got.Choices) != 1 {
		t.Fatalf("answer %+v", got)
	}
	c := got.Choices[0]
	if c.Message.Role != "assistant" || c.Message.Content != "It is sunny." || c.FinishReason != "tool_calls" {
		t.Errorf("choice %+v", c)
	}
	if len(c.Message.ToolCalls) != 1 || c.Message.ToolCalls[0].Type != "function" || c.Message.ToolCalls[0].Function.Name != "weather" || c.Message.ToolCalls[0].Function.Arguments != `{"city":"Bern"}` {
		t.Errorf("tool calls %+v", c.Message.ToolCalls)
	}
	// Counted usage: 4 words asked, 3 words and one call answered.
	if got.Usage.Prompt != 4 || got.Usage.Completion != 4 || got.Usage.Total != 8 {
		t.Errorf("usage %+v", got.Usage)
	}
}

// events reads an event stream's data lines.
func events(t *testing.T, r io.Reader) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(r)
	blank := true
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			blank = true
			continue
		}
		if !blank {
			t.Errorf("no blank line before %q", line)
		}
		blank = false
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("line %q", line)
		}
		out = append(out, data)
	}
	return out
}

func TestStreamSendsDeltasUsageAndDone(t *testing.T) {
	s := New(t)
	s.Queue(Answer{Text: "Hello big world", ToolCalls: []ToolCall{{ID: "c1", Name: "f", Arguments: `{"a":"é1234"}`}}, Usage: &Usage{Prompt: 7, Completion: 3}})
	resp := post(t, s, `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	ev := events(t, resp.Body)
	if len(ev) == 0 || ev[len(ev)-1] != "[DONE]" {
		t.Fatalf("events %q", ev)
	}
	var text, args strings.Builder
	var finish []string
	var usage []string
	for _, e := range ev[:len(ev)-1] {
		var c struct {
			Object  string `json:"object"`
			Choices []struct {
				Delta struct {
					Content   string `json:"content"`
					ToolCalls []struct {
						Index    *int `json:"index"`
						Function struct {
							Arguments string `json:"arguments"`
						} `json:"function"`
					} `json:"tool_calls"`
				} `json:"delta"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
			Usage json.RawMessage `json:"usage"`
		}
		if err := json.Unmarshal([]byte(e), &c); err != nil {
			t.Fatal(err)
		}
		if c.Object != "chat.completion.chunk" {
			t.Errorf("object %q", c.Object)
		}
		if string(c.Usage) != "null" {
			usage = append(usage, string(c.Usage))
		}
		for _, ch := range c.Choices {
			text.WriteString(ch.Delta.Content)
			for _, tc := range ch.Delta.ToolCalls {
				if tc.Index == nil || *tc.Index != 0 {
					t.Errorf("tool call delta without index 0")
				}
				args.WriteString(tc.Function.Arguments)
			}
			if ch.FinishReason != nil {
				finish = append(finish, *ch.FinishReason)
			}
		}
	}
	if text.String() != "Hello big world" || args.String() != `{"a":"é1234"}` {
		t.Errorf("text %q, arguments %q", text.String(), args.String())
	}
	if !slices.Equal(finish, []string{"tool_calls"}) {
		t.Errorf("finish reasons %q", finish)
	}
	if len(usage) != 1 || !strings.Contains(usage[0], `"prompt_tokens":7`) {
		t.Errorf("usage chunks %q", usage)
	}
}

func TestStreamWithoutUsageOrDone(t *testing.T) {
	s := New(t)
	s.Queue(Answer{Text: "a b", OmitDone: true})
	ev := events(t, post(t, s, `{"model":"m","stream":true,"messages":[]}`).Body)
	for _, e := range ev {
		if e == "[DONE]" || strings.Contains(e, `"usage"`) {
			t.Errorf("event %q", e)
		}
	}
}

// ChunkDelay spaces a stream's pieces out: each arrives on its own, the
// delay after the one before.
func TestChunkDelaySpacesTheStream(t *testing.T) {
	s := New(t)
	const delay = 80 * time.Millisecond
	s.Queue(Answer{Text: "one two three", ChunkDelay: delay})
	resp := post(t, s, `{"model":"m","stream":true,"messages":[]}`)
	sc := bufio.NewScanner(resp.Body)
	var text strings.Builder
	var at []time.Time
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var c struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			t.Fatal(err)
		}
		if len(c.Choices) == 1 && c.Choices[0].Delta.Content != "" {
			text.WriteString(c.Choices[0].Delta.Content)
			at = append(at, time.Now())
		}
	}
	if text.String() != "one two three" || len(at) != 3 {
		t.Fatalf("%d pieces of %q", len(at), text.String())
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < delay/2 {
			t.Errorf("piece %d came %v after the one before, want about %v", i+1, gap, delay)
		}
	}
}

func TestCutAfterDropsTheStream(t *testing.T) {
	s := New(t)
	s.Queue(Answer{Text: "one two three four", CutAfter: 2})
	resp := post(t, s, `{"model":"m","stream":true,"messages":[]}`)
	data, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Errorf("the stream ended cleanly: %q", data)
	}
	if n := strings.Count(string(data), "data: "); n != 2 {
		t.Errorf("%d chunks before the cut: %q", n, data)
	}
}

func TestStatusAnswersWithAnOpenAIError(t *testing.T) {
	s := New(t)
	s.Queue(Answer{Status: 429, Error: "slow down"})
	resp := post(t, s, `{"model":"m","messages":[]}`)
	var body struct {
		Error struct {
			Message, Type string
			Code          string
		}
	}
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 429 || body.Error.Message != "slow down" || body.Error.Code != "rate_limit_exceeded" {
		t.Errorf("%d %+v", resp.StatusCode, body)
	}
}

func TestRecordsRequestsAndAnswersTheDefault(t *testing.T) {
	s := New(t)
	resp := post(t, s, `{"model":"m","temperature":0.5,"max_tokens":9,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
		"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"42"}]}`)
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), DefaultText) {
		t.Errorf("answer %s", b)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Header.Get("Authorization") != "Bearer k" || r.Body.Model != "m" || *r.Body.Temperature != 0.5 || *r.Body.MaxTokens != 9 || r.Raw["max_tokens"] != 9.0 {
		t.Errorf("request %+v", r)
	}
	if string(r.Body.Tools[0].Function.Parameters) != `{"type":"object"}` {
		t.Errorf("tool %+v", r.Body.Tools)
	}
	m := r.Body.Messages
	if len(m) != 2 || m[0].ToolCalls[0] != (ToolCall{ID: "c", Name: "f", Arguments: "{}"}) || m[1].ToolCallID != "c" || m[1].Content != "42" {
		t.Errorf("messages %+v", m)
	}
}

func TestChooseAnswersConcurrentRequestsByContent(t *testing.T) {
	s := New(t)
	s.Choose(func(r Request) (Answer, bool) {
		q := r.Body.Messages[0].Content
		return Answer{Text: "echo " + q}, q != "queued"
	})
	s.Queue(Answer{Text: "from the queue"})
	var wg sync.WaitGroup
	for _, q := range []string{"a", "b", "c", "queued"} {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"`+q+`"}]}`))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			want := "echo " + q
			if q == "queued" {
				want = "from the queue"
			}
			if !strings.Contains(string(b), `"`+want+`"`) {
				t.Errorf("%s: %s", q, b)
			}
		})
	}
	wg.Wait()
	if n := len(s.Requests()); n != 4 {
		t.Errorf("%d requests", n)
	}
}

func TestUnknownRouteAndBadBody(t *testing.T) {
	s := New(t)
	resp, err := http.Get(s.URL() + "/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("GET /models: %d", resp.StatusCode)
	}
	if r := post(t, s, `{"model":`); r.StatusCode != 400 {
		t.Errorf("bad body: %d", r.StatusCode)
	}
}

func TestCloseEndsAnEndlessStream(t *testing.T) {
	s := New(t)
	s.Queue(Answer{Endless: true})
	resp := post(t, s, `{"model":"m","stream":true,"messages":[]}`)
	buf := make([]byte, 1<<16)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	s.Close() // must not wait for the endless handler
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Error("the endless stream ended cleanly")
	}
}
