package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/llm"
	"github.com/botgen-dev/botgen/runtime/protocol"
)

// metrics counts what the server does, for GET /metrics. Its counters and
// histogram update with atomics, without a lock; the labelled ones are
// made for every label value at New, so a turn only looks its counter up.
type metrics struct {
	turns      map[protocol.Action]prometheus.Counter // by action; the set is fixed at New
	turnFailed prometheus.Counter                     // turns that panicked or failed
	calls      prometheus.Counter                     // calls (Go functions, HTTP APIs) that failed
	understood map[string]prometheus.Counter          // text turns by the intent understood; fixed at New
	fallbacks  prometheus.Counter                     // turns a fallback answered
	badFrames  prometheus.Counter
	// frames dropped because websocket.read_budget stayed full
	framesRefused prometheus.Counter
	tooLarge      prometheus.Counter // frames over websocket.max_size
	opened        prometheus.Counter // connections
	created       prometheus.Counter // sessions
	restored      prometheus.Counter // sessions read back from the store
	expired       prometheus.Counter // sessions reclaimed after session.ttl
	evicted       prometheus.Counter // idle sessions dropped for session.max
	storeEvicted  prometheus.Counter // stored sessions removed for session.store_bytes
	replies       prometheus.Counter // reply frames queued (per session, not per connection)
	// Connections refused, by reason (see limits.go), and closed to protect
	// the service, by reason (see conn.go); the sets are fixed.
	refusedBy map[string]prometheus.Counter
	closedBy  map[string]prometheus.Counter
	// The language model's choices of intent (nlp.llm_fallback), by
	// intent, engine.ChoseNone or engine.ChoiceFailed; fixed at New.
	llmChoices map[string]prometheus.Counter
	latency    prometheus.Histogram // turn durations, in seconds

	// The session store's calls, by operation (storeOps): how many, how
	// many failed, and how long they took; exposed when the server has a
	// store.
	storeCalls, storeErrors map[string]prometheus.Counter
	storeLatency            prometheus.Histogram
	storeCollectors         []prometheus.Collector

	// Several instances on a shared store (see shared.go): the events
	// published and received, those dropped by a full queue, and the
	// sessions caught up from the store; exposed when the store is shared.
	published, received, dropped, catchUps prometheus.Counter
	fanCollectors                          []prometheus.Collector

	// What a registry exposes: the metrics above (the labelled ones by
	// their vectors).
	collectors []prometheus.Collector
	choices    prometheus.Collector // llmChoices' vector, exposed when the model chooses intents
}

// latencyBounds are the upper bounds of the turn duration buckets, in
// seconds: a turn takes microseconds, unless a body does much.
var latencyBounds = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}

