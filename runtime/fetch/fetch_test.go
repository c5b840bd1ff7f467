package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/value"
)

// secret is a header value and a query value no error may show.
const secret = "s3cr3t-k3y"

// rec builds a record from name, value pairs.
func rec(kv ...value.Value) *value.Record {
	r := value.NewRecord(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		r.Set(kv[i].(string), kv[i+1])
	}
	return r
}

// serve starts a loopback server with handler h.
func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// jsonAnswer answers body as JSON.
func jsonAnswer(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, body)
	}
}

// wantError fails unless err is an *Error of kind, whose text is want
// exactly (with URL for the server's URL) and shows no secret.
func wantError(t *testing.T, err error, kind error, want string) {
	t.Helper()
	var fe *Error
	switch {
	case err == nil:
		t.Errorf("no error, want %q", want)
		return
	case !errors.As(err, &fe):
		t.Errorf("%T is not an *Error: %v", err, err)
	case !errors.Is(err, kind):
		t.Errorf("%v is not %v", err, kind)
	}
	if err.Error() != want {
		t.Errorf("error\n  %s\nwant\n  %s", err, want)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows a secret: %s", err)
	}
}

func TestGet(t *testing.T) {
	var got *http.Request
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		jsonAnswer(`{"current":{"temperature_2m":21.5,"wind_speed_10m":12},"units":"metric"}`)(w, r)
	})
	var c Client
	query := rec("latitude", 41.39, "longitude", 2.17, "current", "temperature_2m,wind_speed_10m",
		"past_days", 0.0, "hourly", false, "skip", nil, "name", "São Paulo & co")
	v, err := c.Get(context.Background(), srv.URL+"/v1/forecast?units=metric&latitude=0&apikey="+secret, query,
		rec("X-Api-Key", secret, "x-retries", 3.0, "X-Skip", nil))
	if err != nil {
		t.Fatal(err)
	}
	if value.Text(v) != `{"current":{"temperature_2m":21.5,"wind_speed_10m":12},"units":"metric"}` {
		t.Errorf("answer %s", value.Text(v))
	}
	wantQuery := "units=metric&apikey=" + secret + "&latitude=41.39&longitude=2.17&current=temperature_2m%2Cwind_speed_10m" +
		"&past_days=0&hourly=false&name=S%C3%A3o+Paulo+%26+co"
	if got.Method != "GET" || got.URL.Path != "/v1/forecast" || got.URL.RawQuery != wantQuery {
		t.Errorf("request %s %s?%s\nwant query %s", got.Method, got.URL.Path, got.URL.RawQuery, wantQuery)
	}
	h := got.Header
	if h.Get("X-Api-Key") != secret || h.Get("X-Retries") != "3" || h.Get("Accept") != "application/json" ||
		!strings.HasPrefix(h.Get("User-Agent"), "botgen/") || h.Values("X-Skip") != nil || got.ContentLength != 0 {
		t.Errorf("headers %v, length %d", h, got.ContentLength)
	}
}

