package dsl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/ir"
)

var botLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `(?:#|//)[^\n]*`},
	{Name: "String", Pattern: `"""(?s:.*?)"""|"(?:\\.|[^"\\\n])*"`},
	{Name: "Unterminated", Pattern: `"`},
	{Name: "Number", Pattern: `[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`},
	{Name: "Keyword", Pattern: `\b(?:and|or|not|true|false)\b`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Regex", Pattern: `=[ \t]*/(?:\\.|[^/\\\n])+/`},
	{Name: "Punct", Pattern: `->|==|!=|<=|>=|[-+*/%<>=(),.:{}\[\]~]`},
	{Name: "Whitespace", Pattern: `\s+`},
})

var (
	fileParser = participle.MustBuild[File](
		participle.Lexer(botLexer),
		participle.Elide("Comment", "Whitespace"),
		participle.UseLookahead(4),
	)
	exprParser = participle.MustBuild[Expr](
		participle.Lexer(botLexer),
		participle.Elide("Comment", "Whitespace"),
		participle.UseLookahead(4),
	)
)

// Parse parses a .bot source. On syntax errors it returns a nil File and a
// diagnostic for each error found (see recoverSyntax).
func Parse(filename string, src []byte) (f *File, diags Diagnostics) {
	defer func() {
		// participle is not ours: never let it take the caller down.
		if r := recover(); r != nil {
			f = nil
			diags = Diagnostics{{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: Error, Message: fmt.Sprintf("internal parser error: %v", r)}}
		}
	}()
	if d, ok := checkStart(filename, src); !ok {
		return nil, Diagnostics{d}
	}
	f, err := fileParser.ParseBytes(filename, src)
	if err != nil {
		return nil, recoverSyntax(filename, src, err)
	}
	return f, nil
}

// syntaxDiag turns a participle error into a diagnostic. mapPos, when not
// nil, maps a position inside an interpolation back into the source.
func syntaxDiag(filename string, err error, mapPos func(lexer.Position) ir.Pos) Diagnostic {
	var perr participle.Error
	pos := ir.Pos{File: filename, Line: 1, Col: 1}
	msg := err.Error()
	if errors.As(err, &perr) {
		msg = perr.Message()
		p := perr.Position()
		if mapPos != nil {
			pos = mapPos(p)
		} else if p.Line > 0 {
			pos = ir.Pos{File: filename, Line: p.Line, Col: p.Column}
		}
	}
	return Diagnostic{Pos: pos, Severity: Error, Message: "syntax error: " + cleanSyntaxMessage(msg)}
}

var expectedWords = strings.NewReplacer(
	"<number>", "number", "<string>", "string", "<ident>", "name",
	"Str", "string", "Ident", "name", "UserStep", `"file", "reset" or a string`,
	"LatLon", "latitude, longitude", "Expr", "expression", "Block", "{",
)

// cleanSyntaxMessage rewrites participle's messages in the language's terms.
func cleanSyntaxMessage(msg string) string {
	if strings.Contains(msg, `unexpected token "\""`) || strings.Contains(msg, "Unterminated") {
		return "unterminated string"
	}
	if rest, ok := strings.CutPrefix(msg, "lexer: invalid input text "); ok {
		if r, err := strconv.Unquote(rest); err == nil && r != "" {
			return fmt.Sprintf("unexpected character %q", []rune(r)[0])
		}
		return "unexpected character"
	}
	msg = strings.ReplaceAll(msg, `unexpected token "<EOF>"`, "unexpected end of file")
	if i := strings.Index(msg, " (expected "); i >= 0 {
		exp := strings.TrimSuffix(msg[i+len(" (expected "):], ")")
		if len(exp) > 40 || strings.ContainsAny(exp, "(|*") {
			return msg[:i]
		}
		return msg[:i] + " (expected " + expectedWords.Replace(exp) + ")"
	}
	return msg
}

func toPos(p lexer.Position) ir.Pos {
	return ir.Pos{File: p.Filename, Line: p.Line, Col: p.Column}
}

// maxDepth bounds the nesting of brackets, so that a pathological input
// cannot exhaust the stack of the recursive-descent parser.
const maxDepth = 200

// checkStart gives a clearer message than the grammar's when the file does
// not start with `bot NAME`, and rejects absurdly deep nesting.
func checkStart(filename string, src []byte) (Diagnostic, bool) {
	lex, err := botLexer.LexString(filename, string(src))
	if err != nil {
		return Diagnostic{}, true
	}
	syms := botLexer.Symbols()
	comment, space := syms["Comment"], syms["Whitespace"]
	first, depth := true, 0
	for {
		tok, err := lex.Next()
		if err != nil || tok.EOF() {
			if first && err == nil {
				return Diagnostic{Pos: toPos(tok.Pos), Severity: Error, Message: "syntax error: empty file: a .bot file starts with `bot NAME`"}, false
			}
			return Diagnostic{}, true // the parser reports lexical errors
		}
		if tok.Type == comment || tok.Type == space {
			continue
		}
		if first && tok.Value != "bot" {
			return Diagnostic{Pos: toPos(tok.Pos), Severity: Error, Message: "syntax error: a .bot file must start with `bot NAME`"}, false
		}
		first = false
		switch tok.Value {
		case "(", "{", "[":
			if depth++; depth > maxDepth {
				return Diagnostic{Pos: toPos(tok.Pos), Severity: Error, Message: fmt.Sprintf("syntax error: nesting deeper than %d levels", maxDepth)}, false
			}
		case ")", "}", "]":
			depth--
		}
	}
}

// parenDepth is the deepest nesting of parentheses in an interpolation.
func parenDepth(src string) int {
	depth, max := 0, 0
	for _, r := range src {
		switch r {
		case '(':
			depth++
			max = maxInt(max, depth)
		case ')':
			depth--
		}
	}
	return max
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
