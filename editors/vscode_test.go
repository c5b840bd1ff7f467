package editors

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/version"
)

// vscodeSample is a bot that parses and uses every keyword of the grammar,
// some of them also as names (an intent called table, a variable called
// title), so that the grammar is checked where each word is a keyword and
// where it is not.
const vscodeSample = `# a comment
bot sample // another comment
config {
    nlp.intent_threshold = 0.4
    websocket.origins = ["https://example.org"]
    nlp.fuzzy = true
}
var count = 0
var title = "none"
setting api = "https://example.org"
knowledge "docs/*.md", "faq.txt"
entity zip = /[0-9]{5}\/x/
entity city fuzzy { "Barcelona": "BCN", "barna" }
intent hello { "hello {name}", "say \"hi\" {{literal}}" param name: city }
intent table {
    "show a table"
}
global hello -> s0
initial state s0 {
    reply markdown """
**Welcome** {count} "quoted" {lower("ABC")}
"""
    on hello -> s1
    on table -> s2
    on file "text/csv", "image/png" -> s1
    on error -> s0
    when count > 3 and not false or true -> s1
    otherwise -> s2
}
state s1 {
    set count = count + 1 - 2 * 3 / 4 % 5
    set title = intent
    reply "{title} {error} {file.name} {lower(\"ABC\")} \{ {len({a: 1})}"
    go s0 if count >= 9
    go back
    fallback { reply "no" }
}
state s2 {
    set w = get(api, {q: 1})
    for o in w.items { reply "{o.name}" }
    if count == 1 { reply html "<b>x</b>" } else if count != 2 { reply options "a", "b" } else { reply options w.labels }
    reply one of "hi", "hello"
    reply table "sales.csv"
    reply table {
        columns "a", "b"
        row 1, -2.5e3
    }
    reply table w.rows
    reply chart bar {
        title "t"
        x "a", "b"
        y "s": 1, 2
    }
    reply plotly "f.json"
    reply image "i.png"
    reply file "f.txt"
    reply audio "a.wav"
    reply location 49.6, -6.1
    reply llm "prompt {message}" with tools locate, orders
    reply answer
    go s0
}
fallback { reply "sorry" }
test "t" {
    mock get api returns {a: [1, 2]}
    mock locate fails "no"
    mock llm returns "text"
    bot markdown ~ "Welcome"
    user "hello"
    user file "f.txt"
    user reset
    bot "text", "other"
    bot location 1, 2
}
`

// tmCheck is one token the grammar must scope: the token at line and col
// (from 0; col in UTF-16 code units, as VS Code counts) has a scope
// starting with one of Want and none starting with one of Not.
type tmCheck struct {
	Line int      `json:"line"`
	Col  int      `json:"col"`
	Text string   `json:"text"`
	Want []string `json:"want,omitempty"`
	Not  []string `json:"not,omitempty"`
}

type tmFile struct {
	Name   string    `json:"name"`
	Text   string    `json:"text"`
	Checks []tmCheck `json:"checks"`
}

// notCode is what a name or a keyword is not: the grammar left a string or
// a comment open, or read a word where there is none.
var notCode = []string{"string.", "comment.", "constant."}

// nameScopes are the scopes of the names the grammar tells apart, by the
// field of the syntax tree that holds them; a name elsewhere (a variable in
// an expression, a field) must only not be coloured as a keyword.
var nameScopes = map[string][]string{
	"File.Name":           {"entity.name.namespace."},
	"StateDecl.Name":      {"entity.name.function.state."},
	"GoTrans.Target":      {"entity.name.function.state."},
	"OnTrans.Target":      {"entity.name.function.state."},
	"WhenTrans.Target":    {"entity.name.function.state."},
	"StateItem.Otherwise": {"entity.name.function.state."},
	"GlobalDecl.Target":   {"entity.name.function.state."},
	"IntentDecl.Name":     {"entity.name.type.intent."},
	"OnTrans.Intent":      {"entity.name.type.intent."},
	"GlobalDecl.Intent":   {"entity.name.type.intent."},
	"EntityDecl.Name":     {"entity.name.type.entity."},
	"ParamDecl.Entity":    {"entity.name.type.entity."},
	"ParamDecl.Name":      {"variable.parameter."},
	"VarDecl.Name":        {"variable.other.definition."},
	"SettingDecl.Name":    {"variable.other.definition."},
	"ForStmt.Var":         {"variable.other.definition."},
	"SetStmt.Name":        {"variable.other."},
	"Call.Func":           {"entity.name.function.", "support.function."},
	"MockStep.Func":       {"entity.name.function.", "support.function."},
	// The kind of a chart and of an expected reply are names to the parser
	// but read as the reply kinds they are.
	"ChartSpec.Type": {"keyword.other.reply-kind."},
	"BotStep.Kind":   {"keyword.other.reply-kind."},
}

