package lsp

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of the golden tests")

// TestNamesGolden asks a server, over pipes, the queries of
// testdata/names.txtar about its input.bot: references, renames, and the
// semantic tokens of the whole file, and compares the answers, written out
// with the text they cover, with its want section.
func TestNamesGolden(t *testing.T) {
	const file = "testdata/names.txtar"
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	section := func(name string) string {
		for _, f := range a.Files {
			if f.Name == name {
				return string(f.Data)
			}
		}
		t.Fatalf("%s has no %s", file, name)
		return ""
	}
	src := section("input.bot")
	e := startServer(t)
	e.call("initialize", map[string]any{"capabilities": map[string]any{}})
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "text": src, "version": 3}})
	if d := e.diagnostics(); len(d) != 0 {
		t.Fatalf("input.bot has diagnostics: %q", d)
	}
	var out strings.Builder
	for q := range strings.Lines(section("queries")) {
		f := strings.Fields(q)
		var line, char int
		fmt.Sscanf(f[1], "%d:%d", &line, &char)
		fmt.Fprintf(&out, "> %s", q)
		switch f[0] {
		case "refs":
			resp, _ := e.call("textDocument/references", map[string]any{"textDocument": doc(uri), "position": map[string]any{"line": line, "character": char}, "context": map[string]any{"includeDeclaration": true}})
			for _, l := range resp["result"].([]any) {
				fmt.Fprintf(&out, "%s\n", spanText(src, l.(map[string]any)["range"]))
			}
		case "rename":
			resp, _ := e.call("textDocument/rename", map[string]any{"textDocument": doc(uri), "position": map[string]any{"line": line, "character": char}, "newName": f[2]})
			if resp["error"] != nil {
				fmt.Fprintf(&out, "refused: %v\n", resp["error"].(map[string]any)["message"])
				continue
			}
			edits := resp["result"].(map[string]any)["changes"].(map[string]any)[uri].([]any)
			for _, ed := range edits {
				ed := ed.(map[string]any)
				fmt.Fprintf(&out, "%s -> %s\n", spanText(src, ed["range"]), ed["newText"])
			}
		}
	}
	out.WriteString("> tokens\n")
	resp, _ := e.call("textDocument/semanticTokens/full", map[string]any{"textDocument": doc(uri)})
	for _, tok := range decodeTokens(t, resp["result"].(map[string]any)["data"].([]any)) {
		fmt.Fprintf(&out, "%d:%d %q %s\n", tok.line, tok.char, utf16Slice(src, tok.line, tok.char, tok.length), tok.kind)
	}
	got := out.String()
	if *update {
		for i := range a.Files {
			if a.Files[i].Name == "want" {
				a.Files[i].Data = []byte(got)
			}
		}
		if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := section("want"); got != want {
		t.Errorf("%s: answers differ from want (-update rewrites it):\n%s", file, diffLines(want, got))
	}
}

// diffLines shows the first lines where want and got differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %q\n got %q", i+1, a, b)
		}
	}
	return ""
}

// utf16Slice returns the text of 0-based line at UTF-16 offsets [char,
// char+n).
func utf16Slice(src string, line, char, n int) string {
	lines := strings.Split(src, "\n")
	if line >= len(lines) {
		return "?"
	}
	u := utf16.Encode([]rune(lines[line]))
	if char+n > len(u) {
		return "?"
	}
	return string(utf16.Decode(u[char : char+n]))
}

// spanText writes an LSP range and the text it covers.
func spanText(src string, r any) string {
	m := r.(map[string]any)
	s, en := m["start"].(map[string]any), m["end"].(map[string]any)
	line, char, end := int(s["line"].(float64)), int(s["character"].(float64)), int(en["character"].(float64))
	return fmt.Sprintf("%d:%d-%d:%d %s", line, char, int(en["line"].(float64)), end, utf16Slice(src, line, char, end-char))
}

// decodedToken is a semantic token with absolute positions and its type
// and modifiers by name.
type decodedToken struct {
	line, char, length int
	kind               string // "type" or "type.mod1.mod2"
}

// decodeTokens decodes the relative integers of semantic tokens with the
// legend the server announces.
func decodeTokens(t *testing.T, data []any) []decodedToken {
	t.Helper()
	if len(data)%5 != 0 {
		t.Fatalf("%d integers: not a multiple of 5", len(data))
	}
	var out []decodedToken
	line, char := 0, 0
	for i := 0; i < len(data); i += 5 {
		v := func(k int) int { return int(data[i+k].(float64)) }
		if v(0) > 0 {
			line, char = line+v(0), v(1)
		} else {
			char += v(1)
		}
		kind := tokenTypes[v(3)]
		for b, m := range tokenModifiers {
			if v(4)&(1<<b) != 0 {
				kind += "." + m
			}
		}
		if len(out) > 0 {
			p := out[len(out)-1]
			if p.line == line && p.char+p.length > char {
				t.Errorf("token at %d:%d overlaps the one at %d:%d", line, char, p.line, p.char)
			}
		}
		out = append(out, decodedToken{line, char, v(2), kind})
	}
	if !slices.IsSortedFunc(out, func(a, b decodedToken) int { return (a.line-b.line)*1<<20 + a.char - b.char }) {
		t.Error("tokens out of order")
	}
	return out
}
