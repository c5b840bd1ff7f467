package value

import "testing"

func TestShapeCheck(t *testing.T) {
	num, str := &Shape{Kind: KindNumber}, &Shape{Kind: KindString}
	order := &Shape{Kind: KindRecord, Fields: []ShapeField{{"id", num}, {"item", str}}}
	orders := &Shape{Kind: KindList, Elem: order}
	prices := &Shape{Kind: KindRecord, Open: true, Elem: num}
	good := []Value{RecordOf("id", 1.0, "item", "kettle", "extra", true)}
	for _, c := range []struct {
		s    *Shape
		v    Value
		want string // "" when it fits
	}{
		{nil, RecordOf("any", nil), ""},
		{num, 2.0, ""},
		{num, "2", `expected a number, got a string ("2")`},
		{orders, good, ""},
		{orders, []Value{}, ""},
		{orders, RecordOf(), "expected a list, got a record"},
		{orders, []Value{RecordOf("id", 1.0)}, "at [0]: no field item in the record (its fields: id)"},
		{orders, []Value{RecordOf("id", "1", "item", "x")}, `at [0].id: expected a number, got a string ("1")`},
		{orders, []Value{nil}, "at [0]: expected a record, got null"},
		{prices, RecordOf("tea", 2.0, "milk", 1.0), ""},
		{prices, RecordOf("tea", 2.0, "milk", false), "at .milk: expected a number, got a bool (false)"},
		{&Shape{Kind: KindList}, []Value{1.0, "a"}, ""},
	} {
		err := c.s.Check(c.v)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("Check(%s) = %q, want %q", Text(c.v), got, c.want)
		}
	}
}

func TestRecordOfAndJoin(t *testing.T) {
	r := RecordOf("b", 1.0, "a", "x")
	if got := Text(r); got != `{"b":1,"a":"x"}` {
		t.Errorf("RecordOf: %s", got)
	}
	if got := Join([]Value{1.0, "two", true, nil, []Value{3.0}, r}, ", "); got != `1, two, true, , [3], {"b":1,"a":"x"}` {
		t.Errorf("Join: %s", got)
	}
	if Join(nil, ",") != "" {
		t.Error("Join of no elements")
	}
}
