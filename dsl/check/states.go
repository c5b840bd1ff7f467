package check

import (
	"regexp"
	"strings"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/config"
)

func (c *checker) global(g *syntax.GlobalDecl) {
	in, target := g.Intent.Name, g.Target.Name
	ok := true
	if info, found := c.intents[in]; !found {
		c.misspelt(diag.Error, toPos(g.Intent.Pos), in, sortedKeys(c.intents), "unknown intent %q", in)
		ok = false
	} else {
		info.used = true
	}
	if _, found := c.states[target]; !found {
		c.misspelt(diag.Error, toPos(g.Target.Pos), target, sortedKeys(c.states), "unknown state %q", target)
		ok = false
	}
	for _, prev := range c.bot.Globals {
		if prev.Intent == in {
			c.errorf(toPos(g.Intent.Pos), "intent %q is already global", in)
			ok = false
		}
	}
	if ok {
		c.bot.Globals = append(c.bot.Globals, ir.Global{Intent: in, Target: target})
	}
}

func (c *checker) stateRef(id *syntax.Ident) string {
	if _, ok := c.states[id.Name]; !ok {
		c.misspelt(diag.Error, toPos(id.Pos), id.Name, sortedKeys(c.states), "unknown state %q", id.Name)
	}
	return id.Name
}

var mimeRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*|\*)/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*|\*)$`)

func (c *checker) state(d *syntax.StateDecl) {
	name := d.Name.Name
	if info := c.states[name]; info == nil || info.decl != d {
		return // a duplicate, already reported
	}
	st := ir.State{Name: name, Pos: toPos(d.Name.Pos)}
	var fallbackPos, onErrorPos *ir.Pos
	for _, it := range d.Items {
		pos := toPos(it.Pos)
		switch {
		case it.On != nil && it.On.Error:
			if onErrorPos != nil {
				c.errorf(pos, "duplicate on error in state %q (first at %s)", name, c.where(*onErrorPos))
				continue
			}
			onErrorPos = &pos
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.OnError, Target: c.stateRef(it.On.Target), Pos: pos})
		case it.On != nil && it.On.File:
			t := ir.Transition{Kind: ir.OnFile, Target: c.stateRef(it.On.Target), Pos: pos}
			for _, m := range it.On.MIME {
				mt := c.decodeString(m)
				if !mimeRE.MatchString(mt) || strings.HasPrefix(mt, "*/") && mt != "*/*" {
					c.errorf(toPos(m.Pos), "invalid MIME type %q (want type/subtype, type/* or */*)", mt)
				}
				t.MIMETypes = append(t.MIMETypes, mt)
			}
			st.Transitions = append(st.Transitions, t)
		case it.On != nil:
			in := it.On.Intent.Name
			if info, ok := c.intents[in]; !ok {
				c.misspelt(diag.Error, toPos(it.On.Intent.Pos), in, sortedKeys(c.intents), "unknown intent %q", in)
			} else {
				info.used = true
			}
			for _, prev := range st.Transitions {
				if prev.Kind == ir.OnIntent && prev.Intent == in {
					c.warnf(toPos(it.On.Intent.Pos), "intent %q already has a transition in state %q; this one never fires", in, name)
				}
			}
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.OnIntent, Intent: in, Target: c.stateRef(it.On.Target), Pos: pos})
		case it.When != nil:
			cond := c.condition(c.expr(it.When.Cond), toPos(it.When.Cond.Pos), "the condition of when")
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.When, Cond: cond, CondText: syntax.ExprText(c.src, it.When.Cond), Target: c.stateRef(it.When.Target), Pos: pos})
		case it.Otherwise != nil:
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.Otherwise, Target: c.stateRef(it.Otherwise), Pos: pos})
		case it.Go != nil:
			t := ir.Transition{Kind: ir.GoBack, Pos: pos}
			if !it.Go.Back {
				t.Kind, t.Target = ir.Go, c.stateRef(it.Go.Target)
			}
			if it.Go.Cond != nil {
				t.Cond = c.condition(c.expr(it.Go.Cond), toPos(it.Go.Cond.Pos), "the condition of go")
				t.CondText = syntax.ExprText(c.src, it.Go.Cond)
			}
			st.Transitions = append(st.Transitions, t)
		case it.Fallback != nil:
			if fallbackPos != nil {
				c.errorf(pos, "duplicate fallback in state %q (first at %s)", name, c.where(*fallbackPos))
				continue
			}
			fallbackPos = &pos
			st.HasFallback = true
			st.Fallback = c.block(it.Fallback, "fallback")
			if st.Fallback == nil {
				st.Fallback = []ir.Stmt{}
			}
		case it.Stmt != nil:
			if s := c.stmt(it.Stmt); s != nil {
				st.Body = append(st.Body, s)
			}
		}
	}
	c.bot.States = append(c.bot.States, st)
}

// block checks the statements of a block; what names the block in the
// empty-block warning.
func (c *checker) block(b *syntax.Block, what string) []ir.Stmt {
	if len(b.Stmts) == 0 {
		c.warnf(toPos(b.Pos), "empty %s block", what)
		return nil
	}
	var out []ir.Stmt
	for _, s := range b.Stmts {
		if st := c.stmt(s); st != nil {
			out = append(out, st)
		}
	}
	return out
}

func (c *checker) stmt(s *syntax.Stmt) ir.Stmt {
	switch {
	case s.Reply != nil:
		return c.reply(s.Reply)
	case s.Set != nil:
		return c.set(s.Set)
	case s.If != nil:
		return c.ifStmt(s.If)
	case s.For != nil:
		return c.forStmt(s.For)
	}
	return nil
}

// loopVar returns the variable of the innermost enclosing loop called
// name, or nil.
func (c *checker) loopVar(name string) *loopVar {
	for i := len(c.loops) - 1; i >= 0; i-- {
		if c.loops[i].name == name {
			return &c.loops[i]
		}
	}
	return nil
}

// loopElem returns the shape of the elements of list, a loop's list: a
// list's element, or a dynamic value (that must be a list at run time);
// false when list cannot be looped over.
func loopElem(list ir.Expr) (ir.Shape, bool) {
	switch s := ir.ShapeOf(list); s.Type {
	case ir.List:
		return s.ElemShape(), true
	case ir.Dynamic:
		return s, true
	}
	return ir.Shape{}, false
}

// forStmt checks `for x in LIST { ... }`: x, in the body only, hides any
// other name but an enclosing loop's variable.
func (c *checker) forStmt(s *syntax.ForStmt) ir.Stmt {
	list := c.expr(s.List)
	name, pos := s.Var.Name, toPos(s.Var.Pos)
	elem, ok := loopElem(list)
	if !ok && valid(list) {
		c.errorf(toPos(s.List.Pos), "for loops over a list, found %s", describe(ir.ShapeOf(list)))
	}
	if !ok {
		// The body is still checked, its variable of a shape that
		// reports nothing more.
		elem = ir.Shape{Type: ir.Dynamic}
	}
	switch outer := c.loopVar(name); {
	case name == "file":
		c.errorf(pos, "a loop variable cannot be called %q: it is the received file", name)
		ok = false
	case outer != nil:
		c.errorf(pos, "loop variable %q is already the variable of the loop at %s", name, c.where(outer.pos))
		ok = false
	}
	c.loops = append(c.loops, loopVar{name: name, shape: elem, pos: pos})
	var body []ir.Stmt
	if s.Body != nil {
		body = c.block(s.Body, "for")
	}
	c.loops = c.loops[:len(c.loops)-1]
	if !ok {
		return nil
	}
	if body == nil {
		body = []ir.Stmt{}
	}
	return &ir.For{Var: name, List: list, Elem: elem, Body: body, Pos: toPos(s.Pos)}
}

func (c *checker) set(s *syntax.SetStmt) ir.Stmt {
	name, pos := s.Name.Name, toPos(s.Name.Pos)
	value := c.expr(s.Value)
	if s.Field != nil {
		if name == "file" {
			c.errorf(pos, "cannot set file.%s: the fields of the received file are read-only", s.Field.Name)
		} else {
			c.errorf(pos, "cannot set %s.%s: only plain variables can be set", name, s.Field.Name)
		}
		return nil
	}
	if name == "file" {
		c.errorf(pos, "cannot set file: it is the received file")
		return nil
	}
	if l := c.loopVar(name); l != nil {
		c.errorf(pos, "cannot set loop variable %q: it holds each element of the loop's list in turn", name)
		return nil
	}
	if p, ok := c.params[name]; ok {
		c.errorf(pos, "cannot set parameter %q of intent %q: parameters are set when the intent is recognised", name, p.intent)
		return nil
	}
	v, ok := c.vars[name]
	if _, isSetting := c.settings[name]; isSetting && !ok {
		c.errorf(pos, "cannot set setting %q: settings are read-only (they are overridden when the bot starts: --set %s=..., %s)", name, name, config.EnvName(name))
		return nil
	}
	if !ok {
		// The value's type could not be found: its errors are reported above.
		return nil
	}
	if valid(value) {
		vpos := toPos(s.Value.Pos)
		switch fit(ir.ShapeOf(value), v.shape(), false) {
		case fitsNot:
			c.errorf(vpos, "cannot assign %s to variable %q, which is %s", describe(ir.ShapeOf(value)), name, describe(v.shape()))
		case fitsChecked:
			value = &ir.Assert{X: value, Shape: v.shape(), Pos: vpos}
		}
	}
	return &ir.Set{Var: name, Value: value, Pos: toPos(s.Pos)}
}

func (c *checker) ifStmt(s *syntax.IfStmt) ir.Stmt {
	cond := c.condition(c.expr(s.Cond), toPos(s.Cond.Pos), "the condition of if")
	out := &ir.If{Cond: cond, Then: c.block(s.Then, "if"), Pos: toPos(s.Pos)}
	if out.Then == nil {
		out.Then = []ir.Stmt{}
	}
	switch {
	case s.ElseIf != nil:
		out.Else = []ir.Stmt{c.ifStmt(s.ElseIf)}
	case s.Else != nil:
		out.Else = c.block(s.Else, "else")
		if out.Else == nil {
			out.Else = []ir.Stmt{}
		}
	}
	return out
}

// condition checks that e, what at pos, is a bool, and returns it (a
// dynamic value checked at run time to be one).
func (c *checker) condition(e ir.Expr, pos ir.Pos, what string) ir.Expr {
	if t := e.ExprType(); t != ir.Invalid && !is(e, ir.Bool) {
		c.errorf(pos, "%s must be a bool, found a %s", what, t)
	}
	return as(e, ir.Bool, pos)
}

// botFallback checks the bot-wide fallback block.
func (c *checker) botFallback(d *syntax.Decl) {
	if c.bot.Fallback != nil {
		c.errorf(toPos(d.Pos), "duplicate bot-wide fallback")
	}
	c.bot.Fallback = c.block(d.Fallback, "fallback")
	if c.bot.Fallback == nil {
		c.bot.Fallback = []ir.Stmt{}
	}
}
