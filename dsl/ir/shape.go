package ir

import "strings"

// Shape is the static type of a value with its structure: for a record its
// fields, for a list its element. A Shape of Type Number, String or Bool
// has neither; a Shape of Type Dynamic is known only when the program runs
// (JSON from an HTTP call) and is checked where it is used.
type Shape struct {
	Type   Type
	Fields []Field // Record: in declaration order (a Go struct's fields by their json names)
	Elem   *Shape  // List: the type of every element
	// Open is true for a record whose keys are not known (a Go map with
	// string keys): every field reads as Elem.
	Open bool
}

// Field is one field of a record shape.
type Field struct {
	Name  string
	Shape Shape
}

// The types beyond number, string and bool.
const (
	Record  Type = iota + Bool + 1 // a record: fields by name
	List                           // a list of values of one shape
	Dynamic                        // decoded JSON: checked when used
)

// Field returns the shape of the field name of a record shape, and false
// when the record has no such field. An open record has every field, of
// its element's shape; a Dynamic value has every field, Dynamic.
func (s Shape) Field(name string) (Shape, bool) {
	switch {
	case s.Type == Dynamic:
		return Shape{Type: Dynamic}, true
	case s.Type != Record:
		return Shape{}, false
	case s.Open && s.Elem != nil:
		return *s.Elem, true
	}
	for _, f := range s.Fields {
		if f.Name == name {
			return f.Shape, true
		}
	}
	return Shape{}, false
}

// ElemShape returns the shape of a list's elements, or of an open
// record's fields: Dynamic when not known.
func (s Shape) ElemShape() Shape {
	if s.Elem == nil {
		return Shape{Type: Dynamic}
	}
	return *s.Elem
}

// Equal reports whether s and t are the same shape: the same type, the
// same fields in the same order, the same element.
func (s Shape) Equal(t Shape) bool {
	if s.Type != t.Type || s.Open != t.Open || len(s.Fields) != len(t.Fields) {
		return false
	}
	for i, f := range s.Fields {
		if f.Name != t.Fields[i].Name || !f.Shape.Equal(t.Fields[i].Shape) {
			return false
		}
	}
	if (s.Type == List || s.Open) && !s.ElemShape().Equal(t.ElemShape()) {
		return false
	}
	return true
}

// String writes the shape as the language's diagnostics name it:
// number, list of {id: number, item: string}, record of string, dynamic.
func (s Shape) String() string {
	var b strings.Builder
	s.write(&b)
	return b.String()
}

func (s Shape) write(b *strings.Builder) {
	switch s.Type {
	case Record:
		if s.Open {
			b.WriteString("record of ")
			if s.Elem != nil {
				s.Elem.write(b)
			} else {
				b.WriteString("dynamic")
			}
			return
		}
		b.WriteByte('{')
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name + ": ")
			f.Shape.write(b)
		}
		b.WriteByte('}')
	case List:
		b.WriteString("list of ")
		if s.Elem != nil {
			s.Elem.write(b)
		} else {
			b.WriteString("dynamic")
		}
	default:
		b.WriteString(s.Type.String())
	}
}
