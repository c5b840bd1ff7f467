package generator_test

import (
	"bytes"
	"go/format"
	"image"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/generator"
)

// fakeFiles serves any path a bot references with content that fits its
// extension, so that a fuzzed path can be any string and still load.
func fakeFiles(t testing.TB) func(string) ([]byte, error) {
	t.Helper()
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return func(name string) ([]byte, error) {
		switch strings.ToLower(path.Ext(filepath.ToSlash(name))) {
		case ".png", ".jpg", ".gif":
			return img.Bytes(), nil
		case ".csv":
			return []byte("a,b\n1,x\n"), nil
		case ".json":
			return []byte(`{"data":[]}`), nil
		}
		return []byte("data\n"), nil
	}
}

// generatedName is every name the generator declares at the top level:
// its own, and a kind of value followed by words from the source (letters
// and digits) and a suffix that tells apart names the same words make.
var generatedName = regexp.MustCompile(`^(_|main|bot|tests|diagram|nluModel|botFallback|(file|table|figure|image|document|audio)[A-Z0-9]?[A-Za-z0-9]*(_[0-9]+)?|state([A-Z0-9][A-Za-z0-9]*)?(_[0-9]+)?(Body|Fallback|(When|Go)[A-Za-z0-9]*)|(call|pattern|shape)[A-Z0-9]?[A-Za-z0-9]*(_[0-9]+)?)$`)

// embedDirective is a //go:embed directive of a file the generator wrote,
// with a plain name.
var embedDirective = regexp.MustCompile(`^//go:embed files/([A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)?|model)$`)

// lineDirective gives the code after it a position in the source, or gives
// main.go its own positions back.
var lineDirective = regexp.MustCompile(`^(/\*line [\p{L}\p{N}_][\p{L}\p{N}._+-]*:[1-9][0-9]*:[1-9][0-9]*\*/|//line main\.go:[1-9][0-9]*:1)$`)

// botString writes s as the content of a .bot string literal whose value
// is s (braces doubled for a template).
func botString(s string, template bool) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`)
	s = r.Replace(s)
	if template {
		s = strings.NewReplacer("{", "{{", "}", "}}").Replace(s)
	}
	return s
}

// everyComment is a bot that puts path into every place a referenced file's
// path reaches the generated program, and text into names and texts.
func everyComment(path, text string) []byte {
	p, x := botString(path, false), botString(text, true)
	return []byte(`bot b
config { ui.avatar = "` + p + `.png" }
initial state s {
    reply file "` + p + `"
    reply image "` + p + `.gif"
    reply table "` + p + `.csv"
    reply plotly "` + p + `.json"
    reply "` + x + `"
    on file -> s
    fallback { reply options "` + x + `" }
}
fallback { reply "` + x + `" }
test "` + botString(text, false) + `" { user file "` + p + `" bot file "` + botString(text, false) + `" }
`)
}

// FuzzGenerate generates programs from arbitrary sources that check, with
// arbitrary file names, and from a bot that puts an arbitrary path and text
// everywhere they reach the program (the path and the file name also
// written into the model past the checker). Each program must be as gofmt
// writes it, declare only names of the generator's own patterns (each
// once; main, bot and tests once each), and hold only its own directives:
// one //go:embed per embedded file, and line directives that name the
// source by a plain name: nothing from the source can add code to it.
func FuzzGenerate(f *testing.F) {
	paths, _ := filepath.Glob("../testdata/examples/*.bot")
	paths = append(paths, "../testdata/generator/values.bot")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, filepath.Base(p), "assets/logo.png")
	}
	f.Add([]byte("bot b\ninitial state s {\n    reply file \"a\\n*/ func init() { panic(1) } /*\"\n    fallback { reply \"?\" }\n}\n"), "b\n*/ func init() {} /*.bot", "a\n*/ func init() { panic(1) } /*")
	f.Add([]byte("bot b\ninitial state s {\n    reply image \"//x\\nfunc init() {}\\n//.png\"\n    on file -> s\n}\n"), "//b.bot", "//go:embed main.go")
	read := fakeFiles(f)
	f.Fuzz(func(t *testing.T, src []byte, name, path string) {
		generate(t, src, name, read, nil)
		// The generator must not count on the checker's rules on paths
		// and names: what they refuse is written into the model directly.
		unchecked := func(b *ir.Bot) {
			b.SourceFile = name
			for i := range b.Files {
				b.Files[i].Path = path
			}
		}
		if !generate(t, everyComment(path, path), name, read, unchecked) {
			generate(t, everyComment("f", path), name, read, unchecked)
		}
	})
}

// generate checks src as the file name, its files read by read, and, when
// it checks, generates it, after mutate when not nil, and checks the
// program. It reports whether src checked.
func generate(t *testing.T, src []byte, name string, read func(string) ([]byte, error), mutate func(*ir.Bot)) bool {
	file, diags := dsl.Parse(name, src)
	if diags.HasErrors() {
		return false
	}
	bot, diags := dsl.Check(file, src, dsl.CheckOptions{Dir: ".", ReadFile: read})
	if diags.HasErrors() {
		return false
	}
	if mutate != nil {
		mutate(bot)
	}
	out, err := generator.Generate(bot)
	if err != nil {
		t.Fatalf("a bot that checks does not generate: %v", err)
	}
	if formatted, err := format.Source(out.Source); err != nil || !bytes.Equal(formatted, out.Source) {
		t.Fatalf("the program is not as gofmt writes it (%v):\n%s", err, out.Source)
	}
	names, directives := topLevel(t, out.Source)
	for _, n := range names {
		if !generatedName.MatchString(n) {
			t.Fatalf("the program declares %q:\n%s", n, out.Source)
		}
	}
	for _, n := range []string{"main", "bot", "tests"} {
		if c := count(names, n); c != 1 {
			t.Fatalf("the program declares %s %d times", n, c)
		}
	}
	for i, n := range names {
		if n != "_" && slices.Contains(names[:i], n) {
			t.Fatalf("the program declares %s twice", n)
		}
	}
	embeds := 0
	for _, d := range directives {
		switch {
		case embedDirective.MatchString(d):
			embeds++
		case !lineDirective.MatchString(d):
			t.Fatalf("the program holds the comment %q:\n%s", d, out.Source)
		}
	}
	if embeds != len(out.Files) {
		t.Fatalf("%d //go:embed directives for %d files", embeds, len(out.Files))
	}
	return true
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// The bot FuzzGenerate fills in checks with any path that is a file name,
// so that the fuzzer spends its inputs on the generator.
func TestEveryCommentChecks(t *testing.T) {
	for _, p := range []string{"a", "f", "a\n*/ func init() { panic(1) } /*", `"{x}\`, "a\x00b\u2028"} {
		src := everyComment(p, p)
		f, diags := dsl.Parse("b.bot", src)
		if !diags.HasErrors() {
			_, diags = dsl.Check(f, src, dsl.CheckOptions{Dir: ".", ReadFile: fakeFiles(t)})
		}
		if diags.HasErrors() {
			t.Errorf("%q: %v\n%s", p, diags, src)
		}
	}
}
