package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/generator"
	"github.com/botgen-dev/botgen/runtime/engine"
)

func cmdNLUExplain(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageError("nlu explain: give a .bot file and a message")
	}
	path, msg := c.Args().Get(0), c.Args().Get(1)
	bot, err := load(c, path)
	if err != nil {
		return err
	}
	model, err := generator.TrainModel(bot)
	if err != nil {
		return inputError("%s: %v", path, err)
	}
	cfg, _ := generator.Config(bot) // checked when the bot was loaded
	cands, where, err := candidates(bot, c.String("state"))
	if err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "message   %q\n", msg)
	fmt.Fprintf(w, "words     %s\n", strings.Join(model.Words(msg), " "))
	fmt.Fprintf(w, "intents   %s (threshold %g)\n", where, cfg.IntentThreshold)
	if len(cands) == 0 {
		fmt.Fprintln(w, "result    no intent to match: a message goes to the fallback")
		return nil
	}
	scores := model.Classify(msg, cands)
	for _, s := range scores {
		mark := ""
		if s.Score == 1 {
			mark = "  (exact training sentence)"
		}
		fmt.Fprintf(w, "  %-24s %.4f%s\n", s.Intent, s.Score, mark)
	}
	best := scores[0]
	if !best.Reaches(cfg.IntentThreshold) {
		fmt.Fprintf(w, "result    fallback: the best intent, %s, scores %.4f, below the threshold %g\n", best.Intent, best.Score, cfg.IntentThreshold)
		return nil
	}
	fmt.Fprintf(w, "result    %s\n", best.Intent)
	for _, ex := range model.Explain(msg, best.Intent, 8) {
		fmt.Fprintf(w, "  %+.3f  %s\n", ex.Weight, ex.Feature)
	}
	for _, v := range model.Extract(best.Intent, msg) {
		fmt.Fprintf(w, "param     %s = %#v\n", v.Param, v.Value)
	}
	return nil
}

// candidates returns the intents a message is classified among in state,
// by the engine's rule, or every intent when state is empty.
func candidates(bot *ir.Bot, state string) ([]string, string, error) {
	if state == "" {
		var out []string
		for _, in := range bot.Intents {
			out = append(out, in.Name)
		}
		return out, "every intent", nil
	}
	i := slices.IndexFunc(bot.States, func(s ir.State) bool { return s.Name == state })
	if i < 0 {
		return nil, "", inputError("%s: no state %q", bot.SourceFile, state)
	}
	var on []engine.Transition
	for _, t := range bot.States[i].Transitions {
		if t.Kind == ir.OnIntent {
			on = append(on, engine.Transition{Kind: engine.OnIntent, Intent: t.Intent})
		}
	}
	globals := make([]engine.Global, len(bot.Globals))
	for k, g := range bot.Globals {
		globals[k] = engine.Global{Intent: g.Intent}
	}
	return engine.Listens(on, globals), "of state " + state, nil
}
