package dsl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	_, diags := Load("no/such/file.bot", CheckOptions{})
	if got := diags.Error(); got != "no/such/file.bot:1:1: cannot read no/such/file.bot: no such file or directory" {
		t.Errorf("missing source: %q", got)
	}
	dir := t.TempDir()
	src := "bot b\nintent i { \"i\" }\ninitial state s {\n    reply file \"sub\"\n    on i -> s\n}\n"
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "b.bot")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags = Load(path, CheckOptions{})
	if len(diags) != 1 || !strings.HasSuffix(diags[0].String(), `b.bot:4:16: cannot read file "sub": not a regular file`) {
		t.Errorf("directory as a file: %q", diags.Error())
	}
	if bot, diags := Check(nil, nil, CheckOptions{}); bot != nil || !diags.HasErrors() {
		t.Errorf("Check(nil) = %v, %v", bot, diags)
	}
}
