package lsp

import (
	"bufio"
	"io"
	"log/slog"
	"testing"

	"github.com/botgen-dev/botgen/dsl/symbols"
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
		`{"jsonrpc":"2.0","id":6,"method":"textDocument/rename","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":3,"character":14},"newName":"s1"}}`,
		`{"jsonrpc":"2.0","id":7,"method":"textDocument/prepareRename","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":1,"character":8}}}`,
		`{"jsonrpc":"2.0","id":8,"method":"textDocument/references","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":3,"character":8},"context":{"includeDeclaration":true}}}`,
		`{"jsonrpc":"2.0","id":9,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///b.bot"},"range":{"start":{"line":0,"character":0},"end":{"line":9,"character":0}},"context":{"diagnostics":[]}}}`,
		`{"jsonrpc":"2.0","id":10,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"file:///b.bot"}}}`,
		`{"jsonrpc":"2.0","id":11,"method":"textDocument/semanticTokens/range","params":{"textDocument":{"uri":"file:///b.bot"},"range":{"start":{"line":-5,"character":0},"end":{"line":2,"character":0}}}}`,
		`{"jsonrpc":"2.0","id":12,"method":"textDocument/rename","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":3,"character":7},"newName":"é\u0000"}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///b.bot"},"contentChanges":[{"text":"bot b\nvar n = 0\nstate s {\n for x in [n] { reply \"{x} {n} \\\"\" }\n set n = len(\"{\") }"}]}}`,
		`{"jsonrpc":"2.0","id":13,"method":"textDocument/documentHighlight","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":3,"character":14}}}`,
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

// FuzzNames colours arbitrary sources and renames every name in them:
// none may panic, and the tokens must be in order, on their lines, without
// overlapping.
func FuzzNames(f *testing.F) {
	for _, seed := range []string{
		"bot b\nvar n = 0\ninitial state s {\n    for x in [n] { reply \"{x} {n} {{ \\\"\" }\n    set n = len(\"{\")\n}\n",
		"bot b\nintent i { \"a {p}\" param p: any }\nstate s { reply \"\"\"\n  {p}\n  \"\"\" on i -> s }\n",
		"bot b\nsetting u = \"x\"\ntest \"t\" { mock get u returns {a: [1]} }\n",
		"bot b\nentity e = /a/\nstate s { reply \"{",
		"bot \xff\nstate s { reply \"\xfe{\xff}\" }",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		ix, ok := symbols.Names("f.bot", src)
		toks := semanticTokens("f.bot", src, ix, ok)
		for i, tok := range toks {
			if tok.length <= 0 || i > 0 && toks[i-1].line == tok.line && toks[i-1].start+toks[i-1].length > tok.start || i > 0 && toks[i-1].line > tok.line {
				t.Fatalf("token %d %+v after %+v", i, tok, toks[max(i-1, 0)])
			}
		}
		encodeTokens(toks)
		if !ok {
			return
		}
		for _, n := range ix.Names {
			ix.Refs(n)
			ix.CheckRename(n, "x")
		}
	})
}
