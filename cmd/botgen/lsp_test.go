package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestLSPCommand runs `botgen lsp` with an editor's opening and closing
// messages on its standard input.
func TestLSPCommand(t *testing.T) {
	var in bytes.Buffer
	for _, m := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"textDocument":{"rename":{"prepareSupport":true}}}}}`,
		`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///b.bot","version":1,"text":"bot b\ninitial state s0 { go s0 }\n"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"textDocument/rename","params":{"textDocument":{"uri":"file:///b.bot"},"position":{"line":1,"character":15},"newName":"start"}}`,
		`{"jsonrpc":"2.0","id":4,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"file:///b.bot"}}}`,
		`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","method":"exit"}`,
	} {
		fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n%s", len(m), m)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"botgen", "lsp"}, &in, &stdout, &stderr)
	out := stdout.String()
	rename := `{"jsonrpc":"2.0","id":3,"result":{"changes":{"file:///b.bot":[` +
		`{"range":{"start":{"line":1,"character":14},"end":{"line":1,"character":16}},"newText":"start"},` +
		`{"range":{"start":{"line":1,"character":22},"end":{"line":1,"character":24}},"newText":"start"}]}}}`
	if code != 0 || !strings.Contains(out, `"serverInfo":{"name":"botgen"`) || !strings.Contains(out, `{"jsonrpc":"2.0","id":2,"result":null}`) ||
		!strings.Contains(out, `"renameProvider":{"prepareProvider":true}`) || !strings.Contains(out, rename) || !strings.Contains(out, `{"jsonrpc":"2.0","id":4,"result":{"data":[0,0,3,`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, stderr.String())
	}
	if code, _, errs := botgen(t, "lsp", "x.bot"); code != 2 || !strings.Contains(errs, "takes no arguments") {
		t.Errorf("lsp with an argument: exit %d, %q", code, errs)
	}
}
