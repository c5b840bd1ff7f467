package assets

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// tree writes files (slash-separated paths, each holding its own name)
// under dir.
func tree(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A pattern names the files inside the bot's folder that path.Match
// matches element by element, ** standing for any number of folders; a
// hidden folder or file is named only by an element that starts with a
// dot. The names are relative to the folder, with slashes, sorted.
func TestGlobNamesFilesInside(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir,
		"top.md", "faq.txt", ".env",
		"docs/a.md", "docs/b.md", "docs/c.txt", "docs/.hidden.md",
		"docs/sub/d.md", "docs/sub/deeper/e.md", "docs/sub/deeper/deepest/f.md",
		"docs/.drafts/g.md", "docs/sub/.cache/h.md",
		".git/x.md",
	)
	for _, c := range []struct {
		pattern string
		want    []string
	}{
		{"*", []string{"faq.txt", "top.md"}},
		{"*.md", []string{"top.md"}},
		{"docs/*.md", []string{"docs/a.md", "docs/b.md"}},
		{"docs/?.md", []string{"docs/a.md", "docs/b.md"}},
		{"docs/[ac].*", []string{"docs/a.md", "docs/c.txt"}},
		{"docs/*/*.md", []string{"docs/sub/d.md"}},
		{"docs/**/*.md", []string{"docs/a.md", "docs/b.md", "docs/sub/d.md", "docs/sub/deeper/deepest/f.md", "docs/sub/deeper/e.md"}},
		{"docs/**", []string{"docs/a.md", "docs/b.md", "docs/c.txt", "docs/sub/d.md", "docs/sub/deeper/deepest/f.md", "docs/sub/deeper/e.md"}},
		{"**/*.md", []string{"docs/a.md", "docs/b.md", "docs/sub/d.md", "docs/sub/deeper/deepest/f.md", "docs/sub/deeper/e.md", "top.md"}},
		{"**/e.md", []string{"docs/sub/deeper/e.md"}},
		{"docs/**/deeper/*.md", []string{"docs/sub/deeper/e.md"}},
		{"docs/sub/**/*.md", []string{"docs/sub/d.md", "docs/sub/deeper/deepest/f.md", "docs/sub/deeper/e.md"}},
		// Hidden files and folders, when the pattern names them.
		{".*", []string{".env"}},
		{"docs/.*.md", []string{"docs/.hidden.md"}},
		{"docs/.drafts/*.md", []string{"docs/.drafts/g.md"}},
		{"docs/.*/*.md", []string{"docs/.drafts/g.md"}},
		{"**/.drafts/*.md", []string{"docs/.drafts/g.md"}},
		{"**/.cache/*", []string{"docs/sub/.cache/h.md"}},
		{".git/*.md", []string{".git/x.md"}},
		// A ".." that stays inside the folder.
		{"docs/sub/../*.md", []string{"docs/a.md", "docs/b.md"}},
	} {
		l := &Loader{Dir: dir}
		got, err := l.Glob(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.pattern, got, c.want)
		}
		// Each name loads as it is.
		for _, name := range got {
			if _, err := l.Load(name, AsDocument); err != nil {
				t.Errorf("%s: %s does not load: %v", c.pattern, name, err)
			}
		}
	}
}

