package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/dsl/symbols"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// BenchmarkDidChange is one keystroke in an editor on the showcase bot: the
// document changes, the server checks it and publishes its diagnostics.
func BenchmarkDidChange(b *testing.B) {
	path, err := filepath.Abs("../testdata/examples/showcase.bot")
	if err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	keystrokes(b, path, src)
}

// BenchmarkDidChangePhoto is one keystroke on a bot that shows a 1,200 by
// 900 photograph: what an editor pays for the files a bot references.
func BenchmarkDidChangePhoto(b *testing.B) {
	dir := b.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.UintN(256))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "photo.png"), buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	src := []byte("bot photo\n\ninitial state start {\n    reply image \"photo.png\"\n}\n")
	path := filepath.Join(dir, "photo.bot")
	keystrokes(b, path, src)
}

// keystrokes measures the server's answer to the document at path changing
// to src: a check and the diagnostics it publishes.
func keystrokes(b *testing.B, path string, src []byte) {
	uri := "file://" + path
	s := &Server{out: bufio.NewWriter(io.Discard), log: slog.New(slog.DiscardHandler)}
	s.init()
	s.docs[uri] = src
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": string(src)}},
	}})
	b.ReportAllocs()
	for b.Loop() {
		s.handle(msg)
	}
}

// largestExample returns the path and text of the largest example bot.
func largestExample(b *testing.B) (string, []byte) {
	paths, _ := filepath.Glob("../testdata/examples/*.bot")
	more, _ := filepath.Glob("../testdata/examples/*/*.bot")
	var path string
	var src []byte
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if len(data) > len(src) {
			path, src = p, data
		}
	}
	if path == "" {
		b.Fatal("no example bots")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		b.Fatal(err)
	}
	return abs, src
}

// BenchmarkSemanticTokens colours the largest example bot, as an editor
// asks for each time the file changes: after the check of the change, the
// index of names is built from the tree the check parsed.
func BenchmarkSemanticTokens(b *testing.B) {
	path, src := largestExample(b)
	b.Logf("%s, %d bytes", filepath.Base(path), len(src))
	uri := "file://" + path
	f, _ := syntax.Parse(path, src)
	request(b, uri, src, "textDocument/semanticTokens/full", map[string]any{}, func(s *Server) { s.names[uri] = namesEntry{file: f} })
}

// BenchmarkSemanticTokensParsing is BenchmarkSemanticTokens when the
// request comes before any check: the file is parsed too.
func BenchmarkSemanticTokensParsing(b *testing.B) {
	path, src := largestExample(b)
	request(b, "file://"+path, src, "textDocument/semanticTokens/full", map[string]any{}, nil)
}

// BenchmarkSemanticTokensLarge colours a bot of ten thousand states, near
// the size limit of a source.
func BenchmarkSemanticTokensLarge(b *testing.B) {
	var sb bytes.Buffer
	sb.WriteString("bot big\nvar n = 0\n")
	for i := range 10_000 {
		fmt.Fprintf(&sb, "state s%d {\n    set n = n + 1\n    reply \"n is {n} in s%d\"\n    go s%d\n}\n", i, i, (i+1)%10_000)
	}
	b.Logf("%d bytes", sb.Len())
	request(b, "file:///big.bot", sb.Bytes(), "textDocument/semanticTokens/full", map[string]any{}, nil)
}

// BenchmarkRename renames a variable of the largest example bot.
func BenchmarkRename(b *testing.B) {
	path, src := largestExample(b)
	ix, ok := symbols.Names(path, src)
	if !ok {
		b.Fatal("the example does not parse")
	}
	var at symbols.Name
	for _, n := range ix.Names {
		if n.Kind == symbols.Variable && n.Decl {
			at = n
			break
		}
	}
	if at.Name == "" {
		b.Fatal("no variable")
	}
	request(b, "file://"+path, src, "textDocument/rename", map[string]any{
		"position": map[string]any{"line": at.Pos.Line - 1, "character": at.Pos.Col - 1}, "newName": "renamed",
	}, nil)
}

