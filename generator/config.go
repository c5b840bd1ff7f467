package generator

import (
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/config"
)

// Config returns the settings a bot is built with: its config block over
// the defaults, as config.Resolve gives them before any run-time source.
// botgen build and botgen nlu read the bot's language, stemming, time zone
// and threshold from it.
func Config(b *ir.Bot) (config.Config, error) {
	block := make([]config.Entry, len(b.Config))
	for i, e := range b.Config {
		block[i] = config.Entry{Key: e.Key, Value: e.Value}
	}
	r, err := config.Resolve(config.Sources{Block: block})
	return r.Config, err
}
