package lsp

import (
	"bufio"
	"io"
	"log/slog"
	"testing"
)

// FuzzHandle feeds the server arbitrary message bodies, after a document is
// open: none may panic, and each is answered or ignored.
func FuzzHandle(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`,
		`{"jsonrpc":"2.0","id":2,"method":"textDocument/definition","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":2,"character":9}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":-1,"character":99999}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///b.bot"},"contentChanges":[{"text":"bot b\nstate s {"}]}}`,
		`{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":1,"character":1}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"textDocument/formatting","params":null}`,
		`{"id":[1],"method":7}`,
		`[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := &Server{}
		s.out = bufio.NewWriter(io.Discard)
		s.init()
		s.log = slog.New(slog.DiscardHandler)
		s.handle([]byte(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///b.bot","text":"bot b\nintent hi { \"hi\" }\ninitial state s0 {\n    on hi -> s0\n}\n"}}}`))
		s.handle(body)
	})
}