// request measures the server's answer to a request about the document
// at uri, whose text is src; params are the request's own, beside the
// document. fresh, before each request, sets what is known of the
// document's names; nil: nothing, so that the request parses it.
func request(b *testing.B, uri string, src []byte, method string, params map[string]any, fresh func(*Server)) {
	if fresh == nil {
		fresh = func(s *Server) { clear(s.names) }
	}
	s := &Server{out: bufio.NewWriter(io.Discard), log: slog.New(slog.DiscardHandler)}
	s.init()
	s.docs[uri] = src
	params["textDocument"] = map[string]any{"uri": uri}
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	var out countingWriter
	s.out = bufio.NewWriter(&out)
	fresh(s)
	s.handle(msg)
	if out.n == 0 || bytes.Contains(out.last, []byte(`"error"`)) {
		b.Fatalf("%s: %s", method, out.last)
	}
	b.ReportAllocs()
	for b.Loop() {
		fresh(s)
		s.handle(msg)
	}
}

// countingWriter counts what the server writes and keeps its last write.
type countingWriter struct {
	n    int
	last []byte
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.last = append(w.last[:0], p...)
	return len(p), nil
}

// longLines are documents whose text is mostly one long line, n bytes
// long: what made the conversion of columns rescan the line for each
// token, quadratic in its length.
var longLines = []struct {
	name string
	text func(n int) string
}{
	// A line that does not parse (too deep): coloured token by token.
	{"minus", func(n int) string {
		return "bot b\ninitial state s {\n    set x = " + strings.Repeat("-", n) + "1\n}\n"
	}},
	// Many interpolations in one string.
	{"interpolations", func(n int) string {
		return "bot b\nvar a = 1\ninitial state s {\n    reply \"" + strings.Repeat("{a}", n/3) + "\"\n}\n"
	}},
	// One long interpolation: its positions mapped back into the string.
	{"interpolation", func(n int) string {
		return "bot b\nvar a = 1\ninitial state s {\n    reply \"{a" + strings.Repeat("+a", n/2) + "}\"\n}\n"
	}},
	// One long expression.
	{"sum", func(n int) string {
		return "bot b\ninitial state s {\n    set a = 1\n    set a = a" + strings.Repeat("+a", n/2) + "\n}\n"
	}},
	// Many strings among names.
	{"strings", func(n int) string {
		return "bot b\ninitial state s {\n    set a = \"\"\n    set a = a" + strings.Repeat(` + "{a}" + a`, n/15) + "\n}\n"
	}},
}

// BenchmarkLongLine colours documents of one long line, of two lengths:
// the time per byte must not grow with the line.
func BenchmarkLongLine(b *testing.B) {
	for _, c := range longLines {
		for _, n := range []int{50_000, 200_000} {
			b.Run(fmt.Sprintf("%s/%dKB", c.name, n/1000), func(b *testing.B) {
				request(b, "file:///long.bot", []byte(c.text(n)), "textDocument/semanticTokens/full", map[string]any{}, nil)
			})
		}
	}
}

// BenchmarkLongLineReferences lists the references of a name written
// 100,000 times on one line, and highlights them.
func BenchmarkLongLineReferences(b *testing.B) {
	src := []byte(longLines[3].text(200_000))
	at := map[string]any{"line": 3, "character": 8}
	for _, m := range []string{"textDocument/references", "textDocument/documentHighlight"} {
		b.Run(path.Base(m), func(b *testing.B) {
			request(b, "file:///long.bot", src, m, map[string]any{"position": at, "context": map[string]any{"includeDeclaration": true}}, nil)
		})
	}
}

// BenchmarkManyDeclarations lists the declarations of a bot of 20,000
// states, for an editor's outline.
func BenchmarkManyDeclarations(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("bot big\n")
	for i := range 20_000 {
		fmt.Fprintf(&sb, "state s%d { go s%d }\n", i, (i+1)%20_000)
	}
	request(b, "file:///big.bot", []byte(sb.String()), "textDocument/documentSymbol", map[string]any{}, nil)
}
