package value

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"
)

// toGo converts v to a T.
func toGo[T any](v Value) (T, error) {
	rv, err := ToGo(v, reflect.TypeFor[T]())
	if err != nil {
		var zero T
		return zero, err
	}
	x, _ := rv.Interface().(T) // a nil interface is the zero T
	return x, nil
}

func TestToGoScalars(t *testing.T) {
	check := func(what string, got, want any, err error) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, %v; want %#v", what, got, err, want)
		}
	}
	type city string
	s, err := toGo[string]("BCN")
	check("string", s, "BCN", err)
	c, err := toGo[city]("BCN")
	check("named string", c, city("BCN"), err)
	b, err := toGo[bool](true)
	check("bool", b, true, err)
	i, err := toGo[int](1003.0)
	check("int", i, 1003, err)
	i8, err := toGo[int8](-128.0)
	check("int8", i8, int8(-128), err)
	u8, err := toGo[uint8](255.0)
	check("uint8", u8, uint8(255), err)
	u64, err := toGo[uint64](float64(1 << 60))
	check("uint64", u64, uint64(1<<60), err)
	f32, err := toGo[float32](0.5)
	check("float32", f32, float32(0.5), err)
	f64, err := toGo[float64](-2.25)
	check("float64", f64, -2.25, err)
	p, err := toGo[*int](7.0)
	if err != nil || p == nil || *p != 7 {
		t.Errorf("*int = %v, %v", p, err)
	}
	p, err = toGo[*int](nil)
	check("*int of null", p, (*int)(nil), err)
	tm, err := toGo[time.Time]("2026-11-30T08:00:00Z")
	check("time", tm, time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), err)
	raw, err := toGo[[]byte]("aGk=")
	check("[]byte", raw, []byte("hi"), err)
}

func TestToGoErrors(t *testing.T) {
	cases := []struct {
		v    Value
		t    reflect.Type
		want string
	}{
		{3.5, reflect.TypeFor[int](), "3.5 is not a whole number (int)"},
		{300.0, reflect.TypeFor[uint8](), "300 does not fit in uint8"},
		{-1.0, reflect.TypeFor[uint](), "-1 does not fit in uint"},
		{128.0, reflect.TypeFor[int8](), "128 does not fit in int8"},
		{1e19, reflect.TypeFor[int64](), "10000000000000000000 does not fit in int64"},
		{1e20, reflect.TypeFor[uint64](), "does not fit in uint64"},
		{math.Inf(1), reflect.TypeFor[int](), "+Inf does not fit in int"},
		{math.NaN(), reflect.TypeFor[int](), "NaN is not a whole number"},
		{1e39, reflect.TypeFor[float32](), "does not fit in float32"},
		{"12", reflect.TypeFor[int](), `expected a whole number (int), got a string ("12")`},
		{nil, reflect.TypeFor[string](), "expected a string (string), got null"},
		{1.0, reflect.TypeFor[bool](), "expected a bool (bool), got a number (1)"},
		{true, reflect.TypeFor[float64](), "expected a number (float64), got a bool (true)"},
		{list(), reflect.TypeFor[Order](), "expected a record (value.Order), got a list of 0"},
		{rec(), reflect.TypeFor[[]int](), "expected a list ([]int), got a record"},
		{list(1.0), reflect.TypeFor[[2]int](), "expected a list of 2 ([2]int), got a list of 1"},
		{list(1.0, "x"), reflect.TypeFor[[]int](), `at [1]: expected a whole number (int), got a string ("x")`},
		{rec("items", list(rec("qty", 2.5))), reflect.TypeFor[struct {
			Items []struct {
				Qty int `json:"qty"`
			} `json:"items"`
		}](), "at .items[0].qty: 2.5 is not a whole number (int)"},
		{rec("a", 1.0), reflect.TypeFor[map[string]string](), "at .a: expected a string (string), got a number (1)"},
		{rec("x", 1.0), reflect.TypeFor[map[int]float64](), `field name "x" is not a key of map[int]float64`},
		{rec("300", 1.0), reflect.TypeFor[map[uint8]float64](), `field name "300" is not a key`},
		{rec("true", 1.0), reflect.TypeFor[map[bool]int](), "keys are not strings or integers"},
		{1.0, reflect.TypeFor[chan int](), "a value of the bot cannot be passed as chan int"},
		{1.0, reflect.TypeFor[fmt.Stringer](), "cannot pass a number (1) as fmt.Stringer"},
		{1.0, reflect.TypeFor[*Record](), "expected a record (*value.Record), got a number (1)"},
		{"yesterday", reflect.TypeFor[time.Time](), "time.Time: parsing time"},
		{1.0, reflect.TypeFor[time.Time](), "time.Time"},
		{"!!", reflect.TypeFor[[]byte](), "expected base64 text ([]uint8)"},
	}
	for _, c := range cases {
		_, err := ToGo(c.v, c.t)
		errContains(t, fmt.Sprintf("ToGo(%v, %v)", Text(c.v), c.t), err, c.want)
	}
}

