package nlu_test

import (
	"path/filepath"
	"testing"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/nlu"
)

// loadExample reads testdata/examples/name.bot as botgen does, so that the
// intents below are the examples' own.
func loadExample(t *testing.T, name string) *ir.Bot {
	t.Helper()
	bot, diags := dsl.Load(filepath.Join("..", "..", "testdata", "examples", name+".bot"), dsl.CheckOptions{})
	if diags.HasErrors() {
		t.Fatalf("%s does not check:\n%v", name, diags)
	}
	return bot
}

// offered returns the intents a state of bot listens for: its own and the
// global ones.
func offered(t *testing.T, bot *ir.Bot, state string) []string {
	t.Helper()
	var names []string
	for _, g := range bot.Globals {
		names = append(names, g.Intent)
	}
	for _, s := range bot.States {
		if s.Name != state {
			continue
		}
		for _, tr := range s.Transitions {
			if tr.Kind == ir.OnIntent {
				names = append(names, tr.Intent)
			}
		}
		return names
	}
	t.Fatalf("%s has no state %s", bot.Name, state)
	return nil
}

// The reference examples' messages, with the candidates their states offer.
func TestExampleMessages(t *testing.T) {
	tests := []struct {
		bot, state, text string
		want             string // "": below 0.4
	}{
		{"help_desk", "s0", "hi", "hello"},
		{"help_desk", "s0", "I need help", "help"},
		{"help_desk", "s0", "how are you?", "howareyou"},
		{"help_desk", "s0", "the quick brown fox", ""},
		{"help_desk", "hello_state", "goodbye", "bye"},
		{"help_desk", "hello_state", "how r u", ""},
		{"showcase", "menu", "table", "table"},
		{"showcase", "menu", "who is on the team?", "team"},
		{"showcase", "menu", "chart", "chart"},
		{"showcase", "menu", "bar chart", "bars"},
		{"showcase", "menu", "compare revenue", "bars"},
		{"showcase", "menu", "picture", "picture"},
		{"showcase", "menu", "document", "document"},
		{"showcase", "menu", "location", "place"},
		{"showcase", "menu", "html", "formatted"},
		{"showcase", "menu", "upload", "upload"},
		{"showcase", "menu", "show me the team", "team"},
	}
	bots := map[string]*ir.Bot{}
	scorers := map[string]*nlu.Scorer{}
	for _, tt := range tests {
		bot := bots[tt.bot]
		if bot == nil {
			bot = loadExample(t, tt.bot)
			var intents []nlu.Intent
			for _, in := range bot.Intents {
				intents = append(intents, in.Intent)
			}
			s, err := nlu.NewScorer(intents, nil, nlu.Options{Language: "en", Stemming: true})
			if err != nil {
				t.Fatal(err)
			}
			bots[tt.bot], scorers[tt.bot] = bot, s
		}
		sc := scorers[tt.bot].Classify(tt.text, offered(t, bot, tt.state))
		got := sc[0].Intent
		if sc[0].Score < 0.4 {
			got = ""
		}
		if got != tt.want {
			t.Errorf("%s, %s: %q -> %q (%v), want %q", tt.bot, tt.state, tt.text, got, sc, tt.want)
		}
	}
}
