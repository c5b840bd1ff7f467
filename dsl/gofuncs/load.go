package gofuncs

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
)

// Load type-checks the Go files of package main in dir and describes their
// top-level functions and declarations. A folder without Go files gives an
// empty Package. The diagnostics hold every problem found (syntax and type
// errors with their files' own positions, a file of another package, an
// import that does not resolve); the Package is returned with them, as far
// as the files could be understood, and is nil only when they could not be
// type-checked at all. A Package may be shared with other loads through a
// Cache: it must not be modified.
func Load(dir string, opts Options) (*Package, diag.Diagnostics) {
	var key cacheKey
	var stamp []fileStamp
	if opts.Cache != nil {
		var err error
		if key, stamp, err = stampFolder(dir, opts.Env); err == nil {
			if p, diags, ok := opts.Cache.get(key, stamp); ok {
				return p, diags
			}
		} else {
			stamp = nil
		}
	}
	p, diags, keep := load(dir, opts)
	diags.Sort()
	if keep && stamp != nil {
		opts.Cache.put(key, stamp, p, diags)
	}
	return p, diags
}

// load loads dir; keep is false when the result depends on more than the
// folder's files (the go command failed, or the load was cancelled), so
// that a cache does not keep it.
func load(dir string, opts Options) (p *Package, diags diag.Diagnostics, keep bool) {
	f, diags := scan(dir)
	if f == nil {
		return nil, diags, false
	}
	p = &Package{Dir: dir}
	for _, name := range f.files {
		p.Files = append(p.Files, filepath.Join(dir, name))
	}
	if f.goMod {
		p.GoMod = filepath.Join(dir, "go.mod")
	}
	if len(f.files) == 0 {
		return p, diags, true
	}
	if diags.HasErrors() {
		// Another package's file, or an import that cannot resolve: the
		// type checker would only word the same errors less clearly.
		return nil, diags, true
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	tc, diags, keep := f.typeCheck(ctx, opts.Env)
	if ctx.Err() != nil {
		keep = false
	}
	if tc == nil {
		return nil, diags, keep
	}
	f.describe(p, tc)
	return p, diags, keep
}

// checked is the package main of a folder, type-checked.
type checked struct {
	fset  *token.FileSet
	files []*ast.File
	pkg   *types.Package
}

// typeCheck parses the folder's files and type-checks them, with the
// export data of their imports from go list. Syntax errors hide the type
// errors, which they would mostly cause; the package is still
// type-checked, for what the files that parse declare.
func (f *folder) typeCheck(ctx context.Context, env []string) (*checked, diag.Diagnostics, bool) {
	tc := &checked{fset: token.NewFileSet()}
	var syntaxErrs diag.Diagnostics
	imports := map[string][]token.Pos{}
	for _, name := range f.files {
		file, err := parser.ParseFile(tc.fset, filepath.Join(f.absDir, name), f.srcs[name], parser.ParseComments|parser.SkipObjectResolution)
		var list scanner.ErrorList
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				syntaxErrs = append(syntaxErrs, diag.Diagnostic{Pos: position(e.Pos, f.dir, f.absDir), Message: e.Msg})
			}
		case err != nil:
			syntaxErrs = append(syntaxErrs, diag.Diagnostic{Pos: ir.Pos{File: filepath.Join(f.dir, name), Line: 1, Col: 1}, Message: err.Error()})
		}
		if file == nil {
			continue
		}
		tc.files = append(tc.files, file)
		for _, imp := range file.Imports {
			if path, err := strconv.Unquote(imp.Path.Value); err == nil && path != "unsafe" {
				imports[path] = append(imports[path], imp.Path.Pos())
			}
		}
	}
	exports, importErrs, keep := f.golist(ctx, env, imports, tc.fset)
	var typeErrs diag.Diagnostics
	// The imports go list could not provide are reported already: not
	// again by the type checker, which cannot import them either.
	failed := map[ir.Pos]bool{}
	if len(importErrs) > 0 {
		for path, at := range imports {
			if _, ok := exports[path]; !ok {
				for _, pos := range at {
					failed[position(tc.fset.Position(pos), f.dir, f.absDir)] = true
				}
			}
		}
	}
	conf := types.Config{
		GoVersion: f.goVersion(),
		Importer: importer.ForCompiler(tc.fset, "gc", func(path string) (io.ReadCloser, error) {
			if file, ok := exports[path]; ok {
				return os.Open(file)
			}
			return nil, fmt.Errorf("no export data for %s", path)
		}),
		Sizes: types.SizesFor("gc", build.Default.GOARCH),
		Error: func(err error) {
			var te types.Error
			if !errors.As(err, &te) {
				return
			}
			pos := position(te.Fset.Position(te.Pos), f.dir, f.absDir)
			if !failed[pos] {
				typeErrs = append(typeErrs, diag.Diagnostic{Pos: pos, Message: te.Msg})
			}
		},
	}
	tc.pkg, _ = conf.Check("main", tc.fset, tc.files, nil)
	diags := append(syntaxErrs, importErrs...)
	if len(syntaxErrs) == 0 {
		diags = append(diags, typeErrs...)
	}
	return tc, diags, keep
}

