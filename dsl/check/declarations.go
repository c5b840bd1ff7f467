package check

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/nlu"
)

// builtinEntities are the entities every bot has.
var builtinEntities = map[string]bool{"number": true, "datetime": true, "any": true}

// declare records every declared name, so that later passes can resolve
// references whatever the declaration order.
func (c *checker) declare(f *syntax.File) {
	for _, d := range f.Decls {
		switch {
		case d.Entity != nil:
			c.entity(d.Entity)
		case d.State != nil:
			s := d.State
			name, pos := s.Name.Name, toPos(s.Name.Pos)
			if prev, ok := c.states[name]; ok {
				c.errorf(pos, "duplicate state %q (first declared at %s)", name, c.where(prev.pos))
				continue
			}
			c.states[name] = &stateInfo{decl: s, pos: pos, index: len(c.states)}
		}
	}
	for _, d := range f.Decls {
		if d.Intent != nil {
			c.intent(d.Intent)
		}
	}
	for _, d := range f.Decls {
		if d.Var != nil {
			c.varDecl(d.Var)
		}
	}
	for _, d := range f.Decls {
		if d.Setting != nil {
			c.setting(d.Setting)
		}
	}
}

func (c *checker) entity(e *syntax.EntityDecl) {
	name, pos := e.Name.Name, toPos(e.Name.Pos)
	if builtinEntities[name] {
		c.errorf(pos, "entity %q has the name of a built-in entity", name)
		return
	}
	if prev, ok := c.entities[name]; ok {
		c.errorf(pos, "duplicate entity %q (first declared at %s)", name, c.where(prev))
		return
	}
	c.entities[name] = pos
	ent := ir.Entity{Entity: nlu.Entity{Name: name, Fuzzy: e.Fuzzy}, Pos: pos}
	if e.Regex != nil {
		ent.Regex = e.Regex.Pattern()
		rp := toPos(e.Regex.Pos)
		if e.Fuzzy {
			c.errorf(rp, "entity %q: fuzzy applies to values, not to a regular expression", name)
		}
		if re, err := regexp.Compile(ent.Regex); err != nil {
			c.errorf(rp, "entity %q: bad regular expression: %v", name, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		} else if re.MatchString("") {
			c.errorf(rp, "entity %q: the regular expression matches the empty text", name)
		}
		c.bot.Entities = append(c.bot.Entities, ent)
		return
	}
	seen := map[string]ir.Pos{}
	for _, en := range e.Entries {
		v := nlu.EntityValue{Canonical: c.decodeString(en.Canonical)}
		for _, s := range en.Synonyms {
			v.Synonyms = append(v.Synonyms, c.decodeString(s))
		}
		for i, w := range append([]string{v.Canonical}, v.Synonyms...) {
			p := toPos(en.Canonical.Pos)
			if i > 0 {
				p = toPos(en.Synonyms[i-1].Pos)
			}
			key := strings.ToLower(strings.TrimSpace(w))
			if key == "" {
				c.errorf(p, "empty value in entity %q", name)
				continue
			}
			if prev, ok := seen[key]; ok {
				c.errorf(p, "duplicate value %q in entity %q (first at %s)", w, name, c.where(prev))
				continue
			}
			seen[key] = p
		}
		ent.Values = append(ent.Values, v)
	}
	if len(e.Entries) == 0 {
		c.errorf(pos, "entity %q has no values", name)
	}
	c.bot.Entities = append(c.bot.Entities, ent)
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (c *checker) intent(d *syntax.IntentDecl) {
	name, pos := d.Name.Name, toPos(d.Name.Pos)
	if prev, ok := c.intents[name]; ok {
		c.errorf(pos, "duplicate intent %q (first declared at %s)", name, c.where(prev.pos))
		return
	}
	info := &intentInfo{pos: pos, params: map[string]*nlu.Param{}}
	c.intents[name] = info
	in := ir.Intent{Intent: nlu.Intent{Name: name}, Pos: pos}
	paramPos := map[string]ir.Pos{}
	for _, it := range d.Items {
		p := it.Param
		if p == nil {
			continue
		}
		pname, ppos := p.Name.Name, toPos(p.Name.Pos)
		if prev, ok := paramPos[pname]; ok {
			c.errorf(ppos, "duplicate parameter %q in intent %q (first declared at %s)", pname, name, c.where(prev))
			continue
		}
		paramPos[pname] = ppos
		if pname == "file" {
			c.errorf(ppos, "a parameter cannot be called %q: it is the received file", pname)
		}
		ent := p.Entity.Name
		typ := ir.String
		if ent == "number" {
			typ = ir.Number
		}
		if _, ok := c.entities[ent]; !ok && !builtinEntities[ent] {
			c.misspelt(diag.Error, toPos(p.Entity.Pos), ent, append(sortedKeys(c.entities), "any", "datetime", "number"), "unknown entity %q", ent)
		}
		if other, ok := c.params[pname]; ok {
			if other.typ != typ {
				c.errorf(ppos, "parameter %q is a %s here but a %s in intent %q (%s)", pname, typ, other.typ, other.intent, c.where(other.pos))
			}
		} else {
			c.params[pname] = &paramInfo{typ: typ, entity: ent, intent: name, pos: ppos}
		}
		prm := nlu.Param{Name: pname, Entity: ent}
		info.params[pname] = &prm
		in.Params = append(in.Params, prm)
	}
	used := map[string]bool{}
	for _, it := range d.Items {
		s := it.Sentence
		if s == nil {
			continue
		}
		text, charPos := c.decodeWithPos(s)
		if strings.TrimSpace(text) == "" {
			c.errorf(toPos(s.Pos), "empty training sentence in intent %q", name)
		}
		// Placeholders are read as the classifier reads them.
		for _, ph := range nlu.Placeholders(text) {
			pn := text[ph.Start+1 : ph.End-1]
			at := toPos(s.Pos)
			if idx := utf8.RuneCountInString(text[:ph.Start]); idx < len(charPos) {
				at = charPos[idx]
			}
			if !identRE.MatchString(pn) {
				c.errorf(at, "invalid parameter placeholder {%s} in a sentence of intent %q", pn, name)
				continue
			}
			if _, ok := paramPos[pn]; !ok {
				c.errorf(at, "parameter %q is used in a sentence but not declared in intent %q", pn, name)
				continue
			}
			used[pn] = true
		}
		in.Sentences = append(in.Sentences, text)
	}
	if len(in.Sentences) == 0 {
		c.errorf(pos, "intent %q has no training sentences", name)
	}
	for _, p := range in.Params {
		if !used[p.Name] && len(in.Sentences) > 0 {
			c.errorf(paramPos[p.Name], "parameter %q of intent %q is not used in any sentence", p.Name, name)
		}
	}
	c.bot.Intents = append(c.bot.Intents, in)
}

func (c *checker) varDecl(d *syntax.VarDecl) {
	name, pos := d.Name.Name, toPos(d.Name.Pos)
	if prev, ok := c.vars[name]; ok {
		c.errorf(pos, "duplicate variable %q (first declared at %s)", name, c.where(prev.pos))
		return
	}
	if p, ok := c.params[name]; ok {
		c.errorf(pos, "variable %q has the name of a parameter of intent %q (%s)", name, p.intent, c.where(p.pos))
		return
	}
	if name == "file" {
		c.errorf(pos, "variable %q has the name of the received file", name)
		return
	}
	v := c.literal(d.Value)
	c.vars[name] = &varInfo{typ: v.Type, pos: pos, declared: true}
	c.bot.Vars = append(c.bot.Vars, ir.Var{Name: name, Init: v, Shape: ir.Shape{Type: v.Type}, Pos: pos})
}

func (c *checker) literal(l *syntax.Literal) ir.Value {
	switch {
	case l.Num != nil:
		return ir.Value{Type: ir.Number, Num: c.number(*l.Num, toPos(l.Pos))}
	case l.Str != nil:
		return ir.Value{Type: ir.String, Str: c.decodeString(l.Str)}
	case l.Bool != nil:
		return ir.Value{Type: ir.Bool, Bool: *l.Bool == "true"}
	}
	return ir.Value{}
}

func (c *checker) number(text string, pos ir.Pos) float64 {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		c.errorf(pos, "number %s is out of range", text)
		return 0
	}
	return f
}

// setSite is a set statement and the for loops around it, outermost
// first.
type setSite struct {
	set   *syntax.SetStmt
	loops []*syntax.ForStmt
}

// setStmts returns every set statement in source order.
func setStmts(f *syntax.File) []setSite {
	var out []setSite
	var walk func(ss []*syntax.Stmt, loops []*syntax.ForStmt)
	walk = func(ss []*syntax.Stmt, loops []*syntax.ForStmt) {
		for _, s := range ss {
			switch {
			case s.Set != nil:
				out = append(out, setSite{s.Set, loops})
			case s.If != nil:
				for i := s.If; i != nil; i = i.ElseIf {
					if i.Then != nil {
						walk(i.Then.Stmts, loops)
					}
					if i.Else != nil {
						walk(i.Else.Stmts, loops)
					}
				}
			case s.For != nil && s.For.Body != nil:
				walk(s.For.Body.Stmts, append(loops[:len(loops):len(loops)], s.For))
			}
		}
	}
	for _, d := range f.Decls {
		switch {
		case d.State != nil:
			for _, it := range d.State.Items {
				if it.Stmt != nil {
					walk([]*syntax.Stmt{it.Stmt}, nil)
				}
				if it.Fallback != nil {
					walk(it.Fallback.Stmts, nil)
				}
			}
		case d.Fallback != nil:
			walk(d.Fallback.Stmts, nil)
		}
	}
	return out
}

// inferSetVars introduces the variables that `set` creates without a `var`,
// typed by the first assigned expression whose type can be found; repeated
// until nothing changes, so that a set may use a variable set later in the
// source.
func (c *checker) inferSetVars(f *syntax.File) {
	sites := setStmts(f)
	first := map[string]int{}
	for i, site := range sites {
		if s := site.set; s.Field == nil {
			if _, ok := first[s.Name.Name]; !ok {
				first[s.Name.Name] = i
			}
		}
	}
	c.quiet++
	defer func() { c.quiet-- }()
	for changed := true; changed; {
		changed = false
		for _, site := range sites {
			s, name := site.set, site.set.Name.Name
			if s.Field != nil || c.vars[name] != nil || c.params[name] != nil || c.settings[name] != nil || name == "file" {
				continue
			}
			shape, ok := c.inLoops(site.loops, name, func() ir.Shape { return ir.ShapeOf(c.expr(s.Value)) })
			if ok && shape.Type != ir.Invalid {
				i := first[name]
				v := newVar(shape, toPos(sites[i].set.Name.Pos))
				v.order = i
				c.vars[name] = v
				changed = true
			}
		}
	}
}

// inLoops returns what f finds with the variables of loops in scope, as
// they are where a set of name stands; false when a loop's list cannot be
// typed yet, or a loop's variable is name (which set cannot assign).
func (c *checker) inLoops(loops []*syntax.ForStmt, name string, f func() ir.Shape) (ir.Shape, bool) {
	saved := c.loops
	defer func() { c.loops = saved }()
	for _, l := range loops {
		list := c.expr(l.List)
		elem, ok := loopElem(list)
		if !ok || l.Var.Name == name {
			return ir.Shape{}, false
		}
		c.loops = append(c.loops, loopVar{name: l.Var.Name, shape: elem, pos: toPos(l.Var.Pos)})
	}
	return f(), true
}

func (c *checker) finishVars() {
	var intro []ir.Var
	var order []int
	for name, v := range c.vars {
		if v.declared {
			continue
		}
		intro = append(intro, ir.Var{Name: name, Init: ir.Value{Type: v.typ}, Shape: v.shape(), Pos: v.pos})
		order = append(order, v.order)
	}
	sort.Sort(byOrder{intro, order})
	c.bot.Vars = append(c.bot.Vars, intro...)
}

type byOrder struct {
	v []ir.Var
	o []int
}

func (b byOrder) Len() int           { return len(b.v) }
func (b byOrder) Less(i, j int) bool { return b.o[i] < b.o[j] }
func (b byOrder) Swap(i, j int) {
	b.v[i], b.v[j] = b.v[j], b.v[i]
	b.o[i], b.o[j] = b.o[j], b.o[i]
}
