package value

import (
	"fmt"
	"strings"
)

// Shape is what a value must look like where the program knows its
// structure: a dynamic value (decoded JSON) assigned to a variable that
// holds records of known fields, say. A nil *Shape takes any value.
type Shape struct {
	// Kind is KindNumber, KindString, KindBool, KindRecord or KindList.
	Kind Kind
	// Fields are a record's fields, each of which it must have (it may
	// have others); unused when Open.
	Fields []ShapeField
	// Elem is the shape of a list's elements, or of every field of an
	// Open record; nil: any.
	Elem *Shape
	// Open is true for a record of any fields (a Go map).
	Open bool
}

// ShapeField is a field of a record Shape.
type ShapeField struct {
	Name  string
	Shape *Shape
}

// Check returns nil when v has the shape s, else an error that says where
// in v and what was expected.
func (s *Shape) Check(v Value) error {
	if s == nil {
		return nil
	}
	switch s.Kind {
	case KindNumber, KindString, KindBool:
		if k := KindOf(v); k != s.Kind {
			return fmt.Errorf("expected a %s, got %s", s.Kind, describe(v))
		}
	case KindRecord:
		r, ok := v.(*Record)
		if !ok || r == nil {
			return fmt.Errorf("expected a record, got %s", describe(v))
		}
		if s.Open {
			for i := range r.Len() {
				if err := s.Elem.Check(r.At(i)); err != nil {
					return at(err, fieldStep(r.Name(i)))
				}
			}
			return nil
		}
		for _, f := range s.Fields {
			x, ok := r.Get(f.Name)
			if !ok {
				return fmt.Errorf("no field %s in the record (its fields: %s)", quoteName(f.Name), fieldList(r))
			}
			if err := f.Shape.Check(x); err != nil {
				return at(err, fieldStep(f.Name))
			}
		}
	case KindList:
		l, ok := v.([]Value)
		if !ok {
			return fmt.Errorf("expected a list, got %s", describe(v))
		}
		for i, e := range l {
			if err := s.Elem.Check(e); err != nil {
				return at(err, indexStep(i))
			}
		}
	default:
		return fmt.Errorf("a shape of kind %s", s.Kind)
	}
	return nil
}

// RecordOf returns a record of the fields name, value, name, value...:
// what a record literal of the language builds. pairs alternate field
// names (strings) and values; a name that is not a string panics, as it is
// a bug of the code that calls it.
func RecordOf(pairs ...any) *Record {
	r := NewRecord(len(pairs) / 2)
	for i := 0; i+1 < len(pairs); i += 2 {
		r.Set(pairs[i].(string), pairs[i+1])
	}
	return r
}

// Join is join(list, sep): the elements of list written as interpolation
// writes them (Text), with sep between them.
func Join(list []Value, sep string) string {
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(Text(e))
	}
	return b.String()
}
