package value

import (
	"reflect"
	"strings"
	"unicode"
)

// JSONTag is a struct field's `json` tag as encoding/json reads it: the
// name it gives the field ("" for the Go name), whether it leaves the field
// out ("-"), and its options.
type JSONTag struct {
	Name      string
	Skip      bool
	OmitEmpty bool
	OmitZero  bool
	String    bool // ",string": a number or bool written as a JSON string
}

// ReadJSONTag reads the json key of a struct tag. Run-time conversions
// (FromGo) and the compiler's typing of Go results (dsl/gofuncs) both read
// tags through it, so that both follow one rule.
func ReadJSONTag(tag reflect.StructTag) JSONTag {
	s := tag.Get("json")
	if s == "-" {
		return JSONTag{Skip: true}
	}
	name, opts, _ := strings.Cut(s, ",")
	if !validTagName(name) {
		name = ""
	}
	return JSONTag{Name: name, OmitEmpty: hasOption(opts, "omitempty"), OmitZero: hasOption(opts, "omitzero"), String: hasOption(opts, "string")}
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// validTagName is encoding/json's rule for a json tag's name.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
