package check

import (
	"github.com/botgen-dev/botgen/dsl/diag"
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

// is reports whether e, or a dynamic value that a run-time check can make
// one, is of type t.
func is(e ir.Expr, t ir.Type) bool {
	return e.ExprType() == t || e.ExprType() == ir.Dynamic
}

// as returns e where a value of type t is wanted: e itself, or, when e is a
// dynamic value, e checked at run time to be a t (failing the body at pos
// otherwise). The operands of the other nodes thus have static types.
func as(e ir.Expr, t ir.Type, pos ir.Pos) ir.Expr {
	return asShape(e, ir.Shape{Type: t}, pos)
}

// asShape is as for a shape.
func asShape(e ir.Expr, s ir.Shape, pos ir.Pos) ir.Expr {
	if e.ExprType() == ir.Dynamic && s.Type != ir.Dynamic {
		return &ir.Assert{X: e, Shape: s, Pos: pos}
	}
	return e
}

// expr types an expression. An expression with an error has type Invalid,
// and no further error is reported about it, to avoid cascades.
func (c *checker) expr(e *syntax.Expr) ir.Expr {
	x := c.andExpr(e.Left)
	for _, r := range e.Rest {
		y := c.andExpr(r)
		x = c.logical("or", x, y, c.pos(e.Pos), c.pos(e.Left.Pos), c.pos(r.Pos))
	}
	return x
}

func (c *checker) andExpr(e *syntax.AndExpr) ir.Expr {
	x := c.notExpr(e.Left)
	for _, r := range e.Rest {
		y := c.notExpr(r)
		x = c.logical("and", x, y, c.pos(e.Pos), c.pos(e.Left.Pos), c.pos(r.Pos))
	}
	return x
}

// logical types x op y, x and y at xpos and ypos.
func (c *checker) logical(op string, x, y ir.Expr, pos, xpos, ypos ir.Pos) ir.Expr {
	if !valid(x, y) {
		return badExpr()
	}
	if !is(x, ir.Bool) || !is(y, ir.Bool) {
		c.errorf(pos, "operator %s expects two bools, found %s and %s", op, x.ExprType(), y.ExprType())
		return badExpr()
	}
	return &ir.Binary{Op: op, X: as(x, ir.Bool, xpos), Y: as(y, ir.Bool, ypos), Type: ir.Bool}
}

func (c *checker) notExpr(e *syntax.NotExpr) ir.Expr {
	if e.Not != nil {
		x := c.notExpr(e.Not)
		if !valid(x) {
			return x
		}
		if !is(x, ir.Bool) {
			c.errorf(c.pos(e.Pos), "operator not expects a bool, found %s", x.ExprType())
			return badExpr()
		}
		return &ir.Unary{Op: "not", X: as(x, ir.Bool, c.pos(e.Not.Pos)), Type: ir.Bool}
	}
	return c.cmpExpr(e.Cmp)
}

// scalar reports whether t is a number, a string or a bool.
func scalar(t ir.Type) bool { return t == ir.Number || t == ir.String || t == ir.Bool }

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
	xpos, ypos := c.pos(e.Left.Pos), c.pos(e.Right.Pos)
	switch e.Op {
	case "==", "!=":
		// A dynamic value compares with a number, a string or a bool once
		// checked to be one; two dynamic values are equal when they have
		// the same kind and value. Records and lists do not compare.
		switch {
		case tx != ir.Dynamic && !scalar(tx) || ty != ir.Dynamic && !scalar(ty):
			c.errorf(c.pos(e.Pos), "operator %s compares numbers, strings and bools, found %s and %s", e.Op, tx, ty)
			return badExpr()
		case tx == ir.Dynamic:
			x = as(x, ty, xpos)
		case ty == ir.Dynamic:
			y = as(y, tx, ypos)
		case tx != ty:
			c.errorf(c.pos(e.Pos), "cannot compare a %s with a %s using %s", tx, ty, e.Op)
			return badExpr()
		}
	default:
		if !is(x, ir.Number) || !is(y, ir.Number) {
			c.errorf(c.pos(e.Pos), "operator %s expects two numbers, found %s and %s", e.Op, tx, ty)
			return badExpr()
		}
		x, y = as(x, ir.Number, xpos), as(y, ir.Number, ypos)
	}
	return &ir.Binary{Op: e.Op, X: x, Y: y, Type: ir.Bool}
}

