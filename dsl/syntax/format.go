package syntax

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
)

// indentUnit is one level of indentation in formatted source.
const indentUnit = "    "

// Format returns src in the canonical layout: four spaces of indentation per
// open bracket, one space between words and around operators, none inside
// brackets or before a comma or colon, trailing comments of neighbouring
// lines aligned, at most one blank line in a row, and a final line break.
// It keeps the author's line breaks, comments and string literals as they
// are, so it never changes what the file means: the formatted file has the
// same tokens in the same order, which Format checks before returning. A
// file that does not parse is not formatted; its syntax errors are returned.
func Format(filename string, src []byte) ([]byte, diag.Diagnostics) {
	if _, diags := Parse(filename, src); diags.HasErrors() {
		return nil, diags
	}
	toks, err := allTokens(filename, src)
	if err != nil {
		return nil, diag.Diagnostics{{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: diag.Error, Message: err.Error()}}
	}
	out := layout(toks)
	// The layout only moves blanks; anything else would be a bug here, and
	// must not reach the author's file.
	again, err := allTokens(filename, out)
	if err != nil || !sameTokens(toks, again) {
		return nil, diag.Diagnostics{{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: diag.Error, Message: "internal formatter error: the layout changed the tokens; the file is left as it is"}}
	}
	return out, nil
}

// ExprText returns the expression e, parsed from src, as botgen fmt lays
// it out but on one line and without comments: what a state diagram
// writes for a condition. "" when e's extent is not in src.
func ExprText(src []byte, e *Expr) string {
	if e == nil || e.Pos.Offset < 0 || e.EndPos.Offset <= e.Pos.Offset || e.EndPos.Offset > len(src) {
		return ""
	}
	toks, err := allTokens("", src[e.Pos.Offset:e.EndPos.Offset])
	if err != nil {
		return strings.Join(strings.Fields(string(src[e.Pos.Offset:e.EndPos.Offset])), " ")
	}
	keep := toks[:0]
	for _, t := range toks {
		if t.Type != tokWhitespace && t.Type != tokComment {
			keep = append(keep, t)
		}
	}
	return renderLine(keep)
}

// sameTokens reports whether a and b hold the same tokens but for blanks,
// including those between the "=" and the slash of a regular expression.
func sameTokens(a, b []lexer.Token) bool {
	strip := func(ts []lexer.Token) []string {
		var out []string
		for _, t := range ts {
			switch t.Type {
			case tokWhitespace:
			case tokRegex:
				out = append(out, regexText(t.Value))
			case tokComment:
				out = append(out, strings.TrimRight(t.Value, " \t\r"))
			default:
				out = append(out, t.Value)
			}
		}
		return out
	}
	return slices.Equal(strip(a), strip(b))
}

// regexText is a regular expression token ("=/re/", "=  /re/") written
// canonically: "= /re/".
func regexText(v string) string {
	return "= " + strings.TrimLeft(strings.TrimPrefix(v, "="), " \t")
}

// line is one output line: its tokens (no whitespace), its trailing comment,
// and the blank lines before it.
type line struct {
	toks    []lexer.Token
	comment string
	blanks  int
}

// splitLines groups tokens into lines. A line break inside a string literal
// does not end a line: the string is one token.
func splitLines(toks []lexer.Token) []line {
	var lines []line
	cur := line{}
	breaks := 0
	flush := func() {
		if len(cur.toks) > 0 || cur.comment != "" {
			cur.blanks = max(breaks-1, 0)
			lines = append(lines, cur)
		}
		cur = line{}
		breaks = 0
	}
	for _, t := range toks {
		switch t.Type {
		case tokWhitespace:
			if n := strings.Count(t.Value, "\n"); n > 0 {
				if len(cur.toks) > 0 || cur.comment != "" {
					flush()
					breaks = n
				} else {
					breaks += n
				}
			}
		case tokComment:
			cur.comment = strings.TrimRight(t.Value, " \t\r")
		default:
			cur.toks = append(cur.toks, t)
		}
	}
	flush()
	if len(lines) > 0 {
		lines[0].blanks = 0
	}
	return lines
}

