package engine

import "slices"

// Listens returns the intents a message is classified among in a state with
// these transitions: the intents of its `on` transitions in order, then
// those of the bot's globals, each once. New gives every state this list;
// tools that score a message as a state would (botgen nlu explain) ask it
// too, so that they cannot drift from the engine.
func Listens(transitions []Transition, globals []Global) []string {
	var out []string
	for _, t := range transitions {
		if t.Kind == OnIntent && !slices.Contains(out, t.Intent) {
			out = append(out, t.Intent)
		}
	}
	for _, g := range globals {
		if !slices.Contains(out, g.Intent) {
			out = append(out, g.Intent)
		}
	}
	return out
}
