package generator_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/generator"
)

// The same bytes are embedded once, whatever paths and kinds of reply
// refer to them; a reply sent under one name from two states is one value.
func TestSameBytesEmbeddedOnce(t *testing.T) {
	// checkBot serves every path with the same bytes.
	src := `bot b
intent next { "next" }
initial state one {
    reply file "a.txt"
    reply file "sub/b.txt"
    on next -> two
}
state two {
    reply file "a.txt"
    reply file "./a.txt"
    on next -> one
}
test "t" { user file "c.txt" }
`
	out, err := generator.Generate(checkBot(t, "b.bot", src))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range out.Files {
		files = append(files, f.Path)
	}
	if want := []string{"files/a.txt", generator.ModelFile}; !slices.Equal(files, want) {
		t.Errorf("embeds %v, want %v", files, want)
	}
	names, directives := topLevel(t, out.Source)
	want := []string{"_", "_", "fileATxt", "nluModel", "main", "bot", "documentA", "documentB", "stateOneBody", "stateTwoBody", "tests", "diagram"}
	if !slices.Equal(names, want) {
		t.Errorf("declares %v, want %v", names, want)
	}
	embeds := slices.DeleteFunc(directives, func(d string) bool { return !strings.HasPrefix(d, "//go:embed ") })
	if want := []string{"//go:embed files/a.txt", "//go:embed files/model"}; !slices.Equal(embeds, want) {
		t.Errorf("embeds %q, want %q", embeds, want)
	}
	for _, s := range []string{
		`var documentA = reply.NewFile("a.txt", "text/plain", fileATxt)`,
		`var documentB = reply.NewFile("b.txt", "text/plain", fileATxt)`,
		"// a.txt, sub/b.txt, ./a.txt, c.txt (text/plain, 5 bytes)",
		"Data: fileATxt,",
	} {
		if !strings.Contains(string(out.Source), s) {
			t.Errorf("the program lacks %q:\n%s", s, out.Source)
		}
	}
	if n := strings.Count(string(out.Source), "t.Reply(documentA)"); n != 3 {
		t.Errorf("documentA is sent %d times, want 3", n)
	}
}
