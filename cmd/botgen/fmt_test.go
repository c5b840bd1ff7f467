package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFmtCommand(t *testing.T) {
	dir := t.TempDir()
	messy := filepath.Join(dir, "messy.bot")
	tidy := "bot b\nintent hi { \"hi\" }\ninitial state s0 {\n    on hi -> s0 # stay\n}\n"
	if err := os.WriteFile(messy, []byte("bot b\nintent hi{\"hi\"}\ninitial state s0{\non hi->s0 # stay\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.bot")
	brokenSrc := "bot b\nstate s {\n  on hi s\n}\n"
	if err := os.WriteFile(broken, []byte(brokenSrc), 0o644); err != nil {
		t.Fatal(err)
	}

	if code, out, errs := botgen(t, "fmt", messy); code != 0 || out != tidy {
		t.Errorf("fmt: exit %d, printed %q (stderr %q), want %q", code, out, errs, tidy)
	}
	if code, out, _ := botgen(t, "fmt", "-l", messy); code != 0 || out != messy+"\n" {
		t.Errorf("fmt -l: exit %d, %q", code, out)
	}
	if code, out, errs := botgen(t, "fmt", "--check", messy); code != 1 || out != messy+"\n" || !strings.Contains(errs, "1 file not in the canonical layout") {
		t.Errorf("fmt --check: exit %d, %q, %q", code, out, errs)
	}
	if code, _, errs := botgen(t, "fmt", messy, "-w"); code != 0 {
		t.Errorf("fmt -w: exit %d: %s", code, errs)
	}
	if got, _ := os.ReadFile(messy); string(got) != tidy {
		t.Errorf("fmt -w wrote %q", got)
	}
	if code, out, _ := botgen(t, "fmt", "--check", messy); code != 0 || out != "" {
		t.Errorf("fmt --check after -w: exit %d, %q", code, out)
	}

	code, out, errs := botgen(t, "fmt", "-w", broken, messy)
	if code != 1 || out != "" || !strings.Contains(errs, broken+`:3:9: syntax error: expected -> after the intent, found "s"`) {
		t.Errorf("fmt of a broken file: exit %d, %q, %q", code, out, errs)
	}
	if got, _ := os.ReadFile(broken); string(got) != brokenSrc {
		t.Errorf("a broken file was rewritten: %q", got)
	}
	if code, _, errs := botgen(t, "fmt"); code != 2 || !strings.Contains(errs, "give one or more .bot files") {
		t.Errorf("fmt without files: exit %d, %q", code, errs)
	}
	if code, _, errs := botgen(t, "fmt", "-w", "--check", messy); code != 2 || !strings.Contains(errs, "do not go together") {
		t.Errorf("fmt -w --check: exit %d, %q", code, errs)
	}
}
