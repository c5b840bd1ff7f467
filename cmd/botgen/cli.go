package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

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
			buildCommand(),
			checkCommand(),
			runCommand(),
			testCommand(),
			generateCommand(),
			initCommand(),
			fmtCommand(),
			graphCommand(),
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
