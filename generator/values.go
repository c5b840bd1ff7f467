package generator

import (
	"fmt"
	"go/token"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// This file compiles the language's second version: records, lists and
// dynamic values, settings, the turn's names, loops, HTTP requests,
// replies built from data and mocks. An expression of type number, string
// or bool compiles to a Go float64, string or bool as in the first
// version; a record, a list or a dynamic value to a value.Value. What can
// fail when the bot runs (a field of a dynamic value, an index, a value of
// the wrong kind, a call) goes through an engine.Turn method that takes
// the node's position in the .bot file and fails the body there.

// scalarType reports whether t is a number, a string or a bool: a Go
// value of its own type, not a value.Value.
func scalarType(t ir.Type) bool { return t == ir.Number || t == ir.String || t == ir.Bool }

// posLit is the position p as the runtime's failures name it:
// "orders.bot:24:5".
func (g *gen) posLit(p ir.Pos) *jen.Statement { return jen.Lit(pos(p)) }

// asType converts x, a value.Value, to the Go type of t when t is a
// number, a string or a bool, failing the body at p when it is not one.
func (g *gen) asType(t ir.Type, p ir.Pos, x jen.Code) *jen.Statement {
	switch t {
	case ir.Number:
		return jen.Id("t").Dot("AsNum").Call(g.posLit(p), x)
	case ir.String:
		return jen.Id("t").Dot("AsStr").Call(g.posLit(p), x)
	case ir.Bool:
		return jen.Id("t").Dot("AsBool").Call(g.posLit(p), x)
	}
	return jen.Add(x)
}

// loop is a for loop being compiled: the Go name of its variable.
type loop struct {
	name, goName string
	pos          ir.Pos
}

// ref compiles the read of a name.
func (g *gen) ref(e *ir.Ref) *jen.Statement {
	switch e.Kind {
	case ir.SettingRef:
		// The engine holds a setting as its declared type.
		return jen.Id("t").Dot("Setting").Call(jen.Lit(e.Name)).Assert(goType(e.Type))
	case ir.TurnRef:
		switch e.Name {
		case "message":
			return jen.Id("t").Dot("Message").Call()
		case "intent":
			return jen.Id("t").Dot("Intent").Call()
		case "confidence":
			return jen.Id("t").Dot("Confidence").Call()
		case "error":
			return jen.Id("t").Dot("Str").Call(jen.Qual(pkgEngine, "ErrorVar"))
		}
	case ir.LoopRef:
		for i := len(g.loops) - 1; i >= 0; i-- {
			if l := g.loops[i]; l.name == e.Name {
				return g.asType(e.Type, l.pos, jen.Id(l.goName))
			}
		}
		g.fail(fmt.Errorf("generator: loop variable %s outside its loop", e.Name))
		return jen.Null()
	}
	if scalarType(e.Type) {
		return jen.Id("t").Dot(getters[e.Type]).Call(jen.Lit(e.Name))
	}
	return jen.Id("t").Dot("Val").Call(jen.Lit(e.Name))
}

// goType is the Go type of a number, a string or a bool.
func goType(t ir.Type) *jen.Statement {
	switch t {
	case ir.Number:
		return jen.Float64()
	case ir.Bool:
		return jen.Bool()
	}
	return jen.String()
}

// exprV2 compiles the expressions of values.go; nil for another.
func (g *gen) exprV2(e ir.Expr) *jen.Statement {
	switch e := e.(type) {
	case *ir.Dot:
		method := "Field"
		if e.Project {
			method = "Project"
		}
		return g.asType(e.Shape.Type, e.Pos, jen.Id("t").Dot(method).Call(g.posLit(e.Pos), g.expr(e.X), jen.Lit(e.Name)))
	case *ir.Index:
		return g.asType(e.Shape.Type, e.Pos, jen.Id("t").Dot("Index").Call(g.posLit(e.Pos), g.expr(e.X), g.expr(e.I)))
	case *ir.RecordLit:
		var pairs []jen.Code
		for _, f := range e.Fields {
			pairs = append(pairs, jen.Lit(f.Name), g.expr(f.Value))
		}
		return jen.Qual(pkgValue, "RecordOf").Call(pairs...)
	case *ir.ListLit:
		var elems []jen.Code
		for _, x := range e.Elems {
			elems = append(elems, g.expr(x))
		}
		return jen.Index().Qual(pkgValue, "Value").Values(elems...)
	case *ir.Assert:
		if scalarType(e.Shape.Type) {
			return g.asType(e.Shape.Type, e.Pos, g.expr(e.X))
		}
		if e.Shape.Type == ir.Dynamic {
			return g.expr(e.X)
		}
		return jen.Id("t").Dot("AsShape").Call(g.posLit(e.Pos), g.expr(e.X), jen.Id(g.shapeVar(e.Shape)))
	case *ir.GoCall:
		return g.goCall(e)
	case *ir.HTTPCall:
		return g.httpCall(e)
	}
	return nil
}

// record compiles e where the runtime takes a *value.Record: a record
// literal as it is, anything else checked to be one at p.
func (g *gen) record(e ir.Expr, p ir.Pos) jen.Code {
	if e == nil {
		return jen.Nil()
	}
	if _, ok := e.(*ir.RecordLit); ok {
		return g.expr(e)
	}
	return jen.Id("t").Dot("AsRecord").Call(g.posLit(p), g.expr(e))
}

func (g *gen) httpCall(e *ir.HTTPCall) *jen.Statement {
	if e.Method == ir.MethodPost {
		return jen.Id("t").Dot("Post").Call(g.posLit(e.Pos), g.expr(e.URL), g.expr(e.Body), g.record(e.Headers, e.Pos))
	}
	return jen.Id("t").Dot("Get").Call(g.posLit(e.Pos), g.expr(e.URL), g.record(e.Query, e.Pos), g.record(e.Headers, e.Pos))
}

// v2Builtins are the built-in functions of the second version that
// runtime/builtin implements as they are.
var v2Builtins = map[string]string{
	"replace": "Replace", "split": "Split", "substr": "Substr",
	"starts_with": "StartsWith", "ends_with": "EndsWith",
}

// callV2 compiles a call of a built-in function of the second version, or
// of one of the first on a value of the second; nil for another.
func (g *gen) callV2(e *ir.Call) *jen.Statement {
	args := func() []jen.Code {
		var out []jen.Code
		for _, a := range e.Args {
			out = append(out, g.expr(a))
		}
		return out
	}
	at := g.posLit(e.Pos)
	switch e.Func {
	case "len":
		if len(e.Args) == 1 && e.Args[0].ExprType() != ir.String {
			return jen.Id("t").Dot("Len").Call(at, g.expr(e.Args[0]))
		}
	case "num":
		if len(e.Args) == 1 && e.Args[0].ExprType() != ir.String {
			return jen.Id("t").Dot("NumOf").Call(at, g.expr(e.Args[0]))
		}
	case "join":
		return jen.Id("t").Dot("Join").Call(append([]jen.Code{at}, args()...)...)
	case "now":
		return jen.Qual(pkgBuiltin, "FormatTime").Call(jen.Id("t").Dot("Now").Call())
	case "today":
		return jen.Id("t").Dot("Today").Call()
	case "llm":
		return jen.Id("t").Dot("LLM").Call(at, g.expr(e.Args[0]))
	case "weekday":
		return jen.Id("t").Dot("Weekday").Call(at, g.expr(e.Args[0]))
	case "days_until":
		return jen.Id("t").Dot("DaysUntil").Call(at, g.expr(e.Args[0]))
	case "matches":
		lit, ok := e.Args[1].(*ir.Lit)
		if !ok || lit.Value.Type != ir.String {
			g.fail(fmt.Errorf("generator: the pattern of matches is not a string literal"))
			return jen.Null()
		}
		re := g.shared("pattern", g.owner, lit.Value.Str, jen.Qual(pkgBuiltin, "Pattern").Call(jen.Lit(lit.Value.Str)), false)
		return jen.Id(re).Dot("MatchString").Call(g.expr(e.Args[0]))
	default:
		if fn, ok := v2Builtins[e.Func]; ok {
			return jen.Qual(pkgBuiltin, fn).Call(args()...)
		}
	}
	return nil
}

// forStmt compiles a loop: its variable is a Go local, named after it with
// a trailing underscore, which no name the generated code uses has.
func (g *gen) forStmt(s *ir.For) *jen.Statement {
	l := loop{name: s.Var, goName: s.Var + "_", pos: s.Pos}
	if !isIdent(l.goName) {
		g.fail(fmt.Errorf("generator: loop variable %q is not a name", s.Var))
		return jen.Null()
	}
	list := jen.Id("t").Dot("AsList").Call(g.posLit(s.Pos), g.expr(s.List))
	g.loops = append(g.loops, l)
	body := append([]jen.Code{jen.Id("t").Dot("Step").Call(g.posLit(s.Pos))}, g.stmts(s.Body)...)
	g.loops = g.loops[:len(g.loops)-1]
	return jen.For(jen.List(jen.Id("_"), jen.Id(l.goName)).Op(":=").Range().Add(list)).Block(body...)
}

// isIdent reports whether s is an ASCII Go identifier that is not a
// keyword.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || isAlnum(c)) || i == 0 && '0' <= c && c <= '9' {
			return false
		}
	}
	return !token.IsKeyword(s)
}

