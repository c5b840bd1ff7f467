package value

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/builtin"
	"github.com/botgen-dev/botgen/runtime/protocol/jsonstr"
)

// DefaultMaxDepth is the deepest nesting of records and lists DecodeJSON
// reads when Limits do not say.
const DefaultMaxDepth = 200

// Limits bound what DecodeJSON builds from hostile input. The size of the
// input is the caller's to bound (an HTTP answer is read up to
// http.max_bytes): the decoded value takes memory in proportion to it,
// whatever its shape at most about 18 times the input's size, and
// decoding allocates at most about 40 times (TestDecodeJSONMemoryIsBounded).
type Limits struct {
	// MaxDepth is the deepest nesting of records and lists; 0 means
	// DefaultMaxDepth. It keeps recursion, and so the stack, bounded.
	MaxDepth int
}

// smallInts are the numbers 0 to 255 as Values made once: an id, a count
// or a percentage decoded from JSON then costs no allocation.
var smallInts = func() (a [256]Value) {
	for i := range a {
		a[i] = float64(i)
	}
	return a
}()

// JSONError is a JSON text DecodeJSON refuses: where and why.
type JSONError struct {
	Offset int // byte offset in the input where the problem is
	Msg    string
}

func (e *JSONError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// DecodeJSON decodes one JSON text (RFC 8259) into a Value: objects become
// records with their keys in order (a repeated key keeps its first place
// and its last value), numbers float64. Strings with invalid UTF-8 or lone
// surrogates read as encoding/json reads them, with U+FFFD. A number
// beyond float64's range, nesting deeper than lim.MaxDepth, or anything
// that is not JSON is an error; no input makes it panic.
func DecodeJSON(data []byte, lim Limits) (Value, error) {
	d := decoder{data: data, maxDepth: lim.MaxDepth}
	if d.maxDepth <= 0 {
		d.maxDepth = DefaultMaxDepth
	}
	d.skipSpace()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.errorf("unexpected %s after the value", d.what())
	}
	return v, nil
}

type decoder struct {
	data     []byte
	pos      int
	depth    int
	maxDepth int
	// keys interns record keys: a list of records repeats the same few
	// keys, and one string per key saves an allocation and memory for
	// each of them.
	keys map[string]string
	// fields and elems hold the fields and elements of the records and
	// lists being read, innermost last.
	fields []field
	elems  []Value
}

// maxInterned bounds the interned keys, so that an object with many
// distinct keys costs no more than it would without interning.
const (
	maxInterned    = 256
	maxInternedLen = 64
)

func (d *decoder) errorf(format string, args ...any) error {
	return &JSONError{Offset: d.pos, Msg: fmt.Sprintf(format, args...)}
}

// what names the byte at pos for an error message.
func (d *decoder) what() string {
	if d.pos >= len(d.data) {
		return "end of input"
	}
	c := d.data[d.pos]
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (Value, error) {
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end of input, expected a value")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.string()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, d.errorf("unexpected %s, expected a value", d.what())
}

func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.errorf("unexpected %s, expected a value", d.what())
	}
	d.pos += len(word)
	return nil
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > d.maxDepth {
		return d.errorf("nested deeper than %d levels", d.maxDepth)
	}
	return nil
}

func (d *decoder) object() (Value, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // {
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return &Record{}, nil
	}
	// The fields gather on a stack the whole decoding shares, and the
	// record takes exactly as many: no growing slices left behind.
	mark := len(d.fields)
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("unexpected %s, expected a key in quotes", d.what())
		}
		key, err := d.key()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("unexpected %s, expected ':' after a key", d.what())
		}
		d.pos++
		d.skipSpace()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.fields = push(d.fields, field{key, v})
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of input, expected ',' or '}'")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
		case '}':
			d.pos++
			d.depth--
			fields := d.fields[mark:]
			r := &Record{fields: make([]field, 0, len(fields))}
			for _, f := range fields {
				r.Set(f.name, f.val)
			}
			clear(fields) // let the values go with the record alone
			d.fields = d.fields[:mark]
			return r, nil
		default:
			return nil, d.errorf("unexpected %s, expected ',' or '}'", d.what())
		}
	}
}

func (d *decoder) array() (Value, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // [
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return []Value{}, nil
	}
	mark := len(d.elems)
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.elems = push(d.elems, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of input, expected ',' or ']'")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
		case ']':
			d.pos++
			d.depth--
			list := append([]Value(nil), d.elems[mark:]...)
			clear(d.elems[mark:])
			d.elems = d.elems[:mark]
			return list, nil
		default:
			return nil, d.errorf("unexpected %s, expected ',' or ']'", d.what())
		}
	}
}

