package dsl

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/botgen-dev/botgen/dsl/gofuncs"
)

var update = flag.Bool("update", false, "rewrite the want files of the golden tests")

// archiveDir is the folder the bot of a golden case is in, as its messages
// show it.
const archiveDir = "/bot"

// archiveFS serves the files of a txtar archive to Check, as if they were in
// archiveDir.
func archiveFS(a *txtar.Archive) func(string) ([]byte, error) {
	return archiveFSAt(a, archiveDir)
}

// archiveFSAt serves the files of a txtar archive as if they were in dir.
func archiveFSAt(a *txtar.Archive, dir string) func(string) ([]byte, error) {
	dir = filepath.ToSlash(dir)
	return func(name string) ([]byte, error) {
		name = path.Clean(filepath.ToSlash(name))
		rel, ok := strings.CutPrefix(name, dir+"/")
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		name = rel
		for _, f := range a.Files {
			if path.Clean(f.Name) == name {
				return f.Data, nil
			}
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
}

// caseFolder writes the files of a golden case but its input.bot and its
// want section (Go files, go.mod, documents, tables...) to a folder of its
// own, as they would be beside a bot, and returns it: the checker reads
// them from disk, lists them for knowledge patterns, and loads the Go
// functions from there.
func caseFolder(t *testing.T, a *txtar.Archive) string {
	dir := t.TempDir()
	for _, f := range a.Files {
		if f.Name == "input.bot" || f.Name == "want" {
			continue
		}
		name := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// checkArchive checks the input.bot of a golden case, whose folder is dir
// (see caseFolder); validateOnly checks it as an editor does. The messages
// name dir as archiveDir.
func checkArchive(a *txtar.Archive, dir string, validateOnly bool, goCache *gofuncs.Cache) []string {
	var src []byte
	for _, f := range a.Files {
		if f.Name == "input.bot" {
			src = f.Data
		}
	}
	file, diags := Parse("input.bot", src)
	if !diags.HasErrors() {
		_, diags = Check(file, src, CheckOptions{Dir: dir, ValidateOnly: validateOnly, GoCache: goCache})
	}
	var out []string
	for _, d := range diags {
		out = append(out, strings.ReplaceAll(d.String(), dir, archiveDir))
	}
	return out
}

// TestDiagnostics checks each case of testdata/diagnostics as a build does
// and as an editor does (assets.Loader.ValidateOnly): the messages must be
// the want section in both. A case's other files are beside its bot: its
// Go files are the Go functions the bot calls.
func TestDiagnostics(t *testing.T) {
	runGoldens(t, "../testdata/diagnostics/*.txtar", "want", func(t *testing.T, a *txtar.Archive) []byte {
		dir := caseFolder(t, a)
		var cache gofuncs.Cache
		var got, edited bytes.Buffer
		for _, d := range checkArchive(a, dir, false, &cache) {
			got.WriteString(d + "\n")
		}
		for _, d := range checkArchive(a, dir, true, &cache) {
			edited.WriteString(d + "\n")
		}
		if !bytes.Equal(edited.Bytes(), got.Bytes()) {
			t.Errorf("an editor sees\n%s\ninstead of\n%s", &edited, &got)
		}
		return got.Bytes()
	})
}

// runGoldens runs each txtar case matching pattern as a subtest: output
// computes what the case gives, which must equal its section named want.
// With -update, the section is written (added when missing) instead.
func runGoldens(t *testing.T, pattern, want string, output func(*testing.T, *txtar.Archive) []byte) {
	paths, err := filepath.Glob(pattern)
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got := output(t, a)
			wantIdx := -1
			for i, f := range a.Files {
				if f.Name == want {
					wantIdx = i
				}
			}
			if *update {
				if wantIdx < 0 {
					a.Files = append(a.Files, txtar.File{Name: want})
					wantIdx = len(a.Files) - 1
				}
				a.Files[wantIdx].Data = got
				if err := os.WriteFile(p, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if wantIdx < 0 {
				t.Fatalf("no %s section (run with -update)", want)
			}
			if w := a.Files[wantIdx].Data; !bytes.Equal(got, w) {
				t.Errorf("differs from %s\n--- got:\n%s--- want:\n%s", want, got, w)
			}
		})
	}
}