func (c *checker) addExpr(e *syntax.AddExpr) ir.Expr {
	x := c.mulExpr(e.Left)
	xpos := c.pos(e.Left.Pos)
	for _, r := range e.Rest {
		y := c.mulExpr(r.X)
		ypos := c.pos(r.X.Pos)
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
		case r.Op == "+" && tx == ir.Dynamic && ty == ir.Dynamic:
			// Which + it is (a sum or a concatenation) must be known.
			c.errorf(c.pos(r.Pos), "operator + on two dynamic values: convert one with num() or str()")
			x = badExpr()
		case r.Op == "+" && (tx == ir.String && ty == ir.Dynamic || tx == ir.Dynamic && ty == ir.String):
			x = &ir.Binary{Op: r.Op, X: as(x, ir.String, xpos), Y: as(y, ir.String, ypos), Type: ir.String}
		case is(x, ir.Number) && is(y, ir.Number):
			x = &ir.Binary{Op: r.Op, X: as(x, ir.Number, xpos), Y: as(y, ir.Number, ypos), Type: ir.Number}
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
	xpos := c.pos(e.Left.Pos)
	for _, r := range e.Rest {
		y := c.unaryExpr(r.X)
		if !valid(x, y) {
			x = badExpr()
			continue
		}
		if !is(x, ir.Number) || !is(y, ir.Number) {
			c.errorf(c.pos(r.Pos), "operator %s expects two numbers, found %s and %s", r.Op, x.ExprType(), y.ExprType())
			x = badExpr()
			continue
		}
		x = &ir.Binary{Op: r.Op, X: as(x, ir.Number, xpos), Y: as(y, ir.Number, c.pos(r.X.Pos)), Type: ir.Number}
	}
	return x
}

func (c *checker) unaryExpr(e *syntax.UnaryExpr) ir.Expr {
	if e.Neg != nil {
		x := c.unaryExpr(e.Neg)
		if !valid(x) {
			return x
		}
		if !is(x, ir.Number) {
			c.errorf(c.pos(e.Pos), "unary - expects a number, found %s", x.ExprType())
			return badExpr()
		}
		return &ir.Unary{Op: "-", X: as(x, ir.Number, c.pos(e.Neg.Pos)), Type: ir.Number}
	}
	return c.selectors(c.primary(e.Prim), e.Sel)
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
		if c.constant != "" {
			c.errorf(c.pos(p.Pos), "%s is a constant: it cannot read file.%s", c.constant, p.FileField.Name)
			return badExpr()
		}
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
	case p.Record != nil:
		return c.recordLit(p.Record)
	case p.List != nil:
		return c.listLit(p.List)
	case p.Name != nil:
		return c.name(p.Name)
	case p.Paren != nil:
		return c.expr(p.Paren)
	}
	return badExpr()
}

