// Package value holds the run-time values of the bot language: what a Go
// function beside the bot returns, what an HTTP call decodes, what a
// variable holds when its type is only known when the bot runs.
//
// A Value is a Go interface value (type Value = any) holding one of:
//
//	nil        null
//	float64    number (the language's only number type)
//	string     string
//	bool       bool
//	*Record    record: fields by name, in order
//	[]Value    list
//
// The plain interface keeps the common case cheap and clear: a number or a
// string is the Go value itself, generated code reads it with a type
// switch, and no wrapper has to be unwrapped at every step. A nil *Record
// counts as null, a nil []Value as the empty list. Anything else in a
// Value (an int, a map) is not a value of the language: KindOf says
// KindInvalid and the operations refuse it.
//
// Values are immutable once built: a Record is filled with Set while it is
// made and never changed afterwards, so values are shared freely between
// variables, sessions and mocks, and a turn that rolls back keeps the old
// value by reference. Values are trees: nothing makes a cycle.
//
// Records keep their fields in order: a Go struct's field order, a JSON
// object's key order. That order is the order of the JSON the bot writes,
// of the columns of a table, of what interpolation shows.
//
// Interpolation (Text) shows a number as the language prints it, a string
// as it is, a record or a list as JSON, and null as nothing.
//
// The operations (Field, Index, Len, Project, Num...) return errors that
// say what went wrong in the bot's terms; the caller adds where in the
// .bot file, and the turn takes its error path.
package value

import (
	"iter"
	"strconv"
)

// Value is a value of the bot language; see the package doc for what it
// may hold.
type Value = any

// Kind is the type of a value at run time.
type Kind uint8

// The kinds of values. KindInvalid is a Go value that is not a value of
// the language.
const (
	KindInvalid Kind = iota
	KindNull
	KindNumber
	KindString
	KindBool
	KindRecord
	KindList
)

// String is the kind's name as the language's messages say it.
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindNumber:
		return "number"
	case KindString:
		return "string"
	case KindBool:
		return "bool"
	case KindRecord:
		return "record"
	case KindList:
		return "list"
	}
	return "invalid value"
}

// KindOf returns the kind of v.
func KindOf(v Value) Kind {
	switch x := v.(type) {
	case nil:
		return KindNull
	case float64:
		return KindNumber
	case string:
		return KindString
	case bool:
		return KindBool
	case *Record:
		if x == nil {
			return KindNull
		}
		return KindRecord
	case []Value:
		return KindList
	}
	return KindInvalid
}

// Record is an ordered set of named fields. Build one with NewRecord and
// Set; once it is a value, it is not changed. The methods accept a nil
// *Record as the empty record.
type Record struct {
	fields []field
	// index finds a field of a large record by name; small records are
	// searched in order, which is faster than hashing.
	index map[string]int
}

type field struct {
	name string
	val  Value
}

// indexFrom is the number of fields from which a record keeps an index.
const indexFrom = 12

// NewRecord returns an empty record with room for n fields.
func NewRecord(n int) *Record {
	return &Record{fields: make([]field, 0, max(n, 0))}
}

// Set sets the field name to v. A new name goes after the others; a name
// already there keeps its place and takes the new value (as a JSON
// object with a repeated key reads in JavaScript).
func (r *Record) Set(name string, v Value) {
	if i := r.find(name); i >= 0 {
		r.fields[i].val = v
		return
	}
	r.fields = append(r.fields, field{name, v})
	switch n := len(r.fields); {
	case n == indexFrom:
		r.index = make(map[string]int, 2*n)
		for i, f := range r.fields {
			r.index[f.name] = i
		}
	case n > indexFrom:
		r.index[name] = n - 1
	}
}

func (r *Record) find(name string) int {
	if r == nil {
		return -1
	}
	if r.index != nil {
		if i, ok := r.index[name]; ok {
			return i
		}
		return -1
	}
	for i := range r.fields {
		if r.fields[i].name == name {
			return i
		}
	}
	return -1
}

// Get returns the field name and whether the record has it.
func (r *Record) Get(name string) (Value, bool) {
	if i := r.find(name); i >= 0 {
		return r.fields[i].val, true
	}
	return nil, false
}

// Len returns the number of fields.
func (r *Record) Len() int {
	if r == nil {
		return 0
	}
	return len(r.fields)
}

// Name returns the name of the i-th field (0 ≤ i < Len()).
func (r *Record) Name(i int) string { return r.fields[i].name }

// At returns the value of the i-th field (0 ≤ i < Len()).
func (r *Record) At(i int) Value { return r.fields[i].val }

// All yields the fields in order.
func (r *Record) All() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		for i := range r.Len() {
			if !yield(r.fields[i].name, r.fields[i].val) {
				return
			}
		}
	}
}

// Names returns the names of the fields in order.
func (r *Record) Names() []string {
	out := make([]string, r.Len())
	for i := range out {
		out[i] = r.fields[i].name
	}
	return out
}

// String writes the record as JSON, as interpolation shows it.
func (r *Record) String() string { return string(AppendJSON(nil, r)) }

// MarshalJSON writes the record as AppendJSON does, its fields in order:
// encoding/json would see no fields (they are unexported), and a record a
// session keeps must reach its store whole.
func (r *Record) MarshalJSON() ([]byte, error) { return AppendJSON(nil, r), nil }

// Describe says what a value is, briefly, for error messages: `a number
// (21.5)`, `a string ("abc")`, `null`, `a record`, `a list of 3`.
func Describe(v Value) string { return describe(v) }

func describe(v Value) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case float64:
		return "a number (" + Text(x) + ")"
	case string:
		if len(x) > 40 {
			x = truncate(x, 40) + "…"
		}
		return "a string (" + strconv.Quote(x) + ")"
	case bool:
		return "a bool (" + strconv.FormatBool(x) + ")"
	case *Record:
		if x == nil {
			return "null"
		}
		return "a record"
	case []Value:
		return "a list of " + strconv.Itoa(len(x))
	}
	return "an invalid value"
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}
