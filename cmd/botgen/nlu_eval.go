package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/nlu"
	nlueval "github.com/botgen-dev/botgen/runtime/nlu/eval"
)

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
