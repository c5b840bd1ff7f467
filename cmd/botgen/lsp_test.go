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
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`,
		`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
		`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","method":"exit"}`,
	} {
		fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n%s", len(m), m)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"botgen", "lsp"}, &in, &stdout, &stderr)
	out := stdout.String()
	if code != 0 || !strings.Contains(out, `"serverInfo":{"name":"botgen"`) || !strings.Contains(out, `{"jsonrpc":"2.0","id":2,"result":null}`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, stderr.String())
	}
	if code, _, errs := botgen(t, "lsp", "x.bot"); code != 2 || !strings.Contains(errs, "takes no arguments") {
		t.Errorf("lsp with an argument: exit %d, %q", code, errs)
	}
}