func newMetrics(intents []string) *metrics {
	m := &metrics{}
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		m.collectors = append(m.collectors, c)
		return c
	}
	// labelled makes a counter for each of values, keyed by value, and
	// returns their vector for the caller to expose (the intent choices'
	// only when the model chooses intents).
	labelled := func(name, help, label string, values []string) (map[string]prometheus.Counter, *prometheus.CounterVec) {
		vec := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
		children := make(map[string]prometheus.Counter, len(values))
		for _, v := range values {
			children[v] = vec.WithLabelValues(v)
		}
		return children, vec
	}

	m.opened = counter("botgen_connections_opened_total", "Chat connections opened.")
	refused, refusedVec := labelled("botgen_connections_refused_total", "Connections refused, by the limit that refused them.", "reason",
		[]string{refusedMax, refusedPerIP, refusedFiles, refusedShutdown})
	m.refusedBy = refused
	m.collectors = append(m.collectors, refusedVec)
	closed, closedVec := labelled("botgen_connections_closed_total", "Chat connections the bot closed to protect the service: idle past websocket.idle_timeout, or sending past websocket.max_messages_per_second.", "reason",
		[]string{closedIdle, closedRate})
	m.closedBy = closed
	m.collectors = append(m.collectors, closedVec)
	m.created = counter("botgen_sessions_created_total", "Sessions started.")
	m.restored = counter("botgen_sessions_restored_total", "Sessions read back from session.store.")
	m.expired = counter("botgen_sessions_expired_total", "Sessions reclaimed after session.ttl without a connection.")
	m.storeEvicted = counter("botgen_stored_sessions_removed_total", "Stored sessions removed, the least recently written first, because session.store_bytes was reached.")
	m.evicted = counter("botgen_sessions_evicted_total", "Idle sessions dropped from memory because session.max was reached (stored ones stay in session.store).")

	actions := []protocol.Action{protocol.UserMessage, protocol.UserFile, protocol.UserVoice, protocol.UserSetVariable, protocol.Reset, protocol.FetchUserMessages}
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = string(a)
	}
	byName, turnsVec := labelled("botgen_requests_total", "Client requests handled, by action.", "action", names)
	m.turns = make(map[protocol.Action]prometheus.Counter, len(actions))
	for _, a := range actions {
		m.turns[a] = byName[string(a)]
	}
	m.collectors = append(m.collectors, turnsVec)
	m.turnFailed = counter("botgen_turns_failed_total", "Turns that failed (a panic in a body); the fallback answered.")
	m.calls = counter("botgen_call_failures_total", "Calls of Go functions and HTTP APIs (and values read from them) that failed, whether an on error transition took them or the turn failed.")
	m.fallbacks = counter("botgen_fallbacks_total", "Turns a fallback answered: a message not understood, a file no transition takes, voice, or a failed turn.")
	understood, understoodVec := labelled("botgen_intents_total", "Messages understood, by intent.", "intent", intents)
	m.understood = understood
	m.collectors = append(m.collectors, understoodVec)
	m.replies = counter("botgen_replies_total", "Bot replies sent (once per session, whatever its connections).")
	m.badFrames = counter("botgen_bad_frames_total", "Frames ignored as malformed.")
	m.tooLarge = counter("botgen_frames_too_large_total", "Frames over websocket.max_size: the user was told, and the connection closed with 1009.")
	m.framesRefused = counter("botgen_frames_dropped_total", "Frames dropped unread because websocket.read_budget stayed full; the user was asked to send again.")
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "botgen_turn_duration_seconds",
		Help:    "Time to run a turn and queue its replies.",
		Buckets: latencyBounds,
	})
	m.collectors = append(m.collectors, m.latency)

	var storeCallsVec, storeErrorsVec *prometheus.CounterVec
	m.storeCalls, storeCallsVec = labelled("botgen_store_operations_total", "Calls to session.store, by operation.", "operation", storeOps[:])
	m.storeErrors, storeErrorsVec = labelled("botgen_store_errors_total", "Calls to session.store that failed (or took longer than session.store_timeout), by operation.", "operation", storeOps[:])
	m.storeLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "botgen_store_duration_seconds",
		Help:    "Time a call to session.store took.",
		Buckets: storeBounds,
	})
	m.storeCollectors = []prometheus.Collector{storeCallsVec, storeErrorsVec, m.storeLatency}

	// Made like counter, but exposed only with a shared store.
	fan := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		m.fanCollectors = append(m.fanCollectors, c)
		return c
	}
	m.published = fan("botgen_fanout_events_published_total", "Events this instance published to the others: a turn's replies and echoes (with the turn's write), or a piece of a streamed reply.")
	m.received = fan("botgen_fanout_events_received_total", "Events received from the instances sharing session.store, this one's own included.")
	m.dropped = fan("botgen_fanout_events_dropped_total", "Events received and dropped because this instance fell behind; their sessions were caught up from the store instead.")
	m.catchUps = fan("botgen_fanout_catchups_total", "Sessions whose connections here were caught up from the store: after a gap in their entries, dropped events or a lost subscription.")

	choices := append(append([]string(nil), intents...), engine.ChoseNone, engine.ChoiceFailed)
	var choicesVec *prometheus.CounterVec
	m.llmChoices, choicesVec = labelled("botgen_llm_intent_choices_total", "Messages no intent understood that the language model classified (nlp.llm_fallback), by the intent it chose, none, or error when it could not choose.", "intent", choices)
	m.choices = choicesVec
	return m
}

// llmChoice counts a choice of intent by the language model.
func (m *metrics) llmChoice(choice string) {
	if c := m.llmChoices[choice]; c != nil {
		c.Inc()
	}
}

// closed counts a connection closed for reason.
func (m *metrics) closed(reason string) { m.closedBy[reason].Inc() }

// refused counts a connection refused for reason.
func (m *metrics) refused(reason string) { m.refusedBy[reason].Inc() }

// turn records a turn of action that took d.
func (m *metrics) turn(action protocol.Action, d time.Duration) {
	if c := m.turns[action]; c != nil {
		c.Inc()
	}
	m.latency.Observe(d.Seconds())
}

// newRegistry returns the registry GET /metrics exposes: the server's own,
// never the process-wide default one, holding the server's metrics, the
// language model's, and the Go runtime and process collectors.
func (s *Server) newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(s.metrics.collectors...)
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "botgen_sessions", Help: "Sessions held in memory."}, func() float64 {
			s.mu.Lock()
			defer s.mu.Unlock()
			return float64(len(s.sessions))
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "botgen_connections", Help: "Open chat connections."}, func() float64 {
			s.mu.Lock()
			defer s.mu.Unlock()
			return float64(len(s.conns))
		}),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if s.eng.ChoosesIntents() {
		reg.MustRegister(s.metrics.choices)
	}
	// The store is set after New: its series are collected when it is.
	reg.MustRegister(storeCollector{s})
	if st := s.eng.LLMStats(); st != nil {
		reg.MustRegister(newLLMCollector(st))
	}
	return reg
}

