package value

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxGoDepth is the deepest nesting FromGo follows: a Go value deeper than
// this is most likely cyclic (a pointer back to itself), and is an error
// rather than a hang.
const MaxGoDepth = 200

// maxExact is the largest integer a float64 holds exactly with all the
// integers below it: 2^53.
const maxExact = 1 << 53

var (
	recordType        = reflect.TypeFor[Record]()
	recordPtrType     = reflect.TypeFor[*Record]()
	timeType          = reflect.TypeFor[time.Time]()
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// FromGo converts what a Go function returns into a Value, as
// encoding/json would write it as JSON:
//
//   - a struct is a record of its exported fields in order, named by their
//     json tags (`json:"-"` leaves a field out, omitempty and omitzero
//     leave out empty and zero values, embedded structs' fields are
//     promoted by encoding/json's rules); the string option is not
//     followed: a number stays a number;
//   - a map with string (or integer, or encoding.TextMarshaler) keys is a
//     record, its keys sorted;
//   - a slice or an array is a list, and a []byte a base64 string;
//   - a nil pointer or interface is null, others are what they point to;
//   - every integer and float kind is a number; an integer beyond ±2^53
//     is an error, as a float64 would not hold it exactly, and so are NaN
//     and the infinities;
//   - a time.Time is its RFC 3339 text; a json.Marshaler or an
//     encoding.TextMarshaler is what its output says;
//   - a Value (a *Record, a []Value) is itself;
//   - a string that is not valid UTF-8 has each bad byte replaced by
//     U+FFFD, as encoding/json writes it.
//
// Where it differs from encoding/json: a nil slice is the empty list and
// a nil map the empty record, not null, since the language types them as
// a list and a record. Channels, functions and complex numbers are errors
// naming their Go type and where they are in v; so is nesting deeper than
// MaxGoDepth.
func FromGo(v any) (Value, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case float64:
		return fromFloat(x, "float64")
	case string:
		return validUTF8(x), nil
	case bool:
		return x, nil
	case int:
		return fromInt(int64(x), "int")
	}
	c := goConv{}
	return c.convert(reflect.ValueOf(v), 0)
}

// goConv converts one Go value; it keeps the fields of the struct types
// it meets, so that a list of structs works them out once.
type goConv struct {
	fields map[reflect.Type][]goField
}

// pathError is a conversion error and where it happened, built as the
// error returns: the success path costs nothing.
type pathError struct {
	path []string // innermost first
	err  error
}

func (e *pathError) Error() string {
	if len(e.path) == 0 {
		return e.err.Error()
	}
	var b strings.Builder
	b.WriteString("at ")
	const most = 12
	for i := len(e.path) - 1; i >= 0; i-- {
		if len(e.path)-1-i == most {
			b.WriteString("…")
			break
		}
		b.WriteString(e.path[i])
	}
	b.WriteString(": ")
	b.WriteString(e.err.Error())
	return b.String()
}

func (e *pathError) Unwrap() error { return e.err }

// at adds a step to the path of err.
func at(err error, step string) error {
	if pe, ok := err.(*pathError); ok {
		pe.path = append(pe.path, step)
		return pe
	}
	return &pathError{path: []string{step}, err: err}
}

func fieldStep(name string) string {
	if quoteName(name) == name {
		return "." + name
	}
	return "[" + strconv.Quote(name) + "]"
}

func indexStep(i int) string { return "[" + strconv.Itoa(i) + "]" }

// validUTF8 is s with each byte that is not UTF-8 replaced by U+FFFD, as
// encoding/json writes it and as DecodeJSON reads it: a string of the
// language is always text.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for _, r := range s {
		b = utf8.AppendRune(b, r) // each invalid byte reads as U+FFFD
	}
	return string(b)
}

func fromInt(x int64, typ string) (Value, error) {
	if x > maxExact || x < -maxExact {
		return nil, fmt.Errorf("%d (%s) is beyond ±2^53: a number of the bot would not hold it exactly", x, typ)
	}
	return float64(x), nil
}

