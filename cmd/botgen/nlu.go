package main

import (
	"cmp"
	"encoding/csv"
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
	"github.com/botgen-dev/botgen/runtime/nlu"
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

// row is one labelled sentence of an evaluation CSV.

func readRows(path string) ([]nlu.Labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, inputError("%v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, inputError("%s: %v", path, err)
	}
	ti, ii := slices.Index(head, "text"), slices.Index(head, "intent")
	if ti < 0 || ii < 0 {
		return nil, inputError("%s: the header must name the columns text and intent", path)
	}
	var rows []nlu.Labelled
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, inputError("%s: %v", path, err)
		}
		rows = append(rows, nlu.Labelled{Text: rec[ti], Intent: rec[ii]})
	}
	if len(rows) == 0 {
		return nil, inputError("%s: no rows", path)
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
	lang := c.String("language")
	cfg := config.Default()
	if err := cfg.Set("nlp.language", lang); err != nil {
		return usageError("--language: %v", err)
	}
	oos := c.String("oos-label")
	threshold := c.Float64("threshold")

	var labelled []nlu.Labelled
	for _, r := range train {
		if oos == "" || r.Intent != oos {
			labelled = append(labelled, r)
		}
	}
	intents := nlu.IntentsFrom(labelled)
	if len(intents) == 0 {
		return inputError("%s: no intent to train", c.String("train"))
	}
	opts := nlu.Options{Language: lang, Stemming: !c.Bool("no-stemming")}
	start := time.Now()
	model, err := nlu.Train(intents, nil, opts)
	if err != nil {
		return inputError("%v", err)
	}
	trainTime := time.Since(start)
	data, err := model.MarshalBinary()
	if err != nil {
		return inputError("%v", err)
	}
	names := model.Intents()

	w := c.App.Writer
	labels := slices.Clone(names)
	if oos != "" {
		labels = append(labels, oos)
	}
	type pair struct{ want, got string }
	confused := map[pair]int{}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	lat := make([]time.Duration, 0, len(test))
	correct := 0
	for _, r := range test {
		t0 := time.Now()
		scores := model.Classify(r.Text, names)
		lat = append(lat, time.Since(t0))
		got := scores[0].Intent
		if oos != "" && scores[0].Score < threshold {
			got = oos
		}
		if got == r.Intent {
			correct++
			tp[got]++
			continue
		}
		fp[got]++
		fn[r.Intent]++
		confused[pair{r.Intent, got}]++
		if !slices.Contains(labels, r.Intent) {
			labels = append(labels, r.Intent) // a test intent never trained on
		}
	}
	var f1sum float64
	for _, l := range labels {
		p, rc := ratio(tp[l], tp[l]+fp[l]), ratio(tp[l], tp[l]+fn[l])
		if p+rc > 0 {
			f1sum += 2 * p * rc / (p + rc)
		}
	}
	slices.Sort(lat)
	pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }

	fmt.Fprintf(w, "intents        %d (train %d sentences, test %d)\n", len(names), len(train), len(test))
	fmt.Fprintf(w, "accuracy       %.4f (%d/%d)\n", ratio(correct, len(test)), correct, len(test))
	fmt.Fprintf(w, "macro-F1       %.4f\n", f1sum/float64(len(labels)))
	if oos != "" {
		fmt.Fprintf(w, "out-of-scope   recall %.4f, precision %.4f (label %s, threshold %g)\n",
			ratio(tp[oos], tp[oos]+fn[oos]), ratio(tp[oos], tp[oos]+fp[oos]), oos, threshold)
	}
	fmt.Fprintf(w, "training       %s\n", trainTime.Round(time.Millisecond))
	fmt.Fprintf(w, "model size     %d bytes\n", len(data))
	fmt.Fprintf(w, "latency        p50 %s, p99 %s\n", pct(0.50).Round(time.Microsecond/10), pct(0.99).Round(time.Microsecond/10))
	pairs := make([]pair, 0, len(confused))
	for p := range confused {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(confused[b], confused[a]), cmp.Compare(a.want, b.want), cmp.Compare(a.got, b.got))
	})
	if n := min(len(pairs), c.Int("confusions")); n > 0 {
		fmt.Fprintln(w, "most confused (expected -> predicted: count)")
		for _, p := range pairs[:n] {
			fmt.Fprintf(w, "  %s -> %s: %d\n", p.want, p.got, confused[p])
		}
	}
	return nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
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
	cfg := config.Default()
	for _, e := range bot.Config {
		_ = cfg.Set(e.Key, e.Value) // checked when the bot was loaded
	}
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
	if best.Score <= 0 || best.Score < cfg.IntentThreshold {
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

// candidates returns the intents a message is classified among in state (as
// the engine does: the state's intents, then the globals'), or every intent
// when state is empty.
func candidates(bot *ir.Bot, state string) ([]string, string, error) {
	if state == "" {
		var out []string
		for _, in := range bot.Intents {
			out = append(out, in.Name)
		}
		return out, "every intent", nil
	}
	for _, st := range bot.States {
		if st.Name != state {
			continue
		}
		var out []string
		for _, t := range st.Transitions {
			if t.Kind == ir.OnIntent && !slices.Contains(out, t.Intent) {
				out = append(out, t.Intent)
			}
		}
		for _, g := range bot.Globals {
			if !slices.Contains(out, g.Intent) {
				out = append(out, g.Intent)
			}
		}
		return out, "of state " + state, nil
	}
	return nil, "", inputError("%s: no state %q", bot.SourceFile, state)
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
	cfg := config.Default()
	for _, e := range bot.Config {
		_ = cfg.Set(e.Key, e.Value) // checked when the bot was loaded
	}
	held, err := nlu.CrossValidate(intents, entities, opts, folds)
	if err != nil {
		return inputError("%s: %v", path, err)
	}
	w := c.App.Writer
	single := 0
	for _, in := range intents {
		if len(in.Sentences) == 1 {
			single++
		}
	}
	fmt.Fprintf(w, "cross-validation  %d folds over %d sentence%s of %d intent%s", folds, len(held), plural(len(held)), len(intents), plural(len(intents)))
	if single > 0 {
		fmt.Fprintf(w, " (%d intent%s with one sentence not tested)", single, plural(single))
	}
	fmt.Fprintln(w)
	if len(held) == 0 {
		fmt.Fprintln(w, "nothing to test: give intents two sentences or more")
		return nil
	}
	best, understood := 0, 0
	type tally struct{ ok, n int }
	per := map[string]*tally{}
	var misread []nlu.Held
	for _, h := range held {
		t := per[h.Intent]
		if t == nil {
			t = &tally{}
			per[h.Intent] = t
		}
		t.n++
		if h.Got == h.Intent {
			best++
		}
		if h.Got == h.Intent && h.Score > 0 && h.Score >= cfg.IntentThreshold {
			understood++
			t.ok++
			continue
		}
		misread = append(misread, h)
	}
	share := ratio(understood, len(held))
	fmt.Fprintf(w, "understood        %d/%d (%.3f) at nlp.intent_threshold %g; the right intent ranked first %d/%d\n",
		understood, len(held), share, cfg.IntentThreshold, best, len(held))
	fmt.Fprintln(w, "per intent")
	for _, in := range intents {
		if t := per[in.Name]; t != nil {
			fmt.Fprintf(w, "  %-24s %d/%d\n", in.Name, t.ok, t.n)
		}
	}
	if len(misread) > 0 {
		fmt.Fprintln(w, "not understood when held out (add sentences like them, or tell the intents apart)")
		for _, h := range misread {
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
	if failUnder > 0 && share < failUnder {
		return inputError("%s: %.3f of the sentences understood, under --fail-under %g", path, share, failUnder)
	}
	return nil
}
