package llm

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// latencyBounds are the upper bounds of the latency buckets, in seconds: a
// small local model answers its first token in a tenth of a second, a long
// answer of a large one takes a minute.
var latencyBounds = [...]float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60}

// Stats counts the requests to models, by model, for the Prometheus
// metrics of a bot. Its zero value is ready to use; it is safe for
// concurrent use. Record into it with Measured.
type Stats struct {
	mu     sync.Mutex
	models map[string]*modelStats // by model name
}

type modelStats struct {
	requests uint64
	errors   map[string]uint64 // by reason
	in, out  uint64
	first    histogram // time to the first token, of the requests that succeeded
	total    histogram // time to the whole answer, of the requests that succeeded
}

type histogram struct {
	counts [len(latencyBounds) + 1]uint64 // the last is over every bound
	sum    float64                        // seconds
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i, _ := slices.BinarySearch(latencyBounds[:], s)
	h.counts[i]++
	h.sum += s
}

// model returns the stats of name, made on first use; s.mu is held.
func (s *Stats) model(name string) *modelStats {
	if s.models == nil {
		s.models = map[string]*modelStats{}
	}
	m := s.models[name]
	if m == nil {
		m = &modelStats{errors: map[string]uint64{}}
		s.models[name] = m
	}
	return m
}

// request records one request to model: its usage, and either err or how
// long it took to the first token and to the end.
func (s *Stats) request(model string, u Usage, first, total time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.model(model)
	m.requests++
	m.in += uint64(max(u.In, 0))
	m.out += uint64(max(u.Out, 0))
	if err != nil {
		m.errors[reason(err)]++
		return
	}
	m.first.observe(first)
	m.total.observe(total)
}

// recordError counts an error of model that is not a request's own (too
// many tool calls).
func (s *Stats) recordError(model string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.model(model).errors[reason(err)]++
}

// errorRecorder is a Model that counts the errors Converse finds.
type errorRecorder interface{ recordError(error) }

// Measured returns m recording every request into s under m's name: the
// request, its tokens, its error's kind, its latency to the first streamed
// delta (to the whole answer for a request that does not stream or
// streamed no text) and to its end. Converse counts its own failures
// (too many tool calls) into s too when given the returned Model.
func Measured(m Model, s *Stats) Model { return &measured{m: m, s: s} }

type measured struct {
	m Model
	s *Stats
}

func (x *measured) Name() string     { return x.m.Name() }
func (x *measured) Endpoint() string { return x.m.Endpoint() }

func (x *measured) recordError(err error) { x.s.recordError(x.m.Name(), err) }

// Complete sends req through the measured model.
func (x *measured) Complete(ctx context.Context, req Request) (Response, error) {
	start := time.Now()
	// The first delta's time since start, in nanoseconds; 0 until it comes.
	// Atomic, should a Model call Stream from a goroutine of its own.
	var first atomic.Int64
	if stream := req.Stream; stream != nil {
		req.Stream = func(delta string) {
			if first.Load() == 0 {
				first.CompareAndSwap(0, max(int64(time.Since(start)), 1))
			}
			stream(delta)
		}
	}
	resp, err := x.m.Complete(ctx, req)
	total := time.Since(start)
	firstToken := time.Duration(first.Load())
	if firstToken == 0 {
		firstToken = total
	}
	x.s.request(x.m.Name(), resp.Usage, firstToken, total, err)
	return resp, err
}

// WritePrometheus writes the metrics in the Prometheus text exposition
// format: botgen_llm_requests_total, botgen_llm_errors_total (by reason),
// botgen_llm_tokens_total (by direction, in and out), and the histograms
// botgen_llm_first_token_seconds and botgen_llm_request_seconds of the
// requests that succeeded, each labelled by model. HELP and TYPE are
// written even when nothing was recorded.
func (s *Stats) WritePrometheus(w io.Writer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := slices.Sorted(maps.Keys(s.models))
	var b strings.Builder
	header := func(name, kind, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	}

	header("botgen_llm_requests_total", "counter", "Requests sent to the language model.")
	for _, n := range names {
		fmt.Fprintf(&b, "botgen_llm_requests_total{model=%s} %d\n", quote(n), s.models[n].requests)
	}
	header("botgen_llm_errors_total", "counter", "Requests to the language model that failed, by reason.")
	for _, n := range names {
		m := s.models[n]
		for _, r := range reasons {
			fmt.Fprintf(&b, "botgen_llm_errors_total{model=%s,reason=%q} %d\n", quote(n), r.label, m.errors[r.label])
		}
		if c := m.errors["other"]; c > 0 {
			fmt.Fprintf(&b, "botgen_llm_errors_total{model=%s,reason=\"other\"} %d\n", quote(n), c)
		}
	}
	header("botgen_llm_tokens_total", "counter", "Tokens the language model read (in) and wrote (out), as its endpoint counted them.")
	for _, n := range names {
		m := s.models[n]
		fmt.Fprintf(&b, "botgen_llm_tokens_total{model=%s,direction=\"in\"} %d\n", quote(n), m.in)
		fmt.Fprintf(&b, "botgen_llm_tokens_total{model=%s,direction=\"out\"} %d\n", quote(n), m.out)
	}
	header("botgen_llm_first_token_seconds", "histogram", "Time from a request to the first streamed text of its answer (to the whole answer when not streamed), of the requests that succeeded.")
	for _, n := range names {
		writeHistogram(&b, "botgen_llm_first_token_seconds", quote(n), &s.models[n].first)
	}
	header("botgen_llm_request_seconds", "histogram", "Time from a request to the end of its answer, of the requests that succeeded.")
	for _, n := range names {
		writeHistogram(&b, "botgen_llm_request_seconds", quote(n), &s.models[n].total)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeHistogram(b *strings.Builder, name, model string, h *histogram) {
	var cum uint64
	for i, bound := range latencyBounds {
		cum += h.counts[i]
		fmt.Fprintf(b, "%s_bucket{model=%s,le=\"%s\"} %d\n", name, model, strconv.FormatFloat(bound, 'g', -1, 64), cum)
	}
	cum += h.counts[len(latencyBounds)]
	fmt.Fprintf(b, "%s_bucket{model=%s,le=\"+Inf\"} %d\n", name, model, cum)
	fmt.Fprintf(b, "%s_sum{model=%s} %s\n", name, model, strconv.FormatFloat(h.sum, 'g', -1, 64))
	fmt.Fprintf(b, "%s_count{model=%s} %d\n", name, model, cum)
}

// quote writes a label value as the exposition format wants it: quoted,
// with \, " and line breaks escaped, and valid UTF-8.
func quote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		default:
			b = append(b, c)
		}
	}
	return string(append(b, '"'))
}
