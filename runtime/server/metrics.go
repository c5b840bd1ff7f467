package server

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/protocol"
)

// metrics counts what the server does, for GET /metrics in the Prometheus
// text format. Counters are atomics: a turn adds to them without a lock.
type metrics struct {
	turns      map[protocol.Action]*atomic.Uint64 // by action; the set is fixed at New
	turnFailed atomic.Uint64                      // turns that panicked or failed
	calls      atomic.Uint64                      // calls (Go functions, HTTP APIs) that failed
	understood map[string]*atomic.Uint64          // text turns by the intent understood; fixed at New
	fallbacks  atomic.Uint64                      // turns a fallback answered
	badFrames  atomic.Uint64
	// frames dropped because websocket.read_budget stayed full
	framesRefused atomic.Uint64
	tooLarge      atomic.Uint64 // frames over websocket.max_size
	opened        atomic.Uint64 // connections
	created       atomic.Uint64 // sessions
	restored      atomic.Uint64 // sessions read back from the store
	expired       atomic.Uint64 // sessions reclaimed after session.ttl
	evicted       atomic.Uint64 // idle sessions dropped for session.max
	storeEvicted  atomic.Uint64 // stored sessions removed for session.store_bytes
	replies       atomic.Uint64 // reply frames queued (per session, not per connection)
	// Connections refused, by reason (see limits.go); the set is fixed.
	refusedBy map[string]*atomic.Uint64
	// The language model's choices of intent (nlp.llm_fallback), by
	// intent, engine.ChoseNone or engine.ChoiceFailed; fixed at New.
	llmChoices map[string]*atomic.Uint64

	// Turn durations: a histogram over latencyBounds (seconds), with the
	// sum in nanoseconds.
	latency   [len(latencyBounds) + 1]atomic.Uint64
	latencyNS atomic.Uint64

	store storeMetrics
}

// latencyBounds are the upper bounds of the turn duration buckets, in
// seconds: a turn takes microseconds, unless a body does much.
var latencyBounds = [...]float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}

func newMetrics(intents []string) *metrics {
	m := &metrics{turns: map[protocol.Action]*atomic.Uint64{}, understood: map[string]*atomic.Uint64{}, refusedBy: map[string]*atomic.Uint64{}, llmChoices: map[string]*atomic.Uint64{}}
	for _, r := range []string{refusedMax, refusedPerIP, refusedFiles, refusedShutdown} {
		m.refusedBy[r] = new(atomic.Uint64)
	}
	for _, a := range []protocol.Action{protocol.UserMessage, protocol.UserFile, protocol.UserVoice, protocol.UserSetVariable, protocol.Reset, protocol.FetchUserMessages} {
		m.turns[a] = new(atomic.Uint64)
	}
	for _, in := range intents {
		m.understood[in] = new(atomic.Uint64)
		m.llmChoices[in] = new(atomic.Uint64)
	}
	m.llmChoices[engine.ChoseNone] = new(atomic.Uint64)
	m.llmChoices[engine.ChoiceFailed] = new(atomic.Uint64)
	m.store.init()
	return m
}

// llmChoice counts a choice of intent by the language model.
func (m *metrics) llmChoice(choice string) {
	if c := m.llmChoices[choice]; c != nil {
		c.Add(1)
	}
}

// refused counts a connection refused for reason.
func (m *metrics) refused(reason string) { m.refusedBy[reason].Add(1) }

// turn records a turn of action that took d.
func (m *metrics) turn(action protocol.Action, d time.Duration) {
	if c := m.turns[action]; c != nil {
		c.Add(1)
	}
	i, _ := slices.BinarySearch(latencyBounds[:], d.Seconds())
	m.latency[i].Add(1)
	m.latencyNS.Add(uint64(d.Nanoseconds()))
}

