package value

import (
	"encoding/json"
	"errors"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Order is the example bot's order.
type Order struct {
	ID     int     `json:"id"`
	Item   string  `json:"item"`
	Status string  `json:"status"`
	Total  float64 `json:"total"`
}

type tagged struct {
	Name     string  `json:"name"`
	Skipped  string  `json:"-"`
	Dash     string  `json:"-,"` // a field named "-"
	Untagged float64 // its Go name
	OnlyOpts int     `json:",omitempty"`
	Empty    string  `json:"empty,omitempty"`
	Zero     when    `json:"zero,omitzero"`
	NilPtr   *int    `json:"nil_ptr,omitempty"`
	BadName  string  `json:"a\"b"` // not a valid tag name: the Go name
	hidden   string
	Ptr      *Order `json:"ptr"`
}

// when is zero by its IsZero method, not by its bytes.
type when struct{ unix int }

func (w when) IsZero() bool { return w.unix <= 0 }

type Inner struct {
	A int `json:"a"`
	B int `json:"b"`
}

type inner2 struct {
	B int `json:"b"`
	C int `json:"c"`
}

type Tagged2 struct {
	D int `json:"d"`
}

type embedding struct {
	Inner              // a and b promoted
	*inner2            // b conflicts with Inner.b at the same depth: both go; c promoted
	Tagged2 `json:"t"` // a tagged embedding is a field of its own
	A       int        `json:"a"` // shallower: wins over Inner.a
}

type hasText struct{ v string }

func (h hasText) MarshalText() ([]byte, error) { return []byte("<" + h.v + ">"), nil }

type hasJSON struct{ n int }

func (h *hasJSON) MarshalJSON() ([]byte, error) {
	return []byte(`{"n": ` + strings.Repeat("1", h.n) + `, "z": [true]}`), nil
}

type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { return []byte(`{nope}`), nil }

type failing struct{}

func (failing) MarshalText() ([]byte, error) { return nil, errors.New("no text today") }

type node struct {
	Name string `json:"name"`
	Next *node  `json:"next"`
}

func TestFromGoStructs(t *testing.T) {
	orders := []Order{{1001, "kettle", "shipped", 39.90}, {1002, "teapot", "late", 24.50}}
	v, err := FromGo(orders)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"id":1001,"item":"kettle","status":"shipped","total":39.9},{"id":1002,"item":"teapot","status":"late","total":24.5}]`
	if Text(v) != want {
		t.Errorf("orders: %s", Text(v))
	}

	n := 7
	cases := []struct {
		in   any
		want string
	}{
		{tagged{Name: "x", Skipped: "s", Dash: "d", Untagged: 1.5, hidden: "h"},
			`{"name":"x","-":"d","Untagged":1.5,"BadName":"","ptr":null}`},
		{tagged{OnlyOpts: 3, Empty: "e", Zero: when{5}, NilPtr: &n, Ptr: &Order{ID: 1}},
			`{"name":"","-":"","Untagged":0,"OnlyOpts":3,"empty":"e","zero":{},"nil_ptr":7,"BadName":"","ptr":{"id":1,"item":"","status":"","total":0}}`},
		{embedding{Inner: Inner{1, 2}, inner2: &inner2{3, 4}, Tagged2: Tagged2{5}, A: 6},
			`{"c":4,"t":{"d":5},"a":6}`},
		{embedding{}, `{"t":{"d":0},"a":0}`}, // a nil embedded pointer promotes nothing
		{&embedding{Inner: Inner{B: 9}, inner2: &inner2{C: 8}}, `{"c":8,"t":{"d":0},"a":0}`},
	}
	for _, c := range cases {
		v, err := FromGo(c.in)
		if err != nil {
			t.Errorf("FromGo(%+v): %v", c.in, err)
			continue
		}
		if got := Text(v); got != c.want {
			t.Errorf("FromGo(%+v) = %s, want %s", c.in, got, c.want)
		}
		// encoding/json agrees, byte for byte here.
		if b, _ := json.Marshal(c.in); string(b) != c.want {
			t.Errorf("encoding/json writes %s", b)
		}
	}
}

func TestFromGoScalarsAndContainers(t *testing.T) {
	var nilPtr *Order
	var nilIface any
	var nilMap map[string]int
	stamp := time.Date(2026, 11, 30, 8, 0, 0, 500, time.FixedZone("CET", 3600))
	cases := []struct {
		in   any
		want string
	}{
		{nil, `null`},
		{nilPtr, `null`},
		{[]any{nilIface}, `[null]`},
		{3, `3`},
		{int8(-8), `-8`},
		{uint16(65535), `65535`},
		{uintptr(5), `5`},
		{int64(1 << 53), `9007199254740992`},
		{int64(-1 << 53), `-9007199254740992`},
		{uint64(1 << 53), `9007199254740992`},
		{float32(0.1), `0.1`},
		{float32(16777217), `16777216`},
		{2.5, `2.5`},
		{"s", `"s"`},
		{true, `true`},
		{map[string]int{"b": 2, "a": 1, "c": 3}, `{"a":1,"b":2,"c":3}`},
		{map[int]string{10: "x", 9: "y"}, `{"10":"x","9":"y"}`}, // sorted as text, as encoding/json does
		{map[netip.Addr]bool{netip.MustParseAddr("10.0.0.1"): true}, `{"10.0.0.1":true}`},
		{nilMap, `{}`},
		{[]int(nil), `[]`},
		{[3]int{1, 2, 3}, `[1,2,3]`},
		{[]byte("hi"), `"aGk="`},
		{[][]string{{"a"}, {}}, `[["a"],[]]`},
		{stamp, `"2026-11-30T08:00:00.0000005+01:00"`},
		{hasText{"x"}, `"<x>"`},
		{[]hasText{{"a"}}, `["<a>"]`},
		{&hasJSON{2}, `{"n":11,"z":[true]}`},
		{[]hasJSON{{1}}, `[{"n":1,"z":[true]}]`}, // addressable: the pointer method is used
		{hasJSON{1}, `{}`},                       // not addressable, as in encoding/json
		{rec("b", 1.0, "a", list(2.0)), `{"b":1,"a":[2]}`},
		{*rec("x", 1.0), `{"x":1}`},
		{[]Value{int8(3), rec("k", 1.0)}, `[3,{"k":1}]`},
		{struct{ R *Record }{}, `{"R":null}`},
	}
	for _, c := range cases {
		v, err := FromGo(c.in)
		if err != nil {
			t.Errorf("FromGo(%#v): %v", c.in, err)
			continue
		}
		if got := string(AppendJSON(nil, v)); got != c.want {
			t.Errorf("FromGo(%#v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestFromGoErrors(t *testing.T) {
	type withChan struct {
		Orders []struct {
			C chan int `json:"c"`
		} `json:"orders"`
	}
	loop := &node{Name: "a"}
	loop.Next = loop
	cases := []struct {
		in   any
		want string
	}{
		{make(chan int), "chan int cannot be a value of the bot"},
		{func() {}, "func() cannot be a value of the bot"},
		{complex(1, 2), "complex128 cannot be a value of the bot"},
		{withChan{Orders: make([]struct {
			C chan int `json:"c"`
		}, 2)}, "at .orders[0].c: chan int cannot be"},
		{map[string]any{"a b": []any{1, func() {}}}, `at ["a b"][1]: func() cannot be`},
		{int64(1<<53 + 1), "9007199254740993 (int64) is beyond ±2^53"},
		{-1<<53 - 1, "-9007199254740993 (int) is beyond ±2^53"},
		{uint64(math.MaxUint64), "18446744073709551615 (uint64) is beyond 2^53"},
		{math.NaN(), "NaN (float64) is not a number the bot can hold"},
		{float32(math.Inf(1)), "+Inf (float32) is not a number"},
		{map[float64]int{1: 1}, "map[float64]int: keys of type float64 cannot be field names"},
		{loop, "nests deeper than 200 levels (is it cyclic?)"},
		{[]any{badJSON{}}, "at [0]: value.badJSON: MarshalJSON wrote invalid JSON at byte 1"},
		{failing{}, "value.failing: MarshalText: no text today"},
	}
	for _, c := range cases {
		_, err := FromGo(c.in)
		errContains(t, "FromGo", err, c.want)
	}
	// A cycle's path is cut short.
	_, err := FromGo(loop)
	if err == nil || len(err.Error()) > 200 || !strings.HasPrefix(err.Error(), "at .next.next") {
		t.Errorf("cycle error: %v", err)
	}
}

// A Go value converts as encoding/json writes it: the same fields, in the
// same order, with the same values.
func FuzzFromGoMatchesMarshal(f *testing.F) {
	f.Add(int64(1), "kettle", 39.9, true, uint8(3), int16(-4), float32(0.5), "x")
	f.Add(int64(-1<<53), "", 0.0, false, uint8(0), int16(0), float32(0), "")
	f.Add(int64(42), "<&>\u2028\x7f\xff", 1e21, true, uint8(255), int16(-32768), float32(3.4e38), "k\x00")
	f.Fuzz(func(t *testing.T, i int64, s string, x float64, b bool, u uint8, i16 int16, f32 float32, key string) {
		type Leaf struct {
			S   string  `json:"s,omitempty"`
			F32 float32 `json:"f32"`
		}
		type Base struct {
			I   int64 `json:"i"`
			Dup int   `json:"dup"`
		}
		type Other struct {
			Dup int `json:"dup"`
			U   uint8
		}
		type Big struct {
			Base
			*Other
			Name   string            `json:"name"`
			X      float64           `json:"x,omitempty"`
			B      bool              `json:"b"`
			I16    int16             `json:"i16,omitzero"`
			Leaves []Leaf            `json:"leaves"`
			M      map[string]any    `json:"m"`
			Ptr    *Leaf             `json:"ptr,omitempty"`
			Arr    [2]uint8          `json:"arr"`
			Any    any               `json:"any"`
			Nested map[string][]bool `json:"nested"`
			Secret string            `json:"-"`
		}
		v := Big{
			Base:   Base{I: i, Dup: 1},
			Name:   s,
			X:      x,
			B:      b,
			I16:    i16,
			Leaves: []Leaf{{S: s, F32: f32}, {F32: -f32}},
			M:      map[string]any{key: u, s: []any{i16, b, nil}, "z": map[string]int{}},
			Arr:    [2]uint8{u, u / 2},
			Any:    Leaf{S: key},
			Nested: map[string][]bool{key: {b}, s: {}},
			Secret: s,
		}
		if u%2 == 0 {
			v.Other = &Other{Dup: 2, U: u}
			v.Ptr = &Leaf{F32: f32}
		}
		got, err := FromGo(v)
		want, jerr := json.Marshal(v)
		if jerr != nil { // NaN, infinities
			if err == nil {
				t.Fatalf("FromGo accepts what encoding/json refuses: %v", jerr)
			}
			return
		}
		if i > 1<<53 || i < -1<<53 {
			if err == nil {
				t.Fatalf("FromGo accepts %d", i)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := DecodeJSON(want, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !sameOrdered(got, theirs) {
			t.Fatalf("FromGo: %s\nencoding/json: %s", AppendJSON(nil, got), want)
		}
	})
}
