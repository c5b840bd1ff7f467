// Package graph is a bot's state diagram: its states and the transitions
// between them, each labelled with what fires it. The compiler fills a
// Graph from the checked bot; botgen graph writes it as DOT or Mermaid,
// and the bot draws it as SVG on its own page (GET /graph), without
// Graphviz.
package graph

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Graph is a bot's state diagram.
type Graph struct {
	Bot    string  // the bot's name
	States []State // in source order
	// Edges are the global intents first, then each state's transitions
	// in source order.
	Edges []Edge
}

// State is one state of the diagram.
type State struct {
	Name        string
	Initial     bool
	Global      bool // a global intent leads to it
	Unreachable bool // no path from the initial state or a global intent reaches it
}

// Kind tells what fires an edge.
type Kind int

// The kinds of edge: those of the language's transitions, and Global.
const (
	Intent    Kind = iota // on INTENT: Label is the intent
	File                  // on file: Label is the MIME types, comma-separated ("" for any file)
	When                  // when COND: Label is the condition
	Otherwise             // otherwise
	Go                    // go S, go S if COND: Label is the condition or ""
	Back                  // go back (if COND): to the state the user came from; To is ""
	Error                 // on error
	Global                // a global intent, heard in any state: From is "", Label the intent
)

// Edge is one way from a state to another. From is "" for a global
// intent (any state) and To is "" for go back (the caller).
type Edge struct {
	From, To string
	Kind     Kind
	Label    string
}

// Text is what the diagrams write on the edge.
func (e Edge) Text() string {
	switch e.Kind {
	case Intent, Global:
		return e.Label
	case File:
		if e.Label == "" {
			return "file"
		}
		return "file " + e.Label
	case When:
		return "when " + e.Label
	case Otherwise:
		return "otherwise"
	case Go, Back:
		s := "go"
		if e.Kind == Back {
			s = "go back"
		}
		if e.Label != "" {
			s += " if " + e.Label
		}
		return s
	case Error:
		return "on error"
	}
	return e.Label
}

// WithoutLiterals returns a copy of g whose conditions show each string
// literal as "…": what a bot shows anyone at GET /graph must not publish
// the texts its conditions compare with (a code, an address). Numbers
// and names are kept.
func (g *Graph) WithoutLiterals() *Graph {
	c := *g
	c.Edges = slices.Clone(g.Edges)
	for i, e := range c.Edges {
		if e.Kind == When || e.Kind == Go || e.Kind == Back {
			c.Edges[i].Label = withoutLiterals(e.Label)
		}
	}
	return &c
}

// withoutLiterals replaces the string literals of the condition s with
// "…", reading them as the language's lexer does: """ to the next """, or
// " to the next " not escaped by a backslash. One that does not close
// runs to the end.
func withoutLiterals(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(`"…"`)
		s = s[i:]
		if strings.HasPrefix(s, `"""`) {
			end := strings.Index(s[3:], `"""`)
			if end < 0 {
				return b.String()
			}
			s = s[3+end+3:]
			continue
		}
		end := -1
		for j := 1; j < len(s); j++ {
			if s[j] == '\\' {
				j++
			} else if s[j] == '"' {
				end = j
				break
			}
		}
		if end < 0 {
			return b.String()
		}
		s = s[end+1:]
	}
}

// automatic reports whether the state takes e without a message: it is
// drawn dashed.
func (e Edge) automatic() bool { return e.Kind == Go || e.Kind == Back || e.Kind == Error }

// AnyState is what the diagrams call the node global intents leave from
// and go back returns to.
const AnyState = "any state (the caller)"

// hasAny reports whether the diagram needs the node of AnyState.
func (g *Graph) hasAny() bool {
	for _, e := range g.Edges {
		if e.From == "" || e.To == "" {
			return true
		}
	}
	return false
}

// ids names the states s0, s1... in the diagrams' own syntax, so that no
// state's name needs quoting as an identifier, and returns the states to
// draw: a name given twice is drawn once.
func (g *Graph) ids() (map[string]string, []State) {
	ids := make(map[string]string, len(g.States)+1)
	var states []State
	for _, s := range g.States {
		if _, ok := ids[s.Name]; !ok && s.Name != "" {
			ids[s.Name] = fmt.Sprintf("s%d", len(states))
			states = append(states, s)
		}
	}
	ids[""] = "any"
	return ids, states
}

// edgeEnds returns the ids of e's ends; false when one names no state
// (a bot with errors may have such transitions; they are not drawn).
func edgeEnds(ids map[string]string, e Edge) (string, string, bool) {
	from, ok1 := ids[e.From]
	to, ok2 := ids[e.To]
	return from, to, ok1 && ok2
}

