package lsp

import (
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/dsl/symbols"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// lineIndex is a document split into lines once, for the requests that
// convert many positions. Each line's columns are mapped to offsets the
// first time the line is asked about, so that a conversion is a lookup:
// rescanning the line for each of its tokens would be quadratic in its
// length.
type lineIndex struct {
	lines []string
	cols  []*lineCols // by line, 0-based; nil until asked about
}

// lineCols maps the rune columns of a line that is not all ASCII to
// offsets: bytes[c-1] and units[c-1] are where column c starts, in bytes
// and in UTF-16 code units; the last entries are the line's lengths. A
// line all ASCII needs no table (asciiLine): its offsets are its columns
// less one.
type lineCols struct{ bytes, units []int32 }

var asciiLine = &lineCols{}

func newLineIndex(src []byte) *lineIndex {
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return &lineIndex{lines, make([]*lineCols, len(lines))}
}

// text returns line n (1-based), or "".
func (x *lineIndex) text(n int) string {
	if n < 1 || n > len(x.lines) {
		return ""
	}
	return x.lines[n-1]
}

// offsets returns the byte and UTF-16 offsets of column col (1-based, in
// runes) of line n, clamped to the line: 0 before it, its lengths past it.
func (x *lineIndex) offsets(n, col int) (byteOff, units int) {
	text := x.text(n)
	if text == "" {
		return 0, 0
	}
	c := x.cols[n-1]
	if c == nil {
		c = columns(text)
		x.cols[n-1] = c
	}
	if c == asciiLine {
		i := min(max(col-1, 0), len(text))
		return i, i
	}
	i := min(max(col-1, 0), len(c.units)-1)
	return int(c.bytes[i]), int(c.units[i])
}

// columns maps the rune columns of a line to offsets. Runes are read as
// range reads them (an invalid byte is one rune, U+FFFD), as the lexer's
// columns count them.
func columns(text string) *lineCols {
	ascii := true
	for i := 0; i < len(text) && ascii; i++ {
		ascii = text[i] < utf8.RuneSelf
	}
	if ascii {
		return asciiLine
	}
	n := utf8.RuneCountInString(text) + 1
	c := &lineCols{make([]int32, 0, n), make([]int32, 0, n)}
	units := 0
	for i, r := range text {
		c.bytes = append(c.bytes, int32(i))
		c.units = append(c.units, int32(units))
		units += utf16.RuneLen(r)
	}
	c.bytes = append(c.bytes, int32(len(text)))
	c.units = append(c.units, int32(units))
	return c
}

// position converts a 1-based line and rune column to an LSP position: a
// column past the line's end is its end.
func (x *lineIndex) position(line, col int) position {
	_, units := x.offsets(line, col)
	return position{Line: max(line-1, 0), Character: units}
}

// blank reports whether runes [col, col+n) of a line are blanks.
func (x *lineIndex) blank(line, col, n int) bool {
	from, _ := x.offsets(line, col)
	to, _ := x.offsets(line, col+n)
	return to <= from || strings.Trim(x.text(line)[from:to], " \t") == ""
}

// writtenAt reports whether text is written at line:col.
func (x *lineIndex) writtenAt(line, col int, text string) bool {
	from, _ := x.offsets(line, col)
	return text != "" && strings.HasPrefix(x.text(line)[from:], text)
}

// The semantic token types and modifiers the server announces; a token
// names them by index (and a bit set of modifiers).
var (
	tokenTypes     = []string{"namespace", "class", "event", "type", "parameter", "variable", "property", "function", "enumMember", "keyword", "string", "number", "comment", "operator", "regexp"}
	tokenModifiers = []string{"declaration", "readonly", "defaultLibrary"}
)

func tokenType(name string) int { return slices.Index(tokenTypes, name) }

const (
	modDeclaration = 1 << iota
	modReadonly
	modDefaultLibrary
)

// kindTypes are the token types of the kinds of names.
var kindTypes = map[symbols.Kind]string{
	symbols.Bot:          "namespace",
	symbols.State:        "class",
	symbols.Intent:       "event",
	symbols.Entity:       "type",
	symbols.Parameter:    "parameter",
	symbols.Variable:     "variable",
	symbols.LoopVariable: "variable",
	symbols.Setting:      "property",
	symbols.Field:        "property",
	symbols.ConfigKey:    "property",
	symbols.Function:     "function",
	symbols.TurnName:     "variable",
	symbols.ChartType:    "enumMember",
	symbols.ReplyKind:    "enumMember",
	symbols.Unknown:      "variable",
}

// operators are the punctuation that is coloured; brackets, commas,
// colons and dots are left to the editor.
var operators = map[string]bool{"->": true, "==": true, "!=": true, "<=": true, ">=": true, "<": true, ">": true, "+": true, "-": true, "*": true, "/": true, "%": true, "=": true, "~": true}

// piece is what is coloured inside a string: a name, or a token of an
// interpolation (typ "": none), n runes from a 1-based line and column.
type piece struct {
	line, col, n int
	typ          string
	mods         int
}

// semToken is a token to colour: on a 0-based line, from a UTF-16 offset.
type semToken struct {
	line, start, length, typ, mods int
}

type tokensParams struct {
	TextDocument struct{ URI string } `json:"textDocument"`
	Range        *lspRange            `json:"range"`
}

func (s *Server) semanticTokensFull(p tokensParams) (any, *rpcError) {
	p.Range = nil
	return s.semanticTokensRange(p)
}

// semanticTokensRange colours the document, or the lines of p's range.
func (s *Server) semanticTokensRange(p tokensParams) (any, *rpcError) {
	src, rerr := s.doc(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	ix, parsed := s.index(p.TextDocument.URI, src)
	toks := semanticTokens(pathOf(p.TextDocument.URI), src, ix, parsed)
	if p.Range != nil {
		toks = slices.DeleteFunc(toks, func(t semToken) bool {
			return t.line < p.Range.Start.Line || t.line > p.Range.End.Line
		})
	}
	return map[string]any{"data": encodeTokens(toks)}, nil
}

// encodeTokens writes tokens, in order, as the protocol's relative
// integers: line delta, start delta (from the previous token's start on
// the same line), length, type, modifiers.
func encodeTokens(toks []semToken) []int {
	data := make([]int, 0, 5*len(toks))
	prevLine, prevStart := 0, 0
	for _, t := range toks {
		start := t.start
		if t.line == prevLine {
			start -= prevStart
		}
		data = append(data, t.line-prevLine, start, t.length, t.typ, t.mods)
		prevLine, prevStart = t.line, t.start
	}
	return data
}

// semanticTokens colours src: each token by what it is, a name by what it
// refers to when the file parses (ix, when parsed), by what declares it
// otherwise; what is inside strings (the tokens of interpolations, a
// sentence's parameters) is cut out of them. Tokens spanning lines are
// split at line ends, and none overlap. A document over the size limit
// has none, as it has no outline and no completions: its diagnostic says
// why.
func semanticTokens(path string, src []byte, ix *symbols.Index, parsed bool) []semToken {
	if len(src) > syntax.DefaultMaxSourceSize {
		return nil
	}
	lines := newLineIndex(src)
	var out []semToken
	// emit colours runes [col, col+n) of a 1-based line.
	emit := func(line, col, n int, typ string, mods int) {
		if n <= 0 || typ == "" {
			return
		}
		start, end := lines.position(line, col).Character, lines.position(line, col+n).Character
		if end > start {
			out = append(out, semToken{line - 1, start, end - start, tokenType(typ), mods})
		}
	}
	nameToken := func(n symbols.Name) (string, int) {
		mods := 0
		if n.Decl {
			mods |= modDeclaration
		}
		if n.Builtin {
			mods |= modDefaultLibrary
		}
		if n.Kind == symbols.Setting || n.Kind == symbols.TurnName {
			mods |= modReadonly
		}
		return kindTypes[n.Kind], mods
	}
	names := map[[2]int]symbols.Name{}
	declared := map[string]symbols.Kind{}
	var pieces []piece // what is coloured inside strings, by position
	if parsed {
		for _, n := range ix.Names {
			names[[2]int{n.Pos.Line, n.Pos.Col}] = n
			typ, mods := nameToken(n)
			pieces = append(pieces, piece{n.Pos.Line, n.Pos.Col, utf8.RuneCountInString(n.Name), typ, mods})
		}
		for _, t := range ix.Tokens {
			typ := ""
			switch {
			case t.Kind == syntax.NumberToken:
				typ = "number"
			case t.Kind == syntax.TextToken:
				typ = "string"
			case t.Kind == syntax.ReservedToken:
				typ = "keyword"
			case t.Kind == syntax.PunctToken && operators[t.Value]:
				typ = "operator"
			}
			pieces = append(pieces, piece{t.Pos.Line, t.Pos.Col, t.Len, typ, 0})
		}
		slices.SortFunc(pieces, func(a, b piece) int { return cmpPos(a.line, a.col, b.line, b.col) })
	} else {
		for _, d := range symbols.Declarations(path, src) {
			if _, ok := declared[d.Name]; !ok {
				declared[d.Name] = d.Kind
			}
		}
	}
	var keyEnd [2]int // the end of the config key being coloured
	for _, t := range syntax.Tokens(path, src) {
		line, col := t.Pos.Line, t.Pos.Col
		switch t.Kind {
		case syntax.CommentToken:
			emit(line, col, utf8.RuneCountInString(t.Value), "comment", 0)
		case syntax.NumberToken:
			emit(line, col, utf8.RuneCountInString(t.Value), "number", 0)
		case syntax.ReservedToken:
			emit(line, col, utf8.RuneCountInString(t.Value), "keyword", 0)
		case syntax.PunctToken:
			if line == keyEnd[0] && col < keyEnd[1] {
				continue // the dot of a config key
			}
			if operators[t.Value] {
				emit(line, col, utf8.RuneCountInString(t.Value), "operator", 0)
			}
		case syntax.RegexToken:
			i := strings.Index(t.Value, "/")
			emit(line, col, 1, "operator", 0)
			emit(line, col+utf8.RuneCountInString(t.Value[:i]), utf8.RuneCountInString(t.Value[i:]), "regexp", 0)
		case syntax.NameToken:
			n, ok := names[[2]int{line, col}]
			switch {
			case ok:
				typ, mods := nameToken(n)
				if n.Kind == symbols.ConfigKey {
					keyEnd = [2]int{line, col + utf8.RuneCountInString(n.Name)}
				}
				emit(line, col, utf8.RuneCountInString(t.Value), typ, mods)
			case line == keyEnd[0] && col < keyEnd[1]:
				emit(line, col, utf8.RuneCountInString(t.Value), "property", 0)
			case parsed:
				// A parsed file indexes every name: the other words are
				// the grammar's.
				emit(line, col, utf8.RuneCountInString(t.Value), "keyword", 0)
			default:
				typ := "keyword"
				if k, ok := declared[t.Value]; ok {
					typ = kindTypes[k]
				} else if !grammarWords[t.Value] {
					typ = "variable"
				}
				emit(line, col, utf8.RuneCountInString(t.Value), typ, 0)
			}
		case syntax.TextToken:
			// Line by line, with the names and the tokens of
			// interpolations inside cut out.
			// inside is read up to the string's end, not copied: the
			// pieces after it on its lines may be many.
			var inside []piece
			if parsed {
				i, _ := slices.BinarySearchFunc(pieces, [2]int{line, col}, func(p piece, at [2]int) int {
					return cmpPos(p.line, p.col, at[0], at[1])
				})
				inside = pieces[i:]
			}
			l, c := line, col
			for i, part := range strings.Split(t.Value, "\n") {
				if i > 0 {
					l, c = l+1, 1
				}
				end := c + utf8.RuneCountInString(strings.TrimSuffix(part, "\r"))
				for len(inside) > 0 && inside[0].line == l && inside[0].col < end {
					p := inside[0]
					inside = inside[1:]
					if p.col < c {
						continue
					}
					if !lines.blank(l, c, p.col-c) { // between the tokens of an interpolation
						emit(l, c, p.col-c, "string", 0)
					}
					emit(l, p.col, p.n, p.typ, p.mods)
					c = p.col + p.n
				}
				emit(l, c, end-c, "string", 0)
			}
		}
	}
	slices.SortFunc(out, func(a, b semToken) int { return cmpPos(a.line, a.start, b.line, b.start) })
	return out
}

// cmpPos orders two positions, each a line and a column.
func cmpPos(line1, col1, line2, col2 int) int {
	if line1 != line2 {
		return line1 - line2
	}
	return col1 - col2
}

// grammarWords are the words of the grammar, coloured as keywords in a
// file that does not parse yet.
var grammarWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`bot config var setting entity fuzzy intent param global initial state
		on file error when otherwise go back if else fallback reply markdown html options one of table
		chart plotly image audio location llm with tools answer columns row title x y for in set test
		user reset mock returns fails knowledge`) {
		grammarWords[w] = true
	}
}
