package check

import (
	"strings"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/graph"
)

// graph checks the shape of the state machine: the initial state,
// reachability, `go back` and automatic transitions; and it records the
// state diagram, from the same reachability.
func (c *checker) graph(f *syntax.File) {
	if !c.initialState(f) {
		c.bot.Graph = diagram(c.bot, nil)
		return
	}
	g := newStateGraph(c.bot)
	reachable := g.reach(append([]string{c.bot.Initial}, g.globalTargets...)...)
	fromGlobal := g.reach(g.globalTargets...)
	for _, s := range c.bot.States {
		if !reachable[s.Name] {
			c.errorf(s.Pos, "state %q is unreachable from the initial state", s.Name)
		}
		c.exits(s, fromGlobal[s.Name])
	}
	c.goLoops(g)
	c.bot.Graph = diagram(c.bot, reachable)
}

// diagram is the state diagram of bot; reachable, when not nil, tells the
// states a path reaches (nil: the bot has no initial state, and none is
// marked).
func diagram(bot *ir.Bot, reachable map[string]bool) *graph.Graph {
	d := &graph.Graph{Bot: bot.Name}
	global := map[string]bool{}
	for _, gl := range bot.Globals {
		global[gl.Target] = true
		d.Edges = append(d.Edges, graph.Edge{To: gl.Target, Kind: graph.Global, Label: gl.Intent})
	}
	for _, s := range bot.States {
		d.States = append(d.States, graph.State{
			Name:        s.Name,
			Initial:     s.Name == bot.Initial,
			Global:      global[s.Name],
			Unreachable: reachable != nil && !reachable[s.Name],
		})
		for _, t := range s.Transitions {
			e := graph.Edge{From: s.Name, To: t.Target}
			switch t.Kind {
			case ir.OnIntent:
				e.Kind, e.Label = graph.Intent, t.Intent
			case ir.OnFile:
				e.Kind, e.Label = graph.File, strings.Join(t.MIMETypes, ", ")
			case ir.When:
				e.Kind, e.Label = graph.When, t.CondText
			case ir.Otherwise:
				e.Kind = graph.Otherwise
			case ir.Go:
				e.Kind, e.Label = graph.Go, t.CondText
			case ir.GoBack:
				e.Kind, e.Label, e.To = graph.Back, t.CondText, ""
			case ir.OnError:
				e.Kind = graph.Error
			}
			d.Edges = append(d.Edges, e)
		}
	}
	return d
}

// initialState records the initial state; false when there is none, and
// nothing more about the graph can be told.
func (c *checker) initialState(f *syntax.File) bool {
	var initials []*syntax.StateDecl
	for _, d := range f.Decls {
		if d.State != nil && d.State.Initial {
			initials = append(initials, d.State)
		}
	}
	switch {
	case len(initials) == 0 && len(c.bot.States) > 0:
		c.errorf(toPos(f.Name.Pos), "no initial state (mark one state with `initial`)")
		return false
	case len(initials) == 0:
		c.errorf(toPos(f.Name.Pos), "the bot has no states")
		return false
	}
	first := initials[0]
	for _, s := range initials[1:] {
		c.errorf(toPos(s.Name.Pos), "several initial states: %q and %q (first at %s)", first.Name.Name, s.Name.Name, c.where(toPos(first.Name.Pos)))
	}
	c.bot.Initial = first.Name.Name
	return true
}

// stateGraph is the checked states by name, and where the global intents
// lead.
type stateGraph struct {
	byName        map[string]*ir.State
	globalTargets []string
}

func newStateGraph(bot *ir.Bot) stateGraph {
	g := stateGraph{byName: map[string]*ir.State{}}
	for i := range bot.States {
		g.byName[bot.States[i].Name] = &bot.States[i]
	}
	for _, gl := range bot.Globals {
		g.globalTargets = append(g.globalTargets, gl.Target)
	}
	return g
}

