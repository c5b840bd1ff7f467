// Package webui serves a bot's web chat page, for generated code. The page
// (templates.Page) is embedded in the binary with its front-end libraries;
// this package fills in the bot's settings (title, colours, placeholder,
// avatar, dialect) and serves the files with their content types, ETags and
// compression. The page talks to the bot over the WebSocket endpoint on the
// same port.
package webui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/botgen-dev/botgen/templates"
)

// Settings are what a bot shows on its page.
type Settings struct {
	BotName     string // the bot's name: the title when Title is empty
	Title       string // heading and window title
	ThemeColor  string // CSS hex colour (#rgb or #rrggbb) of the accent; empty: the page's own
	Placeholder string // placeholder of the message box
	Avatar      []byte // image shown beside the bot's messages (JPEG, PNG or GIF); nil: the bot's initial
	Dialect     string // "bbf" or "baf": tells the page the reply actions' prefix
	// MaxFrame is the largest frame the bot reads (websocket.max_size): the
	// page refuses a file that would not fit, base64-encoded, before
	// sending it. 0: 16 MiB.
	MaxFrame int64
	// FrameAncestors are the CSP sources allowed to embed the page in a
	// frame; empty: 'self' only, so that no other site can frame the page
	// and trick its users into clicking through it.
	FrameAncestors []string
	// Graph tells the page that the bot draws its states at /graph: it
	// links there, with its session's id.
	Graph bool
}

// defaultColor is the accent when the bot sets none: a blue that keeps white
// text readable on it (contrast above 4.5:1).
const defaultColor = "#2563eb"

var hexColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// ValidColor reports whether s is a CSS hex colour the page accepts.
func ValidColor(s string) bool { return hexColor.MatchString(s) }

// contentSecurityPolicy lets the page run only its own scripts: even if a
// bot's HTML reply got past the sanitiser, no inline script or event handler
// in it would run. Styles may be inline because Plotly sets them; images may
// be data: and blob: URLs because image and file replies arrive as base64,
// and so may sounds, which the page plays from blob: URLs.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'%s; font-src 'self' data:; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors %s"

// hostRE is what a Host header must look like to be named in the policy.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// policy is the Content-Security-Policy for a request. Browsers that do not
// count ws: and wss: URLs of the page's own host as 'self' get them named.
func policy(host, ancestors string) string {
	extra := ""
	if hostRE.MatchString(host) {
		extra = " ws://" + host + " wss://" + host
	}
	return fmt.Sprintf(contentSecurityPolicy, extra, ancestors)
}

// Handler serves the page. Create it with New; it is safe for concurrent use
// and holds no mutable state.
type Handler struct {
	ancestors string // the frame-ancestors sources
	index     *asset
	avatar    *asset // nil: none
	files     map[string]*asset
}

// asset is one file ready to serve. Its tag and compressed copy are made on
// first use, so that a bot starts in milliseconds whatever the page weighs.
type asset struct {
	data    []byte
	gzipped bool // data is gzip-compressed: serve it encoded, or inflate it
	ctype   string

	once sync.Once
	gz   []byte // a gzip-compressed copy of data for text files; nil: none
	etag string
}

// prepare computes the asset's tag and, for a text asset, a gzip copy: the
// page's own files and its small libraries then cost a browser about a
// third of their size.
func (a *asset) prepare() {
	a.once.Do(func() {
		sum := sha256.Sum256(a.data)
		// Weak, because a gzipped file is served either encoded or
		// inflated under the one tag.
		a.etag = `W/"` + hex.EncodeToString(sum[:12]) + `"`
		a.compress()
	})
}

