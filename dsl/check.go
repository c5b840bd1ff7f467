package dsl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/spelling"
)

// CheckOptions tells Check where the files a bot references live.
type CheckOptions struct {
	// Dir is the bot's folder: referenced files are named relative to it,
	// and must be inside it.
	Dir string
	// ReadFile reads a referenced file, given Dir joined with its path; nil
	// reads regular files from disk, following symbolic links only while
	// they stay inside Dir. The rules on absolute paths and ".." apply to
	// any ReadFile.
	ReadFile func(path string) ([]byte, error)
	// AllowOutside names folders, besides Dir, that referenced files may be
	// in (by an absolute path or a ".." path, or through a link).
	AllowOutside []string
	// MaxSourceSize is the largest .bot file Load reads, in bytes; 0 means
	// DefaultMaxSourceSize.
	MaxSourceSize int
}

// Load reads, parses and checks the .bot file at path. opts.Dir, when
// empty, is the file's folder.
func Load(path string, opts CheckOptions) (*ir.Bot, Diagnostics) {
	src, diags := syntax.ReadSource(path, opts.MaxSourceSize)
	if diags != nil {
		return nil, diags
	}
	f, diags := syntax.ParseLimited(path, src, opts.MaxSourceSize)
	if diags.HasErrors() {
		return nil, diags
	}
	if opts.Dir == "" {
		opts.Dir = filepath.Dir(path)
	}
	return Check(f, src, opts)
}

// builtinEntities are the entities every bot has.
var builtinEntities = map[string]bool{"number": true, "datetime": true, "any": true}

type intentInfo struct {
	pos    ir.Pos
	params map[string]*ir.Param
	used   bool
}

type paramInfo struct {
	typ    ir.Type
	entity string
	intent string
	pos    ir.Pos
}

type varInfo struct {
	typ      ir.Type
	pos      ir.Pos
	declared bool // by `var`; otherwise introduced by `set`
	order    int
}

type stateInfo struct {
	decl  *syntax.StateDecl
	pos   ir.Pos
	index int
}

type checker struct {
	filename string
	diags    Diagnostics
	quiet    int
	posFn    func(lexer.Position) ir.Pos
	bot      *ir.Bot

	entities map[string]ir.Pos
	intents  map[string]*intentInfo
	params   map[string]*paramInfo
	vars     map[string]*varInfo
	states   map[string]*stateInfo
	files    map[fileKey]*loadedFile
	loader   *assets.Loader
}

func (c *checker) report(d Diagnostic) {
	if c.quiet == 0 {
		c.diags = append(c.diags, d)
	}
}