func TestPost(t *testing.T) {
	var body []byte
	var ctype string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		ctype = r.Header.Get("Content-Type")
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 7, "ok": true}`)
	})
	var c Client
	order := rec("item", "teapot", "qty", 2.0, "gift", true, "lines", []value.Value{rec("sku", "T-1")}, "note", nil)
	v, err := c.Post(context.Background(), srv.URL+"/orders", order, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != `{"item":"teapot","qty":2,"gift":true,"lines":[{"sku":"T-1"}],"note":null}` || ctype != "application/json" {
		t.Errorf("sent %s as %s", body, ctype)
	}
	if value.Text(v) != `{"id":7,"ok":true}` {
		t.Errorf("answer %s", value.Text(v))
	}
	// The bot may say what the body is.
	if _, err := c.Post(context.Background(), srv.URL, nil, rec("Content-Type", "application/vnd.api+json")); err != nil || ctype != "application/vnd.api+json" || string(body) != "null" {
		t.Errorf("Content-Type %s, body %s, %v", ctype, body, err)
	}
}

func TestAnswersWithoutJSONType(t *testing.T) {
	cases := []struct {
		ctype, body string
		status      int
		want        string
	}{
		{"", "", http.StatusNoContent, "null"},
		{"application/json", " \n", 200, "null"},
		{"text/plain; charset=utf-8", `[1, 2]`, 200, "[1,2]"},
		{"", `{"a": 1}`, 200, `{"a":1}`},
		{"text/json", `"x"`, 200, "x"},
		{"Application/JSON", `3`, 200, "3"},
	}
	for _, c := range cases {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = []string{c.ctype}
			w.WriteHeader(c.status)
			io.WriteString(w, c.body)
		})
		var cl Client
		v, err := cl.Get(context.Background(), srv.URL, nil, nil)
		if err != nil || value.Text(v) != c.want && !(c.want == "null" && v == nil) {
			t.Errorf("%q %q: %v, %v", c.ctype, c.body, v, err)
		}
	}
}

func TestErrors(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":"maintenance"}`)
		case "/teapot":
			w.WriteHeader(418)
		case "/custom":
			w.WriteHeader(599)
		case "/html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<html>login</html>")
		case "/plain":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "Rate limit exceeded")
		case "/untyped":
			w.Header()["Content-Type"] = nil
			io.WriteString(w, "<?xml version='1.0'?>")
		case "/broken":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"a": [1, 2}`)
		case "/deep":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, strings.Repeat("[", 300))
		}
	})
	u := srv.URL
	var c Client
	ctx := context.Background()
	get := func(path string) error {
		_, err := c.Get(ctx, u+path+"?key="+secret, nil, rec("Authorization", "Bearer "+secret))
		return err
	}
	wantError(t, get("/down"), ErrStatus, "GET "+u+"/down: 503 Service Unavailable")
	wantError(t, get("/teapot"), ErrStatus, "GET "+u+"/teapot: 418 I'm a teapot")
	wantError(t, get("/custom"), ErrStatus, "GET "+u+"/custom: 599")
	wantError(t, get("/html"), ErrNotJSON, "GET "+u+"/html: answered text/html, not JSON")
	wantError(t, get("/plain"), ErrNotJSON, "GET "+u+"/plain: answered text/plain, not JSON")
	wantError(t, get("/untyped"), ErrNotJSON, "GET "+u+"/untyped: answered no Content-Type, not JSON")
	wantError(t, get("/broken"), ErrNotJSON, "GET "+u+"/broken: the answer is not valid JSON: invalid JSON at byte 11: unexpected '}', expected ',' or ']'")
	wantError(t, get("/deep"), ErrNotJSON, "GET "+u+"/deep: the answer is not valid JSON: invalid JSON at byte 200: nested deeper than 200 levels")
	var fe *Error
	if errors.As(get("/down"), &fe); fe == nil || fe.Status != 503 || fe.Method != "GET" || fe.URL != u+"/down" {
		t.Errorf("Error fields %+v", fe)
	}
	var je *value.JSONError
	if !errors.As(get("/broken"), &je) || je.Offset != 11 {
		t.Errorf("the JSON error is not reachable: %v", je)
	}

	// What the bot gives is checked before anything is sent.
	bad := []struct {
		url        string
		query, hdr *value.Record
		kind       error
		want       string
	}{
		{"ftp://files.example.org/x", nil, nil, ErrBadURL, "GET ftp://files.example.org/x: the URL must begin with http:// or https://"},
		{"/v1/forecast", nil, nil, ErrBadURL, "GET /v1/forecast: the URL must begin with http:// or https://"},
		{"https://", nil, nil, ErrBadURL, "GET https://: the URL has no host"},
		{"http://a b/?k=" + secret, nil, nil, ErrBadURL, `GET http://a b/: invalid URL: invalid character " " in host name`},
		{"https://user:" + secret + "@api.example.org/v1?k=" + secret + "#frag", nil, rec("h", "\n"), ErrBadRequest,
			"GET https://api.example.org/v1: header h: its value holds a control character (a line break?)"},
		{u, rec("where", rec("lat", 1.0)), nil, ErrBadRequest, `GET ` + u + `: query parameter "where": is a record: only numbers, strings and bools can be sent`},
		{u, rec("ids", []value.Value{1.0}), nil, ErrBadRequest, `GET ` + u + `: query parameter "ids": is a list: only numbers, strings and bools can be sent`},
		{u, nil, rec("Bad Name", "x"), ErrBadRequest, `GET ` + u + `: header "Bad Name": not a valid header name`},
		{u, nil, rec("X-Key", secret+"\r\nX-Evil: 1"), ErrBadRequest, `GET ` + u + `: header X-Key: its value holds a control character (a line break?)`},
		{u, nil, rec("X-Key", rec()), ErrBadRequest, `GET ` + u + `: header X-Key: is a record: only numbers, strings and bools can be sent`},
	}
	for _, b := range bad {
		_, err := c.Get(ctx, b.url, b.query, b.hdr)
		wantError(t, err, b.kind, b.want)
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var c Client
	_, err = c.Get(context.Background(), "http://"+addr+"/v1?key="+secret, nil, nil)
	wantError(t, err, ErrConnect, "GET http://"+addr+"/v1: cannot connect: dial tcp "+addr+": connect: connection refused")
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Error("the network's error is not reachable")
	}
}

