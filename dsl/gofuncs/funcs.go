package gofuncs

import (
	"fmt"
	"go/types"
	"reflect"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// describer describes the functions of package main in the language's
// terms.
type describer struct {
	pkg *types.Package
}

// qualifier names the types of other packages by their package's name, as
// package main's own code does (for an import under its usual name).
func (d describer) qualifier(p *types.Package) string {
	if p == d.pkg {
		return ""
	}
	return p.Name()
}

func (d describer) typeString(t types.Type) string { return types.TypeString(t, d.qualifier) }

// function describes fn.
func (d describer) function(fn *types.Func, doc string, pos ir.Pos) Func {
	sig := fn.Signature()
	f := Func{Name: fn.Name(), Pos: pos, Doc: doc, Signature: types.ObjectString(fn, d.qualifier)}
	if sig.TypeParams().Len() > 0 {
		f.Reason = fmt.Sprintf("%s is generic: a bot cannot choose its type parameters", fn.Name())
	}
	params := sig.Params()
	for i := range params.Len() {
		v := params.At(i)
		if i == 0 && isContext(v.Type()) {
			f.Context = true
			continue
		}
		f.Params = append(f.Params, d.param(v, i+1, sig.Variadic() && i == params.Len()-1))
	}
	results := sig.Results()
	n := results.Len()
	if n > 0 && isError(results.At(n-1).Type()) {
		f.Error = true
		n--
	}
	switch {
	case n == 1:
		f.Result = d.result(results.At(0).Type())
	case n > 1:
		f.Result = nil
		f.Error = false
		if f.Reason == "" {
			f.Reason = fmt.Sprintf("%s returns %s: a bot calls a function that returns nothing, a value, an error, or a value and an error",
				fn.Name(), d.typeString(results))
		}
	}
	return f
}

// param describes the parameter v, the n-th of its function (counted from
// 1, as Go declares them).
func (d describer) param(v *types.Var, n int, variadic bool) Param {
	p := Param{Name: v.Name(), GoType: d.typeString(v.Type())}
	if p.Name == "_" {
		p.Name = ""
	}
	if variadic {
		p.GoType = "..." + d.typeString(v.Type().(*types.Slice).Elem())
	}
	what := p.GoType
	if p.Name != "" {
		what = p.Name + " " + what
	}
	fail := func(format string, args ...any) Param {
		p.Kind, p.Type = reflect.Invalid, ir.Invalid
		p.Reason = fmt.Sprintf("parameter %d (%s): ", n, what) + fmt.Sprintf(format, args...)
		return p
	}
	switch {
	case variadic:
		return fail("a bot cannot pass a variable number of arguments; declare a parameter for each")
	case isContext(v.Type()):
		return fail("a bot passes a context.Context only as the first parameter")
	}
	if named, ok := types.Unalias(v.Type()).(*types.Named); ok {
		if pkg := named.Obj().Pkg(); pkg != nil && pkg != d.pkg {
			p.Import = pkg.Path()
		}
	}
	b, ok := v.Type().Underlying().(*types.Basic)
	if ok {
		p.Kind, p.Type = basicKind(b.Kind())
	}
	if p.Type == ir.Invalid {
		return fail("a bot cannot pass %s; use string, bool or a number", article(p.GoType))
	}
	return p
}

// basicKind maps a Go basic type to the reflect kind a bot's value converts
// to and its type in the language. A uintptr, a complex number and an
// unsafe.Pointer have no value in the language.
func basicKind(k types.BasicKind) (reflect.Kind, ir.Type) {
	switch k {
	case types.String:
		return reflect.String, ir.String
	case types.Bool:
		return reflect.Bool, ir.Bool
	case types.Int:
		return reflect.Int, ir.Number
	case types.Int8:
		return reflect.Int8, ir.Number
	case types.Int16:
		return reflect.Int16, ir.Number
	case types.Int32:
		return reflect.Int32, ir.Number
	case types.Int64:
		return reflect.Int64, ir.Number
	case types.Uint:
		return reflect.Uint, ir.Number
	case types.Uint8:
		return reflect.Uint8, ir.Number
	case types.Uint16:
		return reflect.Uint16, ir.Number
	case types.Uint32:
		return reflect.Uint32, ir.Number
	case types.Uint64:
		return reflect.Uint64, ir.Number
	case types.Float32:
		return reflect.Float32, ir.Number
	case types.Float64:
		return reflect.Float64, ir.Number
	}
	return reflect.Invalid, ir.Invalid
}

// result describes the value a function returns besides an error.
func (d describer) result(t types.Type) *Result {
	r := &Result{GoType: d.typeString(t)}
	s, err := newShaper(d).shape(t)
	if err != nil {
		r.Reason = fmt.Sprintf("result (%s): %s", r.GoType, err.message())
		return r
	}
	r.Shape = s
	return r
}

// isContext reports whether t is context.Context.
func isContext(t types.Type) bool {
	return isNamed(t, "context", "Context")
}

// isError reports whether t is the predeclared error.
func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// isNamed reports whether t is the type called name of the package path.
func isNamed(t types.Type, path, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == name && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path
}