// chartOfData reports whether a chart has a part computed when the bot
// runs.
func chartOfData(c *ir.Chart) bool {
	if c.XOf != nil {
		return true
	}
	for _, s := range c.Series {
		if s.YOf != nil {
			return true
		}
	}
	return false
}

// chartOf compiles a chart with a part computed when the bot runs; the
// parts written in the source become lists of constants.
func (g *gen) chartOf(r *ir.Reply) *jen.Statement {
	c := r.Chart
	x := jen.Code(nil)
	if c.XOf != nil {
		x = g.expr(c.XOf)
	} else {
		var elems []jen.Code
		for _, v := range c.X {
			elems = append(elems, g.value(v))
		}
		x = jen.Index().Qual(pkgValue, "Value").Values(elems...)
	}
	args := []jen.Code{g.posLit(r.Pos), jen.Lit(c.Type), jen.Lit(c.Title), x}
	for _, s := range c.Series {
		var y jen.Code
		if s.YOf != nil {
			y = g.expr(s.YOf)
		} else {
			var elems []jen.Code
			for _, f := range s.Y {
				elems = append(elems, g.num(f))
			}
			y = jen.Index().Qual(pkgValue, "Value").Values(elems...)
		}
		d := kv("Y", y)
		if s.Name != "" {
			d = kv("Name", jen.Lit(s.Name), "Y", y)
		}
		args = append(args, jen.Qual(pkgReply, "DataSeries").Values(d...))
	}
	return jen.Id("t").Dot("ChartOf").Call(args...)
}

