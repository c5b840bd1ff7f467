package check

import (
	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

type fileKey struct {
	path string
	kind assets.Kind
}

// loadedFile is a referenced file after loading; a failed load (a nil
// asset) is kept too, so that its error is reported once.
type loadedFile struct {
	asset *assets.Asset
	index int // into Bot.Files, for the files the bot embeds
}

// load loads a referenced file once per (path, kind). The files a bot
// embeds are numbered in the order they are first referenced.
func (c *checker) load(s *syntax.Str, kind assets.Kind) *loadedFile {
	p := c.decodeString(s)
	key := fileKey{p, kind}
	if lf, ok := c.files[key]; ok {
		return lf
	}
	lf := &loadedFile{}
	c.files[key] = lf
	pos := toPos(s.Pos)
	a, err := c.loader.Load(p, kind)
	if err != nil {
		c.errorf(pos, "%s", err)
		return lf
	}
	for _, n := range a.Notes {
		c.warnf(pos, "in table %q, %s", p, n)
	}
	lf.asset = a
	if kind == assets.AsImage || kind == assets.AsRaw || kind == assets.AsAudio {
		lf.index = len(c.bot.Files)
		c.bot.Files = append(c.bot.Files, a.File)
	}
	return lf
}

func (c *checker) csvTable(s *syntax.Str) *ir.Table {
	if lf := c.load(s, assets.AsTable); lf.asset != nil {
		return lf.asset.Table
	}
	return nil
}

func (c *checker) plotly(s *syntax.Str) string {
	if lf := c.load(s, assets.AsPlotly); lf.asset != nil {
		return lf.asset.Figure
	}
	return ""
}

// fileRef loads a file the bot embeds and refers to it.
func (c *checker) fileRef(s *syntax.Str, kind assets.Kind) *ir.FileRef {
	if lf := c.load(s, kind); lf.asset != nil {
		return &ir.FileRef{Index: lf.index}
	}
	return nil
}

func (c *checker) image(s *syntax.Str) *ir.FileRef { return c.fileRef(s, assets.AsImage) }

func (c *checker) rawFile(s *syntax.Str) *ir.FileRef { return c.fileRef(s, assets.AsRaw) }

func (c *checker) audio(s *syntax.Str) *ir.FileRef { return c.fileRef(s, assets.AsAudio) }
