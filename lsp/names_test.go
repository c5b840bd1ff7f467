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
// testdata/names.txtar about its input.bot: references, definitions,
// highlights, renames, and the semantic tokens of the whole file, and compares the answers, written out
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
		case "def":
			resp, _ := e.call("textDocument/definition", at(uri, line, char))
			if loc, ok := resp["result"].(map[string]any); ok {
				fmt.Fprintf(&out, "%s\n", spanText(src, loc["range"]))
			}
		case "highlight":
			resp, _ := e.call("textDocument/documentHighlight", at(uri, line, char))
			for _, h := range resp["result"].([]any) {
				h := h.(map[string]any)
				fmt.Fprintf(&out, "%s %s\n", spanText(src, h["range"]), map[float64]string{2: "read", 3: "write"}[h["kind"].(float64)])
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

// TestQuickFixes: a diagnostic with a "did you mean" hint underlines the
// misspelt name exactly, and a code action over it replaces the name with
// the hint's; once applied, the diagnostics are gone.
func TestQuickFixes(t *testing.T) {
	e := startServer(t)
	e.call("initialize", map[string]any{})
	text := "bot b\nconfig { websocket.prot = 1 }\nvar count = 0\nintent hi { \"hi 👋 {place}\" param place: citty }\nentity city { \"Rome\" }\n" +
		"initial state s0 {\n    reply \"👋 {cuont}\"\n    on hi -> s1\n}\nstate s1 { go s00 }\n"
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "text": text, "version": 1}})
	got := e.diagnostics()
	want := []string{
		`1:9-1:23 2 unknown config key "websocket.prot"; it is ignored (did you mean "websocket.port"?)`,
		`3:41-3:46 1 unknown entity "citty" (did you mean "city"?)`,
		`6:15-6:20 1 unknown variable or parameter "cuont" (did you mean "count"?)`,
		`9:14-9:17 1 unknown state "s00" (did you mean "s0"?)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each fix, asked for over its line, and applied.
	lines := strings.Split(text, "\n")
	for _, c := range []struct {
		line              int
		title, want, rest string
	}{
		{1, `Change to "websocket.port"`, "config { websocket.port = 1 }", ""},
		{3, `Change to "city"`, "intent hi { \"hi 👋 {place}\" param place: city }", ""},
		{6, `Change to "count"`, "    reply \"👋 {count}\"", ""},
		{9, `Change to "s0"`, "state s1 { go s0 }", ""},
	} {
		resp, _ := e.call("textDocument/codeAction", map[string]any{"textDocument": doc(uri),
			"range":   map[string]any{"start": map[string]any{"line": c.line, "character": 0}, "end": map[string]any{"line": c.line, "character": 99}},
			"context": map[string]any{"diagnostics": []any{}}})
		actions := resp["result"].([]any)
		if len(actions) != 1 {
			t.Fatalf("line %d: %d actions: %v", c.line, len(actions), resp)
		}
		a := actions[0].(map[string]any)
		if a["title"] != c.title || a["kind"] != "quickfix" || len(a["diagnostics"].([]any)) != 1 {
			t.Errorf("line %d: %v", c.line, a)
		}
		ed := a["edit"].(map[string]any)["changes"].(map[string]any)[uri].([]any)[0].(map[string]any)
		r := ed["range"].(map[string]any)
		s, en := r["start"].(map[string]any), r["end"].(map[string]any)
		u := utf16.Encode([]rune(lines[c.line]))
		fixed := string(utf16.Decode(u[:int(s["character"].(float64))])) + ed["newText"].(string) + string(utf16.Decode(u[int(en["character"].(float64)):]))
		if fixed != c.want {
			t.Errorf("line %d fixed: %q, want %q", c.line, fixed, c.want)
		}
		lines[c.line] = fixed
	}
	// None when the editor asks for other kinds of actions.
	resp, _ := e.call("textDocument/codeAction", map[string]any{"textDocument": doc(uri),
		"range":   map[string]any{"start": map[string]any{"line": 1, "character": 0}, "end": map[string]any{"line": 9, "character": 0}},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"source.organizeImports"}}})
	if a := resp["result"].([]any); len(a) != 0 {
		t.Errorf("actions of another kind: %v", a)
	}
	// None away from the diagnostics.
	resp, _ = e.call("textDocument/codeAction", map[string]any{"textDocument": doc(uri),
		"range": map[string]any{"start": map[string]any{"line": 2, "character": 0}, "end": map[string]any{"line": 2, "character": 5}}})
	if a := resp["result"].([]any); len(a) != 0 {
		t.Errorf("actions on a line without a hint: %v", a)
	}
	e.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2}, "contentChanges": []any{map[string]any{"text": strings.Join(lines, "\n")}}})
	if got := e.diagnostics(); len(got) != 0 {
		t.Errorf("after the fixes: %q", got)
	}
}

// TestRenameProtocol: prepareRename gives the name's range or why it
// cannot be renamed; an editor that takes documentChanges gets them, with
// the document's version.
func TestRenameProtocol(t *testing.T) {
	e := startServer(t)
	resp, _ := e.call("initialize", map[string]any{"capabilities": map[string]any{
		"workspace":    map[string]any{"workspaceEdit": map[string]any{"documentChanges": true}},
		"textDocument": map[string]any{"rename": map[string]any{"prepareSupport": true}},
	}})
	caps := resp["result"].(map[string]any)["capabilities"].(map[string]any)
	if fmt.Sprint(caps["renameProvider"]) != "map[prepareProvider:true]" || caps["referencesProvider"] != true || caps["semanticTokensProvider"] == nil {
		t.Errorf("capabilities: %v", caps)
	}
	text := "bot b\nintent hi { \"hi\" }\ninitial state s0 {\n    reply \"é {len(message)}\"\n    on hi -> s0\n}\n"
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "text": text, "version": 7}})
	e.diagnostics()

	resp, _ = e.call("textDocument/prepareRename", at(uri, 4, 14)) // the end of s0
	r, _ := resp["result"].(map[string]any)
	if r == nil || r["placeholder"] != "s0" || spanText(text, r["range"]) != "4:13-4:15 s0" {
		t.Errorf("prepareRename of s0: %v", resp)
	}
	for _, c := range []struct {
		line, char int
		want       string
	}{
		{3, 19, `"message" is built into the language: it cannot be renamed`},
		{3, 15, `"len" is built into the language: it cannot be renamed`},
		{0, 1, "there is no name here"},
	} {
		resp, _ := e.call("textDocument/prepareRename", at(uri, c.line, c.char))
		if msg, _ := resp["error"].(map[string]any)["message"].(string); msg != c.want {
			t.Errorf("prepareRename at %d:%d: %v, want %q", c.line, c.char, resp, c.want)
		}
	}
	resp, _ = e.call("textDocument/rename", map[string]any{"textDocument": doc(uri), "position": map[string]any{"line": 1, "character": 8}, "newName": "hello"})
	dc := resp["result"].(map[string]any)["documentChanges"].([]any)[0].(map[string]any)
	if td := dc["textDocument"].(map[string]any); td["uri"] != uri || td["version"] != 7.0 || len(dc["edits"].([]any)) != 2 {
		t.Errorf("rename with documentChanges: %v", resp)
	}
	resp, _ = e.call("textDocument/references", map[string]any{"textDocument": doc(uri), "position": map[string]any{"line": 4, "character": 8}, "context": map[string]any{"includeDeclaration": false}})
	if refs := resp["result"].([]any); len(refs) != 1 || spanText(text, refs[0].(map[string]any)["range"]) != "4:7-4:9 hi" {
		t.Errorf("references without the declaration: %v", resp)
	}
}

// TestRenameHostile: what an editor (or a stranger) may send is answered
// with a clear error, never a panic, and the session goes on.
func TestRenameHostile(t *testing.T) {
	e := startServer(t)
	e.call("initialize", map[string]any{})
	good := "bot b\nvar n = 0\ninitial state s0 {\n    set n = n + 1\n}\n"
	broken := "bot b\nvar n = 0\ninitial state s0 {\n    set n = n +\n"
	// Invalid UTF-8 reaches the server as U+FFFD, which JSON puts in its place.
	invalid := "bot b\nvar n = 0\ninitial state s0 {\n    reply \"\xff\xfe {n}\"\n}\n"
	rename := func(line, char int, name string) string {
		resp, _ := e.call("textDocument/rename", map[string]any{"textDocument": doc(uri), "position": map[string]any{"line": line, "character": char}, "newName": name})
		if resp["error"] != nil {
			return "refused: " + resp["error"].(map[string]any)["message"].(string)
		}
		return fmt.Sprint(len(resp["result"].(map[string]any)["changes"].(map[string]any)[uri].([]any)), " edits")
	}
	open := func(text string) {
		e.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 1}, "contentChanges": []any{map[string]any{"text": text}}})
		e.diagnostics()
	}
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "text": good}})
	e.diagnostics()
	for _, c := range []struct {
		line, char int
		name, want string
	}{
		{1, 4, strings.Repeat("n", 1<<20), "refused: the new name is 1048576 bytes long: a name has at most 200"},
		{1, 4, "n\x00", `refused: "n\x00" is not a name: a name is ASCII letters, digits and _, and does not start with a digit`},
		{1, 4, "", `refused: "" is not a name: a name is ASCII letters, digits and _, and does not start with a digit`},
		{1, 4, "ñ", `refused: "ñ" is not a name: a name is ASCII letters, digits and _, and does not start with a digit`},
		{1, 4, "m", "3 edits"},
		{-1, -1, "m", "refused: there is no name here"},
		{1 << 30, 1 << 30, "m", "refused: there is no name here"},
		{1, 1 << 30, "m", "refused: there is no name here"},
	} {
		if got := rename(c.line, c.char, c.name); got != c.want {
			t.Errorf("rename at %d:%d to %.20q: %s, want %s", c.line, c.char, c.name, got, c.want)
		}
	}
	open(broken)
	if got := rename(1, 4, "m"); got != "refused: the file has syntax errors: fix them first, so that no use of the name is missed" {
		t.Errorf("rename in a file that does not parse: %s", got)
	}
	resp, _ := e.call("textDocument/semanticTokens/full", map[string]any{"textDocument": doc(uri)})
	kinds := map[string]string{}
	for _, tok := range decodeTokens(t, resp["result"].(map[string]any)["data"].([]any)) {
		kinds[fmt.Sprintf("%d:%d", tok.line, tok.char)] = tok.kind
	}
	// Without a syntax tree, a name is coloured by what declares it.
	if kinds["1:4"] != "variable" || kinds["2:14"] != "class" || kinds["3:4"] != "keyword" || kinds["3:12"] != "variable" {
		t.Errorf("tokens of a file that does not parse: %v", kinds)
	}
	open(invalid)
	if got := rename(1, 4, "m"); got != "2 edits" {
		t.Errorf("rename in a file with invalid UTF-8: %s", got)
	}
	resp, _ = e.call("textDocument/semanticTokens/range", map[string]any{"textDocument": doc(uri), "range": map[string]any{"start": map[string]any{"line": 3, "character": 0}, "end": map[string]any{"line": 3, "character": 99}}})
	var got []string
	for _, tok := range decodeTokens(t, resp["result"].(map[string]any)["data"].([]any)) {
		got = append(got, fmt.Sprintf("%d:%d+%d %s", tok.line, tok.char, tok.length, tok.kind))
	}
	if want := "3:4+5 keyword 3:10+5 string 3:15+1 variable 3:16+2 string"; strings.Join(got, " ") != want {
		t.Errorf("tokens of a line with invalid UTF-8: %s, want %s", strings.Join(got, " "), want)
	}
	for _, m := range []string{"textDocument/references", "textDocument/prepareRename", "textDocument/codeAction", "textDocument/semanticTokens/full"} {
		resp, _ := e.call(m, map[string]any{"textDocument": doc("file:///not/open.bot"), "position": map[string]any{"line": 0, "character": 0}})
		if resp["error"] == nil {
			t.Errorf("%s of a document that is not open: %v", m, resp)
		}
	}
}
