package generator

import (
	"fmt"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// goCall compiles a call of a Go function beside the bot into a call of
// its adapter, a function written once per Go function that takes the
// bot's values and the call's position.
func (g *gen) goCall(e *ir.GoCall) *jen.Statement {
	name, ok := g.adapters[e.Func]
	if !ok {
		name = g.adapter(e)
		g.adapters[e.Func] = name
	}
	args := []jen.Code{jen.Id("t"), g.posLit(e.Pos)}
	for _, a := range e.Args {
		args = append(args, g.expr(a))
	}
	return jen.Id(name).Call(args...)
}

// adapter declares the function that calls the Go function of e, and
// returns its name. It answers what a test's mock says when there is one;
// else it converts each argument to its Go type (a number that does not
// fit an integer parameter fails the body), passes a context when the
// function takes one, fails the body on a non-nil error, and converts the
// result to a value of the bot (a number, string or bool as such).
func (g *gen) adapter(e *ir.GoCall) string {
	name := g.names.fresh("call", camel(e.Func), "")
	g.declare(name)
	if !isIdent(e.Func) {
		g.fail(fmt.Errorf("generator: Go function %q is not a name", e.Func))
		return name
	}
	// The adapter's locals must not hide what it refers to: the function
	// and the types of its parameters.
	outer := []string{e.Func}
	for _, p := range e.Params {
		outer = append(outer, typeWords(p)...)
	}
	local := func(n string) *jen.Statement {
		for slices.Contains(outer, n) {
			n += "_"
		}
		return jen.Id(n)
	}
	t, at, v, ok, r, err, ctx, cancel := local("t"), local("at"), local("v"), local("ok"), local("r"), local("err"), local("ctx"), local("cancel")

	params := []jen.Code{t.Clone().Op("*").Qual(pkgEngine, "Turn"), at.Clone().String()}
	var args []jen.Code
	if e.Context {
		args = append(args, ctx)
	}
	for i, p := range e.Params {
		a := local(fmt.Sprintf("a%d", i))
		lang, ok := paramType(p.Kind)
		if !ok {
			g.fail(fmt.Errorf("generator: %s: parameter %d of Go kind %s", e.Func, i+1, p.Kind))
			return name
		}
		params = append(params, a.Clone().Add(lang))
		args = append(args, g.goArg(e.Func, i, p, a, t, at))
	}

	// A result of a number, a string or a bool is one in Go too.
	result := jen.Qual(pkgValue, "Value")
	convert := func(x jen.Code) jen.Code { return x }
	if scalarType(e.Shape.Type) {
		result = goType(e.Shape.Type)
		method := map[ir.Type]string{ir.Number: "AsNum", ir.String: "AsStr", ir.Bool: "AsBool"}[e.Shape.Type]
		convert = func(x jen.Code) jen.Code { return t.Clone().Dot(method).Call(at, x) }
	}
	body := []jen.Code{
		jen.If(jen.List(v, ok).Op(":=").Add(t).Dot("Mocked").Call(at, jen.Lit(e.Func)), ok).Block(jen.Return(convert(v))),
	}
	if e.Context {
		body = append(body,
			jen.List(ctx, cancel).Op(":=").Add(t).Dot("Context").Call(),
			jen.Defer().Add(cancel).Call(),
		)
	}
	call := jen.Id(e.Func).Call(args...)
	if e.Error {
		body = append(body,
			jen.List(r, err).Op(":=").Add(call),
			t.Clone().Dot("Check").Call(at, err),
		)
	} else {
		body = append(body, r.Clone().Op(":=").Add(call))
	}
	body = append(body, jen.Return(convert(t.Clone().Dot("FromGo").Call(at, jen.Lit(e.Func), r))))

	decl := ""
	if e.Decl.Line > 0 {
		decl = fmt.Sprintf(" (%s:%d:%d)", filepath.Base(e.Decl.File), e.Decl.Line, e.Decl.Col)
	}
	g.adapterFuncs = append(g.adapterFuncs,
		jen.Comment(g.commentText(name+" calls the Go function "+e.Func+CommentText(decl)+", or answers what a test's mock")),
		jen.Comment("says; a failure fails the body at at."),
		jen.Func().Id(name).Params(params...).Add(result).Block(body...),
		jen.Line(),
	)
	return name
}

// paramType is the type of the bot's values a parameter of Go kind k
// takes: string, bool or float64.
func paramType(k reflect.Kind) (*jen.Statement, bool) {
	switch k {
	case reflect.String:
		return jen.String(), true
	case reflect.Bool:
		return jen.Bool(), true
	case reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return jen.Float64(), true
	}
	return nil, false
}

// goArg converts a, the value of the i-th parameter p of fn, to p's Go
// type: an integer or a float32 through the engine's checked conversions,
// then a defined type (City, time.Duration) by a conversion to it.
func (g *gen) goArg(fn string, i int, p ir.GoParam, a, t, at *jen.Statement) jen.Code {
	basic := p.Kind.String()
	what := fmt.Sprintf("argument %d of %s", i+1, fn)
	if p.Name != "" && p.Name != "_" {
		what = fmt.Sprintf("argument %d (%s) of %s", i+1, p.Name, fn)
	}
	x := jen.Add(a)
	switch p.Kind {
	case reflect.String, reflect.Bool, reflect.Float64:
	case reflect.Float32:
		x = jen.Qual(pkgEngine, "Float32").Call(t, at, jen.Lit(what), a)
	default:
		x = jen.Qual(pkgEngine, "Whole").Types(jen.Id(basic)).Call(t, at, jen.Lit(what), a)
	}
	if p.GoType == basic {
		return x
	}
	typ := g.typeRef(p)
	if typ == nil {
		return x
	}
	return typ.Call(x)
}

// typeRef refers to the defined type of a parameter: a name of package
// main, or one of the package it imports (whose import the generated code
// then takes too).
func (g *gen) typeRef(p ir.GoParam) *jen.Statement {
	if p.Import == "" {
		if !isIdent(p.GoType) {
			g.fail(fmt.Errorf("generator: Go type %q is not a name", p.GoType))
			return nil
		}
		return jen.Id(p.GoType)
	}
	i := strings.LastIndexByte(p.GoType, '.')
	if i < 0 || !isIdent(p.GoType[i+1:]) {
		g.fail(fmt.Errorf("generator: Go type %q is not a qualified name", p.GoType))
		return nil
	}
	if !slices.Contains(g.goImports, p.Import) {
		g.goImports = append(g.goImports, p.Import)
		if slices.Contains(g.bot.GoNames, path.Base(p.Import)) {
			g.f.ImportAlias(p.Import, g.names.fresh(path.Base(p.Import), "", ""))
		}
	}
	return jen.Qual(p.Import, p.GoType[i+1:])
}

// typeWords are the names the type of a parameter is written with.
func typeWords(p ir.GoParam) []string {
	if p.Import == "" {
		return []string{p.GoType}
	}
	pkg, _, _ := strings.Cut(p.GoType, ".")
	return []string{pkg, path.Base(p.Import)}
}

// tool declares, once per Go function, the variable that offers it to the
// language model, and returns its name: its name, doc comment and
// parameters, and a call of its adapter with the model's arguments, which
// the engine has checked to be of the parameters' kinds.
func (g *gen) tool(tool ir.Tool) string {
	if name, ok := g.tools[tool.Name]; ok {
		return name
	}
	name := g.names.fresh("tool", camel(tool.Name), "")
	g.tools[tool.Name] = name
	g.declare(name)
	adapter, ok := g.adapters[tool.Name]
	if !ok {
		adapter = g.adapter(tool.Call)
		g.adapters[tool.Name] = adapter
	}
	t, at, args := jen.Id("t"), jen.Id("at"), jen.Id("args")
	var params []jen.Code
	call := []jen.Code{t, at}
	for i, p := range tool.Call.Params {
		params = append(params, jen.Values(kv("Name", jen.Lit(p.Name), "Kind", jen.Lit(p.Kind.String())).elems()...))
		goType, ok := paramType(p.Kind)
		if !ok {
			g.fail(fmt.Errorf("generator: tool %s: parameter %d of Go kind %s", tool.Name, i+1, p.Kind))
			return name
		}
		call = append(call, args.Clone().Index(jen.Lit(i)).Assert(goType))
	}
	d := kv("Name", jen.Lit(tool.Name))
	if doc := strings.TrimSpace(tool.Doc); doc != "" {
		d = d.add("Description", stringLit(doc))
	}
	if len(params) > 0 {
		d = d.add("Params", jen.Index().Qual(pkgEngine, "ToolParam").Values(lines(params)...))
	}
	d = d.add("At", jen.Lit(pos(tool.Pos)))
	d = d.add("Call", jen.Func().Params(t.Clone().Op("*").Qual(pkgEngine, "Turn"), at.Clone().String(), args.Clone().Index().Qual(pkgValue, "Value")).Qual(pkgValue, "Value").Block(
		jen.Return(jen.Id(adapter).Call(call...)),
	))
	g.toolVars = append(g.toolVars,
		jen.Comment(g.commentText(name+" offers the Go function "+tool.Name+" to the language model.")),
		jen.Var().Id(name).Op("=").Op("&").Qual(pkgEngine, "Tool").Values(d.elems()...),
		jen.Line(),
	)
	return name
}
