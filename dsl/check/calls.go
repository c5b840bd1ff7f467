package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/gofuncs"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// accepts lists the types a parameter of a built-in takes; empty, any. A
// dynamic value goes to a parameter that lists Dynamic as it is (the
// function checks it at run time), and to one that takes a single type
// checked to be of that type.
type accepts []ir.Type

type builtinFunc struct {
	params  []accepts
	minArgs int
	result  ir.Shape
}

var (
	anyValue = accepts{}
	aNum     = accepts{ir.Number}
	aStr     = accepts{ir.String}
	num1     = []accepts{aNum}
	num2     = []accepts{aNum, aNum}
	str1     = []accepts{aStr}
	str2     = []accepts{aStr, aStr}

	numberResult = ir.Shape{Type: ir.Number}
	stringResult = ir.Shape{Type: ir.String}
	boolResult   = ir.Shape{Type: ir.Bool}
)

// builtins are the functions of the expression language. now() is the
// time of the turn, in ISO 8601 with the offset of nlp.timezone.
var builtins = map[string]builtinFunc{
	"round":       {num2, 1, numberResult},
	"random":      {num2, 2, numberResult},
	"floor":       {num1, 1, numberResult},
	"ceil":        {num1, 1, numberResult},
	"abs":         {num1, 1, numberResult},
	"min":         {num2, 2, numberResult},
	"max":         {num2, 2, numberResult},
	"len":         {[]accepts{{ir.String, ir.List, ir.Record, ir.Dynamic}}, 1, numberResult},
	"lower":       {str1, 1, stringResult},
	"upper":       {str1, 1, stringResult},
	"trim":        {str1, 1, stringResult},
	"str":         {[]accepts{anyValue}, 1, stringResult},
	"num":         {[]accepts{{ir.String, ir.Dynamic}}, 1, numberResult},
	"contains":    {str2, 2, boolResult},
	"now":         {nil, 0, stringResult},
	"today":       {nil, 0, stringResult},
	"weekday":     {str1, 1, stringResult},
	"days_until":  {str1, 1, numberResult},
	"replace":     {[]accepts{aStr, aStr, aStr}, 3, stringResult},
	"split":       {str2, 2, ir.Shape{Type: ir.List, Elem: &ir.Shape{Type: ir.String}}},
	"join":        {[]accepts{{ir.List, ir.Dynamic}, aStr}, 2, stringResult},
	"substr":      {[]accepts{aStr, aNum, aNum}, 3, stringResult},
	"starts_with": {str2, 2, boolResult},
	"ends_with":   {str2, 2, boolResult},
	"matches":     {str2, 2, boolResult},
	llmFunc:       {str1, 1, stringResult},
}

// llmFunc is llm(prompt): the language model's answer, a string. It is a
// built-in that tests mock (mock llm returns "...").
const llmFunc = "llm"

// The functions that make HTTP requests.
const (
	httpGet  = "get"
	httpPost = "post"
)

// reservedFunc reports whether name is a function of the language, which
// a Go function beside the bot cannot take.
func reservedFunc(name string) bool {
	_, ok := builtins[name]
	return ok || name == httpGet || name == httpPost
}

// funcNames returns the names a call may name, for hints.
func (c *checker) funcNames() []string {
	names := append(sortedKeys(builtins), httpGet, httpPost)
	if c.goPkg != nil {
		for _, f := range c.goPkg.Funcs {
			names = append(names, f.Name)
		}
	}
	return names
}

