package check

import (
	"errors"

	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/knowledge"
)

// knowledge reads the documents a knowledge declaration names, files or
// patterns inside the bot's folder, and splits them into the passages the
// bot answers from. A document named twice is read once.
func (c *checker) knowledge(d *syntax.KnowledgeDecl) {
	if c.knowledgeAt == nil {
		p := toPos(d.Pos)
		c.knowledgeAt = &p
	}
	for _, s := range d.Files {
		p, pos := c.decodeString(s), toPos(s.Pos)
		names := []string{p}
		if assets.HasMeta(p) {
			var err error
			if names, err = c.loader.Glob(p); err != nil {
				c.errorf(pos, "%s", err)
				continue
			}
		}
		for _, name := range names {
			if first, seen := c.documents[name]; seen {
				if !assets.HasMeta(p) {
					c.warnf(pos, "document %q is named twice (first at %s)", name, c.where(first))
				}
				continue
			}
			c.documents[name] = pos
			a, err := c.loader.Load(name, assets.AsDocument)
			if err != nil {
				c.errorf(pos, "%s", err)
				continue
			}
			passages, err := knowledge.Split(name, a.File.Data)
			if de := (*knowledge.DocumentError)(nil); errors.As(err, &de) {
				c.errorf(pos, "document %q: %s", name, de.Reason)
				continue
			} else if err != nil {
				c.errorf(pos, "%s", err)
				continue
			}
			if len(passages) == 0 {
				c.warnf(pos, "document %q holds no text", name)
			}
			c.bot.Knowledge = append(c.bot.Knowledge, passages...)
		}
	}
	if n := len(c.bot.Knowledge); n > knowledge.MaxPassages {
		c.errorf(toPos(d.Pos), "the knowledge holds %d passages, over the limit of %d", n, knowledge.MaxPassages)
	}
}

// knowledgeUses checks that answers have knowledge to answer from, and
// that knowledge is answered from.
func (c *checker) knowledgeUses() {
	switch {
	case len(c.answers) > 0 && c.knowledgeAt == nil:
		for _, p := range c.answers {
			c.errorf(p, "reply answer answers from the bot's knowledge, and the bot declares none: name its documents, e.g. knowledge \"docs/*.md\"")
		}
	case len(c.answers) == 0 && c.knowledgeAt != nil:
		c.warnf(*c.knowledgeAt, "the bot's knowledge is never used: no reply answer answers from it")
	}
	if c.cfg.LLMFallback {
		c.bot.UsesLLM = true
	}
}
