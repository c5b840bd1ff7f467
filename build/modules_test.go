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
	cmd := exec.Command(goBin, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./runtime/...", "./templates")
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
	var want []string
	for m := range runtimeModules {
		want = append(want, m)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the runtime is built from %v; runtimeModules lists %v", got, want)
	}
}

// A generated module and its copy of the runtime are what go mod tidy would
// make of them, offline, and name nothing only botgen itself needs.
func TestGeneratedModuleIsTidy(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	dir := t.TempDir()
	if err := WriteModule(dir, generated(t), ModuleOptions{RuntimeDir: "./botgen", Name: "tiny", Source: "tiny.bot"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteRuntime(filepath.Join(dir, "botgen")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "botgen")} {
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
