package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "report the errors and warnings of .bot files",
		ArgsUsage: "FILE.bot...",
		Flags:     sourceFlags(),
		Action:    cmdCheck,
	}
}

func cmdCheck(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("check: give one or more .bot files")
	}
	failed := false
	for _, path := range c.Args().Slice() {
		if _, err := load(c, path); err != nil {
			var ee *exitError
			if errors.As(err, &ee) && ee.code == exitUsage {
				return err
			}
			fmt.Fprintf(c.App.ErrWriter, "botgen: %v\n", err)
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}
