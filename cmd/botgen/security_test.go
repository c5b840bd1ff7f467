package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A reply file path that would close the comment the generator writes above
// the embedded file and declare an init function: botgen test builds and
// runs the bot, and the injected code does not run (it would panic at
// start, before any test).
func TestFilePathCannotInjectCode(t *testing.T) {
	dir := t.TempDir()
	// The path is a file named "*" in folders named "a\n*" and
	// ` func init() { panic("payload ran") } `.
	folder := filepath.Join(dir, "a\n*", ` func init() { panic("payload ran") } `)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "*"), []byte("data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `bot injected
initial state s {
    reply file "a\n*/ func init() { panic(\"payload ran\") } /*"
    on file -> s
}
test "the file is sent" {
    bot file "*"
}
`
	path := filepath.Join(dir, "x.bot")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := botgen(t, "test", path)
	if code != 0 || !strings.HasSuffix(stdout, "1 passed, 0 failed\n") || strings.Contains(stdout+stderr, "payload ran") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// Files outside the bot's folder are refused, by a relative path or a
// link, unless --allow-outside names their folder.
func TestAllowOutside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "bot")
	shared := filepath.Join(root, "shared")
	for _, d := range []string{dir, shared} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(shared, "terms.txt"), []byte("Be nice.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(shared, "terms.txt"), filepath.Join(dir, "terms.txt")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "b.bot")
	src := "bot b\ninitial state s {\n    reply file \"../shared/terms.txt\"\n    reply file \"terms.txt\"\n    on file -> s\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := botgen(t, "check", path)
	for _, want := range []string{`b.bot:3:16: file "../shared/terms.txt" is outside the bot's folder`, `b.bot:4:16: file "terms.txt" is a symbolic link to `, "2 errors"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, stderr)
		}
	}
	if code, _, stderr := botgen(t, "check", "--allow-outside", shared, path); code != 0 {
		t.Errorf("with --allow-outside: exit %d\n%s", code, stderr)
	}
}

// A source too large, or nested too deeply, is a positioned error, quickly:
// two megabytes of "-" crashed botgen.
func TestSourceLimits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deep.bot")
	src := "bot b\ninitial state s {\n    set x = " + strings.Repeat("-", 2<<20) + "1\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", path}, 1, "deep.bot:1:1: the file is 2097192 bytes, larger than the limit of 1048576 bytes"},
		{[]string{"check", "--max-source-size", "4MiB", path}, 1, "deep.bot:3:212: syntax error: nesting deeper than 200 levels"},
		{[]string{"build", path, "--max-source-size", "4194304"}, 1, "deep.bot:3:212: syntax error: nesting deeper than 200 levels"},
		{[]string{"check", "--max-source-size", "1000", path}, 1, "larger than the limit of 1000 bytes"},
		{[]string{"check", "--max-source-size", "lots", path}, 2, `--max-source-size: "lots" is not a size`},
	}
	for _, c := range cases {
		code, stdout, stderr := botgen(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("botgen %v: exit %d, want %d and %q\n%s%s", c.args[:len(c.args)-1], code, c.code, c.want, stdout, stderr)
		}
	}
}