// name reads a name: the variable of an enclosing loop, which hides the
// others, a parameter, a variable, a setting, or one of the turn's names.
func (c *checker) name(id *syntax.Ident) ir.Expr {
	name := id.Name
	if c.constant != "" {
		c.errorf(c.pos(id.Pos), "%s is a constant: it cannot read %q", c.constant, name)
		return badExpr()
	}
	if l := c.loopVar(name); l != nil {
		return ref(name, ir.LoopRef, l.shape)
	}
	if prm, ok := c.params[name]; ok {
		return &ir.Ref{Name: name, Kind: ir.ParamRef, Type: prm.typ}
	}
	if v, ok := c.vars[name]; ok {
		return ref(name, ir.VarRef, v.shape())
	}
	if s, ok := c.settings[name]; ok {
		return &ir.Ref{Name: name, Kind: ir.SettingRef, Type: s.value.Type}
	}
	if t, ok := ir.TurnNames[name]; ok {
		return &ir.Ref{Name: name, Kind: ir.TurnRef, Type: t}
	}
	if name == "file" {
		c.errorf(c.pos(id.Pos), "file is not a value: use file.name, file.type or file.size")
		return badExpr()
	}
	c.misspelt(diag.Error, c.pos(id.Pos), name, c.valueNames(), "unknown variable or parameter %q", name)
	return badExpr()
}

// ref reads a name of shape s; a Ref records the shape of a record, list or
// dynamic value only.
func ref(name string, kind ir.RefKind, s ir.Shape) *ir.Ref {
	r := &ir.Ref{Name: name, Kind: kind, Type: s.Type}
	if !scalar(s.Type) {
		r.Shape = s
	}
	return r
}

// valueNames returns the names an expression may read, for hints.
func (c *checker) valueNames() []string {
	names := append(sortedKeys(c.params), sortedKeys(c.vars)...)
	names = append(names, sortedKeys(c.settings)...)
	for _, l := range c.loops {
		names = append(names, l.name)
	}
	return append(names, sortedKeys(ir.TurnNames)...)
}

// recordLit types `{k: v, ...}`.
func (c *checker) recordLit(r *syntax.RecordLit) ir.Expr {
	out := &ir.RecordLit{Pos: c.pos(r.Pos), Shape: ir.Shape{Type: ir.Record, Fields: []ir.Field{}}}
	seen := map[string]ir.Pos{}
	ok := true
	for _, f := range r.Fields {
		var name string
		if f.Key != nil {
			name = f.Key.Name
		} else {
			name = c.decodeString(f.KeyText)
		}
		pos := c.pos(f.Pos)
		v := c.expr(f.Value)
		if prev, dup := seen[name]; dup {
			c.errorf(pos, "duplicate field %q in a record (first at %s)", name, c.where(prev))
			ok = false
			continue
		}
		seen[name] = pos
		if !valid(v) {
			ok = false
			continue
		}
		out.Fields = append(out.Fields, ir.RecordEntry{Name: name, Value: v, Pos: pos})
		out.Shape.Fields = append(out.Shape.Fields, ir.Field{Name: name, Shape: ir.ShapeOf(v)})
	}
	if !ok {
		return badExpr()
	}
	return out
}

// listLit types `[a, b, ...]`: a list of the elements' shape when they
// have one, else of dynamic values.
func (c *checker) listLit(l *syntax.ListLit) ir.Expr {
	out := &ir.ListLit{Pos: c.pos(l.Pos), Elems: []ir.Expr{}}
	ok := true
	for _, e := range l.Elems {
		v := c.expr(e)
		ok = ok && valid(v)
		out.Elems = append(out.Elems, v)
	}
	if !ok {
		return badExpr()
	}
	elem := ir.Shape{Type: ir.Dynamic}
	for i, e := range out.Elems {
		s := ir.ShapeOf(e)
		if i == 0 {
			elem = s
		} else if !s.Equal(elem) {
			elem = ir.Shape{Type: ir.Dynamic}
			break
		}
	}
	out.Shape = ir.Shape{Type: ir.List, Elem: &elem}
	return out
}

// selectors applies `.field` and `[index]` to x, in order.
func (c *checker) selectors(x ir.Expr, sels []*syntax.Selector) ir.Expr {
	for _, s := range sels {
		switch {
		case s.Field != nil && !valid(x):
		case s.Field != nil:
			x = c.dot(x, s.Field)
		default:
			x = c.index(x, s)
		}
	}
	return x
}

