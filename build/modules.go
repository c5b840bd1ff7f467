package build

import (
	"bufio"
	"bytes"
	"slices"
	"strings"
)

// runtimeModules are the modules a bot is built from besides botgen itself:
// those of the runtime's imports and of theirs. Only their requirements and
// checksums reach a generated module, so what botgen alone needs (the
// compiler's parser and code writer, the browser driver of its tests) is
// neither linked into a bot nor written by botgen generate.
// TestRuntimeModules holds this list to what `go list -deps` says.
var runtimeModules = map[string]bool{
	"github.com/beorn7/perks":             true,
	"github.com/cespare/xxhash/v2":        true,
	"github.com/cpuguy83/go-md2man/v2":    true,
	"github.com/gorilla/websocket":        true,
	"github.com/kljensen/snowball":        true,
	"github.com/munnerz/goautoneg":        true,
	"github.com/prometheus/client_golang": true,
	"github.com/prometheus/client_model":  true,
	"github.com/prometheus/common":        true,
	"github.com/prometheus/procfs":        true,
	"github.com/redis/go-redis/v9":        true,
	"github.com/russross/blackfriday/v2":  true,
	"github.com/sashabaranov/go-openai":   true,
	"github.com/urfave/cli/v2":            true,
	"github.com/xrash/smetrics":           true,
	"go.uber.org/atomic":                  true,
	"go.yaml.in/yaml/v3":                  true,
	"golang.org/x/sys":                    true,
	"google.golang.org/protobuf":          true,
}

// llmModules are the runtime modules that only the client of a language
// model (runtime/llm/openai) needs: a bot's module requires them only when
// the bot asks a model, as go mod tidy would have it. TestRuntimeModules
// holds this list to what `go list -deps` says too.
var llmModules = map[string]bool{
	"github.com/sashabaranov/go-openai": true,
}

// testedModules are modules nothing of which a bot links, whose checksums
// go mod tidy keeps in a bot's go.sum all the same: the tests of runtime
// dependencies (client_golang, prometheus/common) import them.
// TestGeneratedModuleIsTidy holds this list to what go mod tidy writes.
var testedModules = map[string]bool{
	"github.com/google/go-cmp":      true,
	"github.com/klauspost/compress": true,
	"github.com/kylelemons/godebug": true,
	"github.com/stretchr/testify":   true,
	"go.uber.org/goleak":            true,
	"go.yaml.in/yaml/v2":            true,
}

// testDirectModules are runtime modules botgen's go.mod requires directly
// only because the runtime's tests import them (they read /metrics with
// Prometheus's own parser): in the runtime's copy, which has no tests,
// they are indirect.
var testDirectModules = map[string]bool{
	"github.com/prometheus/client_model": true,
	"github.com/prometheus/common":       true,
}

// modules returns which runtime modules a module needs: all of them for
// the runtime's copy, those of a bot's imports for the bot's module.
func modules(withLLM bool) func(string) bool {
	return func(m string) bool { return runtimeModules[m] && (withLLM || !llmModules[m]) }
}

// sums returns which modules' checksums a module's go.sum holds: those
// of the modules it needs, and testedModules.
func sums(withLLM bool) func(string) bool {
	need := modules(withLLM)
	return func(m string) bool { return need(m) || testedModules[m] }
}

// runtimeRequires returns the require directives of botgen's go.mod that
// name the modules need says a module needs, direct ones and indirect ones
// in blocks of their own as go mod tidy writes them. For a bot's own
// module, every one is indirect: the bot imports botgen, which imports
// them.
func runtimeRequires(gomod []byte, allIndirect bool, need func(string) bool) string {
	var direct, indirect []string
	inBlock := false
	add := func(spec string) {
		f := strings.Fields(spec)
		if len(f) < 2 || !need(f[0]) {
			return
		}
		line := "\t" + f[0] + " " + f[1]
		if allIndirect || strings.Contains(spec, "// indirect") || testDirectModules[f[0]] {
			indirect = append(indirect, line+" // indirect")
		} else {
			direct = append(direct, line)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case inBlock && line == ")":
			inBlock = false
		case inBlock:
			add(line)
		case line == "require (":
			inBlock = true
		case strings.HasPrefix(line, "require "):
			add(strings.TrimPrefix(line, "require "))
		}
	}
	slices.Sort(indirect) // one block sorted by path, as go mod tidy has it
	var b strings.Builder
	for _, block := range [][]string{direct, indirect} {
		if len(block) > 0 {
			b.WriteString("require (\n" + strings.Join(block, "\n") + "\n)\n\n")
		}
	}
	return b.String()
}

// testModules are modules no bot links but whose checksums go mod tidy
// keeps in every module built from the runtime: those of the tests of
// go-redis's packages, which "all" includes.
var testModules = map[string]bool{
	"github.com/bsm/ginkgo/v2":      true,
	"github.com/klauspost/cpuid/v2": true,
	"github.com/stretchr/testify":   true,
	"github.com/zeebo/xxh3":         true,
}

// extraSums are checksums the modules built from the runtime need and
// botgen's own go.sum lacks: go mod tidy keeps gomega's (which go-redis's
// tests import) in those modules, and does not in botgen's.
const extraSums = `github.com/bsm/gomega v1.27.10 h1:yeMWxP2pV2fG3FgAODIY8EiRE3dy0aeFYt4l7wh6yKA=
github.com/bsm/gomega v1.27.10/go.mod h1:JyEr/xRbxbtgWNi8tIEVPUYZ5Dzef52k01W3YH0H+O0=
`

// runtimeSums returns the lines of botgen's go.sum for the modules need
// says a module needs, with those of testModules and extraSums, sorted as
// go.sum is.
func runtimeSums(gosum []byte, need func(string) bool) []byte {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(gosum))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && (need(f[0]) || testModules[f[0]]) {
			lines = append(lines, sc.Text())
		}
	}
	if need("github.com/redis/go-redis/v9") {
		lines = append(lines, strings.Split(strings.TrimSpace(extraSums), "\n")...)
	}
	slices.Sort(lines)
	lines = slices.Compact(lines)
	if len(lines) == 0 {
		return nil
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

// runtimeGoMod returns the go.mod of the runtime's copy: botgen's module
// path and Go version with the runtime's requirements only.
func runtimeGoMod(gomod []byte) []byte {
	goVersion := "1.26"
	if m := goRE.FindSubmatch(gomod); m != nil {
		goVersion = string(m[1])
	}
	return []byte("module github.com/botgen-dev/botgen\n\ngo " + goVersion + "\n\n" + runtimeRequires(gomod, false, modules(true)))
}
