package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/build"
	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/generator"
	"github.com/botgen-dev/botgen/runtime/bottest"
	"github.com/botgen-dev/botgen/runtime/version"
)

// Exit codes.
const (
	exitOK    = 0
	exitInput = 1 // the .bot file has errors, a test failed, a build failed
	exitUsage = 2 // the command line is wrong
)

type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

func inputError(format string, args ...any) error {
	return &exitError{code: exitInput, msg: fmt.Sprintf(format, args...)}
}

// errReported is a failure whose details were already printed.
var errReported = &exitError{code: exitInput}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := &cli.App{
		Name:            "botgen",
		Usage:           "compile .bot files into chat-server binaries",
		Version:         version.Version,
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		Commands: []*cli.Command{
			{
				Name:      "build",
				Usage:     "compile a .bot file into a binary",
				ArgsUsage: "FILE.bot",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "the binary to write (default: the file's base name)"},
					&cli.StringFlag{Name: "work", Usage: "keep the generated Go module in this folder"},
				}, sourceFlags()...),
				Action: cmdBuild,
			},
			{
				Name:      "check",
				Usage:     "report the errors and warnings of .bot files",
				ArgsUsage: "FILE.bot...",
				Flags:     sourceFlags(),
				Action:    cmdCheck,
			},
			{
				Name:      "run",
				Usage:     "build a .bot file into the cache and run it; flags after -- go to the bot",
				ArgsUsage: "[--watch] FILE.bot [-- BOT FLAGS]",
				Flags: append([]cli.Flag{
					&cli.BoolFlag{Name: "watch", Aliases: []string{"w"}, Usage: "rebuild and restart the bot when the .bot file or a file it uses changes; conversations carry over"},
				}, sourceFlags()...),
				Action: cmdRun,
			},
			{
				Name:      "test",
				Usage:     "run the test blocks of .bot files against their built bots over WebSocket",
				ArgsUsage: "FILE.bot...",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "protocol", Usage: `run the tests in this dialect ("bbf" or "baf")`},
					&cli.StringFlag{Name: "junit", Usage: "also write the results of every file to this file as a JUnit XML report"},
				}, sourceFlags()...),
				Action: cmdTest,
			},
			{
				Name:      "generate",
				Usage:     "write the Go source of a bot as a module you own",
				ArgsUsage: "FILE.bot",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "the folder to write", Required: true},
				}, sourceFlags()...),
				Action: cmdGenerate,
			},
			initCommand(),
			fmtCommand(),
			lspCommand(),
			nluCommand(),
		},
		OnUsageError: func(c *cli.Context, err error, isSub bool) error {
			return usageError("%v", err)
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = app.OnUsageError
	}
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		cmd := app.Command(args[1])
		if cmd == nil {
			fmt.Fprintf(stderr, "botgen: unknown command %q (see botgen --help)\n", args[1])
			return exitUsage
		}
		if cmd.Name != "run" {
			args = hoistFlags(args, cmd)
		}
	}
	// A signal that stops botgen cancels the command's work (a go build
	// in progress); botgen run also stops the bot it runs (see cmdRun).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	err := app.RunContext(ctx, args)
	if err == nil {
		return exitOK
	}
	printErr(stderr, err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitInput
}

// printErr prints a command's error, unless its details were printed
// already (an error without a message, as after diagnostics).
func printErr(w io.Writer, err error) {
	var ee *exitError
	if errors.As(err, &ee) && ee.msg == "" {
		return
	}
	fmt.Fprintf(w, "botgen: %v\n", err)
}

