package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/generator"
)

// modFile is what `go mod edit -json` says a go.mod holds.
type modFile struct {
	Module                         struct{ Path string }
	Go                             string
	Toolchain                      string
	Godebug                        []json.RawMessage
	Require                        []modRequire
	Exclude, Retract, Tool, Ignore []json.RawMessage
	Replace                        []struct {
		Old, New struct{ Path, Version string }
	}
}

// modRequire is one requirement of a go.mod.
type modRequire struct {
	Path, Version string
	Indirect      bool
}

// readMod parses a go.mod with the Go toolchain's own parser.
func readMod(t *testing.T, data []byte) modFile {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	path := filepath.Join(t.TempDir(), "go.mod")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "mod", "edit", "-json", path)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go mod edit -json: %v: %s\n%s", err, stderr, data)
	}
	var m modFile
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The .bot file's name and the runtime's folder reach go.mod; whatever they
// hold, the module has exactly the directives botgen writes: its path, the
// go version, the runtime's requirements and the one replace.
func TestGoModHasOnlyItsDirectives(t *testing.T) {
	own := readMod(t, mustRead(t, "../go.mod"))
	cases := []ModuleOptions{
		{Name: "b", Source: "b.bot", RuntimeDir: "./botgen"},
		{Name: "b", Source: "c\ngodebug tlsrsakex=1\nreplace golang.org/x/tools => ./evil\n//.bot", RuntimeDir: "./botgen"},
		{Name: "b\ngodebug x=1", Source: "b.bot // */ /*", RuntimeDir: "/cache dir/src\ngodebug tlsrsakex=1"},
		{Name: "", Source: "", RuntimeDir: "/home/a b/.cache/botgen"},
	}
	for i, opts := range cases {
		withLLM := i%2 == 1
		data, err := goMod(opts, nil, withLLM)
		if err != nil {
			t.Fatal(err)
		}
		m := readMod(t, data)
		if m.Module.Path != "botgen.local/"+modulePathElem(opts.Name) || m.Go != own.Go || m.Toolchain != "" {
			t.Errorf("%q: module %q, go %q, toolchain %q\n%s", opts.Source, m.Module.Path, m.Go, m.Toolchain, data)
		}
		if m.Godebug != nil || m.Exclude != nil || m.Retract != nil || m.Tool != nil || m.Ignore != nil {
			t.Errorf("%q: directives botgen does not write:\n%s", opts.Source, data)
		}
		want := len(runtimeModules)
		if !withLLM {
			want -= len(llmModules)
		}
		if len(m.Require) != 1+want || m.Require[0].Path != "github.com/botgen-dev/botgen" {
			t.Errorf("%q: requires %+v, want botgen and the runtime's modules\n%s", opts.Source, m.Require, data)
		}
		for _, r := range m.Require[1:] {
			if !modules(withLLM)(r.Path) || !r.Indirect || !slices.ContainsFunc(own.Require, func(o modRequire) bool { return o.Path == r.Path && o.Version == r.Version }) {
				t.Errorf("%q: requires %+v, not a runtime module as botgen requires it\n%s", opts.Source, r, data)
			}
		}
		if len(m.Replace) != 1 || m.Replace[0].Old.Path != "github.com/botgen-dev/botgen" || m.Replace[0].New.Path != filepath.ToSlash(opts.RuntimeDir) {
			t.Errorf("%q: replace %+v\n%s", opts.Source, m.Replace, data)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// generated checks and generates a small bot.
func generated(t *testing.T) *generator.Output {
	t.Helper()
	// A reply of its own, so that its package is not in Go's cache yet.
	return generatedFrom(t, fmt.Sprintf("bot tiny\nintent hello { \"hello\" }\ninitial state s0 {\n    reply \"Hi! %d\"\n    on hello -> s0\n}\n", time.Now().UnixNano()))
}

// generatedFrom is the program generated from the source src.
func generatedFrom(t *testing.T, src string) *generator.Output {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.bot")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bot, diags := dsl.Load(path, dsl.CheckOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	out, err := generator.Generate(bot)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A bot built by botgen build is the same file whoever builds it: neither
// the build folder nor botgen's cache (under the user's home) reaches it.
// The progress of a build starts at nothing and counts the packages up.
func TestBinaryIsReproducible(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	if testing.Short() {
		t.Skip("builds a bot twice")
	}
	out := generated(t)
	var bins [2][]byte
	var dirs []string
	for i := range bins {
		cache := t.TempDir()
		t.Setenv("BOTGEN_CACHE", cache)
		dirs = append(dirs, cache)
		bin := filepath.Join(t.TempDir(), "tiny")
		var seen []Progress
		opts := Options{Output: bin, Name: "tiny", Source: "tiny.bot", Progress: func(p Progress) { seen = append(seen, p) }}
		if i == 1 {
			opts.WorkDir = filepath.Join(t.TempDir(), "work")
			dirs = append(dirs, opts.WorkDir)
		}
		if err := Binary(context.Background(), out, opts); err != nil {
			t.Fatal(err)
		}
		bins[i] = mustRead(t, bin)
		if seen[0] != (Progress{}) {
			t.Fatalf("progress %v: want a first report of nothing", seen)
		}
		last := seen[len(seen)-1]
		if i == 0 && last.Compiled < 1 || last.Compiled > 1 && last.Total < last.Compiled || last.Std > last.Total {
			t.Errorf("progress %v", seen)
		}
		for k := 1; k < len(seen); k++ {
			if seen[k].Compiled < seen[k-1].Compiled {
				t.Errorf("progress goes back: %v", seen)
			}
		}
	}
	if !bytes.Equal(bins[0], bins[1]) {
		t.Error("two builds of one bot differ")
	}
	for _, dir := range dirs {
		if bytes.Contains(bins[1], []byte(dir)) {
			t.Errorf("the binary holds the path %s", dir)
		}
	}
}
