package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

func TestDecodeJSON(t *testing.T) {
	cases := []struct{ in, want string }{
		{`null`, `null`},
		{` true `, `true`},
		{"\t\r\nfalse\n", `false`},
		{`0`, `0`},
		{`-0`, `0`},
		{`-12`, `-12`},
		{`1.5`, `1.5`},
		{`1e2`, `100`},
		{`1E+2`, `100`},
		{`2.5e-3`, `0.0025`},
		{`123456789012345678`, `123456789012345680`}, // beyond 2^53: the nearest float64
		{`1e300`, `1` + strings.Repeat("0", 300)},
		{`""`, `""`},
		{`"a\"b\\c\/d\b\f\n\r\t"`, `"a\"b\\c/d\u0008\u000c\n\r\t"`},
		{`"\u00e9\u20AC"`, `"é€"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\ud83d"`, `"�"`},                  // a lone surrogate
		{`"\ud83dx"`, `"�x"`},                // a high surrogate without its low half
		{`"\ude00\ud83d\ude00"`, `"�😀"`},     // a low half alone, then a pair
		{`"\ud83d\u0041"`, `"�A"`},           // a high surrogate and a non-surrogate escape
		{"\"caf\xc3\xa9 \xff\"", `"café �"`}, // invalid UTF-8
		{"\"\u2028\"", `"\u2028"`},
		{`[]`, `[]`},
		{`[ 1 , "x" , [ ] , { } ]`, `[1,"x",[],{}]`},
		{`{}`, `{}`},
		{`{"b":1,"a":2,"c":{"z":true,"y":null}}`, `{"b":1,"a":2,"c":{"z":true,"y":null}}`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`}, // a repeated key: first place, last value
		{`{"\u0061":1, "a b":2}`, `{"a":1,"a b":2}`},
	}
	for _, c := range cases {
		v, err := DecodeJSON([]byte(c.in), Limits{})
		if err != nil {
			t.Errorf("DecodeJSON(%s): %v", c.in, err)
			continue
		}
		if got := string(AppendJSON(nil, v)); got != c.want {
			t.Errorf("DecodeJSON(%s) writes %s, want %s", c.in, got, c.want)
		}
	}
}

func TestDecodeJSONNumbers(t *testing.T) {
	for in, want := range map[string]float64{
		`9007199254740993`: 9007199254740992, `0.1`: 0.1, `-1.5E3`: -1500, `999999999999999`: 999999999999999,
		`1e-400`: 0, `4.9e-324`: 5e-324,
	} {
		v := mustJSON(t, in)
		if v != want {
			t.Errorf("%s decodes to %v, want %v", in, v, want)
		}
	}
	if v := mustJSON(t, `-0`).(float64); !math.Signbit(v) {
		t.Error("-0 lost its sign")
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{``, "at byte 0: unexpected end of input, expected a value"},
		{`   `, "at byte 3: unexpected end of input"},
		{`nul`, "at byte 0: unexpected 'n'"},
		{`truex`, "at byte 4: unexpected 'x' after the value"},
		{`1 2`, "at byte 2: unexpected '2' after the value"},
		{`01`, "at byte 1: a number does not begin with 0"},
		{`-`, "at byte 1: unexpected end of input in a number"},
		{`1.`, "expected a digit after '.'"},
		{`1.e3`, "expected a digit after '.'"},
		{`1e`, "expected a digit in the exponent"},
		{`+1`, "unexpected '+'"},
		{`.5`, "unexpected '.'"},
		{`NaN`, "unexpected 'N'"},
		{`1e400`, "at byte 0: number 1e400 is out of range"},
		{`-1e400`, "number -1e400 is out of range"},
		{`"abc`, "unexpected end of input in a string"},
		{`"a` + "\x01" + `"`, "at byte 2: unexpected byte 0x01 in a string (control characters must be escaped)"},
		{"\"a\nb\"", "unexpected byte 0x0a in a string"},
		{`"\x"`, `invalid escape 'x'`},
		{`"\u12"`, `invalid \u escape`},
		{`"\u12G4"`, `invalid \u escape`},
		{`"\`, "unexpected end of input in a string"},
		{`[1,]`, "unexpected ']', expected a value"},
		{`[1 2]`, "expected ',' or ']'"},
		{`[1`, "unexpected end of input, expected ',' or ']'"},
		{`{"a" 1}`, "expected ':' after a key"},
		{`{"a":1,}`, "expected a key in quotes"},
		{`{a:1}`, "expected a key in quotes"},
		{`{"a":1`, "expected ',' or '}'"},
		{`{"a":1]`, "unexpected ']', expected ',' or '}'"},
		{`{"a`, "unexpected end of input in a string"},
		{"\ufeff{}", "at byte 0: unexpected byte 0xef"},
		{`'a'`, `unexpected '\''`},
	}
	for _, c := range cases {
		_, err := DecodeJSON([]byte(c.in), Limits{})
		errContains(t, "DecodeJSON("+c.in+")", err, "invalid JSON", c.want)
		var je *JSONError
		if err != nil && !errors.As(err, &je) {
			t.Errorf("DecodeJSON(%s): %T is not a *JSONError", c.in, err)
		}
	}
}

func TestDecodeJSONDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	if _, err := DecodeJSON([]byte(nest(DefaultMaxDepth)), Limits{}); err != nil {
		t.Errorf("%d levels: %v", DefaultMaxDepth, err)
	}
	_, err := DecodeJSON([]byte(nest(DefaultMaxDepth+1)), Limits{})
	errContains(t, "one level too deep", err, "nested deeper than 200 levels")
	_, err = DecodeJSON([]byte(`{"a":{"b":[1]}}`), Limits{MaxDepth: 2})
	errContains(t, "MaxDepth 2", err, "at byte 10: nested deeper than 2 levels")
	// A hostile megabyte of openings stops at the limit, not at the end
	// of the stack.
	_, err = DecodeJSON(bytes.Repeat([]byte(`[{"a":`), 1<<20/6), Limits{})
	errContains(t, "hostile nesting", err, "nested deeper")
}

func TestAppendJSON(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{nil, `null`},
		{3.0, `3`},
		{-0.0, `0`},
		{0.30000000000000004, `0.30000000000000004`},
		{1e20, `100000000000000000000`},
		{1e-7, `0.0000001`},
		{math.NaN(), `null`},
		{math.Inf(-1), `null`},
		{"<a & b>\u2028\x7f\"", `"<a & b>\u2028\u007f\""`},
		{true, `true`},
		{rec("z", 1.0, "a", list("x", nil, rec())), `{"z":1,"a":["x",null,{}]}`},
		{[]Value(nil), `[]`},
		{42, `null`}, // not a value of the language
	}
	for _, c := range cases {
		if got := string(AppendJSON([]byte("»"), c.v)); got != "»"+c.want {
			t.Errorf("AppendJSON(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}

// A key read many times is one string.
func TestDecodeJSONInternsKeys(t *testing.T) {
	l := mustJSON(t, `[{"name":1},{"name":2}]`).([]Value)
	a, b := l[0].(*Record).Name(0), l[1].(*Record).Name(0)
	if a != "name" || b != "name" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Error("the key is not shared")
	}
}

// FuzzDecodeJSON: no input makes DecodeJSON panic; it accepts what
// encoding/json accepts (within its depth limit) and decodes it to the
// same values; what it decodes writes back as JSON that encoding/json
// accepts and that decodes to an equal value, with records in order.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,2.5,"x",null,true,false,{"b":{}}]}`, `"\ud83d\ude00\u0000\ud800"`, `-0.0e-0`, `[1e308, 1e-320]`,
		`{"a":1,"a":2}`, "\"\xff\xfe\"", `[[[[[]]]]]`, ` 12 `, `{"":""}`, `"\u2028 <&>"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeJSON(data, Limits{})
		var theirs any
		theirErr := json.Unmarshal(data, &theirs)
		if err != nil {
			if theirErr == nil && !strings.Contains(err.Error(), "nested deeper") {
				t.Fatalf("DecodeJSON refuses what encoding/json accepts: %v", err)
			}
			return
		}
		if theirErr != nil {
			t.Fatalf("DecodeJSON accepts what encoding/json refuses (%v)", theirErr)
		}
		if !reflect.DeepEqual(plain(v), theirs) {
			t.Fatalf("decoded %#v, encoding/json %#v", plain(v), theirs)
		}
		out := AppendJSON(nil, v)
		if !json.Valid(out) {
			t.Fatalf("AppendJSON wrote invalid JSON %q", out)
		}
		back, err := DecodeJSON(out, Limits{})
		if err != nil {
			t.Fatalf("cannot decode what AppendJSON wrote (%q): %v", out, err)
		}
		if !sameOrdered(v, back) {
			t.Fatalf("%q decodes differently from the original", out)
		}
	})
}

// sameOrdered is Equal with records' fields in the same order.
func sameOrdered(a, b Value) bool {
	if !Equal(a, b) {
		return false
	}
	switch x := a.(type) {
	case *Record:
		y := b.(*Record)
		for i := range x.Len() {
			if x.Name(i) != y.Name(i) || !sameOrdered(x.At(i), y.At(i)) {
				return false
			}
		}
	case []Value:
		for i := range x {
			if !sameOrdered(x[i], b.([]Value)[i]) {
				return false
			}
		}
	}
	return true
}

func BenchmarkDecodeJSON(b *testing.B) {
	data := []byte(`{"latitude":41.39,"longitude":2.17,"current":{"time":"2026-11-30T08:00","temperature_2m":21.5,"wind_speed_10m":12},` +
		`"hourly":[{"t":1,"v":"a"},{"t":2,"v":"b"},{"t":3,"v":"c"},{"t":4,"v":"d"}]}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeJSON(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeJSONStdlib is the baseline of BenchmarkDecodeJSON: the same
// answer through encoding/json into any (which keeps no key order).
func BenchmarkDecodeJSONStdlib(b *testing.B) {
	data := []byte(`{"latitude":41.39,"longitude":2.17,"current":{"time":"2026-11-30T08:00","temperature_2m":21.5,"wind_speed_10m":12},` +
		`"hourly":[{"t":1,"v":"a"},{"t":2,"v":"b"},{"t":3,"v":"c"},{"t":4,"v":"d"}]}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