// zero is the value a variable of shape s holds before it is set: 0, "",
// false, a record of zero fields, an empty list, null for a dynamic value.
func (g *gen) zero(s ir.Shape) *jen.Statement {
	switch s.Type {
	case ir.Number:
		return jen.Lit(0.0)
	case ir.String:
		return jen.Lit("")
	case ir.Bool:
		return jen.False()
	case ir.List:
		return jen.Index().Qual(pkgValue, "Value").Values()
	case ir.Record:
		var pairs []jen.Code
		if !s.Open {
			for _, f := range s.Fields {
				pairs = append(pairs, jen.Lit(f.Name), g.zero(f.Shape))
			}
		}
		return jen.Qual(pkgValue, "RecordOf").Call(pairs...)
	}
	return jen.Nil()
}

// shapeVar declares, once per shape, a variable holding the value.Shape a
// dynamic value is checked against, and returns its name.
func (g *gen) shapeVar(s ir.Shape) string {
	return g.shared("shape", g.owner, s.String(), jen.Op("&").Add(g.shapeLit(s)), false)
}

// shapeLit is the value.Shape of s, without the &; a dynamic shape is
// none (nil: any value).
func (g *gen) shapeLit(s ir.Shape) *jen.Statement {
	kinds := map[ir.Type]string{ir.Number: "KindNumber", ir.String: "KindString", ir.Bool: "KindBool", ir.Record: "KindRecord", ir.List: "KindList"}
	d := kv("Kind", jen.Qual(pkgValue, kinds[s.Type]))
	sub := func(s *ir.Shape) jen.Code {
		if s == nil || s.Type == ir.Dynamic {
			return jen.Nil()
		}
		return jen.Op("&").Add(g.shapeLit(*s))
	}
	switch {
	case s.Type == ir.List || s.Open:
		if s.Elem != nil && s.Elem.Type != ir.Dynamic {
			d = d.add("Elem", sub(s.Elem))
		}
		if s.Open {
			d = d.add("Open", jen.True())
		}
	case s.Type == ir.Record:
		var fields []jen.Code
		for _, f := range s.Fields {
			fields = append(fields, jen.Values(kv("Name", jen.Lit(f.Name), "Shape", sub(&f.Shape))...))
		}
		d = d.add("Fields", jen.Index().Qual(pkgValue, "ShapeField").Values(fields...))
	}
	return jen.Qual(pkgValue, "Shape").Values(d...)
}

