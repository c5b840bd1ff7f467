package assets

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// A `reply table "x.csv"` must send what the BESSER frameworks send for the
// same file, pandas.read_csv(x).to_json(), so the reader below follows the
// C parser of pandas' read_csv with its defaults (the rules of pandas 1.5 and
// 2.x; BESSER pins 2.x): how it splits lines and fields, which cells are
// missing, and how it gives each column one type. `go test ./dsl -run
// Pandas` compares it with pandas itself.

// naValues are the cells read_csv reads as missing by default. "None" joined
// the list in pandas 2.0.
var naValues = map[string]bool{
	"": true, "#N/A": true, "#N/A N/A": true, "#NA": true, "-1.#IND": true, "-1.#QNAN": true,
	"-NaN": true, "-nan": true, "1.#IND": true, "1.#QNAN": true, "<NA>": true, "N/A": true,
	"NA": true, "NULL": true, "NaN": true, "None": true, "n/a": true, "nan": true, "null": true,
}

// csvRecord is one record of a CSV file and the byte offset it starts at.
type csvRecord struct {
	start  int
	fields []string
}

// ParseCSV reads a table as read_csv does: the first record names the
// columns (an empty name is "Unnamed: i", a repeated one gets ".1", ".2"),
// a short row is padded with missing cells, and each column is typed as a
// whole (see typeColumn). It returns notes on what pandas changes silently,
// for warnings. Where pandas would guess (a row longer than the header makes
// pandas take the first columns as the index) or read past a problem (bytes
// that are not UTF-8, a NUL), it is an error.
func ParseCSV(data []byte) (*ir.Table, []string, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, nil, fmt.Errorf("line %d: a NUL byte (is the file UTF-16? save it as UTF-8)", lineOf(data, i))
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nil, nil, fmt.Errorf("line %d is not UTF-8 text (save the file as UTF-8)", lineOf(data, i))
	}
	body := bytes.TrimPrefix(data, []byte("\ufeff"))
	bom := len(data) - len(body)
	recs, open := tokenizeCSV(body)
	if open >= 0 {
		return nil, nil, fmt.Errorf("line %d: a quoted cell is never closed", lineOf(data, bom+open))
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("the file is empty")
	}
	columns, notes := columnNames(recs[0].fields)
	n := len(columns)
	cols := make([][]string, n)
	for _, rec := range recs[1:] {
		if len(rec.fields) > n {
			return nil, nil, fmt.Errorf("line %d has %d cells but the header has %d", lineOf(data, bom+rec.start), len(rec.fields), n)
		}
		for c := range n {
			cell := "" // a short row: read_csv pads it with empty, so missing, cells
			if c < len(rec.fields) {
				cell = rec.fields[c]
			}
			cols[c] = append(cols[c], cell)
		}
	}
	t := &ir.Table{Columns: columns, Rows: make([][]ir.Cell, len(recs)-1)}
	for r := range t.Rows {
		t.Rows[r] = make([]ir.Cell, n)
	}
	for c, cells := range cols {
		for r, cell := range typeColumn(cells) {
			t.Rows[r][c] = cell
		}
	}
	return t, notes, nil
}

// lineOf returns the line of the byte at offset i: lines end with \n, \r\n
// or \r, as read_csv reads them.
func lineOf(data []byte, i int) int {
	line := 1
	for j := 0; j < i && j < len(data); j++ {
		if data[j] == '\n' || (data[j] == '\r' && (j+1 >= len(data) || data[j+1] != '\n')) {
			line++
		}
	}
	return line
}

