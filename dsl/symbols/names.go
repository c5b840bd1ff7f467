package symbols

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// The kinds of names that only the syntax tree tells apart (Names gives
// them; Declarations counts parameters as variables).
const (
	Parameter    Kind = iota + 10 // a parameter of an intent
	Setting                       // a setting
	LoopVariable                  // the variable of a for loop
	Function                      // a Go function or a built-in one
	Field                         // a record's field
	ConfigKey                     // a key of the config block
	Bot                           // the bot's name
	TurnName                      // message, intent, confidence, error, file
	ChartType                     // bar, line, pie
	ReplyKind                     // the kind a test's bot step expects
	Unknown                       // a name that refers to nothing declared
)

// Name is one place a name is written, resolved as the checker resolves it.
type Name struct {
	Kind Kind
	Name string
	Pos  ir.Pos // of its first character; Col counts runes
	Decl bool   // it declares the name
	Set  bool   // a set statement assigns it
	// Builtin is set for the language's own names: a built-in function or
	// entity, a name of the turn.
	Builtin bool
	// Scope tells apart loop variables of one name: the position of the
	// variable of its for loop. It is zero for the other kinds, whose names
	// are bot-wide.
	Scope ir.Pos
	// Within lists the for loops whose body holds the name (indexes of
	// Index.Loops, outermost first): where a loop variable would hide it.
	Within []int
}

// Same reports whether n and o name the same thing.
func (n Name) Same(o Name) bool {
	return n.Kind == o.Kind && n.Name == o.Name && n.Scope == o.Scope && n.Builtin == o.Builtin
}

// Index is every name a parsed .bot file writes, in source order within
// each declaration, and the variables of its for loops.
type Index struct {
	Names []Name
	Loops []Name
	// Tokens are the other tokens of the interpolations {...} of texts:
	// what an editor colours inside a string besides the names.
	Tokens []Token
}

// Token is a token of an interpolation's expression that is not a name,
// where its characters are written: Len runes from Pos, on one line.
type Token struct {
	Kind  syntax.TokenKind
	Value string
	Pos   ir.Pos
	Len   int
}

// BuiltinFuncs are the functions of the expression language, get and post
// and llm included.
var BuiltinFuncs = map[string]bool{
	"round": true, "random": true, "floor": true, "ceil": true, "abs": true, "min": true, "max": true,
	"len": true, "lower": true, "upper": true, "trim": true, "str": true, "num": true, "contains": true,
	"now": true, "today": true, "weekday": true, "days_until": true, "replace": true, "split": true,
	"join": true, "substr": true, "starts_with": true, "ends_with": true, "matches": true,
	"get": true, "post": true, "llm": true,
}

// BuiltinEntities are the entities every bot has.
var BuiltinEntities = map[string]bool{"number": true, "datetime": true, "any": true}

// turnNames are the names an expression reads that the language gives.
var turnNames = map[string]bool{"message": true, "intent": true, "confidence": true, "error": true}

// Names indexes every name of src. It parses src, and returns ok false
// when src does not parse: an index of part of a file would make a rename
// miss what the rest holds.
func Names(filename string, src []byte) (ix *Index, ok bool) {
	f, diags := syntax.Parse(filename, src)
	if f == nil || diags.HasErrors() {
		return nil, false
	}
	return NamesOf(f), true
}

// NamesOf indexes every name of a parsed file, which it does not change:
// an editor indexes the tree it has checked.
func NamesOf(f *syntax.File) *Index {
	filename := f.Pos.Filename
	w := &walker{ix: &Index{}, params: map[string]bool{}, vars: map[string]bool{}, settings: map[string]bool{}, filename: filename}
	w.declared(f)
	w.file(f)
	return w.ix
}

// walker builds an Index from a syntax tree.
type walker struct {
	ix       *Index
	filename string
	// The value names the file declares, which expressions resolve to.
	params, vars, settings map[string]bool
	seenVar                map[string]bool // variables whose declaration was met
	loops                  []int           // the enclosing loops (indexes of ix.Loops), innermost last
	// posFn maps the positions of an interpolation's expression back into
	// its string literal; nil outside one.
	posFn func(lexer.Position) ir.Pos
}

func (w *walker) pos(p lexer.Position) ir.Pos {
	if w.posFn != nil {
		return w.posFn(p)
	}
	return syntax.ToPos(p)
}

func (w *walker) add(n Name) {
	if len(w.loops) > 0 {
		n.Within = w.loops
	}
	w.ix.Names = append(w.ix.Names, n)
}