// dot types x.name: a record's field, the field of every element of a
// list of records (a projection), or a dynamic value's, checked at run
// time.
func (c *checker) dot(x ir.Expr, id *syntax.Ident) ir.Expr {
	s, name, pos := ir.ShapeOf(x), id.Name, c.pos(id.Pos)
	out := &ir.Dot{X: x, Name: name, Pos: pos}
	switch s.Type {
	case ir.Dynamic:
		out.Shape = s
	case ir.Record:
		f, ok := c.field(s, name, pos)
		if !ok {
			return badExpr()
		}
		out.Shape = f
	case ir.List:
		out.Project = true
		elem := s.ElemShape()
		switch elem.Type {
		case ir.Dynamic:
		case ir.Record:
			f, ok := c.field(elem, name, pos)
			if !ok {
				return badExpr()
			}
			elem = f
		default:
			c.errorf(pos, "cannot read field %q of %s: its elements are not records", name, describe(s))
			return badExpr()
		}
		out.Shape = ir.Shape{Type: ir.List, Elem: &elem}
	default:
		c.errorf(pos, "cannot read field %q of %s", name, describe(s))
		return badExpr()
	}
	return out
}

// field returns the shape of the field name of the record shape s, or
// reports that it has none.
func (c *checker) field(s ir.Shape, name string, pos ir.Pos) (ir.Shape, bool) {
	if f, ok := s.Field(name); ok {
		return f, true
	}
	if s.Open {
		return s.ElemShape(), true
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name)
	}
	c.misspelt(diag.Error, pos, name, names, "unknown field %q in %s", name, describe(s))
	return ir.Shape{}, false
}

// index types x[i]: a list's element, an open record's field, or a
// record's field named by a string literal; on a dynamic value the kinds
// of both decide at run time.
func (c *checker) index(x ir.Expr, sel *syntax.Selector) ir.Expr {
	i := c.expr(sel.Index)
	if !valid(x, i) {
		return badExpr()
	}
	s, pos, ipos := ir.ShapeOf(x), c.pos(sel.Pos), c.pos(sel.Index.Pos)
	ti := i.ExprType()
	out := &ir.Index{X: x, I: i, Pos: pos}
	switch {
	case s.Type == ir.List:
		if !is(i, ir.Number) {
			c.errorf(ipos, "the index of a list must be a number, found %s", describe(ir.ShapeOf(i)))
			return badExpr()
		}
		out.I, out.Shape = as(i, ir.Number, ipos), s.ElemShape()
	case s.Type == ir.Dynamic:
		if ti != ir.Number && ti != ir.String && ti != ir.Dynamic {
			c.errorf(ipos, "an index must be a number (of a list) or a string (of a record), found %s", describe(ir.ShapeOf(i)))
			return badExpr()
		}
		out.Shape = s
	case s.Type == ir.Record && s.Open:
		if !is(i, ir.String) {
			c.errorf(ipos, "the index of a record must be a string, found %s", describe(ir.ShapeOf(i)))
			return badExpr()
		}
		out.I, out.Shape = as(i, ir.String, ipos), s.ElemShape()
	case s.Type == ir.Record:
		lit, ok := i.(*ir.Lit)
		if !ok || lit.Value.Type != ir.String {
			c.errorf(ipos, "a record of known fields is indexed by a string literal that names one (or read with .name)")
			return badExpr()
		}
		f, ok := c.field(s, lit.Value.Str, ipos)
		if !ok {
			return badExpr()
		}
		out.Shape = f
	default:
		c.errorf(pos, "cannot index %s", describe(s))
		return badExpr()
	}
	return out
}

// describe names a shape with its article, as messages do: "a number",
// "a list of string", "a record {id: number}", "a dynamic value".
func describe(s ir.Shape) string {
	switch {
	case s.Type == ir.Dynamic:
		return "a dynamic value"
	case s.Type == ir.Record && !s.Open:
		return "a record " + s.String()
	}
	return "a " + s.String()
}
