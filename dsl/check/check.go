// Package check turns the syntax tree of a .bot file into the resolved
// model of package ir: it resolves names, types expressions, loads the
// files the bot references (through package assets) and checks the state
// graph. Problems are collected as positioned diagnostics, all of them in
// one run; it never panics on any input.
//
// The checker runs as passes over the tree, one file each: declarations,
// config, states and their statements and replies, tests, audio, the state
// graph and the training sentences; expressions and string literals are
// typed where they occur.
package check

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/gofuncs"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/spelling"
)

// intentInfo is what the passes know of a declared intent.
type intentInfo struct {
	pos    ir.Pos
	params map[string]*nlu.Param
	used   bool // by a transition or a global
}

// paramInfo is a parameter name, declared by one intent or more with one
// type.
type paramInfo struct {
	typ    ir.Type
	entity string
	intent string
	pos    ir.Pos
}

// varInfo is a variable, declared by var or introduced by set.
type varInfo struct {
	typ      ir.Type
	more     ir.Shape // the shape of a record, list or dynamic value; zero for the other types
	pos      ir.Pos
	declared bool // by `var`; otherwise introduced by `set`
	order    int  // of its first set, for one introduced by set
}

// shape returns the variable's shape.
func (v *varInfo) shape() ir.Shape {
	if v.more.Type != ir.Invalid {
		return v.more
	}
	return ir.Shape{Type: v.typ}
}

// newVar returns a variable of shape s.
func newVar(s ir.Shape, pos ir.Pos) *varInfo {
	v := &varInfo{typ: s.Type, pos: pos}
	if !scalar(s.Type) {
		v.more = s
	}
	return v
}

// settingInfo is a declared setting.
type settingInfo struct {
	value ir.Value
	pos   ir.Pos
}

// loopVar is the variable of a for loop, while its body is checked.
type loopVar struct {
	name  string
	shape ir.Shape
	pos   ir.Pos
}

// mockInfo is a mock of a test, whose use is checked once every state is.
type mockInfo struct {
	fn  string
	pos ir.Pos
}

// stateInfo is a declared state.
type stateInfo struct {
	decl  *syntax.StateDecl
	pos   ir.Pos
	index int
}

// checker is one run of Check: the model being built, the diagnostics, and
// what each pass records for the passes after it.
type checker struct {
	filename string
	src      []byte // the source: the conditions' text is read from it
	diags    diag.Diagnostics
	quiet    int                         // while > 0, diagnostics are dropped (see inferSetVars)
	posFn    func(lexer.Position) ir.Pos // inside an interpolation, see pos
	// constant, when not "", names what the expression being checked
	// is (a mocked value): it may read no name and call no function.
	constant string
	bot      *ir.Bot
	cfg      config.Config // the config block over the defaults, as checked

	// The declared names (declarations.go) and the loaded files (files.go).
	entities map[string]ir.Pos
	intents  map[string]*intentInfo
	params   map[string]*paramInfo
	vars     map[string]*varInfo
	settings map[string]*settingInfo
	states   map[string]*stateInfo
	files    map[fileKey]*loadedFile
	loader   *assets.Loader
	loops    []loopVar // the enclosing for loops, innermost last

	// The Go functions beside the bot (gofuncs.go), and what calls them.
	goCache    *gofuncs.Cache
	goLoaded   bool
	goPkg      *gofuncs.Package
	goFailed   bool            // the Go files have errors, reported
	goCalled   map[string]bool // Go functions the bot calls
	httpCalled map[string]bool // get, post when the bot calls them
	mocks      []mockInfo

	// The bot's knowledge (knowledge.go) and the replies that answer from it.
	knowledgeAt *ir.Pos           // the first knowledge declaration
	documents   map[string]ir.Pos // the documents read, by path as named
	answers     []ir.Pos          // reply answer
}

func (c *checker) report(d diag.Diagnostic) {
	if c.quiet == 0 {
		c.diags = append(c.diags, d)
	}
}

