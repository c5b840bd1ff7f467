package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/build"
	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/generator"
)

// sourceFlags are the flags of the commands that read a .bot file: its
// limits and the folders its files may come from.
func sourceFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "allow-outside", Usage: "let the bot embed files from this folder too, not only from its own (repeatable)"},
		&cli.StringFlag{Name: "max-source-size", Usage: "refuse .bot files larger than this, in bytes or with KiB or MiB (default: 1MiB)"},
	}
}

// checkOptions are the options sourceFlags give.
func checkOptions(c *cli.Context) (dsl.CheckOptions, error) {
	opts := dsl.CheckOptions{AllowOutside: c.StringSlice("allow-outside")}
	if s := c.String("max-source-size"); s != "" {
		n, err := parseSize(s)
		if err != nil {
			return opts, usageError("--max-source-size: %v", err)
		}
		opts.MaxSourceSize = n
	}
	return opts, nil
}

// parseSize reads a positive size in bytes, written with a KiB or MiB
// suffix or none.
func parseSize(s string) (int, error) {
	num, mult := s, 1
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = n, u.mult
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil || n <= 0 || n > math.MaxInt32/mult {
		return 0, fmt.Errorf("%q is not a size (write 4194304, 4096KiB or 4MiB)", s)
	}
	return n * mult, nil
}

// load parses and checks one .bot file, printing its diagnostics. It fails
// when there are errors.
func load(c *cli.Context, path string) (*ir.Bot, error) {
	if !strings.HasSuffix(path, ".bot") {
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			return nil, usageError("%s is a folder; give a .bot file", path)
		}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, inputError("%s: no such file", path)
	}
	opts, err := checkOptions(c)
	if err != nil {
		return nil, err
	}
	bot, diags := dsl.Load(path, opts)
	for _, d := range diags {
		fmt.Fprintln(c.App.ErrWriter, d.String())
	}
	if n := errorCount(diags); n > 0 {
		return nil, inputError("%s: %d error%s", path, n, plural(n))
	}
	return bot, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func oneFile(c *cli.Context) (string, error) {
	switch c.NArg() {
	case 0:
		return "", usageError("%s: give a .bot file", c.Command.Name)
	case 1:
		return c.Args().First(), nil
	}
	return "", usageError("%s: give one .bot file, not %d arguments", c.Command.Name, c.NArg())
}

// generateOne generates the Go program of the one .bot file the command is
// given, and returns the file's path with it.
func generateOne(c *cli.Context) (string, *ir.Bot, *generator.Output, error) {
	path, err := oneFile(c)
	if err != nil {
		return "", nil, nil, err
	}
	bot, out, err := generate(c, path)
	return path, bot, out, err
}

func generate(c *cli.Context, path string) (*ir.Bot, *generator.Output, error) {
	bot, err := load(c, path)
	if err != nil {
		return nil, nil, err
	}
	out, err := generator.Generate(bot)
	if err != nil {
		return nil, nil, inputError("%s: %v", path, err)
	}
	return bot, out, nil
}

// cachedBinary builds the bot of path into the cache, to run here. say
// tells, on a terminal, how long a long build took. The bot is returned
// when it checks, even if the build fails.
func cachedBinary(c *cli.Context, path string, say bool) (*ir.Bot, string, error) {
	bot, out, err := generate(c, path)
	if err != nil {
		return nil, "", err
	}
	progress, done := buildProgress(c.App.ErrWriter, path, say)
	bin, err := build.CachedBinary(c.Context, out, build.Options{Name: bot.Name, Source: bot.SourceFile, GoDir: goDir(path), Local: true, Progress: progress})
	done()
	if err != nil {
		return bot, "", buildError(c, path, err)
	}
	return bot, bin, nil
}

// buildError is what a command returns when building the bot of path
// failed with err.
func buildError(c *cli.Context, path string, err error) error {
	if c.Context.Err() != nil {
		return errReported // stopped by a signal: nothing to report
	}
	return inputError("%s: %v", path, err)
}

// goDir returns the folder of the .bot file at path when it holds Go files
// (tests aside): every one of them is part of the bot. "" when it holds
// none.
func goDir(path string) string {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			return dir
		}
	}
	return ""
}
