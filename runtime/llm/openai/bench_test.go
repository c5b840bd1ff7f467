package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/botgen-dev/botgen/internal/openaitest"
	"github.com/botgen-dev/botgen/runtime/llm"
)

// benchAnswer is an answer of about a hundred words, a typical chat reply.
const benchAnswer = "Standard delivery takes two to four working days within the country and five to nine working days to the rest of Europe. Express delivery arrives the next working day within the country, and costs 9.90 EUR whatever the order. Orders placed before two in the afternoon on a working day leave the warehouse the same day; later orders leave on the next working day. Every parcel has a tracking number, sent by email when the order leaves the warehouse, and shown on the order page of your account as well."

// BenchmarkComplete measures what the client adds to a request: Plain and
// Stream go through it; Baseline posts the same body with net/http and
// decodes the answer with encoding/json, to the same local endpoint.
func BenchmarkComplete(b *testing.B) {
	srv := openaitest.New(b)
	srv.Choose(func(openaitest.Request) (openaitest.Answer, bool) {
		return openaitest.Answer{Text: benchAnswer}, true
	})
	m := New(config(srv.URL()))
	ctx := context.Background()
	b.Run("Plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Complete(ctx, ask("How long does delivery take?")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Stream", func(b *testing.B) {
		b.ReportAllocs()
		req := ask("How long does delivery take?")
		req.Stream = func(string) {}
		for b.Loop() {
			if _, err := m.Complete(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Baseline", func(b *testing.B) {
		b.ReportAllocs()
		body := []byte(`{"model":"llama3.2","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"How long does delivery take?"}],"temperature":0.2,"max_tokens":512}`)
		client := &http.Client{}
		for b.Loop() {
			resp, err := client.Post(srv.URL()+"/chat/completions", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				Choices []struct {
					Message struct{ Content string } `json:"message"`
				} `json:"choices"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || len(out.Choices) == 0 {
				b.Fatal(err)
			}
		}
	})
}

var _ llm.Model = (*model)(nil)
