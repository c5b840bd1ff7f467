package value

import (
	"fmt"
	"strings"
	"testing"
)

// rec builds a record from name, value pairs.
func rec(kv ...Value) *Record {
	r := NewRecord(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		r.Set(kv[i].(string), kv[i+1])
	}
	return r
}

// list builds a list.
func list(vs ...Value) []Value { return append([]Value{}, vs...) }

// mustJSON decodes JSON the test knows to be valid.
func mustJSON(t testing.TB, s string) Value {
	t.Helper()
	v, err := DecodeJSON([]byte(s), Limits{})
	if err != nil {
		t.Fatalf("DecodeJSON(%s): %v", s, err)
	}
	return v
}

// errContains fails unless err is an error whose text holds every want.
func errContains(t testing.TB, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one containing %q", what, want)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error %q does not contain %q", what, err, w)
		}
	}
}

func TestRecordKeepsOrder(t *testing.T) {
	r := rec("b", 1.0, "a", 2.0, "c", 3.0)
	r.Set("a", "two") // a repeated name keeps its place
	if got := strings.Join(r.Names(), ","); got != "b,a,c" {
		t.Errorf("names %s", got)
	}
	if v, ok := r.Get("a"); !ok || v != "two" {
		t.Errorf("Get(a) = %v, %v", v, ok)
	}
	if _, ok := r.Get("z"); ok {
		t.Error("Get(z) found a field")
	}
	if r.Len() != 3 || r.Name(2) != "c" || r.At(0) != 1.0 {
		t.Error("Len, Name, At")
	}
	var names []string
	for name := range r.All() {
		names = append(names, name)
		if name == "a" {
			break // All stops when asked
		}
	}
	if strings.Join(names, ",") != "b,a" {
		t.Errorf("All yielded %v", names)
	}
	if r.String() != `{"b":1,"a":"two","c":3}` {
		t.Errorf("String %s", r.String())
	}
}

// A large record finds its fields through an index; the order stays.
func TestLargeRecord(t *testing.T) {
	r := NewRecord(0)
	const n = 100
	for i := n - 1; i >= 0; i-- {
		r.Set(fmt.Sprintf("f%d", i), float64(i))
	}
	r.Set("f50", "replaced")
	for i := range n {
		v, ok := r.Get(fmt.Sprintf("f%d", i))
		want := Value(float64(i))
		if i == 50 {
			want = "replaced"
		}
		if !ok || v != want {
			t.Fatalf("f%d = %v, %v", i, v, ok)
		}
		if r.Name(i) != fmt.Sprintf("f%d", n-1-i) {
			t.Fatalf("field %d is %s", i, r.Name(i))
		}
	}
	if r.Len() != n {
		t.Errorf("Len %d", r.Len())
	}
}

func TestNilRecord(t *testing.T) {
	var r *Record
	if r.Len() != 0 || len(r.Names()) != 0 {
		t.Error("a nil record is not empty")
	}
	if _, ok := r.Get("x"); ok {
		t.Error("a nil record has a field")
	}
	for range r.All() {
		t.Error("a nil record yields a field")
	}
	if KindOf(r) != KindNull || Text(r) != "" || string(AppendJSON(nil, r)) != "null" {
		t.Error("a nil *Record is not null")
	}
}

func TestKindOf(t *testing.T) {
	cases := []struct {
		v    Value
		want Kind
	}{
		{nil, KindNull}, {1.5, KindNumber}, {"s", KindString}, {true, KindBool},
		{rec(), KindRecord}, {list(), KindList}, {[]Value(nil), KindList},
		{1, KindInvalid}, {map[string]any{}, KindInvalid}, {[]string{}, KindInvalid},
	}
	for _, c := range cases {
		if got := KindOf(c.v); got != c.want {
			t.Errorf("KindOf(%#v) = %v, want %v", c.v, got, c.want)
		}
	}
	if KindRecord.String() != "record" || KindInvalid.String() != "invalid value" {
		t.Error("Kind.String")
	}
}
