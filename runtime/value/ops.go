package value

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/builtin"
)

// Text is how interpolation shows v: a number as builtin.FormatNum prints
// it, a string as it is, a bool as true or false, a record or a list as
// JSON. Null shows as nothing: a reply reads "Note: " rather than
// "Note: null", as a missing note would in a form; inside a record or a
// list it is JSON's null.
func Text(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return builtin.FormatNum(x)
	case string:
		return x
	case bool:
		return builtin.FormatBool(x)
	case *Record:
		if x == nil {
			return ""
		}
	}
	return string(AppendJSON(nil, v))
}

// Field returns the field name of the record v. A missing field, or a v
// that is not a record, is an error naming the field.
func Field(v Value, name string) (Value, error) {
	r, ok := v.(*Record)
	if !ok || r == nil {
		return nil, fmt.Errorf("no field %s: the value is %s, not a record", quoteName(name), describe(v))
	}
	if x, ok := r.Get(name); ok {
		return x, nil
	}
	return nil, fmt.Errorf("no field %s in the record (its fields: %s)", quoteName(name), fieldList(r))
}

// quoteName writes a field name as the language does (a.b) when it is a
// plain name, quoted otherwise.
func quoteName(name string) string {
	if name == "" {
		return `""`
	}
	for i, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return strconv.Quote(name)
		}
	}
	return name
}

// fieldList names a record's fields, at most a few of them.
func fieldList(r *Record) string {
	const most = 8
	if r.Len() == 0 {
		return "none"
	}
	var b strings.Builder
	for i, f := range r.fields {
		if i == most {
			fmt.Fprintf(&b, " and %d more", r.Len()-most)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteName(f.name))
	}
	return b.String()
}

// Index returns the element i of the list v, counting from 0. An index
// that is not a whole number or is out of range is an error naming the
// index and the list's length.
func Index(v Value, i float64) (Value, error) {
	list, ok := v.([]Value)
	if !ok {
		return nil, fmt.Errorf("cannot take element %s: the value is %s, not a list", builtin.FormatNum(i), describe(v))
	}
	if i != math.Trunc(i) {
		return nil, fmt.Errorf("list index %s is not a whole number", builtin.FormatNum(i))
	}
	if i < 0 || i >= float64(len(list)) {
		return nil, fmt.Errorf("list index %s is out of range: the list has %s", builtin.FormatNum(i), elements(len(list)))
	}
	return list[int(i)], nil
}

func elements(n int) string {
	switch n {
	case 0:
		return "no elements"
	case 1:
		return "1 element"
	}
	return strconv.Itoa(n) + " elements"
}

// Len is len(v): the elements of a list, the fields of a record, the
// characters (not bytes) of a string.
func Len(v Value) (float64, error) {
	switch x := v.(type) {
	case []Value:
		return float64(len(x)), nil
	case string:
		return float64(utf8.RuneCountInString(x)), nil
	case *Record:
		if x != nil {
			return float64(x.Len()), nil
		}
	}
	return 0, fmt.Errorf("len takes a list, a record or a string, not %s", describe(v))
}

// Project returns the list of the field name of every element of the list
// v (items.item). An element that is not a record or has no such field
// is an error naming the element.
func Project(v Value, name string) ([]Value, error) {
	list, ok := v.([]Value)
	if !ok {
		return nil, fmt.Errorf("cannot take .%s of every element: the value is %s, not a list", quoteName(name), describe(v))
	}
	out := make([]Value, len(list))
	for i, e := range list {
		x, err := Field(e, name)
		if err != nil {
			return nil, fmt.Errorf("element %d of the list: %w", i, err)
		}
		out[i] = x
	}
	return out, nil
}

// Equal reports whether a and b are the same value: of the same kind (no
// conversions: 1 is not "1") and equal, records field by field whatever
// their order, lists element by element.
func Equal(a, b Value) bool {
	switch x := a.(type) {
	case nil:
		return KindOf(b) == KindNull
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case *Record:
		if x == nil {
			return KindOf(b) == KindNull
		}
		y, ok := b.(*Record)
		if !ok || y == nil || x.Len() != y.Len() {
			return false
		}
		for _, f := range x.fields {
			v, ok := y.Get(f.name)
			if !ok || !Equal(f.val, v) {
				return false
			}
		}
		return true
	case []Value:
		y, ok := b.([]Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// ErrNotNumber is wrapped by the error of Num for a string that does not
// read as a number.
var ErrNotNumber = errors.New("not a number")

// Num returns v as a number where the program needs one: a number as it
// is, a string that reads as one (as the language's num() reads it:
// trimmed, decimal). Where num("four") of a string the program knows is 0,
// a dynamic string that is not a number is an error: it means the service
// answered something else than the bot expects, and the error path says so.
func Num(v Value) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("expected a number, got %s: %w", describe(v), ErrNotNumber)
		}
		return f, nil
	}
	return 0, fmt.Errorf("expected a number, got %s", describe(v))
}

// Str returns v where the program needs a string: only a string is one
// (interpolation, Text, shows any value as text).
func Str(v Value) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("expected a string, got %s", describe(v))
}

// Bool returns v where the program needs a bool (a condition): only true
// and false are bools.
func Bool(v Value) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, fmt.Errorf("expected true or false, got %s", describe(v))
}

// List returns v where the program needs a list (for x in v).
func List(v Value) ([]Value, error) {
	if l, ok := v.([]Value); ok {
		return l, nil
	}
	return nil, fmt.Errorf("expected a list, got %s", describe(v))
}

// Rec returns v where the program needs a record.
func Rec(v Value) (*Record, error) {
	if r, ok := v.(*Record); ok && r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("expected a record, got %s", describe(v))
}

// The sizes Size counts: an interface value, a boxed float64, a string
// header, a slice header, a Record and one field of it, an index entry.
const (
	sizeIface  = 16
	sizeNumber = 8
	sizeString = 16
	sizeSlice  = 24
	sizeRecord = 32
	sizeField  = sizeString + sizeIface
	sizeIndex  = 48
)

// Size estimates the bytes v holds, for the memory limits of sessions: the
// value's own slot, and everything it refers to. Strings shared between
// values (interned keys) are counted each time, so it errs on the high
// side.
func Size(v Value) int64 {
	switch x := v.(type) {
	case float64:
		return sizeIface + sizeNumber
	case string:
		return sizeIface + sizeString + int64(len(x))
	case *Record:
		if x == nil {
			return sizeIface
		}
		n := int64(sizeIface + sizeRecord + cap(x.fields)*sizeField)
		if x.index != nil {
			n += int64(len(x.index)) * sizeIndex
		}
		for _, f := range x.fields {
			// The field's slot is in cap(x.fields)*sizeField.
			n += int64(len(f.name)) + Size(f.val) - sizeIface
		}
		return n
	case []Value:
		n := int64(sizeIface + sizeSlice + (cap(x)-len(x))*sizeIface)
		for _, e := range x {
			n += Size(e)
		}
		return n
	}
	return sizeIface
}
