package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/build"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/config"
)

// watchEvery is how often the watched files are looked at; settle is how
// long they must stay unchanged before a rebuild, since editors save in
// several writes.
const (
	watchEvery = 300 * time.Millisecond
	settle     = 150 * time.Millisecond
)

// maxWatched bounds the files watched while the bot does not check, when
// the whole folder is watched for the file it misses.
const maxWatched = 2000

// watchRun builds and runs the bot, then rebuilds and restarts it whenever
// the .bot file or a file it references changes. A change that does not
// check leaves the running bot as it is. Unless the bot's arguments or
// environment choose a session store, one in a temporary folder keeps the
// conversations across the restarts, so an open chat page picks up where it
// was once it has reconnected.
func watchRun(c *cli.Context, path string, botArgs []string) error {
	stderr := c.App.ErrWriter
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

	var (
		bot  *exec.Cmd
		done chan error // bot's exit
	)
	stop := func() {
		if bot == nil {
			return
		}
		_ = bot.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = bot.Process.Kill()
			<-done
		}
		bot, done = nil, nil
	}
	// rebuild checks and builds the bot; the files to watch next are the
	// .bot file and what it references, or, when it does not check, its
	// whole folder (the error may be a file it misses).
	var watched []string
	rebuild := func() (string, bool) {
		start := time.Now()
		b, out, err := generate(c, path)
		if err != nil {
			watched = folderFiles(path)
			printErr(c.App.ErrWriter, err)
			return "", false
		}
		watched = referencedFiles(path, b)
		progress, done := buildProgress(stderr, path, false)
		bin, err := build.CachedBinary(c.Context, out, build.Options{Name: b.Name, Source: b.SourceFile, Local: true, Progress: progress})
		done()
		if err != nil {
			if c.Context.Err() == nil { // else botgen is stopping
				fmt.Fprintf(stderr, "botgen: %s: %v\n", path, err)
			}
			return "", false
		}
		fmt.Fprintf(stderr, "botgen: built %s in %v\n", path, time.Since(start).Round(time.Millisecond))
		return bin, true
	}
	launch := func(bin string) {
		cmd := exec.Command(bin, botArgs...)
		cmd.Stdout, cmd.Stderr = c.App.Writer, stderr
		if err := startBot(cmd); err != nil {
			fmt.Fprintf(stderr, "botgen: starting %s: %v\n", bin, err)
			return
		}
		bot, done = cmd, make(chan error, 1)
		go func() { done <- cmd.Wait() }()
	}

	if bin, ok := rebuild(); ok {
		launch(bin)
	}
	fmt.Fprintf(stderr, "botgen: watching %s for changes (Ctrl+C stops)\n", path)
	seen := stamp(watched)
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for {
		select {
		case s := <-sigs:
			if bot != nil {
				_ = stopBot(bot.Process, done, s, sigs)
			}
			return nil
		case err := <-done:
			fmt.Fprintf(stderr, "botgen: the bot stopped (%v); waiting for a change to %s\n", exitText(err), path)
			bot, done = nil, nil
		case <-tick.C:
			now := stamp(watched)
			if now == seen {
				continue
			}
			// Let the editor finish writing.
			for {
				time.Sleep(settle)
				again := stamp(watched)
				if again == now {
					break
				}
				now = again
			}
			fmt.Fprintf(stderr, "botgen: %s changed\n", changedName(path, seen, now))
			bin, ok := rebuild()
			seen = stamp(watched)
			if !ok {
				if bot != nil {
					fmt.Fprintf(stderr, "botgen: the previous build keeps running\n")
				}
				continue
			}
			stop()
			launch(bin)
		}
	}
}

// setsSessionStore reports whether the bot is given a session store by its
// arguments, its environment or the config file they name.
func setsSessionStore(args []string) bool {
	if _, ok := os.LookupEnv("BOTGEN_SESSION_STORE"); ok {
		return true
	}
	if slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, "session.store") }) {
		return true
	}
	file := os.Getenv("BOTGEN_CONFIG")
	for i, a := range args {
		switch {
		case (a == "--config" || a == "-config") && i+1 < len(args):
			file = args[i+1]
		case strings.HasPrefix(a, "--config="), strings.HasPrefix(a, "-config="):
			_, file, _ = strings.Cut(a, "=")
		}
	}
	if file == "" {
		return false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return false // the bot reports it
	}
	cfg := config.Default()
	_, _ = cfg.ApplyFile(file, data) // the bot reports what is wrong
	return cfg.SessionStore != ""
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
	return out
}

// folderFiles is the .bot file and the files of its folder, its subfolders
// included but for hidden ones, up to maxWatched.
func folderFiles(path string) []string {
	out := []string{path}
	_ = filepath.WalkDir(filepath.Dir(path), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != filepath.Dir(path) && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && p != path {
			out = append(out, p)
		}
		if len(out) >= maxWatched {
			return filepath.SkipAll
		}
		return nil
	})
	return out
}

// stamp sums up the files' names, sizes and modification times; a file
// that is missing counts too, so that creating it is a change.
func stamp(files []string) string {
	var b strings.Builder
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			fmt.Fprintf(&b, "%s\x00%d\x00%d\n", f, st.Size(), st.ModTime().UnixNano())
		} else {
			fmt.Fprintf(&b, "%s\x00missing\n", f)
		}
	}
	return b.String()
}

// changedName names the first file whose line differs between two stamps,
// or the .bot file when the set of files changed.
func changedName(path, before, after string) string {
	a, b := strings.Split(before, "\n"), strings.Split(after, "\n")
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			name, _, _ := strings.Cut(b[i], "\x00")
			return name
		}
	}
	return path
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
