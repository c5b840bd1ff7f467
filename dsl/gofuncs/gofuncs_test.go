package gofuncs

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
)

// offline is the environment of the tests' loads: what they need is in the
// module cache (botgen's own requirements) or the standard library.
var offline = Options{Env: []string{"GOPROXY=off"}}

func needGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
}

// mustLoad loads dir, which must give no diagnostics.
func mustLoad(t *testing.T, dir string) *Package {
	t.Helper()
	needGo(t)
	p, diags := Load(dir, offline)
	if len(diags) > 0 {
		t.Fatalf("Load(%s):\n%v", dir, diags)
	}
	if p == nil {
		t.Fatalf("Load(%s): no package", dir)
	}
	return p
}

// The types folder is loaded once for the tests that read it.
var typesOnce = sync.OnceValues(func() (*Package, diag.Diagnostics) {
	return Load("testdata/types", offline)
})

func typesPackage(t *testing.T) *Package {
	t.Helper()
	needGo(t)
	p, diags := typesOnce()
	if len(diags) > 0 || p == nil {
		t.Fatalf("Load(testdata/types):\n%v", diags)
	}
	return p
}

func fn(t *testing.T, p *Package, name string) *Func {
	t.Helper()
	f, ok := p.Func(name)
	if !ok {
		t.Fatalf("no function %s", name)
	}
	return f
}

