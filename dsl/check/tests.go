package check

import (
	"regexp"
	"strings"

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
