package symbols

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const namesSrc = `bot b
var x = 0
var name = "a"
setting api = "u"
intent a { "from {town}" param town: any }
intent b { "to {town}", "by { town } \{town}" param town: any }
initial state s {
    for x in [1, 2] {
        for y in [x] { reply "{x}{y}{name}" }
    }
    reply """
        {x} and
          {lower(\"A\") + name}
        """
    on a -> s
}
`

// names lists the references of the name at line:col as "line:col".
func refsAt(t *testing.T, ix *Index, line, col int) string {
	t.Helper()
	n, ok := ix.At(line, col)
	if !ok {
		t.Fatalf("no name at %d:%d", line, col)
	}
	var out []string
	for _, r := range ix.Refs(n) {
		d := ""
		if r.Decl {
			d = "*"
		}
		out = append(out, fmt.Sprintf("%d:%d%s", r.Pos.Line, r.Pos.Col, d))
	}
	return n.Kind.String() + " " + strings.Join(out, " ")
}

func TestNames(t *testing.T) {
	ix, ok := Names("b.bot", []byte(namesSrc))
	if !ok {
		t.Fatal("the source does not parse")
	}
	for _, c := range []struct {
		line, col int
		want      string
	}{
		// A parameter two intents declare is one name for expressions:
		// both declarations and both intents' placeholders, read as the
		// classifier reads them (\{ is a brace, spaces around the name
		// are left out).
		{5, 19, "parameter 5:19 5:32* 6:17 6:31 6:40 6:53*"},
		// The loop's variable hides the variable x in its body only.
		{8, 9, "loop variable 8:9* 9:19 9:32"},
		{2, 5, "variable 2:5* 12:10"},
		{9, 13, "loop variable 9:13* 9:35"},
		// Inside an interpolation, \" is a quote: the name after it is
		// where it is written.
		{13, 27, "variable 3:5* 9:38 13:27"},
		{15, 8, "intent 5:8* 15:8"},
	} {
		if got := refsAt(t, ix, c.line, c.col); got != c.want {
			t.Errorf("%d:%d: %s, want %s", c.line, c.col, got, c.want)
		}
	}
	for _, c := range []struct {
		line, col  int
		name, want string
	}{
		{9, 13, "x", `the loop's body reads "x" (line 9), which a loop variable of that name would hide`},
		{9, 13, "z", ""},
		{3, 5, "y", `at line 9, the loop variable "y" (line 9) would hide the renamed variable`},
		{3, 5, "x", `variable "x" already exists (line 2)`},
		{4, 9, "protocol", `"protocol" is a config key, which --set protocol=... would set instead`},
		{4, 9, "websocket_port", "a setting \"websocket_port\" would be set by BOTGEN_WEBSOCKET_PORT, as config key websocket.port is"},
		{4, 9, "endpoint", ""},
		{5, 19, "place", ""},
	} {
		n, _ := ix.At(c.line, c.col)
		got := ""
		if err := ix.CheckRename(n, c.name); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("rename %d:%d to %s: %q, want %q", c.line, c.col, c.name, got, c.want)
		}
	}
}

// TestNamesOfBadSources: no index for a file that does not parse, and no
// panic on any source.
func TestNamesOfBadSources(t *testing.T) {
	for _, src := range []string{"", "bot", "bot b\nstate s {", "bot \xff\xfe", "bot b\nstate s { reply \"{\xff}\" }", "bot b\nstate s { reply \"{x\" }"} {
		ix, ok := Names("b.bot", []byte(src))
		if ok {
			for _, n := range ix.Names {
				ix.CheckRename(n, "z")
			}
		}
	}
	if _, ok := Names("b.bot", []byte("bot b\nstate s {")); ok {
		t.Error("an index of a file that does not parse")
	}
}

// TestNamesOfExamples: in the example bots, which check without an error,
// every name resolves to something, and is written where the index says.
func TestNamesOfExamples(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/examples/*.bot")
	more, _ := filepath.Glob("../../testdata/examples/*/*.bot")
	if len(paths)+len(more) == 0 {
		t.Fatal("no examples")
	}
	for _, p := range append(paths, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ix, ok := Names(p, src)
		if !ok {
			t.Errorf("%s does not parse", p)
			continue
		}
		lines := strings.Split(string(src), "\n")
		for _, n := range ix.Names {
			line := []rune(lines[n.Pos.Line-1])
			if n.Kind == Unknown {
				t.Errorf("%s:%d:%d: %q resolves to nothing", p, n.Pos.Line, n.Pos.Col, n.Name)
			}
			if at := string(line[min(n.Pos.Col-1, len(line)):]); !strings.HasPrefix(at, n.Name) {
				t.Errorf("%s:%d:%d: %s %q, but %q is written there", p, n.Pos.Line, n.Pos.Col, n.Kind, n.Name, at)
			}
		}
	}
}
