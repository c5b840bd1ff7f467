package syntax

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/runtime/spelling"
)

// declWords start a top-level declaration; stmtWords start what a block
// holds (statements, transitions, test steps, parameters).
var (
	declWords = []string{"initial", "state", "intent", "entity", "var", "setting", "knowledge", "global", "config", "fallback", "test"}
	stmtWords = []string{"reply", "set", "if", "else", "on", "when", "otherwise", "go", "fallback", "user", "bot", "param"}
)

// syntaxHint returns a message for the syntax errors whose cause the
// grammar's own message hides, and the offset in src it belongs at, or ""
// when err is none of them. src is the text parsed: the file, or the
// expression of an interpolation (interp).
func syntaxHint(src []byte, err error, interp bool) (int, string) {
	var ute *participle.UnexpectedTokenError
	if !errors.As(err, &ute) {
		var perr participle.Error
		if errors.As(err, &perr) && strings.HasPrefix(perr.Message(), "lexer: invalid input text ") {
			off := perr.Position().Offset
			return off, characterHint(src, off)
		}
		return 0, ""
	}
	tok := ute.Unexpected
	off := tok.Pos.Offset
	if tok.Type == tokUnterminated || tok.Type == tokUnterminatedText {
		return off, "unterminated string"
	}
	// Where the parser gives up on a condition with = in it depends on
	// its lookahead: anywhere on the line.
	if eq := assignInCondition(src, off, interp); eq >= 0 {
		if interp {
			return eq, `unexpected "=" in an expression: use == to compare`
		}
		return eq, `unexpected "=" in a condition: use == to compare`
	}
	if what := literalExpected(src, off, tok.Value); what != "" {
		return off, what
	}
	switch {
	case expectsArrow(ute.Message()):
		return off, arrowHint(src, off, tok)
	case tok.Type == tokIdent && firstOnLine(src, off):
		words := stmtWords
		if braceDepth(src, off) == 0 {
			words = declWords
		}
		if s := spelling.Suggest(tok.Value, words); s != "" {
			return off, fmt.Sprintf("unexpected token %q (did you mean %q?)", tok.Value, s)
		}
	}
	return 0, ""
}

// literalExpected returns the message for a value that is not a literal
// where a declaration takes one (var x = ..., setting x = ...), at offset
// off; "" when off is not there.
func literalExpected(src []byte, off int, found string) string {
	start := off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	fields := strings.Fields(string(src[start:off]))
	if len(fields) != 3 || fields[2] != "=" {
		return ""
	}
	switch fields[0] {
	case "var":
		return fmt.Sprintf("unexpected %q: the initial value of a variable is a literal (a string, a number, true or false); compute a value in a state, with set", found)
	case "setting":
		return fmt.Sprintf("unexpected %q: the value of a setting is a literal (a string, a number, true or false), which the bot's configuration may override", found)
	}
	return ""
}

// assignInCondition returns the offset of a lone "=" in the condition of an
// if, an else if or a when on the line of offset off, or in an
// interpolation, or -1.
func assignInCondition(src []byte, off int, interp bool) int {
	start, end := off, off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	for end < len(src) && src[end] != '\n' {
		end++
	}
	from := start
	if !interp {
		// The condition follows the line's last if or when.
		from = -1
		for i := start; i < end; {
			switch c := src[i]; {
			case c == '"':
				i = skipString(src, i)
			case c == '#' || (c == '/' && i+1 < end && src[i+1] == '/'):
				i = end
			case isIdentStart(c):
				j := i
				for j < end && isIdentByte(src[j]) {
					j++
				}
				if w := string(src[i:j]); w == "if" || w == "when" {
					from = j
				}
				i = j
			default:
				i++
			}
		}
		if from < 0 {
			return -1
		}
	}
	for i := from; i < end; {
		switch c := src[i]; {
		case c == '"':
			i = skipString(src, i)
		case c == '#' || (c == '/' && i+1 < end && src[i+1] == '/'):
			return -1
		case c == '{' || c == '-' && i+1 < end && src[i+1] == '>':
			return -1 // the condition ends
		case c == '=':
			if i+1 < end && src[i+1] == '=' {
				i += 2
				continue
			}
			if i > 0 && strings.IndexByte("=!<>", src[i-1]) >= 0 {
				i++
				continue
			}
			return i
		default:
			i++
		}
	}
	return -1
}

// expectsArrow reports whether a participle message says that "->" was
// expected.
func expectsArrow(msg string) bool {
	_, exp, ok := strings.Cut(msg, " (expected ")
	return ok && strings.Contains(exp, `"->"`)
}

// arrowHint names what the missing arrow of a transition or a global
// follows, and what stands in its place.
func arrowHint(src []byte, off int, tok lexer.Token) string {
	found := tok.Value
	if tok.EOF() {
		found = "the end of the file"
	} else {
		if strings.HasPrefix(string(src[off:]), "=>") {
			found = "=>"
		}
		found = fmt.Sprintf("%q", found)
	}
	after := "the intent"
	switch w := lineWords(src, off); {
	case len(w) > 0 && w[0] == "when":
		after = "the condition"
	case len(w) > 0 && w[0] == "otherwise":
		after = "otherwise"
	case len(w) > 1 && w[0] == "on" && w[1] == "file":
		after = "on file"
	}
	return fmt.Sprintf("expected -> after %s, found %s", after, found)
}

// characterHint explains a character no token starts with, when it is a
// single quote: strings take double quotes.
func characterHint(src []byte, off int) string {
	if off < 0 || off >= len(src) || src[off] != '\'' {
		return ""
	}
	line := string(src[off+1:])
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if text, _, ok := strings.Cut(line, "'"); ok && !strings.ContainsAny(text, `"\`) {
		return fmt.Sprintf(`strings are written in double quotes: "%s", not '%s'`, text, text)
	}
	return "unexpected character '\\'' (strings are written in double quotes)"
}

// lineWords returns the words (runs of name characters) of the line of
// offset off, up to off.
func lineWords(src []byte, off int) []string {
	start := off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	return strings.FieldsFunc(string(src[start:off]), func(r rune) bool {
		return r > 127 || !isIdentByte(byte(r))
	})
}

// firstOnLine reports whether only blanks come before offset off on its line.
func firstOnLine(src []byte, off int) bool {
	for i := off - 1; i >= 0 && src[i] != '\n'; i-- {
		if src[i] != ' ' && src[i] != '\t' && src[i] != '\r' {
			return false
		}
	}
	return true
}

// braceDepth counts the braces open at offset off, strings and comments
// aside.
func braceDepth(src []byte, off int) int {
	depth := 0
	for i := 0; i < off && i < len(src); {
		switch c := src[i]; {
		case c == '#' || (c == '/' && i+1 < len(src) && src[i+1] == '/'):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '"':
			i = skipString(src, i)
		default:
			if c == '{' {
				depth++
			} else if c == '}' && depth > 0 {
				depth--
			}
			i++
		}
	}
	return depth
}