// call types a call: of a built-in, of get or post, or of a Go function
// beside the bot, in that order.
func (c *checker) call(call *syntax.Call) ir.Expr {
	name, pos := call.Func.Name, c.pos(call.Func.Pos)
	if c.constant != "" {
		c.errorf(pos, "%s is a constant: it cannot call %s", c.constant, name)
		return badExpr()
	}
	var args []ir.Expr
	for _, a := range call.Args {
		args = append(args, c.expr(a))
	}
	if fn, ok := builtins[name]; ok {
		return c.builtinCall(call, fn, args)
	}
	if name == httpGet || name == httpPost {
		return c.httpCall(call, args)
	}
	if p := c.goPackage(); p != nil {
		if f, ok := p.Func(name); ok {
			return c.goCall(call, f, args)
		}
	}
	if c.goFailed {
		// The function may be in a Go file that does not compile, whose
		// errors are reported.
		return badExpr()
	}
	c.misspelt(diag.Error, pos, name, c.funcNames(), "unknown function %q", name)
	return badExpr()
}

// arity checks the number of arguments of a call; want is how many it
// takes, as said in the message.
func (c *checker) arity(call *syntax.Call, n, lo, hi int) bool {
	if n >= lo && n <= hi {
		return true
	}
	want := fmt.Sprint(hi)
	switch {
	case hi == lo+1:
		want = fmt.Sprintf("%d or %d", lo, hi)
	case hi > lo:
		want = fmt.Sprintf("%d to %d", lo, hi)
	}
	c.errorf(c.pos(call.Func.Pos), "%s takes %s argument%s, found %d", call.Func.Name, want, plural(hi), n)
	return false
}

