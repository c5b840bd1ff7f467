package syntax

import (
	"strings"
	"testing"
)

func TestDeepNesting(t *testing.T) {
	deep := strings.Repeat("(", 300) + "n" + strings.Repeat(")", 300)
	_, diags := Parse("t.bot", []byte("bot b\nstate s { set x = "+deep+" }"))
	if got := diags.Error(); got != "t.bot:2:218: syntax error: nesting deeper than 200 levels" {
		t.Errorf("file: %q", got)
	}
}