// The forecast example: the folder lies inside botgen's module, and is
// still an ad-hoc package of the standard library.
func TestForecast(t *testing.T) {
	p := mustLoad(t, forecastDir)
	file := filepath.Join(forecastDir, "geo.go")
	want := &Package{
		Dir:   forecastDir,
		Files: []string{file},
		Funcs: []Func{{
			Name:      "locate",
			Pos:       ir.Pos{File: file, Line: 18, Col: 6},
			Doc:       "locate returns the coordinates of a city the bot knows.",
			Signature: "func locate(city string) (Coords, error)",
			Params:    []Param{{Name: "city", GoType: "string", Kind: reflect.String, Type: ir.String}},
			Result: &Result{GoType: "Coords", Shape: ir.Shape{Type: ir.Record, Fields: []ir.Field{
				{Name: "lat", Shape: ir.Shape{Type: ir.Number}},
				{Name: "lon", Shape: ir.Shape{Type: ir.Number}},
			}}},
			Error: true,
		}},
		Decls: []Decl{
			{Name: "fmt", Kind: ImportDecl, Pos: ir.Pos{File: file, Line: 3, Col: 8}},
			{Name: "Coords", Kind: TypeDecl, Pos: ir.Pos{File: file, Line: 6, Col: 6}},
			{Name: "places", Kind: VarDecl, Pos: ir.Pos{File: file, Line: 11, Col: 5}},
			{Name: "locate", Kind: FuncDecl, Pos: ir.Pos{File: file, Line: 18, Col: 6}},
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Load(forecast) =\n%+v\nwant\n%+v", p, want)
	}
	if f := fn(t, p, "locate"); !f.Callable() {
		t.Errorf("locate is not callable: %v", f.Reasons())
	}
}

func TestOrders(t *testing.T) {
	p := mustLoad(t, ordersDir)
	want := map[string]struct {
		sig, params, result string
		err                 bool
	}{
		"orders": {"func orders() []Order", "", "list of {id: number, item: string, status: string, total: number}", false},
		"order":  {"func order(id int) (Order, error)", "id int number", "{id: number, item: string, status: string, total: number}", true},
		"sales":  {"func sales() []MonthSales", "", "list of {month: string, units: number}", false},
	}
	var names []string
	for _, f := range p.Funcs {
		names = append(names, f.Name)
		w := want[f.Name]
		var params []string
		for _, p := range f.Params {
			params = append(params, p.Name+" "+p.Kind.String()+" "+p.Type.String())
		}
		if f.Signature != w.sig || strings.Join(params, ", ") != w.params || f.Result.Shape.String() != w.result || f.Error != w.err || !f.Callable() {
			t.Errorf("%s: %s, params %q, result %s, error %v, reasons %q; want %s, %q, %s, %v",
				f.Name, f.Signature, params, f.Result.Shape, f.Error, f.Reasons(), w.sig, w.params, w.result, w.err)
		}
	}
	if got := strings.Join(names, " "); got != "orders order sales" {
		t.Errorf("functions %s, want orders order sales in source order", got)
	}
}

// Every parameter type: the basic ones a bot passes, with the kind a value
// converts to, and the others with the reason a bot cannot.
func TestParams(t *testing.T) {
	p := typesPackage(t)
	kinds := func(f *Func) string {
		var ks []string
		for _, p := range f.Params {
			ks = append(ks, p.GoType+"="+p.Kind.String()+"/"+p.Type.String())
		}
		return strings.Join(ks, " ")
	}
	for _, c := range []struct{ fn, kinds string }{
		{"allBasic", "string=string/string bool=bool/bool int=int/number int8=int8/number int16=int16/number int32=int32/number int64=int64/number " +
			"uint=uint/number uint8=uint8/number uint16=uint16/number uint32=uint32/number uint64=uint64/number float32=float32/number float64=float64/number"},
		{"named", "City=string/string Celsius=float64/number time.Duration=int64/number rune=int32/number byte=uint8/number"},
		{"withContext", "string=string/string"},
		{"unnamed", "string=string/string int=int/number"},
	} {
		f := fn(t, p, c.fn)
		if got := kinds(f); got != c.kinds || !f.Callable() {
			t.Errorf("%s: %s, reasons %q\nwant %s, callable", c.fn, got, f.Reasons(), c.kinds)
		}
	}
	if f := fn(t, p, "named"); f.Params[2].Import != "time" || f.Params[0].Import != "" {
		t.Errorf("named: imports %q, %q; want time, none", f.Params[2].Import, f.Params[0].Import)
	}
	if f := fn(t, p, "withContext"); !f.Context || !f.Error || f.Result != nil || f.Params[0].Name != "city" {
		t.Errorf("withContext: %+v; want a context, a city and an error", f)
	}
	for _, c := range []struct {
		fn      string
		reasons []string
	}{
		{"unsupported", []string{
			"parameter 1 (ch chan int): a bot cannot pass a chan int; use string, bool or a number",
			"parameter 2 (p *int): a bot cannot pass a *int; use string, bool or a number",
			"parameter 3 (xs []string): a bot cannot pass a []string; use string, bool or a number",
			"parameter 4 (m map[string]int): a bot cannot pass a map[string]int; use string, bool or a number",
			"parameter 5 (c complex128): a bot cannot pass a complex128; use string, bool or a number",
			"parameter 6 (up uintptr): a bot cannot pass a uintptr; use string, bool or a number",
			"parameter 7 (fn func()): a bot cannot pass a func(); use string, bool or a number",
			"parameter 8 (s struct{}): a bot cannot pass a struct{}; use string, bool or a number",
		}},
		{"contextLater", []string{"parameter 2 (ctx context.Context): a bot passes a context.Context only as the first parameter"}},
		{"variadic", []string{"parameter 2 (args ...any): a bot cannot pass a variable number of arguments; declare a parameter for each"}},
		{"generic", []string{
			"generic is generic: a bot cannot choose its type parameters",
			"parameter 1 (x T): a bot cannot pass a T; use string, bool or a number",
		}},
		{"twoValues", []string{"twoValues returns (int, string): a bot calls a function that returns nothing, a value, an error, or a value and an error"}},
		{"threeResults", []string{"threeResults returns (int, string, error): a bot calls a function that returns nothing, a value, an error, or a value and an error"}},
	} {
		f := fn(t, p, c.fn)
		if got := f.Reasons(); !reflect.DeepEqual(got, c.reasons) || f.Callable() {
			t.Errorf("%s: reasons\n%q\nwant\n%q", c.fn, got, c.reasons)
		}
	}
	// Supported parameters keep their kind beside unsupported ones.
	if f := fn(t, p, "contextLater"); f.Context || f.Params[0].Kind != reflect.String || f.Params[1].Kind != reflect.Invalid {
		t.Errorf("contextLater: %+v", f.Params)
	}
	for _, name := range []string{"onlyError", "nothing"} {
		if f := fn(t, p, name); f.Result != nil || f.Error != (name == "onlyError") || !f.Callable() {
			t.Errorf("%s: result %v, error %v, reasons %q", name, f.Result, f.Error, f.Reasons())
		}
	}
}

// Every result type: its shape as encoding/json writes it, or why a bot
// cannot use it.
func TestResults(t *testing.T) {
	p := typesPackage(t)
	for _, c := range []struct{ fn, shape string }{
		{"number", "number"},
		{"text", "string"},
		{"flag", "bool"},
		{"when", "string"},
		{"raw", "dynamic"},
		{"anything", "dynamic"},
		{"empty", "dynamic"},
		{"blob", "string"}, // base64
		{"matrix", "list of list of number"},
		{"fixed", "list of number"},
		{"byName", "record of number"},
		{"byID", "record of string"},
		{"byAddr", "record of number"},
		{"loose", "record of dynamic"},
		{"pointer", "{X: number, Y: number}"},
		{"pointers", "list of {X: number, Y: number}"},
		{"address", "string"},
		{"money", "dynamic"},
		{"ref", "dynamic"},
		{"ticks", "number"},
		{"quiet", "{name: string}"},
		{"page", "{items: list of {X: number, Y: number}, Next: string}"},
		{"anonymous", "{a: number}"},
		{"alias", "{X: number, Y: number}"},
	} {
		f := fn(t, p, c.fn)
		if f.Result == nil || f.Result.Shape.String() != c.shape || !f.Callable() {
			t.Errorf("%s: result %+v, reasons %q; want %s", c.fn, f.Result, f.Reasons(), c.shape)
		}
	}
	if f := fn(t, p, "byName"); f.Result.Shape.Type != ir.Record || !f.Result.Shape.Open {
		t.Errorf("byName: %+v, want an open record", f.Result.Shape)
	}
	if f := fn(t, p, "failure"); f.Result != nil || !f.Error {
		t.Errorf("failure: result %+v, error %v; want only an error", f.Result, f.Error)
	}
	const leaveOut = "; tag the field `json:\"-\"` to leave it out"
	for _, c := range []struct{ fn, reason string }{
		{"badKey", "result (map[float64]string): a bot cannot use a map with float64 keys; use string or integer keys"},
		{"byRef", "result (map[Ref]int): a bot cannot use a map with Ref keys; use string or integer keys"},
		{"channel", "result (chan int): a bot cannot use a chan int"},
		{"callback", "result (func()): a bot cannot use a func()"},
		{"cplx", "result (complex64): a bot cannot use a complex64"},
		{"badField", "result (Holder): a bot cannot use a chan int (field Holder.Updates)" + leaveOut},
		{"badNested", "result ([]map[string]Box): a bot cannot use a chan int (field Holder.Updates)" + leaveOut},
	} {
		f := fn(t, p, c.fn)
		if f.Result == nil || f.Result.Reason != c.reason || f.Callable() || !reflect.DeepEqual(f.Result.Shape, ir.Shape{}) {
			t.Errorf("%s: result %+v\nwant reason %s", c.fn, f.Result, c.reason)
		}
	}
}

// Structs are records of their fields as encoding/json writes them: by
// their tags' names, promoted from embedded structs, recursive types cut.
func TestStructs(t *testing.T) {
	p := typesPackage(t)
	for _, c := range []struct{ fn, shape string }{
		// Not: Skipped (-), private (unexported). Dash (-,) is called "-";
		// ,string writes a number or a bool as a string; an invalid tag
		// name keeps the Go name; another package's tag does nothing.
		{"tagged", "{Plain: string, renamed: number, empty: string, OnlyOpts: bool, -: string, quoted: string, QuotedPtr: string, BadName: string, Other: string}"},
		// Base's and *Extra's and hidden's fields promoted, Base's kind
		// hidden by the shallower one, the exported Label a field of its
		// own, the unexported lower left out.
		{"derived", "{id: number, note: string, secret: string, Shown: number, Label: string, kind: string, named: {id: number, kind: string}, inner_base: {id: number, kind: string}}"},
		{"tie", "{Left: string, Right: string}"},
		{"taggedWins", "{Name: string}"},
		{"embeddedTagged", "{base: {id: number, kind: string}}"},
		{"tree", "{name: string, kids: list of dynamic, up: dynamic, chunks: string}"},
		{"ping", "{Pong: {Ping: dynamic}}"},
		{"deep", strings.Repeat("{N: ", maxDepth) + "dynamic" + strings.Repeat("}", maxDepth)},
	} {
		f := fn(t, p, c.fn)
		if f.Result == nil || f.Result.Shape.String() != c.shape || !f.Callable() {
			t.Errorf("%s: result %+v, reasons %q\nwant %s", c.fn, f.Result, f.Reasons(), c.shape)
		}
	}
}

// A shape too large to keep is cut, depth first: the first fields keep
// their shapes, the last are dynamic.
func TestLargeShape(t *testing.T) {
	p := typesPackage(t)
	s := fn(t, p, "wide").Result.Shape
	// Besides maxNodes, the dynamic fields of the structs open at the cut.
	if n := countShapes(s); n > maxNodes+8*maxDepth {
		t.Errorf("%d shapes, want at most %d", n, maxNodes+8*maxDepth)
	}
	first := s
	for range 8 {
		first, _ = first.Field("A")
	}
	last, _ := s.Field("H")
	if first.Type != ir.Number || last.Type != ir.Dynamic {
		t.Errorf("wide.A.A.A.A.A.A.A.A is %s, wide.H is %s; want number, dynamic", first, last)
	}
}

func countShapes(s ir.Shape) int {
	n := 1
	for _, f := range s.Fields {
		n += countShapes(f.Shape)
	}
	if s.Elem != nil {
		n += countShapes(*s.Elem)
	}
	return n
}

func TestFuncsAndDecls(t *testing.T) {
	p := typesPackage(t)
	if _, ok := p.Func("main"); ok {
		t.Error("main is listed as a function")
	}
	if _, ok := p.Func("Size"); ok {
		t.Error("the method Size is listed as a function")
	}
	f := fn(t, p, "named")
	if want := "func named(c City, t Celsius, d time.Duration, r rune, by byte)"; f.Signature != want {
		t.Errorf("signature %s, want %s", f.Signature, want)
	}
	if want := (ir.Pos{File: filepath.Join("testdata", "types", "params.go"), Line: 21, Col: 6}); f.Pos != want {
		t.Errorf("named at %v, want %v", f.Pos, want)
	}
	structs := filepath.Join("testdata", "types", "structs.go")
	for _, want := range []Decl{
		{Name: "main", Kind: FuncDecl, Pos: ir.Pos{File: structs, Line: 164, Col: 6}},
		{Name: "counter", Kind: VarDecl, Pos: ir.Pos{File: structs, Line: 168, Col: 5}},
		{Name: "limit", Kind: ConstDecl, Pos: ir.Pos{File: structs, Line: 170, Col: 7}},
		{Name: "D3", Kind: TypeDecl, Pos: ir.Pos{File: structs, Line: 118, Col: 2}},
		{Name: "Alias", Kind: TypeDecl, Pos: ir.Pos{File: structs, Line: 157, Col: 6}},
		{Name: "allBasic", Kind: FuncDecl, Pos: ir.Pos{File: filepath.Join("testdata", "types", "params.go"), Line: 15, Col: 6}},
		{Name: "strs", Kind: ImportDecl, Pos: ir.Pos{File: filepath.Join("testdata", "types", "imports.go"), Line: 4, Col: 2}},
		{Name: "context", Kind: ImportDecl, Pos: ir.Pos{File: filepath.Join("testdata", "types", "params.go"), Line: 4, Col: 2}},
	} {
		if got, ok := p.Declares(want.Name); !ok || got != want {
			t.Errorf("Declares(%s) = %+v, %v; want %+v", want.Name, got, ok, want)
		}
	}
	for _, name := range []string{"init", "Size", "N", "strings", "unsafe", "_"} {
		if d, ok := p.Declares(name); ok {
			t.Errorf("Declares(%s) = %+v; it is not a top-level name", name, d)
		}
	}
	for i := 1; i < len(p.Decls); i++ {
		if comparePos(p.Decls[i-1].Pos, p.Decls[i].Pos) > 0 {
			t.Errorf("declarations out of source order: %v before %v", p.Decls[i-1], p.Decls[i])
		}
	}
}

// diagStrings formats diagnostics as file:line:col: message, with the
// files' base names.
func diagStrings(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		d.Pos.File = filepath.Base(d.Pos.File)
		out = append(out, d.String())
	}
	return out
}