// A server that hangs up in the middle of its answer.
func TestAnswerBrokenOff(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, `{"a":`)
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	var c Client
	_, err := c.Get(context.Background(), srv.URL, nil, nil)
	wantError(t, err, ErrConnect, "GET "+srv.URL+": the answer broke off: unexpected EOF")
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `[1,`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := Client{Timeout: 100 * time.Millisecond}
	for _, path := range []string{"/slow-headers", "/slow-body"} {
		start := time.Now()
		_, err := c.Get(context.Background(), srv.URL+path, nil, nil)
		wantError(t, err, ErrTimeout, "GET "+srv.URL+path+": timed out after 100ms")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Error("a timeout is not context.DeadlineExceeded")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %v", path, d)
		}
	}
}

func TestCancel(t *testing.T) {
	arrived := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	var c Client
	_, err := c.Get(ctx, srv.URL, nil, nil)
	wantError(t, err, ErrCanceled, "GET "+srv.URL+": cancelled: context canceled")
	if !errors.Is(err, context.Canceled) {
		t.Error("not context.Canceled")
	}
	// An ended context fails at once.
	_, err = c.Post(ctx, srv.URL, nil, nil)
	wantError(t, err, ErrCanceled, "POST "+srv.URL+": cancelled: context canceled")
}

// countingBody is an endless answer that counts what is read of it.
type countingBody struct {
	read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	b.read += int64(len(p))
	return len(p), nil
}