// declared records the value names, which expressions anywhere may read.
func (w *walker) declared(f *syntax.File) {
	for _, d := range f.Decls {
		switch {
		case d.Intent != nil:
			for _, it := range d.Intent.Items {
				if it.Param != nil {
					w.params[it.Param.Name.Name] = true
				}
			}
		case d.Setting != nil:
			w.settings[d.Setting.Name.Name] = true
		case d.Var != nil:
			w.vars[d.Var.Name.Name] = true
		}
	}
	for _, d := range f.Decls {
		if d.State != nil {
			for _, it := range d.State.Items {
				w.setNames(it.Stmt)
				if it.Fallback != nil {
					for _, s := range it.Fallback.Stmts {
						w.setNames(s)
					}
				}
			}
		}
		if d.Fallback != nil {
			for _, s := range d.Fallback.Stmts {
				w.setNames(s)
			}
		}
	}
	w.seenVar = map[string]bool{}
}

// setNames records the variables the set statements of s introduce.
func (w *walker) setNames(s *syntax.Stmt) {
	switch {
	case s == nil:
	case s.Set != nil && s.Set.Field == nil: // set a.b = ... introduces nothing
		if n := s.Set.Name.Name; !w.params[n] && !w.settings[n] && n != "file" {
			w.vars[n] = true
		}
	case s.If != nil:
		for i := s.If; i != nil; i = i.ElseIf {
			for _, b := range []*syntax.Block{i.Then, i.Else} {
				if b != nil {
					for _, s := range b.Stmts {
						w.setNames(s)
					}
				}
			}
		}
	case s.For != nil && s.For.Body != nil:
		for _, s := range s.For.Body.Stmts {
			w.setNames(s)
		}
	}
}

// value resolves a name an expression reads, as the checker does: the
// variable of an enclosing loop, a parameter, a variable, a setting, a
// name of the turn.
func (w *walker) value(id *syntax.Ident) Name {
	n := Name{Name: id.Name, Pos: w.pos(id.Pos)}
	for i := len(w.loops) - 1; i >= 0; i-- {
		if l := w.ix.Loops[w.loops[i]]; l.Name == id.Name {
			n.Kind, n.Scope = LoopVariable, l.Pos
			return n
		}
	}
	switch {
	case w.params[id.Name]:
		n.Kind = Parameter
	case w.vars[id.Name]:
		n.Kind = Variable
	case w.settings[id.Name]:
		n.Kind = Setting
	case turnNames[id.Name] || id.Name == "file":
		n.Kind, n.Builtin = TurnName, true
	default:
		n.Kind = Unknown
	}
	return n
}

func (w *walker) ident(kind Kind, id *syntax.Ident, decl bool) {
	if id != nil {
		w.add(Name{Kind: kind, Name: id.Name, Pos: syntax.ToPos(id.Pos), Decl: decl})
	}
}

