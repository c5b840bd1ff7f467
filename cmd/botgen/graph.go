package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/dsl"
)

func graphCommand() *cli.Command {
	return &cli.Command{
		Name:      "graph",
		Usage:     "draw the states of a .bot file and what moves between them (DOT, Mermaid or SVG)",
		ArgsUsage: "FILE.bot",
		Flags: append(sourceFlags(),
			&cli.StringFlag{Name: "format", Usage: `"dot", "mermaid" or "svg" (svg runs Graphviz's dot); default: from -o's extension, else dot`},
			&cli.StringFlag{Name: "o", Usage: "write the diagram to this file instead of the standard output"},
		),
		Action: cmdGraph,
	}
}

// graphFormats are the formats by the extensions that imply them.
var graphFormats = map[string]string{".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".svg": "svg"}

// installGraphviz says how to get dot.
const installGraphviz = "install Graphviz (apt-get install graphviz, brew install graphviz, or see https://graphviz.org/download/), or write --format dot or mermaid"

// cmdGraph draws the bot even when it has errors, as far as it checks (an
// unreachable state is one): the diagram is written and the command fails.
func cmdGraph(c *cli.Context) error {
	path, err := oneFile(c)
	if err != nil {
		return err
	}
	format := c.String("format")
	if format == "" {
		format = graphFormats[strings.ToLower(filepath.Ext(c.String("o")))]
	}
	if format == "" {
		format = "dot"
	}
	if format != "dot" && format != "mermaid" && format != "svg" {
		return usageError("graph: --format %q: want dot, mermaid or svg", format)
	}
	if _, err := os.Stat(path); err != nil {
		return inputError("%s: no such file", path)
	}
	opts, err := checkOptions(c)
	if err != nil {
		return err
	}
	opts.ValidateOnly = true // the diagram needs no file's bytes
	bot, diags := dsl.Load(path, opts)
	for _, d := range diags {
		fmt.Fprintln(c.App.ErrWriter, d.String())
	}
	if bot == nil || bot.Graph == nil {
		return inputError("%s: no diagram: the file does not parse", path)
	}
	var out bytes.Buffer
	switch format {
	case "dot", "svg":
		err = bot.Graph.WriteDOT(&out)
	case "mermaid":
		err = bot.Graph.WriteMermaid(&out)
	}
	if err == nil && format == "svg" {
		err = renderDOT(c, &out)
	}
	if err != nil {
		return inputError("graph: %v", err)
	}
	if o := c.String("o"); o != "" {
		if err := os.WriteFile(o, out.Bytes(), 0o644); err != nil {
			return inputError("graph: %v", err)
		}
	} else if _, err := c.App.Writer.Write(out.Bytes()); err != nil {
		return inputError("graph: %v", err)
	}
	if n := errorCount(diags); n > 0 {
		return inputError("%s: %d error%s (the diagram shows the bot as far as it checks)", path, n, plural(n))
	}
	return nil
}

// dotTimeout is how long dot may take: its layout grows much faster than
// the diagram, and a bot of a few hundred states can keep it busy for
// minutes. A variable so that a test can shorten it.
var dotTimeout = 60 * time.Second

// renderDOT replaces the DOT text in buf with the SVG Graphviz's dot draws
// from it.
func renderDOT(c *cli.Context, buf *bytes.Buffer) error {
	dot, err := exec.LookPath("dot")
	if err != nil {
		return fmt.Errorf("--format svg needs Graphviz's dot, which is not on PATH: %s", installGraphviz)
	}
	ctx, cancel := context.WithTimeout(c.Context, dotTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, dot, "-Tsvg")
	// Once dot is killed, what it started may still hold its output open:
	// stop waiting for that.
	cmd.WaitDelay = time.Second
	cmd.Stdin = bytes.NewReader(buf.Bytes())
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%s -Tsvg did not finish in %v, and was stopped: the diagram is too big for its layout; write --format dot and pipe it to a faster one (Graphviz's sfdp -Tsvg), or --format mermaid", dot, dotTimeout)
		}
		return fmt.Errorf("%s -Tsvg: %v: %s", dot, err, strings.TrimSpace(stderr.String()))
	}
	*buf = out
	return nil
}

func errorCount(diags dsl.Diagnostics) int {
	n := 0
	for _, d := range diags {
		if d.Severity == dsl.Error {
			n++
		}
	}
	return n
}
