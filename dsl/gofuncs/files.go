package gofuncs

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
)

// folder is what a folder holds, found before the go command runs: the
// errors a file's header alone shows are reported here with a message of
// their own, rather than as go list or the type checker word them.
type folder struct {
	dir    string // as Load was given it
	absDir string
	files  []string          // names of the Go files compiled in, sorted
	srcs   map[string][]byte // their contents, read once: go list does not read them
	goMod  bool
}

// scan lists the Go files of dir that a build compiles and checks their
// package clauses and imports.
func scan(dir string) (*folder, diag.Diagnostics) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, diag.Diagnostics{folderError(dir, err)}
	}
	entries, err := os.ReadDir(absDir)
	if err != nil {
		return nil, diag.Diagnostics{folderError(dir, err)}
	}
	f := &folder{dir: dir, absDir: absDir, srcs: map[string][]byte{}}
	var diags diag.Diagnostics
	// The bot is built with CGO_ENABLED=0 (see build.goEnv), and for this
	// platform: the files a build leaves out are left out here.
	ctxt := build.Default
	ctxt.CgoEnabled = false
	ctxt.OpenFile = func(path string) (io.ReadCloser, error) {
		if src, ok := f.srcs[filepath.Base(path)]; ok {
			return io.NopCloser(bytes.NewReader(src)), nil
		}
		return os.Open(path)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "go.mod" && !e.IsDir():
			f.goMod = true
			continue
		case !isGoFile(name) || e.IsDir():
			continue
		}
		path := filepath.Join(absDir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			diags = append(diags, diag.Diagnostic{Pos: ir.Pos{File: filepath.Join(dir, name), Line: 1, Col: 1}, Message: fmt.Sprintf("cannot read %s: %v", name, unwrapPathErr(err))})
			continue
		}
		f.srcs[name] = src
		// A header that does not parse is left to the parser, which
		// reports it with the file's other syntax errors.
		if ok, err := ctxt.MatchFile(absDir, name); err == nil && !ok {
			continue
		}
		f.files = append(f.files, name)
	}
	slices.Sort(f.files)
	fset := token.NewFileSet()
	for _, name := range f.files {
		diags = append(diags, f.checkHeader(fset, name, f.srcs[name])...)
	}
	return f, diags
}

// isGoFile reports whether the go command compiles the file called name
// into a package: a .go file, not a test, not hidden.
func isGoFile(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") &&
		!strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_")
}

// checkHeader checks the package clause and the imports of the file name.
func (f *folder) checkHeader(fset *token.FileSet, name string, src []byte) diag.Diagnostics {
	file, err := parser.ParseFile(fset, filepath.Join(f.absDir, name), src, parser.ImportsOnly)
	if err != nil {
		return nil // the parser reports it, with the file's other errors
	}
	var diags diag.Diagnostics
	at := func(p token.Pos) ir.Pos { return position(fset.Position(p), f.dir, f.absDir) }
	if pkg := file.Name.Name; pkg != "main" {
		diags = append(diags, diag.Diagnostic{Pos: at(file.Name.Pos()), Message: fmt.Sprintf(
			"package %s: every Go file beside a bot is compiled into it, so it must be package main (move the file to another folder)", pkg)})
	}
	for _, imp := range file.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue // the parser reports it
		}
		switch {
		case path == "C":
			diags = append(diags, diag.Diagnostic{Pos: at(imp.Path.Pos()), Message: `import "C": a bot is built without cgo (CGO_ENABLED=0), so it cannot use C code`})
		case !f.goMod && !isStd(path):
			diags = append(diags, diag.Diagnostic{Pos: at(imp.Path.Pos()), Message: fmt.Sprintf(
				"import %q: the folder has no go.mod, so its Go files can import only the standard library; to use other modules, make the folder a module (go mod init) and require them (go get %s)", path, path)})
		}
	}
	return diags
}

// isStd reports whether an import path can name a standard library
// package: the go command reserves the paths whose first element has no dot
// for it. (Whether the package exists is go list's to say.)
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func folderError(dir string, err error) diag.Diagnostic {
	return diag.Diagnostic{Pos: ir.Pos{File: dir, Line: 1, Col: 1}, Message: fmt.Sprintf("cannot read the folder of Go functions: %v", unwrapPathErr(err))}
}

// unwrapPathErr drops the path of err, which the message names otherwise.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// displayPath names the file at path (absolute, or relative to the
// process) as dir joined with its base name when it is in absDir.
func displayPath(path, dir, absDir string) string {
	if path == "" {
		return path
	}
	if filepath.Dir(path) == absDir {
		return filepath.Join(dir, filepath.Base(path))
	}
	return path
}

// Names returns the top-level names the Go files of dir that a build
// compiles declare (functions, variables, constants, types) and the names
// they import packages as, reading the files alone: no go command, no type
// checking. It is for a bot that calls no Go function, whose files are
// compiled into it all the same: the code generated beside them must not
// take their names. An import without a name is taken as the last element
// of its path, which is the package's name but for a major version suffix.
// What does not parse is left out.
func Names(dir string) (names, imports []string) {
	f, _ := scan(dir)
	if f == nil {
		return nil, nil
	}
	fset := token.NewFileSet()
	add := func(list *[]string, name string) {
		if name != "_" && name != "." && !slices.Contains(*list, name) {
			*list = append(*list, name)
		}
	}
	for _, name := range f.files {
		file, err := parser.ParseFile(fset, name, f.srcs[name], parser.SkipObjectResolution)
		if file == nil {
			continue
		}
		_ = err // a partial file still names what it declares
		for _, imp := range file.Imports {
			if imp.Name != nil {
				add(&imports, imp.Name.Name)
				continue
			}
			if p, err := strconv.Unquote(imp.Path.Value); err == nil {
				add(&imports, path.Base(p))
			}
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.Name != "init" { // init declares nothing
					add(&names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						add(&names, sp.Name.Name)
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							add(&names, n.Name)
						}
					}
				}
			}
		}
	}
	return names, imports
}