// The names are sorted as strings, not in the order a walk of the folders
// meets them ("a-b.md" before "a/x.md": '-' sorts before '/').
func TestGlobSorted(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "docs/a/x.md", "docs/a-b.md", "docs/B.md", "docs/a.md")
	got, err := (&Loader{Dir: dir}).Glob("docs/**/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"docs/B.md", "docs/a-b.md", "docs/a.md", "docs/a/x.md"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGlobRefuses(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "docs/a.md")
	abs := filepath.Join(dir, "docs", "*.md")
	for _, c := range []struct {
		pattern string
		want    string
	}{
		{"../*.md", `pattern "../*.md" leads out of the bot's folder`},
		{"docs/../../*.md", `pattern "docs/../../*.md" leads out of the bot's folder`},
		{"**/../../x/*.md", `leads out of the bot's folder`},
		{"/etc/*.conf", `pattern "/etc/*.conf": absolute paths are not allowed`},
		{abs, fmt.Sprintf("pattern %q: absolute paths are not allowed", abs)},
		{"docs/[a-.md", `pattern "docs/[a-.md": syntax error in pattern`},
		{"notes/*.md", `pattern "notes/*.md" names no file in the bot's folder ` + dir},
		{"docs/*.txt", `pattern "docs/*.txt" names no file`},
		{"doc?", `pattern "doc?" names no file`}, // a folder is not a file
		{"docs/.*", `pattern "docs/.*" names no file`},
	} {
		got, err := (&Loader{Dir: dir}).Glob(c.pattern)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %q, %v; want an error with %q", c.pattern, got, err, c.want)
		}
	}
	// A Loader that reads through ReadFile cannot list the folder.
	l := &Loader{Dir: dir, ReadFile: os.ReadFile}
	if _, err := l.Glob("docs/*.md"); err == nil || !strings.Contains(err.Error(), "cannot be listed") {
		t.Errorf("through ReadFile: %v", err)
	}
}

// A link that a pattern names leads where any reference does: a file
// outside the folder is refused when it is loaded, and a linked folder
// outside is not looked into.
func TestGlobLinksOutside(t *testing.T) {
	root := t.TempDir()
	bot, secrets := filepath.Join(root, "bot"), filepath.Join(root, "secrets")
	tree(t, bot, "docs/a.md")
	tree(t, secrets, "shadow.md", "more/keys.md")
	if err := os.Symlink(filepath.Join(secrets, "shadow.md"), filepath.Join(bot, "docs", "leak.md")); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(secrets, filepath.Join(bot, "docs", "linked")); err != nil {
		t.Fatal(err)
	}
	l := &Loader{Dir: bot}
	got, err := l.Glob("docs/**/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range got {
		if strings.Contains(name, "keys") || strings.Contains(name, "linked") {
			t.Errorf("the pattern looked into a linked folder outside: %q", got)
		}
	}
	var refused bool
	for _, name := range got {
		_, err := l.Load(name, AsDocument)
		switch {
		case name == "docs/a.md" && err != nil:
			t.Errorf("%s: %v", name, err)
		case name == "docs/leak.md":
			refused = err != nil && strings.Contains(err.Error(), `file "docs/leak.md" is a symbolic link to `) && strings.Contains(err.Error(), "outside the bot's folder")
			if !refused {
				t.Errorf("%s: %v, want it refused as a link outside", name, err)
			}
		}
	}
	if !slices.Contains(got, "docs/a.md") {
		t.Errorf("got %q", got)
	}
}

// One pattern names at most maxGlobFiles files: more fails, saying so.
func TestGlobFileBound(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "many"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range maxGlobFiles + 1 {
		if err := os.WriteFile(filepath.Join(dir, "many", fmt.Sprintf("%04d.txt", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := &Loader{Dir: dir}
	_, err := l.Glob("many/*.txt")
	if want := fmt.Sprintf(`pattern "many/*.txt" names over %d files`, maxGlobFiles); err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	// Up to the bound is fine.
	if err := os.Remove(filepath.Join(dir, "many", "0000.txt")); err != nil {
		t.Fatal(err)
	}
	got, err := l.Glob("many/*.txt")
	if err != nil || len(got) != maxGlobFiles {
		t.Errorf("at the bound: %d names, %v", len(got), err)
	}
}

// A pattern of many ** in a deep folder takes no longer than a short one:
// each name is matched once against each element of the pattern.
func TestGlobManyStarsDoNotStall(t *testing.T) {
	dir := t.TempDir()
	deep := strings.Repeat("d/", 18)
	tree(t, dir, deep+"x.md")
	done := make(chan error, 1)
	go func() {
		got, err := (&Loader{Dir: dir}).Glob(strings.Repeat("**/", 18) + "x.md")
		if err == nil && !slices.Equal(got, []string{deep + "x.md"}) {
			err = fmt.Errorf("got %q", got)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the pattern of 18 ** has not matched in 20s")
	}
}
