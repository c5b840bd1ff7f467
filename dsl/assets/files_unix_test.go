//go:build unix

package assets

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A named pipe in the bot's folder is refused, not opened: opening it would
// wait for a writer forever.
func TestFileIsNamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Skip(err)
	}
	if got := checkFile(t, dir, "pipe"); !strings.Contains(got, `cannot read file "pipe": not a regular file`) {
		t.Errorf("got %q", got)
	}
}
