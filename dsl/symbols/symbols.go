// Package symbols is the index of names an editor asks about: what a .bot
// file declares, what the name under the cursor refers to, which names fit
// where the cursor is, and a summary of a declaration for hovering. These
// read tokens rather than the syntax tree, so that they answer while the
// file does not parse. Names (names.go) is the exception: every name of a
// file that parses, resolved as the checker resolves it, for renaming,
// references and colouring, where a guess would be wrong (rename.go says
// what a rename may not do). Nothing here checks anything.
package symbols

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// Kind is what a name in a .bot file stands for.
type Kind int

// The kinds of names.
const (
	State Kind = iota + 1
	Intent
	Entity
	Variable // a var, a parameter, or a name introduced by set
)

// String names the kind as a user would: "state", "intent", ...
func (k Kind) String() string {
	switch k {
	case State:
		return "state"
	case Intent:
		return "intent"
	case Entity:
		return "entity"
	case Variable:
		return "variable"
	case Parameter:
		return "parameter"
	case Setting:
		return "setting"
	case LoopVariable:
		return "loop variable"
	case Function:
		return "function"
	case Field:
		return "field"
	case ConfigKey:
		return "config key"
	case Bot:
		return "bot"
	case TurnName:
		return "name of the turn"
	case ChartType:
		return "chart type"
	case ReplyKind:
		return "reply kind"
	}
	return "name"
}

// Symbol is a declared name and where it is declared.
type Symbol struct {
	Kind Kind
	Name string
	Pos  ir.Pos
}

// Declarations returns the names src declares, in order: states, intents,
// entities, variables (`var`), parameters (`param`), and names first
// introduced by `set`.
func Declarations(filename string, src []byte) []Symbol {
	toks := syntax.Significant(filename, src)
	var out []Symbol
	// A variable is declared where its name first appears: a later var,
	// param or set of that name declares nothing.
	seenVar := map[string]bool{}
	for i := 0; i+1 < len(toks); i++ {
		name := toks[i+1]
		if name.Type != syntax.IdentToken || toks[i].Type != syntax.IdentToken {
			continue
		}
		var kind Kind
		switch toks[i].Value {
		case "state":
			kind = State
		case "intent":
			kind = Intent
		case "entity":
			kind = Entity
		case "var", "param", "set":
			if seenVar[name.Value] {
				continue
			}
			seenVar[name.Value] = true
			kind = Variable
		default:
			continue
		}
		out = append(out, Symbol{Kind: kind, Name: name.Value, Pos: syntax.ToPos(name.Pos)})
	}
	return out
}

// ReferenceAt returns the name at line:col (1-based, col in runes) and the
// kind of thing it refers to, judged from the words before it: a state after
// "->" or "go", an intent after "on" or "global", an entity after "param
// NAME:", a variable elsewhere, including inside {...} in a string. The
// declaring word itself ("state NAME") counts too. ok is false when no name
// is there.
func ReferenceAt(filename string, src []byte, line, col int) (sym Symbol, ok bool) {
	toks := syntax.Significant(filename, src)
	for i, t := range toks {
		end := t.Pos.Column + utf8.RuneCountInString(t.Value)
		if t.Pos.Line != line || col < t.Pos.Column || col > end || strings.Contains(t.Value, "\n") && t.Type != syntax.StringToken {
			continue
		}
		switch t.Type {
		case syntax.IdentToken:
			return Symbol{Kind: kindBefore(toks, i), Name: t.Value, Pos: syntax.ToPos(t.Pos)}, true
		case syntax.StringToken:
			return nameInString(t, line, col)
		}
	}
	// A multi-line string: find the one that spans line.
	for _, t := range toks {
		if t.Type == syntax.StringToken && t.Pos.Line < line && t.Pos.Line+strings.Count(t.Value, "\n") >= line {
			return nameInString(t, line, col)
		}
	}
	return Symbol{}, false
}

// kindBefore is the kind of the name at toks[i], from the tokens before it.
func kindBefore(toks []lexer.Token, i int) Kind {
	prev := func(k int) string {
		if i-k >= 0 {
			return toks[i-k].Value
		}
		return ""
	}
	switch {
	case prev(1) == "state" || prev(1) == "->" || prev(1) == "go":
		return State
	case prev(1) == "intent" || prev(1) == "on" || prev(1) == "global":
		return Intent
	case prev(1) == "entity" || prev(1) == ":" && prev(3) == "param":
		return Entity
	}
	return Variable
}

