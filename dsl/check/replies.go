package check

import (
	"slices"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

func (c *checker) reply(r *syntax.ReplyStmt) ir.Stmt {
	out := &ir.Reply{Pos: toPos(r.Pos)}
	switch {
	case r.Markdown != nil:
		out.Kind, out.Text = ir.ReplyMarkdown, c.template(r.Markdown)
	case r.HTML != nil:
		out.Kind, out.Text = ir.ReplyHTML, c.template(r.HTML)
	case r.Text != nil:
		out.Kind, out.Text = ir.ReplyStr, c.template(r.Text)
	case r.OptionsOf != nil:
		out.Kind = ir.ReplyOptions
		out.OptionsOf = c.listReply(r.OptionsOf, "reply options", "strings", ir.String)
	case r.TableOf != nil:
		out.Kind = ir.ReplyDataFrame
		out.TableOf = c.listReply(r.TableOf, "reply table", "records", ir.Record)
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
		out.Path = c.decodeString(r.TableCSV)
	case r.Table != nil:
		out.Kind = ir.ReplyDataFrame
		out.Table = c.inlineTable(r.Table)
	case r.Chart != nil:
		out.Kind = ir.ReplyPlotly
		out.Chart = c.chart(r.Chart)
	case r.Plotly != nil:
		out.Kind = ir.ReplyPlotly
		out.Figure = c.plotly(r.Plotly)
		out.Path = c.decodeString(r.Plotly)
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
	case r.LLM != nil:
		out.Kind = ir.ReplyMarkdown
		out.LLM = &ir.LLMReply{Prompt: c.template(r.LLM), Tools: c.tools(r.Tools)}
		c.bot.UsesLLM = true
		if len(out.LLM.Prompt.Parts) == 0 {
			c.warnf(toPos(r.LLM.Pos), "empty prompt: the model answers the conversation so far")
		}
	case r.Answer:
		out.Kind = ir.ReplyRAG
		c.bot.UsesLLM = true
		c.answers = append(c.answers, out.Pos)
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
	case out.LLM == nil && (out.Kind == ir.ReplyStr || out.Kind == ir.ReplyMarkdown || out.Kind == ir.ReplyHTML):
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
		case it.XOf != nil:
			if xPos != nil {
				c.errorf(pos, "duplicate chart x values (first at %s)", c.where(*xPos))
			}
			xPos = &pos
			out.X = nil
			out.XOf = c.listReply(it.XOf, "a chart's x", "numbers or strings", ir.Number, ir.String)
		case it.X != nil:
			if xPos != nil {
				c.errorf(pos, "duplicate chart x values (first at %s)", c.where(*xPos))
			}
			xPos = &pos
			out.X, out.XOf = nil, nil
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
			if it.Y.Of != nil {
				// Its length is checked with x's when the chart is built.
				ser.YOf = c.listReply(it.Y.Of, "a chart's y", "numbers", ir.Number)
				out.Series = append(out.Series, ser)
				continue
			}
			for _, l := range it.Y.Values {
				v := c.literal(l)
				if v.Type != ir.Number {
					c.errorf(toPos(l.Pos), "a y value must be a number, found a %s", v.Type)
				}
				ser.Y = append(ser.Y, v.Num)
			}
			if xPos != nil && out.XOf == nil && len(ser.Y) != len(out.X) {
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

// listReply checks the data of a reply computed at run time, what: a list
// of elements of one of the types elems (named as the message says), or a
// dynamic value, which must be one at run time. A list of dynamic values
// is checked element by element.
func (c *checker) listReply(e *syntax.Expr, what, elemsText string, elems ...ir.Type) ir.Expr {
	x := c.expr(e)
	if !valid(x) {
		return x
	}
	s := ir.ShapeOf(x)
	switch {
	case s.Type == ir.Dynamic:
		return x
	case s.Type == ir.List && (s.ElemShape().Type == ir.Dynamic || slices.Contains(elems, s.ElemShape().Type)):
		return x
	}
	c.errorf(toPos(e.Pos), "%s takes a list of %s, found %s", what, elemsText, describe(s))
	return badExpr()
}

// maxTools bounds the tools of one reply: each one's schema goes with every
// request, and models choose badly among many.
const maxTools = 32

// tools checks the Go functions a language model may call: each beside the
// bot, callable, returning a value, with named parameters (the model
// passes arguments by name), named once.
func (c *checker) tools(names []*syntax.Ident) []ir.Tool {
	var out []ir.Tool
	if len(names) > maxTools {
		c.errorf(toPos(names[maxTools].Pos), "a reply may offer at most %d tools, found %d", maxTools, len(names))
		return nil
	}
	for i, id := range names {
		name, pos := id.Name, toPos(id.Pos)
		if j := slices.IndexFunc(names[:i], func(p *syntax.Ident) bool { return p.Name == name }); j >= 0 {
			c.errorf(pos, "tool %s is offered twice (first at %s)", name, c.where(toPos(names[j].Pos)))
			continue
		}
		if reservedFunc(name) {
			c.errorf(pos, "cannot offer %s as a tool: it is a function of the language, and a tool is a Go function beside the bot", name)
			continue
		}
		p := c.goPackage()
		if p == nil || len(p.Funcs) == 0 {
			if !c.goFailed {
				c.errorf(pos, "unknown Go function %q: a tool is a Go function beside the bot, and no Go function is there", name)
			}
			continue
		}
		f, found := p.Func(name)
		if !found {
			if !c.goFailed {
				var fns []string
				for _, f := range p.Funcs {
					fns = append(fns, f.Name)
				}
				c.misspelt(diag.Error, pos, name, fns, "unknown Go function %q", name)
			}
			continue
		}
		c.goCalled[name] = true
		if reasons := f.Reasons(); len(reasons) > 0 {
			for _, r := range reasons {
				c.errorf(pos, "cannot offer %s (%s) as a tool: %s", name, c.where(f.Pos), r)
			}
			continue
		}
		if f.Result == nil {
			c.errorf(pos, "cannot offer %s (%s) as a tool: it returns no value, and the model reads what a tool returns", name, c.where(f.Pos))
			continue
		}
		call := &ir.GoCall{Func: name, Context: f.Context, Error: f.Error, Result: f.Result.GoType, Shape: f.Result.Shape, Pos: pos, Decl: f.Pos}
		ok := true
		for j, prm := range f.Params {
			if prm.Name == "" || prm.Name == "_" {
				c.errorf(pos, "cannot offer %s (%s) as a tool: parameter %d has no name, and the model passes arguments by name", name, c.where(f.Pos), j+1)
				ok = false
				continue
			}
			call.Params = append(call.Params, ir.GoParam{Name: prm.Name, GoType: prm.GoType, Import: prm.Import, Kind: prm.Kind})
		}
		if ok {
			out = append(out, ir.Tool{Name: name, Doc: f.Doc, Call: call, Pos: pos})
		}
	}
	return out
}
