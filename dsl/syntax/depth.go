package syntax

import (
	"errors"
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

var deepMessage = fmt.Sprintf("syntax error: nesting deeper than %d levels", maxDepth)

// checkingLexer passes on the tokens of a source to the parser, checking
// them as they go: nesting deeper than maxDepth and, for a file, a first
// word other than `bot`, which the grammar would report less clearly. At
// the first problem it stops the parser's lexing with errChecked, so that
// a hostile source is not read through, and keeps the problem in bad.
type checkingLexer struct {
	lex     lexer.Lexer
	started bool // past `bot`, or an expression
	n       nesting
	bad     *diag.Diagnostic
}

var errChecked = errors.New("the source failed a check before parsing")

// newCheckingLexer lexes src, a .bot file when file is set, else an
// expression.
func newCheckingLexer(filename string, src []byte, file bool) (*checkingLexer, error) {
	lex, err := botLexer.LexString(filename, string(src))
	if err != nil {
		return nil, err
	}
	return &checkingLexer{lex: lex, started: !file}, nil
}

func (l *checkingLexer) Next() (lexer.Token, error) {
	tok, err := l.lex.Next()
	if err != nil {
		return tok, err // a lexical error, which the parser reports
	}
	switch {
	case tok.EOF() && !l.started:
		return l.fail(tok, "syntax error: empty file: a .bot file starts with `bot NAME`")
	case tok.EOF(), tok.Type == tokComment, tok.Type == tokWhitespace:
	case !l.started && tok.Value != "bot":
		return l.fail(tok, "syntax error: a .bot file must start with `bot NAME`")
	case !l.started:
		l.started = true
	case l.n.add(tok) > maxDepth:
		return l.fail(tok, deepMessage)
	}
	return tok, nil
}

func (l *checkingLexer) fail(tok lexer.Token, msg string) (lexer.Token, error) {
	l.bad = &diag.Diagnostic{Pos: ToPos(tok.Pos), Severity: diag.Error, Message: msg}
	return tok, errChecked
}

// peeking lexes src for the parser through a checkingLexer: bad is the
// problem it found, err a lexical error.
func peeking(filename string, src []byte, file bool) (peek *lexer.PeekingLexer, bad *diag.Diagnostic, err error) {
	cl, err := newCheckingLexer(filename, src, file)
	if err != nil {
		return nil, nil, err
	}
	peek, err = lexer.Upgrade(cl, tokWhitespace, tokComment)
	if cl.bad != nil {
		return nil, cl.bad, nil
	}
	return peek, nil, err
}
