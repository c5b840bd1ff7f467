package engine

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/botgen-dev/botgen/runtime/builtin"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// This file holds the checked operations generated code calls on values
// whose kind is known only when the bot runs. Each takes at, the place in
// the .bot file ("orders.bot:24:17"), and fails the body there (see Fail)
// rather than returning an error, so that compiled expressions stay
// expressions.

// AsNum returns v where the program needs a number.
func (t *Turn) AsNum(at string, v val.Value) float64 {
	f, ok := v.(float64)
	if !ok {
		t.Fail(at, kindError("a number", v))
	}
	return f
}

// AsStr returns v where the program needs a string.
func (t *Turn) AsStr(at string, v val.Value) string {
	s, err := val.Str(v)
	t.Check(at, err)
	return s
}

// AsBool returns v where the program needs a bool.
func (t *Turn) AsBool(at string, v val.Value) bool {
	b, err := val.Bool(v)
	t.Check(at, err)
	return b
}

// AsList returns v where the program needs a list: a loop's, a join's.
func (t *Turn) AsList(at string, v val.Value) []val.Value {
	l, err := val.List(v)
	t.Check(at, err)
	return l
}

// AsRecord returns v where the program needs a record: the query or the
// headers of an HTTP request.
func (t *Turn) AsRecord(at string, v val.Value) *val.Record {
	r, err := val.Rec(v)
	t.Check(at, err)
	return r
}

// AsShape returns v where the program needs a value of the shape s: a
// dynamic value assigned to a variable of records, say.
func (t *Turn) AsShape(at string, v val.Value, s *val.Shape) val.Value {
	t.Check(at, s.Check(v))
	return v
}

// Field is a.name: the field of a record or, on a dynamic value that
// turns out to be a list, the field of every element.
func (t *Turn) Field(at string, v val.Value, name string) val.Value {
	var x val.Value
	var err error
	if _, isList := v.([]val.Value); isList {
		x, err = val.Project(v, name)
	} else {
		x, err = val.Field(v, name)
	}
	t.Check(at, err)
	return x
}

// Project is list.name: the field of every element of a list.
func (t *Turn) Project(at string, v val.Value, name string) val.Value {
	x, err := val.Project(v, name)
	t.Check(at, err)
	return x
}

// Index is a[i]: the element i of a list when i is a number, the field i
// of a record when it is a string.
func (t *Turn) Index(at string, v, i val.Value) val.Value {
	var x val.Value
	var err error
	switch i := i.(type) {
	case float64:
		x, err = val.Index(v, i)
	case string:
		x, err = val.Field(v, i)
	default:
		err = kindError("an index (a number or a string)", i)
	}
	t.Check(at, err)
	return x
}

// Len is len(v) of a list, a record or a dynamic value.
func (t *Turn) Len(at string, v val.Value) float64 {
	n, err := val.Len(v)
	t.Check(at, err)
	return n
}

// NumOf is num(v) of a dynamic value: a number as it is, a string read as
// a number; anything else, a string that is not a number too, fails.
func (t *Turn) NumOf(at string, v val.Value) float64 {
	f, err := val.Num(v)
	t.Check(at, err)
	return f
}

// Join is join(list, sep) of a list or a dynamic value.
func (t *Turn) Join(at string, v val.Value, sep string) string {
	return val.Join(t.AsList(at, v), sep)
}

// FromGo is what the Go function fn returned, x, as a value of the bot.
func (t *Turn) FromGo(at, fn string, x any) val.Value {
	v, err := val.FromGo(x)
	if err != nil {
		t.Fail(at, fmt.Errorf("the result of %s: %w", fn, err))
	}
	return v
}

// TableOf is the reply of `reply table EXPR`: rows, a list of records.
func (t *Turn) TableOf(at string, rows val.Value) reply.Reply {
	r, err := reply.TableOf(rows)
	t.Check(at, err)
	return r
}

// OptionsOf is the reply of `reply options EXPR`: labels, a list of
// strings.
func (t *Turn) OptionsOf(at string, labels val.Value) reply.Reply {
	r, err := reply.OptionsOf(labels)
	t.Check(at, err)
	return r
}

// ChartOf is the reply of a chart whose x or y values are computed.
func (t *Turn) ChartOf(at, kind, title string, x val.Value, series ...reply.DataSeries) reply.Reply {
	r, err := reply.ChartOf(kind, title, x, series)
	t.Check(at, err)
	return r
}

// Integer is the Go integer types a Go function beside the bot may take.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// Whole converts x, a number of the bot, to the integer type T of a Go
// function's parameter, what (as "argument 1 of order"): a number that is
// not whole, or out of T's range, fails the body rather than being cut.
func Whole[T Integer](t *Turn, at, what string, x float64) T {
	var zero T
	bits := float64(unsafe.Sizeof(zero) * 8)
	lo, hi := 0.0, math.Exp2(bits) // hi excluded
	if signed := zero-1 < 0; signed {
		lo, hi = -math.Exp2(bits-1), math.Exp2(bits-1)
	}
	switch {
	case x != math.Trunc(x): // NaN too; an infinity is out of range
		t.Fail(at, fmt.Errorf("%s: %s is not a whole number (Go %T)", what, builtin.FormatNum(x), zero))
	case x < lo || x >= hi:
		t.Fail(at, fmt.Errorf("%s: %s does not fit in Go %T", what, builtin.FormatNum(x), zero))
	}
	return T(x)
}

// Float32 converts x to a Go function's float32 parameter, what: a number
// beyond float32's range fails the body.
func Float32(t *Turn, at, what string, x float64) float32 {
	if math.Abs(x) > math.MaxFloat32 {
		t.Fail(at, fmt.Errorf("%s: %s does not fit in Go float32", what, builtin.FormatNum(x)))
	}
	return float32(x)
}

// kindError says that v is not what the program needs.
func kindError(want string, v val.Value) error {
	return fmt.Errorf("expected %s, got %s", want, val.Describe(v))
}
