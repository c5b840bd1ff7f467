package dsl

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/botgen-dev/botgen/dsl/symbols"
)

// FuzzParse feeds the parser, the formatter, the checker and the editor
// queries arbitrary input: none may panic, every diagnostic has a position,
// and a file that parses formats stably.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("../testdata/examples/*.bot")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("bot b\ninitial state s { reply \"{x + }\" }"))
	f.Add([]byte("bot b\nstate s { reply \"\"\"\n  {a}\n  \"\"\" }"))
	dir := filepath.Join("..", "testdata", "examples")
	f.Fuzz(func(t *testing.T, src []byte) {
		// What an editor asks while the file is being written.
		symbols.Declarations("fuzz.bot", src)
		for _, p := range [][2]int{{1, 1}, {2, 5}, {3, 12}, {5, 20}} {
			symbols.ReferenceAt("fuzz.bot", src, p[0], p[1])
			symbols.CompletionsAt("fuzz.bot", src, p[0], p[1])
		}
		file, diags := Parse("fuzz.bot", src)
		if file == nil {
			if !diags.HasErrors() {
				t.Fatalf("nil file without an error")
			}
			return
		}
		// A file that parses formats, keeps its tokens (Format checks),
		// and formats to itself the second time.
		out, fdiags := Format("fuzz.bot", src)
		if fdiags.HasErrors() {
			t.Fatalf("a file that parses does not format: %v", fdiags)
		}
		if again, _ := Format("fuzz.bot", out); !bytes.Equal(again, out) {
			t.Fatalf("formatting is not stable:\n%s\n---\n%s", out, again)
		}
		_, diags = Check(file, src, CheckOptions{Dir: dir})
		for _, d := range diags {
			if d.Pos.Line < 1 || d.Pos.Col < 1 {
				t.Fatalf("diagnostic without a position: %v", d)
			}
		}
	})
}
