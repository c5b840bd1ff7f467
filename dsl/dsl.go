// Package dsl reads .bot files: it is the front end's entry point, over
// the packages that do the work: syntax (lexer, grammar, parser,
// formatter), check (names, types, the state graph), assets (the files a
// bot references) and diag (the diagnostics they report). Load and Check
// produce the resolved model of package ir, which is all the generator
// sees. Problems are returned as Diagnostics with positions, all collected
// in one run; the packages never print and never panic on any input. The
// editor's name index is package symbols.
package dsl

import (
	"path/filepath"

	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/check"
	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/gofuncs"
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

// File is the syntax tree of a .bot file, as Parse returns it.
type File = syntax.File

// DefaultMaxSourceSize is the largest .bot source, in bytes, that Parse reads.
const DefaultMaxSourceSize = syntax.DefaultMaxSourceSize

// CheckOptions tells Check where the files a bot references live.
type CheckOptions struct {
	// Dir is the bot's folder: referenced files are named relative to it,
	// and must be inside it.
	Dir string
	// ReadFile reads a referenced file, given Dir joined with its path; nil
	// reads regular files from disk, following symbolic links only while
	// they stay inside Dir. The rules on absolute paths and ".." apply to
	// any ReadFile.
	ReadFile func(path string) ([]byte, error)
	// AllowOutside names folders, besides Dir, that referenced files may be
	// in (by an absolute path or a ".." path, or through a link).
	AllowOutside []string
	// MaxSourceSize is the largest .bot file Load reads, in bytes; 0 means
	// DefaultMaxSourceSize.
	MaxSourceSize int
	// ValidateOnly and Cache are for an editor, which checks on every change
	// and builds nothing: see assets.Loader. The diagnostics are the same;
	// the model's embedded files have no data.
	ValidateOnly bool
	Cache        *assets.Cache
	// GoCache, for an editor too, keeps the Go functions beside the bot
	// between checks: a folder whose Go files have not changed is not
	// loaded again (see gofuncs.Cache). The Go functions are loaded from
	// Dir, and only when the bot calls a function that is not built in.
	GoCache *gofuncs.Cache
}

// loader is the assets loader opts describe.
func (opts CheckOptions) loader() *assets.Loader {
	return &assets.Loader{Dir: opts.Dir, ReadFile: opts.ReadFile, AllowOutside: opts.AllowOutside, ValidateOnly: opts.ValidateOnly, Cache: opts.Cache}
}

// Parse parses a .bot source of at most DefaultMaxSourceSize bytes; see
// syntax.Parse.
func Parse(filename string, src []byte) (*File, Diagnostics) {
	return syntax.Parse(filename, src)
}

// ParseLimited is Parse for a source of at most maxSize bytes (0 for
// DefaultMaxSourceSize).
func ParseLimited(filename string, src []byte, maxSize int) (*File, Diagnostics) {
	return syntax.ParseLimited(filename, src, maxSize)
}

// Format returns src in the canonical layout; see syntax.Format.
func Format(filename string, src []byte) ([]byte, Diagnostics) {
	return syntax.Format(filename, src)
}

// Check resolves the names of a parsed bot, types its expressions, loads
// and validates the files it references, and returns the resolved model;
// see check.Check. The model is complete only when the diagnostics hold no
// error.
func Check(f *File, src []byte, opts CheckOptions) (*ir.Bot, Diagnostics) {
	return check.Check(f, src, check.Options{Files: opts.loader(), GoCache: opts.GoCache})
}

// Load reads, parses and checks the .bot file at path. opts.Dir, when
// empty, is the file's folder.
func Load(path string, opts CheckOptions) (*ir.Bot, Diagnostics) {
	src, diags := syntax.ReadSource(path, opts.MaxSourceSize)
	if diags != nil {
		return nil, diags
	}
	f, diags := syntax.ParseLimited(path, src, opts.MaxSourceSize)
	if diags.HasErrors() {
		return nil, diags
	}
	if opts.Dir == "" {
		opts.Dir = filepath.Dir(path)
	}
	return Check(f, src, opts)
}