// nameInString returns the name inside an interpolation {...} of the string
// token t at line:col.
func nameInString(t lexer.Token, line, col int) (Symbol, bool) {
	lines := strings.Split(t.Value, "\n")
	k := line - t.Pos.Line
	if k < 0 || k >= len(lines) {
		return Symbol{}, false
	}
	text := []rune(lines[k])
	start := 0 // column of text[0]
	if k == 0 {
		start = t.Pos.Column
	} else {
		start = 1
	}
	at := col - start
	if at < 0 || at > len(text) {
		return Symbol{}, false
	}
	// Inside braces: the nearest '{' before the cursor with no '}' between.
	open := -1
	for j := min(at, len(text)-1); j >= 0; j-- {
		if text[j] == '}' && j < at {
			break
		}
		if text[j] == '{' {
			open = j
			break
		}
	}
	if open < 0 {
		return Symbol{}, false
	}
	isName := func(r rune) bool {
		return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	b, e := at, at
	for b > open+1 && isName(text[b-1]) {
		b--
	}
	for e < len(text) && isName(text[e]) {
		e++
	}
	if b == e || text[b] >= '0' && text[b] <= '9' {
		return Symbol{}, false
	}
	name := string(text[b:e])
	if e < len(text) && text[e] == '(' {
		return Symbol{}, false // a function
	}
	return Symbol{Kind: Variable, Name: name, Pos: ir.Pos{File: t.Pos.Filename, Line: line, Col: start + b}}, true
}

// CompletionsAt returns the names that fit at line:col, judged from the
// words before it as ReferenceAt judges them: states after "->" or "go",
// intents after "on" (and "file") or "global", entities (the built-in ones
// too) after "param NAME:". Elsewhere it returns nothing.
func CompletionsAt(filename string, src []byte, line, col int) (Kind, []string) {
	toks := syntax.Significant(filename, src)
	// The tokens that end before the cursor; a name being typed is left out.
	n := 0
	for n < len(toks) {
		t := toks[n]
		if t.Pos.Line > line || t.Pos.Line == line && t.Pos.Column >= col {
			break
		}
		n++
	}
	if n > 0 && toks[n-1].Type == syntax.IdentToken && toks[n-1].Pos.Line == line && toks[n-1].Pos.Column+utf8.RuneCountInString(toks[n-1].Value) >= col {
		n-- // the cursor is at the end of a word: complete that word
	}
	kind := kindBefore(append(toks[:n:n], lexer.Token{Type: syntax.IdentToken}), n)
	var names []string
	switch {
	case n == 0:
		return 0, nil
	case kind == State && toks[n-1].Value != "state":
	case kind == Intent && toks[n-1].Value != "intent":
		if toks[n-1].Value == "on" {
			names = append(names, "file")
		}
	case kind == Entity && toks[n-1].Value == ":":
		names = append(names, "any", "datetime", "number")
	default:
		return 0, nil
	}
	for _, s := range Declarations(filename, src) {
		if s.Kind == kind && !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	return kind, names
}

// Summary describes the declaration of d for an editor's hover: the line
// that declares it and, for an intent or an entity, the strings of its block
// (training sentences, values), at most ten.
func Summary(filename string, src []byte, d Symbol) string {
	lines := strings.Split(string(src), "\n")
	if d.Pos.Line < 1 || d.Pos.Line > len(lines) {
		return ""
	}
	out := strings.TrimSpace(strings.TrimSuffix(lines[d.Pos.Line-1], "\r"))
	if d.Kind != Intent && d.Kind != Entity {
		return out
	}
	toks := syntax.Significant(filename, src)
	i := slices.IndexFunc(toks, func(t lexer.Token) bool { return t.Pos.Line == d.Pos.Line && t.Pos.Column == d.Pos.Col })
	if i < 0 {
		return out
	}
	for i < len(toks) && toks[i].Value != "{" {
		i++
	}
	var items []string
	depth, more := 0, 0
	for ; i < len(toks); i++ {
		switch t := toks[i]; {
		case t.Value == "{":
			depth++
		case t.Value == "}":
			depth--
		case t.Type == syntax.StringToken && depth == 1:
			if len(items) == 10 {
				more++
				continue
			}
			items = append(items, t.Value)
		}
		if depth == 0 {
			break
		}
	}
	if len(items) == 0 {
		return out
	}
	out += "\n" + strings.Join(items, "\n")
	if more > 0 {
		out += fmt.Sprintf("\n… and %d more", more)
	}
	return out
}
