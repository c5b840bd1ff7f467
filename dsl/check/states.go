package check

import (
	"regexp"
	"strings"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

func (c *checker) global(g *syntax.GlobalDecl) {
	in, target := g.Intent.Name, g.Target.Name
	ok := true
	if info, found := c.intents[in]; !found {
		c.errorf(toPos(g.Intent.Pos), "unknown intent %q%s", in, didYouMean(in, sortedKeys(c.intents)))
		ok = false
	} else {
		info.used = true
	}
	if _, found := c.states[target]; !found {
		c.errorf(toPos(g.Target.Pos), "unknown state %q%s", target, didYouMean(target, sortedKeys(c.states)))
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
		c.errorf(toPos(id.Pos), "unknown state %q%s", id.Name, didYouMean(id.Name, sortedKeys(c.states)))
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
	var fallbackPos *ir.Pos
	for _, it := range d.Items {
		pos := toPos(it.Pos)
		switch {
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
				c.errorf(toPos(it.On.Intent.Pos), "unknown intent %q%s", in, didYouMean(in, sortedKeys(c.intents)))
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
			cond := c.expr(it.When.Cond)
			c.wantBool(cond, toPos(it.When.Cond.Pos), "the condition of when")
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.When, Cond: cond, Target: c.stateRef(it.When.Target), Pos: pos})
		case it.Otherwise != nil:
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.Otherwise, Target: c.stateRef(it.Otherwise), Pos: pos})
		case it.Go != nil && it.Go.Back:
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.GoBack, Pos: pos})
		case it.Go != nil:
			st.Transitions = append(st.Transitions, ir.Transition{Kind: ir.Go, Target: c.stateRef(it.Go.Target), Pos: pos})
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
	}
	return nil
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
	if p, ok := c.params[name]; ok {
		c.errorf(pos, "cannot set parameter %q of intent %q: parameters are set when the intent is recognised", name, p.intent)
		return nil
	}
	v, ok := c.vars[name]
	if !ok {
		// The value's type could not be found: its errors are reported above.
		return nil
	}
	if t := value.ExprType(); t != ir.Invalid && t != v.typ {
		c.errorf(toPos(s.Value.Pos), "cannot assign a %s to variable %q, which is a %s", t, name, v.typ)
	}
	return &ir.Set{Var: name, Value: value, Pos: toPos(s.Pos)}
}

func (c *checker) ifStmt(s *syntax.IfStmt) ir.Stmt {
	cond := c.expr(s.Cond)
	c.wantBool(cond, toPos(s.Cond.Pos), "the condition of if")
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

func (c *checker) wantBool(e ir.Expr, pos ir.Pos, what string) {
	if t := e.ExprType(); t != ir.Invalid && t != ir.Bool {
		c.errorf(pos, "%s must be a bool, found a %s", what, t)
	}
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