// goVersion is the Go version of the folder's go.mod, which sets the
// language's features; "" (the toolchain's) without one.
func (f *folder) goVersion() string {
	if !f.goMod {
		return ""
	}
	data, err := os.ReadFile(filepath.Join(f.absDir, "go.mod"))
	if err != nil {
		return ""
	}
	if m := goDirectiveRE.FindSubmatch(data); m != nil {
		return "go" + string(m[1])
	}
	return ""
}

var goDirectiveRE = regexp.MustCompile(`(?m)^go\s+([0-9]+\.[0-9]+(?:\.[0-9]+)?)\s*(?://.*)?$`)

// listed is what go list -json says of an imported package.
type listed struct {
	ImportPath string
	Export     string
	Error      *struct{ Err string }
	DepsErrors []struct{ Err string }
}

// golist asks go list for the export data of the imports, which it takes
// from Go's build cache or compiles there, and returns the export files by
// import path; an import it cannot provide is a diagnostic at each place
// that imports it. keep is false when go list reported an error: it may not
// last (a module it could not download).
func (f *folder) golist(ctx context.Context, env []string, imports map[string][]token.Pos, fset *token.FileSet) (map[string]string, diag.Diagnostics, bool) {
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range imports {
			if !yield(p) {
				return
			}
		}
	})
	if len(paths) == 0 && !f.goMod {
		return nil, nil, true
	}
	tmp, err := os.MkdirTemp("", "botgen-gofuncs-")
	if err != nil {
		return nil, diag.Diagnostics{f.goError(err.Error())}, false
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "list", "-e", "-json=ImportPath,Export,Error,DepsErrors")
	// GOFLAGS is cleared as a build clears it (a user's -mod=vendor would
	// not apply to the bot's build), and GOTOOLCHAIN=local keeps a check
	// from downloading the toolchain a go.mod asks for.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GO111MODULE=on", "CGO_ENABLED=0", "GOTOOLCHAIN=local")
	if f.goMod {
		// The module's own requirements, from a copy of go.mod and go.sum
		// that -mod=mod may update without touching the user's.
		for _, name := range []string{"go.mod", "go.sum"} {
			data, err := os.ReadFile(filepath.Join(f.absDir, name))
			if errors.Is(err, os.ErrNotExist) && name == "go.sum" {
				continue
			}
			if err == nil {
				err = os.WriteFile(filepath.Join(tmp, name), data, 0o600)
			}
			if err != nil {
				return nil, diag.Diagnostics{f.goError(fmt.Sprintf("cannot copy %s: %v", name, unwrapPathErr(err)))}, false
			}
		}
		cmd.Dir = f.absDir
		cmd.Args = append(cmd.Args, "-mod=mod", "-modfile="+filepath.Join(tmp, "go.mod"))
		if len(paths) == 0 {
			cmd.Args = append(cmd.Args, "-m") // no import: only go.mod to check
		}
	} else {
		// Outside any module: the standard library, whatever module is
		// around the folder.
		cmd.Dir = tmp
		cmd.Env = append(cmd.Env, "GOPROXY=off")
	}
	cmd.Env = append(cmd.Env, env...)
	if len(paths) > 0 {
		cmd.Args = append(cmd.Args, "-export")
		cmd.Args = append(cmd.Args, paths...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, diag.Diagnostics{f.goError(ctx.Err().Error())}, false
		}
		out := strings.TrimSpace(stderr.String())
		if out == "" {
			out = err.Error()
		}
		return nil, f.commandErrors(out, tmp), false
	}
	exports := map[string]string{}
	var diags diag.Diagnostics
	dec := json.NewDecoder(&stdout)
	for {
		var l listed
		if err := dec.Decode(&l); err == io.EOF {
			break
		} else if err != nil {
			return nil, diag.Diagnostics{f.goError(fmt.Sprintf("reading go list's output: %v", err))}, false
		}
		msg := ""
		switch {
		case l.Error != nil:
			msg = l.Error.Err
		case len(l.DepsErrors) > 0:
			msg = l.DepsErrors[0].Err
		case l.Export == "":
			msg = "go list gave no export data for " + l.ImportPath
		}
		if msg == "" {
			exports[l.ImportPath] = l.Export
			continue
		}
		for _, pos := range imports[l.ImportPath] {
			diags = append(diags, diag.Diagnostic{Pos: position(fset.Position(pos), f.dir, f.absDir), Message: f.cleanMessage(msg, tmp)})
		}
	}
	return exports, diags, len(diags) == 0
}