func (b *countingBody) Close() error { return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSizeLimit(t *testing.T) {
	big := `["` + strings.Repeat("x", 2000) + `"]`
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/chunked" {
			io.WriteString(w, big[:1000])
			w.(http.Flusher).Flush() // no Content-Length: the size shows as it is read
			io.WriteString(w, big[1000:])
			return
		}
		io.WriteString(w, big)
	})
	c := Client{MaxBytes: 1024}
	_, err := c.Get(context.Background(), srv.URL+"/announced", nil, nil)
	wantError(t, err, ErrTooLarge, "GET "+srv.URL+"/announced: the answer is 2004 bytes, over the limit of 1 KiB (http.max_bytes)")
	_, err = c.Get(context.Background(), srv.URL+"/chunked", nil, nil)
	wantError(t, err, ErrTooLarge, "GET "+srv.URL+"/chunked: the answer is over the limit of 1 KiB (http.max_bytes)")
	// Exactly at the limit is fine.
	c.MaxBytes = int64(len(big))
	if _, err := c.Get(context.Background(), srv.URL+"/chunked", nil, nil); err != nil {
		t.Errorf("an answer of exactly MaxBytes: %v", err)
	}

	// An endless answer is read one byte past the limit, no more.
	body := &countingBody{}
	c = Client{MaxBytes: 5000, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
			Body: body, ContentLength: -1, Request: r}, nil
	})}
	_, err = c.Get(context.Background(), "https://api.example.org/stream", nil, nil)
	wantError(t, err, ErrTooLarge, "GET https://api.example.org/stream: the answer is over the limit of 5000 bytes (http.max_bytes)")
	if body.read != 5001 {
		t.Errorf("read %d bytes of an endless answer, want 5001", body.read)
	}
	if DefaultMaxBytes != 1<<20 || (&Client{}).maxBytes() != 1<<20 || (&Client{}).timeout() != 10*time.Second {
		t.Error("defaults")
	}
}

func TestBytesText(t *testing.T) {
	for n, want := range map[int64]string{1 << 20: "1 MiB", 3 << 19: "1.5 MiB", 1024: "1 KiB", 5000: "5000 bytes", 1536: "1.5 KiB", 1000: "1000 bytes"} {
		if got := bytesText(n); got != want {
			t.Errorf("bytesText(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestRedirects(t *testing.T) {
	var other *httptest.Server
	var otherKey, sameKey string
	other = serve(t, func(w http.ResponseWriter, r *http.Request) {
		otherKey = r.Header.Get("X-Api-Key") + "|" + r.Header.Get("Accept")
		jsonAnswer(`"elsewhere"`)(w, r)
	})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case strings.HasPrefix(p, "/hop/"):
			var n int
			fmt.Sscanf(p, "/hop/%d", &n)
			if n == 0 {
				sameKey = r.Header.Get("X-Api-Key")
				jsonAnswer(`"arrived"`)(w, r)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusMovedPermanently)
		case p == "/ftp":
			http.Redirect(w, r, "ftp://files.example.org/x", http.StatusFound)
		case p == "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusTemporaryRedirect)
		}
	})
	var c Client
	ctx := context.Background()
	hdr := rec("X-Api-Key", secret)
	v, err := c.Get(ctx, srv.URL+"/hop/5", nil, hdr)
	if err != nil || v != "arrived" || sameKey != secret {
		t.Errorf("5 redirects: %v, %v; key %q", v, err, sameKey)
	}
	_, err = c.Get(ctx, srv.URL+"/hop/6", nil, hdr)
	wantError(t, err, ErrRedirect, "GET "+srv.URL+"/hop/6: more than 5 redirects")
	_, err = c.Get(ctx, srv.URL+"/loop", nil, nil)
	wantError(t, err, ErrRedirect, "GET "+srv.URL+"/loop: more than 5 redirects")
	_, err = c.Get(ctx, srv.URL+"/ftp", nil, nil)
	wantError(t, err, ErrRedirect, "GET "+srv.URL+"/ftp: redirected to a ftp: URL; only http and https are followed")
	// The bot's headers stay with the service it called.
	v, err = c.Post(ctx, srv.URL+"/away", rec("a", 1.0), hdr)
	if err != nil || v != "elsewhere" || otherKey != "|application/json" {
		t.Errorf("redirected away: %v, %v; the other host got %q", v, err, otherKey)
	}
}

