package main

import "github.com/urfave/cli/v2"

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