// grammarKeywords returns the words the parser matches literally, read
// from the parser tags of the syntax tree: the keywords of the language.
func grammarKeywords() []string {
	word := regexp.MustCompile(`'([A-Za-z_][A-Za-z0-9_]*)'`)
	seen := map[reflect.Type]bool{}
	set := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			for _, m := range word.FindAllStringSubmatch(f.Tag.Get("parser"), -1) {
				set[m[1]] = true
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[syntax.File]())
	words := make([]string, 0, len(set))
	for w := range set {
		words = append(words, w)
	}
	slices.Sort(words)
	return words
}

// nameRoles maps the offset of each name in the tree to the field that
// holds it ("StateDecl.Name").
func nameRoles(f *syntax.File) map[int]string {
	roles := map[int]string{}
	identType := reflect.TypeFor[syntax.Ident]()
	var walk func(v reflect.Value, role string)
	walk = func(v reflect.Value, role string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), role)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), role)
			}
		case reflect.Struct:
			if v.Type() == identType {
				roles[v.Interface().(syntax.Ident).Pos.Offset] = role
				return
			}
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					walk(v.Field(i), v.Type().Name()+"."+f.Name)
				}
			}
		}
	}
	walk(reflect.ValueOf(f), "")
	return roles
}

// position converts a byte offset of src into a line and a UTF-16 column,
// both from 0.
func position(src string, off int) (line, col int) {
	start := strings.LastIndexByte(src[:off], '\n') + 1
	return strings.Count(src[:off], "\n"), len(utf16.Encode([]rune(src[start:off])))
}

var numberToken = regexp.MustCompile(`^[0-9]`)

