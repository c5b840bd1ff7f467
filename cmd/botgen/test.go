package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/runtime/bottest"
)

func testCommand() *cli.Command {
	return &cli.Command{
		Name:      "test",
		Usage:     "run the test blocks of .bot files against their built bots over WebSocket",
		ArgsUsage: "FILE.bot...",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "protocol", Usage: `run the tests in this dialect ("bbf" or "baf")`},
			&cli.StringFlag{Name: "junit", Usage: "also write the results of every file to this file as a JUnit XML report"},
		}, sourceFlags()...),
		Action: cmdTest,
	}
}

func cmdTest(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("test: give one or more .bot files")
	}
	// Each bot writes its suite into junitDir; they are merged at the end.
	junitDir := ""
	if c.String("junit") != "" {
		dir, err := os.MkdirTemp("", "botgen-junit-")
		if err != nil {
			return inputError("--junit: %v", err)
		}
		defer os.RemoveAll(dir)
		junitDir = dir
	}
	var total bottest.Tally
	var report bottest.JUnit
	broken := false
	for i, path := range c.Args().Slice() {
		suite := ""
		if junitDir != "" {
			suite = filepath.Join(junitDir, fmt.Sprintf("%d.xml", i))
		}
		t, ok := testFile(c, path, suite, &report)
		total = total.Add(t)
		broken = broken || !ok
	}
	fmt.Fprintln(c.App.Writer, total)
	if out := c.String("junit"); out != "" {
		if err := report.WriteFile(out); err != nil {
			return inputError("--junit: %v", err)
		}
	}
	if total.Failed > 0 || broken {
		return errReported
	}
	return nil
}

// testFile runs the test blocks of one .bot file in its bot's own test
// command and prints their lines under the file's name. With suite set, the
// bot writes its JUnit suite there, and it is merged into report. ok is
// false when the file could not be tested to the end.
func testFile(c *cli.Context, path, suite string, report *bottest.JUnit) (t bottest.Tally, ok bool) {
	_, bin, err := cachedBinary(c, path, false)
	if err != nil {
		fmt.Fprintf(c.App.ErrWriter, "botgen: %v\n", err)
		return t, false
	}
	args := []string{"test"}
	if p := c.String("protocol"); p != "" {
		args = append(args, "--protocol", p)
	}
	if suite != "" {
		args = append(args, "--junit", suite)
	}
	cmd := exec.CommandContext(c.Context, bin, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, c.App.ErrWriter
	runErr := cmd.Run()
	res, ok := bottest.ParseOutput(out.String())
	if !ok {
		fmt.Fprint(c.App.Writer, out.String())
		fmt.Fprintf(c.App.ErrWriter, "botgen: %s: the test run did not finish: %v\n", path, runErr)
		return t, false
	}
	fmt.Fprintf(c.App.Writer, "%s\n", path)
	for _, line := range res.Lines {
		fmt.Fprintf(c.App.Writer, "  %s\n", line)
	}
	if suite == "" {
		return res.Tally, true
	}
	j, err := bottest.ReadJUnitFile(suite)
	if err != nil {
		fmt.Fprintf(c.App.ErrWriter, "botgen: %s: --junit: %v\n", path, err)
		return res.Tally, false
	}
	report.Merge(j)
	return res.Tally, true
}
