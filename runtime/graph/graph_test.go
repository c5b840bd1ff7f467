package graph

import (
	"bytes"
	"encoding/xml"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// hostile are names and conditions that end a quoted string, open HTML,
// start a comment or an edge, or break a line, in one of the languages.
var hostile = []string{
	`a"b`, `back\`, `x\"y`, "two\nlines", `<b>bold</b>`, `a & b`, `{x}[y](z)`, `a|b`, `%% comment`,
	`# 1`, `;`, "`md`", `-->`, `end`, `subgraph`, `élan ✓`, "tab\there", "nul\x00bell\x07", `#quot;`, `'`, "\xff",
	`count >= 3 and name != "x"`,
}

func hostileGraph(name, cond string) *Graph {
	return &Graph{
		Bot: name,
		States: []State{
			{Name: "start", Initial: true},
			{Name: name, Global: true},
			{Name: "lost " + name, Unreachable: true},
		},
		Edges: []Edge{
			{To: name, Kind: Global, Label: name},
			{From: "start", To: name, Kind: When, Label: cond},
			{From: "start", To: name, Kind: Go, Label: cond},
			{From: name, Kind: Back, Label: cond},
			{From: name, To: "start", Kind: File, Label: "image/*, " + cond},
			{From: "lost " + name, To: "nowhere", Kind: Otherwise}, // an unknown state: not drawn
		},
	}
}

// dotString reads the quoted DOT string at the start of s: its text (a \n
// escape read as a line break) and the rest of s; false when it does not
// close.
func dotString(s string) (string, string, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", "", false
			}
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		case '\n':
			return "", "", false // a DOT string may hold one, but ours never do
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false
}

var dotStructure = regexp.MustCompile(`^[A-Za-z0-9_ \t\n\[\]=;,{}>.-]*$`)

// parseDOT checks that out is made of the writer's structure around
// well-closed strings, and returns the strings.
func parseDOT(t *testing.T, out string) []string {
	t.Helper()
	var texts []string
	var structure strings.Builder
	for rest := out; rest != ""; {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			structure.WriteString(rest)
			break
		}
		structure.WriteString(rest[:i])
		text, after, ok := dotString(rest[i:])
		if !ok {
			t.Fatalf("a DOT string does not close:\n%s", out)
		}
		texts = append(texts, text)
		rest = after
	}
	if !dotStructure.MatchString(structure.String()) {
		t.Fatalf("unexpected characters outside the strings: %q\n%s", structure.String(), out)
	}
	return texts
}

var mermaidCode = regexp.MustCompile(`#([0-9]+);`)

// parseMermaid checks that every line of out is the writer's structure
// around quoted labels holding only safe characters, and returns the
// labels decoded.
func parseMermaid(t *testing.T, out string) []string {
	t.Helper()
	var texts []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		parts := strings.Split(line, `"`)
		if len(parts)%2 == 0 {
			t.Fatalf("unbalanced quotes in %q", line)
		}
		for i, p := range parts {
			if i%2 == 0 {
				if strings.ContainsAny(p, "<&#`%;\\") && !strings.HasPrefix(strings.TrimSpace(p), "classDef") {
					t.Fatalf("unsafe structure %q in %q", p, line)
				}
				continue
			}
			if strings.ContainsAny(mermaidCode.ReplaceAllString(strings.ReplaceAll(p, "<br>", ""), ""), "<>&|`%;#\\\n") {
				t.Fatalf("unsafe label %q", p)
			}
			text := strings.ReplaceAll(p, "<br>", "\n")
			text = mermaidCode.ReplaceAllStringFunc(text, func(m string) string {
				n, _ := strconv.Atoi(m[1 : len(m)-1])
				return string(rune(n))
			})
			texts = append(texts, text)
		}
	}
	return texts
}

// clean is what a label of s becomes: control characters other than the
// line break are blanks, as is a byte that is not UTF-8.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && (r < ' ' || r == 0x7f || r == 0xfffd) {
			return ' '
		}
		return r
	}, s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func checkDiagrams(t *testing.T, name, cond string) {
	g := hostileGraph(name, cond)
	var dot, mmd, svg bytes.Buffer
	if err := g.WriteDOT(&dot); err != nil {
		t.Fatal(err)
	}
	if err := g.WriteMermaid(&mmd); err != nil {
		t.Fatal(err)
	}
	if err := g.WriteSVG(&svg, name); err != nil {
		t.Fatal(err)
	}
	for format, texts := range map[string][]string{"dot": parseDOT(t, dot.String()), "mermaid": parseMermaid(t, mmd.String())} {
		for _, want := range []string{clean(name), "when " + clean(cond), "go if " + clean(cond), "go back if " + clean(cond), "file image/*, " + clean(cond)} {
			if !contains(texts, want) {
				t.Errorf("%s: no label %q in %q", format, want, texts)
			}
		}
		if contains(texts, "otherwise") {
			t.Errorf("%s: the edge to an unknown state is drawn", format)
		}
	}
	texts := parseSVG(t, svg.Bytes())
	for _, want := range []string{oneLine(clean(name)), oneLine("when " + clean(cond))} {
		if want != "" && !contains(texts, want) {
			t.Errorf("svg: no text %q in %q", want, texts)
		}
	}
}

// parseSVG checks that out is well-formed XML and returns its texts.
func parseSVG(t *testing.T, out []byte) []string {
	t.Helper()
	var texts []string
	d := xml.NewDecoder(bytes.NewReader(out))
	inText := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return texts
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
}