func (d *decoder) number() (Value, error) {
	start := d.pos
	p := d.pos
	data := d.data
	if data[p] == '-' {
		p++
	}
	digits := func() int {
		n := 0
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
			n++
		}
		return n
	}
	intStart := p
	n := digits()
	switch {
	case n == 0:
		d.pos = p
		return nil, d.errorf("unexpected %s in a number", d.what())
	case n > 1 && data[intStart] == '0':
		d.pos = intStart + 1
		return nil, d.errorf("a number does not begin with 0")
	}
	simple := true
	if p < len(data) && data[p] == '.' {
		p++
		simple = false
		if digits() == 0 {
			d.pos = p
			return nil, d.errorf("unexpected %s, expected a digit after '.'", d.what())
		}
	}
	if p < len(data) && (data[p] == 'e' || data[p] == 'E') {
		p++
		simple = false
		if p < len(data) && (data[p] == '+' || data[p] == '-') {
			p++
		}
		if digits() == 0 {
			d.pos = p
			return nil, d.errorf("unexpected %s, expected a digit in the exponent", d.what())
		}
	}
	d.pos = p
	// Most numbers are small integers: no need for ParseFloat.
	if simple && n <= 15 {
		var x int64
		for _, c := range data[intStart:p] {
			x = x*10 + int64(c-'0')
		}
		if data[start] != '-' && x < int64(len(smallInts)) {
			return smallInts[x], nil
		}
		if data[start] == '-' {
			if x == 0 {
				return math.Copysign(0, -1), nil
			}
			x = -x
		}
		return float64(x), nil
	}
	f, err := strconv.ParseFloat(string(data[start:p]), 64)
	if err != nil {
		d.pos = start
		return nil, d.errorf("number %s is out of range", truncate(string(data[start:p]), 40))
	}
	return f, nil
}

// push appends x to the stack s, doubling it when full: append grows a
// large slice by a quarter, which copies a stack of a million elements a
// dozen times more.
func push[T any](s []T, x T) []T {
	if len(s) == cap(s) {
		grown := make([]T, len(s), 2*cap(s)+8)
		copy(grown, s)
		s = grown
	}
	return append(s, x)
}

// key reads a record key, interning it.
func (d *decoder) key() (string, error) {
	start := d.pos + 1
	if end, ok := d.plainString(start); ok && end-start <= maxInternedLen {
		d.pos = end + 1
		raw := d.data[start:end]
		if s, ok := d.keys[string(raw)]; ok {
			return s, nil
		}
		s := string(raw)
		if d.keys == nil {
			d.keys = make(map[string]string)
		}
		if len(d.keys) < maxInterned {
			d.keys[s] = s
		}
		return s, nil
	}
	v, err := d.string()
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// plainString finds the closing quote of a string that begins at start
// and needs no decoding: ASCII without escapes. ok is false for any other
// string.
func (d *decoder) plainString(start int) (end int, ok bool) {
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			return i, true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return 0, false
		}
	}
	return 0, false
}

func (d *decoder) string() (Value, error) {
	start := d.pos + 1
	if end, ok := d.plainString(start); ok {
		d.pos = end + 1
		return string(d.data[start:end]), nil
	}
	var b []byte
	i := start
	for {
		if i >= len(d.data) {
			d.pos = i
			return nil, d.errorf("unexpected end of input in a string")
		}
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return string(b), nil
		case c < 0x20:
			d.pos = i
			return nil, d.errorf("unexpected %s in a string (control characters must be escaped)", d.what())
		case c < utf8.RuneSelf && c != '\\':
			b = append(b, c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.data[i:])
			b = utf8.AppendRune(b, r) // an invalid byte is U+FFFD
			i += size
		default: // backslash
			d.pos = i
			if i+1 >= len(d.data) {
				return nil, d.errorf("unexpected end of input in a string")
			}
			esc := d.data[i+1]
			i += 2
			switch esc {
			case '"', '\\', '/':
				b = append(b, esc)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(d.data[i:])
				if !ok {
					return nil, d.errorf(`invalid \u escape in a string`)
				}
				i += 4
				if utf16.IsSurrogate(r) {
					// A pair makes one character; a lone half is U+FFFD.
					r2, ok := rune(0), false
					if i+6 <= len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
						r2, ok = hex4(d.data[i+2:])
					}
					if c := utf16.DecodeRune(r, r2); ok && c != utf8.RuneError {
						r = c
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				d.pos = i - 1
				return nil, d.errorf("invalid escape %s in a string", d.what())
			}
		}
	}
}

// hex4 reads four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// AppendJSON appends v to dst as JSON: records with their fields in
// order, numbers as the language prints them (builtin.FormatNum), strings
// escaped by the wire's one rule (jsonstr). A number JSON cannot hold
// (NaN, an infinity) is written null, as JavaScript does, and so is a Go
// value that is not a value of the language.
func AppendJSON(dst []byte, v Value) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(dst, "null"...)
		}
		return append(dst, builtin.FormatNum(x)...)
	case string:
		return jsonstr.Append(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case *Record:
		if x == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, '{')
		for i, f := range x.fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonstr.Append(dst, f.name)
			dst = append(dst, ':')
			dst = AppendJSON(dst, f.val)
		}
		return append(dst, '}')
	case []Value:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, e)
		}
		return append(dst, ']')
	}
	return append(dst, "null"...)
}

// plain is v as encoding/json decodes JSON into an empty interface.
func plain(v Value) any {
	switch x := v.(type) {
	case *Record:
		if x == nil {
			return nil
		}
		m := make(map[string]any, x.Len())
		for name, e := range x.All() {
			m[name] = plain(e)
		}
		return m
	case []Value:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}
