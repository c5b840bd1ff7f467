package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInit: botgen init writes a starter bot that checks, is laid out
// canonically and passes its own tests; it never overwrites a file.
func TestInit(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)

	code, stdout, stderr := botgen(t, "init", "coffee")
	if code != 0 || !strings.Contains(stdout, "wrote coffee.bot") || !strings.Contains(stdout, "botgen run --watch coffee.bot") {
		t.Fatalf("init: exit %d\n%s%s", code, stdout, stderr)
	}
	src, err := os.ReadFile(filepath.Join(dir, "coffee.bot"))
	if err != nil || !strings.Contains(string(src), "\nbot coffee\n") {
		t.Fatalf("coffee.bot: %v\n%s", err, src)
	}
	if code, _, stderr := botgen(t, "fmt", "--check", "coffee.bot"); code != 0 {
		t.Errorf("the starter is not in the canonical layout: %s", stderr)
	}
	if code, stdout, stderr := botgen(t, "test", "coffee.bot"); code != 0 || !strings.HasSuffix(stdout, "2 passed, 0 failed\n") {
		t.Errorf("the starter's tests: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := botgen(t, "init", "coffee.bot"); code != 1 || !strings.Contains(stderr, "coffee.bot exists already") {
		t.Errorf("init over an existing file: exit %d, %q", code, stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "coffee.bot")); string(after) != string(src) {
		t.Error("init changed an existing file")
	}
	if code, _, _ := botgen(t, "init"); code != 0 {
		t.Error("init without a name failed")
	}
	if _, err := os.Stat(filepath.Join(dir, "mybot.bot")); err != nil {
		t.Errorf("init without a name: %v", err)
	}
	for _, bad := range []string{"9lives", "my-bot", "a b"} {
		if code, _, stderr := botgen(t, "init", bad); code != 2 || !strings.Contains(stderr, "is not a bot name") {
			t.Errorf("init %q: exit %d, %q", bad, code, stderr)
		}
	}
}
