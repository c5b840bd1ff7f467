// Package gofuncs loads the Go functions beside a bot: every .go file of
// package main in a .bot file's folder is compiled into the bot, and a call
// in the bot (locate(place)) resolves to a top-level function there. Load
// type-checks those files and describes each function in the language's
// terms: what a bot may pass it, the shape of what it returns, and, for a
// function a bot cannot call, why, so that the checker reports it only
// where a bot calls it.
//
// The files are parsed and type-checked here, with go/types; go list
// provides only the export data of what they import, from Go's build cache
// (compiled there once). golang.org/x/tools/go/packages would do the same
// but also compile the bot's own package (go list -export compiles every
// package it lists), which costs time on every check and reports each error
// twice, the compiler's way and go/types'. go list still resolves the
// imports, so that a folder's go.mod and its requirements (through the
// module cache and GOPROXY) are honoured exactly as a build honours them.
// The export data is read by go/importer, so the go command on PATH must be
// the Go release botgen was built with, or one whose export data it reads.
//
// A folder without a go.mod is an ad-hoc package, as go list geo.go makes
// one: its files may import only the standard library. go list then runs
// in an empty temporary folder, outside any module, so that a module
// around the folder (the folder may be inside another module's tree, such
// as a repository's testdata) does not capture it. A folder with a go.mod
// is a module of its own: go list runs there with GOWORK=off and -mod=mod,
// as a build does, but on a copy of go.mod and go.sum, so that checking a
// folder never rewrites the user's files.
//
// An editor, which checks on every change, sets Options.Cache: a folder
// whose Go files, go.mod and go.sum have not changed is not loaded again.
package gofuncs

import (
	"context"
	"go/token"
	"reflect"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// Package is the Go code beside a bot, loaded.
type Package struct {
	// Dir is the folder, as Load was given it.
	Dir string
	// Files are the Go files compiled into the bot, Dir joined with their
	// names, sorted: not the _test.go files, nor those that build
	// constraints exclude.
	Files []string
	// GoMod is the path of the folder's go.mod; "" when it has none (the
	// files import only the standard library).
	GoMod string
	// Funcs are the top-level functions, in source order: not methods,
	// nor main and init.
	Funcs []Func
	// Decls are the top-level names the files declare (functions, main
	// included, variables, constants and types) and the names they import
	// packages as, in source order: code generated into the same package
	// must not declare them again.
	Decls []Decl
}

// Func returns the top-level function called name.
func (p *Package) Func(name string) (*Func, bool) {
	for i := range p.Funcs {
		if p.Funcs[i].Name == name {
			return &p.Funcs[i], true
		}
	}
	return nil, false
}

// Declares returns the first top-level declaration of name in the Go
// files, or import of a package as name.
func (p *Package) Declares(name string) (Decl, bool) {
	for _, d := range p.Decls {
		if d.Name == name {
			return d, true
		}
	}
	return Decl{}, false
}

// Func is a top-level Go function, as a bot sees it.
type Func struct {
	Name string
	Pos  ir.Pos // of its name; columns count bytes, as Go's do
	// Doc is its doc comment's text, without the comment markers.
	Doc string
	// Signature is the function as Go writes it, for a hover:
	// "func locate(city string) (Coords, error)".
	Signature string
	// Context is true when the first parameter is a context.Context, which
	// the bot provides: it is not in Params.
	Context bool
	// Params are the parameters a bot passes, in order.
	Params []Param
	// Result is what the function returns besides an error; nil when it
	// returns nothing else.
	Result *Result
	// Error is true when the function returns an error, last.
	Error bool
	// Reason tells why a bot cannot call the function at all (it is
	// generic, or returns other than a value and an error); "" when only
	// its parameters' and result's own reasons matter.
	Reason string
}

// Callable reports whether a bot can call f: it, its parameters and its
// result have no reason against.
func (f *Func) Callable() bool { return len(f.Reasons()) == 0 }

// Reasons returns every reason a bot cannot call f, the function's own
// first, then its parameters' in order, then its result's.
func (f *Func) Reasons() []string {
	var rs []string
	if f.Reason != "" {
		rs = append(rs, f.Reason)
	}
	for _, p := range f.Params {
		if p.Reason != "" {
			rs = append(rs, p.Reason)
		}
	}
	if f.Result != nil && f.Result.Reason != "" {
		rs = append(rs, f.Result.Reason)
	}
	return rs
}

// Param is a parameter a bot passes to a Go function.
type Param struct {
	// Name is the parameter's name; "" when it has none.
	Name string
	// GoType names the parameter's type as the bot's package (main) does:
	// "string", "int32", "Celsius", "time.Duration".
	GoType string
	// Import is the import path of the package that declares GoType when
	// it is neither predeclared nor declared in package main: "time".
	Import string
	// Kind is the basic type underneath GoType (reflect.String,
	// reflect.Bool, reflect.Int8 ... reflect.Uint64, reflect.Float32,
	// reflect.Float64), which a value converts to at run time: an integer
	// kind takes only integral numbers in its range. reflect.Invalid when
	// a bot cannot pass the parameter.
	Kind reflect.Kind
	// Type is the language's type of the values a bot passes: ir.String,
	// ir.Bool or ir.Number; ir.Invalid when a bot cannot pass it.
	Type ir.Type
	// Reason tells why a bot cannot pass the parameter; "" when it can.
	Reason string
}

// Result is the value a Go function returns to a bot.
type Result struct {
	// GoType names the result's type as package main does: "[]Order".
	GoType string
	// Shape is what a bot sees of the value: the value as encoding/json
	// writes it. The zero Shape when a bot cannot use it.
	Shape ir.Shape
	// Reason tells why a bot cannot use the result; "" when it can.
	Reason string
}

// Decl is a top-level name the Go files declare.
type Decl struct {
	Name string
	Kind DeclKind
	Pos  ir.Pos
}

// DeclKind tells what a top-level name is.
type DeclKind int

// The kinds of top-level declarations.
const (
	FuncDecl DeclKind = iota
	VarDecl
	ConstDecl
	TypeDecl
	ImportDecl // the name of an imported package, in one file's scope
)

// String returns "func", "var", "const", "type" or "import", as Go
// declares them.
func (k DeclKind) String() string {
	switch k {
	case ImportDecl:
		return "import"
	case VarDecl:
		return "var"
	case ConstDecl:
		return "const"
	case TypeDecl:
		return "type"
	}
	return "func"
}

// Options control a load.
type Options struct {
	// Context cancels the go command; nil is context.Background().
	Context context.Context
	// Env is added to the go command's environment after the settings Load
	// makes (GOWORK=off, GOFLAGS empty, CGO_ENABLED=0, GOTOOLCHAIN=local, and GOPROXY=off
	// for a folder without a go.mod), so that it can change them:
	// GOPROXY=off checks a folder with a go.mod offline.
	Env []string
	// Cache, when not nil, keeps what a load gives for the next loads of
	// the same folder with the same Env: a folder whose Go files, go.mod
	// and go.sum have not changed is not loaded again.
	Cache *Cache
}

// position converts a go/token position, naming the file as dir joined
// with its base name when the file is in absDir (the files are parsed by
// their absolute paths), as the user named the folder.
func position(p token.Position, dir, absDir string) ir.Pos {
	return ir.Pos{File: displayPath(p.Filename, dir, absDir), Line: p.Line, Col: p.Column}
}