func fromFloat(x float64, typ string) (Value, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, fmt.Errorf("%v (%s) is not a number the bot can hold", x, typ)
	}
	return x, nil
}

func (c *goConv) convert(v reflect.Value, depth int) (Value, error) {
	if !v.IsValid() {
		return nil, nil
	}
	if depth > MaxGoDepth {
		return nil, fmt.Errorf("%s nests deeper than %d levels (is it cyclic?)", v.Type(), MaxGoDepth)
	}
	t := v.Type()
	switch t {
	case recordType:
		r := v.Interface().(Record)
		return &r, nil
	case recordPtrType:
		if r := v.Interface().(*Record); r != nil {
			return r, nil
		}
		return nil, nil
	case timeType:
		return v.Interface().(time.Time).Format(time.RFC3339Nano), nil
	}
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, nil
	}
	if m, ok := marshaler(v); ok {
		return c.marshaled(m, t)
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return c.convert(v.Elem(), depth+1)
	case reflect.Pointer:
		return c.convert(v.Elem(), depth+1)
	case reflect.String:
		return validUTF8(v.String()), nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fromInt(v.Int(), t.String())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := v.Uint(); u > maxExact {
			return nil, fmt.Errorf("%d (%s) is beyond 2^53: a number of the bot would not hold it exactly", u, t)
		}
		return float64(v.Uint()), nil
	case reflect.Float32:
		// float32(0.1) is 0.1 to the reader, as encoding/json writes it,
		// not 0.10000000149011612.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(v.Float(), 'g', -1, 32), 64)
		return fromFloat(f, t.String())
	case reflect.Float64:
		return fromFloat(v.Float(), t.String())
	case reflect.Struct:
		return c.structValue(v, depth)
	case reflect.Map:
		return c.mapValue(v, depth)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !byteMarshals(t.Elem()) {
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
		fallthrough
	case reflect.Array:
		out := make([]Value, v.Len())
		for i := range out {
			x, err := c.convert(v.Index(i), depth+1)
			if err != nil {
				return nil, at(err, indexStep(i))
			}
			out[i] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s cannot be a value of the bot: it has no JSON form", t)
}

// byteMarshals reports whether the byte type t marshals itself, in which
// case a slice of it is a list, as in encoding/json.
func byteMarshals(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(marshalerType) || p.Implements(textMarshalerType)
}

// marshaler returns v's MarshalJSON or MarshalText, the first it has, as
// encoding/json picks them (a pointer method only when v is addressable).
func marshaler(v reflect.Value) (any, bool) {
	t := v.Type()
	if t.Kind() == reflect.Interface {
		return nil, false
	}
	for _, it := range []reflect.Type{marshalerType, textMarshalerType} {
		switch {
		case t.Implements(it) && v.CanInterface():
			return v.Interface(), true
		case t.Kind() != reflect.Pointer && v.CanAddr() && reflect.PointerTo(t).Implements(it) && v.Addr().CanInterface():
			return v.Addr().Interface(), true
		}
	}
	return nil, false
}

// marshaled is the Value of what m writes.
func (c *goConv) marshaled(m any, t reflect.Type) (Value, error) {
	if jm, ok := m.(json.Marshaler); ok {
		data, err := jm.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("%s: MarshalJSON: %w", t, err)
		}
		v, err := DecodeJSON(data, Limits{})
		if err != nil {
			return nil, fmt.Errorf("%s: MarshalJSON wrote %w", t, err)
		}
		return v, nil
	}
	text, err := m.(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return nil, fmt.Errorf("%s: MarshalText: %w", t, err)
	}
	return validUTF8(string(text)), nil
}

func (c *goConv) structValue(v reflect.Value, depth int) (Value, error) {
	fields := c.structFields(v.Type())
	r := &Record{fields: make([]field, 0, len(fields))}
fields:
	for i := range fields {
		f := &fields[i]
		fv := v
		for _, j := range f.index {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue fields // a field of a nil embedded struct
				}
				fv = fv.Elem()
			}
			fv = fv.Field(j)
		}
		if f.omitEmpty && isEmpty(fv) || f.omitZero && isZero(fv) {
			continue
		}
		x, err := c.convert(fv, depth+1)
		if err != nil {
			return nil, at(err, fieldStep(f.name))
		}
		r.Set(f.name, x)
	}
	return r, nil
}

