package server

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/botgen-dev/botgen/runtime/config"
)

// seriesWant is every botgen_ family of /metrics of a bot that asks a
// model and lets it choose intents: name, type and help, then each series'
// labels (and a histogram's bucket bounds). Dashboards and alerts are
// written against these, so a change here breaks them.
const seriesWant = `botgen_bad_frames_total counter "Frames ignored as malformed."
	{}
botgen_call_failures_total counter "Calls of Go functions and HTTP APIs (and values read from them) that failed, whether an on error transition took them or the turn failed."
	{}
botgen_connections gauge "Open chat connections."
	{}
botgen_connections_closed_total counter "Chat connections the bot closed to protect the service: idle past websocket.idle_timeout, or sending past websocket.max_messages_per_second."
	{reason="idle"}
	{reason="rate"}
botgen_connections_opened_total counter "Chat connections opened."
	{}
botgen_connections_refused_total counter "Connections refused, by the limit that refused them."
	{reason="file_limit"}
	{reason="max_connections"}
	{reason="max_connections_per_ip"}
	{reason="shutting_down"}
botgen_fallbacks_total counter "Turns a fallback answered: a message not understood, a file no transition takes, voice, or a failed turn."
	{}
botgen_frames_dropped_total counter "Frames dropped unread because websocket.read_budget stayed full; the user was asked to send again."
	{}
botgen_frames_too_large_total counter "Frames over websocket.max_size: the user was told, and the connection closed with 1009."
	{}
botgen_intents_total counter "Messages understood, by intent."
	{intent="ask"}
	{intent="hello"}
	{intent="table"}
	{intent="two"}
botgen_llm_errors_total counter "Requests to the language model that failed, by reason."
	{model="script",reason="canceled"}
	{model="script",reason="connect"}
	{model="script",reason="malformed"}
	{model="script",reason="request"}
	{model="script",reason="status"}
	{model="script",reason="timeout"}
	{model="script",reason="too_large"}
	{model="script",reason="tools"}
botgen_llm_first_token_seconds histogram "Time from a request to the first streamed text of its answer (to the whole answer when not streamed), of the requests that succeeded."
	{model="script"} le=0.05,0.1,0.25,0.5,1,2,5,10,20,30,60
botgen_llm_intent_choices_total counter "Messages no intent understood that the language model classified (nlp.llm_fallback), by the intent it chose, none, or error when it could not choose."
	{intent="ask"}
	{intent="error"}
	{intent="hello"}
	{intent="none"}
	{intent="table"}
	{intent="two"}
botgen_llm_request_seconds histogram "Time from a request to the end of its answer, of the requests that succeeded."
	{model="script"} le=0.05,0.1,0.25,0.5,1,2,5,10,20,30,60
botgen_llm_requests_total counter "Requests sent to the language model."
	{model="script"}
botgen_llm_tokens_total counter "Tokens the language model read (in) and wrote (out), as its endpoint counted them."
	{direction="in",model="script"}
	{direction="out",model="script"}
botgen_replies_total counter "Bot replies sent (once per session, whatever its connections)."
	{}
botgen_requests_total counter "Client requests handled, by action."
	{action="fetch_user_messages"}
	{action="reset"}
	{action="user_file"}
	{action="user_message"}
	{action="user_set_variable"}
	{action="user_voice"}
botgen_sessions gauge "Sessions held in memory."
	{}
botgen_sessions_created_total counter "Sessions started."
	{}
botgen_sessions_evicted_total counter "Idle sessions dropped from memory because session.max was reached (stored ones stay in session.store)."
	{}
botgen_sessions_expired_total counter "Sessions reclaimed after session.ttl without a connection."
	{}
botgen_sessions_restored_total counter "Sessions read back from session.store."
	{}
botgen_stored_sessions_removed_total counter "Stored sessions removed, the least recently written first, because session.store_bytes was reached."
	{}
botgen_turn_duration_seconds histogram "Time to run a turn and queue its replies."
	{} le=0.0001,0.00025,0.0005,0.001,0.0025,0.005,0.01,0.025,0.05,0.1,0.25,1
botgen_turns_failed_total counter "Turns that failed (a panic in a body); the fallback answered."
	{}
`

// TestMetricsSeries: /metrics, read by Prometheus's own parser, has
// exactly the botgen_ families and series of seriesWant.
func TestMetricsSeries(t *testing.T) {
	m := &scriptModel{}
	m.queue("an answer")
	ts := startBot(t, modelBot(m), nil, func(c *config.Config) { c.LLMFallback = true })
	c := ts.dial(t, "", nil)
	c.next() // the greeting
	c.say("ask one")
	c.next()
	eventually(t, "the model's request counted", func() bool {
		_, body := ts.scrape(t)
		return strings.Contains(body, `botgen_llm_requests_total{model="script"} 1`)
	})
	_, body := ts.scrape(t)
	families := parseMetrics(t, body)
	if got := describeSeries(families, "botgen_"); got != seriesWant {
		t.Errorf("series:\n%s\nwant:\n%s", got, seriesWant)
	}
}

