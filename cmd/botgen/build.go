package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/build"
)

func buildCommand() *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "compile a .bot file into a binary",
		ArgsUsage: "FILE.bot",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "the binary to write (default: the file's base name)"},
			&cli.StringFlag{Name: "work", Usage: "keep the generated Go module in this folder"},
		}, sourceFlags()...),
		Action: cmdBuild,
	}
}

func cmdBuild(c *cli.Context) error {
	path, bot, out, err := generateOne(c)
	if err != nil {
		return err
	}
	output := c.String("output")
	if output == "" {
		output = strings.TrimSuffix(filepath.Base(path), ".bot")
	}
	work := c.String("work")
	if work != "" {
		if work, err = filepath.Abs(work); err != nil {
			return inputError("--work: %v", err)
		}
	}
	progress, done := buildProgress(c.App.ErrWriter, path, false)
	err = build.Binary(c.Context, out, build.Options{Output: output, WorkDir: work, Name: bot.Name, Source: bot.SourceFile, GoDir: goDir(path), Progress: progress})
	done()
	if err != nil {
		return buildError(c, path, err)
	}
	fmt.Fprintf(c.App.Writer, "built %s from %s\n", output, path)
	return nil
}
