package builtin

import (
	"errors"
	"math"
	"testing"
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
