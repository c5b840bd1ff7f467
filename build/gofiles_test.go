package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sumLines returns the lines of botgen's go.sum for module.
func sumLines(t *testing.T, module string) string {
	var out []string
	for _, l := range strings.Split(string(mustRead(t, "../go.sum")), "\n") {
		if strings.HasPrefix(l, module+" ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// A bot's folder with Go files, a file they embed, and a go.mod that
// requires a module and replaces another with a folder of its own: the bot
// builds offline with all of them, and its go.mod says so.
func TestBotWithGoCodeBuilds(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	if testing.Short() {
		t.Skip("builds a bot")
	}
	botDir := t.TempDir()
	writeFiles(t, botDir, map[string]string{
		"go.mod":           "module example.com/mybot\n\ngo 1.26\n\nrequire (\n\tgolang.org/x/mod v0.42.0\n\texample.com/helper v0.0.0\n)\n\nreplace example.com/helper => ./helper\n",
		"go.sum":           sumLines(t, "golang.org/x/mod"),
		"geo.go":           "package main\n\nimport (\n\t_ \"embed\"\n\n\t\"example.com/helper\"\n\t\"golang.org/x/mod/semver\"\n)\n\n//go:embed data/places.txt\nvar places string\n\nfunc newest(a, b string) string {\n\tif semver.Compare(a, b) > 0 {\n\t\treturn a\n\t}\n\treturn helper.Name(b) + places\n}\n",
		"geo_test.go":      "package main\n\nthis is not compiled into the bot\n",
		"data/places.txt":  "Barcelona\n",
		"data/.hidden":     "left out",
		"helper/go.mod":    "module example.com/helper\n\ngo 1.26\n",
		"helper/helper.go": "package helper\n\n// Name returns s.\nfunc Name(s string) string { return s }\n",
	})
	t.Setenv("BOTGEN_CACHE", t.TempDir())
	t.Setenv("GOPROXY", "off")
	work := filepath.Join(t.TempDir(), "work")
	bin := filepath.Join(t.TempDir(), "bot")
	if err := Binary(context.Background(), generated(t), Options{Output: bin, WorkDir: work, Name: "tiny", Source: "tiny.bot", GoDir: botDir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatal(err)
	}
	m := readMod(t, mustRead(t, filepath.Join(work, "go.mod")))
	var required, replaced bool
	for _, r := range m.Require {
		required = required || r.Path == "golang.org/x/mod" && r.Version == "v0.42.0"
	}
	for _, r := range m.Replace {
		replaced = replaced || r.Old.Path == "example.com/helper" && r.New.Path == filepath.ToSlash(filepath.Join(botDir, "helper"))
	}
	if !required || !replaced {
		t.Errorf("go.mod lacks the bot's requirement or replacement:\n%s", mustRead(t, filepath.Join(work, "go.mod")))
	}
	if _, err := os.Stat(filepath.Join(work, "data", ".hidden")); err == nil {
		t.Error("a hidden file of an embedded folder was copied")
	}
	if _, err := os.Stat(filepath.Join(work, "geo_test.go")); err == nil {
		t.Error("a test file was copied")
	}
}

// What a bot's folder cannot hold: a file named as the generated program,
// an embed pattern reaching out of the folder.
func TestBotGoFilesRefused(t *testing.T) {
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"main.go": {map[string]string{"main.go": "package main\n"}, "the generated program is main.go; rename this file"},
		"outside": {map[string]string{"a.go": "package main\n\nimport _ \"embed\"\n\n//go:embed ../secret\nvar s string\n"}, "//go:embed ../secret: not a pattern of a file in the bot's folder"},
		"missing": {map[string]string{"a.go": "package main\n\nimport _ \"embed\"\n\n//go:embed nothere.txt\nvar s string\n"}, "no matching files"},
		"files/":  {map[string]string{"a.go": "package main\n\nimport _ \"embed\"\n\n//go:embed files/x\nvar s string\n", "files/x": "x"}, "the generated program has a file of that name"},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, c.files)
		err := WriteModule(t.TempDir(), generated(t), ModuleOptions{RuntimeDir: "./botgen", Name: "b", Source: "b.bot", GoDir: dir})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
