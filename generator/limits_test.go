package generator_test

import (
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/generator"
)

// The deepest nesting the parser lets through generates a program: unary
// operators, an else-if chain and brackets just under the limit.
func TestDeepNestingGenerates(t *testing.T) {
	src := "bot b\nvar n = 1\nvar y = true\ninitial state s {\n" +
		"    set n = " + strings.Repeat("-", 195) + "n\n" +
		"    set y = " + strings.Repeat("not ", 195) + "y\n" +
		"    if y { reply \"a\" }" + strings.Repeat(" else if y { reply \"a\" }", 190) + " else { reply \"{" + strings.Repeat("-(", 90) + "n" + strings.Repeat(")", 90) + "}\" }\n" +
		"    when " + strings.Repeat("not (", 95) + "y" + strings.Repeat(")", 95) + " -> s\n}\n"
	bot := checkBot(t, "b.bot", src)
	out, err := generator.Generate(bot)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := topLevel(t, out.Source)
	if len(names) != 8 { // _, _, main, bot, stateSBody, stateSWhenS, tests, diagram
		t.Errorf("declares %v", names)
	}
}
