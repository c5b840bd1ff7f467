package symbols

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const symbolsSrc = `bot b
var count = 0
entity city { "Rome" }
intent weather {
    "weather in {town}"
    param town: city
}
intent hi { "hi" }
initial state start {
    reply """
Hello {count}
"""
    on weather -> forecast
    on hi -> start
}
state forecast {
    set seen = true
    set count = count + 1
    reply "It is sunny in {town} ({upper(town)})"
    go start
}
`

func TestDeclarations(t *testing.T) {
	var got []string
	for _, s := range Declarations("b.bot", []byte(symbolsSrc)) {
		got = append(got, fmt.Sprintf("%s %s %d:%d", s.Kind, s.Name, s.Pos.Line, s.Pos.Col))
	}
	want := []string{
		"variable count 2:5", "entity city 3:8", "intent weather 4:8", "variable town 6:11",
		"intent hi 8:8", "state start 9:15", "state forecast 16:7", "variable seen 17:9",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReferenceAt(t *testing.T) {
	src := []byte(symbolsSrc)
	cases := []struct {
		line, col int
		want      string // "kind name", or "" for none
	}{
		{13, 20, "state forecast"}, // after ->
		{13, 8, "intent weather"},  // after on
		{20, 9, "state start"},     // after go
		{6, 17, "entity city"},     // param town: city
		{18, 17, "variable count"}, // in an expression
		{18, 9, "variable count"},  // set count
		{19, 29, "variable town"},  // {town} in a string
		{19, 42, "variable town"},  // an argument inside {...}
		{19, 36, ""},               // a function name inside {...}
		{19, 14, ""},               // plain text of a string
		{11, 9, "variable count"},  // {count} inside a multi-line string
		{16, 7, "state forecast"},  // the declaration itself
		{1, 1, "variable bot"},     // any name; it has no declaration to go to
		{30, 1, ""},                // past the end
	}
	for _, c := range cases {
		sym, ok := ReferenceAt("b.bot", src, c.line, c.col)
		got := ""
		if ok {
			got = sym.Kind.String() + " " + sym.Name
		}
		if got != c.want {
			t.Errorf("%d:%d: got %q, want %q", c.line, c.col, got, c.want)
		}
	}
}

func TestCompletionsAt(t *testing.T) {
	src := []byte(symbolsSrc)
	cases := []struct {
		line, col int
		want      string
	}{
		{13, 19, "state: start forecast"},           // after "-> "
		{13, 22, "state: start forecast"},           // in the middle of typing a name
		{13, 8, "intent: file weather hi"},          // after "on "
		{6, 17, "entity: any datetime number city"}, // after "param town: "
		{20, 8, "state: start forecast"},            // after "go "
		{9, 15, ""},                                 // naming a new state
		{18, 17, ""},                                // an expression
	}
	for _, c := range cases {
		kind, names := CompletionsAt("b.bot", src, c.line, c.col)
		got := ""
		if len(names) > 0 {
			got = kind.String() + ": " + strings.Join(names, " ")
		}
		if got != c.want {
			t.Errorf("%d:%d: got %q, want %q", c.line, c.col, got, c.want)
		}
	}
}

// TestSymbolsOnBrokenInput: the editor asks while the file is half written.
func TestSymbolsOnBrokenInput(t *testing.T) {
	src := []byte("bot b\nstate s0 {\n    on hi -> \nstate s1 {\n")
	if kind, names := CompletionsAt("b.bot", src, 3, 15); kind != State || !slices.Equal(names, []string{"s0", "s1"}) {
		t.Errorf("completion in a broken file: %v %q", kind, names)
	}
	for _, bad := range []string{"", "\"", "bot b\nreply \"{", "state"} {
		Declarations("b.bot", []byte(bad))
		ReferenceAt("b.bot", []byte(bad), 1, 1)
		CompletionsAt("b.bot", []byte(bad), 1, 3)
	}
}

func TestSummary(t *testing.T) {
	src := []byte(symbolsSrc)
	decls := Declarations("b.bot", src)
	got := map[string]string{}
	for _, d := range decls {
		got[d.Kind.String()+" "+d.Name] = Summary("b.bot", src, d)
	}
	want := map[string]string{
		"intent weather": "intent weather {\n\"weather in {town}\"",
		"entity city":    "entity city { \"Rome\" }\n\"Rome\"",
		"state forecast": "state forecast {",
		"variable count": "var count = 0",
		"variable town":  "param town: city",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	// An intent with many sentences shows ten.
	many := "bot b\nintent i {\n"
	for k := range 13 {
		many += fmt.Sprintf("    \"s%d\"\n", k)
	}
	many += "}\n"
	d := Declarations("m.bot", []byte(many))[0]
	if s := Summary("m.bot", []byte(many), d); !strings.HasSuffix(s, "\"s9\"\n… and 3 more") {
		t.Errorf("long intent: %q", s)
	}
}
