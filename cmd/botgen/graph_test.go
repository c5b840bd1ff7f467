package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/botgen-dev/botgen/dsl"
)

var updateGraphs = flag.Bool("update", false, "rewrite the diagrams of testdata/graph")

// TestGraphGolden draws every example as DOT and as Mermaid and compares
// them with testdata/graph (rewrite with go test ./cmd/botgen -run
// TestGraphGolden -update).
func TestGraphGolden(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "examples", "*.bot"))
	withGo, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "examples", "*", "*.bot"))
	paths = append(paths, withGo...)
	if len(paths) < 8 {
		t.Fatalf("only %d examples found", len(paths))
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".bot")
		t.Run(name, func(t *testing.T) {
			archive := &txtar.Archive{Comment: []byte("botgen graph of testdata/examples' " + name + ".bot; rewrite with go test ./cmd/botgen -run TestGraphGolden -update.\n")}
			for _, format := range []string{"dot", "mermaid"} {
				code, stdout, stderr := botgen(t, "graph", "--format", format, path)
				if code != 0 {
					t.Fatalf("botgen graph --format %s: exit %d\n%s", format, code, stderr)
				}
				archive.Files = append(archive.Files, txtar.File{Name: name + "." + format, Data: []byte(stdout)})
			}
			got := txtar.Format(archive)
			golden := filepath.Join("..", "..", "testdata", "graph", name+".txtar")
			if *updateGraphs {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/botgen -run TestGraphGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: run go test ./cmd/botgen -run TestGraphGolden -update and review the diff\n--- got:\n%s", golden, got)
			}
		})
	}
}

// A bot with errors is drawn as far as it checks: the state no path
// reaches apart, the transition to an unknown state left out, and the
// command fails with the errors.
func TestGraphOfABotWithErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lost.bot")
	src := `bot lost

intent hi { "hi" }
intent help { "help" }

global help -> helping

initial state start {
    on hi -> hello
    when message == "a \"quoted\" <b>" -> hello
}

state hello {
    reply "hello"
    go start if len(message) > 3 and
        message != "x"
    go nowhere
}

state helping {
    reply "help"
    go back
}

state island {
    reply "nobody comes here"
    otherwise -> start
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "lost.mmd")
	code, _, stderr := botgen(t, "graph", "-o", out, path)
	if code != exitInput || !strings.Contains(stderr, `unknown state "nowhere"`) || !strings.Contains(stderr, `state "island" is unreachable`) {
		t.Fatalf("exit %d, want %d with the errors\n%s", code, exitInput, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	mmd := string(data)
	for _, want := range []string{
		"flowchart LR", // the format from -o's extension
		`subgraph unreachable["no path reaches these"]` + "\n        s3(\"island\")\n    end",
		`s0 -->|"when message == #34;a #92;#34;quoted#92;#34; #60;b#62;#34;"| s1`,
		`s1 -.->|"go if len(message) #62; 3 and message != #34;x#34;"| s0`,
		`s2 -.->|"go back"| any`,
		`any -->|"help"| s2`,
		"class s0 initial", "class s2 global", "class s3 unreachable",
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("no %q in\n%s", want, mmd)
		}
	}
	if strings.Contains(mmd, "nowhere") {
		t.Errorf("the transition to an unknown state is drawn:\n%s", mmd)
	}
}

func TestGraphUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"graph"}, exitUsage, "give a .bot file"},
		{[]string{"graph", "--format", "png", examplePath("greetings")}, exitUsage, `--format "png": want dot, mermaid or svg`},
		{[]string{"graph", filepath.Join(t.TempDir(), "none.bot")}, exitInput, "no such file"},
	} {
		code, _, stderr := botgen(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("botgen %v: exit %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// TestGraphSVG runs a dot of its own on PATH, which records how it was
// called, and without one, expects the way to install Graphviz.
func TestGraphSVG(t *testing.T) {
	bin := t.TempDir()
	log := filepath.Join(bin, "args")
	fake := "#!/bin/sh\necho \"$@\" > " + log + "\nread first\necho \"<svg><!-- $first --></svg>\"\n"
	if err := os.WriteFile(filepath.Join(bin, "dot"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	out := filepath.Join(t.TempDir(), "g.svg")
	code, _, stderr := botgen(t, "graph", "-o", out, examplePath("greetings"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	svg, _ := os.ReadFile(out)
	args, _ := os.ReadFile(log)
	if string(args) != "-Tsvg\n" || string(svg) != "<svg><!-- digraph \"greetings_bot\" { --></svg>\n" {
		t.Errorf("dot called with %q, wrote %q", args, svg)
	}

	t.Setenv("PATH", t.TempDir())
	code, stdout, stderr := botgen(t, "graph", "--format", "svg", examplePath("greetings"))
	if code != exitInput || stdout != "" || !strings.Contains(stderr, "Graphviz's dot, which is not on PATH") || !strings.Contains(stderr, "apt-get install graphviz") || !strings.Contains(stderr, "brew install graphviz") {
		t.Errorf("without dot: exit %d, %q", code, stderr)
	}
}

// TestGraphSVGTimeout: a dot that does not finish is stopped, and the
// message says what to write instead.
func TestGraphSVGTimeout(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "dot"), []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	defer func(d time.Duration) { dotTimeout = d }(dotTimeout)
	dotTimeout = 200 * time.Millisecond
	start := time.Now()
	code, stdout, stderr := botgen(t, "graph", "--format", "svg", examplePath("greetings"))
	if code != exitInput || stdout != "" || !strings.Contains(stderr, "did not finish in 200ms") || !strings.Contains(stderr, "--format mermaid") || !strings.Contains(stderr, "--format dot") {
		t.Errorf("exit %d, %q", code, stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("dot was stopped after %v", d)
	}
}

// TestGraphLiteralsHidden: the labels the checker writes, escapes and
// """ texts included, lose their string literals in the diagram the bot
// serves, while botgen graph shows them whole.
func TestGraphLiteralsHidden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "codes.bot")
	src := `bot codes

initial state start {
    when message == "staff-code-1234" -> staff
    when contains(message, "a \"x\\") and len(message) > 12 -> staff
    go staff if message == """code
with "quotes" 5678"""
}

state staff {
    reply "hello"
    go start
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, dot, stderr := botgen(t, "graph", path)
	if code != 0 || !strings.Contains(dot, `staff-code-1234`) || !strings.Contains(dot, `5678`) {
		t.Fatalf("botgen graph: exit %d, the literals not whole:\n%s%s", code, dot, stderr)
	}
	bot, diags := dsl.Load(path, dsl.CheckOptions{ValidateOnly: true})
	if bot == nil || bot.Graph == nil || errorCount(diags) > 0 {
		t.Fatalf("no diagram: %v", diags)
	}
	var labels []string
	for _, e := range bot.Graph.WithoutLiterals().Edges {
		labels = append(labels, e.Text())
	}
	want := []string{`when message == "…"`, `when contains(message, "…") and len(message) > 12`, `go if message == "…"`, "go"}
	if !slices.Equal(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
}
