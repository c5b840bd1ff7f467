// Package fetch makes the HTTP calls of a bot: get(url, query) and
// post(url, body) in the language, answering decoded JSON (value.Value).
//
// Every call is bounded: it takes at most Client.Timeout (http.timeout),
// its answer is read up to Client.MaxBytes (http.max_bytes), redirects
// are capped and go to http and https URLs only. Every failure is an
// *Error whose text says what went wrong, such as
//
//	GET https://api.example.org/v1: 503 Service Unavailable
//	GET https://api.example.org/v1: timed out after 10s
//	GET https://api.example.org/v1: answered text/html, not JSON
//
// and never holds what may be secret: header values, the URL's query, its
// user and password. A bot may show the error to its user ({error}).
//
// Tests replace the network with Mocks, kept per session so that one
// running bot serves every test with its own mocks at once.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/botgen-dev/botgen/runtime/builtin"
	"github.com/botgen-dev/botgen/runtime/value"
	"github.com/botgen-dev/botgen/runtime/version"
)

// The defaults of a Client's zero fields, those of http.timeout and
// http.max_bytes.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultMaxBytes = 1 << 20
)

// MaxRedirects is how many redirects a call follows.
const MaxRedirects = 5

// userAgent says who calls, as services ask of their clients.
const userAgent = "botgen/" + version.Version

// Client makes a bot's HTTP calls. Its zero value is ready to use; a
// Client is safe for concurrent use and is not changed by its calls.
type Client struct {
	// Timeout bounds a whole call, the answer's body included
	// (http.timeout); 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxBytes is the largest answer read (http.max_bytes); 0 means
	// DefaultMaxBytes.
	MaxBytes int64
	// Transport makes the requests; nil means one transport all Clients
	// share, so that connections to a service are reused across sessions.
	Transport http.RoundTripper
	// Mocks, when not nil, answer the calls they know instead of the
	// network (see Mocks); WithMocks makes a Client with them.
	Mocks *Mocks
}

// WithMocks returns a copy of c that answers with m: one per session of
// a test run, while they all share c's transport.
func (c *Client) WithMocks(m *Mocks) *Client {
	cc := *c
	cc.Mocks = m
	return &cc
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}

// sharedTransport is the transport of the Clients without one: Go's
// default settings (proxies from the environment, HTTP/2, keep-alive),
// with more idle connections per host since a bot calls few services
// often. It is made once and holds only its connection pool.
var sharedTransport http.RoundTripper = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}()

// Get calls GET rawURL with the fields of query added to the URL's own
// query (a field replaces a parameter of the same name; null leaves it
// out) and answers the decoded JSON. A query value must be a number, a
// string or a bool. headers (nil: none) are sent as they are.
func (c *Client) Get(ctx context.Context, rawURL string, query, headers *value.Record) (value.Value, error) {
	return c.call(ctx, http.MethodGet, rawURL, query, nil, false, headers)
}

// Post calls POST rawURL with body as JSON (Content-Type
// application/json) and answers the decoded JSON. headers (nil: none) are
// sent as they are, and may replace the Content-Type.
func (c *Client) Post(ctx context.Context, rawURL string, body value.Value, headers *value.Record) (value.Value, error) {
	return c.call(ctx, http.MethodPost, rawURL, nil, body, true, headers)
}