// posRE splits a position in the go command's output: file:line:col or
// file:line.
var posRE = regexp.MustCompile(`^(.+?):(\d+)(?::(\d+))?$`)

// commandErrors turns the output of a go command that failed into
// diagnostics: those of its lines that name a position in a file of the
// folder (go.mod, mostly), or the whole output.
func (f *folder) commandErrors(out, tmp string) diag.Diagnostics {
	out = f.cleanMessage(out, tmp)
	var diags diag.Diagnostics
	for line := range strings.Lines(out) {
		where, msg, ok := strings.Cut(strings.TrimSpace(line), ": ")
		m := posRE.FindStringSubmatch(where)
		if !ok || m == nil || filepath.Dir(m[1]) != f.absDir {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		diags = append(diags, diag.Diagnostic{Pos: ir.Pos{File: displayPath(m[1], f.dir, f.absDir), Line: n, Col: max(col, 1)}, Message: msg})
	}
	if len(diags) == 0 {
		diags = append(diags, f.goError(out))
	}
	return diags
}

// cleanMessage names the copy of go.mod in a message as the user's file.
func (f *folder) cleanMessage(msg, tmp string) string {
	return strings.ReplaceAll(msg, tmp, f.absDir)
}

// goError is a problem of the go command itself, shown at the start of
// go.mod, or of the first Go file.
func (f *folder) goError(msg string) diag.Diagnostic {
	file := filepath.Join(f.dir, "go.mod")
	if !f.goMod && len(f.files) > 0 {
		file = filepath.Join(f.dir, f.files[0])
	}
	return diag.Diagnostic{Pos: ir.Pos{File: file, Line: 1, Col: 1}, Message: msg}
}

// describe fills p with the functions and declarations of tc.
func (f *folder) describe(p *Package, tc *checked) {
	at := func(pos token.Pos) ir.Pos { return position(tc.fset.Position(pos), f.dir, f.absDir) }
	scope := tc.pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		d := Decl{Name: name, Pos: at(obj.Pos())}
		switch obj.(type) {
		case *types.Func:
			d.Kind = FuncDecl
		case *types.Var:
			d.Kind = VarDecl
		case *types.Const:
			d.Kind = ConstDecl
		case *types.TypeName:
			d.Kind = TypeDecl
		default:
			continue
		}
		p.Decls = append(p.Decls, d)
	}
	// The names the files import packages as: in a file's scope, but a
	// package-level name must not repeat them.
	for fileScope := range scope.Children() {
		for _, name := range fileScope.Names() {
			if pn, ok := fileScope.Lookup(name).(*types.PkgName); ok {
				p.Decls = append(p.Decls, Decl{Name: name, Kind: ImportDecl, Pos: at(pn.Pos())})
			}
		}
	}
	slices.SortStableFunc(p.Decls, func(a, b Decl) int { return comparePos(a.Pos, b.Pos) })
	d := describer{pkg: tc.pkg}
	for _, file := range tc.files {
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv != nil {
				continue
			}
			switch fd.Name.Name {
			case "main", "init", "_":
				continue
			}
			fn, ok := scope.Lookup(fd.Name.Name).(*types.Func)
			if !ok || fn.Pos() != fd.Name.Pos() {
				continue // declared twice: a type error says so
			}
			doc := strings.TrimSuffix(fd.Doc.Text(), "\n")
			p.Funcs = append(p.Funcs, d.function(fn, doc, at(fn.Pos())))
		}
	}
}

func comparePos(a, b ir.Pos) int {
	return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}
