// Package builtin holds the functions that compiled expressions call: the
// language's built-in functions and the operators that need more than a Go
// operator (division and remainder by zero, number formatting).
package builtin

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Round rounds x to digits decimal places (half away from zero).
func Round(x, digits float64) float64 {
	p := math.Pow(10, math.Trunc(digits))
	if p == 0 || math.IsInf(p, 0) {
		return x
	}
	return math.Round(x*p) / p
}

// Floor is floor(x).
func Floor(x float64) float64 { return math.Floor(x) }

// Ceil is ceil(x).
func Ceil(x float64) float64 { return math.Ceil(x) }

// Abs is abs(x).
func Abs(x float64) float64 { return math.Abs(x) }

// Min is min(a, b).
func Min(a, b float64) float64 { return math.Min(a, b) }

// Max is max(a, b).
func Max(a, b float64) float64 { return math.Max(a, b) }

// Len is len(s): the number of characters (not bytes) of s.
func Len(s string) float64 { return float64(utf8.RuneCountInString(s)) }

// Lower is lower(s).
func Lower(s string) string { return strings.ToLower(s) }

// Upper is upper(s).
func Upper(s string) string { return strings.ToUpper(s) }

// Trim is trim(s): s without leading and trailing white space.
func Trim(s string) string { return strings.TrimSpace(s) }

// Contains is contains(s, sub).
func Contains(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// Num is num(s): s read as a number, 0 when it is not one.
func Num(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// DivisionByZero is the panic value of Div and Mod by zero; the engine
// recovers it and answers with the fallback.
type DivisionByZero struct{}

func (DivisionByZero) Error() string { return "division by zero" }

// Div is x / y; it panics with DivisionByZero when y is 0.
func Div(x, y float64) float64 {
	if y == 0 {
		panic(DivisionByZero{})
	}
	return x / y
}

// Mod is x % y (the sign of x, as in Go); it panics with DivisionByZero when y is 0.
func Mod(x, y float64) float64 {
	if y == 0 {
		panic(DivisionByZero{})
	}
	return math.Mod(x, y)
}

// FormatNum is how a number reads when interpolated: integers without a
// decimal point, others in their shortest exact form.
func FormatNum(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// FormatBool is how a bool reads when interpolated.
func FormatBool(b bool) string { return strconv.FormatBool(b) }

// StartsWith is starts_with(s, prefix): s starts with prefix, ignoring
// case (as contains does).
func StartsWith(s, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

// EndsWith is ends_with(s, suffix): s ends with suffix, ignoring case.
func EndsWith(s, suffix string) bool {
	return strings.HasSuffix(strings.ToLower(s), strings.ToLower(suffix))
}

// Replace is replace(s, old, new): every old in s replaced by new. An
// empty old leaves s as it is: Go would put new between every character,
// which no one means.
func Replace(s, old, new string) string {
	if old == "" {
		return s
	}
	return strings.ReplaceAll(s, old, new)
}

// Split is split(s, sep): the parts of s between the seps, as a list of
// the language ([]any holding strings: runtime/value's []Value). An empty
// sep splits s into its characters.
func Split(s, sep string) []any {
	parts := strings.Split(s, sep)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}

// Substr is substr(s, start, n): n characters (not bytes) of s from
// start, counted from 0. What lies past either end of s is left out, so
// that a start or a length out of range is never an error; start and n
// are truncated to whole numbers.
func Substr(s string, start, n float64) string {
	if math.IsNaN(start) || math.IsNaN(n) {
		return ""
	}
	start, n = math.Trunc(start), math.Trunc(n)
	end := start + n
	start = max(start, 0)
	if end <= start {
		return ""
	}
	from, to := -1, len(s)
	i := 0.0
	for off := range s {
		if i == start {
			from = off
		}
		if i == end {
			to = off
			break
		}
		i++
	}
	if from < 0 {
		return ""
	}
	return s[from:to]
}

// Pattern compiles the regular expression of a matches() call; the checker
// has compiled it already, so it cannot fail.
func Pattern(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }

// FormatTime is how now() writes the time of the turn: as the datetime
// entity writes a time, RFC 3339 to the second with the zone's offset
// (2026-11-27T17:00:00+01:00, Z in UTC).
func FormatTime(t time.Time) string { return t.Format(time.RFC3339) }
