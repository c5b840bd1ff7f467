package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// editor is the test's side of a language server session.
type editor struct {
	t    *testing.T
	in   io.WriteCloser
	out  *bufio.Reader
	done chan error
	id   int
}

func startServer(t *testing.T) *editor {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	e := &editor{t: t, in: inW, out: bufio.NewReader(outR), done: make(chan error, 1)}
	go func() {
		err := (&Server{Version: "test"}).Serve(inR, outW, nil)
		outW.Close()
		e.done <- err
	}()
	t.Cleanup(func() { inW.Close() })
	return e
}

func (e *editor) sendRaw(b []byte) {
	e.t.Helper()
	if _, err := fmt.Fprintf(e.in, "Content-Length: %d\r\n\r\n%s", len(b), b); err != nil {
		e.t.Fatal(err)
	}
}

func (e *editor) notify(method string, params any) {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	e.sendRaw(b)
}

// call sends a request and returns the raw message that answers it,
// skipping notifications (which it returns separately).
func (e *editor) call(method string, params any) (resp map[string]any, notes []map[string]any) {
	e.t.Helper()
	e.id++
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": e.id, "method": method, "params": params})
	e.sendRaw(b)
	for {
		m := e.read()
		if _, ok := m["method"]; ok {
			notes = append(notes, m)
			continue
		}
		if id, _ := m["id"].(float64); int(id) != e.id {
			e.t.Fatalf("response to %v, want %d: %v", m["id"], e.id, m)
		}
		return m, notes
	}
}