// hoistFlags moves a command's flags in front of its file arguments, so that
// `botgen generate FILE.bot -o DIR` reads like `botgen generate -o DIR FILE.bot`.
func hoistFlags(args []string, cmd *cli.Command) []string {
	if sub := cmd.Command(argAt(args, 2)); sub != nil {
		return append(args[:1:1], hoistFlags(args[1:], sub)...) // `botgen nlu eval ...`
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, rest []string
	for i := 2; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	return append(out, rest...)
}

func argAt(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

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
	if diags.HasErrors() {
		n := 0
		for _, d := range diags {
			if d.Severity == dsl.Error {
				n++
			}
		}
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

func cmdBuild(c *cli.Context) error {
	path, err := oneFile(c)
	if err != nil {
		return err
	}
	bot, out, err := generate(c, path)
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
	err = build.Binary(c.Context, out, build.Options{Output: output, WorkDir: work, Name: bot.Name, Source: bot.SourceFile, Progress: progress})
	done()
	if err != nil && c.Context.Err() != nil {
		return errReported // stopped by a signal: nothing to report
	}
	if err != nil {
		return inputError("%s: %v", path, err)
	}
	fmt.Fprintf(c.App.Writer, "built %s from %s\n", output, path)
	return nil
}

func cmdGenerate(c *cli.Context) error {
	path, err := oneFile(c)
	if err != nil {
		return err
	}
	bot, out, err := generate(c, path)
	if err != nil {
		return err
	}
	dir := c.String("output")
	// The module carries its own copy of the runtime so it builds anywhere,
	// with no botgen installed.
	if err := build.WriteRuntime(filepath.Join(dir, "botgen")); err != nil {
		return inputError("writing %s: %v", dir, err)
	}
	if err := build.WriteModule(dir, out, build.ModuleOptions{RuntimeDir: "./botgen", Name: bot.Name, Source: bot.SourceFile}); err != nil {
		return inputError("writing %s: %v", dir, err)
	}
	fmt.Fprintf(c.App.Writer, "wrote %s (build it with: cd %s && go build)\n", dir, dir)
	return nil
}

// cachedBinary builds the bot of path into the cache, to run here. say
// tells, on a terminal, how long a long build took.
func cachedBinary(c *cli.Context, path string, say bool) (string, error) {
	bot, out, err := generate(c, path)
	if err != nil {
		return "", err
	}
	progress, done := buildProgress(c.App.ErrWriter, path, say)
	bin, err := build.CachedBinary(c.Context, out, build.Options{Name: bot.Name, Source: bot.SourceFile, Local: true, Progress: progress})
	done()
	if err != nil && c.Context.Err() != nil {
		return "", errReported // stopped by a signal: nothing to report
	}
	if err != nil {
		return "", inputError("%s: %v", path, err)
	}
	return bin, nil
}

func cmdRun(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("run: give a .bot file")
	}
	args := c.Args().Slice()
	path, botArgs := args[0], args[1:]
	if len(botArgs) > 0 && botArgs[0] == "--" {
		botArgs = botArgs[1:]
	}
	followGoRun()
	if c.Bool("watch") {
		return watchRun(c, path, botArgs)
	}
	// Caught from the start, so that none is missed: INT, TERM and HUP
	// also cancel a build in progress (see run).
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, stopSignals...)
	defer signal.Stop(sigs)
	bin, err := cachedBinary(c, path, true)
	if err != nil {
		return err
	}
	select {
	case <-sigs:
		return errReported // stopped before the bot started
	default:
	}
	cmd := exec.Command(bin, botArgs...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.App.Reader, c.App.Writer, c.App.ErrWriter
	if err := startBot(cmd); err != nil {
		return inputError("starting %s: %v", bin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case s := <-sigs:
		err = stopBot(cmd.Process, done, s, sigs)
	case err = <-done:
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &exitError{code: exit.ExitCode()}
	}
	if err != nil {
		return inputError("%v", err)
	}
	return nil
}

func cmdTest(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("test: give one or more .bot files")
	}
	passed, failed := 0, 0
	broken := false
	var report bottest.JUnit
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
	for i, path := range c.Args().Slice() {
		bin, err := cachedBinary(c, path, false)
		if err != nil {
			fmt.Fprintf(c.App.ErrWriter, "botgen: %v\n", err)
			broken = true
			continue
		}
		args := []string{"test"}
		if p := c.String("protocol"); p != "" {
			args = append(args, "--protocol", p)
		}
		var suiteFile string
		if junitDir != "" {
			suiteFile = filepath.Join(junitDir, fmt.Sprintf("%d.xml", i))
			args = append(args, "--junit", suiteFile)
		}
		cmd := exec.CommandContext(c.Context, bin, args...)
		var outBuf strings.Builder
		cmd.Stdout = &outBuf
		cmd.Stderr = c.App.ErrWriter
		runErr := cmd.Run()
		p, f, ok := tally(outBuf.String())
		if !ok {
			fmt.Fprint(c.App.Writer, outBuf.String())
			fmt.Fprintf(c.App.ErrWriter, "botgen: %s: the test run did not finish: %v\n", path, runErr)
			broken = true
			continue
		}
		// Per-file lines, without the file's own closing line.
		body := strings.TrimSuffix(strings.TrimRight(outBuf.String(), "\n"), fmt.Sprintf("%d passed, %d failed", p, f))
		fmt.Fprintf(c.App.Writer, "%s\n", path)
		for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(c.App.Writer, "  %s\n", line)
			}
		}
		passed += p
		failed += f
		if suiteFile != "" {
			if err := appendSuites(&report, suiteFile); err != nil {
				fmt.Fprintf(c.App.ErrWriter, "botgen: %s: --junit: %v\n", path, err)
				broken = true
			}
		}
	}
	fmt.Fprintf(c.App.Writer, "%d passed, %d failed\n", passed, failed)
	if out := c.String("junit"); out != "" {
		if err := report.WriteFile(out); err != nil {
			return inputError("--junit: %v", err)
		}
	}
	if failed > 0 || broken {
		return errReported
	}
	return nil
}

// tally reads the closing "N passed, N failed" line of a bot's test run.
func tally(out string) (passed, failed int, ok bool) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	last := lines[len(lines)-1]
	if _, err := fmt.Sscanf(last, "%d passed, %d failed", &passed, &failed); err != nil {
		return 0, 0, false
	}
	return passed, failed, true
}

// appendSuites adds the suites of the JUnit report in file to report.
func appendSuites(report *bottest.JUnit, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	j, err := bottest.ReadJUnit(f)
	if err != nil {
		return err
	}
	report.Suites = append(report.Suites, j.Suites...)
	return nil
}
