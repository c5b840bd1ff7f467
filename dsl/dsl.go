package dsl

import (
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// The diagnostics of package diag, under the names callers know.
type (
	Diagnostic  = diag.Diagnostic
	Diagnostics = diag.Diagnostics
	Severity    = diag.Severity
)

// The severities.
const (
	Error   = diag.Error
	Warning = diag.Warning
)

// DefaultMaxSourceSize is the largest .bot source, in bytes, that Parse reads.
const DefaultMaxSourceSize = syntax.DefaultMaxSourceSize

// Parse parses a .bot source of at most DefaultMaxSourceSize bytes; see
// syntax.Parse.
func Parse(filename string, src []byte) (*syntax.File, Diagnostics) {
	return syntax.Parse(filename, src)
}

// ParseLimited is Parse for a source of at most maxSize bytes (0 for
// DefaultMaxSourceSize).
func ParseLimited(filename string, src []byte, maxSize int) (*syntax.File, Diagnostics) {
	return syntax.ParseLimited(filename, src, maxSize)
}

// Format returns src in the canonical layout; see syntax.Format.
func Format(filename string, src []byte) ([]byte, Diagnostics) {
	return syntax.Format(filename, src)
}

func toPos(p lexer.Position) ir.Pos { return syntax.ToPos(p) }