// tokenChecks derives the checks of a source from botgen's own lexer and
// parser: each keyword, name, string, number, regular expression, operator
// and comment. It reports the keywords it found, and false when src does
// not parse (a file written to show an error).
func tokenChecks(name, src string) ([]tmCheck, map[string]bool, bool) {
	f, diags := syntax.Parse(name, []byte(src))
	if f == nil || diags.HasErrors() {
		return nil, nil, false
	}
	roles := nameRoles(f)
	var configKeys []int
	for _, d := range f.Decls {
		if d.Config != nil {
			for _, e := range d.Config.Entries {
				configKeys = append(configKeys, e.Pos.Offset)
			}
		}
	}
	keywords := map[string]bool{}
	var checks []tmCheck
	at := func(off int, text string, want []string, not []string) {
		line, col := position(src, off)
		checks = append(checks, tmCheck{Line: line, Col: col, Text: text, Want: want, Not: not})
	}
	inKey := false
	end := 0 // where the previous token ended: what lies between is blank or comments
	for _, t := range syntax.Significant(name, []byte(src)) {
		comments(src[end:t.Pos.Offset], end, at)
		end = t.Pos.Offset + len(t.Value)
		off, v := t.Pos.Offset, t.Value
		if slices.Contains(configKeys, off) {
			inKey = true
		}
		switch {
		case inKey && v == "=":
			inKey = false
			at(off, v, []string{"keyword.operator.assignment."}, nil)
		case inKey:
			at(off, v, []string{"variable.other.property.config."}, nil)
		case t.Type == syntax.StringToken:
			// The first and the last character: a string that ends too
			// early or too late fails one of them.
			at(off, v, []string{"string."}, []string{"comment."})
			at(end-1, v, []string{"punctuation.definition.string.end."}, nil)
		case t.Type == syntax.IdentToken:
			if role, ok := roles[off]; ok {
				if role == "ChartSpec.Type" || role == "BotStep.Kind" {
					keywords[v] = true
					at(off, v, nameScopes[role], notCode)
					break
				}
				at(off, v, nameScopes[role], append([]string{"keyword."}, notCode...))
				break
			}
			keywords[v] = true
			at(off, v, []string{"keyword."}, notCode)
		case v == "true" || v == "false":
			keywords[v] = true
			at(off, v, []string{"constant.language.boolean."}, nil)
		case v == "and" || v == "or" || v == "not":
			keywords[v] = true
			at(off, v, []string{"keyword.operator.logical."}, nil)
		case numberToken.MatchString(v):
			at(off, v, []string{"constant.numeric."}, nil)
		case strings.HasPrefix(v, "=") && strings.Contains(v, "/"):
			at(off, "=", []string{"keyword.operator.assignment."}, nil)
			slash := off + strings.IndexByte(v, '/')
			at(slash, v, []string{"string.regexp."}, nil)
			at(end-1, v, []string{"string.regexp."}, nil)
		case v == "->":
			at(off, v, []string{"keyword.operator.arrow."}, nil)
		case slices.Contains(strings.Fields("== != <= >= < > + - * / % = ~"), v):
			at(off, v, []string{"keyword.operator."}, nil)
		default:
			at(off, v, []string{"punctuation."}, nil)
		}
	}
	comments(src[end:], end, at)
	return checks, keywords, true
}

// comments checks the comments in gap, text between two tokens that holds
// only blanks and comments and starts at offset base.
func comments(gap string, base int, at func(off int, text string, want, not []string)) {
	for i := 0; i < len(gap); {
		if gap[i] != '#' && !strings.HasPrefix(gap[i:], "//") {
			i++
			continue
		}
		n := strings.IndexByte(gap[i:], '\n')
		if n < 0 {
			n = len(gap) - i
		}
		at(base+i, gap[i:i+n], []string{"comment."}, nil)
		at(base+i+n-1, gap[i:i+n], []string{"comment."}, nil)
		i += n
	}
}

// builtins returns the built-in functions of the expression language, read
// from the checker's source: the keys of its builtins map and the names of
// the HTTP functions.
func builtins(t *testing.T) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "dsl", "check", "calls.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	var keys []ast.Expr
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, id := range spec.Names {
			if i >= len(spec.Values) {
				break
			}
			switch v := spec.Values[i].(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(v.Value); err == nil {
					consts[id.Name] = s
				}
			case *ast.CompositeLit:
				if id.Name == "builtins" {
					for _, e := range v.Elts {
						keys = append(keys, e.(*ast.KeyValueExpr).Key)
					}
				}
			}
		}
		return true
	})
	names := []string{consts["httpGet"], consts["httpPost"]}
	for _, k := range keys {
		switch k := k.(type) {
		case *ast.BasicLit:
			s, _ := strconv.Unquote(k.Value)
			names = append(names, s)
		case *ast.Ident:
			names = append(names, consts[k.Name])
		}
	}
	if len(keys) == 0 || slices.Contains(names, "") {
		t.Fatalf("dsl/check/calls.go: no builtins map, or a name not found: %q", names)
	}
	return names
}

