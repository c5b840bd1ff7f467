package check

import (
	"maps"
	"slices"
	"testing"

	"github.com/botgen-dev/botgen/dsl/symbols"
)

// TestEditorBuiltins: the editor's index knows the functions and entities
// the checker gives every bot, so that it neither renames nor mistakes one.
func TestEditorBuiltins(t *testing.T) {
	funcs := append(slices.Collect(maps.Keys(builtins)), httpGet, httpPost, llmFunc) // llm is one of builtins too
	if got, want := slices.Sorted(maps.Keys(symbols.BuiltinFuncs)), slices.Compact(slices.Sorted(slices.Values(funcs))); !slices.Equal(got, want) {
		t.Errorf("symbols.BuiltinFuncs:\n%q\nwant\n%q", got, want)
	}
	if got, want := slices.Sorted(maps.Keys(symbols.BuiltinEntities)), slices.Sorted(maps.Keys(builtinEntities)); !slices.Equal(got, want) {
		t.Errorf("symbols.BuiltinEntities: %q, want %q", got, want)
	}
}
