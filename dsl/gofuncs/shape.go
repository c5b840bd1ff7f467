package gofuncs

import (
	"go/types"
	"strings"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// A shape is cut where a recursive type recurs, and past maxDepth levels
// or maxNodes shapes: a type need not recur to make a shape too large to
// keep (a struct of 8 fields of a struct of 8 fields ... eight levels down
// is 16 million shapes, and API types nest so). What lies past the cut is
// Dynamic, checked when the bot runs, depth first: the first fields keep
// their shapes.
const (
	maxDepth = 16
	maxNodes = 4096
)

// shaper finds the shape of a Go value as encoding/json writes it, which
// is how a bot sees what a Go function returns.
type shaper struct {
	d     describer
	stack map[*types.Named]bool // the named types being expanded
	depth int
	nodes int // the shapes made so far
}

func newShaper(d describer) *shaper {
	return &shaper{d: d, stack: map[*types.Named]bool{}}
}

// shape returns the shape of the values of type t, or why a bot cannot use
// them: encoding/json cannot write them, or writes something no value of
// the language stands for.
func (s *shaper) shape(t types.Type) (ir.Shape, *shapeError) {
	t = types.Unalias(t)
	if s.depth >= maxDepth || s.nodes >= maxNodes {
		return ir.Shape{Type: ir.Dynamic}, nil
	}
	s.nodes++
	if named, ok := t.(*types.Named); ok {
		if s.stack[named] {
			// A recursive type: what lies below is known when the
			// bot runs.
			return ir.Shape{Type: ir.Dynamic}, nil
		}
		s.stack[named] = true
		defer delete(s.stack, named)
	}
	s.depth++
	defer func() { s.depth-- }()
	// A type that encodes itself: encoding/json writes what its method
	// says, known only when the bot runs, but for time.Time, a string, and
	// a TextMarshaler, a string. A method of the pointer alone is called
	// only on some values: the others are written by their structure.
	if isNamed(t, "time", "Time") {
		return ir.Shape{Type: ir.String}, nil
	}
	if j, _ := marshalMethod(t, "MarshalJSON"); j {
		return ir.Shape{Type: ir.Dynamic}, nil
	}
	if txt, ptrOnly := marshalMethod(t, "MarshalText"); txt && ptrOnly {
		return ir.Shape{Type: ir.Dynamic}, nil
	} else if txt {
		return ir.Shape{Type: ir.String}, nil
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		info := u.Info()
		switch {
		case info&types.IsBoolean != 0:
			return ir.Shape{Type: ir.Bool}, nil
		case info&types.IsString != 0:
			return ir.Shape{Type: ir.String}, nil
		case info&(types.IsInteger|types.IsFloat) != 0:
			return ir.Shape{Type: ir.Number}, nil
		}
	case *types.Pointer:
		return s.shape(u.Elem())
	case *types.Interface:
		return ir.Shape{Type: ir.Dynamic}, nil
	case *types.Slice:
		if isByte(u.Elem()) {
			return ir.Shape{Type: ir.String}, nil // base64, as encoding/json writes a []byte
		}
		return s.list(u.Elem())
	case *types.Array:
		return s.list(u.Elem())
	case *types.Map:
		if !jsonKey(u.Key()) {
			return ir.Shape{}, &shapeError{what: "a map with " + s.d.typeString(u.Key()) + " keys", hint: "use string or integer keys"}
		}
		elem, err := s.shape(u.Elem())
		if err != nil {
			return ir.Shape{}, err
		}
		return ir.Shape{Type: ir.Record, Open: true, Elem: &elem}, nil
	case *types.Struct:
		return s.record(t)
	}
	return ir.Shape{}, &shapeError{what: article(s.d.typeString(t))}
}

func (s *shaper) list(elem types.Type) (ir.Shape, *shapeError) {
	e, err := s.shape(elem)
	if err != nil {
		return ir.Shape{}, err
	}
	return ir.Shape{Type: ir.List, Elem: &e}, nil
}

// record returns the shape of the struct type t: its fields as
// encoding/json writes them.
func (s *shaper) record(t types.Type) (ir.Shape, *shapeError) {
	r := ir.Shape{Type: ir.Record}
	for _, f := range jsonFields(t) {
		var fs ir.Shape
		var err *shapeError
		if f.quoted {
			fs = ir.Shape{Type: ir.String} // `json:",string"`
		} else {
			fs, err = s.shape(f.typ)
		}
		if err != nil {
			if err.field == "" {
				err.field = s.d.typeString(f.owner) + "." + f.goName
			}
			return ir.Shape{}, err
		}
		r.Fields = append(r.Fields, ir.Field{Name: f.name, Shape: fs})
	}
	return r, nil
}

// shapeError tells why a bot cannot use a value.
type shapeError struct {
	what  string // the value: "a chan int", "a map with bool keys"
	field string // the struct field that holds it: "Order.Ch"; "" for none
	hint  string // how to change the Go code; "" for the default
}

func (e *shapeError) message() string {
	var b strings.Builder
	b.WriteString("a bot cannot use " + e.what)
	if e.field != "" {
		b.WriteString(" (field " + e.field + ")")
	}
	var hints []string
	if e.hint != "" {
		hints = append(hints, e.hint)
	}
	if e.field != "" {
		hints = append(hints, "tag the field `json:\"-\"` to leave it out")
	}
	if len(hints) > 0 {
		b.WriteString("; " + strings.Join(hints, ", or "))
	}
	return b.String()
}

// marshalMethod reports whether a value of type t has the method name of
// json.Marshaler or encoding.TextMarshaler, func() ([]byte, error), and
// whether only a pointer to it has it: encoding/json calls such a method
// only on a value it can take the address of (in a slice, say, but not a
// function's result), and writes the others by their structure.
func marshalMethod(t types.Type, name string) (has, ptrOnly bool) {
	if types.IsInterface(t) {
		return false, false
	}
	if isMarshalMethod(types.LookupFieldOrMethod(t, false, nil, name)) {
		return true, false
	}
	return isMarshalMethod(types.LookupFieldOrMethod(t, true, nil, name)), true
}

func isMarshalMethod(obj types.Object, _ []int, _ bool) bool {
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Signature()
	if sig.Params().Len() != 0 || sig.Results().Len() != 2 || !isError(sig.Results().At(1).Type()) {
		return false
	}
	sl, ok := sig.Results().At(0).Type().Underlying().(*types.Slice)
	return ok && isBasic(sl.Elem(), types.Uint8)
}

func isBasic(t types.Type, k types.BasicKind) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == k
}

// isByte reports whether t is a byte for encoding/json: an 8-bit unsigned
// integer that does not encode itself.
func isByte(t types.Type) bool {
	if !isBasic(t, types.Uint8) {
		return false
	}
	j, _ := marshalMethod(t, "MarshalJSON")
	txt, _ := marshalMethod(t, "MarshalText")
	return !j && !txt
}

// jsonKey reports whether encoding/json writes a map with keys of type t:
// strings, integers, and keys that encode themselves as text.
func jsonKey(t types.Type) bool {
	if txt, ptrOnly := marshalMethod(t, "MarshalText"); txt && !ptrOnly {
		return true
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&(types.IsString|types.IsInteger) != 0
}

// article puts "a" or "an" before a type's name, as it sounds.
func article(name string) string {
	if strings.HasPrefix(name, "uint") {
		return "a " + name
	}
	if name != "" && strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}