func (c *checker) errorf(pos ir.Pos, format string, args ...any) {
	c.report(diag.Diagnostic{Pos: pos, Severity: diag.Error, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(pos ir.Pos, format string, args ...any) {
	c.report(diag.Diagnostic{Pos: pos, Severity: diag.Warning, Message: fmt.Sprintf(format, args...)})
}

// pos converts a syntax position; inside an interpolation it maps back into
// the string literal.
func (c *checker) pos(p lexer.Position) ir.Pos {
	if c.posFn != nil {
		return c.posFn(p)
	}
	return toPos(p)
}

func (c *checker) where(p ir.Pos) string {
	return fmt.Sprintf("%s:%d:%d", filepath.Base(p.File), p.Line, p.Col)
}

// Options say where a bot's surroundings are.
type Options struct {
	// Files loads the files the bot references; nil loads them from the
	// current folder, as a build does. Its Dir is also the folder of the
	// Go functions the bot calls.
	Files *assets.Loader
	// GoCache, when not nil, keeps the Go functions loaded between checks,
	// for an editor (see gofuncs.Cache).
	GoCache *gofuncs.Cache
}

// Check resolves the names of a parsed bot, types its expressions, loads
// and validates the files it references and the Go functions it calls,
// and returns the resolved model. The model is complete only when the
// diagnostics hold no error.
func Check(f *syntax.File, src []byte, opts Options) (bot *ir.Bot, diags diag.Diagnostics) {
	if f == nil || f.Name == nil {
		return nil, diag.Diagnostics{{Pos: ir.Pos{Line: 1, Col: 1}, Severity: diag.Error, Message: "nothing to check"}}
	}
	files := opts.Files
	if files == nil {
		files = &assets.Loader{}
	}
	filename := f.Pos.Filename
	if filename == "" {
		filename = f.Name.Pos.Filename
	}
	c := &checker{
		filename: filename,
		src:      src,
		cfg:      config.Default(),
		entities: map[string]ir.Pos{},
		intents:  map[string]*intentInfo{},
		params:   map[string]*paramInfo{},
		vars:     map[string]*varInfo{},
		settings: map[string]*settingInfo{},
		states:   map[string]*stateInfo{},
		files:    map[fileKey]*loadedFile{},
		loader:   files,

		documents:  map[string]ir.Pos{},
		goCache:    opts.GoCache,
		goCalled:   map[string]bool{},
		httpCalled: map[string]bool{},
	}
	defer func() {
		if r := recover(); r != nil {
			bot = nil
			diags = append(c.diags, diag.Diagnostic{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: diag.Error, Message: fmt.Sprintf("internal checker error: %v", r)})
			diags.Sort()
		}
	}()
	sum := sha256.Sum256(src)
	c.bot = &ir.Bot{
		Name:       f.Name.Name,
		SourceFile: filepath.Base(filename),
		SourceHash: hex.EncodeToString(sum[:]),
	}
	// Each pass relies on what the passes before it recorded.
	c.declare(f)       // declarations.go: every name, whatever the order
	c.inferSetVars(f)  // declarations.go: the variables set introduces
	c.body(f)          // config, globals, states, fallback and tests
	c.knowledgeUses()  // knowledge.go: needs every reply and the config
	c.mockUses()       // tests.go: needs every call of the states
	c.goNames()        // gofuncs.go: once every pass that loads them has run
	c.finishVars()     // declarations.go
	c.audioChecks()    // audio.go: needs every reply and test
	c.graph(f)         // graph.go: needs every state
	c.unusedIntents()  // graph.go: needs every transition
	c.sameSentences(f) // sentences.go: needs the config
	c.diags.Sort()
	return c.bot, c.diags
}

// body checks the declarations that make up the bot's behaviour in source
// order, in one walk: the files they embed are numbered in the order they
// are first referenced, and a file's problem is reported where it is
// first named.
func (c *checker) body(f *syntax.File) {
	var cfgBlock *syntax.ConfigBlock
	for _, d := range f.Decls {
		switch {
		case d.Config != nil:
			if cfgBlock != nil {
				c.errorf(toPos(d.Config.Pos), "duplicate config block (first at %s)", c.where(toPos(cfgBlock.Pos)))
			} else {
				cfgBlock = d.Config
			}
			c.config(d.Config)
		case d.Global != nil:
			c.global(d.Global)
		case d.State != nil:
			c.state(d.State)
		case d.Fallback != nil:
			c.botFallback(d)
		case d.Test != nil:
			c.test(d.Test)
		case d.Knowledge != nil:
			c.knowledge(d.Knowledge)
		}
	}
}

// misspelt reports a problem with name, written at pos: the message, then
// a hint naming the candidate that name is a likely typo of, if any. The
// diagnostic carries that candidate as a fix, for an editor's quick fix.
func (c *checker) misspelt(sev diag.Severity, pos ir.Pos, name string, candidates []string, format string, args ...any) {
	d := diag.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)}
	if s := spelling.Suggest(name, candidates); s != "" {
		d.Message += fmt.Sprintf(" (did you mean %q?)", s)
		d.Fix = &diag.Replacement{Pos: pos, Old: name, New: s}
	}
	c.report(d)
}

// sortedKeys returns the names of m in order, so that hints do not depend on
// map order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// toPos converts the position of a syntax node (see syntax.ToPos).
func toPos(p lexer.Position) ir.Pos { return syntax.ToPos(p) }