// tokenizeCSV splits data into records the way pandas' C tokenizer does with
// read_csv's defaults (its states are named after the tokenizer's): lines
// end with \n, \r\n or \r; a line that is empty or holds only spaces and
// tabs is skipped; a field is quoted with "" for a quote inside; a quote
// inside an unquoted field, or text after a closing quote, is kept as text;
// spaces are kept. A quoted field still open at the end of the file is an
// error: open is the offset of its quote, else -1.
func tokenizeCSV(data []byte) (recs []csvRecord, open int) {
	const (
		startRecord = iota
		startField
		inField
		inQuoted
		quoteInQuoted
		eatCRNL    // after a \r that ended a record
		eatCRNLNop // after a \r that ended a skipped line
		whitespaceLine
	)
	var (
		fields    []string
		field     []byte
		state     = startRecord
		recStart  int
		quoteOpen int
	)
	endField := func() {
		fields = append(fields, string(field))
		field = field[:0]
	}
	endLine := func() {
		recs = append(recs, csvRecord{start: recStart, fields: fields})
		fields = nil
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch state {
		case startRecord:
			recStart = i
			switch c {
			case '\n':
			case '\r':
				state = eatCRNLNop
			case ' ', '\t':
				state = whitespaceLine
			default:
				state = startField
				i-- // read c again as the start of a field
			}
		case whitespaceLine:
			switch c {
			case '\n':
				state = startRecord
			case '\r':
				state = eatCRNLNop
			case ' ', '\t':
			default:
				// Not a blank line after all: read it again from its start.
				state = startField
				i = recStart - 1
			}
		case eatCRNLNop:
			state = startRecord
			// The tokenizer also swallows a delimiter here.
			if c != '\n' && c != ',' {
				i--
			}
		case startField:
			switch c {
			case '\n':
				endField()
				endLine()
				state = startRecord
			case '\r':
				endField()
				state = eatCRNL
			case '"':
				quoteOpen = i
				state = inQuoted
			case ',':
				endField()
			default:
				field = append(field, c)
				state = inField
			}
		case inField:
			switch c {
			case '\n':
				endField()
				endLine()
				state = startRecord
			case '\r':
				endField()
				state = eatCRNL
			case ',':
				endField()
				state = startField
			default:
				field = append(field, c)
			}
		case inQuoted:
			if c == '"' {
				state = quoteInQuoted
			} else {
				field = append(field, c)
			}
		case quoteInQuoted:
			switch c {
			case '"':
				field = append(field, c)
				state = inQuoted
			case ',':
				endField()
				state = startField
			case '\n':
				endField()
				endLine()
				state = startRecord
			case '\r':
				endField()
				state = eatCRNL
			default:
				field = append(field, c)
				state = inField
			}
		case eatCRNL:
			endLine()
			state = startRecord
			if c != '\n' {
				i-- // a lone \r ended the line: c starts the next one
			}
		}
	}
	switch state {
	case inQuoted:
		return nil, quoteOpen
	case startField, inField, quoteInQuoted:
		endField()
		endLine()
	case eatCRNL:
		endLine()
	}
	return recs, -1
}

// columnNames names the columns as read_csv does: an empty name is
// "Unnamed: i" (i from 0), and a repeated name gets a suffix .1, .2, ...
// that no other column has, named columns first. Each renamed column is
// noted.
func columnNames(header []string) ([]string, []string) {
	names := slices.Clone(header)
	var order, unnamed []int
	for i, name := range names {
		if name == "" {
			names[i] = fmt.Sprintf("Unnamed: %d", i)
			unnamed = append(unnamed, i)
		} else {
			order = append(order, i)
		}
	}
	order = append(order, unnamed...)
	var notes []string
	counts := map[string]int{}
	for _, i := range order {
		col, old := names[i], names[i]
		cur := counts[col]
		for cur > 0 {
			counts[old] = cur + 1
			col = old + "." + strconv.Itoa(cur)
			if slices.Contains(names, col) {
				cur++
			} else {
				cur = counts[col]
			}
		}
		if col != old && header[i] != "" {
			notes = append(notes, fmt.Sprintf("column %q appears more than once in the header; pandas names this one %q", old, col))
		}
		names[i] = col
		counts[col] = cur + 1
	}
	return names, notes
}

