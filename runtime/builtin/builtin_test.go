package builtin

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

func TestRoundAndFormat(t *testing.T) {
	cases := []struct {
		x, digits float64
		want      string
	}{
		{12.345, 2, "12.35"}, {-2.5, 0, "-3"}, {7, 2, "7"}, {0.1 + 0.2, 2, "0.3"}, {1e20, 0, "100000000000000000000"},
	}
	for _, c := range cases {
		if got := FormatNum(Round(c.x, c.digits)); got != c.want {
			t.Errorf("FormatNum(Round(%v, %v)) = %s, want %s", c.x, c.digits, got, c.want)
		}
	}
	if FormatBool(true) != "true" {
		t.Error("FormatBool")
	}
}

func TestStrings(t *testing.T) {
	if Len("héllo") != 5 || Lower("ÀB") != "àb" || Upper("ab") != "AB" || Trim("  x ") != "x" {
		t.Error("string built-ins")
	}
	if !Contains("Hello World", "world") || Contains("abc", "d") {
		t.Error("contains")
	}
	if Num(" 4.5 ") != 4.5 || Num("four") != 0 || Num("NaN") != 0 {
		t.Error("num")
	}
}

func TestDivisionByZeroPanics(t *testing.T) {
	for _, f := range []func(){func() { Div(1, 0) }, func() { Mod(1, 0) }} {
		func() {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, DivisionByZero{}) {
					t.Errorf("recovered %v, want DivisionByZero", err)
				}
			}()
			f()
		}()
	}
	if Div(1, 4) != 0.25 || Mod(7, 3) != 1 || !math.IsInf(Div(1, math.SmallestNonzeroFloat64), 1) {
		t.Error("division")
	}
}

func TestStringFunctionsOfTheSecondVersion(t *testing.T) {
	if !StartsWith("Hello", "hE") || StartsWith("Hello", "lo") || !EndsWith("Hello", "LO") || EndsWith("Hello", "he") {
		t.Error("starts_with, ends_with")
	}
	if got := Replace("a-b-c", "-", "+"); got != "a+b+c" {
		t.Errorf("replace: %q", got)
	}
	if got := Replace("abc", "", "x"); got != "abc" {
		t.Errorf("replace of an empty string: %q", got)
	}
	for _, c := range []struct {
		s, sep string
		want   []any
	}{
		{"a,b,,c", ",", []any{"a", "b", "", "c"}},
		{"", ",", []any{""}},
		{"héj", "", []any{"h", "é", "j"}},
	} {
		if got := Split(c.s, c.sep); !slices.Equal(got, c.want) {
			t.Errorf("split(%q, %q) = %q, want %q", c.s, c.sep, got, c.want)
		}
	}
	for _, c := range []struct {
		s        string
		start, n float64
		want     string
	}{
		{"héllo", 1, 3, "éll"},
		{"héllo", 0, 99, "héllo"},
		{"héllo", 3, 99, "lo"},
		{"héllo", 5, 1, ""},
		{"héllo", 9, 1, ""},
		{"héllo", -2, 3, "h"},
		{"héllo", -2, 1, ""},
		{"héllo", 1, 0, ""},
		{"héllo", 1, -1, ""},
		{"héllo", 1.9, 2.9, "él"},
		{"héllo", math.NaN(), 2, ""},
		{"héllo", 0, math.Inf(1), "héllo"},
	} {
		if got := Substr(c.s, c.start, c.n); got != c.want {
			t.Errorf("substr(%q, %v, %v) = %q, want %q", c.s, c.start, c.n, got, c.want)
		}
	}
	if re := Pattern(`^[0-9]+$`); !re.MatchString("123") || re.MatchString("12a") {
		t.Error("pattern")
	}
	madrid := time.FixedZone("CET", 3600)
	if got := FormatTime(time.Date(2026, 11, 27, 17, 0, 0, 123, madrid)); got != "2026-11-27T17:00:00+01:00" {
		t.Errorf("now: %s", got)
	}
	if got := FormatTime(time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)); got != "2026-11-27T16:00:00Z" {
		t.Errorf("now in UTC: %s", got)
	}
}
