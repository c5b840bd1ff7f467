package syntax

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/diag"
)

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
func checkStart(filename string, src []byte) (diag.Diagnostic, bool) {
	lex, err := botLexer.LexString(filename, string(src))
	if err != nil {
		return diag.Diagnostic{}, true
	}
	for {
		tok, err := lex.Next()
		if err != nil {
			return diag.Diagnostic{}, true // the parser reports lexical errors
		}
		if tok.EOF() {
			return diag.Diagnostic{Pos: ToPos(tok.Pos), Severity: diag.Error, Message: "syntax error: empty file: a .bot file starts with `bot NAME`"}, false
		}
		if tok.Type == tokComment || tok.Type == tokWhitespace {
			continue
		}
		if tok.Value != "bot" {
			return diag.Diagnostic{Pos: ToPos(tok.Pos), Severity: diag.Error, Message: "syntax error: a .bot file must start with `bot NAME`"}, false
		}
		break
	}
	if tok, deep := tooDeep(lex); deep {
		return diag.Diagnostic{Pos: ToPos(tok.Pos), Severity: diag.Error, Message: deepMessage}, false
	}
	return diag.Diagnostic{}, true
}