// metricsHandler returns the handler of GET /metrics, which exposes reg.
// promhttp negotiates the format (the Prometheus text format, or
// OpenMetrics when the scraper asks for it) and the compression.
func (s *Server) metricsHandler(reg *prometheus.Registry) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		// A collector that fails loses its own series, not the scrape:
		// the rest is served, the error logged and counted in
		// promhttp_metric_handler_errors_total.
		ErrorHandling:     promhttp.ContinueOnError,
		ErrorLog:          promLogger{s.log},
		Registry:          reg,
		EnableOpenMetrics: true,
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// promLogger logs promhttp's errors (a collector that failed) as warnings.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) {
	l.log.Warn("serving /metrics", "error", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

// llmCollector exposes an llm.Stats, which knows no metrics library, as
// the botgen_llm_ metrics, read at each scrape: a series per model asked.
type llmCollector struct {
	stats                                *llm.Stats
	requests, errors, tokens, first, req *prometheus.Desc
}

func newLLMCollector(st *llm.Stats) *llmCollector {
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, append([]string{"model"}, labels...), nil)
	}
	return &llmCollector{
		stats:    st,
		requests: desc("botgen_llm_requests_total", "Requests sent to the language model."),
		errors:   desc("botgen_llm_errors_total", "Requests to the language model that failed, by reason.", "reason"),
		tokens:   desc("botgen_llm_tokens_total", "Tokens the language model read (in) and wrote (out), as its endpoint counted them.", "direction"),
		first:    desc("botgen_llm_first_token_seconds", "Time from a request to the first streamed text of its answer (to the whole answer when not streamed), of the requests that succeeded."),
		req:      desc("botgen_llm_request_seconds", "Time from a request to the end of its answer, of the requests that succeeded."),
	}
}

// Describe sends the descriptions of the botgen_llm_ metrics.
func (c *llmCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.requests, c.errors, c.tokens, c.first, c.req} {
		ch <- d
	}
}

// Collect sends the counts of every model asked so far.
func (c *llmCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.stats.Models() {
		// A label value must be UTF-8; the model's name comes from the
		// settings.
		model := strings.ToValidUTF8(m.Model, "\uFFFD")
		ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(m.Requests), model)
		for reason, n := range m.Errors {
			ch <- prometheus.MustNewConstMetric(c.errors, prometheus.CounterValue, float64(n), model, reason)
		}
		ch <- prometheus.MustNewConstMetric(c.tokens, prometheus.CounterValue, float64(m.TokensIn), model, "in")
		ch <- prometheus.MustNewConstMetric(c.tokens, prometheus.CounterValue, float64(m.TokensOut), model, "out")
		ch <- prometheus.MustNewConstHistogram(c.first, m.FirstToken.Count, m.FirstToken.Sum, m.FirstToken.Buckets, model)
		ch <- prometheus.MustNewConstHistogram(c.req, m.Request.Count, m.Request.Sum, m.Request.Buckets, model)
	}
}

// storeOps are the operations of the session store counted; the set is
// fixed.
var storeOps = [...]string{"load", "append", "remove", "sweep", "ping", "lease", "release", "version", "publish"}

// storeBounds are the upper bounds of the store call duration buckets, in
// seconds: a call to a folder or a Redis on the same network takes well
// under a millisecond, one that waits for session.store_timeout seconds.
var storeBounds = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 5}

// storeOp counts a call to the store of op that took d and failed with err.
func (m *metrics) storeOp(op string, d time.Duration, err error) {
	if c := m.storeCalls[op]; c != nil {
		c.Inc()
		if err != nil {
			m.storeErrors[op].Inc()
		}
	}
	m.storeLatency.Observe(d.Seconds())
}

// storeCollector exposes the store's series when the server has a store
// (Server.Store is set after New, before Serve).
type storeCollector struct{ s *Server }

// Describe sends nothing: the collector is unchecked, as its series come
// and go with the store.
func (storeCollector) Describe(chan<- *prometheus.Desc) {}

// Collect sends the store's series when there is a store.
func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	if c.s.Store == nil {
		return
	}
	for _, col := range c.s.metrics.storeCollectors {
		col.Collect(ch)
	}
	if c.s.fan != nil {
		for _, col := range c.s.metrics.fanCollectors {
			col.Collect(ch)
		}
		ch <- prometheus.MustNewConstMetric(fanQueueDesc, prometheus.GaugeValue, float64(len(c.s.fan.events)))
	}
}

var fanQueueDesc = prometheus.NewDesc("botgen_fanout_queue", "Events received from the other instances and not yet delivered.", nil, nil)
