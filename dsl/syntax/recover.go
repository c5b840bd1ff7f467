package syntax

import (
	"errors"
	"fmt"
	"slices"

	"github.com/alecthomas/participle/v2"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/runtime/spelling"
)

// maxSyntaxErrors bounds the syntax errors reported for one file: past the
// first few, later ones are more often echoes of earlier ones than news.
const maxSyntaxErrors = 10

// recoverSyntax collects the syntax errors of src after the parser's first
// one, err. participle stops at the first error, so recovery is done around
// it: the declaration that holds the error is blanked out (every byte but
// line breaks becomes a space, so that later positions do not move) and the
// file is parsed again, until it parses or maxSyntaxErrors are found. An
// error found right at the start of a declaration belongs to the one before
// it, which is usually missing its closing brace.
func recoverSyntax(filename string, src []byte, err error) diag.Diagnostics {
	starts, typos := declStarts(src)
	skipped := make([]bool, len(starts))
	work := append([]byte(nil), src...)
	var diags diag.Diagnostics
	for err != nil {
		if len(diags) == maxSyntaxErrors {
			d := diags[len(diags)-1]
			d.Message = fmt.Sprintf("too many syntax errors (%d shown)", maxSyntaxErrors)
			diags = append(diags, d)
			break
		}
		diags = append(diags, syntaxDiag(filename, work, err, nil))
		var perr participle.Error
		if !errors.As(err, &perr) {
			break
		}
		off := perr.Position().Offset
		// from is the last declaration not yet blanked that starts before
		// the error, to the next declaration's start; or the error's own,
		// when it is a misspelt keyword after a closed declaration.
		from, to := -1, len(work)
		ownTypo := typos[off] && braceDepth(work, off) == 0
		for k, s := range starts {
			if s == off && ownTypo && !skipped[k] {
				from = k
				continue
			}
			if s >= off {
				to = s
				break
			}
			if !skipped[k] {
				from = k
			}
		}
		if from < 0 || !blank(work[starts[from]:to]) {
			break // the error is in the header, or nothing is left to skip
		}
		skipped[from] = true
		// Blanking a declaration that closes brackets can leave the rest
		// nesting deeper than the source did.
		var start *diag.Diagnostic
		if _, start, err = parseFile(filename, work); start != nil {
			diags = append(diags, *start)
			break
		}
	}
	diags.Sort()
	return diags
}

// blank overwrites b with spaces, keeping line breaks, and reports whether
// anything changed.
func blank(b []byte) bool {
	changed := false
	for i, c := range b {
		if c != '\n' && c != '\r' && c != ' ' {
			b[i] = ' '
			changed = true
		}
	}
	return changed
}

// declKeywords start a top-level declaration and never a statement, so a
// line that starts with one of them starts a declaration. "fallback" is also
// a state's fallback block: it counts only at the start of the line, where a
// top-level one is written.
var declKeywords = map[string]bool{
	"config": true, "var": true, "entity": true, "intent": true,
	"global": true, "initial": true, "state": true, "test": true,
	"setting": true, "knowledge": true,
}

// declStarts returns the byte offsets of the lines' first words that start a
// declaration, in order, skipping strings and comments. It reads the text
// itself rather than the lexer's tokens so that it also works past a
// lexical error. A word at the start of a line that is a likely typo of a
// declaration's keyword ("inital") starts one too; typos holds those.
func declStarts(src []byte) (starts []int, typos map[int]bool) {
	typos = map[int]bool{}
	lineStart := true // only blanks since the last line break
	col := 0
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			lineStart, col = true, 0
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			col++
			continue
		case c == '#' || (c == '/' && i+1 < len(src) && src[i+1] == '/'):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '"':
			i = skipString(src, i)
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			w := string(src[i:j])
			switch {
			case lineStart && (declKeywords[w] || (w == "fallback" && col == 0)):
				starts = append(starts, i)
			case col == 0 && !isDeclOrStmtWord(w) && spelling.Suggest(w, declWords) != "":
				starts = append(starts, i)
				typos[i] = true
			}
			i = j
		default:
			i++
		}
		lineStart = false
		col++
	}
	return starts, typos
}

// skipString returns the offset just past the string literal that starts at
// src[i]: a """ string runs to its closing """, a "..." string to its closing
// quote or the end of its line.
func skipString(src []byte, i int) int {
	if i+2 < len(src) && src[i+1] == '"' && src[i+2] == '"' {
		for j := i + 3; j+2 < len(src); j++ {
			if src[j] == '"' && src[j+1] == '"' && src[j+2] == '"' {
				return j + 3
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		case '\n':
			return j
		}
	}
	return len(src)
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentByte(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// isDeclOrStmtWord reports whether w is a keyword a line may start with.
func isDeclOrStmtWord(w string) bool {
	return slices.Contains(declWords, w) || slices.Contains(stmtWords, w)
}
