package generator

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// The code compiled from the .bot file carries line directives, so that the
// compiler records its positions in the source: a panic's stack, and the
// error the engine makes of it, name the .bot line of the statement that
// failed. Each statement starts with a /*line file.bot:L:C*/ comment (the
// //line form would have to start its line, and gofmt indents it). A
// directive holds until the next one, so each function compiled from the
// source is followed by a //line directive that gives main.go its own
// positions back; its line is only known once the file is formatted, and
// resetLines writes it in.

// resetPlaceholder is the directive after a function compiled from the
// source, until resetLines gives it its line.
const resetPlaceholder = "//line " + MainFile + ":1:1"

// resetLine matches a directive that gives main.go its positions back.
var resetLine = regexp.MustCompile(`^//line ` + regexp.QuoteMeta(MainFile) + `:[1-9][0-9]*:1$`)

// lineFile returns the name of the source in line directives: its letters,
// digits and ".-_+", anything else becoming '_', so that a file name with
// a line break, a colon or "*/" can neither end the directive nor be read
// as another position.
func lineFile(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x80 && (isAlnum(byte(r)) || strings.ContainsRune(".-_+", r)):
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		default:
			r = '_'
		}
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" || strings.ContainsRune(".-+", rune(s[0])) {
		// Not a path of its own ("..") nor anything read as a flag.
		s = "_" + s
	}
	return s
}

// at returns a line directive that gives the code after it the position p
// in the source; nothing for a position the model does not know.
func (g *gen) at(p ir.Pos) *jen.Statement {
	if p.Line < 1 || p.Line > 1<<30 {
		return jen.Null()
	}
	d := fmt.Sprintf("/*line %s:%d:%d*/", g.lineFile, p.Line, min(max(p.Col, 1), 1<<30))
	g.directives = append(g.directives, d)
	return jen.Comment(d)
}

// endSource follows a function compiled from the source with the
// directive that gives main.go its positions back.
func (g *gen) endSource() {
	g.directives = append(g.directives, resetPlaceholder)
	g.funcs = append(g.funcs, jen.Comment(resetPlaceholder), jen.Line())
}

// resetLines gives each reset directive of formatted source the line that
// follows it in main.go.
func resetLines(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file := fset.AddFile(MainFile, -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) { errs.Add(pos, msg) }, scanner.ScanComments)
	var at []int // offsets of the placeholders
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.COMMENT && lit == resetPlaceholder {
			at = append(at, file.Offset(pos))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(src)+len(at)*8)
	last, line := 0, 1 // line: of src[last]
	for _, off := range at {
		line += bytes.Count(src[last:off], []byte("\n"))
		out = append(out, src[last:off]...)
		out = append(out, "//line "+MainFile+":"+strconv.Itoa(line+1)+":1"...)
		last = off + len(resetPlaceholder)
	}
	return append(out, src[last:]...), nil
}
