package diag

import (
	"testing"

	"github.com/botgen-dev/botgen/dsl/ir"
)

func TestDiagnosticString(t *testing.T) {
	ds := Diagnostics{
		{Pos: ir.Pos{File: "a.bot", Line: 3, Col: 1}, Severity: Warning, Message: "w"},
		{Pos: ir.Pos{File: "a.bot", Line: 1, Col: 2}, Severity: Error, Message: "e"},
	}
	ds.Sort()
	if got := ds.Error(); got != "a.bot:1:2: e\na.bot:3:1: warning: w" {
		t.Errorf("got %q", got)
	}
	if !ds.HasErrors() || ds[1:].HasErrors() {
		t.Error("HasErrors")
	}
}