// typeColumn types the cells of one column as read_csv does, trying in turn:
//   - integers (int64): a column with a missing cell becomes float (and its
//     -9223372036854775808, pandas' mark of a missing integer, null), and
//     one with an integer beyond int64 tries uint64 and else stays text;
//   - floats: missing cells are NaN;
//   - booleans: true and false in any case;
//   - text: missing cells are null.
//
// A column of uint64 integers with a missing or negative cell is text with
// even its missing cells kept as they are written, as pandas leaves it.
func typeColumn(cells []string) []ir.Cell {
	out := make([]ir.Cell, len(cells))
	ints := make([]int64, len(cells))
	missing := 0
	intErr := numOK
	for i, s := range cells {
		if naValues[s] {
			missing++
			continue
		}
		if ints[i], intErr = parseInt64(s); intErr != numOK {
			break
		}
	}
	switch intErr {
	case numOK:
		for i, s := range cells {
			switch {
			case naValues[s] || (missing > 0 && ints[i] == math.MinInt64):
				// pandas marks a missing integer with the smallest int64
				// before the column becomes float, so that value is lost too.
				out[i] = ir.Cell{Kind: ir.CellNull}
			case missing > 0:
				out[i] = ir.Cell{Kind: ir.CellFloat, Float: float64(ints[i])}
			default:
				out[i] = ir.Cell{Kind: ir.CellInt, Int: ints[i]}
			}
		}
		return out
	case numOverflow:
		if uints, ok, filterNA := uint64Column(cells); ok {
			for i, u := range uints {
				out[i] = ir.Cell{Kind: ir.CellUint, Uint: u}
			}
			return out
		} else if uints == nil {
			return textColumn(cells, filterNA)
		}
	}
	if floats, ok := floatColumn(cells); ok {
		for i, s := range cells {
			if naValues[s] {
				out[i] = ir.Cell{Kind: ir.CellNull}
			} else {
				out[i] = ir.Cell{Kind: ir.CellFloat, Float: floats[i]}
			}
		}
		return out
	}
	if boolColumn(cells) {
		for i, s := range cells {
			if naValues[s] {
				out[i] = ir.Cell{Kind: ir.CellNull}
			} else {
				out[i] = ir.Cell{Kind: ir.CellBool, Bool: strings.EqualFold(s, "true")}
			}
		}
		return out
	}
	return textColumn(cells, true)
}

// uint64Column tries a column as uint64 after an int64 overflow, as pandas'
// _try_uint64 does. ok means a uint64 column. Otherwise a nil slice means a
// text column (filterNA tells whether missing cells are null), and a non-nil
// one that the column is to be tried as floats.
func uint64Column(cells []string) (uints []uint64, ok, filterNA bool) {
	uints = make([]uint64, len(cells))
	var seenSigned, seenBig, seenNull bool
	for i, s := range cells {
		if naValues[s] {
			seenNull = true
			continue
		}
		u, neg, err := parseUint64(s)
		switch err {
		case numOverflow:
			return nil, false, true
		case numOK:
		default:
			return uints, false, false
		}
		seenSigned = seenSigned || neg
		seenBig = seenBig || u > math.MaxInt64
		uints[i] = u
	}
	switch {
	case seenBig && (seenSigned || seenNull):
		return nil, false, false
	case seenSigned:
		return nil, false, true
	}
	return uints, true, false
}

func textColumn(cells []string, filterNA bool) []ir.Cell {
	out := make([]ir.Cell, len(cells))
	for i, s := range cells {
		if filterNA && naValues[s] {
			out[i] = ir.Cell{Kind: ir.CellNull}
		} else {
			out[i] = ir.Cell{Kind: ir.CellText, Text: s}
		}
	}
	return out
}

// floatColumn parses every cell that is not missing as a float, or reports
// that one is not a number.
func floatColumn(cells []string) ([]float64, bool) {
	out := make([]float64, len(cells))
	for i, s := range cells {
		if naValues[s] {
			out[i] = math.NaN()
			continue
		}
		f, ok := parseFloat(s)
		if !ok {
			switch strings.ToLower(s) {
			case "inf", "+inf", "infinity", "+infinity":
				f = math.Inf(1)
			case "-inf", "-infinity":
				f = math.Inf(-1)
			default:
				return nil, false
			}
		}
		out[i] = f
	}
	return out, true
}

// boolColumn reports whether every cell is missing, true or false (in any
// case, with no spaces around).
func boolColumn(cells []string) bool {
	for _, s := range cells {
		if !naValues[s] && !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			return false
		}
	}
	return true
}

// numErr is how a cell fails to read as a number.
type numErr int

const (
	numOK numErr = iota
	numNoDigits
	numOverflow
	numInvalid
)

