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
	// A """ text never closed runs to the end of the file. It comes before
	// String, which would read its first two quotes as an empty string.
	{Name: "UnterminatedText", Pattern: `"""(?:[^"]|"[^"]|""[^"])*(?:""?)?$`},
	{Name: "String", Pattern: `"""(?s:.*?)"""|"(?:\\.|[^"\\\n])*"`},
	// A "..." string never closed takes the rest of its line, so that what
	// follows (a '?', a brace) is not reported in its place.
	{Name: "Unterminated", Pattern: `"[^\n]*`},
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

// DefaultMaxSourceSize is the largest .bot source, in bytes, that Parse
// reads: a thousand times the size of a large hand-written bot, and small
// enough that checking the worst such file takes a second or two, so that a
// huge file from a stranger cannot stall botgen or an editor.
const DefaultMaxSourceSize = 1 << 20

// Parse parses a .bot source of at most DefaultMaxSourceSize bytes. On
// syntax errors it returns a nil File and a diagnostic for each error found
// (see recoverSyntax).
func Parse(filename string, src []byte) (*File, Diagnostics) {
	return ParseLimited(filename, src, DefaultMaxSourceSize)
}

// ParseLimited is Parse for a source of at most maxSize bytes (0 for
// DefaultMaxSourceSize); a larger one is an error, found before any work.
func ParseLimited(filename string, src []byte, maxSize int) (f *File, diags Diagnostics) {
	defer func() {
		// participle is not ours: never let it take the caller down.
		if r := recover(); r != nil {
			f = nil
			diags = Diagnostics{{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: Error, Message: fmt.Sprintf("internal parser error: %v", r)}}
		}
	}()
	if d, ok := checkSize(filename, int64(len(src)), maxSize); !ok {
		return nil, Diagnostics{d}
	}
	if d, ok := checkStart(filename, src); !ok {
		return nil, Diagnostics{d}
	}
	f, err := fileParser.ParseBytes(filename, src)
	if err != nil {
		return nil, recoverSyntax(filename, src, err)
	}
	return f, nil
}

// syntaxDiag turns a participle error in src into a diagnostic. mapPos,
// when not nil, maps a position inside an interpolation (src) back into the
// source.
func syntaxDiag(filename string, src []byte, err error, mapPos func(lexer.Position) ir.Pos) Diagnostic {
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
	if off, hint := syntaxHint(src, err, mapPos != nil); hint != "" {
		msg = hint
		p := offsetPos(src, off)
		if mapPos != nil {
			pos = mapPos(p)
		} else {
			pos = ir.Pos{File: filename, Line: p.Line, Col: p.Column}
		}
	} else {
		msg = cleanSyntaxMessage(msg)
	}
	return Diagnostic{Pos: pos, Severity: Error, Message: "syntax error: " + msg}
}

var expectedWords = strings.NewReplacer(
	"<number>", "number", "<string>", "string", "<ident>", "name",
	"Str", "string", "Ident", "name", "UserStep", `"file", "reset" or a string`,
	"LatLon", "latitude, longitude", "Expr", "expression", "Block", "{",
)

