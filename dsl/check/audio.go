package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/ir"
)

// audioChecks runs once every reply and test is checked: a test's `bot
// audio "NAME"` must name the file of an audio reply (in baf the reply
// carries samples, not a name, so the test compares the samples of that
// file), and in a bot configured for baf, an MP3 or Ogg reply is noted
// as reaching baf clients as a file.
func (c *checker) audioChecks() {
	var sounds []int // Bot.Files indices of audio replies, in order
	for k, lf := range c.files {
		if k.kind == assets.AsAudio && lf.asset != nil {
			sounds = append(sounds, lf.index)
		}
	}
	slices.Sort(sounds)
	for ti := range c.bot.Tests {
		for si := range c.bot.Tests[ti].Steps {
			st := &c.bot.Tests[ti].Steps[si]
			if st.Kind != ir.BotExpect || st.Reply != ir.ReplyAudio || st.FileName == "" {
				continue
			}
			var names []string
			for _, i := range sounds {
				name := c.bot.Files[i].Name
				if name == st.FileName {
					st.File = &ir.FileRef{Index: i}
					break
				}
				if q := fmt.Sprintf("%q", name); !slices.Contains(names, q) {
					names = append(names, q)
				}
			}
			if st.File == nil {
				known := "the bot has none"
				if len(names) > 0 {
					known = "it sends " + strings.Join(names, ", ")
				}
				c.errorf(st.Pos, "no reply audio sends a file named %q (%s)", st.FileName, known)
			}
		}
	}
	if c.cfg.Protocol != "baf" {
		return
	}
	var walk func([]ir.Stmt)
	walk = func(ss []ir.Stmt) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ir.If:
				walk(s.Then)
				walk(s.Else)
			case *ir.Reply:
				if s.Kind == ir.ReplyAudio && s.File != nil && c.bot.Files[s.File.Index].MIME != "audio/wav" {
					c.warnf(s.Pos, "baf clients get %s as a file to download, not as audio they play: only a WAV file's samples can be sent as agent_reply_audio", c.bot.Files[s.File.Index].Name)
				}
			}
		}
	}
	for _, st := range c.bot.States {
		walk(st.Body)
		walk(st.Fallback)
	}
	walk(c.bot.Fallback)
}
