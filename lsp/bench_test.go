package lsp

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
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
	uri := "file://" + path
	s := &Server{out: bufio.NewWriter(io.Discard), log: slog.New(slog.DiscardHandler), docs: map[string][]byte{uri: src}}
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": string(src)}},
	}})
	b.ReportAllocs()
	for b.Loop() {
		s.handle(msg)
	}
}