func (c *checker) errorf(pos ir.Pos, format string, args ...any) {
	c.report(Diagnostic{Pos: pos, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(pos ir.Pos, format string, args ...any) {
	c.report(Diagnostic{Pos: pos, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// pos converts a syntax position; inside an interpolation it maps back into
// the string literal.
func (c *checker) pos(p lexer.Position) ir.Pos {
	if c.posFn != nil {
		return c.posFn(p)
	}
	return toPos(p)
}

func (c *checker) where(p ir.Pos) string {
	return fmt.Sprintf("%s:%d:%d", filepath.Base(p.File), p.Line, p.Col)
}

// Check resolves the names of a parsed bot, types its expressions, loads
// and validates the files it references, and returns the resolved model.
// The model is complete only when the diagnostics hold no error.
func Check(f *syntax.File, src []byte, opts CheckOptions) (bot *ir.Bot, diags Diagnostics) {
	if f == nil || f.Name == nil {
		return nil, Diagnostics{{Pos: ir.Pos{Line: 1, Col: 1}, Severity: Error, Message: "nothing to check"}}
	}
	filename := f.Pos.Filename
	if filename == "" {
		filename = f.Name.Pos.Filename
	}
	c := &checker{
		filename: filename,
		entities: map[string]ir.Pos{},
		intents:  map[string]*intentInfo{},
		params:   map[string]*paramInfo{},
		vars:     map[string]*varInfo{},
		states:   map[string]*stateInfo{},
		files:    map[fileKey]*loadedFile{},
		loader:   &assets.Loader{Dir: opts.Dir, ReadFile: opts.ReadFile, AllowOutside: opts.AllowOutside},
	}
	defer func() {
		if r := recover(); r != nil {
			bot = nil
			diags = append(c.diags, Diagnostic{Pos: ir.Pos{File: filename, Line: 1, Col: 1}, Severity: Error, Message: fmt.Sprintf("internal checker error: %v", r)})
			diags.Sort()
		}
	}()
	sum := sha256.Sum256(src)
	c.bot = &ir.Bot{
		Name:       f.Name.Name,
		SourceFile: filepath.Base(filename),
		SourceHash: hex.EncodeToString(sum[:]),
	}
	c.declare(f)
	c.inferSetVars(f)
	var cfgBlock *syntax.ConfigBlock
	for _, d := range f.Decls {
		switch {
		case d.Config != nil:
			if cfgBlock != nil {
				c.errorf(toPos(d.Config.Pos), "duplicate config block (first at %s)", c.where(toPos(cfgBlock.Pos)))
			} else {
				cfgBlock = d.Config
			}
			c.config(d.Config)
		case d.Global != nil:
			c.global(d.Global)
		case d.State != nil:
			c.state(d.State)
		case d.Fallback != nil:
			if c.bot.Fallback != nil {
				c.errorf(toPos(d.Pos), "duplicate bot-wide fallback")
			}
			c.bot.Fallback = c.block(d.Fallback, "fallback")
			if c.bot.Fallback == nil {
				c.bot.Fallback = []ir.Stmt{}
			}
		case d.Test != nil:
			c.test(d.Test)
		}
	}
	c.finishVars()
	c.audioChecks()
	c.graph(f)
	c.unusedIntents()
	c.sameSentences(f)
	c.diags.Sort()
	return c.bot, c.diags
}

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
	ent := ir.Entity{Name: name, Pos: pos, Fuzzy: e.Fuzzy}
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
		v := ir.EntityValue{Canonical: c.decodeString(en.Canonical)}
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

// placeholderRE finds a placeholder as the classifier does: from a brace to
// the next closing one.
var placeholderRE = regexp.MustCompile(`\{([^}]*)\}`)
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (c *checker) intent(d *syntax.IntentDecl) {
	name, pos := d.Name.Name, toPos(d.Name.Pos)
	if prev, ok := c.intents[name]; ok {
		c.errorf(pos, "duplicate intent %q (first declared at %s)", name, c.where(prev.pos))
		return
	}
	info := &intentInfo{pos: pos, params: map[string]*ir.Param{}}
	c.intents[name] = info
	in := ir.Intent{Name: name, Pos: pos}
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
			c.errorf(toPos(p.Entity.Pos), "unknown entity %q%s", ent, didYouMean(ent, append(sortedKeys(c.entities), "any", "datetime", "number")))
		}
		if other, ok := c.params[pname]; ok {
			if other.typ != typ {
				c.errorf(ppos, "parameter %q is a %s here but a %s in intent %q (%s)", pname, typ, other.typ, other.intent, c.where(other.pos))
			}
		} else {
			c.params[pname] = &paramInfo{typ: typ, entity: ent, intent: name, pos: ppos}
		}
		prm := ir.Param{Name: pname, Entity: ent, Type: typ}
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
		for _, m := range placeholderRE.FindAllStringSubmatchIndex(text, -1) {
			pn := text[m[2]:m[3]]
			at := toPos(s.Pos)
			if idx := utf8.RuneCountInString(text[:m[0]]); idx < len(charPos) {
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
	c.bot.Vars = append(c.bot.Vars, ir.Var{Name: name, Init: v, Pos: pos})
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

// setStmts returns every set statement in source order.
func setStmts(f *syntax.File) []*syntax.SetStmt {
	var out []*syntax.SetStmt
	var walk func(ss []*syntax.Stmt)
	walk = func(ss []*syntax.Stmt) {
		for _, s := range ss {
			switch {
			case s.Set != nil:
				out = append(out, s.Set)
			case s.If != nil:
				for i := s.If; i != nil; i = i.ElseIf {
					if i.Then != nil {
						walk(i.Then.Stmts)
					}
					if i.Else != nil {
						walk(i.Else.Stmts)
					}
				}
			}
		}
	}
	for _, d := range f.Decls {
		switch {
		case d.State != nil:
			for _, it := range d.State.Items {
				if it.Stmt != nil {
					walk([]*syntax.Stmt{it.Stmt})
				}
				if it.Fallback != nil {
					walk(it.Fallback.Stmts)
				}
			}
		case d.Fallback != nil:
			walk(d.Fallback.Stmts)
		}
	}
	return out
}

// inferSetVars introduces the variables that `set` creates without a `var`,
// typed by the first assigned expression whose type can be found; repeated
// until nothing changes, so that a set may use a variable set later in the
// source.
func (c *checker) inferSetVars(f *syntax.File) {
	sets := setStmts(f)
	first := map[string]int{}
	for i, s := range sets {
		if _, ok := first[s.Name.Name]; !ok && s.Field == nil {
			first[s.Name.Name] = i
		}
	}
	c.quiet++
	defer func() { c.quiet-- }()
	for changed := true; changed; {
		changed = false
		for _, s := range sets {
			name := s.Name.Name
			if s.Field != nil || c.vars[name] != nil || c.params[name] != nil || name == "file" {
				continue
			}
			if t := c.expr(s.Value).ExprType(); t != ir.Invalid {
				i := first[name]
				c.vars[name] = &varInfo{typ: t, pos: toPos(sets[i].Name.Pos), order: i}
				changed = true
			}
		}
	}
}

func (c *checker) finishVars() {
	var intro []ir.Var
	var order []int
	for name, v := range c.vars {
		if v.declared {
			continue
		}
		intro = append(intro, ir.Var{Name: name, Init: ir.Value{Type: v.typ}, Pos: v.pos})
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

func (c *checker) config(b *syntax.ConfigBlock) {
	cfg := config.Default()
	seen := map[string]ir.Pos{}
	for _, e := range b.Entries {
		pos := toPos(e.Pos)
		if prev, ok := seen[e.Key]; ok {
			c.errorf(pos, "duplicate config key %s (first at %s)", e.Key, c.where(prev))
			continue
		}
		seen[e.Key] = pos
		key, ok := config.Lookup(e.Key)
		if !ok {
			c.warnf(pos, "unknown config key %q; it is ignored%s", e.Key, didYouMean(e.Key, configKeyNames()))
			continue
		}
		var value, found string
		v := e.Value
		switch {
		case v.IsList:
			var parts []string
			for _, s := range v.List {
				str := c.decodeString(s)
				if strings.Contains(str, ",") {
					c.errorf(toPos(s.Pos), "a list item of config key %s cannot contain a comma", e.Key)
				}
				parts = append(parts, str)
			}
			value, found = strings.Join(parts, ","), "list"
		case v.Lit.Num != nil:
			value, found = *v.Lit.Num, "number"
		case v.Lit.Str != nil:
			value, found = c.decodeString(v.Lit.Str), "string"
		case v.Lit.Bool != nil:
			value, found = *v.Lit.Bool, "bool"
		}
		want := map[config.Kind]string{config.String: "string", config.Int: "number", config.Float: "number", config.Bool: "bool", config.List: "list"}[key.Kind]
		if want != found && !(key.Kind == config.List && found == "string") {
			c.errorf(toPos(v.Pos), "config key %s expects a %s, found a %s", e.Key, key.Kind, found)
			continue
		}
		if err := config.Check(key.Kind, value); err != nil {
			c.errorf(toPos(v.Pos), "invalid value for config key %s: %v", e.Key, err)
			continue
		}
		if err := cfg.Set(e.Key, value); err != nil {
			c.errorf(toPos(v.Pos), "invalid value for config key %s: %s", e.Key, strings.TrimPrefix(err.Error(), "config key "+e.Key+": "))
			continue
		}
		c.bot.Config = append(c.bot.Config, ir.ConfigEntry{Key: e.Key, Value: value, Pos: pos})
		if e.Key == "ui.avatar" && value != "" {
			// The avatar is an image in the bot's folder, embedded like
			// the images of `reply image`.
			c.bot.Avatar = c.image(v.Lit.Str)
		}
	}
}

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

func (c *checker) reply(r *syntax.ReplyStmt) ir.Stmt {
	out := &ir.Reply{Pos: toPos(r.Pos)}
	switch {
	case r.Markdown != nil:
		out.Kind, out.Text = ir.ReplyMarkdown, c.template(r.Markdown)
	case r.HTML != nil:
		out.Kind, out.Text = ir.ReplyHTML, c.template(r.HTML)
	case r.Text != nil:
		out.Kind, out.Text = ir.ReplyStr, c.template(r.Text)
	case r.Options != nil:
		out.Kind = ir.ReplyOptions
		for _, o := range r.Options {
			out.Options = append(out.Options, c.template(o))
		}
	case r.OneOf != nil:
		out.Kind = ir.ReplyStr
		out.Variants = []ir.Template{}
		for _, o := range r.OneOf {
			out.Variants = append(out.Variants, c.template(o))
		}
	case r.TableCSV != nil:
		out.Kind = ir.ReplyDataFrame
		out.Table = c.csvTable(r.TableCSV)
	case r.Table != nil:
		out.Kind = ir.ReplyDataFrame
		out.Table = c.inlineTable(r.Table)
	case r.Chart != nil:
		out.Kind = ir.ReplyPlotly
		out.Chart = c.chart(r.Chart)
	case r.Plotly != nil:
		out.Kind = ir.ReplyPlotly
		out.Figure = c.plotly(r.Plotly)
	case r.Image != nil:
		out.Kind = ir.ReplyImage
		out.File = c.image(r.Image)
	case r.File != nil:
		out.Kind = ir.ReplyFile
		out.File = c.rawFile(r.File)
	case r.Audio != nil:
		out.Kind = ir.ReplyAudio
		out.File = c.audio(r.Audio)
	case r.Location != nil:
		out.Kind = ir.ReplyLocation
		out.Lat, out.Lon = c.latLon(r.Location)
	}
	empty := func(t ir.Template) bool { return len(t.Parts) == 0 }
	switch {
	case out.Variants != nil:
		for i, v := range out.Variants {
			if empty(v) {
				c.warnf(toPos(r.OneOf[i].Pos), "empty reply text: chat clients show nothing")
			}
		}
	case out.Kind == ir.ReplyOptions:
		for i, o := range out.Options {
			if empty(o) {
				c.warnf(toPos(r.Options[i].Pos), "empty option label")
			}
		}
	case out.Kind == ir.ReplyStr || out.Kind == ir.ReplyMarkdown || out.Kind == ir.ReplyHTML:
		if empty(out.Text) {
			c.warnf(out.Pos, "empty reply text: chat clients show nothing")
		}
	}
	return out
}

func (c *checker) latLon(l *syntax.LatLon) (lat, lon float64) {
	pos := toPos(l.Pos)
	lat, lon = c.number(l.Lat, pos), c.number(l.Lon, pos)
	if lat < -90 || lat > 90 {
		c.errorf(pos, "latitude %s is out of range (-90 to 90)", l.Lat)
	}
	if lon < -180 || lon > 180 {
		c.errorf(pos, "longitude %s is out of range (-180 to 180)", l.Lon)
	}
	return lat, lon
}

func (c *checker) inlineTable(t *syntax.InlineTable) *ir.Table {
	out := &ir.Table{}
	for _, col := range t.Columns {
		name := c.decodeString(col)
		if slices.Contains(out.Columns, name) {
			c.errorf(toPos(col.Pos), "duplicate column %q", name)
		}
		out.Columns = append(out.Columns, name)
	}
	var rows [][]inlineCell
	for _, row := range t.Rows {
		if len(row.Cells) != len(out.Columns) {
			c.errorf(toPos(row.Pos), "row has %d cells but the table has %d columns", len(row.Cells), len(out.Columns))
		}
		var cells []inlineCell
		for _, cell := range row.Cells {
			cells = append(cells, newInlineCell(c.literal(cell), cell.Num))
		}
		rows = append(rows, cells)
	}
	out.Rows = typeInlineTable(rows, len(out.Columns))
	return out
}

func (c *checker) chart(s *syntax.ChartSpec) *ir.Chart {
	out := &ir.Chart{Type: s.Type.Name}
	switch out.Type {
	case "bar", "line", "pie":
	default:
		c.errorf(toPos(s.Type.Pos), "unknown chart type %q (want bar, line or pie)", out.Type)
	}
	var titlePos, xPos *ir.Pos
	for _, it := range s.Items {
		pos := toPos(it.Pos)
		switch {
		case it.Title != nil:
			if titlePos != nil {
				c.errorf(pos, "duplicate chart title (first at %s)", c.where(*titlePos))
			}
			titlePos = &pos
			out.Title = c.decodeString(it.Title)
		case it.X != nil:
			if xPos != nil {
				c.errorf(pos, "duplicate chart x values (first at %s)", c.where(*xPos))
			}
			xPos = &pos
			out.X = nil
			for _, l := range it.X {
				v := c.literal(l)
				if v.Type == ir.Bool {
					c.errorf(toPos(l.Pos), "an x value must be a number or a string, found a bool")
				}
				out.X = append(out.X, v)
			}
		case it.Y != nil:
			ser := ir.Series{}
			if it.Y.Name != nil {
				ser.Name = c.decodeString(it.Y.Name)
			}
			for _, l := range it.Y.Values {
				v := c.literal(l)
				if v.Type != ir.Number {
					c.errorf(toPos(l.Pos), "a y value must be a number, found a %s", v.Type)
				}
				ser.Y = append(ser.Y, v.Num)
			}
			if xPos != nil && len(ser.Y) != len(out.X) {
				c.errorf(pos, "y has %d values but x has %d", len(ser.Y), len(out.X))
			}
			out.Series = append(out.Series, ser)
		}
	}
	pos := toPos(s.Type.Pos)
	if xPos == nil {
		c.errorf(pos, "chart has no x values")
	}
	if len(out.Series) == 0 {
		c.errorf(pos, "chart has no y values")
	}
	if out.Type == "pie" && len(out.Series) > 1 {
		c.errorf(pos, "a pie chart has one series of y values, found %d", len(out.Series))
	}
	return out
}

// botKinds maps the kinds written in a test's `bot KIND` to reply kinds.
var botKinds = map[string]ir.ReplyKind{
	"text":     ir.ReplyStr,
	"markdown": ir.ReplyMarkdown,
	"html":     ir.ReplyHTML,
	"options":  ir.ReplyOptions,
	"table":    ir.ReplyDataFrame,
	"plotly":   ir.ReplyPlotly,
	"chart":    ir.ReplyPlotly,
	"image":    ir.ReplyImage,
	"file":     ir.ReplyFile,
	"audio":    ir.ReplyAudio,
	"location": ir.ReplyLocation,
}

func (c *checker) test(d *syntax.TestDecl) {
	t := ir.Test{Name: c.decodeString(d.Name), Pos: toPos(d.Pos)}
	for _, prev := range c.bot.Tests {
		if prev.Name == t.Name {
			c.errorf(toPos(d.Name.Pos), "duplicate test %q (first at %s)", t.Name, c.where(prev.Pos))
		}
	}
	if len(d.Steps) == 0 {
		c.warnf(toPos(d.Name.Pos), "test %q has no steps", t.Name)
	}
	for _, s := range d.Steps {
		pos := toPos(s.Pos)
		switch {
		case s.User != nil && s.User.File != nil:
			t.Steps = append(t.Steps, ir.Step{Kind: ir.UserFile, File: c.rawFile(s.User.File), Pos: pos})
		case s.User != nil && s.User.Reset:
			t.Steps = append(t.Steps, ir.Step{Kind: ir.UserReset, Pos: pos})
		case s.User != nil:
			t.Steps = append(t.Steps, ir.Step{Kind: ir.UserText, Text: c.decodeString(s.User.Text), Pos: pos})
		case s.Bot != nil:
			if st, ok := c.botStep(s.Bot, pos); ok {
				t.Steps = append(t.Steps, st)
			}
		}
	}
	c.bot.Tests = append(c.bot.Tests, t)
}

func (c *checker) botStep(b *syntax.BotStep, pos ir.Pos) (ir.Step, bool) {
	st := ir.Step{Kind: ir.BotExpect, Reply: ir.ReplyStr, Pos: pos}
	kindName := "bot"
	if b.Kind != nil {
		kindName = "bot " + b.Kind.Name
		k, ok := botKinds[b.Kind.Name]
		if !ok {
			c.errorf(toPos(b.Kind.Pos), "unknown reply kind %q (want text, markdown, html, options, table, plotly, image, file, audio or location)", b.Kind.Name)
			return st, false
		}
		st.Reply = k
	}
	textual := st.Reply == ir.ReplyStr || st.Reply == ir.ReplyMarkdown || st.Reply == ir.ReplyHTML
	switch {
	case b.Regex != nil:
		if !textual {
			c.errorf(toPos(b.Regex.Pos), "%s cannot be matched with a regular expression", kindName)
			return st, false
		}
		st.Text, st.Regex, st.HasText = c.decodeString(b.Regex), true, true
		if _, err := regexp.Compile(st.Text); err != nil {
			c.errorf(toPos(b.Regex.Pos), "invalid regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return st, false
		}
	case b.Texts != nil:
		switch {
		case st.Reply == ir.ReplyOptions:
			for _, s := range b.Texts {
				st.Options = append(st.Options, c.decodeString(s))
			}
		case (st.Reply == ir.ReplyFile || st.Reply == ir.ReplyAudio) && len(b.Texts) == 1:
			st.FileName = c.decodeString(b.Texts[0])
		case textual && len(b.Texts) == 1:
			st.Text, st.HasText = c.decodeString(b.Texts[0]), true
		case textual || st.Reply == ir.ReplyFile || st.Reply == ir.ReplyAudio:
			c.errorf(toPos(b.Texts[1].Pos), "%s expects one text, found %d", kindName, len(b.Texts))
			return st, false
		default:
			c.errorf(toPos(b.Texts[0].Pos), "%s takes no text", kindName)
			return st, false
		}
	case b.Location != nil:
		if st.Reply != ir.ReplyLocation {
			c.errorf(toPos(b.Location.Pos), "only bot location takes coordinates")
			return st, false
		}
		st.Lat, st.Lon = c.latLon(b.Location)
		st.HasLocation = true
	case b.Kind == nil:
		c.errorf(pos, "bot expects a text, a regular expression (~ \"...\") or a reply kind")
		return st, false
	}
	return st, true
}

// graph checks the shape of the state machine: the initial state,
// reachability, `go back` and automatic transitions.
func (c *checker) graph(f *syntax.File) {
	var initials []*syntax.StateDecl
	for _, d := range f.Decls {
		if d.State != nil && d.State.Initial {
			initials = append(initials, d.State)
		}
	}
	switch {
	case len(initials) == 0:
		if len(c.bot.States) > 0 {
			c.errorf(toPos(f.Name.Pos), "no initial state (mark one state with `initial`)")
		} else {
			c.errorf(toPos(f.Name.Pos), "the bot has no states")
		}
		return
	case len(initials) > 1:
		first := initials[0]
		for _, s := range initials[1:] {
			c.errorf(toPos(s.Name.Pos), "several initial states: %q and %q (first at %s)", first.Name.Name, s.Name.Name, c.where(toPos(first.Name.Pos)))
		}
	}
	c.bot.Initial = initials[0].Name.Name
	byName := map[string]*ir.State{}
	for i := range c.bot.States {
		byName[c.bot.States[i].Name] = &c.bot.States[i]
	}
	reach := func(starts ...string) map[string]bool {
		seen := map[string]bool{}
		queue := append([]string(nil), starts...)
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			if seen[n] || byName[n] == nil {
				continue
			}
			seen[n] = true
			for _, t := range byName[n].Transitions {
				if t.Kind != ir.GoBack {
					queue = append(queue, t.Target)
				}
			}
		}
		return seen
	}
	var globalTargets []string
	for _, g := range c.bot.Globals {
		globalTargets = append(globalTargets, g.Target)
	}
	reachable := reach(append([]string{c.bot.Initial}, globalTargets...)...)
	fromGlobal := reach(globalTargets...)
	for _, s := range c.bot.States {
		if !reachable[s.Name] {
			c.errorf(s.Pos, "state %q is unreachable from the initial state", s.Name)
		}
		autos := 0
		for _, t := range s.Transitions {
			if t.Kind == ir.Go || t.Kind == ir.GoBack {
				autos++
				if autos == 1 && len(s.Transitions) > 1 {
					c.errorf(t.Pos, "an automatic transition (go) must be the only way out of state %q, which has %d transitions", s.Name, len(s.Transitions))
				}
			}
			if t.Kind == ir.GoBack && !fromGlobal[s.Name] {
				c.errorf(t.Pos, "go back in state %q, which no global intent leads to", s.Name)
			}
		}
		if len(s.Transitions) == 0 {
			c.warnf(s.Pos, "state %q has no way out (no transitions)", s.Name)
		}
	}
	// A cycle made only of `go` would loop forever without waiting for the user.
	reported := map[string]bool{}
	for _, s := range c.bot.States {
		path := []string{s.Name}
		onPath := map[string]bool{s.Name: true}
		cur := byName[s.Name]
		for cur != nil && len(cur.Transitions) == 1 && cur.Transitions[0].Kind == ir.Go {
			next := cur.Transitions[0].Target
			path = append(path, next)
			if onPath[next] {
				if next == s.Name && !reported[s.Name] {
					for _, p := range path {
						reported[p] = true
					}
					c.errorf(cur.Transitions[0].Pos, "automatic transitions loop forever: %s", strings.Join(path, " -> "))
				}
				break
			}
			onPath[next] = true
			cur = byName[next]
		}
	}
}

func (c *checker) unusedIntents() {
	for _, in := range c.bot.Intents {
		if info := c.intents[in.Name]; info != nil && !info.used {
			c.warnf(in.Pos, "intent %q is never used by a transition or a global", in.Name)
		}
	}
}

// sameSentences warns about training sentences that read the same once
// normalised as the classifier normalises them (case, punctuation, stems):
// in two intents, a message like them scores 1 for both and the bot cannot
// tell them apart; in one, the second adds nothing.
func (c *checker) sameSentences(f *syntax.File) {
	cfg := config.Default()
	for _, e := range c.bot.Config {
		_ = cfg.Set(e.Key, e.Value) // bad values are reported by config
	}
	type first struct {
		intent, text string
		pos          ir.Pos
	}
	seen := map[string]first{}
	for _, d := range f.Decls {
		if d.Intent == nil {
			continue
		}
		name := d.Intent.Name.Name
		for _, it := range d.Intent.Items {
			if it.Sentence == nil {
				continue
			}
			text := c.decodeString(it.Sentence)
			key := strings.Join(nlu.Normalize(text, cfg.Language, cfg.PreProcessing), " ")
			if key == "" {
				continue
			}
			pos := toPos(it.Sentence.Pos)
			prev, dup := seen[key]
			switch {
			case !dup:
				seen[key] = first{name, text, pos}
			case prev.intent == name:
				c.warnf(pos, "sentence %q repeats %q (%s) in intent %q", text, prev.text, c.where(prev.pos), name)
			default:
				c.warnf(pos, "sentence %q of intent %q reads the same as %q of intent %q (%s): a message like them cannot tell the two intents apart", text, name, prev.text, prev.intent, c.where(prev.pos))
			}
		}
	}
}

// didYouMean returns a hint naming the candidate that name is a likely typo
// of, or "".
func didYouMean(name string, candidates []string) string {
	if s := spelling.Suggest(name, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// sortedKeys returns the names of m in order, so that hints do not depend on
// map order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// configKeyNames returns the names of every config key.
func configKeyNames() []string {
	var names []string
	for _, k := range config.Keys() {
		names = append(names, k.Name)
	}
	return names
}