// Type errors are every one go/types finds, at the Go files' positions;
// the functions are still described.
func TestTypeErrors(t *testing.T) {
	needGo(t)
	p, diags := Load("testdata/typeerror", offline)
	want := []string{
		`a.go:3:8: "strings" imported and not used`,
		`a.go:7:9: cannot use "three" (untyped string constant) as int value in return statement`,
		`b.go:4:6: declared and not used: unused`,
		`b.go:5:9: undefined: missing`,
	}
	if got := diagStrings(diags); !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if diags[0].Pos.File != filepath.Join("testdata", "typeerror", "a.go") {
		t.Errorf("file %s, want the Go file named as the folder was", diags[0].Pos.File)
	}
	if p == nil || len(p.Funcs) != 3 || fn(t, p, "fine").Doc != "fine still describes itself." {
		t.Errorf("package %+v, want count, name and fine", p)
	}
}

// Syntax errors are reported, several, without the type errors they
// cause; what parses is still described.
func TestSyntaxErrors(t *testing.T) {
	needGo(t)
	dir := extract(t, "testdata/syntaxerror.txtar")
	p, diags := Load(dir, offline)
	want := []string{
		"bad.go:6:21: missing ',' before newline in argument list",
		"bad.go:7:1: expected operand, found '}'",
		"bad.go:10:2: missing ',' in argument list",
		"bad.go:11:1: expected operand, found '}'",
	}
	if got := diagStrings(diags); !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p == nil {
		t.Fatal("no package")
	}
	if f, ok := p.Func("ok"); !ok || f.Result.Shape.Type != ir.Number {
		t.Errorf("ok: %+v, %v", f, ok)
	}
}

