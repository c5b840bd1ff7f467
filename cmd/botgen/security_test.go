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