func TestHostileLabels(t *testing.T) {
	for _, s := range hostile {
		t.Run(strconv.Quote(s), func(t *testing.T) {
			checkDiagrams(t, s, s)
			checkRedacted(t, s)
		})
	}
}

// FuzzLabels: whatever a state's name or a condition holds, the diagrams
// stay well-formed and show it, and the condition's literals can be hidden.
func FuzzLabels(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, name, cond string) {
		if strings.TrimSpace(clean(name)) == "" || name == "start" || strings.HasPrefix(name, "lost ") || cond == "" {
			return // the graph would name one state twice, or a go has no condition
		}
		checkDiagrams(t, name, cond)
		checkRedacted(t, cond)
	})
}

// TestDOTParsesWithGraphviz runs dot on the hostile diagrams, when it is
// installed.
func TestDOTParsesWithGraphviz(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not installed")
	}
	for _, s := range hostile {
		var buf bytes.Buffer
		if err := hostileGraph(s, s).WriteDOT(&buf); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = &buf
		if out, err := cmd.CombinedOutput(); err != nil || bytes.Contains(out, []byte("Warning")) || bytes.Contains(out, []byte("Error")) {
			t.Errorf("dot on %q: %v\n%s", s, err, out[:min(len(out), 400)])
		}
	}
}

func TestSVGHighlightsTheCurrentState(t *testing.T) {
	g := &Graph{Bot: "b", States: []State{{Name: "a", Initial: true}, {Name: "b"}}, Edges: []Edge{{From: "a", To: "b", Kind: Intent, Label: "hi"}, {From: "b", To: "a", Kind: Go}}}
	var buf bytes.Buffer
	if err := g.WriteSVG(&buf, "b"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `<g class="state current" data-state="b" aria-current="step">`) {
		t.Errorf("b is not highlighted:\n%s", out)
	}
	if strings.Count(out, "current") != 2+strings.Count(svgStyle, "current") {
		t.Errorf("more than one state highlighted:\n%s", out)
	}
	buf.Reset()
	if err := g.WriteSVG(&buf, ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "aria-current") {
		t.Error("a state is highlighted with no current state")
	}
}

// checkRedacted: whatever a condition holds, its redaction keeps what is
// before its first quote, and holds no quote but those of "…".
func checkRedacted(t *testing.T, cond string) {
	t.Helper()
	out := withoutLiterals(cond)
	i := strings.IndexByte(cond, '"')
	if i < 0 {
		if out != cond {
			t.Errorf("%q, without literals, becomes %q", cond, out)
		}
		return
	}
	if !strings.HasPrefix(out, cond[:i]+`"…"`) || strings.Contains(strings.ReplaceAll(out, `"…"`, ""), `"`) {
		t.Errorf("%q without its literals: %q", cond, out)
	}
}

func TestWithoutLiterals(t *testing.T) {
	for _, tc := range []struct{ cond, want string }{
		{`message == "staff-code-1234"`, `message == "…"`},
		{`count >= 3 and name != "x"`, `count >= 3 and name != "…"`},
		{`x == "a\"b" and y != "c"`, `x == "…" and y != "…"`},
		{`x == "back\\" or y == "z\\\"" or n == 2`, `x == "…" or y == "…" or n == 2`},
		{`"" == message`, `"…" == message`},
		{`contains(message, "{code} \u00e9") and user.age > 17.5`, `contains(message, "…") and user.age > 17.5`},
		{"\"\"\"two\n\"lines\" \"\" secret\"\"\" == text and ok", `"…" == text and ok`},
		{`"""a""" + "b" + """"""`, `"…" + "…" + "…"`},
		{`""""" == x`, `"…"`}, // """ and no """ after it: a text never closed
		{`x == "never closed and y == 2`, `x == "…"`},
		{`x == "ends in an escape\`, `x == "…"`},
		{`x == """never closed "a" secret`, `x == "…"`},
		{"x == \"\xff\\\xff\" or \"s\"", `x == "…" or "…"`},
		{`n > 3 and not done`, `n > 3 and not done`},
	} {
		if got := withoutLiterals(tc.cond); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.cond, got, tc.want)
		}
		checkRedacted(t, tc.cond)
	}

	g := hostileGraph("shown", `message == "staff-code-1234"`)
	g.Edges = append(g.Edges, Edge{From: "start", To: "shown", Kind: Intent, Label: "hello"}, Edge{From: "start", To: "shown", Kind: File, Label: "text/csv"})
	before := slices.Clone(g.Edges)
	r := g.WithoutLiterals()
	if !slices.Equal(g.Edges, before) {
		t.Error("WithoutLiterals changes the graph it copies")
	}
	var svg bytes.Buffer
	if err := r.WriteSVG(&svg, ""); err != nil {
		t.Fatal(err)
	}
	texts := parseSVG(t, svg.Bytes())
	for _, want := range []string{`when message == "…"`, `go if message == "…"`, `go back if message == "…"`, "hello", "file text/csv", `file image/*, message == "staff-code-1234"`} {
		if !contains(texts, want) {
			t.Errorf("no label %q in %q", want, texts)
		}
	}
	if n := strings.Count(svg.String(), "staff-code-1234"); n != 1 {
		t.Errorf("the literal is drawn %d times, want once (in the file's MIME types, which are no condition)", n)
	}
}