// extract writes the files of a txtar archive into a new folder.
func extract(t *testing.T, archive string) string {
	t.Helper()
	a, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range a.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A folder without Go files (a test, a file build constraints exclude, a
// .bot file) is an empty package, loaded without go list.
func TestNoGoFiles(t *testing.T) {
	t.Setenv("PATH", "") // no go command: not needed
	p, diags := Load("testdata/empty", Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	if want := (&Package{Dir: "testdata/empty"}); !reflect.DeepEqual(p, want) {
		t.Errorf("Load(testdata/empty) = %+v, want %+v", p, want)
	}
}

func TestFolderErrors(t *testing.T) {
	needGo(t)
	for _, c := range []struct{ dir, want string }{
		{"wrongpkg", "helpers.go:2:9: package helpers: every Go file beside a bot is compiled into it, so it must be package main (move the file to another folder)"},
		// botgen's go.mod requires gorilla/websocket: the module around
		// the folder does not capture it.
		{"thirdparty", `ws.go:6:2: import "github.com/gorilla/websocket": the folder has no go.mod, so its Go files can import only the standard library; ` +
			"to use other modules, make the folder a module (go mod init) and require them (go get github.com/gorilla/websocket)"},
		{"cgo", `a.go:4:8: import "C": a bot is built without cgo (CGO_ENABLED=0), so it cannot use C code`},
		{"notstd", "a.go:3:8: package nosuch/pkg is not in std"},
		{"modmissing", "a.go:3:8: cannot find module providing package github.com/gorilla/websocket: module lookup disabled by GOPROXY=off"},
	} {
		_, diags := Load(filepath.Join("testdata", c.dir), offline)
		got := diagStrings(diags)
		if len(got) != 1 || !strings.HasPrefix(got[0], c.want) {
			t.Errorf("%s: diagnostics\n%s\nwant one starting\n%s", c.dir, strings.Join(got, "\n"), c.want)
		}
	}
	_, diags := Load("testdata/nosuchfolder", offline)
	if got := diagStrings(diags); len(got) != 1 || !strings.Contains(got[0], "cannot read the folder of Go functions") {
		t.Errorf("a missing folder: %q", got)
	}
}

// A folder with a go.mod is a module: its requirements come from the
// module cache, and its go.mod and go.sum are left as they were.
func TestModule(t *testing.T) {
	needGo(t)
	dir := t.TempDir()
	for _, name := range []string{"go.mod", "ws.go"} { // no go.sum: -mod=mod may add to it
		data, err := os.ReadFile(filepath.Join("testdata", "module", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gosum, err := os.ReadFile(filepath.Join("testdata", "module", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// With go.sum, as the user's folder has it.
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(filepath.Join(dir, "go.mod"))
	p, diags := Load(dir, Options{Env: []string{"GOPROXY=off", "GOFLAGS=-mod=mod"}})
	if len(diags) > 0 || p == nil {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	f := fn(t, p, "closed")
	if !f.Context || !f.Error || f.Result.Shape.String() != "{code: number, unexpected: bool}" || !f.Callable() || len(f.Params) != 1 {
		t.Errorf("closed: %+v", f)
	}
	if p.GoMod != filepath.Join(dir, "go.mod") {
		t.Errorf("GoMod %q", p.GoMod)
	}
	after, _ := os.Stat(filepath.Join(dir, "go.mod"))
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Error("Load changed go.mod")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "go.sum")); string(data) != string(gosum) {
		t.Error("Load changed go.sum")
	}
}

// A malformed go.mod is reported at its own line.
func TestBadGoMod(t *testing.T) {
	needGo(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.26\nnonsense here\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.go"), []byte("package main\n\nfunc two() int { return 2 }\n"), 0o644)
	_, diags := Load(dir, offline)
	if got := diagStrings(diags); !reflect.DeepEqual(got, []string{"go.mod:4:1: unknown directive: nonsense"}) {
		t.Errorf("diagnostics %q", got)
	}
}

// Names, which reads the files alone, finds what the type checker does.
func TestNamesWithoutTypes(t *testing.T) {
	p := typesPackage(t)
	names, imports := Names(filepath.Join("testdata", "types"))
	for _, d := range p.Decls {
		list := names
		if d.Kind == ImportDecl {
			list = imports
		}
		if !slices.Contains(list, d.Name) {
			t.Errorf("Names misses %s %s", d.Kind, d.Name)
		}
	}
	if n := len(names) + len(imports); n > len(p.Decls) {
		t.Errorf("Names finds %d names, the type checker %d: %v %v", n, len(p.Decls), names, imports)
	}
	if names, imports := Names(filepath.Join("testdata", "no such folder")); names != nil || imports != nil {
		t.Errorf("a missing folder: %v %v", names, imports)
	}
}

// The reference bots' folders, as the project keeps them (a copy of
// ../shared/examples that cmd/botgen holds to the original).
var (
	forecastDir = filepath.Join("..", "..", "testdata", "examples", "forecast")
	ordersDir   = filepath.Join("..", "..", "testdata", "examples", "orders")
)
