package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
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
