package value

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/botgen-dev/botgen/runtime/builtin"
)

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// ToGo converts v into a Go value of type t, to pass it to a Go function:
//
//   - string, bool: the same kind of value;
//   - every int and uint kind: a whole number that fits the type (3.5 and
//     300 for a uint8 are errors); float32, float64: a number;
//   - a struct: a record, its fields matched to the struct's by their
//     json names (exactly, else ignoring case, as encoding/json does);
//     fields the struct does not have are ignored, fields the record does
//     not have stay zero;
//   - a map with string or integer keys: a record;
//   - a slice: a list, or a base64 string for a []byte; an array: a list
//     of its length;
//   - a pointer: null (nil) or what it points to; a slice or a map: null
//     is nil too;
//   - an empty interface (and so []any): what encoding/json would decode
//     (float64, string, bool, nil, []any, map[string]any), since a Go
//     function taking any expects plain Go values; a *Record is itself;
//   - a json.Unmarshaler or encoding.TextUnmarshaler (time.Time is one):
//     v as JSON, or v's text.
//
// An error says what was expected and what came, and where in v.
func ToGo(v Value, t reflect.Type) (reflect.Value, error) {
	dst := reflect.New(t).Elem()
	if err := assign(dst, v, 0); err != nil {
		return reflect.Value{}, err
	}
	return dst, nil
}

// mismatch is the error of a value of the wrong kind for t.
func mismatch(want string, t reflect.Type, v Value) error {
	return fmt.Errorf("expected %s (%s), got %s", want, t, describe(v))
}

func assign(dst reflect.Value, v Value, depth int) error {
	t := dst.Type()
	if depth > MaxGoDepth {
		return fmt.Errorf("%s nests deeper than %d levels", t, MaxGoDepth)
	}
	switch t {
	case recordPtrType:
		r, ok := v.(*Record)
		if !ok && v != nil {
			return mismatch("a record", t, v)
		}
		dst.Set(reflect.ValueOf(r))
		return nil
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		p := reflect.PointerTo(t)
		if p.Implements(unmarshalerType) {
			err := dst.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(AppendJSON(nil, v))
			if err != nil {
				return fmt.Errorf("%s: %w", t, err)
			}
			return nil
		}
		if p.Implements(textUnmarshalerType) {
			s, ok := v.(string)
			if !ok {
				return mismatch("a string", t, v)
			}
			if err := dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
				return fmt.Errorf("%s: %w", t, err)
			}
			return nil
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		if KindOf(v) == KindNull {
			return nil // dst is nil already
		}
		p := reflect.New(t.Elem())
		if err := assign(p.Elem(), v, depth+1); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return fmt.Errorf("cannot pass %s as %s: only an empty interface takes any value", describe(v), t)
		}
		if p := plain(v); p != nil {
			dst.Set(reflect.ValueOf(p))
		}
		return nil
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return mismatch("a string", t, v)
		}
		dst.SetString(s)
		return nil
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return mismatch("a bool", t, v)
		}
		dst.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f, err := whole(v, t)
		if err != nil {
			return err
		}
		if f < -(1<<63) || f >= 1<<63 || dst.OverflowInt(int64(f)) {
			return fmt.Errorf("%s does not fit in %s", builtin.FormatNum(f), t)
		}
		dst.SetInt(int64(f))
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		f, err := whole(v, t)
		if err != nil {
			return err
		}
		if f < 0 || f >= 1<<64 || dst.OverflowUint(uint64(f)) {
			return fmt.Errorf("%s does not fit in %s", builtin.FormatNum(f), t)
		}
		dst.SetUint(uint64(f))
		return nil
	case reflect.Float32, reflect.Float64:
		f, ok := v.(float64)
		if !ok {
			return mismatch("a number", t, v)
		}
		if t.Kind() == reflect.Float32 && math.Abs(f) > math.MaxFloat32 {
			return fmt.Errorf("%s does not fit in %s", builtin.FormatNum(f), t)
		}
		dst.SetFloat(f)
		return nil
	case reflect.Struct:
		r, ok := v.(*Record)
		if !ok || r == nil {
			return mismatch("a record", t, v)
		}
		return assignStruct(dst, r, depth)
	case reflect.Map:
		return assignMap(dst, v, depth)
	case reflect.Slice:
		if KindOf(v) == KindNull {
			return nil
		}
		if s, ok := v.(string); ok && t.Elem().Kind() == reflect.Uint8 && !byteMarshals(t.Elem()) {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return fmt.Errorf("expected base64 text (%s): %w", t, err)
			}
			dst.SetBytes(b)
			return nil
		}
		l, ok := v.([]Value)
		if !ok {
			return mismatch("a list", t, v)
		}
		s := reflect.MakeSlice(t, len(l), len(l))
		for i, e := range l {
			if err := assign(s.Index(i), e, depth+1); err != nil {
				return at(err, indexStep(i))
			}
		}
		dst.Set(s)
		return nil
	case reflect.Array:
		l, ok := v.([]Value)
		if !ok {
			return mismatch("a list", t, v)
		}
		if len(l) != t.Len() {
			return fmt.Errorf("expected a list of %d (%s), got a list of %d", t.Len(), t, len(l))
		}
		for i, e := range l {
			if err := assign(dst.Index(i), e, depth+1); err != nil {
				return at(err, indexStep(i))
			}
		}
		return nil
	}
	return fmt.Errorf("a value of the bot cannot be passed as %s", t)
}

