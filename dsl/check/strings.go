package check

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

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
	chars := syntax.LiteralChars(s)
	var b strings.Builder
	b.Grow(len(s.Raw))
	var pos []ir.Pos
	if withPos {
		pos = make([]ir.Pos, 0, len(chars))
	}
	for i := 0; i < len(chars); i++ {
		ch := chars[i]
		if ch.R == '\\' && i+1 < len(chars) {
			i++
			if e, ok := escapes[chars[i].R]; ok {
				b.WriteRune(e)
				if withPos {
					pos = append(pos, ch.Pos)
				}
			} else {
				c.errorf(ch.Pos, "unknown escape sequence \\%c", chars[i].R)
			}
			continue
		}
		b.WriteRune(ch.R)
		if withPos {
			pos = append(pos, ch.Pos)
		}
	}
	return b.String(), pos
}

// template parses a string literal as a template: `{expr}` interpolates,
// `{{` and `}}` are literal braces.
func (c *checker) template(s *syntax.Str) ir.Template {
	chars := syntax.LiteralChars(s)
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
		case ch.R == '\\' && i+1 < len(chars):
			i++
			if e, ok := escapes[chars[i].R]; ok {
				text.WriteRune(e)
			} else {
				c.errorf(ch.Pos, "unknown escape sequence \\%c", chars[i].R)
			}
		case ch.R == '{' && i+1 < len(chars) && chars[i+1].R == '{':
			text.WriteRune('{')
			i++
		case ch.R == '}' && i+1 < len(chars) && chars[i+1].R == '}':
			text.WriteRune('}')
			i++
		case ch.R == '}':
			c.errorf(ch.Pos, "unmatched } in text (write }} for a literal brace)")
		case ch.R == '{':
			expr, end, ok := syntax.InterpolationChars(chars, i+1)
			if !ok {
				c.errorf(ch.Pos, "unclosed { in text (write {{ for a literal brace)")
				i = len(chars)
				continue
			}
			closing := chars[end].Pos
			i = end
			if strings.TrimSpace(syntax.CharsText(expr)) == "" {
				c.errorf(ch.Pos, "empty interpolation {}")
				continue
			}
			e := c.interpolation(expr, closing)
			flush()
			t.Parts = append(t.Parts, ir.TemplatePart{Expr: e})
		default:
			text.WriteRune(ch.R)
		}
	}
	flush()
	return t
}

// interpolation parses and types the expression of a `{...}`; positions
// inside it are mapped back to the characters of the string literal.
func (c *checker) interpolation(expr []syntax.Char, closing ir.Pos) ir.Expr {
	src := syntax.CharsText(expr)
	offsets := make([]int, len(expr)) // byte offset of each character in src
	off := 0
	for i, ch := range expr {
		offsets[i] = off
		off += utf8.RuneLen(ch.R)
	}
	mapPos := func(p lexer.Position) ir.Pos {
		for i := range expr {
			if offsets[i] >= p.Offset {
				return expr[i].Pos
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
