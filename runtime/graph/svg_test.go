package graph

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"
)

// bigGraph is a diagram of n states in a ring, each with k conditions to
// random states; with chain, to states at or before it only, so that the
// rows run deep and most edges go up past many of them.
func bigGraph(n, k int, chain bool) *Graph {
	r := rand.New(rand.NewSource(1))
	g := &Graph{Bot: "big"}
	for i := 0; i < n; i++ {
		g.States = append(g.States, State{Name: fmt.Sprintf("s%d", i), Initial: i == 0})
		g.Edges = append(g.Edges, Edge{From: fmt.Sprintf("s%d", i), To: fmt.Sprintf("s%d", (i+1)%n), Kind: Intent, Label: "hi"})
		for j := 0; j < k; j++ {
			t := r.Intn(n)
			if chain {
				t = r.Intn(i + 1)
			}
			g.Edges = append(g.Edges, Edge{From: fmt.Sprintf("s%d", i), To: fmt.Sprintf("s%d", t), Kind: When, Label: fmt.Sprintf("x == %d", j)})
		}
	}
	return g
}

// BenchmarkWriteSVG draws 2,000 states and 12,000 edges, shallow (random
// targets) and deep (targets behind, in a chain of rows).
func BenchmarkWriteSVG(b *testing.B) {
	for _, chain := range []bool{false, true} {
		g := bigGraph(2000, 5, chain)
		b.Run(fmt.Sprintf("chain=%v", chain), func(b *testing.B) {
			for b.Loop() {
				if err := g.WriteSVG(io.Discard, "s7"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDrawingHighlightsAnyState: a drawing written with a state
// highlighted is the drawing with that state's group marked, and nothing
// else changed.
func TestDrawingHighlightsAnyState(t *testing.T) {
	g := hostileGraph(`a"b<c>`, `x == "y"`)
	d := g.Draw()
	var plain bytes.Buffer
	if err := d.WriteSVG(&plain, ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range g.States {
		var buf bytes.Buffer
		if err := d.WriteSVG(&buf, s.Name); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		parseSVG(t, buf.Bytes())
		tag := fmt.Sprintf(` current" data-state="%s" aria-current="step">`, xmlText(s.Name))
		if strings.Count(out, tag) != 1 || strings.Replace(strings.Replace(out, ` aria-current="step"`, "", 1), " current\" data-state", "\" data-state", 1) != plain.String() {
			t.Errorf("%q: not highlighted alone:\n%s", s.Name, out)
		}
	}
	var buf bytes.Buffer
	if err := d.WriteSVG(&buf, "no such state"); err != nil || buf.String() != plain.String() {
		t.Errorf("an unknown state changes the drawing: %v", err)
	}
}