func (c *checker) builtinCall(call *syntax.Call, fn builtinFunc, args []ir.Expr) ir.Expr {
	name := call.Func.Name
	if !c.arity(call, len(args), fn.minArgs, len(fn.params)) || !valid(args...) {
		return badExpr()
	}
	ok := true
	for i, a := range args {
		pos := c.pos(call.Args[i].Pos)
		want := fn.params[i]
		t := a.ExprType()
		switch {
		case len(want) == 0 || slices.Contains(want, t):
		case t == ir.Dynamic && len(want) == 1:
			args[i] = as(a, want[0], pos)
		default:
			c.errorf(pos, "argument %d of %s must be %s, found %s", i+1, name, wanted(want, t), describe(ir.ShapeOf(a)))
			ok = false
		}
	}
	if !ok {
		return badExpr()
	}
	switch name {
	case "round":
		if len(args) == 1 {
			// The runtime's Round always takes the number of digits.
			args = append(args, &ir.Lit{Value: ir.Value{Type: ir.Number}})
		}
	case llmFunc:
		c.bot.UsesLLM = true
	case "matches":
		// The pattern is compiled once, when the bot is built.
		lit, isLit := args[1].(*ir.Lit)
		if !isLit {
			c.errorf(c.pos(call.Args[1].Pos), "the pattern of matches must be a string literal")
			return badExpr()
		}
		if _, err := regexp.Compile(lit.Value.Str); err != nil {
			c.errorf(c.pos(call.Args[1].Pos), "invalid regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return badExpr()
		}
	}
	out := &ir.Call{Func: name, Args: args, Type: fn.result.Type, Pos: c.pos(call.Func.Pos)}
	if !scalar(fn.result.Type) {
		out.Shape = fn.result
	}
	return out
}

// wanted names the types a parameter takes, for a message about an
// argument of type found: the numbers, strings and bools it takes when
// found is one of those and it takes any, else all of them.
func wanted(want accepts, found ir.Type) string {
	var names []string
	for _, t := range want {
		if scalar(t) == scalar(found) && t != ir.Dynamic {
			names = append(names, "a "+t.String())
		}
	}
	if len(names) == 0 {
		for _, t := range want {
			if t != ir.Dynamic {
				names = append(names, "a "+t.String())
			}
		}
	}
	return orList(names)
}

// orList joins "a", "b", "c" as "a, b or c".
func orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// httpCall types get(url, query, headers) and post(url, body, headers).
func (c *checker) httpCall(call *syntax.Call, args []ir.Expr) ir.Expr {
	name := call.Func.Name
	out := &ir.HTTPCall{Method: ir.MethodGet, Pos: c.pos(call.Func.Pos)}
	lo := 1
	if name == httpPost {
		out.Method, lo = ir.MethodPost, 2
	}
	c.httpCalled[name] = true
	if !c.arity(call, len(args), lo, 3) || !valid(args...) {
		return badExpr()
	}
	at := func(i int) ir.Pos { return c.pos(call.Args[i].Pos) }
	ok := true
	if !is(args[0], ir.String) {
		c.errorf(at(0), "the URL of %s must be a string, found %s", name, describe(ir.ShapeOf(args[0])))
		ok = false
	}
	out.URL = as(args[0], ir.String, at(0))
	if len(args) > 1 {
		if name == httpPost {
			out.Body = args[1]
		} else {
			out.Query = args[1]
			ok = c.recordOf(args[1], at(1), "the query of get", "query parameter", func(t ir.Type) bool { return scalar(t) }, "a number, a string or a bool") && ok
		}
	}
	if len(args) > 2 {
		out.Headers = args[2]
		ok = c.recordOf(args[2], at(2), "the headers of "+name, "header", func(t ir.Type) bool { return t == ir.String }, "a string") && ok
	}
	if !ok {
		return badExpr()
	}
	return out
}

// recordOf checks that e, what (at pos), is a record (or a dynamic value)
// whose fields, each an item, are of a type that fits (or dynamic), as
// wantText says.
func (c *checker) recordOf(e ir.Expr, pos ir.Pos, what, item string, fits func(ir.Type) bool, wantText string) bool {
	s := ir.ShapeOf(e)
	switch {
	case s.Type == ir.Dynamic:
		return true
	case s.Type != ir.Record:
		c.errorf(pos, "%s must be a record, found %s", what, describe(s))
		return false
	case s.Open:
		if el := s.ElemShape(); el.Type != ir.Dynamic && !fits(el.Type) {
			c.errorf(pos, "every %s must be %s, found %s", item, wantText, describe(el))
			return false
		}
		return true
	}
	ok := true
	for i, f := range s.Fields {
		if f.Shape.Type == ir.Dynamic || fits(f.Shape.Type) {
			continue
		}
		at := pos
		if r, isLit := e.(*ir.RecordLit); isLit {
			at = r.Fields[i].Pos
		}
		c.errorf(at, "%s %q must be %s, found %s", item, f.Name, wantText, describe(f.Shape))
		ok = false
	}
	return ok
}

// goCall types a call of the Go function f.
func (c *checker) goCall(call *syntax.Call, f *gofuncs.Func, args []ir.Expr) ir.Expr {
	name, pos := f.Name, c.pos(call.Func.Pos)
	c.goCalled[name] = true
	if reasons := f.Reasons(); len(reasons) > 0 {
		for _, r := range reasons {
			c.errorf(pos, "cannot call %s (%s): %s", name, c.where(f.Pos), r)
		}
		return badExpr()
	}
	if f.Result == nil {
		c.errorf(pos, "%s (%s) returns no value: a bot calls a function for what it returns", name, c.where(f.Pos))
		return badExpr()
	}
	if !c.arity(call, len(args), len(f.Params), len(f.Params)) || !valid(args...) {
		return badExpr()
	}
	out := &ir.GoCall{Func: name, Context: f.Context, Error: f.Error, Result: f.Result.GoType, Shape: f.Result.Shape, Pos: pos, Decl: f.Pos}
	ok := true
	for i, p := range f.Params {
		a, at := args[i], c.pos(call.Args[i].Pos)
		if !is(a, p.Type) {
			c.errorf(at, "argument %d of %s must be a %s (Go %s), found %s", i+1, name, p.Type, p.GoType, describe(ir.ShapeOf(a)))
			ok = false
			continue
		}
		out.Args = append(out.Args, as(a, p.Type, at))
		out.Params = append(out.Params, ir.GoParam{Name: p.Name, GoType: p.GoType, Import: p.Import, Kind: p.Kind})
	}
	if !ok {
		return badExpr()
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
