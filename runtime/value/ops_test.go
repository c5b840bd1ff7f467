package value

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/runtime/builtin"
)

func TestText(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{nil, ""},
		{21.5, "21.5"},
		{12.0, "12"},
		{-0.0, "0"},
		{1e20, "100000000000000000000"},
		{"héllo \"x\"", `héllo "x"`},
		{true, "true"},
		{false, "false"},
		{rec("lat", 41.39, "lon", 2.17), `{"lat":41.39,"lon":2.17}`},
		{list("kettle", 2.0, nil, true), `["kettle",2,null,true]`},
		{list(), `[]`},
	}
	for _, c := range cases {
		if got := Text(c.v); got != c.want {
			t.Errorf("Text(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
	// Numbers read exactly as the language prints them.
	for _, x := range []float64{0.1, 1.0 / 3, 123456789, 1e15, 1e15 + 0.5, -2.5e-8, 1e300, math.MaxFloat64} {
		if Text(x) != builtin.FormatNum(x) || string(AppendJSON(nil, x)) != builtin.FormatNum(x) {
			t.Errorf("%v: Text %s, AppendJSON %s, FormatNum %s", x, Text(x), AppendJSON(nil, x), builtin.FormatNum(x))
		}
	}
}

func TestField(t *testing.T) {
	w := mustJSON(t, `{"current":{"temperature_2m":21.5,"wind":null},"list":[1]}`)
	cur, err := Field(w, "current")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Field(cur, "temperature_2m"); err != nil || v != 21.5 {
		t.Errorf("temperature_2m = %v, %v", v, err)
	}
	if v, err := Field(cur, "wind"); err != nil || v != nil {
		t.Errorf("a null field: %v, %v", v, err)
	}
	_, err = Field(cur, "temp")
	errContains(t, "missing field", err, "no field temp in the record (its fields: temperature_2m, wind)")
	_, err = Field(w, "two words")
	errContains(t, "quoted name", err, `no field "two words"`)
	wind, _ := Field(cur, "wind")
	_, err = Field(wind, "speed")
	errContains(t, "field of null", err, "no field speed: the value is null, not a record")
	_, err = Field(21.5, "x")
	errContains(t, "field of a number", err, "no field x: the value is a number (21.5), not a record")
	l, _ := Field(w, "list")
	_, err = Field(l, "x")
	errContains(t, "field of a list", err, "the value is a list of 1, not a record")
	_, err = Field(strings.Repeat("é", 50), "x")
	errContains(t, "long string", err, `a string ("`+strings.Repeat("é", 20)+`…")`)
	big := NewRecord(0)
	for i := range 10 {
		big.Set(fmt.Sprintf("f%d", i), 1.0)
	}
	_, err = Field(big, "g")
	errContains(t, "many fields", err, "f6, f7 and 2 more)")
	_, err = Field(rec(), "g")
	errContains(t, "no fields", err, "(its fields: none)")
}

func TestIndex(t *testing.T) {
	l := list("a", "b", "c")
	if v, err := Index(l, 2); err != nil || v != "c" {
		t.Errorf("Index 2 = %v, %v", v, err)
	}
	_, err := Index(l, 3)
	errContains(t, "past the end", err, "list index 3 is out of range: the list has 3 elements")
	_, err = Index(l, -1)
	errContains(t, "negative", err, "list index -1 is out of range")
	_, err = Index(l, 1.5)
	errContains(t, "fraction", err, "list index 1.5 is not a whole number")
	_, err = Index(list(), 0)
	errContains(t, "empty", err, "the list has no elements")
	_, err = Index(list(1.0), 1)
	errContains(t, "one", err, "the list has 1 element")
	_, err = Index(rec("a", 1.0), 0)
	errContains(t, "a record", err, "cannot take element 0: the value is a record, not a list")
	_, err = Index(list(1.0), math.NaN())
	errContains(t, "NaN", err, "is not a whole number")
	_, err = Index(list(1.0), math.Inf(1))
	errContains(t, "Inf", err, "out of range")
}

func TestLen(t *testing.T) {
	for _, c := range []struct {
		v    Value
		want float64
	}{{list(1.0, 2.0), 2}, {rec("a", 1.0), 1}, {"héllo", 5}, {"", 0}, {list(), 0}} {
		if n, err := Len(c.v); err != nil || n != c.want {
			t.Errorf("Len(%v) = %v, %v", c.v, n, err)
		}
	}
	for _, v := range []Value{nil, 3.0, true, (*Record)(nil)} {
		_, err := Len(v)
		errContains(t, fmt.Sprintf("Len(%v)", v), err, "len takes a list, a record or a string, not")
	}
}

func TestProject(t *testing.T) {
	items := mustJSON(t, `[{"id":1,"item":"kettle"},{"id":2,"item":"teapot"}]`)
	got, err := Project(items, "item")
	if err != nil || Text(got) != `["kettle","teapot"]` {
		t.Errorf("Project = %v, %v", got, err)
	}
	if got, err := Project(list(), "item"); err != nil || len(got) != 0 {
		t.Errorf("Project of an empty list = %v, %v", got, err)
	}
	_, err = Project(mustJSON(t, `[{"item":1},{"name":2}]`), "item")
	errContains(t, "missing in one", err, "element 1 of the list: no field item in the record (its fields: name)")
	_, err = Project(list(rec("item", 1.0), 5.0), "item")
	errContains(t, "not a record", err, "element 1 of the list: no field item: the value is a number (5)")
	_, err = Project(rec("item", 1.0), "item")
	errContains(t, "not a list", err, "cannot take .item of every element: the value is a record, not a list")
}

func TestEqual(t *testing.T) {
	same := [][2]Value{
		{nil, nil}, {nil, (*Record)(nil)}, {1.0, 1.0}, {0.0, -0.0}, {"a", "a"}, {true, true},
		{mustJSON(t, `{"a":1,"b":[1,{"c":null}]}`), mustJSON(t, `{"b":[1,{"c":null}],"a":1}`)},
		{list(), []Value(nil)},
	}
	for _, p := range same {
		if !Equal(p[0], p[1]) || !Equal(p[1], p[0]) {
			t.Errorf("%v and %v are not equal", p[0], p[1])
		}
	}
	different := [][2]Value{
		{nil, 0.0}, {1.0, "1"}, {"true", true}, {math.NaN(), math.NaN()}, {list(1.0), list(1.0, 2.0)},
		{list(1.0), list(2.0)}, {rec("a", 1.0), rec("a", 1.0, "b", 2.0)}, {rec("a", 1.0), rec("b", 1.0)},
		{rec("a", 1.0), rec("a", 2.0)}, {rec(), list()}, {1, 1}, {rec(), nil},
	}
	for _, p := range different {
		if Equal(p[0], p[1]) || Equal(p[1], p[0]) {
			t.Errorf("%v and %v are equal", p[0], p[1])
		}
	}
}

func TestCheckedConversions(t *testing.T) {
	for _, c := range []struct {
		v    Value
		want float64
	}{{21.5, 21.5}, {" 4.5 ", 4.5}, {"-3", -3}, {"1e3", 1000}} {
		if n, err := Num(c.v); err != nil || n != c.want {
			t.Errorf("Num(%v) = %v, %v", c.v, n, err)
		}
	}
	// A number that is a string reads as the language's num() reads it.
	if n, _ := Num("4.5"); n != builtin.Num("4.5") {
		t.Error("Num and builtin.Num disagree")
	}
	_, err := Num("four")
	errContains(t, "Num(four)", err, `expected a number, got a string ("four")`)
	if !errors.Is(err, ErrNotNumber) {
		t.Error("Num of a string that is no number does not wrap ErrNotNumber")
	}
	for _, v := range []Value{"NaN", "Inf", "", nil, true, rec(), list()} {
		_, err := Num(v)
		errContains(t, fmt.Sprintf("Num(%#v)", v), err, "expected a number, got")
	}
	if s, err := Str("x"); err != nil || s != "x" {
		t.Error("Str")
	}
	_, err = Str(3.0)
	errContains(t, "Str(3)", err, "expected a string, got a number (3)")
	if b, err := Bool(true); err != nil || !b {
		t.Error("Bool")
	}
	_, err = Bool("true")
	errContains(t, "Bool(string)", err, `expected true or false, got a string ("true")`)
	if l, err := List(list(1.0)); err != nil || len(l) != 1 {
		t.Error("List")
	}
	_, err = List(nil)
	errContains(t, "List(nil)", err, "expected a list, got null")
	if r, err := Rec(rec("a", 1.0)); err != nil || r.Len() != 1 {
		t.Error("Rec")
	}
	_, err = Rec((*Record)(nil))
	errContains(t, "Rec(nil)", err, "expected a record, got null")
	_, err = Rec(42)
	errContains(t, "Rec(int)", err, "got an invalid value")
}

func TestSizeGrows(t *testing.T) {
	small, big := Size("a"), Size(strings.Repeat("a", 1000))
	if big-small != 999 {
		t.Errorf("a string of 1000 bytes is %d bytes more than one of 1", big-small)
	}
	r1 := Size(rec("a", 1.0))
	r2 := Size(rec("a", 1.0, "b", 1.0))
	if r1 <= Size(1.0) || r2 <= r1 {
		t.Errorf("record sizes %d, %d", r1, r2)
	}
	if Size(list(1.0, 2.0)) <= Size(list(1.0)) || Size(nil) <= 0 {
		t.Error("list sizes")
	}
}

// Size is close to what a decoded value really holds in memory.
func TestSizeEstimatesMemory(t *testing.T) {
	var b strings.Builder
	b.WriteString(`[`)
	for i := range 20000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"item":"item number %d","price":%d.5,"tags":["a","b"],"ok":true}`, i, i, i)
	}
	b.WriteString(`]`)
	data := []byte(b.String())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, err := DecodeJSON(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	size := Size(v)
	runtime.KeepAlive(v)
	t.Logf("%d bytes of JSON hold %d bytes; Size says %d", len(data), held, size)
	if ratio := float64(size) / float64(held); ratio < 0.7 || ratio > 2 {
		t.Errorf("Size %d is %.2f× the %d bytes held", size, ratio, held)
	}
}
