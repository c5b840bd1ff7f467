package generator_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/generator"
)

// The program generated beside Go files declares none of their names,
// imports no package under one of the names they declare, and still calls
// their functions by their own names.
func TestGoNamesAreLeftToTheGoFiles(t *testing.T) {
	bot, diags := dsl.Load(filepath.Join("..", "testdata", "examples", "orders", "orders.bot"), dsl.CheckOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	taken := []string{"bot", "tests", "botFallback", "nluModel", "stateMenuBody", "callOrders", "callOrder_2",
		"engine", "value", "reply", "rt", "builtin", "bottest", "config", "nlu", "version", "diagram", "graph"}
	bot.GoNames = append(bot.GoNames, taken...)
	bot.GoImports = append(bot.GoImports, "shapeListing")
	out, err := generator.Generate(bot)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", out.Source, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range f.Imports {
		if im.Name != nil && slices.Contains(taken, im.Name.Name) {
			t.Errorf("imports %s as %s", im.Path.Value, im.Name.Name)
		}
		if p, _ := strconv.Unquote(im.Path.Value); im.Name == nil && slices.Contains(taken, filepath.Base(p)) {
			t.Errorf("imports %s under its own name", p)
		}
	}
	names, _ := topLevel(t, out.Source)
	for _, n := range names {
		if n != "main" && n != "_" && (slices.Contains(bot.GoNames, n) || slices.Contains(bot.GoImports, n)) {
			t.Errorf("declares %s, a name of the Go files", n)
		}
	}
	for _, want := range []string{"bot_2", "tests_2", "callOrders_2", "stateMenu_2Body"} {
		if !slices.Contains(names, want) {
			t.Errorf("does not declare %s: %v", want, names)
		}
	}

	bot.GoNames = append(bot.GoNames, "main")
	if _, err := generator.Generate(bot); err == nil {
		t.Error("Go files that declare main generate")
	}
}
