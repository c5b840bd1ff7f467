package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/build"
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     "write the Go source of a bot as a module you own",
		ArgsUsage: "FILE.bot",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "the folder to write", Required: true},
		}, sourceFlags()...),
		Action: cmdGenerate,
	}
}

func cmdGenerate(c *cli.Context) error {
	path, bot, out, err := generateOne(c)
	if err != nil {
		return err
	}
	dir := c.String("output")
	// The module carries its own copy of the runtime so it builds anywhere,
	// with no botgen installed.
	if err := build.WriteRuntime(filepath.Join(dir, "botgen")); err != nil {
		return inputError("writing %s: %v", dir, err)
	}
	if err := build.WriteModule(dir, out, build.ModuleOptions{RuntimeDir: "./botgen", Name: bot.Name, Source: bot.SourceFile, GoDir: goDir(path)}); err != nil {
		return inputError("writing %s: %v", dir, err)
	}
	fmt.Fprintf(c.App.Writer, "wrote %s (build it with: cd %s && go build)\n", dir, dir)
	return nil
}
