package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A statement that fails at run time is named by its line in the .bot
// file: in the error the bot logs for the turn, and in the stack it logs
// at debug level. lines.bot divides by zero in a body, in an else if and
// in a when condition; each falls back, and its test passes.
func TestPanicNamesTheBotLine(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "generator", "lines.bot")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line := func(stmt string) int {
		t.Helper()
		for i, l := range strings.Split(string(src), "\n") {
			if strings.TrimSpace(l) == stmt {
				return i + 1
			}
		}
		t.Fatalf("lines.bot has no line %q", stmt)
		return 0
	}
	body, elseIf, when := line("set n = 1 / zero"), line("} else if n % zero == 0 {"), line("when n > 100 / zero -> counting")

	bin := filepath.Join(t.TempDir(), "lines")
	if code, _, stderr := botgen(t, "build", "-o", bin, path); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	cmd := exec.Command(bin, "test", "--set", "log.level=debug")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || !strings.Contains(stdout.String(), "3 passed, 0 failed") {
		t.Fatalf("lines test: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	logs := stderr.String()
	for _, n := range []int{body, elseIf, when} {
		want := fmt.Sprintf(`msg="turn failed" .* err="engine: panic in a turn in state start, at lines.bot:%d: division by zero"`, n)
		if !regexp.MustCompile(want).MatchString(logs) {
			t.Errorf("the log has no line matching %s:\n%s", want, logs)
		}
	}
	// The stack names the compiled body and its line in the source.
	want := fmt.Sprintf(`main\.stateDivideBody\(.*\)\\n\\t[^\\]*lines\.bot:%d `, body)
	if !regexp.MustCompile(want).MatchString(logs) {
		t.Errorf("no stack with %s:\n%s", want, logs)
	}
}
