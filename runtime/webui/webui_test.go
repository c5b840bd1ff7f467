package webui

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/botgen-dev/botgen/templates"
)

func get(t *testing.T, h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPageSettings(t *testing.T) {
	h, err := New(Settings{
		BotName:     "weather_bot",
		Title:       `Weather <script>alert(1)</script>`,
		ThemeColor:  "#FACC15",
		Placeholder: `Ask "me"`,
		Dialect:     "baf",
	})
	if err != nil {
		t.Fatal(err)
	}
	w := get(t, h, "GET", "/")
	if w.Code != 200 {
		t.Fatalf("GET /: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`<title>Weather &lt;script&gt;alert(1)&lt;/script&gt;</title>`,
		`data-dialect="baf"`,
		`data-bot="weather_bot"`,
		`placeholder="Ask &#34;me&#34;"`,
		`--accent: #facc15; --on-accent: #111111`, // dark text on yellow
		`<meta name="theme-color" content="#facc15">`,
		`src="app.js"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("the title is not escaped")
	}
	if got := w.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") ||
		!strings.Contains(csp, "connect-src 'self' ws://example.com wss://example.com;") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	// A Host header that could change the policy is left out of it.
	for _, host := range []string{"a.example; script-src *", "x y", ""} {
		csp := policy(host, "'self'")
		if !strings.Contains(csp, "connect-src 'self';") {
			t.Errorf("host %q: %s", host, csp)
		}
	}
	if csp := policy("[::1]:8765", "'self'"); !strings.Contains(csp, "ws://[::1]:8765 wss://[::1]:8765;") {
		t.Errorf("IPv6 host: %s", csp)
	}
}

// TestFrameAncestors: only the page's own origin may frame it unless the
// bot names others, and a source that would add a directive is refused.
func TestFrameAncestors(t *testing.T) {
	get := func(h *Handler) string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		return w.Header().Get("Content-Security-Policy")
	}
	h, err := New(Settings{BotName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if csp := get(h); !strings.HasSuffix(csp, "; frame-ancestors 'self'") {
		t.Errorf("default policy %q", csp)
	}
	h, err = New(Settings{BotName: "b", FrameAncestors: []string{"'self'", "https://intranet.example.com", "*.example.org:443"}})
	if err != nil {
		t.Fatal(err)
	}
	if csp := get(h); !strings.HasSuffix(csp, "; frame-ancestors 'self' https://intranet.example.com *.example.org:443") {
		t.Errorf("policy %q", csp)
	}
	for _, bad := range []string{"x; script-src *", "a b", "a,b", "https://x.example/\n", ""} {
		if _, err := New(Settings{BotName: "b", FrameAncestors: []string{bad}}); err == nil {
			t.Errorf("frame ancestor %q accepted", bad)
		}
	}
}

func TestTitleDefaultsToBotName(t *testing.T) {
	h, err := New(Settings{BotName: "greeter"})
	if err != nil {
		t.Fatal(err)
	}
	body := get(t, h, "GET", "/").Body.String()
	for _, want := range []string{"<title>greeter</title>", `data-dialect="bbf"`, `--accent: #2563eb; --on-accent: #ffffff`, `href="icon.svg"`, ">G</span>"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if w := get(t, h, "GET", "/avatar"); w.Code != 404 {
		t.Errorf("GET /avatar without an avatar: %d", w.Code)
	}
}

// The page links to the bot's states only when the bot draws them.
func TestGraphLink(t *testing.T) {
	for _, graph := range []bool{false, true} {
		h, err := New(Settings{BotName: "greeter", Graph: graph})
		if err != nil {
			t.Fatal(err)
		}
		body := get(t, h, "GET", "/").Body.String()
		if got := strings.Contains(body, `id="graph-link" href="graph"`); got != graph {
			t.Errorf("Graph %v: link shown %v", graph, got)
		}
	}
}

func TestAssets(t *testing.T) {
	h, err := New(Settings{BotName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	for path, ctype := range map[string]string{
		"/app.js":                         "text/javascript; charset=utf-8",
		"/style.css":                      "text/css; charset=utf-8",
		"/icon.svg":                       "image/svg+xml",
		"/vendor/marked/marked.umd.js":    "text/javascript; charset=utf-8",
		"/vendor/dompurify/purify.min.js": "text/javascript; charset=utf-8",
		"/vendor/plotly/plotly.min.js":    "text/javascript; charset=utf-8",
		"/vendor/plotly/LICENSE":          "text/plain; charset=utf-8",
		"/vendor/VERSIONS":                "text/plain; charset=utf-8",
	} {
		w := get(t, h, "GET", path)
		if w.Code != 200 || w.Header().Get("Content-Type") != ctype {
			t.Errorf("GET %s: %d %q, want 200 %q", path, w.Code, w.Header().Get("Content-Type"), ctype)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("ETag") == "" {
			t.Errorf("GET %s: headers %v", path, w.Header())
		}
	}
	for _, path := range []string{"/nothing", "/vendor/plotly/plotly.min.js.gz", "/vendor/", "/../go.mod.tmpl", "/page.go"} {
		if w := get(t, h, "GET", path); w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
	}
	if w := get(t, h, "POST", "/"); w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: %d %v", w.Code, w.Header())
	}
	if w := get(t, h, "HEAD", "/app.js"); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD /app.js: %d, %d bytes", w.Code, w.Body.Len())
	}
}

func TestETag(t *testing.T) {
	h, err := New(Settings{BotName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/app.js", "/vendor/plotly/plotly.min.js"} {
		w := get(t, h, "GET", path, "Accept-Encoding", "gzip")
		tag := w.Header().Get("ETag")
		if w.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: Cache-Control %q", path, w.Header().Get("Cache-Control"))
		}
		if w := get(t, h, "GET", path, "If-None-Match", tag); w.Code != 304 || w.Body.Len() != 0 {
			t.Errorf("%s with its ETag: %d, %d bytes", path, w.Code, w.Body.Len())
		}
		if w := get(t, h, "GET", path, "If-None-Match", `"other", `+strings.TrimPrefix(tag, "W/")); w.Code != 304 {
			t.Errorf("%s with its ETag in a list: %d", path, w.Code)
		}
		if w := get(t, h, "GET", path, "If-None-Match", `"other"`); w.Code != 200 {
			t.Errorf("%s with another ETag: %d", path, w.Code)
		}
	}
}

// A file stored gzipped is sent as is to clients that accept gzip and
// inflated for the others.
func TestGzippedAsset(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("console.log('big library')"))
	zw.Close()
	fsys := fstest.MapFS{
		"page/index.html":    {Data: []byte("<title>{{.Title}}</title>")},
		"page/lib/big.js.gz": {Data: gz.Bytes()},
		"page/lib/small.js":  {Data: []byte("small")},
	}
	h, err := newHandler(fsys, Settings{BotName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	w := get(t, h, "GET", "/lib/big.js", "Accept-Encoding", "br, gzip;q=0.8")
	if w.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(w.Body.Bytes(), gz.Bytes()) || w.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("gzip client: %v %q", w.Header(), w.Body.Bytes())
	}
	for _, accept := range []string{"", "identity", "gzip;q=0"} {
		w = get(t, h, "GET", "/lib/big.js", "Accept-Encoding", accept)
		if w.Header().Get("Content-Encoding") != "" || w.Body.String() != "console.log('big library')" {
			t.Errorf("Accept-Encoding %q: %v %q", accept, w.Header(), w.Body.String())
		}
	}
	if w := get(t, h, "GET", "/lib/small.js", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" || w.Body.String() != "small" {
		t.Errorf("small file: %v %q", w.Header(), w.Body.String())
	}
}

// The page's text files are compressed once, when the page is prepared.
func TestCompressedText(t *testing.T) {
	h, err := New(Settings{BotName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/app.js", "/style.css", "/vendor/marked/marked.umd.js"} {
		plain := get(t, h, "GET", path)
		w := get(t, h, "GET", path, "Accept-Encoding", "gzip, deflate")
		if w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Vary") != "Accept-Encoding" || w.Body.Len() >= plain.Body.Len() {
			t.Errorf("%s: %v, %d bytes gzipped vs %d", path, w.Header(), w.Body.Len(), plain.Body.Len())
			continue
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		if !bytes.Equal(b, plain.Body.Bytes()) {
			t.Errorf("%s: the gzipped copy differs", path)
		}
		if plain.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed for a client that did not ask", path)
		}
	}
}

func TestAvatar(t *testing.T) {
	// The smallest GIF: enough for content sniffing.
	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	h, err := New(Settings{BotName: "b", Avatar: gif})
	if err != nil {
		t.Fatal(err)
	}
	w := get(t, h, "GET", "/avatar")
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/gif" || !bytes.Equal(w.Body.Bytes(), gif) {
		t.Errorf("GET /avatar: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	body := get(t, h, "GET", "/").Body.String()
	if !strings.Contains(body, `data-avatar="avatar"`) || !strings.Contains(body, `<link rel="icon" href="avatar">`) {
		t.Error("the page does not use the avatar")
	}
	if _, err := New(Settings{BotName: "b", Avatar: []byte("not an image at all")}); err == nil {
		t.Error("a text avatar was accepted")
	}
}

func TestThemeColor(t *testing.T) {
	for _, c := range []string{"#fff", "#2563EB", ""} {
		if _, err := New(Settings{ThemeColor: c}); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
	for _, c := range []string{"red", "#12345", "#ggg", "#2563eb;background:url(x)", "2563eb"} {
		if _, err := New(Settings{ThemeColor: c}); err == nil {
			t.Errorf("%q accepted", c)
		}
	}
	for color, want := range map[string]string{"#000000": "#ffffff", "#ffffff": "#111111", "#2563eb": "#ffffff", "#facc15": "#111111", "#0a0": "#111111", "#b91c1c": "#ffffff"} {
		if got := textOn(color); got != want {
			t.Errorf("textOn(%s) = %s, want %s", color, got, want)
		}
	}
}

// Every vendored library comes with its licence, and the page loads only
// files that exist.
func TestVendoredFiles(t *testing.T) {
	for _, p := range []string{
		"page/vendor/marked/LICENSE", "page/vendor/dompurify/LICENSE", "page/vendor/plotly/LICENSE", "page/vendor/VERSIONS",
	} {
		f, err := templates.Page.Open(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if len(b) == 0 {
			t.Errorf("%s is empty", p)
		}
	}
	h, err := New(Settings{BotName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	body := get(t, h, "GET", "/").Body.String()
	for _, m := range regexpAll(`(?:src|href)="([^"#:]+)"`, body) {
		if m == "avatar" {
			continue
		}
		if w := get(t, h, "GET", "/"+m); w.Code != 200 {
			t.Errorf("the page refers to %s, which is %d", m, w.Code)
		}
	}
}

func regexpAll(expr, s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
