package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/generator"
	nlueval "github.com/botgen-dev/botgen/runtime/nlu/eval"
)

// cmdNLUCheck cross-validates a bot's training sentences and lists those
// that the rest of its sentences do not teach the model.
func cmdNLUCheck(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageError("nlu check: give one .bot file")
	}
	folds := c.Int("folds")
	if folds < 2 {
		return usageError("nlu check: --folds must be at least 2")
	}
	failUnder := c.Float64("fail-under")
	if failUnder < 0 || failUnder > 1 {
		return usageError("nlu check: --fail-under must be between 0 and 1")
	}
	path := c.Args().First()
	bot, err := load(c, path)
	if err != nil {
		return err
	}
	intents, entities, opts, err := generator.NLUInput(bot)
	if err != nil {
		return inputError("%v", err)
	}
	cfg, _ := generator.Config(bot) // checked when the bot was loaded
	r, err := nlueval.CrossValidate(intents, entities, opts, folds, cfg.IntentThreshold)
	if err != nil {
		return inputError("%s: %v", path, err)
	}
	printCheck(c.App.Writer, r, cfg.IntentThreshold)
	if share := r.Share(); failUnder > 0 && share < failUnder {
		return inputError("%s: %.3f of the sentences understood, under --fail-under %g", path, share, failUnder)
	}
	return nil
}

// printCheck prints what nlu check found.
func printCheck(w io.Writer, r *nlueval.CrossReport, threshold float64) {
	held := len(r.Held)
	fmt.Fprintf(w, "cross-validation  %d folds over %d sentence%s of %d intent%s", r.Folds, held, plural(held), r.Intents, plural(r.Intents))
	if r.Untested > 0 {
		fmt.Fprintf(w, " (%d intent%s with one sentence not tested)", r.Untested, plural(r.Untested))
	}
	fmt.Fprintln(w)
	if held == 0 {
		fmt.Fprintln(w, "nothing to test: give intents two sentences or more")
		return
	}
	fmt.Fprintf(w, "understood        %d/%d (%.3f) at nlp.intent_threshold %g; the right intent ranked first %d/%d\n",
		r.Understood, held, r.Share(), threshold, r.Ranked, held)
	fmt.Fprintln(w, "per intent")
	for _, t := range r.PerIntent {
		fmt.Fprintf(w, "  %-24s %d/%d\n", t.Intent, t.Understood, t.Held)
	}
	if len(r.Misread) == 0 {
		return
	}
	fmt.Fprintln(w, "not understood when held out (add sentences like them, or tell the intents apart)")
	for _, h := range r.Misread {
		text := fmt.Sprintf("%q", h.Sentence)
		if h.Text != h.Sentence {
			text += fmt.Sprintf(" as %q", h.Text)
		}
		if h.Got == h.Intent {
			fmt.Fprintf(w, "  %s: %s scores %.2f, below the threshold\n", h.Intent, text, h.Score)
		} else {
			fmt.Fprintf(w, "  %s: %s reads as %s (%.2f)\n", h.Intent, text, h.Got, h.Score)
		}
	}
}
