package reply

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// TableJSON returns a table as pandas' DataFrame.to_json() writes it with its
// defaults (orient "columns"): {"<column>": {"0": v, "1": v, ...}, ...}, with
// the columns in table order and the row keys "0".."n-1", byte for byte.
//
// A cell's Go type says how pandas holds it, so that a float column's 98
// reads 98.0 as pandas writes it:
//   - float64, float32: a float, written as pandas writes one (10 decimals at
//     most, 98.0; NaN and infinities as null);
//   - int, int64, uint64: an integer;
//   - bool, string: as they are; strings escaped as pandas escapes them
//     (non-ASCII as \uXXXX, "/" as "\/");
//   - nil, a missing cell and any other type: null.
//
// The JSON is written by hand because a Go map would lose the column order.
func TableJSON(columns []string, rows [][]any) string {
	b := []byte{'{'}
	for c, col := range columns {
		if c > 0 {
			b = append(b, ',')
		}
		b = appendPandasString(b, col)
		b = append(b, ':', '{')
		for r, row := range rows {
			if r > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, '"', ':')
			var cell any
			if c < len(row) {
				cell = row[c]
			}
			b = appendPandasValue(b, cell)
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	return string(b)
}

func appendPandasValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case float64:
		return appendPandasFloat(b, x)
	case float32:
		return appendPandasFloat(b, float64(x))
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case string:
		return appendPandasString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case pandasJSON:
		return append(b, x...)
	}
	return append(b, "null"...)
}

// appendPandasFloat appends f as pandas' JSON encoder (its fork of ujson,
// with to_json's default double_precision of 10) writes a float64: below
// 1e16 and from 1e-15 up, fixed point with at most 10 decimals, rounded as
// ujson rounds, trailing zeros dropped but one kept (98.0, 0.1, 1e-11 as
// 0.0 and -1e-11 as -0.0); outside that range, C's %.10g (1e+20, 1e-16).
// NaN and infinities are null.
func appendPandasFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	const precision = 10
	// The conversions keep each step rounded on its own, as the C code is:
	// Go may otherwise fuse a multiply and a subtraction.
	thresMax := float64(1e16) - 1
	const thresMin = 1e-15
	neg := f < 0
	value := f
	if neg {
		value = -value
	}
	if value > thresMax || (value != 0 && value < thresMin) {
		return strconv.AppendFloat(b, f, 'g', precision, 64)
	}
	const pow10 = 1e10
	whole := uint64(value)
	tmp := float64((value - float64(whole)) * pow10)
	frac := uint64(tmp)
	diff := float64(tmp - float64(frac))
	if diff > 0.5 {
		frac++
	} else if diff == 0.5 && (frac == 0 || frac&1 == 1) {
		// ujson's rule: half rounds up when odd, or when the digits are 0.
		frac++
	}
	if float64(frac) >= pow10 {
		// 0.99999999999 rolls over to 1.0.
		frac = 0
		whole++
	}
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, whole, 10)
	b = append(b, '.')
	if frac == 0 {
		return append(b, '0')
	}
	digits := precision
	for frac%10 == 0 {
		digits--
		frac /= 10
	}
	var buf [20]byte
	s := strconv.AppendUint(buf[:0], frac, 10)
	for range digits - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendPandasString appends s as pandas' JSON encoder writes a string with
// its defaults (ensure_ascii): ", \ and / escaped with a backslash, the
// control characters as \b \f \n \r \t or \u00XX, and every non-ASCII
// character as \uXXXX (a surrogate pair above U+FFFF). Invalid UTF-8 is
// written as U+FFFD.
func appendPandasString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"', '\\', '/':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				if c < 0x20 {
					b = appendU4(b, rune(c))
				} else {
					b = append(b, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 {
			r -= 0x10000
			b = appendU4(b, 0xd800+(r>>10))
			b = appendU4(b, 0xdc00+(r&0x3ff))
			continue
		}
		b = appendU4(b, r)
	}
	return append(b, '"')
}

const hex = "0123456789abcdef"

// appendU4 appends \uXXXX with lower-case hex digits, as pandas writes them.
func appendU4(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
