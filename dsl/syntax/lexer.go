package syntax

import (
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
	tokWhitespace       = botLexer.Symbols()["Whitespace"]
	tokComment          = botLexer.Symbols()["Comment"]
	tokString           = botLexer.Symbols()["String"]
	tokNumber           = botLexer.Symbols()["Number"]
	tokIdent            = botLexer.Symbols()["Ident"]
	tokRegex            = botLexer.Symbols()["Regex"]
	tokKeyword          = botLexer.Symbols()["Keyword"]
	tokPunct            = botLexer.Symbols()["Punct"]
	tokUnterminated     = botLexer.Symbols()["Unterminated"]
	tokUnterminatedText = botLexer.Symbols()["UnterminatedText"]
)

// The token types that Significant's callers tell apart: a name (keywords
// such as state or reply included) and a string literal.
var (
	IdentToken  = tokIdent
	StringToken = tokString
)

// allTokens lexes src, whitespace and comments included.
func allTokens(filename string, src []byte) ([]lexer.Token, error) {
	lex, err := botLexer.LexString(filename, string(src))
	if err != nil {
		return nil, err
	}
	var toks []lexer.Token
	for {
		t, err := lex.Next()
		if err != nil {
			return nil, err
		}
		if t.EOF() {
			return toks, nil
		}
		toks = append(toks, t)
	}
}

// Significant returns the tokens of src that are neither blanks nor
// comments; it stops at the first lexical error, so that it serves a file
// being written. A source larger than DefaultMaxSourceSize, which Parse
// refuses, has none: an editor asking about it must not stall on it.
func Significant(filename string, src []byte) []lexer.Token {
	if len(src) > DefaultMaxSourceSize {
		return nil
	}
	lex, err := botLexer.LexString(filename, string(src))
	if err != nil {
		return nil
	}
	var out []lexer.Token
	for {
		t, err := lex.Next()
		if err != nil || t.EOF() {
			return out
		}
		if t.Type != tokWhitespace && t.Type != tokComment {
			out = append(out, t)
		}
	}
}

// TokenKind is what a token is, as an editor colours it.
type TokenKind int

// The kinds of tokens.
const (
	NameToken     TokenKind = iota + 1 // a name, or a word of the grammar
	ReservedToken                      // and, or, not, true, false
	TextToken                          // a string, closed or not
	NumberToken
	CommentToken
	RegexToken // `= /.../`, its equals sign included
	PunctToken // an operator or a bracket
)

// Token is a token of a source and its kind; Pos counts columns in runes.
type Token struct {
	Kind  TokenKind
	Value string
	Pos   ir.Pos
}

// Tokens returns the tokens of src but blanks, comments included, up to the
// first lexical error, for an editor's colouring. Like Significant, it
// returns none for a source larger than DefaultMaxSourceSize.
func Tokens(filename string, src []byte) []Token {
	if len(src) > DefaultMaxSourceSize {
		return nil
	}
	lex, err := botLexer.LexString(filename, string(src))
	if err != nil {
		return nil
	}
	kinds := map[lexer.TokenType]TokenKind{
		tokIdent: NameToken, tokKeyword: ReservedToken, tokString: TextToken, tokUnterminated: TextToken,
		tokUnterminatedText: TextToken, tokNumber: NumberToken, tokComment: CommentToken, tokRegex: RegexToken, tokPunct: PunctToken,
	}
	var out []Token
	for {
		t, err := lex.Next()
		if err != nil || t.EOF() {
			return out
		}
		if k, ok := kinds[t.Type]; ok {
			out = append(out, Token{Kind: k, Value: t.Value, Pos: ToPos(t.Pos)})
		}
	}
}
