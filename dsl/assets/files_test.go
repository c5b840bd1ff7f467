package assets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkFile loads the file at path for a bot in dir, with the files on disk,
// and returns the error ("" when it loads).
func checkFile(t *testing.T, dir, path string, allow ...string) string {
	t.Helper()
	l := &Loader{Dir: dir, AllowOutside: allow}
	if _, err := l.Load(path, AsRaw); err != nil {
		return err.Error()
	}
	return ""
}

// Symbolic links are followed only while they stay inside the bot's folder:
// a link to a secret, to a folder of secrets or to the build's environment
// is refused, saying where it leads; a link inside the folder is fine, and
// so is a folder reached through a link.
func TestFilesFollowLinksOnlyInside(t *testing.T) {
	root := t.TempDir()
	bot := filepath.Join(root, "bot")
	secrets := filepath.Join(root, "secrets")
	for _, d := range []string{filepath.Join(bot, "assets"), secrets} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, data string) {
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(bot, name)); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bot, "assets", "terms.txt"), "Be nice.\n")
	write(filepath.Join(secrets, "shadow"), "root:x:0:0\n")
	link("assets/terms.txt", "relative.txt")
	link(filepath.Join(bot, "assets", "terms.txt"), "absolute.txt")
	link(filepath.Join(secrets, "shadow"), "logo.png")
	link(secrets, "linked")
	link("../secrets/shadow", "up.txt")
	link("/proc/self/environ", "env.txt")
	link(filepath.Join(root, "nowhere"), "dangling.txt")
	realSecrets, err := filepath.EvalSymlinks(secrets)
	if err != nil {
		t.Fatal(err)
	}
	realBot, err := filepath.EvalSymlinks(bot)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path  string
		allow []string
		want  string // a part of the error; "" when the file may be read
	}{
		{path: "assets/terms.txt"},
		{path: "relative.txt"},
		{path: "absolute.txt"},
		{path: "logo.png", want: `file "logo.png" is a symbolic link to ` + filepath.Join(realSecrets, "shadow") + ", outside the bot's folder " + realBot},
		{path: "up.txt", want: `file "up.txt" is a symbolic link to ` + filepath.Join(realSecrets, "shadow") + ", outside"},
		{path: "linked/shadow", want: `file "linked/shadow" leads through a symbolic link to ` + filepath.Join(realSecrets, "shadow") + ", outside the bot's folder"},
		{path: "env.txt", want: `file "env.txt" is a symbolic link to /proc/`},
		{path: "/proc/self/environ", want: "absolute paths are not allowed"},
		{path: "../secrets/shadow", want: `file "../secrets/shadow" is outside the bot's folder ` + bot},
		{path: "dangling.txt", want: `file "dangling.txt" not found`},
		{path: "assets", want: "not a regular file"},
		// --allow-outside: the folders named may be reached as well.
		{path: "../secrets/shadow", allow: []string{secrets}},
		{path: filepath.Join(secrets, "shadow"), allow: []string{secrets}},
		{path: "logo.png", allow: []string{secrets}},
		{path: "linked/shadow", allow: []string{secrets}},
		{path: "../secrets/shadow", allow: []string{filepath.Join(root, "other")}, want: "outside the bot's folder"},
	}
	for _, c := range cases {
		got := checkFile(t, bot, c.path, c.allow...)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s (allow %v): got %q, want %q", c.path, c.allow, got, c.want)
		}
	}
	// A bot folder reached through a link reads its own files, and its links
	// are judged from where the folder really is.
	if err := os.Symlink(bot, filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	alias := filepath.Join(root, "alias")
	if got := checkFile(t, alias, "relative.txt"); got != "" {
		t.Errorf("through the linked folder: %s", got)
	}
	if got := checkFile(t, alias, "logo.png"); !strings.Contains(got, "outside the bot's folder") {
		t.Errorf("through the linked folder: %q", got)
	}
}
