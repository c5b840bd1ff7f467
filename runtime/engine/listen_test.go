package engine_test

import (
	"slices"
	"testing"

	"github.com/botgen-dev/botgen/runtime/engine"
)

func TestListens(t *testing.T) {
	got := engine.Listens([]engine.Transition{
		{Kind: engine.OnIntent, Intent: "b"},
		{Kind: engine.OnFile},
		{Kind: engine.OnIntent, Intent: "a"},
		{Kind: engine.OnIntent, Intent: "b"},
		{Kind: engine.Otherwise},
	}, []engine.Global{{Intent: "help"}, {Intent: "a"}})
	if want := []string{"b", "a", "help"}; !slices.Equal(got, want) {
		t.Errorf("Listens: %q, want %q", got, want)
	}
	if got := engine.Listens(nil, nil); got != nil {
		t.Errorf("a state without intents: %q", got)
	}
}