// isEmpty is encoding/json's omitempty rule.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZero is encoding/json's omitzero rule: an IsZero method if the type
// has one, the Go zero value otherwise.
func isZero(v reflect.Value) bool {
	type zeroer interface{ IsZero() bool }
	t := v.Type()
	zt := reflect.TypeFor[zeroer]()
	switch {
	case t.Implements(zt) && v.CanInterface():
		if t.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return v.Interface().(zeroer).IsZero()
	case t.Kind() != reflect.Pointer && v.CanAddr() && reflect.PointerTo(t).Implements(zt) && v.Addr().CanInterface():
		return v.Addr().Interface().(zeroer).IsZero()
	}
	return v.IsZero()
}

func (c *goConv) mapValue(v reflect.Value, depth int) (Value, error) {
	t := v.Type()
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k, err := mapKey(it.Key())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		entries = append(entries, entry{k, it.Value()})
	}
	// Sorted as they are, before invalid UTF-8 is replaced, as
	// encoding/json sorts them.
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	r := &Record{fields: make([]field, 0, len(entries))}
	for _, e := range entries {
		x, err := c.convert(e.val, depth+1)
		if err != nil {
			return nil, at(err, fieldStep(e.key))
		}
		r.Set(validUTF8(e.key), x)
	}
	return r, nil
}

// mapKey is the field name of a map key, as encoding/json writes it
// (before invalid UTF-8 is replaced).
func mapKey(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := tm.MarshalText()
		if err != nil {
			return "", fmt.Errorf("MarshalText of a key: %w", err)
		}
		return string(b), nil
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
	return "", fmt.Errorf("keys of type %s cannot be field names (only strings, integers and encoding.TextMarshaler)", k.Type())
}

// goField is a struct field as encoding/json sees it.
type goField struct {
	name      string
	tagged    bool  // the name comes from a json tag
	index     []int // path of field indexes through embedded structs
	omitEmpty bool
	omitZero  bool
}

func (c *goConv) structFields(t reflect.Type) []goField {
	if f, ok := c.fields[t]; ok {
		return f
	}
	f := typeFields(t)
	if c.fields == nil {
		c.fields = make(map[reflect.Type][]goField)
	}
	c.fields[t] = f
	return f
}

// typeFields lists the fields of the struct type t that encoding/json
// writes, in its order, following its rules: exported fields and the
// fields of embedded structs, breadth first; at one depth a tagged field
// wins over untagged ones, and two alike cancel out.
func typeFields(t reflect.Type) []goField {
	type todo struct {
		typ   reflect.Type
		index []int
	}
	var fields []goField
	next := []todo{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := range f.typ.NumField() {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					// An unexported embedded struct still promotes its
					// exported fields; other unexported embeddings do not.
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := ReadJSONTag(sf.Tag)
				if tag.Skip {
					continue
				}
				name := tag.Name
				index := append(slices.Clip(f.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					gf := goField{
						name:      name,
						tagged:    name != "",
						index:     index,
						omitEmpty: tag.OmitEmpty,
						omitZero:  tag.OmitZero,
					}
					if gf.name == "" {
						gf.name = sf.Name
					}
					fields = append(fields, gf)
					if count[f.typ] > 1 {
						// The struct is embedded twice at this depth: a
						// second copy makes its fields cancel out below.
						fields = append(fields, gf)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, todo{typ: ft, index: index})
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b goField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		// The first of a run of one name is its dominant field, unless
		// the second is as shallow and as tagged.
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b goField) int { return slices.Compare(a.index, b.index) })
	return out
}
