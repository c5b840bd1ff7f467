package check

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// char is one source character of a string literal's content, with the
// position it was written at.
type char struct {
	r   rune
	pos ir.Pos
}

// literalChars returns the content of a string literal (without quotes) with
// the position of every character. Triple-quoted strings are dedented: a
// newline right after the opening quotes is dropped, so is a last line made
// only of white space, and the indentation common to all lines is removed.
func literalChars(s *syntax.Str) []char {
	raw := s.Raw
	triple := len(raw) >= 6 && strings.HasPrefix(raw, `"""`) && strings.HasSuffix(raw, `"""`)
	q := 1
	if triple {
		q = 3
	}
	if len(raw) < 2*q {
		return nil
	}
	all := make([]char, 0, utf8.RuneCountInString(raw))
	p := toPos(s.Pos)
	for _, r := range raw {
		all = append(all, char{r, p})
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
	var lines [][]char
	var cur []char
	for i, c := range all {
		if c.r == '\r' && i+1 < len(all) && all[i+1].r == '\n' {
			continue
		}
		if c.r == '\n' {
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
	var out []char
	for i, l := range lines {
		if i > 0 {
			out = append(out, char{'\n', l0pos(lines[i-1], s)})
		}
		n := utf8.RuneCountInString(indent)
		if isBlank(l) {
			n = len(l) // a blank line keeps no indentation at all
		}
		out = append(out, l[n:]...)
	}
	return out
}

func l0pos(l []char, s *syntax.Str) ir.Pos {
	if len(l) > 0 {
		p := l[len(l)-1].pos
		p.Col++
		return p
	}
	return toPos(s.Pos)
}

func isBlank(l []char) bool {
	for _, c := range l {
		if c.r != ' ' && c.r != '\t' {
			return false
		}
	}
	return true
}

func leadingSpace(l []char) string {
	var b strings.Builder
	for _, c := range l {
		if c.r != ' ' && c.r != '\t' {
			break
		}
		b.WriteRune(c.r)
	}
	return b.String()
}

var escapes = map[rune]rune{'\\': '\\', '"': '"', 'n': '\n', 't': '\t', 'r': '\r', '{': '{', '}': '}'}

// decodeString returns the value of a string literal that is not a
// template: escapes are decoded and braces are plain characters.
func (c *checker) decodeString(s *syntax.Str) string {
	text, _ := c.decode(s, false)
	return text
}

// decodeWithPos is decodeString that also returns the source position of
// every character (rune) of the value.
func (c *checker) decodeWithPos(s *syntax.Str) (string, []ir.Pos) {
	return c.decode(s, true)
}

func (c *checker) decode(s *syntax.Str, withPos bool) (string, []ir.Pos) {
	chars := literalChars(s)
	var b strings.Builder
	b.Grow(len(s.Raw))
	var pos []ir.Pos
	if withPos {
		pos = make([]ir.Pos, 0, len(chars))
	}
	for i := 0; i < len(chars); i++ {
		ch := chars[i]
		if ch.r == '\\' && i+1 < len(chars) {
			i++
			if e, ok := escapes[chars[i].r]; ok {
				b.WriteRune(e)
				if withPos {
					pos = append(pos, ch.pos)
				}
			} else {
				c.errorf(ch.pos, "unknown escape sequence \\%c", chars[i].r)
			}
			continue
		}
		b.WriteRune(ch.r)
		if withPos {
			pos = append(pos, ch.pos)
		}
	}
	return b.String(), pos
}

// template parses a string literal as a template: `{expr}` interpolates,
// `{{` and `}}` are literal braces.
func (c *checker) template(s *syntax.Str) ir.Template {
	chars := literalChars(s)
	var t ir.Template
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			t.Parts = append(t.Parts, ir.TemplatePart{Text: text.String()})
			text.Reset()
		}
	}
	for i := 0; i < len(chars); i++ {
		ch := chars[i]
		switch {
		case ch.r == '\\' && i+1 < len(chars):
			i++
			if e, ok := escapes[chars[i].r]; ok {
				text.WriteRune(e)
			} else {
				c.errorf(ch.pos, "unknown escape sequence \\%c", chars[i].r)
			}
		case ch.r == '{' && i+1 < len(chars) && chars[i+1].r == '{':
			text.WriteRune('{')
			i++
		case ch.r == '}' && i+1 < len(chars) && chars[i+1].r == '}':
			text.WriteRune('}')
			i++
		case ch.r == '}':
			c.errorf(ch.pos, "unmatched } in text (write }} for a literal brace)")
		case ch.r == '{':
			expr, end, ok := exprChars(chars, i+1)
			if !ok {
				c.errorf(ch.pos, "unclosed { in text (write {{ for a literal brace)")
				i = len(chars)
				continue
			}
			closing := chars[end].pos
			i = end
			if strings.TrimSpace(charsString(expr)) == "" {
				c.errorf(ch.pos, "empty interpolation {}")
				continue
			}
			e := c.interpolation(expr, closing)
			flush()
			t.Parts = append(t.Parts, ir.TemplatePart{Expr: e})
		default:
			text.WriteRune(ch.r)
		}
	}
	flush()
	return t
}

// exprChars collects the expression of an interpolation starting at
// chars[start], up to the closing brace (whose index it returns). Inside it,
// \" and \\ stand for " and \ so that expressions may hold strings.
func exprChars(chars []char, start int) (expr []char, end int, ok bool) {
	// A first pass finds the end, so that the expression is allocated once.
	end, ok = scanExpr(chars, start, nil)
	if !ok {
		return nil, 0, false
	}
	expr = make([]char, 0, end-start)
	scanExpr(chars, start, &expr)
	return expr, end, true
}

// scanExpr is exprChars, appending the expression to *expr when not nil.
func scanExpr(chars []char, start int, expr *[]char) (end int, ok bool) {
	emit := func(cs ...char) {
		if expr != nil {
			*expr = append(*expr, cs...)
		}
	}
	inStr := false
	for i := start; i < len(chars); i++ {
		ch := chars[i]
		if ch.r == '\\' && i+1 < len(chars) && (chars[i+1].r == '"' || chars[i+1].r == '\\') {
			i++
			r := chars[i].r
			emit(char{r, ch.pos})
			if r == '"' {
				inStr = !inStr
			}
			continue
		}
		if inStr {
			if ch.r == '\\' && i+1 < len(chars) {
				emit(ch, chars[i+1])
				i++
				continue
			}
			if ch.r == '"' {
				inStr = false
			}
			emit(ch)
			continue
		}
		switch ch.r {
		case '"':
			inStr = true
		case '}':
			return i, true
		}
		emit(ch)
	}
	return 0, false
}

func charsString(cs []char) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteRune(c.r)
	}
	return b.String()
}

// interpolation parses and types the expression of a `{...}`; positions
// inside it are mapped back to the characters of the string literal.
func (c *checker) interpolation(expr []char, closing ir.Pos) ir.Expr {
	src := charsString(expr)
	offsets := make([]int, len(expr)) // byte offset of each character in src
	off := 0
	for i, ch := range expr {
		offsets[i] = off
		off += utf8.RuneLen(ch.r)
	}
	mapPos := func(p lexer.Position) ir.Pos {
		for i := range expr {
			if offsets[i] >= p.Offset {
				return expr[i].pos
			}
		}
		return closing
	}
	ast, diags := syntax.ParseExpr(c.filename, src, mapPos)
	if diags != nil {
		for _, d := range diags {
			c.report(d)
		}
		return badExpr()
	}
	saved := c.posFn
	c.posFn = mapPos
	defer func() { c.posFn = saved }()
	return c.expr(ast)
}