// reach returns the states reachable from starts. `go back` leads nowhere
// known before run time: it is not followed.
func (g stateGraph) reach(starts ...string) map[string]bool {
	seen := map[string]bool{}
	queue := append([]string(nil), starts...)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] || g.byName[n] == nil {
			continue
		}
		seen[n] = true
		for _, t := range g.byName[n].Transitions {
			if t.Kind != ir.GoBack {
				queue = append(queue, t.Target)
			}
		}
	}
	return seen
}

func automatic(t ir.Transition) bool { return t.Kind == ir.Go || t.Kind == ir.GoBack }

// exits checks the ways out of state s: the automatic transitions (go, go
// back) are a list of conditional ones closed by at most one plain one,
// after which nothing is tried, and a state so closed never waits for a
// message; go back needs a global intent that leads to s (fromGlobal); a
// state with no way out is noted.
func (c *checker) exits(s ir.State, fromGlobal bool) {
	v2 := false // a conditional go or an on error: the rules of version 2 apply
	for _, t := range s.Transitions {
		v2 = v2 || t.Kind == ir.OnError || automatic(t) && t.Cond != nil
	}
	autos := 0
	var closing *ir.Transition
	for i, t := range s.Transitions {
		if automatic(t) {
			autos++
			switch {
			case !v2 && autos == 1 && len(s.Transitions) > 1:
				// Version 1's rule, which says it for those bots.
				c.errorf(t.Pos, "an automatic transition (go) must be the only way out of state %q, which has %d transitions", s.Name, len(s.Transitions))
			case v2 && closing != nil:
				c.errorf(t.Pos, "this go is never tried: the go at %s before it always moves", c.where(closing.Pos))
			case t.Cond == nil && closing == nil:
				closing = &s.Transitions[i]
			}
		}
		if t.Kind == ir.GoBack && !fromGlobal {
			c.errorf(t.Pos, "go back in state %q, which no global intent leads to", s.Name)
		}
	}
	if v2 && closing != nil {
		for _, t := range s.Transitions {
			if !automatic(t) && t.Kind != ir.OnError {
				c.errorf(t.Pos, "this transition never fires: state %q always moves on with the go at %s, without waiting for a message", s.Name, c.where(closing.Pos))
			}
		}
	}
	if len(s.Transitions) == 0 {
		c.warnf(s.Pos, "state %q has no way out (no transitions)", s.Name)
	}
}

// onlyGo returns the transition of a state that always moves on to one
// state, with a plain go and no other transition but on error.
func onlyGo(s *ir.State) (ir.Transition, bool) {
	var out ir.Transition
	n := 0
	for _, t := range s.Transitions {
		if t.Kind != ir.OnError {
			out = t
			n++
		}
	}
	return out, n == 1 && out.Kind == ir.Go && out.Cond == nil
}

// goLoops reports each cycle made only of `go`, once: it would loop forever
// without waiting for the user.
func (c *checker) goLoops(g stateGraph) {
	reported := map[string]bool{}
	for _, s := range c.bot.States {
		path, closing, ok := g.goCycle(s.Name)
		if !ok || reported[s.Name] {
			continue
		}
		for _, p := range path {
			reported[p] = true
		}
		c.errorf(closing.Pos, "automatic transitions loop forever: %s", strings.Join(path, " -> "))
	}
}

// goCycle follows the `go` transitions from start and reports whether they
// lead back to it: the path, start at both ends, and the transition that
// closes it.
func (g stateGraph) goCycle(start string) ([]string, ir.Transition, bool) {
	path := []string{start}
	onPath := map[string]bool{start: true}
	for cur := g.byName[start]; cur != nil; {
		t, ok := onlyGo(cur)
		if !ok {
			break
		}
		next := t.Target
		path = append(path, next)
		if onPath[next] {
			return path, t, next == start
		}
		onPath[next] = true
		cur = g.byName[next]
	}
	return nil, ir.Transition{}, false
}

func (c *checker) unusedIntents() {
	for _, in := range c.bot.Intents {
		if info := c.intents[in.Name]; info != nil && !info.used {
			c.warnf(in.Pos, "intent %q is never used by a transition or a global", in.Name)
		}
	}
}