// parseMetrics reads a text exposition as Prometheus does.
func parseMetrics(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return families
}

// describeSeries writes the families whose name starts with prefix as
// seriesWant has them, sorted by name and labels.
func describeSeries(families map[string]*dto.MetricFamily, prefix string) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(families)) {
		f := families[name]
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		fmt.Fprintf(&b, "%s %s %q\n", name, strings.ToLower(f.GetType().String()), f.GetHelp())
		var series []string
		for _, m := range f.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, l.GetName()+"="+strconv.Quote(l.GetValue()))
			}
			slices.Sort(labels)
			s := "{" + strings.Join(labels, ",") + "}"
			if h := m.Histogram; h != nil {
				var bounds []string
				for _, bk := range h.Bucket {
					if ub := bk.GetUpperBound(); ub < 1e308 {
						bounds = append(bounds, strconv.FormatFloat(ub, 'g', -1, 64))
					}
				}
				s += " le=" + strings.Join(bounds, ",")
			}
			series = append(series, s)
		}
		slices.Sort(series)
		for _, s := range series {
			b.WriteString("\t" + s + "\n")
		}
	}
	return b.String()
}

// TestMetricsRuntimeFamilies: /metrics has the Go runtime's and the
// process's families beside the bot's, as Prometheus users expect.
func TestMetricsRuntimeFamilies(t *testing.T) {
	ts := start(t, nil)
	_, body := ts.scrape(t)
	families := parseMetrics(t, body)
	want := []string{"go_goroutines", "go_gc_duration_seconds", "go_memstats_heap_alloc_bytes", "go_info"}
	if runtime.GOOS == "linux" {
		want = append(want, "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds")
	}
	for _, name := range want {
		if f := families[name]; f == nil || len(f.Metric) == 0 {
			t.Errorf("no %s in /metrics", name)
		}
	}
	if f := families["botgen_llm_intent_choices_total"]; f != nil {
		t.Errorf("intent choices of a bot whose model chooses none: %v", f)
	}
}

// TestMetricsOpenMetrics: a scraper that asks for OpenMetrics gets it.
func TestMetricsOpenMetrics(t *testing.T) {
	ts := start(t, nil)
	req, _ := http.NewRequest(http.MethodGet, "http"+strings.TrimPrefix(ts.url, "ws")+"metrics", nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "application/openmetrics-text; version=1.0.0") {
		t.Fatalf("%d, content type %q", resp.StatusCode, ct)
	}
	body := string(b)
	// OpenMetrics names a counter's family without _total; its samples
	// keep it.
	for _, want := range []string{"# TYPE botgen_requests counter\n", `botgen_requests_total{action="user_message"} 0.0` + "\n", "# TYPE botgen_sessions gauge\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in\n%s", want, body)
		}
	}
	if !strings.HasSuffix(body, "# EOF\n") {
		t.Errorf("no # EOF at the end")
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}

// failing is a collector whose every collection fails.
type failing struct{ desc *prometheus.Desc }

func (f failing) Describe(ch chan<- *prometheus.Desc) { ch <- f.desc }
func (f failing) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.NewInvalidMetric(f.desc, errors.New("the source is gone"))
}

// TestMetricsCollectorError: a collector that fails loses its own series,
// not the scrape; the error is logged and counted.
func TestMetricsCollectorError(t *testing.T) {
	ts := start(t, nil)
	ts.registry.MustRegister(failing{prometheus.NewDesc("botgen_test_broken", "Fails.", nil, nil)})
	code, body := ts.scrape(t)
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	families := parseMetrics(t, body)
	if families["botgen_requests_total"] == nil || families["botgen_test_broken"] != nil {
		t.Errorf("the rest of the metrics, without the broken one, is not served:\n%s", body)
	}
	_, body = ts.scrape(t)
	if !strings.Contains(body, `promhttp_metric_handler_errors_total{cause="gathering"} 1`) {
		t.Errorf("the error is not counted:\n%s", body)
	}
	eventually(t, "the error logged", func() bool { return strings.Contains(ts.logs.String(), "the source is gone") })
}

// TestMetricsDisabled: metrics.enabled false serves no /metrics.
func TestMetricsDisabled(t *testing.T) {
	ts := start(t, nil, func(c *config.Config) { c.MetricsEnabled = false })
	if code, _ := ts.scrape(t); code != 404 {
		t.Errorf("/metrics with metrics.enabled false: %d", code)
	}
	if ts.registry != nil {
		t.Errorf("a registry with metrics.enabled false")
	}
}
