package generator_test

import (
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/generator"
)

// The forms of the language's second version are refused, naming the
// first of them in the .bot file, until the generator compiles them.
func TestUnsupportedV2(t *testing.T) {
	const head = "bot b\nintent again { \"again\" }\n"
	for _, tc := range []struct{ body, want string }{
		{"setting api = \"https://example.org\"\ninitial state s { reply \"{api}\"\n on again -> s }", "b.bot:3:9: setting api"},
		{"initial state s {\n reply \"{message}\"\n on again -> s }", "b.bot:4:2: message"},
		{"initial state s {\n set w = get(\"https://example.org\")\n on again -> s }", "b.bot:4:6: the dynamic variable w"},
		{"initial state s {\n for x in [1, 2] { reply \"{x}\" }\n on again -> s }", "b.bot:4:2: for"},
		{"initial state s {\n reply options split(\"a,b\", \",\")\n on again -> s }", "b.bot:4:2: reply options of a list"},
		{"var n = 0\ninitial state s {\n go t if n > 1\n on again -> s }\nstate t { go s }", "b.bot:5:2: a conditional go"},
		{"initial state s {\n on again -> s\n on error -> s }", "b.bot:5:2: on error"},
		{"initial state s {\n reply \"{replace(\\\"a\\\", \\\"a\\\", \\\"b\\\")}\"\n on again -> s }", "b.bot:4:10: built-in function replace"},
		{"initial state s {\n reply \"hi\"\n on again -> s }\ntest \"t\" {\n mock get \"https://example.org\" fails \"down\"\n bot \"hi\" }", "b.bot:7:2: mock"},
	} {
		bot := checkBot(t, "b.bot", head+tc.body)
		_, err := generator.Generate(bot)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want+" is not supported by the generator yet") {
			t.Errorf("%s:\ngot %v\nwant %s is not supported by the generator yet", tc.body, err, tc.want)
		}
	}
}