// read reads one message from the server (5 s at most).
func (e *editor) read() map[string]any {
	e.t.Helper()
	type res struct {
		m   map[string]any
		err error
	}
	ch := make(chan res, 1)
	go func() {
		length := -1
		for {
			line, err := e.out.ReadString('\n')
			if err != nil {
				ch <- res{err: err}
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			fmt.Sscanf(line, "Content-Length: %d", &length)
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(e.out, body); err != nil {
			ch <- res{err: err}
			return
		}
		var m map[string]any
		ch <- res{m: m, err: json.Unmarshal(body, &m)}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			e.t.Fatalf("read: %v", r.err)
		}
		return r.m
	case <-time.After(30 * time.Second):
		e.t.Fatal("no message from the server within 30 s")
	}
	return nil
}

// diagnostics waits for the next publishDiagnostics and returns its
// diagnostics as "line:char-line:char severity message".
func (e *editor) diagnostics() []string {
	e.t.Helper()
	m := e.read()
	if m["method"] != "textDocument/publishDiagnostics" {
		e.t.Fatalf("got %v, want diagnostics", m)
	}
	return formatDiags(m)
}

func formatDiags(m map[string]any) []string {
	var out []string
	for _, d := range m["params"].(map[string]any)["diagnostics"].([]any) {
		d := d.(map[string]any)
		r := d["range"].(map[string]any)
		s, en := r["start"].(map[string]any), r["end"].(map[string]any)
		out = append(out, fmt.Sprintf("%v:%v-%v:%v %v %v", s["line"], s["character"], en["line"], en["character"], d["severity"], d["message"]))
	}
	return out
}

func doc(uri string) map[string]any { return map[string]any{"uri": uri} }

func at(uri string, line, char int) map[string]any {
	return map[string]any{"textDocument": doc(uri), "position": map[string]any{"line": line, "character": char}}
}

const uri = "file:///work/bots/b.bot"

func TestSession(t *testing.T) {
	e := startServer(t)
	resp, _ := e.call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}})
	caps := resp["result"].(map[string]any)["capabilities"].(map[string]any)
	// An editor that does not say it prepares renames is not told it may.
	if caps["documentFormattingProvider"] != true || caps["definitionProvider"] != true || caps["completionProvider"] == nil || caps["renameProvider"] != true {
		t.Fatalf("capabilities: %v", caps)
	}
	e.notify("initialized", map[string]any{})

	// An error after a non-ASCII character: positions are in UTF-16 units.
	text := "bot b\nintent hi { \"hi 👋\" }\ninitial state s0 {\n    reply \"👋\" on hi -> nowhere\n}\n"
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "botgen", "version": 1, "text": text}})
	got := e.diagnostics()
	// "nowhere" starts at rune 23 of its line, UTF-16 unit 24 (👋 takes two).
	want := []string{`3:24-3:31 1 unknown state "nowhere"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A change that fixes it, and writes it untidily.
	text = "bot b\nintent hi{\"hi\"}\ninitial state s0 {\non hi->s1\n}\nstate s1 { go s0 }\n"
	e.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2}, "contentChanges": []any{map[string]any{"text": text}}})
	if got := e.diagnostics(); len(got) != 0 {
		t.Errorf("diagnostics after the fix: %q", got)
	}

	resp, _ = e.call("textDocument/formatting", map[string]any{"textDocument": doc(uri), "options": map[string]any{"tabSize": 4, "insertSpaces": true}})
	edits := resp["result"].([]any)
	if len(edits) != 1 || edits[0].(map[string]any)["newText"] != "bot b\nintent hi { \"hi\" }\ninitial state s0 {\n    on hi -> s1\n}\nstate s1 { go s0 }\n" {
		t.Errorf("formatting: %v", resp)
	}

	resp, _ = e.call("textDocument/definition", at(uri, 3, 8)) // s1 in "on hi->s1"
	loc := resp["result"].(map[string]any)
	if r := loc["range"].(map[string]any)["start"].(map[string]any); loc["uri"] != uri || r["line"] != 5.0 || r["character"] != 6.0 {
		t.Errorf("definition of s1: %v", loc)
	}
	resp, _ = e.call("textDocument/definition", at(uri, 0, 1)) // "bot": nothing to go to
	if resp["result"] != nil {
		t.Errorf("definition of a keyword: %v", resp)
	}

	resp, _ = e.call("textDocument/completion", at(uri, 5, 14)) // after "go "
	var labels []string
	for _, it := range resp["result"].(map[string]any)["items"].([]any) {
		labels = append(labels, it.(map[string]any)["label"].(string))
	}
	if strings.Join(labels, " ") != "s0 s1" {
		t.Errorf("completion after go: %q", labels)
	}

	resp, _ = e.call("textDocument/hover", at(uri, 3, 4)) // "hi" in "on hi->s1"
	if v := resp["result"].(map[string]any)["contents"].(map[string]any)["value"]; v != "```botgen\nintent hi{\"hi\"}\n\"hi\"\n```" {
		t.Errorf("hover over an intent: %q", v)
	}
	resp, _ = e.call("textDocument/documentSymbol", map[string]any{"textDocument": doc(uri)})
	var outline []string
	for _, sym := range resp["result"].([]any) {
		sym := sym.(map[string]any)
		outline = append(outline, fmt.Sprintf("%v %v %v", sym["detail"], sym["name"], sym["kind"]))
	}
	if got := strings.Join(outline, ", "); got != "intent hi 24, state s0 5, state s1 5" {
		t.Errorf("outline: %s", got)
	}
	resp, _ = e.call("textDocument/typeDefinition", at(uri, 0, 0))
	if code := resp["error"].(map[string]any)["code"]; code != -32601.0 {
		t.Errorf("an unsupported method: %v", resp)
	}
	resp, _ = e.call("textDocument/definition", at("file:///not/open.bot", 0, 0))
	if resp["error"] == nil {
		t.Errorf("a document that is not open: %v", resp)
	}

	// Bad input is answered, and the session goes on.
	e.sendRaw([]byte("{not json"))
	if m := e.read(); m["error"].(map[string]any)["code"] != -32700.0 || m["id"] != nil {
		t.Errorf("bad JSON: %v", m)
	}
	fmt.Fprint(e.in, "Content-Length: nine\r\n\r\n")
	e.notify("textDocument/didClose", map[string]any{"textDocument": doc(uri)})
	if got := e.diagnostics(); len(got) != 0 {
		t.Errorf("closing clears the diagnostics: %q", got)
	}

	resp, _ = e.call("shutdown", nil)
	if _, ok := resp["result"]; !ok || resp["result"] != nil {
		t.Errorf("shutdown: %v", resp)
	}
	resp, _ = e.call("textDocument/formatting", map[string]any{"textDocument": doc(uri)})
	if resp["error"] == nil {
		t.Errorf("a request after shutdown: %v", resp)
	}
	e.notify("exit", nil)
	select {
	case err := <-e.done:
		if err != nil {
			t.Errorf("Serve after shutdown and exit: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after exit")
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	e := startServer(t)
	e.notify("exit", nil)
	if err := <-e.done; err == nil {
		t.Error("exit without shutdown returned no error")
	}
}

// TestDiagnosticsOfReferencedFiles: a document's referenced files are read
// from beside it on disk, and checked as a build checks them: an image
// whose pixels do not decode is reported, until it is saved whole.
func TestDiagnosticsOfReferencedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewGray(image.Rect(0, 0, 32, 32))); err != nil {
		t.Fatal(err)
	}
	write("t.csv", []byte("a,b\n1,2\n"))
	write("logo.png", logo.Bytes()[:logo.Len()/2])
	e := startServer(t)
	e.call("initialize", map[string]any{})
	u := "file://" + filepath.ToSlash(filepath.Join(dir, "r.bot"))
	text := "bot b\ninitial state s0 {\n    reply table \"t.csv\"\n    reply image \"missing.png\"\n    reply image \"logo.png\"\n}\n"
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": u, "text": text}})
	// The table's file is found; one image is not, the other is broken.
	got := strings.Join(e.diagnostics(), "\n")
	if !strings.Contains(got, `3:16-3:29 1 file "missing.png" not found`) || strings.Contains(got, "t.csv") ||
		!strings.Contains(got, `4:16-4:26 1 cannot use "logo.png" as an image: cannot decode:`) {
		t.Errorf("diagnostics:\n%s", got)
	}
	write("logo.png", logo.Bytes())
	e.notify("textDocument/didSave", map[string]any{"textDocument": doc(u)})
	if got := strings.Join(e.diagnostics(), "\n"); strings.Contains(got, "logo.png") {
		t.Errorf("after the image is saved whole:\n%s", got)
	}
}

// A document nested too deeply, or too large, is answered with a diagnostic,
// and the server goes on answering: two megabytes of "-" crashed it.
func TestHostileDocuments(t *testing.T) {
	e := startServer(t)
	e.call("initialize", map[string]any{})
	deep := "bot b\ninitial state s {\n    set x = " + strings.Repeat("-", 20_000) + "1\n}\n"
	huge := "bot b\ninitial state s {\n    set x = " + strings.Repeat("-", 2<<20) + "1\n}\n"
	long := "bot b\ninitial state s {\n    reply \"" + strings.Repeat("a", 4<<20) + "\"\n}\n"
	cases := []struct{ text, want string }{
		{deep, "2:211-2:212 1 syntax error: nesting deeper than 200 levels"},
		{huge, fmt.Sprintf("0:0-0:3 1 the file is %d bytes, larger than the limit of 1048576 bytes (--max-source-size)", len(huge))},
		{long, fmt.Sprintf("0:0-0:3 1 the file is %d bytes, larger than the limit of 1048576 bytes (--max-source-size)", len(long))},
	}
	for i, c := range cases {
		start := time.Now()
		e.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": i}, "contentChanges": []any{map[string]any{"text": c.text}}})
		if got := strings.Join(e.diagnostics(), "\n"); got != c.want {
			t.Errorf("diagnostics:\n%s\nwant\n%s", got, c.want)
		}
		for _, m := range []string{"textDocument/hover", "textDocument/completion", "textDocument/definition"} {
			if resp, _ := e.call(m, at(uri, 2, 12)); resp["error"] != nil {
				t.Errorf("%s: %v", m, resp)
			}
		}
		if resp, _ := e.call("textDocument/formatting", map[string]any{"textDocument": doc(uri)}); len(resp["result"].([]any)) != 0 {
			t.Errorf("formatting a document with errors: %v", resp)
		}
		if resp, _ := e.call("textDocument/documentSymbol", map[string]any{"textDocument": doc(uri)}); resp["error"] != nil {
			t.Errorf("documentSymbol: %v", resp)
		}
		if resp, _ := e.call("textDocument/semanticTokens/full", map[string]any{"textDocument": doc(uri)}); resp["error"] != nil {
			t.Errorf("semantic tokens: %v", resp)
		}
		t.Logf("document %d (%d bytes): answered in %v", i, len(c.text), time.Since(start))
	}
	// A good document after them is checked as ever.
	e.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 9}, "contentChanges": []any{map[string]any{"text": "bot b\ninitial state s { go nowhere }\n"}}})
	if got := strings.Join(e.diagnostics(), "\n"); !strings.Contains(got, `unknown state "nowhere"`) {
		t.Errorf("diagnostics of a good document: %s", got)
	}
}

