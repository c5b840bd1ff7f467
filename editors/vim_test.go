// Package editors holds editor support files for .bot files; its tests run
// the Vim syntax file in a real Vim, and the VS Code extension's grammar with
// the tokeniser VS Code uses (vscode_test.go).
package editors

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sample is a bot using every construct the syntax file colours.
const sample = `# a comment TODO
bot sample // another comment
config {
    nlp.intent_threshold = 0.4
}
var count = 0
entity zip = /[0-9]{5}/
intent hello { "hello {name}", "say \"hi\" {{literal}}" }
initial state s0 {
    reply markdown """
**Welcome** {count}
"""
    on hello -> s1
    when count > 3 and not false -> s1
}
state s1 {
    set count = count + 1
    go s0 if count > 9
    go s0
    on error -> s0
}
setting api = "https://example.org"
state s2 {
    set w = get(api, {q: 1})
    for o in w.items { reply "{o.name}" }
}
test "t" {
    mock get api returns {a: 1}
    mock locate fails "no"
}
`

// TestVimSyntax opens the sample in Vim with editors/vim on its runtime path
// and checks the syntax group under chosen words.
func TestVimSyntax(t *testing.T) {
	vim, err := exec.LookPath("vim")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("vim not found; CI installs it")
		}
		t.Skip("vim not found")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "sample.bot")
	if err := os.WriteFile(file, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each check: a line's text contains at, and the word there (its
	// offset within at) has the group.
	checks := []struct{ at, word, group string }{
		{"# a comment", "a", "botgenComment"},
		{"TODO", "TODO", "botgenTodo"},
		{"bot sample", "bot", "botgenDeclare"},
		{"bot sample", "sample", "botgenName"},
		{"// another", "another", "botgenComment"},
		{"= 0.4", "0.4", "botgenNumber"},
		{"/[0-9]{5}/", "[0-9]", "botgenRegex"},
		{"intent hello", "hello", "botgenName"},
		{`"hello {name}"`, "hello", "botgenString"},
		{`"hello {name}"`, "name", "botgenInterp"},
		{`\"hi\"`, `\"`, "botgenEscape"},
		{"{{literal}}", "{{", "botgenBraces"},
		{"reply markdown", "markdown", "botgenReplyKind"},
		{"**Welcome**", "Welcome", "botgenString"},
		{"**Welcome** {count}", "count", "botgenInterp"},
		{"on hello -> s1", "on", "botgenStatement"},
		{"on hello -> s1", "->", "botgenArrow"},
		{"on hello -> s1", "s1", "botgenTarget"},
		{"count > 3 and", "and", "botgenLogic"},
		{"not false", "false", "botgenBoolean"},
		{"set count", "set", "botgenStatement"},
		{"go s0", "s0", "botgenTarget"},
		{"go s0 if", "if", "botgenStatement"},
		{"on error", "error", "botgenStatement"},
		{"setting api", "setting", "botgenDeclare"},
		{"setting api", "api", "botgenName"},
		{"for o in", "for", "botgenStatement"},
		{"for o in", "in", "botgenStatement"},
		{"mock get api returns", "mock", "botgenStatement"},
		{"mock get api returns", "returns", "botgenStatement"},
		{"mock locate fails", "fails", "botgenStatement"},
	}
	lines := strings.Split(sample, "\n")
	var script strings.Builder
	script.WriteString("let out = []\n")
	for _, c := range checks {
		found := false
		for i, l := range lines {
			if k := strings.Index(l, c.at); k >= 0 {
				col := k + strings.Index(c.at, c.word) + 1
				fmt.Fprintf(&script, "call add(out, synIDattr(synID(%d, %d, 1), 'name'))\n", i+1, col)
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%q is not in the sample", c.at)
		}
	}
	results := filepath.Join(dir, "groups.txt")
	fmt.Fprintf(&script, "call writefile(out, %q)\nqa!\n", results)
	scriptFile := filepath.Join(dir, "check.vim")
	if err := os.WriteFile(scriptFile, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	here, _ := filepath.Abs("vim")
	cmd := exec.Command(vim, "-Nu", "NONE", "-i", "NONE", "-es",
		"-c", "set rtp^="+here, "-c", "filetype on", "-c", "syntax on",
		"-c", "edit "+file, "-c", "source "+scriptFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vim: %v\n%s", err, out)
	}
	data, err := os.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(string(data), "\n")
	if len(got) < len(checks) {
		t.Fatalf("vim gave %d groups for %d checks: %q", len(got), len(checks), got)
	}
	for i, c := range checks {
		if got[i] != c.group {
			t.Errorf("%q in %q: group %q, want %q", c.word, c.at, got[i], c.group)
		}
	}
}
