package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/botgen-dev/botgen/build"
)

// stdThreshold is how many standard library packages a build must compile
// to be called a build of the standard library: a first build compiles
// about two hundred, a later one none or a handful.
const stdThreshold = 20

// status shows what botgen is doing on one line of a terminal, rewritten in
// place. On anything but a terminal it shows nothing, so that scripts, CI
// logs and tests see only the output they always did.
type status struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	shown int    // the width of the line shown, 0 when none is
	last  string // the line shown
}

func newStatus(w io.Writer) *status {
	return &status{w: w, on: isTerminal(w)}
}

// isTerminal reports whether w is a terminal (a character device, as
// /dev/null also is, where what is shown is lost anyway).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// show replaces the status line. Lines are kept under 80 columns: a longer
// one would wrap, and the carriage return would then rewrite only its end.
func (s *status) show(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.on {
		return
	}
	line := fmt.Sprintf(format, args...)
	if line == s.last {
		return
	}
	s.last = line
	pad := max(0, s.shown-len(line))
	fmt.Fprintf(s.w, "\r%s%s", line, strings.Repeat(" ", pad))
	if pad > 0 {
		fmt.Fprintf(s.w, "\r%s", line)
	}
	s.shown = len(line)
}

// clear removes the status line, leaving the cursor where it started.
func (s *status) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on && s.shown > 0 {
		fmt.Fprintf(s.w, "\r%s\r", strings.Repeat(" ", s.shown))
		s.shown, s.last = 0, ""
	}
}

// buildProgress returns the progress reporter of a build of path, nil when
// there is no terminal to show it on, and a function that ends it: it
// clears the line, and tells how long the build took when it took a while
// (and say is set).
func buildProgress(w io.Writer, path string, say bool) (func(build.Progress), func()) {
	return newStatus(w).buildProgress(path, say)
}

func (s *status) buildProgress(path string, say bool) (func(build.Progress), func()) {
	if !s.on {
		return nil, func() {}
	}
	name := filepath.Base(path)
	start := time.Now()
	compiled := 0
	report := func(p build.Progress) {
		compiled = p.Compiled
		switch {
		case p.Total == 0:
			s.show("botgen: building %s", name)
		case p.Std >= stdThreshold:
			s.show("botgen: compiling Go's standard library for bots (first build only): %d/%d", p.Compiled, p.Total)
		default:
			s.show("botgen: building %s: %d/%d packages", name, p.Compiled, p.Total)
		}
	}
	done := func() {
		s.clear()
		if took := time.Since(start); say && compiled > 1 && took >= time.Second {
			fmt.Fprintf(s.w, "botgen: built %s in %s\n", name, took.Round(100*time.Millisecond))
		}
	}
	return report, done
}