// A Go function the bot calls: hovering shows its signature and doc
// comment, and going to its definition opens its .go file at its name.
func TestGoFunctions(t *testing.T) {
	dir := t.TempDir()
	goSrc := "package main\n\n// Coords is a place.\ntype Coords struct {\n\tLat float64 `json:\"lat\"`\n}\n\n// locate finds the coordinates of a city (día).\nfunc locate(city string) (Coords, error) { return Coords{}, nil }\n\nfunc ch(c chan int) string { return \"\" }\n"
	if err := os.WriteFile(filepath.Join(dir, "geo.go"), []byte(goSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	u := "file://" + filepath.ToSlash(filepath.Join(dir, "w.bot"))
	text := "bot w\ninitial state s {\n    set where = locate(\"x\")\n    set y = ch(1)\n}\n"
	e := startServer(t)
	e.call("initialize", map[string]any{"capabilities": map[string]any{}})
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": u, "text": text}})
	e.diagnostics()

	resp, _ := e.call("textDocument/hover", at(u, 2, 17)) // locate
	want := "```go\nfunc locate(city string) (Coords, error)\n```\n\nlocate finds the coordinates of a city (día)."
	if v := resp["result"].(map[string]any)["contents"].(map[string]any)["value"]; v != want {
		t.Errorf("hover over locate: %q, want %q", v, want)
	}
	resp, _ = e.call("textDocument/hover", at(u, 3, 13)) // ch
	if v, _ := resp["result"].(map[string]any)["contents"].(map[string]any)["value"].(string); !strings.Contains(v, "A bot cannot call it: ") || !strings.Contains(v, "chan int") {
		t.Errorf("hover over a function a bot cannot call: %q", v)
	}
	resp, _ = e.call("textDocument/definition", at(u, 2, 17))
	loc, _ := resp["result"].(map[string]any)
	wantURI := "file://" + filepath.ToSlash(filepath.Join(dir, "geo.go"))
	if loc == nil || loc["uri"] != wantURI {
		t.Fatalf("definition of locate: %v", resp)
	}
	r := loc["range"].(map[string]any)
	if s, e := r["start"].(map[string]any), r["end"].(map[string]any); s["line"] != 8.0 || s["character"] != 5.0 || e["character"] != 11.0 {
		t.Errorf("definition range %v, want line 8, characters 5 to 11", r)
	}
}