// whole returns v when it is a whole number, for an integer type t.
func whole(v Value, t reflect.Type) (float64, error) {
	f, ok := v.(float64)
	if !ok {
		return 0, mismatch("a whole number", t, v)
	}
	if f != math.Trunc(f) {
		return 0, fmt.Errorf("%s is not a whole number (%s)", builtin.FormatNum(f), t)
	}
	return f, nil
}

func assignStruct(dst reflect.Value, r *Record, depth int) error {
	fields := typeFields(dst.Type())
	for name, x := range r.All() {
		f := structField(fields, name)
		if f == nil {
			continue
		}
		fv := dst
		for k, j := range f.index {
			if k > 0 && fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					if !fv.CanSet() {
						return at(fmt.Errorf("cannot set a field of the unexported embedded %s", fv.Type()), fieldStep(name))
					}
					fv.Set(reflect.New(fv.Type().Elem()))
				}
				fv = fv.Elem()
			}
			fv = fv.Field(j)
		}
		if err := assign(fv, x, depth+1); err != nil {
			return at(err, fieldStep(name))
		}
	}
	return nil
}

// structField finds the field named name: exactly, else ignoring case.
func structField(fields []goField, name string) *goField {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].name, name) {
			return &fields[i]
		}
	}
	return nil
}

func assignMap(dst reflect.Value, v Value, depth int) error {
	t := dst.Type()
	if KindOf(v) == KindNull {
		return nil
	}
	r, ok := v.(*Record)
	if !ok {
		return mismatch("a record", t, v)
	}
	kt := t.Key()
	m := reflect.MakeMapWithSize(t, r.Len())
	for name, x := range r.All() {
		k := reflect.New(kt).Elem()
		switch kt.Kind() {
		case reflect.String:
			k.SetString(name)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n, err := strconv.ParseInt(name, 10, 64)
			if err != nil || k.OverflowInt(n) {
				return fmt.Errorf("field name %q is not a key of %s", name, t)
			}
			k.SetInt(n)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			n, err := strconv.ParseUint(name, 10, 64)
			if err != nil || k.OverflowUint(n) {
				return fmt.Errorf("field name %q is not a key of %s", name, t)
			}
			k.SetUint(n)
		default:
			return fmt.Errorf("a record cannot be passed as %s: its keys are not strings or integers", t)
		}
		e := reflect.New(t.Elem()).Elem()
		if err := assign(e, x, depth+1); err != nil {
			return at(err, fieldStep(name))
		}
		m.SetMapIndex(k, e)
	}
	dst.Set(m)
	return nil
}
