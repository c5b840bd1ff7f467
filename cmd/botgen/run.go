package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/watch"
)

// How botgen run --watch watches: the files are looked at every watchEvery
// and must stay unchanged for settle before a rebuild; a bot stopped for a
// restart has restartGrace to close its connections.
const (
	watchEvery   = 300 * time.Millisecond
	settle       = 150 * time.Millisecond
	restartGrace = 30 * time.Second
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "build a .bot file into the cache and run it; flags after -- go to the bot",
		ArgsUsage: "[--watch] FILE.bot [-- BOT FLAGS]",
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "watch", Aliases: []string{"w"}, Usage: "rebuild and restart the bot when the .bot file or a file it uses changes; conversations carry over"},
		}, sourceFlags()...),
		Action: cmdRun,
	}
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
	_, bin, err := cachedBinary(c, path, true)
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
	b, err := startBot(cmd)
	if err != nil {
		return inputError("starting %s: %v", bin, err)
	}
	select {
	case s := <-sigs:
		err = watch.Stop(b, s, sigs)
	case err = <-b.Done():
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

// watchRun builds and runs the bot, then rebuilds and restarts it whenever
// the .bot file or a file it references changes (see watch.Supervisor).
// Unless the bot's arguments or environment choose a session store, one in
// a temporary folder keeps the conversations across the restarts, so an
// open chat page picks up where it was once it has reconnected.
func watchRun(c *cli.Context, path string, botArgs []string) error {
	if !setsSessionStore(botArgs) {
		dir, err := os.MkdirTemp("", "botgen-watch-sessions-")
		if err != nil {
			return inputError("run --watch: %v", err)
		}
		defer os.RemoveAll(dir)
		botArgs = append([]string{"--set", "session.store=" + dir}, botArgs...)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, stopSignals...)
	defer signal.Stop(sigs)
	s := &watch.Supervisor{
		Build: func() (string, []string, error) { return watchBuild(c, path) },
		Start: func(bin string) (watch.Process, error) {
			cmd := exec.Command(bin, botArgs...)
			cmd.Stdout, cmd.Stderr = c.App.Writer, c.App.ErrWriter
			b, err := startBot(cmd)
			if err != nil {
				return nil, err
			}
			return b, nil
		},
		Signals: sigs,
		Event:   func(e watch.Event) { showWatchEvent(c.App.ErrWriter, path, e) },
		Poll:    watchEvery,
		Settle:  settle,
		Grace:   restartGrace,
	}
	return s.Run()
}

// watchBuild checks and builds the bot. The files to watch next are the
// .bot file and what it references, or, when it does not check, its whole
// folder: the error may be a file it misses.
func watchBuild(c *cli.Context, path string) (string, []string, error) {
	b, bin, err := cachedBinary(c, path, false)
	if b == nil {
		return "", watch.Folder(path), err
	}
	return bin, referencedFiles(path, b), err
}

// showWatchEvent tells the user what botgen run --watch does.
func showWatchEvent(w io.Writer, path string, e watch.Event) {
	switch e.Kind {
	case watch.Built:
		fmt.Fprintf(w, "botgen: built %s in %v\n", path, e.Took.Round(time.Millisecond))
	case watch.BuildFailed:
		printErr(w, e.Err)
	case watch.StartFailed:
		fmt.Fprintf(w, "botgen: starting %s: %v\n", e.Binary, e.Err)
	case watch.Watching:
		fmt.Fprintf(w, "botgen: watching %s for changes (Ctrl+C stops)\n", path)
	case watch.Changed:
		fmt.Fprintf(w, "botgen: %s changed\n", e.File)
	case watch.KeptRunning:
		fmt.Fprintf(w, "botgen: the previous build keeps running\n")
	case watch.Exited:
		fmt.Fprintf(w, "botgen: the bot stopped (%v); waiting for a change to %s\n", exitText(e.Err), path)
	}
}

// setsSessionStore reports whether the bot's arguments, its environment or
// the config file they name choose a session store (an empty one too).
func setsSessionStore(args []string) bool {
	var sets []string
	for _, v := range flagValues(args, "set") {
		sets = append(sets, strings.Split(v, ",")...) // as the bot's flag parser splits them
	}
	src := config.Sources{Env: os.LookupEnv, Set: sets}
	file := os.Getenv(config.FileEnv)
	if files := flagValues(args, "config"); len(files) > 0 {
		file = files[len(files)-1]
	}
	if file != "" {
		if data, err := os.ReadFile(file); err == nil { // else the bot reports it
			src.File = &config.File{Name: file, Data: data}
		}
	}
	r, _ := config.Resolve(src) // the bot reports what is wrong
	return r.From("session.store") != config.FromDefault
}

// flagValues returns the values of the bot's flag name in args, written
// --name V, -name V, --name=V or -name=V.
func flagValues(args []string, name string) []string {
	var out []string
	for i, a := range args {
		switch {
		case (a == "--"+name || a == "-"+name) && i+1 < len(args):
			out = append(out, args[i+1])
		case strings.HasPrefix(a, "--"+name+"="), strings.HasPrefix(a, "-"+name+"="):
			_, v, _ := strings.Cut(a, "=")
			out = append(out, v)
		}
	}
	return out
}

// referencedFiles is the .bot file and every file it embeds.
func referencedFiles(path string, b *ir.Bot) []string {
	out := []string{path}
	for _, f := range b.Files {
		p := filepath.FromSlash(f.Path)
		if !filepath.IsAbs(p) { // absolute with --allow-outside
			p = filepath.Join(filepath.Dir(path), p)
		}
		out = append(out, p)
	}
	// The Go files beside the bot are part of it.
	if dir := goDir(path); dir != "" {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name := e.Name()
			if name == "go.mod" || name == "go.sum" || strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
				out = append(out, filepath.Join(dir, name))
			}
		}
	}
	return out
}

// exitText describes how a process ended.
func exitText(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Sprintf("exit status %d", exit.ExitCode())
	}
	if err != nil {
		return err.Error()
	}
	return "exit status 0"
}
