package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/dsl"
)

func fmtCommand() *cli.Command {
	return &cli.Command{
		Name:      "fmt",
		Usage:     "lay out .bot files in the canonical style (prints the result unless -w, -l or --check)",
		ArgsUsage: "FILE.bot...",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "w", Usage: "write the result back to each file that changes"},
			&cli.BoolFlag{Name: "l", Usage: "list the files whose layout differs from the canonical one"},
			&cli.BoolFlag{Name: "check", Usage: "as -l, and exit 1 when any file differs (for CI)"},
		},
		Action: cmdFmt,
	}
}

// cmdFmt formats each file. A file with syntax errors is reported and left
// as it is; the others are still formatted.
func cmdFmt(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("fmt: give one or more .bot files")
	}
	write, list := c.Bool("w"), c.Bool("l") || c.Bool("check")
	if write && c.Bool("check") {
		return usageError("fmt: -w and --check do not go together")
	}
	failed, differs := false, 0
	for _, path := range c.Args().Slice() {
		src, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(c.App.ErrWriter, "botgen: %v\n", err)
			failed = true
			continue
		}
		out, diags := dsl.Format(path, src)
		if diags.HasErrors() {
			for _, d := range diags {
				fmt.Fprintln(c.App.ErrWriter, d.String())
			}
			failed = true
			continue
		}
		changed := !bytes.Equal(src, out)
		if changed {
			differs++
		}
		if list && changed {
			fmt.Fprintln(c.App.Writer, path)
		}
		if write && changed {
			info, err := os.Stat(path)
			if err == nil {
				err = os.WriteFile(path, out, info.Mode().Perm())
			}
			if err != nil {
				fmt.Fprintf(c.App.ErrWriter, "botgen: %v\n", err)
				failed = true
			}
		}
		if !write && !list {
			c.App.Writer.Write(out)
		}
	}
	if failed {
		return errReported
	}
	if differs > 0 && c.Bool("check") {
		return inputError("%d file%s not in the canonical layout (botgen fmt -w rewrites them)", differs, plural(differs))
	}
	return nil
}