// WriteDOT writes g in Graphviz's DOT language.
func (g *Graph) WriteDOT(w io.Writer) error {
	var b strings.Builder
	ids, states := g.ids()
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(g.Bot))
	b.WriteString("\trankdir=LR;\n")
	b.WriteString("\tnode [shape=box, style=rounded, fontname=\"Helvetica\"];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("\tstart [shape=point, width=0.15, label=\"\"];\n")
	if g.hasAny() {
		fmt.Fprintf(&b, "\tany [shape=box, style=\"dashed,rounded\", label=%s];\n", dotQuote(AnyState))
	}
	var apart []string
	for _, s := range states {
		style := "rounded"
		attrs := ""
		if s.Initial {
			style += ",bold"
		}
		if s.Global {
			style += ",filled"
			attrs = ", fillcolor=\"#e8f0fe\""
		}
		if s.Unreachable {
			style += ",dashed"
			attrs += ", color=gray50, fontcolor=gray40"
		}
		line := fmt.Sprintf("%s [label=%s, style=%s%s];", ids[s.Name], dotQuote(s.Name), dotQuote(style), attrs)
		if s.Unreachable {
			apart = append(apart, line)
			continue
		}
		fmt.Fprintf(&b, "\t%s\n", line)
	}
	if len(apart) > 0 {
		b.WriteString("\tsubgraph cluster_unreachable {\n\t\tlabel=\"no path reaches these\";\n\t\tstyle=dashed;\n\t\tcolor=gray50;\n\t\tfontname=\"Helvetica\";\n")
		for _, l := range apart {
			fmt.Fprintf(&b, "\t\t%s\n", l)
		}
		b.WriteString("\t}\n")
	}
	for _, s := range states {
		if s.Initial {
			fmt.Fprintf(&b, "\tstart -> %s;\n", ids[s.Name])
			break
		}
	}
	for _, e := range g.Edges {
		from, to, ok := edgeEnds(ids, e)
		if !ok {
			continue
		}
		style := ""
		if e.automatic() {
			style = ", style=dashed"
		}
		fmt.Fprintf(&b, "\t%s -> %s [label=%s%s];\n", from, to, dotQuote(e.Text()), style)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotQuote writes s as a DOT quoted string: quotes and backslashes
// escaped, a line break as \n (centred), other control characters as a
// space, so that no text ends the string or the statement.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < ' ' || r == 0x7f || r == 0xfffd:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteMermaid writes g as a Mermaid flowchart.
func (g *Graph) WriteMermaid(w io.Writer) error {
	var b strings.Builder
	ids, states := g.ids()
	b.WriteString("flowchart LR\n")
	b.WriteString("    start((\" \"))\n")
	if g.hasAny() {
		fmt.Fprintf(&b, "    any[%s]\n", mermaidQuote(AnyState))
	}
	var apart []string
	var initial, global, unreachable []string
	for _, s := range states {
		id := ids[s.Name]
		line := fmt.Sprintf("%s(%s)", id, mermaidQuote(s.Name))
		if s.Initial {
			initial = append(initial, id)
		}
		if s.Global {
			global = append(global, id)
		}
		if s.Unreachable {
			apart = append(apart, line)
			unreachable = append(unreachable, id)
			continue
		}
		fmt.Fprintf(&b, "    %s\n", line)
	}
	if len(apart) > 0 {
		b.WriteString("    subgraph unreachable[\"no path reaches these\"]\n")
		for _, l := range apart {
			fmt.Fprintf(&b, "        %s\n", l)
		}
		b.WriteString("    end\n")
	}
	for _, id := range initial[:min(len(initial), 1)] {
		fmt.Fprintf(&b, "    start --> %s\n", id)
	}
	for _, e := range g.Edges {
		from, to, ok := edgeEnds(ids, e)
		if !ok {
			continue
		}
		arrow := "-->"
		if e.automatic() {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "    %s %s|%s| %s\n", from, arrow, mermaidQuote(e.Text()), to)
	}
	b.WriteString("    classDef initial stroke-width:3px\n")
	b.WriteString("    classDef global fill:#e8f0fe\n")
	b.WriteString("    classDef unreachable stroke-dasharray:4 3,color:#666\n")
	if len(initial) > 0 {
		fmt.Fprintf(&b, "    class %s initial\n", strings.Join(initial, ","))
	}
	if len(global) > 0 {
		fmt.Fprintf(&b, "    class %s global\n", strings.Join(global, ","))
	}
	if len(unreachable) > 0 {
		fmt.Fprintf(&b, "    class %s unreachable\n", strings.Join(unreachable, ","))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidQuote writes s as a Mermaid quoted label. Mermaid has no escape
// inside quotes, only entity codes (#34; for "), and reads < as HTML and
// | ` % # ; as syntax in some places: every character outside a small
// safe set is written as its code, a line break as <br>.
func mermaidQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString("<br>")
		case r < ' ' || r == 0x7f || r == 0xfffd:
			b.WriteByte(' ')
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r > 0x7f,
			strings.ContainsRune(" _.,:-+*/=!?'()[]{}@$^~", r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "#%d;", r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
