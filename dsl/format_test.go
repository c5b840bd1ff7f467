package dsl

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestFormat checks the formatter's goldens in testdata/format: the input
// file, and the formatted file or, when the input does not parse, its
// diagnostics. -update rewrites the want sections.
func TestFormat(t *testing.T) {
	runGoldens(t, "../testdata/format/*.txtar", "want.bot", func(t *testing.T, a *txtar.Archive) []byte {
		var src []byte
		for _, f := range a.Files {
			if f.Name == "input.bot" {
				src = f.Data
			}
		}
		if src == nil {
			t.Fatal("no input.bot section")
		}
		out, diags := Format("input.bot", src)
		if diags.HasErrors() {
			return []byte(diags.Error() + "\n")
		}
		if again, diags := Format("input.bot", out); diags.HasErrors() || !bytes.Equal(again, out) {
			t.Errorf("formatting the formatted file changes it:\n%s", again)
		}
		return out
	})
}

// TestFormatKeepsMeaning formats every example and every diagnostics case
// that parses: the result must be stable, and checking it must report the
// same problems (positions aside) as checking the original.
func TestFormatKeepsMeaning(t *testing.T) {
	examples, _ := filepath.Glob("../testdata/examples/*.bot")
	cases, _ := filepath.Glob("../testdata/diagnostics/*.txtar")
	if len(examples) == 0 || len(cases) == 0 {
		t.Fatal("no inputs")
	}
	inputs := map[string][]byte{}
	for _, p := range examples {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = src
	}
	for _, p := range cases {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if f.Name == "input.bot" {
				inputs[p] = f.Data
			}
		}
	}
	messages := func(src []byte, dir string) []string {
		file, diags := Parse("x.bot", src)
		if file != nil {
			_, diags = Check(file, src, CheckOptions{Dir: dir})
		}
		var out []string
		for _, d := range diags {
			out = append(out, d.Severity.String()+": "+d.Message)
		}
		slices.Sort(out)
		return out
	}
	formatted := 0
	for p, src := range inputs {
		out, diags := Format("x.bot", src)
		if diags.HasErrors() {
			if f, _ := Parse("x.bot", src); f != nil {
				t.Errorf("%s parses but does not format: %v", p, diags)
			}
			continue
		}
		formatted++
		if again, _ := Format("x.bot", out); !bytes.Equal(again, out) {
			t.Errorf("%s: formatting is not stable", p)
		}
		dir := filepath.Dir(p)
		if before, after := messages(src, dir), messages(out, dir); !slices.Equal(before, after) {
			t.Errorf("%s: checking the formatted file reports\n%s\ninstead of\n%s", p, strings.Join(after, "\n"), strings.Join(before, "\n"))
		}
	}
	if formatted < len(examples) {
		t.Errorf("only %d files formatted", formatted)
	}
}

// TestExamplesAreFormatted keeps the reference examples in the canonical
// layout, so that the layout follows how the examples are written.
func TestExamplesAreFormatted(t *testing.T) {
	examples, _ := filepath.Glob("../testdata/examples/*.bot")
	for _, p := range examples {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out, diags := Format(p, src)
		if diags.HasErrors() || !bytes.Equal(out, src) {
			t.Errorf("%s is not in the canonical layout: %v", p, diags)
		}
	}
}

// TestFormatLineEndings: Windows line breaks and trailing blanks, also at the
// end of a comment, become plain line breaks; a multi-line string keeps its
// own bytes.
func TestFormatLineEndings(t *testing.T) {
	src := "bot b # c  \r\nintent hi { \"hi\" }\t\r\nstate s { reply \"\"\"a\r\nb\"\"\" }\r\n\r\n\r\n"
	want := "bot b # c\nintent hi { \"hi\" }\nstate s { reply \"\"\"a\r\nb\"\"\" }\n"
	out, diags := Format("x.bot", []byte(src))
	if diags.HasErrors() || string(out) != want {
		t.Errorf("got %q, %v; want %q", out, diags, want)
	}
}
