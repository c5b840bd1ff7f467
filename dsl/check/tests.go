package check

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

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
	"answer":   ir.ReplyRAG,
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
		case s.Mock != nil:
			if st, ok := c.mockStep(s.Mock, pos); ok {
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
			c.errorf(toPos(b.Kind.Pos), "unknown reply kind %q (want text, markdown, html, answer, options, table, plotly, image, file, audio or location)", b.Kind.Name)
			return st, false
		}
		st.Reply = k
	}
	// An answer from the bot's knowledge is compared by its answer.
	textual := st.Reply == ir.ReplyStr || st.Reply == ir.ReplyMarkdown || st.Reply == ir.ReplyHTML || st.Reply == ir.ReplyRAG
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

// mockStep checks `mock FUNC returns VALUE`, `mock FUNC fails "msg"` and
// their forms for HTTP calls, `mock get|post URL ...`, where URL is a
// setting or a string.
func (c *checker) mockStep(m *syntax.MockStep, pos ir.Pos) (ir.Step, bool) {
	fn := m.Func.Name
	mock := &ir.Mock{Func: fn}
	ok := true
	if m.Returns != nil {
		// A mock answers in place of the outside world: its value is
		// known before the test runs.
		saved := c.constant
		c.constant = "a mocked value"
		mock.Returns = c.expr(m.Returns)
		c.constant = saved
		ok = valid(mock.Returns)
	} else {
		mock.Fail, mock.Fails = true, c.decodeString(m.Fails)
	}
	switch _, builtin := builtins[fn]; {
	case fn == httpGet || fn == httpPost:
		ok = c.mockURL(m, mock) && ok
	case fn == llmFunc:
		if m.Target != nil {
			c.errorf(toPos(m.Target.Pos), "mock llm takes no URL: it answers every request to the language model")
			ok = false
		}
		if mock.Returns != nil && valid(mock.Returns) && mock.Returns.ExprType() != ir.String {
			c.errorf(toPos(m.Returns.Pos), "mock llm returns the model's text, a string, found %s", describe(ir.ShapeOf(mock.Returns)))
			ok = false
		}
	case builtin:
		c.errorf(toPos(m.Func.Pos), "cannot mock %s, a built-in function: a test mocks Go functions, get, post and llm", fn)
		return ir.Step{}, false
	default:
		if m.Target != nil {
			c.errorf(toPos(m.Target.Pos), "mock %s takes no URL: only get and post are called with one", fn)
			ok = false
		}
		ok = c.mockGo(m, mock) && ok
	}
	if !ok {
		return ir.Step{}, false
	}
	c.mocks = append(c.mocks, mockInfo{fn: fn, pos: toPos(m.Func.Pos)})
	return ir.Step{Kind: ir.MockCall, Mock: mock, Pos: pos}, true
}

// mockURL checks the URL of a mock of get or post.
func (c *checker) mockURL(m *syntax.MockStep, mock *ir.Mock) bool {
	switch {
	case m.Target == nil:
		c.errorf(toPos(m.Func.Pos), "mock %s needs the URL it answers: a setting or a string", mock.Func)
		return false
	case m.Target.Setting != nil:
		name := m.Target.Setting.Name
		s, found := c.settings[name]
		if !found {
			c.misspelt(diag.Error, toPos(m.Target.Pos), name, sortedKeys(c.settings), "unknown setting %q", name)
			return false
		}
		if s.value.Type != ir.String {
			c.errorf(toPos(m.Target.Pos), "setting %q is a %s: a URL is a string", name, s.value.Type)
			return false
		}
		mock.Setting = name
	default:
		u := c.decodeString(m.Target.URL)
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			c.errorf(toPos(m.Target.Pos), "a mocked URL starts with http:// or https://, found %q", u)
			return false
		}
		mock.URL = u
	}
	return true
}

// mockGo checks a mock of a Go function: the function exists, and what
// it returns fits its result.
func (c *checker) mockGo(m *syntax.MockStep, mock *ir.Mock) bool {
	fn, pos := mock.Func, toPos(m.Func.Pos)
	p := c.goPackage()
	if p == nil || len(p.Funcs) == 0 {
		if !c.goFailed {
			c.errorf(pos, "unknown Go function %q: no Go function is beside the bot", fn)
		}
		return false
	}
	f, found := p.Func(fn)
	if !found {
		if !c.goFailed {
			var names []string
			for _, f := range p.Funcs {
				names = append(names, f.Name)
			}
			c.misspelt(diag.Error, pos, fn, names, "unknown Go function %q", fn)
		}
		return false
	}
	if mock.Returns == nil || !valid(mock.Returns) {
		return true
	}
	if f.Result == nil {
		c.errorf(pos, "%s (%s) returns no value: mock it with fails", fn, c.where(f.Pos))
		return false
	}
	if f.Result.Reason != "" {
		return true // reported where the bot calls it
	}
	mock.Result = f.Result.Shape
	return c.mockFits(mock.Returns, f.Result.Shape, fn, "", toPos(m.Returns.Pos))
}

// mockFits checks that e, a mocked value written at pos, fits the shape
// w of the result of fn at path ("" for the whole result, ".lat",
// "[0].id"): a record may leave fields out, not add any.
func (c *checker) mockFits(e ir.Expr, w ir.Shape, fn, path string, pos ir.Pos) bool {
	what := "the result of " + fn
	if path != "" {
		what = "result" + path + " of " + fn
	}
	switch x := e.(type) {
	case *ir.RecordLit:
		if w.Type != ir.Record {
			break
		}
		ok := true
		for _, f := range x.Fields {
			fw, found := w.Field(f.Name)
			if w.Open {
				fw, found = w.ElemShape(), true
			}
			if !found {
				var names []string
				for _, wf := range w.Fields {
					names = append(names, wf.Name)
				}
				c.misspelt(diag.Error, f.Pos, f.Name, names, "%s has no field %q", what, f.Name)
				ok = false
				continue
			}
			ok = c.mockFits(f.Value, fw, fn, path+"."+f.Name, f.Pos) && ok
		}
		return ok
	case *ir.ListLit:
		if w.Type != ir.List {
			break
		}
		ok := true
		for i, el := range x.Elems {
			ok = c.mockFits(el, w.ElemShape(), fn, fmt.Sprintf("%s[%d]", path, i), x.Pos) && ok
		}
		return ok
	}
	v := ir.ShapeOf(e)
	if fit(v, w, true) == fitsNot {
		c.errorf(pos, "%s is %s, found %s", what, describe(w), describe(v))
		return false
	}
	return true
}

// mockUses warns of the mocks of calls the bot never makes.
func (c *checker) mockUses() {
	for _, m := range c.mocks {
		called := c.goCalled[m.fn]
		switch m.fn {
		case httpGet, httpPost:
			called = c.httpCalled[m.fn]
		case llmFunc:
			called = c.bot.UsesLLM
		}
		switch {
		case !called && m.fn == llmFunc:
			c.warnf(m.pos, "the bot never asks a language model (reply llm, llm(), reply answer, nlp.llm_fallback): this mock has no effect")
		case !called:
			c.warnf(m.pos, "the bot never calls %s: this mock has no effect", m.fn)
		}
	}
}
