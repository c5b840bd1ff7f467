package check

import (
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

func newTestChecker() *checker {
	return &checker{
		filename: "t.bot",
		params:   map[string]*paramInfo{"city": {typ: ir.String}},
		vars:     map[string]*varInfo{"n": {typ: ir.Number}},
		intents:  map[string]*intentInfo{},
		states:   map[string]*stateInfo{},
		entities: map[string]ir.Pos{},
	}
}

func str(raw string, line, col int) *syntax.Str {
	return &syntax.Str{Raw: raw, Pos: lexer.Position{Filename: "t.bot", Line: line, Column: col}}
}

func TestDecodeString(t *testing.T) {
	for _, tc := range []struct{ raw, want, diag string }{
		{`"plain"`, "plain", ""},
		{`"a\\b\"c\nd\te\rf\{g\}"`, "a\\b\"c\nd\te\rf{g}", ""},
		{`"{braces} stay"`, "{braces} stay", ""},
		{`"bad \x"`, "bad ", `t.bot:1:6: unknown escape sequence \x`},
		{`"héllo \q"`, "héllo ", `t.bot:1:8: unknown escape sequence \q`},
		{`""`, "", ""},
	} {
		c := newTestChecker()
		got := c.decodeString(str(tc.raw, 1, 1))
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.raw, got, tc.want)
		}
		if d := c.diags.Error(); d != tc.diag {
			t.Errorf("%s: diagnostics %q, want %q", tc.raw, d, tc.diag)
		}
	}
}

func TestTripleQuoteDedent(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"\"\"\"\n    one\n      two\n    three\n    \"\"\"", "one\n  two\nthree"},
		{"\"\"\"\n**Welcome!**\n- a\n\"\"\"", "**Welcome!**\n- a"},
		{"\"\"\"inline\"\"\"", "inline"},
		{"\"\"\"\n\tx\n\n\ty\n\t\"\"\"", "x\n\ny"},
		{"\"\"\"\r\n  a\r\n  b\r\n  \"\"\"", "a\nb"},
		{"\"\"\"\n  say \"hi\"\n\"\"\"", "say \"hi\""},
		{"\"\"\"\"\"\"", ""},
	} {
		c := newTestChecker()
		if got := c.decodeString(str(tc.raw, 1, 1)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestTemplate(t *testing.T) {
	c := newTestChecker()
	tpl := c.template(str(`"in {city} it is {round(n, 1)}°C {{not}} {file.size}"`, 3, 11))
	if len(c.diags) > 0 {
		t.Fatal(c.diags.Error())
	}
	var kinds []string
	for _, p := range tpl.Parts {
		if p.Expr != nil {
			kinds = append(kinds, "expr:"+p.Expr.ExprType().String())
		} else {
			kinds = append(kinds, "text:"+p.Text)
		}
	}
	want := "text:in |expr:string|text: it is |expr:number|text:°C {not} |expr:number"
	if got := strings.Join(kinds, "|"); got != want {
		t.Errorf("parts %s, want %s", got, want)
	}
}

func TestInterpolationPositions(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		line int
		col  int
		want string
	}{
		// "é" is one column: columns count characters.
		{`"é {nope}"`, 2, 10, `t.bot:2:14: unknown variable or parameter "nope"`},
		{`"{n} and {n + missing}"`, 1, 1, `t.bot:1:15: unknown variable or parameter "missing"`},
		{`"{lower(\"A\") + x}"`, 1, 1, `t.bot:1:18: unknown variable or parameter "x"`},
		{"\"\"\"\n    a\n    b {who}\n    \"\"\"", 5, 11, `t.bot:7:8: unknown variable or parameter "who"`},
		{`"{n + }"`, 1, 1, `t.bot:1:7: syntax error in interpolation {n + }`},
		{`"{city + 1}"`, 1, 1, `t.bot:1:8: operator + expects two numbers or two strings, found string and number (use str() to convert)`},
	} {
		c := newTestChecker()
		c.template(str(tc.raw, tc.line, tc.col))
		if got := c.diags.Error(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestDeepNesting(t *testing.T) {
	deep := strings.Repeat("(", 300) + "n" + strings.Repeat(")", 300)
	c := newTestChecker()
	c.template(str(`"{`+deep+`}"`, 1, 1))
	if got := c.diags.Error(); got != "t.bot:1:3: syntax error: nesting deeper than 200 levels" {
		t.Errorf("interpolation: %q", got)
	}
}