func (c *Client) call(ctx context.Context, method, rawURL string, query *value.Record, body value.Value, hasBody bool, headers *value.Record) (value.Value, error) {
	fail := func(kind error, cause error, format string, args ...any) error {
		return &Error{Method: method, URL: redact(rawURL), msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
	}
	// Everything the bot gives is checked before mocks answer, so that a
	// test fails where the real call would.
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, fail(ErrBadURL, nil, "%s", err)
	}
	if err := mergeQuery(u, query); err != nil {
		return nil, fail(ErrBadRequest, nil, "%s", err)
	}
	hdr, err := header(headers)
	if err != nil {
		return nil, fail(ErrBadRequest, nil, "%s", err)
	}
	if c.Mocks != nil {
		if v, err, ok := c.Mocks.answer(method, rawURL, query, body); ok {
			return v, err
		}
	}
	var payload io.Reader // nil: no body
	if hasBody {
		payload = bytes.NewReader(value.AppendJSON(nil, body))
	}

	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout(), errTimedOut)
	defer cancel()
	// failed says why ctx ended, if it did: the bot's time limit, or the
	// caller giving up (a shutdown).
	failed := func() error {
		if ctx.Err() == nil {
			return nil
		}
		if errors.Is(context.Cause(ctx), errTimedOut) {
			return fail(ErrTimeout, context.DeadlineExceeded, "timed out after %s", c.timeout())
		}
		return fail(ErrCanceled, context.Cause(ctx), "cancelled: %v", context.Cause(ctx))
	}

	req, err := http.NewRequestWithContext(ctx, method, u.String(), payload)
	if err != nil {
		return nil, fail(ErrBadURL, nil, "invalid URL")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	for name, vs := range hdr {
		req.Header[name] = vs
	}

	transport := c.Transport
	if transport == nil {
		transport = sharedTransport
	}
	hc := http.Client{Transport: transport, CheckRedirect: checkRedirect(u, hdr)}
	resp, err := hc.Do(req)
	if err != nil {
		if e := failed(); e != nil {
			return nil, e
		}
		var redirect *redirectError
		if errors.As(err, &redirect) {
			return nil, fail(ErrRedirect, nil, "%s", redirect.msg)
		}
		return nil, fail(ErrConnect, UnwrapURLError(err), "%s", scrub(ConnectMessage(err), u))
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// What is left of a short answer is read so that the connection
		// serves the next call.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		e := fail(ErrStatus, nil, "%s", status(resp))
		e.(*Error).Status = resp.StatusCode
		return nil, e
	}
	limit := c.maxBytes()
	if resp.ContentLength > limit {
		return nil, fail(ErrTooLarge, nil, "the answer is %s, over the limit of %s (http.max_bytes)", bytesText(resp.ContentLength), bytesText(limit))
	}
	mediaType, jsonType := contentType(resp.Header.Get("Content-Type"))
	if !jsonType && mediaType != "text/plain" && mediaType != "" {
		return nil, fail(ErrNotJSON, nil, "answered %s, not JSON", mediaType)
	}
	data, err := readAtMost(resp.Body, resp.ContentLength, limit)
	if err != nil {
		if e := failed(); e != nil {
			return nil, e
		}
		if errors.Is(err, errTooLarge) {
			return nil, fail(ErrTooLarge, nil, "the answer is over the limit of %s (http.max_bytes)", bytesText(limit))
		}
		return nil, fail(ErrConnect, err, "the answer broke off: %s", scrub(err.Error(), u))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil // 204 No Content, or a 200 with nothing to say
	}
	v, err := value.DecodeJSON(data, value.Limits{})
	if err != nil {
		if !jsonType {
			what := mediaType
			if what == "" {
				what = "no Content-Type"
			}
			return nil, fail(ErrNotJSON, err, "answered %s, not JSON", what)
		}
		return nil, fail(ErrNotJSON, err, "the answer is not valid JSON: %s", err)
	}
	return v, nil
}

// parseURL reads the URL a bot calls: absolute, http or https, with a host.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a secret
		}
		return nil, fmt.Errorf("invalid URL: %v", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("the URL must begin with http:// or https://")
	case u.Host == "":
		return nil, errors.New("the URL has no host")
	}
	return u, nil
}

// mergeQuery adds the fields of query to u's query, replacing parameters
// of the same name and keeping the others, and the fields, in order.
func mergeQuery(u *url.URL, query *value.Record) error {
	if query.Len() == 0 {
		return nil
	}
	var b strings.Builder
	for _, pair := range strings.Split(u.RawQuery, "&") {
		if pair == "" {
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil {
			if _, ok := query.Get(name); ok {
				continue
			}
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(pair)
	}
	for name, v := range query.All() {
		s, ok, err := scalar(v)
		if err != nil {
			return fmt.Errorf("query parameter %q: %w", name, err)
		}
		if !ok {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(s))
	}
	u.RawQuery = b.String()
	return nil
}

// scalar is v as text in a query or a header; ok is false for null, which
// is left out.
func scalar(v value.Value) (s string, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case float64:
		return builtin.FormatNum(x), true, nil
	case string:
		return x, true, nil
	case bool:
		return builtin.FormatBool(x), true, nil
	}
	k := value.KindOf(v)
	if k == value.KindNull {
		return "", false, nil
	}
	return "", false, fmt.Errorf("is a %s: only numbers, strings and bools can be sent", k)
}

// header checks the headers a bot sends. Its errors name the header but
// never show its value.
func header(headers *value.Record) (http.Header, error) {
	if headers.Len() == 0 {
		return nil, nil
	}
	h := make(http.Header, headers.Len())
	for name, v := range headers.All() {
		if !validHeaderName(name) {
			return nil, fmt.Errorf("header %q: not a valid header name", name)
		}
		s, ok, err := scalar(v)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", name, err)
		}
		if !ok {
			continue
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
				return nil, fmt.Errorf("header %s: its value holds a control character (a line break?)", name)
			}
		}
		h[http.CanonicalHeaderKey(name)] = []string{s}
	}
	return h, nil
}

