package check

import (
	"fmt"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

func badExpr() ir.Expr { return &ir.Lit{Value: ir.Value{Type: ir.Invalid}} }

func valid(es ...ir.Expr) bool {
	for _, e := range es {
		if e.ExprType() == ir.Invalid {
			return false
		}
	}
	return true
}

// expr types an expression. An expression with an error has type Invalid,
// and no further error is reported about it, to avoid cascades.
func (c *checker) expr(e *syntax.Expr) ir.Expr {
	x := c.andExpr(e.Left)
	for _, r := range e.Rest {
		y := c.andExpr(r)
		x = c.logical("or", x, y, c.pos(e.Pos))
	}
	return x
}

func (c *checker) andExpr(e *syntax.AndExpr) ir.Expr {
	x := c.notExpr(e.Left)
	for _, r := range e.Rest {
		y := c.notExpr(r)
		x = c.logical("and", x, y, c.pos(e.Pos))
	}
	return x
}

func (c *checker) logical(op string, x, y ir.Expr, pos ir.Pos) ir.Expr {
	if !valid(x, y) {
		return badExpr()
	}
	if x.ExprType() != ir.Bool || y.ExprType() != ir.Bool {
		c.errorf(pos, "operator %s expects two bools, found %s and %s", op, x.ExprType(), y.ExprType())
		return badExpr()
	}
	return &ir.Binary{Op: op, X: x, Y: y, Type: ir.Bool}
}

func (c *checker) notExpr(e *syntax.NotExpr) ir.Expr {
	if e.Not != nil {
		x := c.notExpr(e.Not)
		if !valid(x) {
			return x
		}
		if x.ExprType() != ir.Bool {
			c.errorf(c.pos(e.Pos), "operator not expects a bool, found %s", x.ExprType())
			return badExpr()
		}
		return &ir.Unary{Op: "not", X: x, Type: ir.Bool}
	}
	return c.cmpExpr(e.Cmp)
}

func (c *checker) cmpExpr(e *syntax.CmpExpr) ir.Expr {
	x := c.addExpr(e.Left)
	if e.Right == nil {
		return x
	}
	y := c.addExpr(e.Right)
	if !valid(x, y) {
		return badExpr()
	}
	tx, ty := x.ExprType(), y.ExprType()
	switch e.Op {
	case "==", "!=":
		if tx != ty {
			c.errorf(c.pos(e.Pos), "cannot compare a %s with a %s using %s", tx, ty, e.Op)
			return badExpr()
		}
	default:
		if tx != ir.Number || ty != ir.Number {
			c.errorf(c.pos(e.Pos), "operator %s expects two numbers, found %s and %s", e.Op, tx, ty)
			return badExpr()
		}
	}
	return &ir.Binary{Op: e.Op, X: x, Y: y, Type: ir.Bool}
}

func (c *checker) addExpr(e *syntax.AddExpr) ir.Expr {
	x := c.mulExpr(e.Left)
	for _, r := range e.Rest {
		y := c.mulExpr(r.X)
		if !valid(x, y) {
			x = badExpr()
			continue
		}
		tx, ty := x.ExprType(), y.ExprType()
		switch {
		case tx == ir.Number && ty == ir.Number:
			x = &ir.Binary{Op: r.Op, X: x, Y: y, Type: ir.Number}
		case r.Op == "+" && tx == ir.String && ty == ir.String:
			x = &ir.Binary{Op: r.Op, X: x, Y: y, Type: ir.String}
		case r.Op == "+":
			c.errorf(c.pos(r.Pos), "operator + expects two numbers or two strings, found %s and %s (use str() to convert)", tx, ty)
			x = badExpr()
		default:
			c.errorf(c.pos(r.Pos), "operator - expects two numbers, found %s and %s", tx, ty)
			x = badExpr()
		}
	}
	return x
}

func (c *checker) mulExpr(e *syntax.MulExpr) ir.Expr {
	x := c.unaryExpr(e.Left)
	for _, r := range e.Rest {
		y := c.unaryExpr(r.X)
		if !valid(x, y) {
			x = badExpr()
			continue
		}
		if x.ExprType() != ir.Number || y.ExprType() != ir.Number {
			c.errorf(c.pos(r.Pos), "operator %s expects two numbers, found %s and %s", r.Op, x.ExprType(), y.ExprType())
			x = badExpr()
			continue
		}
		x = &ir.Binary{Op: r.Op, X: x, Y: y, Type: ir.Number}
	}
	return x
}

func (c *checker) unaryExpr(e *syntax.UnaryExpr) ir.Expr {
	if e.Neg != nil {
		x := c.unaryExpr(e.Neg)
		if !valid(x) {
			return x
		}
		if x.ExprType() != ir.Number {
			c.errorf(c.pos(e.Pos), "unary - expects a number, found %s", x.ExprType())
			return badExpr()
		}
		return &ir.Unary{Op: "-", X: x, Type: ir.Number}
	}
	return c.primary(e.Prim)
}

func (c *checker) primary(p *syntax.Primary) ir.Expr {
	switch {
	case p.Number != nil:
		return &ir.Lit{Value: ir.Value{Type: ir.Number, Num: c.number(*p.Number, c.pos(p.Pos))}}
	case p.Str != nil:
		return &ir.Lit{Value: ir.Value{Type: ir.String, Str: c.decodeString(p.Str)}}
	case p.Bool != nil:
		return &ir.Lit{Value: ir.Value{Type: ir.Bool, Bool: *p.Bool == "true"}}
	case p.FileField != nil:
		switch p.FileField.Name {
		case "name", "type":
			return &ir.Ref{Name: "file." + p.FileField.Name, Kind: ir.FileFieldRef, Type: ir.String}
		case "size":
			return &ir.Ref{Name: "file.size", Kind: ir.FileFieldRef, Type: ir.Number}
		}
		c.errorf(c.pos(p.FileField.Pos), "unknown file field %q (want name, type or size)", p.FileField.Name)
		return badExpr()
	case p.Call != nil:
		return c.call(p.Call)
	case p.Name != nil:
		name := p.Name.Name
		if prm, ok := c.params[name]; ok {
			return &ir.Ref{Name: name, Kind: ir.ParamRef, Type: prm.typ}
		}
		if v, ok := c.vars[name]; ok {
			return &ir.Ref{Name: name, Kind: ir.VarRef, Type: v.typ}
		}
		if name == "file" {
			c.errorf(c.pos(p.Name.Pos), "file is not a value: use file.name, file.type or file.size")
			return badExpr()
		}
		c.errorf(c.pos(p.Name.Pos), "unknown variable or parameter %q%s", name, didYouMean(name, append(sortedKeys(c.params), sortedKeys(c.vars)...)))
		return badExpr()
	case p.Paren != nil:
		return c.expr(p.Paren)
	}
	return badExpr()
}

type builtinFunc struct {
	params  []ir.Type // Invalid accepts any type
	minArgs int
	result  ir.Type
}

var (
	num1 = []ir.Type{ir.Number}
	num2 = []ir.Type{ir.Number, ir.Number}
	str1 = []ir.Type{ir.String}
)

// builtins are the functions of the expression language.
var builtins = map[string]builtinFunc{
	"round":    {num2, 1, ir.Number},
	"random":   {num2, 2, ir.Number},
	"floor":    {num1, 1, ir.Number},
	"ceil":     {num1, 1, ir.Number},
	"abs":      {num1, 1, ir.Number},
	"min":      {num2, 2, ir.Number},
	"max":      {num2, 2, ir.Number},
	"len":      {str1, 1, ir.Number},
	"lower":    {str1, 1, ir.String},
	"upper":    {str1, 1, ir.String},
	"trim":     {str1, 1, ir.String},
	"str":      {[]ir.Type{ir.Invalid}, 1, ir.String},
	"num":      {str1, 1, ir.Number},
	"contains": {[]ir.Type{ir.String, ir.String}, 2, ir.Bool},
}

func (c *checker) call(call *syntax.Call) ir.Expr {
	name := call.Func.Name
	var args []ir.Expr
	for _, a := range call.Args {
		args = append(args, c.expr(a))
	}
	fn, ok := builtins[name]
	if !ok {
		c.errorf(c.pos(call.Func.Pos), "unknown function %q%s", name, didYouMean(name, sortedKeys(builtins)))
		return badExpr()
	}
	if len(args) < fn.minArgs || len(args) > len(fn.params) {
		want := fmt.Sprint(len(fn.params))
		if fn.minArgs != len(fn.params) {
			want = fmt.Sprintf("%d or %d", fn.minArgs, len(fn.params))
		}
		c.errorf(c.pos(call.Func.Pos), "%s takes %s argument%s, found %d", name, want, plural(len(fn.params)), len(args))
		return badExpr()
	}
	if !valid(args...) {
		return badExpr()
	}
	ok = true
	for i, a := range args {
		if want := fn.params[i]; want != ir.Invalid && a.ExprType() != want {
			c.errorf(c.pos(call.Args[i].Pos), "argument %d of %s must be a %s, found a %s", i+1, name, want, a.ExprType())
			ok = false
		}
	}
	if !ok {
		return badExpr()
	}
	if name == "round" && len(args) == 1 {
		// The runtime's Round always takes the number of digits.
		args = append(args, &ir.Lit{Value: ir.Value{Type: ir.Number}})
	}
	return &ir.Call{Func: name, Args: args, Type: fn.result}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