// npmTools returns node and npm, with the extension's node_modules
// installed from its lock file (npm ci) when missing or older than it.
func npmTools(t *testing.T) (node string) {
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = exec.LookPath("npm")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node or npm not found; CI has them")
		}
		t.Skip("node or npm not found")
	}
	lock, err := os.Stat(filepath.Join("vscode", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	// npm writes node_modules/.package-lock.json when it installs.
	installed, err := os.Stat(filepath.Join("vscode", "node_modules", ".package-lock.json"))
	if err == nil && !installed.ModTime().Before(lock.ModTime()) {
		return node
	}
	start := time.Now()
	cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir = "vscode"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	t.Logf("npm ci in editors/vscode: %v", time.Since(start).Round(time.Millisecond))
	return node
}

// track opens files that node reads, so that go test's cache, which knows
// only the files the test itself opened, runs the test again when one of
// them changes.
func track(t *testing.T, files ...string) {
	for _, f := range files {
		if _, err := os.ReadFile(filepath.Join("vscode", f)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestVSCodeGrammar tokenises the examples and a sample that uses every
// keyword with the extension's grammar, as VS Code does, and checks each
// token against botgen's own lexer and parser.
func TestVSCodeGrammar(t *testing.T) {
	node := npmTools(t)
	track(t, "syntaxes/bot.tmLanguage.json", "test/tokenize.js")
	var files []tmFile
	seen := map[string]bool{}
	add := func(name, src string) {
		checks, keywords, ok := tokenChecks(name, src)
		if !ok {
			t.Logf("%s: does not parse, left out", name)
			return
		}
		for k := range keywords {
			seen[k] = true
		}
		files = append(files, tmFile{Name: name, Text: src, Checks: checks})
	}
	add("sample.bot", vscodeSample)
	err := filepath.WalkDir(filepath.Join("..", "testdata"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".bot" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		add(filepath.ToSlash(path), string(src))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The documentation's unlabelled code blocks: a whole bot, or
	// declarations, statements or test steps, which parse once wrapped in
	// a bot, a state or a test. The rest (shell sessions, diagnostics) are
	// left out.
	docs, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	fence := regexp.MustCompile("(?s)```([a-z]*)\n(.*?)```")
	for _, doc := range append(docs, filepath.Join("..", "README.md")) {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range fence.FindAllStringSubmatch(string(data), -1) {
			if m[1] != "" {
				continue
			}
			for _, w := range [][2]string{{"", ""}, {"bot b\n", ""}, {"bot b\nstate s {\n", "}\n"}, {"bot b\ntest \"t\" {\n", "}\n"}} {
				name := fmt.Sprintf("%s, block %d", filepath.ToSlash(doc), i+1)
				if checks, keywords, ok := tokenChecks(name, w[0]+m[2]+w[1]); ok {
					for k := range keywords {
						seen[k] = true
					}
					files = append(files, tmFile{Name: name, Text: w[0] + m[2] + w[1], Checks: checks})
					break
				}
			}
		}
	}
	if len(files) < 5 {
		t.Fatalf("only %d files to tokenise", len(files))
	}
	for _, k := range grammarKeywords() {
		if !seen[k] {
			t.Errorf("keyword %q is in no sample: add it to vscodeSample, and to the grammar if it is new", k)
		}
	}

	// What the lexer cannot tell: the inside of strings, and the names of
	// the built-in functions.
	lines := strings.Split(vscodeSample, "\n")
	inside := []struct {
		at, word string
		want     []string
		not      []string
	}{
		{`"hello {name}"`, "hello", []string{"string.quoted.double."}, []string{"meta.interpolation."}},
		{`"hello {name}"`, "name", []string{"meta.interpolation."}, nil},
		{`\"hi\"`, `\"`, []string{"constant.character.escape."}, nil},
		{"{{literal}}", "{{", []string{"constant.character.escape."}, nil},
		{"{{literal}}", "literal", []string{"string.quoted.double."}, []string{"meta.interpolation."}},
		{`/[0-9]{5}\/x/`, "{5}", []string{"string.regexp."}, nil},
		{`/[0-9]{5}\/x/`, `\/x`, []string{"string.regexp."}, nil},
		{"**Welcome**", "Welcome", []string{"string.quoted.triple."}, nil},
		{`{count} "quoted"`, "count", []string{"meta.interpolation."}, []string{"keyword."}},
		{`{count} "quoted"`, "quoted", []string{"string.quoted.triple."}, []string{"meta.interpolation."}},
		{`{lower("ABC")}`, "lower", []string{"support.function.builtin."}, nil},
		{`{lower("ABC")}`, "ABC", []string{"string.quoted.double."}, nil},
		{"{title} {error}", "title", []string{"variable.other."}, []string{"keyword."}},
		{"{title} {error}", "error", []string{"meta.interpolation."}, []string{"keyword."}},
		{"{file.name}", "file", []string{"keyword.other.file."}, nil},
		{"{file.name}", "name", []string{"variable.other.property."}, nil},
		{`{lower(\"ABC\")}`, "ABC", []string{"string.quoted.double."}, nil},
		{`\{ {len`, `\{`, []string{"constant.character.escape."}, nil},
		{"{len({a: 1})}", "a", []string{"meta.interpolation."}, nil},
		{"{len({a: 1})}", "1", []string{"constant.numeric."}, nil},
		{"{len({a: 1})}\"", "\"", []string{"punctuation.definition.string.end."}, nil},
		{`"prompt {message}"`, "message", []string{"meta.interpolation."}, nil},
	}
	for _, c := range inside {
		found := false
		for i, l := range lines {
			if k := strings.Index(l, c.at); k >= 0 {
				col := len(utf16.Encode([]rune(l[:k+strings.Index(c.at, c.word)])))
				files[0].Checks = append(files[0].Checks, tmCheck{Line: i, Col: col, Text: c.word, Want: c.want, Not: c.not})
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%q is not in the sample", c.at)
		}
	}
	// A string or an interpolation left open while typing ends with its
	// line, as in the lexer, and the next line is code again.
	unclosed := "bot b\nstate s {\n    reply \"x {len({a: 1\n    on hello -> s\n}\n"
	files = append(files, tmFile{Name: "unclosed.bot", Text: unclosed, Checks: []tmCheck{
		{Line: 2, Col: 17, Text: "1", Want: []string{"meta.interpolation."}},
		{Line: 3, Col: 4, Text: "on", Want: []string{"keyword.control."}, Not: notCode},
		{Line: 3, Col: 7, Text: "hello", Want: []string{"entity.name.type.intent."}, Not: notCode},
	}})

	var calls strings.Builder
	var callChecks []tmCheck
	calls.WriteString("bot calls\nstate s {\n")
	for i, b := range builtins(t) {
		calls.WriteString("    set v = " + b + "(1)\n")
		callChecks = append(callChecks, tmCheck{Line: i + 2, Col: 12, Text: b, Want: []string{"support.function.builtin."}})
	}
	calls.WriteString("}\n")
	files = append(files, tmFile{Name: "calls.bot", Text: calls.String(), Checks: callChecks})

	spec, err := json.Marshal(map[string]any{"files": files})
	if err != nil {
		t.Fatal(err)
	}
	specFile := filepath.Join(t.TempDir(), "checks.json")
	if err := os.WriteFile(specFile, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		n += len(f.Checks)
	}
	start := time.Now()
	cmd := exec.Command(node, filepath.Join("test", "tokenize.js"), specFile)
	cmd.Dir = "vscode"
	out, err := cmd.CombinedOutput()
	t.Logf("%d files, %d tokens checked in %v", len(files), n, time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("the grammar fails %v:\n%s", err, out)
	}
}

// TestVSCodeExtension runs the extension's entry point against stand-ins
// for VS Code and its language client (editors/vscode/test/extension.js).
func TestVSCodeExtension(t *testing.T) {
	node := npmTools(t)
	track(t, "extension.js", "test/extension.js")
	cmd := exec.Command(node, filepath.Join("test", "extension.js"))
	cmd.Dir = "vscode"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestVSCodeManifest checks that package.json declares the language, the
// grammar and the settings, with files that exist, and that docs/editors.md
// lists every setting with its default.
func TestVSCodeManifest(t *testing.T) {
	var pkg struct {
		Version      string
		Main         string
		Capabilities struct {
			UntrustedWorkspaces struct {
				RestrictedConfigurations []string
			}
		}
		Contributes struct {
			Languages []struct {
				ID            string
				Extensions    []string
				Configuration string
			}
			Grammars []struct {
				Language, ScopeName, Path string
			}
			Configuration struct {
				Properties map[string]struct {
					Default any
				}
			}
		}
	}
	data, err := os.ReadFile(filepath.Join("vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Version != version.Version {
		t.Errorf("editors/vscode/package.json: version %s, botgen is %s", pkg.Version, version.Version)
	}
	c := pkg.Contributes
	if len(c.Languages) != 1 || c.Languages[0].ID != "bot" || !slices.Equal(c.Languages[0].Extensions, []string{".bot"}) {
		t.Errorf("languages: %+v, want bot for .bot", c.Languages)
	}
	if len(c.Grammars) != 1 || c.Grammars[0].Language != "bot" || c.Grammars[0].ScopeName != "source.bot" {
		t.Fatalf("grammars: %+v, want source.bot for bot", c.Grammars)
	}
	var grammar struct{ ScopeName string }
	data, err = os.ReadFile(filepath.Join("vscode", c.Grammars[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &grammar); err != nil || grammar.ScopeName != "source.bot" {
		t.Errorf("%s: scope %q, %v", c.Grammars[0].Path, grammar.ScopeName, err)
	}
	for _, f := range []string{c.Languages[0].Configuration, "extension.js"} {
		data, err := os.ReadFile(filepath.Join("vscode", f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".json") && !json.Valid(data) {
			t.Errorf("%s is not JSON", f)
		}
	}
	for key, def := range map[string]any{"botgen.path": "botgen", "botgen.trace.server": "off"} {
		if p, ok := c.Configuration.Properties[key]; !ok || p.Default != def {
			t.Errorf("setting %s: %+v, want the default %v", key, p, def)
		}
	}
	// The command the extension runs must not come from a folder just
	// opened: VS Code then reads it from the user's settings only.
	if !slices.Contains(pkg.Capabilities.UntrustedWorkspaces.RestrictedConfigurations, "botgen.path") {
		t.Error("botgen.path is not restricted in untrusted workspaces")
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "editors.md"))
	if err != nil {
		t.Fatal(err)
	}
	for key, p := range c.Configuration.Properties {
		if row := fmt.Sprintf("| `%s` | `%v` |", key, p.Default); !strings.Contains(string(doc), row) {
			t.Errorf("docs/editors.md has no row %q…", row)
		}
	}
}

// TestVSCodePackage packages the extension with vsce, as `npm run package`
// does, and checks that the .vsix holds what VS Code loads.
func TestVSCodePackage(t *testing.T) {
	npmTools(t)
	track(t, "package.json", ".vscodeignore", "extension.js", "language-configuration.json", "syntaxes/bot.tmLanguage.json", "README.md")
	var pkg struct {
		Main string `json:"main"`
	}
	data, err := os.ReadFile(filepath.Join("vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	vsix := filepath.Join(t.TempDir(), "botgen.vsix")
	start := time.Now()
	cmd := exec.Command("npm", "run", "package", "--", "--out", vsix)
	cmd.Dir = "vscode"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm run package: %v\n%s", err, out)
	}
	zr, err := zip.OpenReader(vsix)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	st, _ := os.Stat(vsix)
	t.Logf("packaged in %v, %d bytes", time.Since(start).Round(time.Millisecond), st.Size())
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "extension/"+strings.TrimPrefix(pkg.Main, "./") && f.UncompressedSize64 == 0 {
			t.Errorf("%s is empty", f.Name)
		}
	}
	for _, want := range []string{
		"extension.vsixmanifest",
		"extension/package.json",
		"extension/language-configuration.json",
		"extension/syntaxes/bot.tmLanguage.json",
		"extension/" + strings.TrimPrefix(pkg.Main, "./"),
	} {
		if !slices.Contains(names, want) {
			t.Errorf("the package has no %s: %q", want, names)
		}
	}
	// The extension's dependencies are bundled into its one file.
	for _, n := range names {
		if strings.Contains(n, "node_modules/") {
			t.Errorf("the package holds %s", n)
		}
	}
}
