package generator

import (
	"fmt"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// unsupported returns an error naming the first form, in the .bot file,
// of the language's second version (values, Go functions, HTTP, loops,
// settings, mocks) that the checker accepts but the generator cannot
// compile yet: refused, rather than compiled into a program that does
// something else.
func unsupported(b *ir.Bot) error {
	f := &v2Finder{}
	for _, s := range b.Settings {
		f.mark(s.Pos, "setting "+s.Name)
	}
	for _, v := range b.Vars {
		if !scalarType(v.Shape.Type) && v.Shape.Type != ir.Invalid {
			f.mark(v.Pos, fmt.Sprintf("the %s variable %s", v.Shape.Type, v.Name))
		}
	}
	for _, s := range b.States {
		f.stmts(s.Body, s.Pos)
		f.stmts(s.Fallback, s.Pos)
		for _, t := range s.Transitions {
			switch {
			case t.Kind == ir.OnError:
				f.mark(t.Pos, "on error")
			case (t.Kind == ir.Go || t.Kind == ir.GoBack) && t.Cond != nil:
				f.mark(t.Pos, "a conditional go")
			case t.Cond != nil:
				f.expr(t.Cond, t.Pos)
			}
		}
	}
	f.stmts(b.Fallback, ir.Pos{})
	for _, t := range b.Tests {
		for _, s := range t.Steps {
			if s.Kind == ir.MockCall {
				f.mark(s.Pos, "mock")
			}
		}
	}
	if f.what == "" {
		return nil
	}
	return fmt.Errorf("%s: %s is not supported by the generator yet", pos(f.pos), f.what)
}

func scalarType(t ir.Type) bool { return t == ir.Number || t == ir.String || t == ir.Bool }

func article(t ir.Type) string {
	if t == ir.Record {
		return "a record"
	}
	if t == ir.List {
		return "a list"
	}
	return "a " + t.String()
}

// v2Finder keeps the first form found, by its position in the file.
type v2Finder struct {
	pos  ir.Pos
	what string
}

func (f *v2Finder) mark(p ir.Pos, what string) {
	if f.what == "" || p.Line < f.pos.Line || p.Line == f.pos.Line && p.Col < f.pos.Col {
		f.pos, f.what = p, what
	}
}

func (f *v2Finder) stmts(list []ir.Stmt, at ir.Pos) {
	for _, s := range list {
		switch s := s.(type) {
		case *ir.For:
			f.mark(s.Pos, "for")
		case *ir.Set:
			f.expr(s.Value, s.Pos)
		case *ir.If:
			f.expr(s.Cond, s.Pos)
			f.stmts(s.Then, s.Pos)
			f.stmts(s.Else, s.Pos)
		case *ir.Reply:
			f.reply(s)
		default:
			f.mark(at, fmt.Sprintf("statement %T", s))
		}
	}
}

func (f *v2Finder) reply(r *ir.Reply) {
	switch {
	case r.OptionsOf != nil:
		f.mark(r.Pos, "reply options of a list")
	case r.TableOf != nil:
		f.mark(r.Pos, "reply table of a list")
	case r.Chart != nil && r.Chart.XOf != nil:
		f.mark(r.Pos, "a chart of lists")
	case r.Chart != nil:
		for _, s := range r.Chart.Series {
			if s.YOf != nil {
				f.mark(r.Pos, "a chart of lists")
			}
		}
	}
	for _, t := range append(append([]ir.Template{r.Text}, r.Variants...), r.Options...) {
		for _, p := range t.Parts {
			if p.Expr != nil {
				f.expr(p.Expr, r.Pos)
			}
		}
	}
}

// v1Funcs are the built-in functions of the language's first version.
var v1Funcs = map[string]bool{"round": true, "random": true, "str": true}

func (f *v2Finder) expr(e ir.Expr, at ir.Pos) {
	switch e := e.(type) {
	case *ir.Lit:
	case *ir.Ref:
		switch {
		case e.Kind == ir.SettingRef:
			f.mark(at, "setting "+e.Name)
		case e.Kind == ir.LoopRef:
			f.mark(at, "loop variable "+e.Name)
		case e.Kind == ir.TurnRef:
			f.mark(at, e.Name)
		case !scalarType(e.Type):
			f.mark(at, fmt.Sprintf("reading %s, %s value", e.Name, article(e.Type)))
		}
	case *ir.Unary:
		f.expr(e.X, at)
	case *ir.Binary:
		f.expr(e.X, at)
		f.expr(e.Y, at)
	case *ir.Call:
		if _, ok := builtins[e.Func]; !ok && !v1Funcs[e.Func] {
			f.mark(e.Pos, "built-in function "+e.Func)
		}
		for _, a := range e.Args {
			f.expr(a, at)
		}
	case *ir.Dot:
		f.mark(e.Pos, "reading field "+e.Name)
	case *ir.Index:
		f.mark(e.Pos, "indexing")
	case *ir.RecordLit:
		f.mark(e.Pos, "a record")
	case *ir.ListLit:
		f.mark(e.Pos, "a list")
	case *ir.Assert:
		f.mark(e.Pos, "a dynamic value")
	case *ir.GoCall:
		f.mark(e.Pos, "calling Go function "+e.Func)
	case *ir.HTTPCall:
		f.mark(e.Pos, "an HTTP request ("+e.Method+")")
	default:
		f.mark(at, fmt.Sprintf("expression %T", e))
	}
}
