package ir

import "testing"

func TestShapes(t *testing.T) {
	num, str := Shape{Type: Number}, Shape{Type: String}
	rec := Shape{Type: Record, Fields: []Field{{"id", num}, {"item", str}}}
	list := Shape{Type: List, Elem: &rec}
	if got := list.String(); got != "list of {id: number, item: string}" {
		t.Errorf("String: %s", got)
	}
	if !list.Equal(Shape{Type: List, Elem: &Shape{Type: Record, Fields: []Field{{"id", num}, {"item", str}}}}) {
		t.Error("equal lists differ")
	}
	if rec.Equal(Shape{Type: Record, Fields: []Field{{"item", str}, {"id", num}}}) {
		t.Error("records of fields in another order are equal")
	}
	if !(Shape{Type: List}).Equal(Shape{Type: List, Elem: &Shape{Type: Dynamic}}) {
		t.Error("a list of unknown elements is not a list of dynamic values")
	}
	for _, tc := range []struct {
		e    Expr
		want string
	}{
		{&Lit{Value: Value{Type: Number}}, "number"},
		{&Ref{Name: "n", Type: Bool}, "bool"},
		{&Ref{Name: "items", Type: List, Shape: list}, "list of {id: number, item: string}"},
		{&Call{Func: "split", Type: List, Shape: Shape{Type: List, Elem: &str}}, "list of string"},
		{&Dot{Name: "item", Project: true, Shape: Shape{Type: List, Elem: &str}}, "list of string"},
		{&HTTPCall{Method: MethodGet}, "dynamic"},
		{nil, "invalid"},
	} {
		if got := ShapeOf(tc.e).String(); got != tc.want {
			t.Errorf("ShapeOf(%#v) = %s, want %s", tc.e, got, tc.want)
		}
	}
}
