package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/botgen-dev/botgen/runtime/graph"
)

// graphKinds are the names of graph.Kind's values, as generated code
// writes them.
var graphKinds = map[graph.Kind]string{
	graph.Intent: "Intent", graph.File: "File", graph.When: "When", graph.Otherwise: "Otherwise",
	graph.Go: "Go", graph.Back: "Back", graph.Error: "Error", graph.Global: "Global",
}

// diagramFunc declares diagram, which returns the bot's state diagram,
// drawn by the bot at GET /graph.
func (g *gen) diagramFunc() {
	d := g.bot.Graph
	var states, edges []jen.Code
	for _, s := range d.States {
		sd := kv("Name", jen.Lit(s.Name))
		if s.Initial {
			sd = sd.add("Initial", jen.True())
		}
		if s.Global {
			sd = sd.add("Global", jen.True())
		}
		if s.Unreachable {
			sd = sd.add("Unreachable", jen.True())
		}
		states = append(states, jen.Values(sd...))
	}
	for _, e := range d.Edges {
		ed := dict{}
		if e.From != "" {
			ed = ed.add("From", jen.Lit(e.From))
		}
		if e.To != "" {
			ed = ed.add("To", jen.Lit(e.To))
		}
		ed = ed.add("Kind", jen.Qual(pkgGraph, graphKinds[e.Kind]))
		if e.Label != "" {
			ed = ed.add("Label", jen.Lit(e.Label))
		}
		edges = append(edges, jen.Values(ed...))
	}
	lit := kv("Bot", jen.Lit(d.Bot))
	if len(states) > 0 {
		lit = lit.add("States", jen.Index().Qual(pkgGraph, "State").Values(lines(states)...))
	}
	if len(edges) > 0 {
		lit = lit.add("Edges", jen.Index().Qual(pkgGraph, "Edge").Values(lines(edges)...))
	}
	name := g.fixedName("diagram")
	g.comment(name + " is the state diagram of " + CommentText(g.bot.SourceFile) + ", which the bot draws at GET /graph.")
	g.declare(name)
	g.f.Func().Id(name).Params().Op("*").Qual(pkgGraph, "Graph").Block(
		jen.Return(jen.Op("&").Qual(pkgGraph, "Graph").Values(lines(lit)...)),
	)
}
