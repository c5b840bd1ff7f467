// Package syntax is the text of a .bot file: the lexer, the participle
// grammar and its syntax tree, the parser with its error recovery and
// hints, and the formatter, which lays out the same tokens. It knows no
// names or types; package check resolves those. The editor's index (package
// symbols) reads the tokens given here, so that it works on a file that
// does not parse.
package syntax

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
)

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
func Parse(filename string, src []byte) (*File, diag.Diagnostics) {
	return ParseLimited(filename, src, DefaultMaxSourceSize)
}

// ParseLimited is Parse for a source of at most maxSize bytes (0 for
// DefaultMaxSourceSize); a larger one is an error, found before any work.
func ParseLimited(filename string, src []byte, maxSize int) (f *File, diags diag.Diagnostics) {
	defer func() {
		// participle is not ours: never let it take the caller down.
		if r := recover(); r != nil {
			f = nil
			diags = diag.Diagnostics{{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: diag.Error, Message: fmt.Sprintf("internal parser error: %v", r)}}
		}
	}()
	if d, ok := checkSize(filename, int64(len(src)), maxSize); !ok {
		return nil, diag.Diagnostics{d}
	}
	f, start, err := parseFile(filename, src)
	switch {
	case start != nil:
		return nil, diag.Diagnostics{*start}
	case err != nil:
		return nil, recoverSyntax(filename, src, err)
	}
	return f, nil
}

// parseFile lexes src once, for the checks of checkingLexer and for the
// parser. A file that fails those checks is not parsed: start says why.
func parseFile(filename string, src []byte) (f *File, start *diag.Diagnostic, err error) {
	peek, start, err := peeking(filename, src, true)
	if start != nil || err != nil {
		return nil, start, err
	}
	if f, err = fileParser.ParseFromLexer(peek); err != nil {
		return nil, nil, err
	}
	splitGoIf(f)
	return f, nil, nil
}

// splitGoIf settles what the grammar cannot: after `go S`, an `if` is the
// condition of the move (`go warm if hot`) unless a block follows it, in
// which case it is an if statement of the state's body written after a
// plain go, as it always could be.
func splitGoIf(f *File) {
	for _, d := range f.Decls {
		if d.State == nil {
			continue
		}
		items := make([]*StateItem, 0, len(d.State.Items))
		for _, it := range d.State.Items {
			items = append(items, it)
			g := it.Go
			if g == nil || g.If == nil {
				continue
			}
			gi := g.If
			g.If = nil
			if gi.Then == nil {
				g.Cond = gi.Cond
				continue
			}
			stmt := &IfStmt{Pos: gi.Pos, Cond: gi.Cond, Then: gi.Then, ElseIf: gi.ElseIf, Else: gi.Else}
			items = append(items, &StateItem{Pos: gi.Pos, Stmt: &Stmt{Pos: gi.Pos, If: stmt}})
		}
		d.State.Items = items
	}
}

// ParseExpr parses the expression of an interpolation, src; mapPos maps a
// position in src back into the string literal that holds it. An
// expression that does not parse, or nests too deeply, gives one
// diagnostic.
func ParseExpr(filename, src string, mapPos func(lexer.Position) ir.Pos) (*Expr, diag.Diagnostics) {
	peek, deep, err := peeking("", []byte(src), false)
	if deep != nil {
		deep.Pos = mapPos(lexer.Position{})
		return nil, diag.Diagnostics{*deep}
	}
	var e *Expr
	if err == nil {
		e, err = exprParser.ParseFromLexer(peek)
	}
	if err != nil {
		d := syntaxDiag(filename, []byte(src), err, mapPos)
		if strings.Contains(d.Message, "unexpected end of file") {
			d.Message = fmt.Sprintf("syntax error in interpolation {%s}", src)
		}
		return nil, diag.Diagnostics{d}
	}
	return e, nil
}

// ReadSource reads a .bot file of at most maxSize bytes (0 for
// DefaultMaxSourceSize): a larger one is refused before it is read.
func ReadSource(path string, maxSize int) ([]byte, diag.Diagnostics) {
	fail := func(err error) ([]byte, diag.Diagnostics) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, diag.Diagnostics{{Pos: ir.Pos{File: path, Line: 1, Col: 1}, Severity: diag.Error, Message: fmt.Sprintf("cannot read %s: %v", path, err)}}
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxSourceSize
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if d, ok := checkSize(path, st.Size(), maxSize); !ok {
		return nil, diag.Diagnostics{d}
	}
	// One byte more than allowed tells a file that grew, or a device, from
	// one that fits.
	src, err := io.ReadAll(io.LimitReader(f, int64(maxSize)+1))
	if err != nil {
		return fail(err)
	}
	return src, nil
}

// syntaxDiag turns a participle error in src into a diagnostic. mapPos,
// when not nil, maps a position inside an interpolation (src) back into the
// source.
func syntaxDiag(filename string, src []byte, err error, mapPos func(lexer.Position) ir.Pos) diag.Diagnostic {
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
	return diag.Diagnostic{Pos: pos, Severity: diag.Error, Message: "syntax error: " + msg}
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

// ToPos converts the position of a syntax node to the model's.
func ToPos(p lexer.Position) ir.Pos {
	return ir.Pos{File: p.Filename, Line: p.Line, Col: p.Column}
}

// checkSize reports a source of size bytes larger than maxSize (0 for
// DefaultMaxSourceSize).
func checkSize(filename string, size int64, maxSize int) (diag.Diagnostic, bool) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSourceSize
	}
	if size <= int64(maxSize) {
		return diag.Diagnostic{}, true
	}
	return diag.Diagnostic{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: diag.Error,
		Message: fmt.Sprintf("the file is %d bytes, larger than the limit of %d bytes (--max-source-size)", size, maxSize)}, false
}