func (a *asset) compress() {
	if a.gzipped || len(a.data) < 1024 || !strings.HasPrefix(a.ctype, "text/") && a.ctype != "image/svg+xml" {
		return
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(a.data); err != nil || zw.Close() != nil {
		return
	}
	if buf.Len() < len(a.data) {
		a.gz = buf.Bytes()
	}
}

func newAsset(data []byte, ctype string, gzipped bool) *asset {
	return &asset{data: data, gzipped: gzipped, ctype: ctype}
}

// New prepares the page for s. It fails on an invalid theme colour or an
// avatar that is not an image.
func New(s Settings) (*Handler, error) {
	return newHandler(templates.Page, s)
}

// pageData is what index.html is filled with.
type pageData struct {
	Title       string
	Placeholder string
	Accent      string
	OnAccent    string
	Dialect     string
	BotName     string
	Avatar      bool
	Initial     string
	MaxUpload   int64
	Graph       bool
}

// maxUpload is the largest file that fits in a frame of max bytes: base64
// makes 3 bytes 4, and the frame's JSON takes some room of its own.
func maxUpload(frame int64) int64 {
	if frame <= 0 {
		frame = 16 << 20
	}
	const envelope = 4 << 10 // action, name, type, quotes and escapes
	return max(0, (frame-envelope)/4*3)
}

func newHandler(fsys fs.FS, s Settings) (*Handler, error) {
	page, err := fs.Sub(fsys, "page")
	if err != nil {
		return nil, err
	}
	color := s.ThemeColor
	if color == "" {
		color = defaultColor
	}
	if !ValidColor(color) {
		return nil, fmt.Errorf("webui: theme colour %q is not a CSS hex colour (#rgb or #rrggbb)", s.ThemeColor)
	}
	h := &Handler{files: map[string]*asset{}, ancestors: "'self'"}
	if len(s.FrameAncestors) > 0 {
		for _, src := range s.FrameAncestors {
			// The config checks the sources' grammar; here only what
			// keeps the policy one policy: no separator, no space.
			if src == "" || strings.ContainsFunc(src, func(r rune) bool { return r <= ' ' || r == ';' || r == ',' || r == 0x7f }) {
				return nil, fmt.Errorf("webui: frame ancestor %q is not a CSP source", src)
			}
		}
		h.ancestors = strings.Join(s.FrameAncestors, " ")
	}
	if len(s.Avatar) > 0 {
		ct := http.DetectContentType(s.Avatar)
		if !strings.HasPrefix(ct, "image/") {
			return nil, fmt.Errorf("webui: the avatar is not an image (%s)", ct)
		}
		h.avatar = newAsset(s.Avatar, ct, false)
	}
	title := strings.TrimSpace(s.Title)
	if title == "" {
		title = s.BotName
	}
	dialect := s.Dialect
	if dialect != "baf" {
		dialect = "bbf"
	}
	initial := "B"
	if r := []rune(strings.TrimSpace(title)); len(r) > 0 {
		initial = strings.ToUpper(string(r[0]))
	}
	data := pageData{
		Title:       title,
		Placeholder: s.Placeholder,
		Accent:      strings.ToLower(color),
		OnAccent:    textOn(color),
		Dialect:     dialect,
		BotName:     s.BotName,
		Avatar:      h.avatar != nil,
		Initial:     initial,
		MaxUpload:   maxUpload(s.MaxFrame),
		Graph:       s.Graph,
	}
	tmpl, err := template.ParseFS(page, "index.html")
	if err != nil {
		return nil, fmt.Errorf("webui: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("webui: %w", err)
	}
	h.index = newAsset(buf.Bytes(), "text/html; charset=utf-8", false)

	err = fs.WalkDir(page, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "index.html" {
			return err
		}
		b, err := fs.ReadFile(page, p)
		if err != nil {
			return err
		}
		name, gz := strings.CutSuffix(p, ".gz")
		a := newAsset(b, contentType(name), gz)
		h.files["/"+name] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("webui: %w", err)
	}
	return h, nil
}

// contentType is a file's type from a fixed table, so that serving does not
// depend on the machine's MIME database.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".json":
		return "application/json"
	case "":
		return "text/plain; charset=utf-8" // LICENSE, VERSIONS
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// ServeHTTP serves the page at "/", its files by path, and the avatar at
// "/avatar"; anything else is 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var a *asset
	switch p := r.URL.Path; {
	case p == "/" || p == "/index.html":
		a = h.index
		w.Header().Set("Content-Security-Policy", policy(r.Host, h.ancestors))
		w.Header().Set("Referrer-Policy", "no-referrer")
	case p == "/avatar":
		a = h.avatar
	default:
		a = h.files[p]
	}
	if a == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	a.serve(w, r)
}

func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	a.prepare()
	hd := w.Header()
	hd.Set("Content-Type", a.ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	// Revalidate every time: a rebuilt bot may serve a different page under
	// the same URLs, and a 304 costs next to nothing.
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", a.etag)
	if a.gzipped || a.gz != nil {
		hd.Set("Vary", "Accept-Encoding")
	}
	if etagMatch(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.data
	switch {
	case a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")):
		hd.Set("Content-Encoding", "gzip")
		body = a.gz
	case a.gzipped && acceptsGzip(r.Header.Get("Accept-Encoding")):
		hd.Set("Content-Encoding", "gzip")
	case a.gzipped:
		body = nil // inflated below
	}
	if body != nil {
		hd.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.data))
	if err != nil {
		http.Error(w, "corrupt embedded file", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, zr)
}

// etagMatch reports whether an If-None-Match header names tag (compared
// weakly, as RFC 9110 asks for If-None-Match).
func etagMatch(header, tag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(tag, "W/")
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.TrimSpace(coding)
		if !strings.EqualFold(coding, "gzip") && coding != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// textOn picks white or near-black text for a background colour, whichever
// contrasts more (WCAG relative luminance), so any theme colour stays
// readable.
func textOn(color string) string {
	hex := strings.TrimPrefix(color, "#")
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return "#ffffff"
	}
	lin := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
	// Contrast with white is 1.05/(l+0.05); with #111111 (luminance
	// 0.0056) it is (l+0.05)/0.0556.
	if 1.05/(l+0.05) >= (l+0.05)/0.0556 {
		return "#ffffff"
	}
	return "#111111"
}