func TestToGoRecordsAndLists(t *testing.T) {
	type Line struct {
		Inner          // promoted a, b
		SKU   string   `json:"sku"`
		Qty   uint     `json:"qty"`
		Tags  []string `json:"tags"`
		Note  *string  `json:"note"`
		Skip  string   `json:"-"`
	}
	v := mustJSON(t, `{"sku":"K-1","QTY":2,"tags":["a","b"],"note":null,"a":1,"b":2,"Skip":"no","extra":{"x":1}}`)
	line, err := toGo[Line](v)
	if err != nil {
		t.Fatal(err)
	}
	want := Line{Inner: Inner{1, 2}, SKU: "K-1", Qty: 2, Tags: []string{"a", "b"}}
	if !reflect.DeepEqual(line, want) {
		t.Errorf("got %+v, want %+v", line, want)
	}
	// Through an embedded pointer, allocated as needed.
	type viaPtr struct {
		*Inner
		C int `json:"c"`
	}
	vp, err := toGo[viaPtr](rec("a", 5.0, "c", 6.0))
	if err != nil || vp.Inner == nil || vp.A != 5 || vp.C != 6 {
		t.Errorf("embedded pointer: %+v, %v", vp, err)
	}

	m, err := toGo[map[string][]float64](mustJSON(t, `{"x":[1,2],"y":[]}`))
	if err != nil || !reflect.DeepEqual(m, map[string][]float64{"x": {1, 2}, "y": {}}) {
		t.Errorf("map: %v, %v", m, err)
	}
	mi, err := toGo[map[int]bool](mustJSON(t, `{"-3":true}`))
	if err != nil || !mi[-3] {
		t.Errorf("int keys: %v, %v", mi, err)
	}
	var nilMap map[string]int
	if got, err := toGo[map[string]int](nil); err != nil || !reflect.DeepEqual(got, nilMap) {
		t.Errorf("null map: %v, %v", got, err)
	}
	if got, err := toGo[[]int](nil); err != nil || got != nil {
		t.Errorf("null slice: %v, %v", got, err)
	}
	arr, err := toGo[[2]string](list("a", "b"))
	if err != nil || arr != [2]string{"a", "b"} {
		t.Errorf("array: %v, %v", arr, err)
	}
	r := rec("k", 1.0)
	if got, err := toGo[*Record](r); err != nil || got != r {
		t.Errorf("*Record: %v, %v", got, err)
	}
	// An empty interface gets plain Go values, as from encoding/json.
	a, err := toGo[any](mustJSON(t, `{"a":[1,"x",null,{"b":true}]}`))
	wantAny := map[string]any{"a": []any{1.0, "x", nil, map[string]any{"b": true}}}
	if err != nil || !reflect.DeepEqual(a, wantAny) {
		t.Errorf("any: %#v, %v", a, err)
	}
	if a, err := toGo[any](nil); err != nil || a != nil {
		t.Errorf("any of null: %#v, %v", a, err)
	}
	l, err := toGo[[]any](list(rec("x", 1.0)))
	if err != nil || !reflect.DeepEqual(l, []any{map[string]any{"x": 1.0}}) {
		t.Errorf("[]any: %#v, %v", l, err)
	}
}

// What FromGo makes of a Go value, ToGo makes back into the same value.
func TestToGoRoundTrip(t *testing.T) {
	type All struct {
		Orders []Order            `json:"orders"`
		ByID   map[string]Order   `json:"by_id"`
		When   time.Time          `json:"when"`
		Ptr    *Order             `json:"ptr"`
		Grid   [2][2]int8         `json:"grid"`
		Sets   map[string][]bool  `json:"sets"`
		Misc   map[string]float32 `json:"misc"`
	}
	in := All{
		Orders: []Order{{1001, "kettle", "shipped", 39.9}},
		ByID:   map[string]Order{"1002": {1002, "teapot", "late", 24.5}},
		When:   time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		Ptr:    &Order{ID: 3},
		Grid:   [2][2]int8{{1, -2}, {3, 4}},
		Sets:   map[string][]bool{"a": {true, false}},
		Misc:   map[string]float32{"pi": 3.14},
	}
	v, err := FromGo(in)
	if err != nil {
		t.Fatal(err)
	}
	back, err := toGo[All](v)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, in)
	}
}
