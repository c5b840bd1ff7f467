package dsl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/dsl/symbols"
)

// Every rule of the grammar that recurses is bounded, brackets or not: a
// long run of unary operators, a long else-if chain, and the same inside an
// interpolation, each give a positioned error instead of exhausting the
// stack (two megabytes of "-" did).
func TestDepthLimits(t *testing.T) {
	const n = 1 << 20
	elseIfs := "if true { reply \"a\" }" + strings.Repeat(" else if true { reply \"a\" }", n/27)
	cases := []struct {
		name, body string
		want       string // the position of the error
	}{
		{"minus", "set x = " + strings.Repeat("-", 2*n) + "1", "3:212:"},
		{"not", "set x = " + strings.Repeat("not ", n/2) + "true", "3:809:"},
		{"minus and brackets", "set x = " + strings.Repeat("-(", n/2) + "1", "3:212:"},
		{"not and brackets", "when " + strings.Repeat("not (", n/4) + "true -> s", "3:509:"},
		{"else if", elseIfs, "3:5386:"},
		{"interpolation minus", `reply "{` + strings.Repeat("-", n/8) + `1}"`, "3:13:"},
		{"interpolation not", `reply "{` + strings.Repeat("not ", n/32) + `true}"`, "3:13:"},
		{"interpolation brackets", `reply "{` + strings.Repeat("(", n/8) + `1}"`, "3:13:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := []byte("bot b\ninitial state s {\n    " + c.body + "\n}\n")
			start := time.Now()
			f, diags := ParseLimited("t.bot", src, 8<<20)
			if f != nil {
				_, diags = Check(f, src, CheckOptions{})
			}
			if !diags.HasErrors() || !strings.Contains(diags.Error(), "t.bot:"+c.want+" syntax error: nesting deeper than 200 levels") {
				t.Errorf("got %v, want the nesting error at %s", diags, c.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// Nesting up to the limit is fine, and what parses can be checked and laid
// out: none of them recurses past the parser's bound.
func TestDepthWithinLimits(t *testing.T) {
	body := "set x = " + strings.Repeat("-", 190) + "1\n" +
		"    set y = " + strings.Repeat("not ", 190) + "true\n" +
		"    if y { reply \"a\" }" + strings.Repeat(" else if y { reply \"a\" }", 180) + " else { reply \"{" + strings.Repeat("-", 150) + "x}\" }\n" +
		"    when " + strings.Repeat("not (", 90) + "y" + strings.Repeat(")", 90) + " -> s"
	src := []byte("bot b\ninitial state s {\n    " + body + "\n}\n")
	f, diags := Parse("t.bot", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, diags := Check(f, src, CheckOptions{}); diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, diags := Format("t.bot", src); diags.HasErrors() {
		t.Fatal(diags)
	}
}

// A source larger than the limit is refused before any work, at its first
// line: 50 MB took 84 s and 9 GB.
func TestSourceSizeLimit(t *testing.T) {
	big := []byte("bot b\ninitial state s {\n    reply \"" + strings.Repeat("a", DefaultMaxSourceSize) + "\"\n}\n")
	start := time.Now()
	f, diags := Parse("t.bot", big)
	want := fmt.Sprintf("t.bot:1:1: the file is %d bytes, larger than the limit of 1048576 bytes (--max-source-size)", len(big))
	if f != nil || diags.Error() != want {
		t.Errorf("got %q, want %q", diags.Error(), want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if _, diags := ParseLimited("t.bot", big, 2<<20); diags.HasErrors() {
		t.Errorf("with a higher limit: %v", diags)
	}
	if _, diags := Format("t.bot", big); diags.Error() != want {
		t.Errorf("Format: %v", diags)
	}
	if got := symbols.Declarations("t.bot", big); got != nil {
		t.Errorf("Declarations: %v", got)
	}

	// Load refuses the file from its size, and reads it under a higher limit.
	path := filepath.Join(t.TempDir(), "b.bot")
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, diags := Load(path, CheckOptions{}); !strings.Contains(diags.Error(), fmt.Sprintf("b.bot:1:1: the file is %d bytes, larger than the limit of 1048576 bytes", len(big))) {
		t.Errorf("Load: %v", diags)
	}
	if _, diags := Load(path, CheckOptions{MaxSourceSize: len(big)}); diags.HasErrors() {
		t.Errorf("Load with a higher limit: %v", diags)
	}
	if _, diags := Load(path, CheckOptions{MaxSourceSize: 1000}); !strings.Contains(diags.Error(), "larger than the limit of 1000 bytes") {
		t.Errorf("Load with a lower limit: %v", diags)
	}
}
