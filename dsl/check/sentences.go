package check

import (
	"strings"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/nlu"
)

// sameSentences warns about training sentences that read the same once
// normalised as the classifier normalises them (case, punctuation, stems):
// in two intents, a message like them scores 1 for both and the bot cannot
// tell them apart; in one, the second adds nothing.
func (c *checker) sameSentences(f *syntax.File) {
	cfg := c.cfg
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
