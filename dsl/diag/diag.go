// Package diag holds the problems the .bot front end finds: positioned
// diagnostics, collected over a whole run rather than stopping at the first.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// Severity tells whether a diagnostic stops the build.
type Severity int

// The severities.
const (
	Error Severity = iota
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a .bot file.
type Diagnostic struct {
	Pos      ir.Pos
	Severity Severity
	Message  string
	// Fix, when not nil, is the replacement the message's "did you mean"
	// hint proposes, for an editor to apply.
	Fix *Replacement
}

// Replacement is a fix of a misspelt name: Old, written at Pos, replaced by
// New.
type Replacement struct {
	Pos      ir.Pos
	Old, New string
}

// String formats d as "file:line:col: message", with "warning: " before the
// message of a warning.
func (d Diagnostic) String() string {
	sev := ""
	if d.Severity == Warning {
		sev = "warning: "
	}
	file := d.Pos.File
	if file == "" {
		file = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d: %s%s", file, d.Pos.Line, d.Pos.Col, sev, d.Message)
}

// Diagnostics is a list of diagnostics sorted by position.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Error returns every diagnostic, one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders ds by file, line and column, keeping the order of those at
// the same position.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