// settingsLit is the bot's settings, each with its kind and the text of
// the value it declares.
func settingsLit(settings []ir.Setting) jen.Code {
	var out []jen.Code
	for _, s := range settings {
		kind, text := "String", s.Value.Str
		switch s.Value.Type {
		case ir.Number:
			kind, text = "Float", strconv.FormatFloat(s.Value.Num, 'g', -1, 64)
		case ir.Bool:
			kind, text = "Bool", strconv.FormatBool(s.Value.Bool)
		}
		out = append(out, jen.Values(kv("Name", jen.Lit(s.Name), "Kind", jen.Qual(pkgConfig, kind), "Default", jen.Lit(text)).elems()...))
	}
	return jen.Index().Qual(pkgConfig, "Setting").Values(lines(out)...)
}

// mock compiles a test's mock line into a bottest.Mock.
func (g *gen) mock(s ir.Step) jen.Code {
	m := s.Mock
	if m == nil {
		g.fail(fmt.Errorf("generator: mock step without a mock"))
		return jen.Null()
	}
	var d dict
	switch m.Func {
	case "get", "post":
		method := ir.MethodGet
		if m.Func == "post" {
			method = ir.MethodPost
		}
		d = kv("Method", jen.Lit(method))
		if m.Setting != "" {
			d = d.add("Setting", jen.Lit(m.Setting))
		} else {
			d = d.add("URL", jen.Lit(m.URL))
		}
	default:
		d = kv("Func", jen.Lit(m.Func))
	}
	switch {
	case m.Fail && m.Fails == "":
		d = d.add("Fail", jen.True())
	case m.Fail:
		d = d.add("Fails", jen.Lit(m.Fails))
	case m.Returns != nil:
		d = d.add("Value", g.mocked(m.Returns, m.Result))
	}
	return jen.Values(d.add("Pos", jen.Lit(pos(s.Pos))).elems()...)
}

// mocked compiles a mocked value as the Go function whose result has
// shape s would return it: a record with the fields of s in their order,
// those the mock leaves out at their zero values. A value for get or
// post (s is zero) is as written.
func (g *gen) mocked(e ir.Expr, s ir.Shape) *jen.Statement {
	switch x := e.(type) {
	case *ir.RecordLit:
		if s.Type != ir.Record {
			break
		}
		if s.Open {
			var pairs []jen.Code
			for _, f := range x.Fields {
				pairs = append(pairs, jen.Lit(f.Name), g.mocked(f.Value, s.ElemShape()))
			}
			return jen.Qual(pkgValue, "RecordOf").Call(pairs...)
		}
		var pairs []jen.Code
		for _, f := range s.Fields {
			v := g.zero(f.Shape)
			for _, xf := range x.Fields {
				if xf.Name == f.Name {
					v = g.mocked(xf.Value, f.Shape)
				}
			}
			pairs = append(pairs, jen.Lit(f.Name), v)
		}
		return jen.Qual(pkgValue, "RecordOf").Call(pairs...)
	case *ir.ListLit:
		if s.Type != ir.List {
			break
		}
		var elems []jen.Code
		for _, el := range x.Elems {
			elems = append(elems, g.mocked(el, s.ElemShape()))
		}
		return jen.Index().Qual(pkgValue, "Value").Values(elems...)
	}
	return g.expr(e)
}
