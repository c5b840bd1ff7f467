package llm

import (
	"context"
	"maps"
	"slices"
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

// ModelStats is what Stats counted of one model, copied at one instant.
// Its fields are those of the Prometheus metrics a bot exposes, each
// labelled by model: botgen_llm_requests_total, botgen_llm_errors_total
// (by reason), botgen_llm_tokens_total (by direction, in and out), and
// the histograms botgen_llm_first_token_seconds and
// botgen_llm_request_seconds. The server turns them into those metrics;
// this package stays free of a metrics library, as every bot links it.
type ModelStats struct {
	Model    string
	Requests uint64
	// Errors counts the failed requests by reason: every kind of Error
	// (connect, timeout, status, malformed, too_large, canceled, request,
	// tools), at 0 until one happens, and "other" once another error has.
	Errors              map[string]uint64
	TokensIn, TokensOut uint64 // as the endpoint counted them
	FirstToken, Request Histogram
}

// Histogram is a latency histogram of the requests that succeeded, as
// Prometheus has one: cumulative counts by upper bound.
type Histogram struct {
	Buckets map[float64]uint64 // requests that took at most the key, in seconds
	Count   uint64
	Sum     float64 // seconds
}

// Models returns what s counted, a ModelStats for every model that was
// asked, sorted by name.
func (s *Stats) Models() []ModelStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ModelStats, 0, len(s.models))
	for _, n := range slices.Sorted(maps.Keys(s.models)) {
		m := s.models[n]
		errs := make(map[string]uint64, len(reasons)+1)
		for _, r := range reasons {
			errs[r.label] = m.errors[r.label]
		}
		if c := m.errors["other"]; c > 0 {
			errs["other"] = c
		}
		out = append(out, ModelStats{
			Model: n, Requests: m.requests, Errors: errs, TokensIn: m.in, TokensOut: m.out,
			FirstToken: m.first.export(), Request: m.total.export(),
		})
	}
	return out
}

func (h *histogram) export() Histogram {
	e := Histogram{Buckets: make(map[float64]uint64, len(latencyBounds)), Sum: h.sum}
	for i, bound := range latencyBounds {
		e.Count += h.counts[i]
		e.Buckets[bound] = e.Count
	}
	e.Count += h.counts[len(latencyBounds)]
	return e
}