func TestMocks(t *testing.T) {
	var hits int
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits++
		jsonAnswer(`"network"`)(w, r)
	})
	const api = "https://api.example.org/v1"
	base := &Client{Timeout: time.Second}
	m := NewMocks(true)
	m.Return("get", api, rec("current", rec("temperature_2m", 21.5)))
	m.Fail("POST", api, "timeout")
	c := base.WithMocks(m)
	if base.Mocks != nil || c.Timeout != time.Second {
		t.Error("WithMocks changed the base or lost its settings")
	}
	ctx := context.Background()
	q := rec("latitude", 41.39)
	v, err := c.Get(ctx, api, q, nil)
	if err != nil || value.Text(v) != `{"current":{"temperature_2m":21.5}}` {
		t.Errorf("mocked get: %v, %v", v, err)
	}
	_, err = c.Post(ctx, api, rec("a", 1.0), nil)
	wantError(t, err, ErrMocked, "POST "+api+": timeout")
	_, err = c.Get(ctx, api+"/other", nil, nil)
	wantError(t, err, ErrUnmocked, "unmocked HTTP call: GET "+api+"/other")
	_, err = c.Get(ctx, srv.URL, nil, nil)
	wantError(t, err, ErrUnmocked, "unmocked HTTP call: GET "+srv.URL)
	// A call that could not be made fails as it would for real.
	_, err = c.Get(ctx, api, rec("where", rec()), nil)
	wantError(t, err, ErrBadRequest, `GET `+api+`: query parameter "where": is a record: only numbers, strings and bools can be sent`)

	calls := m.Calls()
	if len(calls) != 4 || calls[0].Method != "GET" || calls[0].URL != api || calls[0].Query != q ||
		value.Text(calls[1].Body) != `{"a":1}` || calls[3].URL != srv.URL {
		t.Errorf("calls %+v", calls)
	}

	// Mocks that are not strict let other calls through.
	loose := base.WithMocks(&Mocks{})
	if v, err := loose.Get(ctx, srv.URL, nil, nil); err != nil || v != "network" || hits != 1 {
		t.Errorf("unmocked call through loose mocks: %v, %v, %d hits", v, err, hits)
	}
	if hits != 1 {
		t.Errorf("the network was called %d times", hits)
	}
}

// Sessions each with their own mocks, at once, over one Client.
func TestMocksPerSession(t *testing.T) {
	const api = "https://api.example.org/v1"
	base := &Client{}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := NewMocks(true)
			m.Return("GET", api, float64(i))
			c := base.WithMocks(m)
			for range 50 {
				v, err := c.Get(context.Background(), api, nil, nil)
				if err != nil || v != float64(i) {
					t.Errorf("session %d got %v, %v", i, v, err)
					return
				}
			}
			if len(m.Calls()) != 50 {
				t.Errorf("session %d saw %d calls", i, len(m.Calls()))
			}
		}()
	}
	wg.Wait()
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.example.org/v1?key=x#f":    "https://api.example.org/v1",
		"https://u:p@api.example.org/a@b?c=d":   "https://api.example.org/a@b",
		"https://u@host":                        "https://host",
		" http://host/\x1b[31m ":                "http://host/?[31m",
		"no scheme":                             "no scheme",
		"https://h/" + strings.Repeat("é", 200): "https://h/" + strings.Repeat("é", 95) + "…",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	srv := httptest.NewServer(jsonAnswer(`{"current":{"time":"2026-11-30T08:00","temperature_2m":21.5,"wind_speed_10m":12}}`))
	defer srv.Close()
	var c Client // the shared transport, as a bot has it
	query := rec("latitude", 41.39, "longitude", 2.17, "current", "temperature_2m,wind_speed_10m")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Get(ctx, srv.URL+"/v1/forecast", query, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetStdlib is the baseline of BenchmarkGet: the same call with
// net/http alone, its answer read whole and decoded by encoding/json.
func BenchmarkGetStdlib(b *testing.B) {
	srv := httptest.NewServer(jsonAnswer(`{"current":{"time":"2026-11-30T08:00","temperature_2m":21.5,"wind_speed_10m":12}}`))
	defer srv.Close()
	u := srv.URL + "/v1/forecast?latitude=41.39&longitude=2.17&current=temperature_2m%2Cwind_speed_10m"
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v any
		if err != nil || json.Unmarshal(data, &v) != nil {
			b.Fatal(err)
		}
	}
}