// layout renders tokens in the canonical layout.
func layout(toks []lexer.Token) []byte {
	lines := splitLines(toks)
	depth := 0
	codes := make([]string, len(lines))
	indents := make([]int, len(lines))
	for i, ln := range lines {
		level := depth
		if len(ln.toks) > 0 && isCloser(ln.toks[0].Value) {
			level--
		}
		for _, t := range ln.toks {
			switch {
			case isOpener(t.Value):
				depth++
			case isCloser(t.Value):
				depth--
			}
		}
		indents[i] = max(level, 0)
		codes[i] = renderLine(ln.toks)
	}
	var b bytes.Buffer
	for i := 0; i < len(lines); {
		// A run of neighbouring lines with code and a trailing comment, at
		// the same indentation, has its comments in one column.
		j := i + 1
		if lines[i].comment != "" && codes[i] != "" {
			for j < len(lines) && lines[j].blanks == 0 && lines[j].comment != "" && codes[j] != "" && indents[j] == indents[i] && !strings.Contains(codes[j-1], "\n") {
				j++
			}
		}
		width := 0
		for k := i; k < j; k++ {
			width = max(width, lastLineWidth(codes[k]))
		}
		for k := i; k < j; k++ {
			ln := lines[k]
			if ln.blanks > 0 {
				b.WriteByte('\n')
			}
			code := codes[k]
			if code != "" || ln.comment != "" {
				b.WriteString(strings.Repeat(indentUnit, indents[k]))
			}
			b.WriteString(code)
			if ln.comment != "" {
				if code != "" {
					b.WriteString(strings.Repeat(" ", width-lastLineWidth(code)+1))
				}
				b.WriteString(ln.comment)
			}
			b.WriteByte('\n')
		}
		i = j
	}
	return b.Bytes()
}

// lastLineWidth is the width in runes of the last line of s (a multi-line
// string literal ends where its closing quotes are).
func lastLineWidth(s string) int {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return utf8.RuneCountInString(s)
}

func isOpener(v string) bool { return v == "{" || v == "(" || v == "[" }
func isCloser(v string) bool { return v == "}" || v == ")" || v == "]" }

// renderLine writes one line's tokens with the canonical spacing.
func renderLine(toks []lexer.Token) string {
	var b strings.Builder
	tight := recordBraces(toks)
	for i, t := range toks {
		v := t.Value
		if t.Type == tokRegex {
			v = regexText(v)
		}
		if i > 0 && !(tight[i-1] && toks[i-1].Value == "{") && !(tight[i] && t.Value == "}") && spaceBetween(toks, i) {
			b.WriteByte(' ')
		}
		b.WriteString(v)
	}
	return b.String()
}

// recordBraces marks the braces of the record literals opened and closed on
// one line, which are written tight against what they hold, as
// {lat: 41.39, lon: 2.17}; a brace that opens a block follows a word or a
// closing bracket instead, and keeps its spaces.
func recordBraces(toks []lexer.Token) map[int]bool {
	var tight map[int]bool
	var open []int // indexes of the open braces; -1 for a block's
	for i, t := range toks {
		switch t.Value {
		case "{":
			if i > 0 && opensRecord(toks[i-1]) {
				open = append(open, i)
			} else {
				open = append(open, -1)
			}
		case "}":
			if n := len(open); n > 0 {
				if o := open[n-1]; o >= 0 {
					if tight == nil {
						tight = map[int]bool{}
					}
					tight[o], tight[i] = true, true
				}
				open = open[:n-1]
			}
		}
	}
	return tight
}

// opensRecord reports whether a brace after t starts a value: after an
// operator, an opening bracket, a separator or the word returns.
func opensRecord(t lexer.Token) bool {
	switch t.Value {
	case "=", "(", "[", "{", ",", ":", "returns", "==", "!=", "+":
		return t.Type != tokString
	}
	return false
}

// spaceBetween reports whether toks[i] is written one space after toks[i-1].
func spaceBetween(toks []lexer.Token, i int) bool {
	prev, t := toks[i-1].Value, toks[i].Value
	switch {
	case t == "," || t == ":" || t == ")" || t == "]" || t == ".":
		return false
	case prev == "(" || prev == "[" || prev == ".":
		return false
	case t == "(" && toks[i-1].Type == tokIdent:
		// A call: round(x). Words of the language before a bracket, as in
		// "if (a or b)", keep their space.
		return prev == "if" || prev == "when" || prev == "else" || prev == "set"
	case prev == "-" && isUnaryMinus(toks, i-1):
		return false
	}
	return true
}

// isUnaryMinus reports whether the "-" at toks[i] is a sign rather than a
// subtraction: it is when nothing that can end an operand comes before it.
func isUnaryMinus(toks []lexer.Token, i int) bool {
	if i == 0 {
		return true
	}
	p := toks[i-1]
	switch {
	case p.Type == tokNumber || p.Type == tokString || p.Value == ")" || p.Value == "]":
		return false
	case p.Type == tokIdent:
		// A name is an operand, but for the words that introduce numbers:
		// the first word of a line ("row -1, 2", "y -3, 4") and "reply
		// location -12.5, 3".
		if i-1 == 0 {
			return true
		}
		return p.Value == "location" && toks[i-2].Value == "reply" || p.Value == "if" || p.Value == "when"
	}
	return true // an operator, "(", ",", "=", ...
}
