package main

import (
	"log/slog"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/lsp"
	"github.com/botgen-dev/botgen/runtime/version"
)

func lspCommand() *cli.Command {
	return &cli.Command{
		Name:  "lsp",
		Usage: "run the language server for editors, on standard input and output",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError("lsp: takes no arguments (the editor talks to it on standard input)")
			}
			// Standard output carries the protocol: logs go to standard error.
			logger := slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))
			s := &lsp.Server{Version: version.Version}
			if err := s.Serve(c.App.Reader, c.App.Writer, logger); err != nil {
				return inputError("lsp: %v", err)
			}
			return nil
		},
	}
}