func (w *walker) file(f *syntax.File) {
	w.ident(Bot, f.Name, true)
	for _, d := range f.Decls {
		switch {
		case d.Config != nil:
			for _, e := range d.Config.Entries {
				w.add(Name{Kind: ConfigKey, Name: e.Key, Pos: syntax.ToPos(e.Pos)})
			}
		case d.Var != nil:
			w.seenVar[d.Var.Name.Name] = true
			w.ident(Variable, d.Var.Name, true)
		case d.Setting != nil:
			w.ident(Setting, d.Setting.Name, true)
		case d.Entity != nil:
			w.ident(Entity, d.Entity.Name, true)
		case d.Intent != nil:
			w.intent(d.Intent)
		case d.Global != nil:
			w.ident(Intent, d.Global.Intent, false)
			w.ident(State, d.Global.Target, false)
		case d.State != nil:
			w.ident(State, d.State.Name, true)
			w.state(d.State)
		case d.Fallback != nil:
			w.block(d.Fallback)
		case d.Test != nil:
			w.test(d.Test)
		}
	}
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (w *walker) intent(d *syntax.IntentDecl) {
	w.ident(Intent, d.Name, true)
	own := map[string]bool{}
	for _, it := range d.Items {
		if p := it.Param; p != nil {
			own[p.Name.Name] = true
		}
	}
	for _, it := range d.Items {
		if p := it.Param; p != nil {
			w.ident(Parameter, p.Name, true)
			if p.Entity != nil {
				n := Name{Kind: Entity, Name: p.Entity.Name, Pos: syntax.ToPos(p.Entity.Pos), Builtin: BuiltinEntities[p.Entity.Name]}
				w.add(n)
			}
			continue
		}
		// The placeholders of a sentence, read as nlu.Placeholders reads
		// them from its value: from a brace to the next closing one, the
		// name without the spaces around it.
		var chars []syntax.Char // the sentence's value: its escapes decoded
		lit := syntax.LiteralChars(it.Sentence)
		for i := 0; i < len(lit); i++ {
			if lit[i].R == '\\' && i+1 < len(lit) {
				i++
			}
			chars = append(chars, lit[i])
		}
		for i := 0; i < len(chars); i++ {
			if chars[i].R != '{' {
				continue
			}
			j := i + 1
			for j < len(chars) && chars[j].R != '}' {
				j++
			}
			if j == len(chars) {
				break
			}
			b, e := i+1, j
			for b < e && (chars[b].R == ' ' || chars[b].R == '\t') {
				b++
			}
			for e > b && (chars[e-1].R == ' ' || chars[e-1].R == '\t') {
				e--
			}
			if name := syntax.CharsText(chars[b:e]); identRE.MatchString(name) {
				kind := Parameter
				if !own[name] {
					kind = Unknown
				}
				w.add(Name{Kind: kind, Name: name, Pos: chars[b].Pos})
			}
			i = j
		}
	}
}

func (w *walker) state(d *syntax.StateDecl) {
	for _, it := range d.Items {
		switch {
		case it.On != nil:
			if it.On.Intent != nil {
				w.ident(Intent, it.On.Intent, false)
			}
			w.ident(State, it.On.Target, false)
		case it.When != nil:
			w.expr(it.When.Cond)
			w.ident(State, it.When.Target, false)
		case it.Otherwise != nil:
			w.ident(State, it.Otherwise, false)
		case it.Go != nil:
			if !it.Go.Back {
				w.ident(State, it.Go.Target, false)
			}
			w.expr(it.Go.Cond)
		case it.Fallback != nil:
			w.block(it.Fallback)
		case it.Stmt != nil:
			w.stmt(it.Stmt)
		}
	}
}

func (w *walker) block(b *syntax.Block) {
	if b != nil {
		for _, s := range b.Stmts {
			w.stmt(s)
		}
	}
}

func (w *walker) stmt(s *syntax.Stmt) {
	switch {
	case s.Reply != nil:
		w.reply(s.Reply)
	case s.Set != nil:
		n := w.value(s.Set.Name)
		if n.Kind == Variable && !w.seenVar[n.Name] {
			// A variable no var declares is declared by its first set.
			w.seenVar[n.Name], n.Decl = true, true
		}
		n.Set = true
		w.add(n)
		w.ident(Field, s.Set.Field, false)
		w.expr(s.Set.Value)
	case s.If != nil:
		for i := s.If; i != nil; i = i.ElseIf {
			w.expr(i.Cond)
			w.block(i.Then)
			w.block(i.Else)
		}
	case s.For != nil:
		w.expr(s.For.List)
		v := Name{Kind: LoopVariable, Name: s.For.Var.Name, Pos: syntax.ToPos(s.For.Var.Pos), Decl: true}
		v.Scope = v.Pos
		w.add(v)
		w.ix.Loops = append(w.ix.Loops, v)
		saved := w.loops
		w.loops = append(w.loops[:len(w.loops):len(w.loops)], len(w.ix.Loops)-1)
		w.block(s.For.Body)
		w.loops = saved
	}
}

func (w *walker) reply(r *syntax.ReplyStmt) {
	for _, t := range []*syntax.Str{r.Markdown, r.HTML, r.Text, r.LLM} {
		w.template(t)
	}
	for _, t := range r.Options {
		w.template(t)
	}
	for _, t := range r.OneOf {
		w.template(t)
	}
	w.expr(r.OptionsOf)
	w.expr(r.TableOf)
	if r.Chart != nil {
		w.ident(ChartType, r.Chart.Type, false)
		for _, it := range r.Chart.Items {
			w.expr(it.XOf)
			if it.Y != nil {
				w.expr(it.Y.Of)
			}
		}
	}
	for _, t := range r.Tools {
		w.add(Name{Kind: Function, Name: t.Name, Pos: syntax.ToPos(t.Pos), Builtin: BuiltinFuncs[t.Name]})
	}
}

func (w *walker) test(d *syntax.TestDecl) {
	for _, s := range d.Steps {
		switch {
		case s.Bot != nil:
			w.ident(ReplyKind, s.Bot.Kind, false)
		case s.Mock != nil:
			m := s.Mock
			w.add(Name{Kind: Function, Name: m.Func.Name, Pos: syntax.ToPos(m.Func.Pos), Builtin: BuiltinFuncs[m.Func.Name]})
			if m.Target != nil && m.Target.Setting != nil {
				n := Name{Kind: Setting, Name: m.Target.Setting.Name, Pos: syntax.ToPos(m.Target.Setting.Pos)}
				if !w.settings[n.Name] {
					n.Kind = Unknown
				}
				w.add(n)
			}
			w.expr(m.Returns)
		}
	}
}

// expr indexes the names of an expression.
func (w *walker) expr(e *syntax.Expr) {
	if e == nil {
		return
	}
	for _, a := range append([]*syntax.AndExpr{e.Left}, e.Rest...) {
		for _, n := range append([]*syntax.NotExpr{a.Left}, a.Rest...) {
			w.notExpr(n)
		}
	}
}

func (w *walker) notExpr(n *syntax.NotExpr) {
	for n != nil && n.Not != nil {
		n = n.Not
	}
	if n == nil || n.Cmp == nil {
		return
	}
	for _, a := range []*syntax.AddExpr{n.Cmp.Left, n.Cmp.Right} {
		if a == nil {
			continue
		}
		w.mulExpr(a.Left)
		for _, op := range a.Rest {
			w.mulExpr(op.X)
		}
	}
}

func (w *walker) mulExpr(m *syntax.MulExpr) {
	w.unary(m.Left)
	for _, op := range m.Rest {
		w.unary(op.X)
	}
}

func (w *walker) unary(u *syntax.UnaryExpr) {
	for u != nil && u.Neg != nil {
		u = u.Neg
	}
	if u == nil {
		return
	}
	if p := u.Prim; p != nil {
		switch {
		case p.FileField != nil:
			w.add(Name{Kind: TurnName, Name: "file", Pos: w.pos(p.Pos), Builtin: true})
			w.add(Name{Kind: Field, Name: p.FileField.Name, Pos: w.pos(p.FileField.Pos), Builtin: true})
		case p.Call != nil:
			w.add(Name{Kind: Function, Name: p.Call.Func.Name, Pos: w.pos(p.Call.Func.Pos), Builtin: BuiltinFuncs[p.Call.Func.Name]})
			for _, a := range p.Call.Args {
				w.expr(a)
			}
		case p.Record != nil:
			for _, f := range p.Record.Fields {
				if f.Key != nil {
					w.add(Name{Kind: Field, Name: f.Key.Name, Pos: w.pos(f.Key.Pos)})
				}
				w.expr(f.Value)
			}
		case p.List != nil:
			for _, e := range p.List.Elems {
				w.expr(e)
			}
		case p.Name != nil:
			w.add(w.value(p.Name))
		case p.Paren != nil:
			w.expr(p.Paren)
		}
	}
	for _, s := range u.Sel {
		if s.Field != nil {
			w.add(Name{Kind: Field, Name: s.Field.Name, Pos: w.pos(s.Field.Pos)})
		} else {
			w.expr(s.Index)
		}
	}
}

// template indexes the names of the interpolations {...} of a text, read
// as the checker reads them: {{ and }} are braces, and inside the braces
// \" and \\ stand for " and \.
func (w *walker) template(s *syntax.Str) {
	if s == nil {
		return
	}
	chars := syntax.LiteralChars(s)
	for i := 0; i < len(chars); i++ {
		c := chars[i]
		switch {
		case c.R == '\\':
			i++
		case (c.R == '{' || c.R == '}') && i+1 < len(chars) && chars[i+1].R == c.R:
			i++
		case c.R == '{':
			expr, end, ok := syntax.InterpolationChars(chars, i+1)
			if !ok {
				return
			}
			w.interpolation(expr, chars[end].Pos)
			i = end
		}
	}
}

// interpolation indexes the names of the expression of a {...}, its
// positions mapped back to the string's characters.
func (w *walker) interpolation(expr []syntax.Char, closing ir.Pos) {
	src := syntax.CharsText(expr)
	if strings.TrimSpace(src) == "" {
		return
	}
	offsets := make([]int, len(expr))
	off := 0
	for i, c := range expr {
		offsets[i] = off
		off += utf8.RuneLen(c.R)
	}
	// The parser reports a position for every node: a search, not a
	// scan, keeps a long interpolation linear.
	mapPos := func(p lexer.Position) ir.Pos {
		return expr[min(sort.SearchInts(offsets, p.Offset), len(expr)-1)].Pos
	}
	e, diags := syntax.ParseExpr(w.filename, src, mapPos)
	if e == nil || diags.HasErrors() {
		return
	}
	saved := w.posFn
	w.posFn = mapPos
	w.expr(e)
	w.posFn = saved
	// The expression's other tokens, each over the characters of the
	// string that spell it (\" included).
	at := map[[2]int]int{} // line and column in src -> index in expr
	line, col := 1, 1
	for i, c := range expr {
		at[[2]int{line, col}] = i
		if c.R == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	for _, t := range syntax.Tokens("", []byte(src)) {
		i, ok := at[[2]int{t.Pos.Line, t.Pos.Col}]
		if !ok || t.Kind == syntax.NameToken || t.Kind == syntax.CommentToken {
			continue
		}
		start, end := expr[i].Pos, closing
		if j := i + utf8.RuneCountInString(t.Value); j < len(expr) {
			end = expr[j].Pos
		}
		if end.Line == start.Line && end.Col > start.Col {
			w.ix.Tokens = append(w.ix.Tokens, Token{Kind: t.Kind, Value: t.Value, Pos: start, Len: end.Col - start.Col})
		}
	}
}
