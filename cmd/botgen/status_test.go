package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/build"
)

// On a terminal a build shows one line, rewritten in place, and clears it
// at the end; a shorter line blanks what is left of a longer one.
func TestBuildProgressOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	s := &status{w: &buf, on: true}
	report, done := s.buildProgress("dir/hello.bot", false)
	report(build.Progress{})
	report(build.Progress{Compiled: 1, Total: 228, Std: 200})
	report(build.Progress{Compiled: 2, Total: 3})
	done()
	lines := strings.Split(buf.String(), "\r")
	want := []string{
		"",
		"botgen: building hello.bot",
		"botgen: compiling Go's standard library for bots (first build only): 1/228",
		"botgen: building hello.bot: 2/3 packages" + strings.Repeat(" ", 34),
		"botgen: building hello.bot: 2/3 packages",
		strings.Repeat(" ", 40),
		"",
	}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("output %q,\nwant %q", lines, want)
	}
	for _, l := range lines {
		if len(l) >= 80 {
			t.Errorf("line of %d columns, which a terminal of 80 would wrap: %q", len(l), l)
		}
	}
}

// Anywhere but on a terminal, nothing is shown.
func TestBuildProgressElsewhere(t *testing.T) {
	var buf bytes.Buffer
	report, done := buildProgress(&buf, "hello.bot", true)
	if report != nil {
		t.Error("a progress reporter for a buffer")
	}
	done()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if report, _ := buildProgress(f, "hello.bot", true); report != nil {
		t.Error("a progress reporter for a file")
	}
	if buf.Len() != 0 {
		t.Errorf("output %q", buf.String())
	}
}