// validHeaderName reports whether name is an HTTP token (RFC 9110).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// redirectError is why a redirect was not followed.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// checkRedirect follows at most MaxRedirects redirects, to http and https
// URLs only. The headers the bot set go along only to the same scheme
// and host: they may hold a key meant for that service alone (Go itself
// drops only Authorization and Cookie).
func checkRedirect(orig *url.URL, bot http.Header) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > MaxRedirects {
			return &redirectError{fmt.Sprintf("more than %d redirects", MaxRedirects)}
		}
		if s := req.URL.Scheme; s != "http" && s != "https" {
			return &redirectError{fmt.Sprintf("redirected to a %s: URL; only http and https are followed", s)}
		}
		if req.URL.Scheme != orig.Scheme || req.URL.Host != orig.Host {
			for name := range bot {
				if name != "Accept" && name != "User-Agent" && name != "Content-Type" {
					req.Header.Del(name)
				}
			}
		}
		return nil
	}
}

// UnwrapURLError is the cause of a failed request without the URL that
// *url.Error adds, which may hold a secret.
func UnwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ConnectMessage says why a request got no answer: "cannot connect: ..."
// or "no answer: ...", without the URL.
func ConnectMessage(err error) string {
	err = UnwrapURLError(err)
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return "cannot connect: " + op.Error()
	}
	return "no answer: " + err.Error()
}

// scrub removes u's query from msg, should an error of the network quote
// the URL.
func scrub(msg string, u *url.URL) string {
	if u.RawQuery != "" {
		msg = strings.ReplaceAll(msg, u.RawQuery, "…")
	}
	if p, ok := u.User.Password(); ok && p != "" {
		msg = strings.ReplaceAll(msg, p, "…")
	}
	return msg
}

// status is the status line of a response: "503 Service Unavailable".
func status(resp *http.Response) string {
	code := fmt.Sprint(resp.StatusCode)
	text := strings.TrimSpace(strings.TrimPrefix(resp.Status, code))
	if text == "" || text == "status code "+code { // what Go says of a status without text
		text = http.StatusText(resp.StatusCode)
	}
	if len(text) > 60 || strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		text = http.StatusText(resp.StatusCode) // a status line is the server's to write
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", resp.StatusCode, text))
}

// contentType returns the media type of a Content-Type header, and whether
// it is JSON: application/json, text/json, or a +json type
// (application/problem+json).
func contentType(h string) (mediaType string, isJSON bool) {
	if h == "" {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(h)
	if err != nil {
		mt, _, _ = strings.Cut(h, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	if len(mt) > 100 {
		mt = mt[:100]
	}
	return mt, mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

var errTooLarge = errors.New("too large")

// readAtMost reads r to its end, and fails with errTooLarge past limit
// bytes: it reads at most limit+1 bytes. size is the announced length (-1:
// unknown), a hint for the buffer.
func readAtMost(r io.Reader, size, limit int64) ([]byte, error) {
	n := int64(512)
	if size >= 0 {
		n = size + 1 // room to see the end without growing
	}
	buf := make([]byte, 0, min(n, limit+1))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := buf[len(buf):min(int64(cap(buf)), limit+1)]
		m, err := r.Read(room)
		buf = buf[:len(buf)+m]
		if int64(len(buf)) > limit {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// bytesText writes a number of bytes for people, exactly where it can: 1
// MiB, 1.5 KiB, 1000 bytes.
func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10 && n%(1<<9) == 0:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