// serveMetrics writes the metrics in the Prometheus text exposition format.
func (s *Server) serveMetrics(w http.ResponseWriter) {
	m := s.metrics
	s.mu.Lock()
	sessions, conns := len(s.sessions), len(s.conns)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge := func(name, help string, v int) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	gauge("botgen_sessions", "Sessions held in memory.", sessions)
	gauge("botgen_connections", "Open chat connections.", conns)
	counter("botgen_connections_opened_total", "Chat connections opened.", m.opened.Load())
	labelled(w, "botgen_connections_refused_total", "Connections refused, by the limit that refused them.", "reason", m.refusedBy)
	counter("botgen_sessions_created_total", "Sessions started.", m.created.Load())
	counter("botgen_sessions_restored_total", "Sessions read back from session.store.", m.restored.Load())
	counter("botgen_sessions_expired_total", "Sessions reclaimed after session.ttl without a connection.", m.expired.Load())
	counter("botgen_stored_sessions_removed_total", "Stored sessions removed, the least recently written first, because session.store_bytes was reached.", m.storeEvicted.Load())
	counter("botgen_sessions_evicted_total", "Idle sessions dropped from memory because session.max was reached (stored ones stay in session.store).", m.evicted.Load())

	fmt.Fprintf(w, "# HELP botgen_requests_total Client requests handled, by action.\n# TYPE botgen_requests_total counter\n")
	actions := make([]string, 0, len(m.turns))
	for a := range m.turns {
		actions = append(actions, string(a))
	}
	slices.Sort(actions)
	for _, a := range actions {
		fmt.Fprintf(w, "botgen_requests_total{action=%s} %d\n", quote(a), m.turns[protocol.Action(a)].Load())
	}
	counter("botgen_turns_failed_total", "Turns that failed (a panic in a body); the fallback answered.", m.turnFailed.Load())
	counter("botgen_call_failures_total", "Calls of Go functions and HTTP APIs (and values read from them) that failed, whether an on error transition took them or the turn failed.", m.calls.Load())
	counter("botgen_fallbacks_total", "Turns a fallback answered: a message not understood, a file no transition takes, voice, or a failed turn.", m.fallbacks.Load())
	fmt.Fprintf(w, "# HELP botgen_intents_total Messages understood, by intent.\n# TYPE botgen_intents_total counter\n")
	intents := make([]string, 0, len(m.understood))
	for in := range m.understood {
		intents = append(intents, in)
	}
	slices.Sort(intents)
	for _, in := range intents {
		fmt.Fprintf(w, "botgen_intents_total{intent=%s} %d\n", quote(in), m.understood[in].Load())
	}
	counter("botgen_replies_total", "Bot replies sent (once per session, whatever its connections).", m.replies.Load())
	counter("botgen_bad_frames_total", "Frames ignored as malformed.", m.badFrames.Load())
	counter("botgen_frames_too_large_total", "Frames over websocket.max_size: the user was told, and the connection closed with 1009.", m.tooLarge.Load())
	counter("botgen_frames_dropped_total", "Frames dropped unread because websocket.read_budget stayed full; the user was asked to send again.", m.framesRefused.Load())

	fmt.Fprintf(w, "# HELP botgen_turn_duration_seconds Time to run a turn and queue its replies.\n# TYPE botgen_turn_duration_seconds histogram\n")
	var cum uint64
	for i, b := range latencyBounds {
		cum += m.latency[i].Load()
		fmt.Fprintf(w, "botgen_turn_duration_seconds_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(b, 'g', -1, 64), cum)
	}
	cum += m.latency[len(latencyBounds)].Load()
	fmt.Fprintf(w, "botgen_turn_duration_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "botgen_turn_duration_seconds_sum %s\n", strconv.FormatFloat(float64(m.latencyNS.Load())/1e9, 'g', -1, 64))
	fmt.Fprintf(w, "botgen_turn_duration_seconds_count %d\n", cum)

	if s.Store != nil {
		m.store.write(w)
	}

	if s.eng.AsksModel() {
		if s.eng.ChoosesIntents() {
			labelled(w, "botgen_llm_intent_choices_total", "Messages no intent understood that the language model classified (nlp.llm_fallback), by the intent it chose, none, or error when it could not choose.", "intent", m.llmChoices)
		}
		if st := s.eng.LLMStats(); st != nil {
			st.WritePrometheus(w)
		}
	}
}

// labelled writes a counter with one label, its values sorted.
func labelled(w io.Writer, name, help, label string, values map[string]*atomic.Uint64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
	for _, v := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(w, "%s{%s=%s} %d\n", name, label, quote(v), values[v].Load())
	}
}

// quote writes a label value: quoted, with \, " and line breaks escaped.
func quote(s string) string {
	b := []byte{'"'}
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

// The session store's calls, by operation: how many, how many failed, and
// how long they took.

// storeOps are the operations counted; the set is fixed.
var storeOps = [...]string{"load", "append", "remove", "sweep", "ping"}

// storeBounds are the upper bounds of the store call duration buckets, in
// seconds: a file append takes tens of microseconds, a Redis call on the
// network a millisecond or so.
var storeBounds = [...]float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 5}

type storeMetrics struct {
	calls, errors map[string]*atomic.Uint64
	latency       [len(storeBounds) + 1]atomic.Uint64
	latencyNS     atomic.Uint64
}

func (m *storeMetrics) init() {
	m.calls, m.errors = map[string]*atomic.Uint64{}, map[string]*atomic.Uint64{}
	for _, op := range storeOps {
		m.calls[op], m.errors[op] = new(atomic.Uint64), new(atomic.Uint64)
	}
}

// storeOp counts a call to the store of op that took d and failed with err.
func (m *metrics) storeOp(op string, d time.Duration, err error) {
	if c := m.store.calls[op]; c != nil {
		c.Add(1)
		if err != nil {
			m.store.errors[op].Add(1)
		}
	}
	i, _ := slices.BinarySearch(storeBounds[:], d.Seconds())
	m.store.latency[i].Add(1)
	m.store.latencyNS.Add(uint64(d.Nanoseconds()))
}

func (m *storeMetrics) write(w io.Writer) {
	labelled(w, "botgen_store_operations_total", "Calls to session.store, by operation.", "operation", m.calls)
	labelled(w, "botgen_store_errors_total", "Calls to session.store that failed (or took longer than session.store_timeout), by operation.", "operation", m.errors)
	fmt.Fprintf(w, "# HELP botgen_store_duration_seconds Time a call to session.store took.\n# TYPE botgen_store_duration_seconds histogram\n")
	var cum uint64
	for i, b := range storeBounds {
		cum += m.latency[i].Load()
		fmt.Fprintf(w, "botgen_store_duration_seconds_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(b, 'g', -1, 64), cum)
	}
	cum += m.latency[len(storeBounds)].Load()
	fmt.Fprintf(w, "botgen_store_duration_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "botgen_store_duration_seconds_sum %s\n", strconv.FormatFloat(float64(m.latencyNS.Load())/1e9, 'g', -1, 64))
	fmt.Fprintf(w, "botgen_store_duration_seconds_count %d\n", cum)
}
