package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/generator"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/nlu"
	nlueval "github.com/botgen-dev/botgen/runtime/nlu/eval"
)

// nluCommand is `botgen nlu`: tools to measure and understand the intent
// classifier that botgen build trains.
func nluCommand() *cli.Command {
	usage := func(_ *cli.Context, err error, _ bool) error { return usageError("%v", err) }
	return &cli.Command{
		Name:  "nlu",
		Usage: "measure and explain the built-in intent classifier",
		Subcommands: []*cli.Command{
			{
				Name:      "eval",
				Usage:     "train on a CSV (text,intent) as botgen build trains, and measure on another",
				ArgsUsage: "--train A.csv --test B.csv",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "train", Usage: "training sentences, CSV with header text,intent"},
					&cli.StringFlag{Name: "test", Usage: "test sentences, CSV with header text,intent"},
					&cli.StringFlag{Name: "oos-label", Usage: "intent label of out-of-scope rows: not trained on; right when no intent reaches the threshold"},
					&cli.Float64Flag{Name: "threshold", Value: 0.4, Usage: "lowest score that counts as understood (with --oos-label)"},
					&cli.StringFlag{Name: "language", Value: "en", Usage: "nlp.language of the sentences"},
					&cli.BoolFlag{Name: "no-stemming", Usage: "as nlp.pre_processing = false"},
					&cli.IntFlag{Name: "confusions", Value: 10, Usage: "most confused intent pairs to list"},
				},
				Action:       cmdNLUEval,
				OnUsageError: usage,
			},
			{
				Name:      "check",
				Usage:     "cross-validate a bot's own training sentences: which ones its other sentences do not teach",
				ArgsUsage: "FILE.bot",
				Flags: append([]cli.Flag{
					&cli.IntFlag{Name: "folds", Value: 10, Usage: "hold out one sentence in this many at a time"},
					&cli.Float64Flag{Name: "fail-under", Usage: "exit 1 when the share of sentences understood is below this (for CI)"},
				}, sourceFlags()...),
				Action:       cmdNLUCheck,
				OnUsageError: usage,
			},
			{
				Name:      "explain",
				Usage:     "score a message against a bot's intents and show what it extracts",
				ArgsUsage: "FILE.bot MESSAGE",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "state", Usage: "score among the intents this state listens to (default: every intent)"},
				}, sourceFlags()...),
				Action:       cmdNLUExplain,
				OnUsageError: usage,
			},
		},
	}
}

// readRows reads an evaluation CSV.
func readRows(path string) ([]nlu.Labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, inputError("%v", err)
	}
	defer f.Close()
	rows, err := nlueval.ReadCSV(f)
	if err != nil {
		return nil, inputError("%s: %v", path, err)
	}
	return rows, nil
}

func cmdNLUEval(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError("nlu eval: unexpected argument %q", c.Args().First())
	}
	if c.String("train") == "" || c.String("test") == "" {
		return usageError("nlu eval: give --train A.csv and --test B.csv")
	}
	train, err := readRows(c.String("train"))
	if err != nil {
		return err
	}
	test, err := readRows(c.String("test"))
	if err != nil {
		return err
	}
	flags := []config.Flag{{Name: "--language", Key: "nlp.language", Value: c.String("language")}}
	if c.Bool("no-stemming") {
		flags = append(flags, config.Flag{Name: "--no-stemming", Key: "nlp.pre_processing", Value: "false"})
	}
	r, err := config.Resolve(config.Sources{Flags: flags})
	if err != nil {
		return usageError("%v", err)
	}
	opts := nlueval.Options{
		NLU:       nlu.Options{Language: r.Config.Language, Stemming: r.Config.PreProcessing},
		OOSLabel:  c.String("oos-label"),
		Threshold: c.Float64("threshold"),
	}
	rep, err := nlueval.Run(train, test, opts)
	if errors.Is(err, nlueval.ErrNoIntents) {
		return inputError("%s: %v", c.String("train"), err)
	}
	if err != nil {
		return inputError("%v", err)
	}
	printEval(c.App.Writer, rep, opts, c.Int("confusions"))
	return nil
}

// printEval prints what nlu eval measured, showing n confusions at most.
func printEval(w io.Writer, r *nlueval.Report, opts nlueval.Options, n int) {
	fmt.Fprintf(w, "intents        %d (train %d sentences, test %d)\n", r.Intents, r.Train, r.Test)
	fmt.Fprintf(w, "accuracy       %.4f (%d/%d)\n", r.Accuracy, r.Correct, r.Test)
	fmt.Fprintf(w, "macro-F1       %.4f\n", r.MacroF1)
	if opts.OOSLabel != "" {
		fmt.Fprintf(w, "out-of-scope   recall %.4f, precision %.4f (label %s, threshold %g)\n",
			r.OOSRecall, r.OOSPrecision, opts.OOSLabel, opts.Threshold)
	}
	fmt.Fprintf(w, "training       %s\n", r.TrainTime.Round(time.Millisecond))
	fmt.Fprintf(w, "model size     %d bytes\n", r.ModelSize)
	fmt.Fprintf(w, "latency        p50 %s, p99 %s\n", r.P50.Round(time.Microsecond/10), r.P99.Round(time.Microsecond/10))
	if n = min(len(r.Confusions), n); n > 0 {
		fmt.Fprintln(w, "most confused (expected -> predicted: count)")
		for _, p := range r.Confusions[:n] {
			fmt.Fprintf(w, "  %s -> %s: %d\n", p.Want, p.Got, p.Count)
		}
	}
}

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
