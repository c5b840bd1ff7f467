package dsl

import (
	"os"
	"path/filepath"
	"testing"
)

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
		file, diags := Parse("fuzz.bot", src)
		if file == nil {
			if !diags.HasErrors() {
				t.Fatalf("nil file without an error")
			}
			return
		}
		_, diags = Check(file, src, CheckOptions{Dir: dir})
		for _, d := range diags {
			if d.Pos.Line < 1 || d.Pos.Col < 1 {
				t.Fatalf("diagnostic without a position: %v", d)
			}
		}
	})
}
