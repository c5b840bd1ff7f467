package build

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The list of runtime modules is what the Go toolchain says the runtime
// needs: a new import of the runtime fails here until it is listed.
func TestRuntimeModules(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	deps := func(pkgs ...string) []string {
		args := append([]string{"list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}"}, pkgs...)
		cmd := exec.Command(goBin, args...)
		cmd.Dir = ".."
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		var got []string
		for _, m := range strings.Fields(string(out)) {
			if m != "github.com/botgen-dev/botgen" && !slices.Contains(got, m) {
				got = append(got, m)
			}
		}
		slices.Sort(got)
		return got
	}
	list := func(set map[string]bool, keep func(string) bool) []string {
		var out []string
		for m := range set {
			if keep(m) {
				out = append(out, m)
			}
		}
		slices.Sort(out)
		return out
	}
	all := func(string) bool { return true }
	if got, want := deps("./runtime/...", "./templates"), list(runtimeModules, all); !slices.Equal(got, want) {
		t.Errorf("the runtime is built from %v; runtimeModules lists %v", got, want)
	}
	// What a bot that asks no language model links: the runtime but for
	// the model's client.
	var pkgs []string
	cmd := exec.Command(goBin, "list", "./runtime/...", "./templates")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if !strings.HasPrefix(p, "github.com/botgen-dev/botgen/runtime/llm/openai") {
			pkgs = append(pkgs, p)
		}
	}
	if got, want := deps(pkgs...), list(runtimeModules, modules(false)); !slices.Equal(got, want) {
		t.Errorf("the runtime without the model's client is built from %v; runtimeModules less llmModules lists %v", got, want)
	}
}

// A generated module and its copy of the runtime are what go mod tidy would
// make of them, offline, and name nothing only botgen itself needs.
func TestGeneratedModuleIsTidy(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	// A bot that asks a language model needs the model's client, one that
	// does not needs none of it.
	plain := t.TempDir()
	if err := WriteModule(plain, generated(t), ModuleOptions{RuntimeDir: "./botgen", Name: "tiny", Source: "tiny.bot"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteRuntime(filepath.Join(plain, "botgen")); err != nil {
		t.Fatal(err)
	}
	asks := t.TempDir()
	out := generatedFrom(t, "bot asks\ninitial state s0 {\n    reply llm \"Say hello\"\n}\n")
	if !out.UsesLLM {
		t.Fatal("a bot with reply llm does not use a language model")
	}
	if err := WriteModule(asks, out, ModuleOptions{RuntimeDir: "./botgen", Name: "asks", Source: "asks.bot"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteRuntime(filepath.Join(asks, "botgen")); err != nil {
		t.Fatal(err)
	}
	if data := mustRead(t, filepath.Join(plain, "go.mod")); bytes.Contains(data, []byte("go-openai")) {
		t.Errorf("a bot that asks no model requires the model's client:\n%s", data)
	}
	for _, d := range []string{plain, filepath.Join(plain, "botgen"), asks} {
		cmd := exec.Command(goBin, "mod", "tidy", "-diff")
		cmd.Dir = d
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: go mod tidy -diff: %v\n%s", d, err, out)
		}
		for _, f := range []string{"go.mod", "go.sum"} {
			data := mustRead(t, filepath.Join(d, f))
			for _, m := range []string{"chromedp", "participle", "jennifer", "golang.org/x/tools"} {
				if bytes.Contains(data, []byte(m)) {
					t.Errorf("%s/%s names %s, which only botgen needs", d, f, m)
				}
			}
		}
	}
}
