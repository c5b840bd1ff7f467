package botgen

import (
	"os/exec"
	"strings"
	"testing"
)

// The runtime is what every bot links: it imports nothing of the compiler,
// the editor support or the commands (docs/architecture.md).
func TestRuntimeImportsNoCompiler(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", "./runtime/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		rest, ours := strings.CutPrefix(p, "github.com/botgen-dev/botgen/")
		if ours && !strings.HasPrefix(rest, "runtime") && rest != "templates" {
			t.Errorf("the runtime depends on %s", p)
		}
	}
}
