package syntax

import (
	"strings"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// The one reading of the characters of string literals and of the
// interpolations {...} of texts: the checker decodes and types them, the
// editor's index finds the names in them.

// Char is one source character of a string literal's content, with the
// position it was written at.
type Char struct {
	R   rune
	Pos ir.Pos
}

// LiteralChars returns the content of a string literal (without quotes) with
// the position of every character. Triple-quoted strings are dedented: a
// newline right after the opening quotes is dropped, so is a last line made
// only of white space, and the indentation common to all lines is removed.
func LiteralChars(s *Str) []Char {
	raw := s.Raw
	triple := len(raw) >= 6 && strings.HasPrefix(raw, `"""`) && strings.HasSuffix(raw, `"""`)
	q := 1
	if triple {
		q = 3
	}
	if len(raw) < 2*q {
		return nil
	}
	all := make([]Char, 0, utf8.RuneCountInString(raw))
	p := ToPos(s.Pos)
	for _, r := range raw {
		all = append(all, Char{r, p})
		if r == '\n' {
			p.Line++
			p.Col = 1
		} else {
			p.Col++
		}
	}
	all = all[q : len(all)-q]
	if !triple {
		return all
	}
	// Split into lines, dropping carriage returns before newlines.
	var lines [][]Char
	var cur []Char
	for i, c := range all {
		if c.R == '\r' && i+1 < len(all) && all[i+1].R == '\n' {
			continue
		}
		if c.R == '\n' {
			lines = append(lines, cur)
			cur = nil
			continue
		}
		cur = append(cur, c)
	}
	lines = append(lines, cur)
	if len(lines) > 1 && len(lines[0]) == 0 {
		lines = lines[1:]
	}
	if len(lines) > 1 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	indent := ""
	first := true
	for _, l := range lines {
		if isBlank(l) {
			continue
		}
		lead := leadingSpace(l)
		if first {
			indent, first = lead, false
			continue
		}
		for !strings.HasPrefix(lead, indent) {
			indent = indent[:len(indent)-1]
		}
	}
	var out []Char
	for i, l := range lines {
		if i > 0 {
			out = append(out, Char{'\n', l0pos(lines[i-1], s)})
		}
		n := utf8.RuneCountInString(indent)
		if isBlank(l) {
			n = len(l) // a blank line keeps no indentation at all
		}
		out = append(out, l[n:]...)
	}
	return out
}

func l0pos(l []Char, s *Str) ir.Pos {
	if len(l) > 0 {
		p := l[len(l)-1].Pos
		p.Col++
		return p
	}
	return ToPos(s.Pos)
}

func isBlank(l []Char) bool {
	for _, c := range l {
		if c.R != ' ' && c.R != '\t' {
			return false
		}
	}
	return true
}

func leadingSpace(l []Char) string {
	var b strings.Builder
	for _, c := range l {
		if c.R != ' ' && c.R != '\t' {
			break
		}
		b.WriteRune(c.R)
	}
	return b.String()
}

// InterpolationChars collects the expression of an interpolation starting at
// chars[start], up to the closing brace (whose index it returns). Inside it,
// \" and \\ stand for " and \ so that expressions may hold strings.
func InterpolationChars(chars []Char, start int) (expr []Char, end int, ok bool) {
	// A first pass finds the end, so that the expression is allocated once.
	end, ok = scanExpr(chars, start, nil)
	if !ok {
		return nil, 0, false
	}
	expr = make([]Char, 0, end-start)
	scanExpr(chars, start, &expr)
	return expr, end, true
}

// scanExpr is InterpolationChars, appending the expression to *expr when
// not nil.
func scanExpr(chars []Char, start int, expr *[]Char) (end int, ok bool) {
	emit := func(cs ...Char) {
		if expr != nil {
			*expr = append(*expr, cs...)
		}
	}
	inStr := false
	for i := start; i < len(chars); i++ {
		ch := chars[i]
		if ch.R == '\\' && i+1 < len(chars) && (chars[i+1].R == '"' || chars[i+1].R == '\\') {
			i++
			r := chars[i].R
			emit(Char{r, ch.Pos})
			if r == '"' {
				inStr = !inStr
			}
			continue
		}
		if inStr {
			if ch.R == '\\' && i+1 < len(chars) {
				emit(ch, chars[i+1])
				i++
				continue
			}
			if ch.R == '"' {
				inStr = false
			}
			emit(ch)
			continue
		}
		switch ch.R {
		case '"':
			inStr = true
		case '}':
			return i, true
		}
		emit(ch)
	}
	return 0, false
}

// CharsText is the text of cs.
func CharsText(cs []Char) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteRune(c.R)
	}
	return b.String()
}