// cleanSyntaxMessage rewrites participle's messages in the language's terms.
func cleanSyntaxMessage(msg string) string {
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

// offsetPos returns the line and column (in runes, from 1) of byte offset
// off of src, as the lexer counts them.
func offsetPos(src []byte, off int) lexer.Position {
	p := lexer.Position{Offset: off, Line: 1, Column: 1}
	for _, r := range string(src[:min(off, len(src))]) {
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

func toPos(p lexer.Position) ir.Pos {
	return ir.Pos{File: p.Filename, Line: p.Line, Col: p.Column}
}

// checkSize reports a source of size bytes larger than maxSize (0 for
// DefaultMaxSourceSize).
func checkSize(filename string, size int64, maxSize int) (Diagnostic, bool) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSourceSize
	}
	if size <= int64(maxSize) {
		return Diagnostic{}, true
	}
	return Diagnostic{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: Error,
		Message: fmt.Sprintf("the file is %d bytes, larger than the limit of %d bytes (--max-source-size)", size, maxSize)}, false
}

// maxDepth bounds how deeply a source nests. The parser, the checker and the
// generator recurse once per level: past a bound, a pathological input
// (a megabyte of "-") would exhaust their stacks.
const maxDepth = 200

// nesting measures how deeply a source's tokens nest, as the parser will
// recurse on them: a level per open bracket, per unary operator ("-",
// "not") before its operand, and per "else if" of a chain.
type nesting struct {
	saved []level // the levels of the enclosing brackets
	base  int     // the depth of the enclosing brackets
	cur   level
	prev  string // the previous token
}

// level is what nests inside one pair of brackets: the unary operators
// before the current operand and the "else if" links of the current chain.
type level struct{ unary, chain int }

// add reads the next token (neither blank nor comment) and returns the depth
// reached.
func (n *nesting) add(t lexer.Token) int {
	v := t.Value
	if n.prev == "}" && v != "else" {
		n.cur.chain = 0 // the if chain, if any, ended with its block
	}
	switch {
	case v == "(" || v == "{" || v == "[":
		n.saved = append(n.saved, n.cur)
		n.base += 1 + n.cur.unary + n.cur.chain
		n.cur = level{}
	case v == ")" || v == "}" || v == "]":
		n.cur = level{}
		if k := len(n.saved); k > 0 {
			last := n.saved[k-1]
			n.saved = n.saved[:k-1]
			n.base -= 1 + last.unary + last.chain
			n.cur.chain = last.chain // the operand before it has ended
		}
	case (v == "-" && t.Type == tokPunct) || (v == "not" && t.Type == tokKeyword):
		n.cur.unary++
	case v == "if" && t.Type == tokIdent:
		if n.prev == "else" {
			n.cur.chain++
		} else {
			n.cur.chain = 0
		}
		n.cur.unary = 0
	case t.Type == tokIdent || t.Type == tokNumber || t.Type == tokString || t.Type == tokKeyword:
		n.cur.unary = 0 // an operand ends the unary operators before it
	}
	n.prev = v
	return n.base + n.cur.unary + n.cur.chain
}

// tooDeep returns the first significant token of lex at which the source
// nests deeper than maxDepth.
func tooDeep(lex lexer.Lexer) (lexer.Token, bool) {
	var n nesting
	for {
		tok, err := lex.Next()
		if err != nil || tok.EOF() {
			return lexer.Token{}, false
		}
		if tok.Type == tokComment || tok.Type == tokWhitespace {
			continue
		}
		if n.add(tok) > maxDepth {
			return tok, true
		}
	}
}

var deepMessage = fmt.Sprintf("syntax error: nesting deeper than %d levels", maxDepth)

// checkStart gives a clearer message than the grammar's when the file does
// not start with `bot NAME`, and rejects absurdly deep nesting.
func checkStart(filename string, src []byte) (Diagnostic, bool) {
	lex, err := botLexer.LexString(filename, string(src))
	if err != nil {
		return Diagnostic{}, true
	}
	for {
		tok, err := lex.Next()
		if err != nil {
			return Diagnostic{}, true // the parser reports lexical errors
		}
		if tok.EOF() {
			return Diagnostic{Pos: toPos(tok.Pos), Severity: Error, Message: "syntax error: empty file: a .bot file starts with `bot NAME`"}, false
		}
		if tok.Type == tokComment || tok.Type == tokWhitespace {
			continue
		}
		if tok.Value != "bot" {
			return Diagnostic{Pos: toPos(tok.Pos), Severity: Error, Message: "syntax error: a .bot file must start with `bot NAME`"}, false
		}
		break
	}
	if tok, deep := tooDeep(lex); deep {
		return Diagnostic{Pos: toPos(tok.Pos), Severity: Error, Message: deepMessage}, false
	}
	return Diagnostic{}, true
}
