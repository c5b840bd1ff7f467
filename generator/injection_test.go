package generator_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/generator"
)

// checkBot parses and checks src, serving every referenced file, whatever
// its path, with the same bytes.
func checkBot(t testing.TB, name, src string) *ir.Bot {
	t.Helper()
	f, diags := dsl.Parse(name, []byte(src))
	if diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	bot, diags := dsl.Check(f, []byte(src), dsl.CheckOptions{Dir: ".", ReadFile: func(string) ([]byte, error) { return []byte("data\n"), nil }})
	if diags.HasErrors() {
		t.Fatalf("check: %v", diags)
	}
	return bot
}

// topLevel returns the names declared at the top level of a Go file and the
// comments that are directives (//go:, //line) or block comments.
func topLevel(t *testing.T, src []byte) (names, directives []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("the generated source does not parse: %v\n%s", err, src)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			names = append(names, d.Name.Name)
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						names = append(names, n.Name)
					}
				case *ast.TypeSpec:
					names = append(names, sp.Name.Name)
				}
			}
		}
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:") || strings.HasPrefix(c.Text, "//line") || strings.HasPrefix(c.Text, "/*") {
				directives = append(directives, c.Text)
			}
		}
	}
	return names, directives
}

// Text from a .bot file that reaches a comment of the generated program (a
// file path, the file's name, names) cannot end the comment and add code:
// the program declares what the generator declares, nothing more.
func TestSourceTextCannotAddCode(t *testing.T) {
	const inject = "*/ func init() { panic(1) } /*"
	cases := []struct {
		name   string
		path   string // of the reply file
		mutate func(*ir.Bot)
		// What the program declares and its directives, when not those
		// of a file a.txt in a bot b.bot with a state s.
		names      []string
		directives []string
	}{
		{
			name: "file path closes a block comment", path: `a\n` + inject,
			names:      []string{"_", "_", "file", "main", "bot", "document", "stateSBody", "stateSFallback", "tests", "diagram"},
			directives: []string{"//go:embed files/file_", "/*line b.bot:3:5*/", "//line main.go:N:1", "/*line b.bot:4:16*/", "//line main.go:N:1"},
		},
		// The checker refuses absolute paths; the generator does not count on it.
		{name: "file path starts with //", path: "a.txt", mutate: func(b *ir.Bot) { b.Files[0].Path = "//x\nfunc init() { panic(1) }\n//" }},
		{name: "file path is a directive", path: "a.txt", mutate: func(b *ir.Bot) { b.Files[0].Path = "//go:embed main.go" }},
		{
			name: "file name", path: "a.txt", mutate: func(b *ir.Bot) { b.Files[0].Name = "x\n//go:embed main.go\n" + inject },
			names:      []string{"_", "_", "file", "main", "bot", "document", "stateSBody", "stateSFallback", "tests", "diagram"},
			directives: []string{"//go:embed files/file_", "/*line b.bot:3:5*/", "//line main.go:N:1", "/*line b.bot:4:16*/", "//line main.go:N:1"},
		},
		{
			name: "file name without a slash", path: "a.txt", mutate: func(b *ir.Bot) { b.Files[0].Name = "x\"\n)\nfunc init() { panic(`1`) }.t\u00e9xt" },
			names:      []string{"_", "_", "fileXFuncInitPanic1TXt", "main", "bot", "documentXFuncInitPanic1", "stateSBody", "stateSFallback", "tests", "diagram"},
			directives: []string{"//go:embed files/x____func_init_____panic__1____.t_xt", "/*line b.bot:3:5*/", "//line main.go:N:1", "/*line b.bot:4:16*/", "//line main.go:N:1"},
		},
		{
			name: "source file name", path: "a.txt", mutate: func(b *ir.Bot) { b.SourceFile = "b\n" + inject + ".bot" },
			directives: []string{"//go:embed files/a.txt", "/*line b____func_init_____panic_1______.bot:3:5*/", "//line main.go:N:1", "/*line b____func_init_____panic_1______.bot:4:16*/", "//line main.go:N:1"},
		},
		{
			name: "source file name is a position", path: "a.txt", mutate: func(b *ir.Bot) { b.SourceFile = "main.go:1:1*/ /*line ../x.go:1" },
			directives: []string{"//go:embed files/a.txt", "/*line main.go_1_1_____line_.._x.go_1:3:5*/", "//line main.go:N:1", "/*line main.go_1_1_____line_.._x.go_1:4:16*/", "//line main.go:N:1"},
		},
		{
			name: "names and MIME type", path: "a.txt", mutate: func(b *ir.Bot) {
				b.Name = "n\n" + inject
				b.States[0].Name = "s\n" + inject
				b.Files[0].MIME = "text/plain\n" + inject
			},
			names: []string{"_", "_", "fileATxt", "main", "bot", "documentA", "stateSFuncInitPanic1Body", "stateSFuncInitPanic1Fallback", "tests", "diagram"},
		},
	}
	lines := regexp.MustCompile(`^//line main\.go:[0-9]+:1$`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := "bot b\ninitial state s {\n    reply file \"" + c.path + "\"\n    fallback { reply \"?\" }\n}\n"
			bot := checkBot(t, "b.bot", src)
			if c.mutate != nil {
				c.mutate(bot)
			}
			out, err := generator.Generate(bot)
			if err != nil {
				t.Fatal(err)
			}
			names, directives := topLevel(t, out.Source)
			want := c.names
			if want == nil {
				want = []string{"_", "_", "fileATxt", "main", "bot", "documentA", "stateSBody", "stateSFallback", "tests", "diagram"}
			}
			if !slices.Equal(names, want) {
				t.Errorf("declares %v, want %v\n%s", names, want, out.Source)
			}
			for i, d := range directives {
				directives[i] = lines.ReplaceAllString(d, "//line main.go:N:1")
			}
			want = c.directives
			if want == nil {
				want = []string{"//go:embed files/a.txt", "/*line b.bot:3:5*/", "//line main.go:N:1", "/*line b.bot:4:16*/", "//line main.go:N:1"}
			}
			if !slices.Equal(directives, want) {
				t.Errorf("directives %q, want %q", directives, want)
			}
		})
	}
}