// isSpace is the tokenizer's isspace_ascii.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseInt64 is pandas' str_to_int64: spaces around, an optional sign,
// decimal digits only. An overflow is found digit by digit, before any
// trailing text is looked at.
func parseInt64(s string) (int64, numErr) {
	p := 0
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	neg := false
	if p < len(s) && (s[p] == '-' || s[p] == '+') {
		neg = s[p] == '-'
		p++
	}
	if p >= len(s) || !isDigit(s[p]) {
		return 0, numNoDigits
	}
	var n int64
	for ; p < len(s) && isDigit(s[p]); p++ {
		d := int64(s[p] - '0')
		if neg {
			if n > math.MinInt64/10 || (n == math.MinInt64/10 && d <= -(math.MinInt64%10)) {
				n = n*10 - d
			} else {
				return 0, numOverflow
			}
		} else {
			if n < math.MaxInt64/10 || (n == math.MaxInt64/10 && d <= math.MaxInt64%10) {
				n = n*10 + d
			} else {
				return 0, numOverflow
			}
		}
	}
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	if p < len(s) {
		return 0, numInvalid
	}
	return n, numOK
}

// parseUint64 is pandas' str_to_uint64: like parseInt64, but a cell that
// starts with a minus sign is only noted as negative, whatever follows.
func parseUint64(s string) (n uint64, neg bool, err numErr) {
	p := 0
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	if p < len(s) && s[p] == '-' {
		return 0, true, numOK
	}
	if p < len(s) && s[p] == '+' {
		p++
	}
	if p >= len(s) || !isDigit(s[p]) {
		return 0, false, numNoDigits
	}
	for ; p < len(s) && isDigit(s[p]); p++ {
		d := uint64(s[p] - '0')
		if n < math.MaxUint64/10 || (n == math.MaxUint64/10 && d <= math.MaxUint64%10) {
			n = n*10 + d
		} else {
			return 0, false, numOverflow
		}
	}
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	if p < len(s) {
		return 0, false, numInvalid
	}
	return n, false, numOK
}

// pow10 holds 1e0..1e308 correctly rounded, as the C literals of pandas'
// table are.
var pow10 = func() [309]float64 {
	var t [309]float64
	for i := range t {
		t[i], _ = strconv.ParseFloat("1e"+strconv.Itoa(i), 64)
	}
	return t
}()

// parseFloat is precise_xstrtod of pandas 1.5 and 2.x, read_csv's default
// float parser, followed by its check that the whole cell was read: spaces
// around, a sign, digits with an optional point (at least one digit), an
// optional exponent. It is not always correctly rounded, so it is followed
// step by step: at most 17 significant digits, summed as a float64, then
// scaled by a power of ten; an exponent beyond 308 is an overflow even
// for 0. The conversions keep Go from fusing a multiply and an add, which
// C does not do here.
func parseFloat(s string) (float64, bool) {
	const maxDigits = 17
	p := 0
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	neg := false
	if p < len(s) && (s[p] == '-' || s[p] == '+') {
		neg = s[p] == '-'
		p++
	}
	number := 0.0
	exponent, digits, decimals := 0, 0, 0
	for ; p < len(s) && isDigit(s[p]); p++ {
		if digits < maxDigits {
			number = float64(number*10) + float64(s[p]-'0')
			digits++
		} else {
			exponent++
		}
	}
	if p < len(s) && s[p] == '.' {
		p++
		for ; digits < maxDigits && p < len(s) && isDigit(s[p]); p++ {
			number = float64(number*10) + float64(s[p]-'0')
			digits++
			decimals++
		}
		if digits >= maxDigits {
			for p < len(s) && isDigit(s[p]) {
				p++
			}
		}
		exponent -= decimals
	}
	if digits == 0 {
		return 0, false
	}
	if neg {
		number = -number
	}
	if p < len(s) && (s[p] == 'e' || s[p] == 'E') {
		p++
		eneg := false
		if p < len(s) && (s[p] == '-' || s[p] == '+') {
			eneg = s[p] == '-'
			p++
		}
		n, nd := 0, 0
		for ; nd < maxDigits && p < len(s) && isDigit(s[p]); p++ {
			n = n*10 + int(s[p]-'0')
			nd++
		}
		if eneg {
			exponent -= n
		} else {
			exponent += n
		}
		if nd == 0 {
			p-- // no digits: the e is not part of the number
		}
	}
	switch {
	case exponent > 308:
		return 0, false
	case exponent > 0:
		number *= pow10[exponent]
	case exponent < -616:
		number = 0
	case exponent < -308:
		number /= pow10[-308-exponent]
		number /= pow10[308]
	default:
		number /= pow10[-exponent]
	}
	if math.IsInf(number, 0) {
		return 0, false
	}
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	return number, p == len(s)
}
