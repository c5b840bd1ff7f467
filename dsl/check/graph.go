package check

import (
	"strings"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// graph checks the shape of the state machine: the initial state,
// reachability, `go back` and automatic transitions.
func (c *checker) graph(f *syntax.File) {
	var initials []*syntax.StateDecl
	for _, d := range f.Decls {
		if d.State != nil && d.State.Initial {
			initials = append(initials, d.State)
		}
	}
	switch {
	case len(initials) == 0:
		if len(c.bot.States) > 0 {
			c.errorf(toPos(f.Name.Pos), "no initial state (mark one state with `initial`)")
		} else {
			c.errorf(toPos(f.Name.Pos), "the bot has no states")
		}
		return
	case len(initials) > 1:
		first := initials[0]
		for _, s := range initials[1:] {
			c.errorf(toPos(s.Name.Pos), "several initial states: %q and %q (first at %s)", first.Name.Name, s.Name.Name, c.where(toPos(first.Name.Pos)))
		}
	}
	c.bot.Initial = initials[0].Name.Name
	byName := map[string]*ir.State{}
	for i := range c.bot.States {
		byName[c.bot.States[i].Name] = &c.bot.States[i]
	}
	reach := func(starts ...string) map[string]bool {
		seen := map[string]bool{}
		queue := append([]string(nil), starts...)
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			if seen[n] || byName[n] == nil {
				continue
			}
			seen[n] = true
			for _, t := range byName[n].Transitions {
				if t.Kind != ir.GoBack {
					queue = append(queue, t.Target)
				}
			}
		}
		return seen
	}
	var globalTargets []string
	for _, g := range c.bot.Globals {
		globalTargets = append(globalTargets, g.Target)
	}
	reachable := reach(append([]string{c.bot.Initial}, globalTargets...)...)
	fromGlobal := reach(globalTargets...)
	for _, s := range c.bot.States {
		if !reachable[s.Name] {
			c.errorf(s.Pos, "state %q is unreachable from the initial state", s.Name)
		}
		autos := 0
		for _, t := range s.Transitions {
			if t.Kind == ir.Go || t.Kind == ir.GoBack {
				autos++
				if autos == 1 && len(s.Transitions) > 1 {
					c.errorf(t.Pos, "an automatic transition (go) must be the only way out of state %q, which has %d transitions", s.Name, len(s.Transitions))
				}
			}
			if t.Kind == ir.GoBack && !fromGlobal[s.Name] {
				c.errorf(t.Pos, "go back in state %q, which no global intent leads to", s.Name)
			}
		}
		if len(s.Transitions) == 0 {
			c.warnf(s.Pos, "state %q has no way out (no transitions)", s.Name)
		}
	}
	// A cycle made only of `go` would loop forever without waiting for the user.
	reported := map[string]bool{}
	for _, s := range c.bot.States {
		path := []string{s.Name}
		onPath := map[string]bool{s.Name: true}
		cur := byName[s.Name]
		for cur != nil && len(cur.Transitions) == 1 && cur.Transitions[0].Kind == ir.Go {
			next := cur.Transitions[0].Target
			path = append(path, next)
			if onPath[next] {
				if next == s.Name && !reported[s.Name] {
					for _, p := range path {
						reported[p] = true
					}
					c.errorf(cur.Transitions[0].Pos, "automatic transitions loop forever: %s", strings.Join(path, " -> "))
				}
				break
			}
			onPath[next] = true
			cur = byName[next]
		}
	}
}

func (c *checker) unusedIntents() {
	for _, in := range c.bot.Intents {
		if info := c.intents[in.Name]; info != nil && !info.used {
			c.warnf(in.Pos, "intent %q is never used by a transition or a global", in.Name)
		}
	}
}
