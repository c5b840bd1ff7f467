// Package lsp is botgen's language server: it speaks the Language Server
// Protocol over a byte stream (an editor runs `botgen lsp` and talks to it on
// standard input and output) and offers, for .bot files, the checker's
// diagnostics as the text changes, formatting (botgen fmt), going to the
// declaration of a state, intent, entity or variable, hovering over one (its
// declaring line, an intent's sentences, an entity's values), an outline of
// the declarations, completion of names after "->", "go", "on",
// "global" and "param NAME:", renaming a name, listing and highlighting
// its references (edit.go), quick fixes that apply the checker's "did you mean" hints, and
// semantic tokens, the colour of every word (tokens.go).
package lsp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/dsl/assets"
	"github.com/botgen-dev/botgen/dsl/gofuncs"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/symbols"
)

// maxMessage bounds one message's size: a .bot file is small, and a
// length header must not make the server allocate without limit.
const maxMessage = 64 << 20

// Server is one editor session. It handles one message at a time.
type Server struct {
	Version string // reported to the editor in serverInfo

	out  *bufio.Writer
	log  *slog.Logger
	docs map[string][]byte // open documents by URI
	// files keeps the files the documents reference between checks, so
	// that a keystroke does not read and decode them all again.
	files assets.Cache
	// goFuncs keeps the Go functions beside the documents between checks
	// and hovers: a folder whose Go files have not changed is not loaded
	// again.
	goFuncs gofuncs.Cache
	// shutdown is set by the shutdown request; exit then ends Serve.
	shutdown bool
	// versions are the open documents' versions, which an edit of
	// documentChanges names.
	versions map[string]int
	// fixes are the quick fixes of the diagnostics last published for
	// each open document.
	fixes map[string][]fix
	// documentChanges is set when the editor takes a WorkspaceEdit as
	// documentChanges.
	documentChanges bool
	// prepares is set when the editor asks whether a name can be
	// renamed before it asks for the new name.
	prepares bool
	// names keeps the index of names of each open document until it
	// changes: colouring, renaming and references read the same one.
	names map[string]namesEntry
}

// Serve reads messages from r and writes responses and notifications to w
// until the editor sends exit (or r ends). Problems with single messages are
// answered or logged, never fatal. It returns nil after shutdown then exit
// (or the end of r after shutdown), and an error when r fails, ends first,
// or exit comes without shutdown.
func (s *Server) Serve(r io.Reader, w io.Writer, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s.out, s.log = bufio.NewWriter(w), logger
	s.init()
	in := bufio.NewReader(r)
	for {
		body, err := readMessage(in)
		if err != nil {
			if errors.Is(err, io.EOF) && s.shutdown {
				return nil
			}
			var bad *badHeader
			if errors.As(err, &bad) {
				s.log.Warn("bad message header", "err", err)
				continue
			}
			return err
		}
		if done := s.handle(body); done {
			if !s.shutdown {
				return errors.New("exit before shutdown")
			}
			return nil
		}
	}
}

// init makes the server's maps.
func (s *Server) init() {
	s.docs, s.versions, s.fixes, s.names = map[string][]byte{}, map[string]int{}, map[string][]fix{}, map[string]namesEntry{}
}

// badHeader is a message header that could not be read; the stream goes on.
type badHeader struct{ msg string }

func (e *badHeader) Error() string { return e.msg }

// readMessage reads one "Content-Length: N" framed message.
func readMessage(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 || n > maxMessage {
				return nil, &badHeader{fmt.Sprintf("bad Content-Length %q", v)}
			}
			length = n
		}
	}
	if length < 0 {
		return nil, &badHeader{"a message without Content-Length"}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// message is a request or a notification from the editor.
type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
}

// response answers a request: result (null included) or error.
type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result"`
}

type errorResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *rpcError       `json:"error"`
}

// notification is a message to the editor that wants no answer.
type notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// JSON-RPC and LSP error codes.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
)

// handle runs one message; done reports the exit notification.
func (s *Server) handle(body []byte) (done bool) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		s.reply(json.RawMessage("null"), nil, &rpcError{codeParseError, "not JSON: " + err.Error()})
		return false
	}
	isRequest := len(m.ID) > 0 && string(m.ID) != "null"
	if m.Method == "" {
		if isRequest {
			s.reply(m.ID, nil, &rpcError{codeInvalidRequest, "no method"})
		}
		return false // a response to nothing we asked
	}
	if s.shutdown && m.Method != "exit" {
		if isRequest {
			s.reply(m.ID, nil, &rpcError{codeInvalidRequest, "the server is shutting down"})
		}
		return false
	}
	result, rerr := s.dispatch(m.Method, m.Params)
	if m.Method == "exit" {
		return true
	}
	if isRequest {
		s.reply(m.ID, result, rerr)
	} else if rerr != nil && rerr.Code != codeMethodNotFound {
		s.log.Warn("notification failed", "method", m.Method, "err", rerr.Message)
	}
	return false
}

// dispatch runs a method. A nil result with a nil error is JSON null.
func (s *Server) dispatch(method string, params json.RawMessage) (any, *rpcError) {
	h, ok := handlers[method]
	if !ok {
		return nil, &rpcError{codeMethodNotFound, "method not supported: " + method}
	}
	return h(s, params)
}

// handler runs a method on its parameters, as they came.
type handler func(s *Server, params json.RawMessage) (any, *rpcError)

// handlers are the methods the server answers, by name.
var handlers = map[string]handler{
	"initialize":                        (*Server).initialize,
	"initialized":                       ignore,
	"$/cancelRequest":                   ignore,
	"$/setTrace":                        ignore,
	"workspace/didChangeConfiguration":  ignore,
	"shutdown":                          (*Server).shutdownRequest,
	"exit":                              ignore, // handle ends the session
	"textDocument/didOpen":              withParams((*Server).didOpen),
	"textDocument/didChange":            withParams((*Server).didChange),
	"textDocument/didSave":              withParams((*Server).didSave),
	"textDocument/didClose":             withParams((*Server).didClose),
	"textDocument/formatting":           withParams((*Server).formatting),
	"textDocument/documentSymbol":       withParams((*Server).documentSymbol),
	"textDocument/definition":           atPlace((*Server).definition),
	"textDocument/hover":                atPlace((*Server).hover),
	"textDocument/completion":           atPlace(func(_ *Server, p place) any { return completion(p) }),
	"textDocument/prepareRename":        withParams((*Server).prepareRename),
	"textDocument/rename":               withParams((*Server).rename),
	"textDocument/references":           withParams((*Server).references),
	"textDocument/documentHighlight":    withParams((*Server).documentHighlight),
	"textDocument/codeAction":           withParams((*Server).codeAction),
	"textDocument/semanticTokens/full":  withParams((*Server).semanticTokensFull),
	"textDocument/semanticTokens/range": withParams((*Server).semanticTokensRange),
}

// withParams decodes the parameters into a P for h.
func withParams[P any](h func(*Server, P) (any, *rpcError)) handler {
	return func(s *Server, params json.RawMessage) (any, *rpcError) {
		var p P
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, &rpcError{codeInvalidParams, err.Error()}
		}
		return h(s, p)
	}
}

// ignore answers a method that needs nothing done.
func ignore(*Server, json.RawMessage) (any, *rpcError) { return nil, nil }

func (s *Server) initialize(params json.RawMessage) (any, *rpcError) {
	s.readCapabilities(params)
	var renameProvider any = true // an editor that does not prepare may not be told of it
	if s.prepares {
		renameProvider = map[string]any{"prepareProvider": true}
	}
	return map[string]any{
		"capabilities": map[string]any{
			"textDocumentSync":           map[string]any{"openClose": true, "change": 1, "save": true},
			"documentFormattingProvider": true,
			"definitionProvider":         true,
			"hoverProvider":              true,
			"documentSymbolProvider":     true,
			"completionProvider":         map[string]any{"triggerCharacters": []string{">", ":", " "}},
			"renameProvider":             renameProvider,
			"referencesProvider":         true,
			"documentHighlightProvider":  true,
			"codeActionProvider":         map[string]any{"codeActionKinds": []string{"quickfix"}},
			"semanticTokensProvider": map[string]any{
				"legend": map[string]any{"tokenTypes": tokenTypes, "tokenModifiers": tokenModifiers},
				"full":   true,
				"range":  true,
			},
		},
		"serverInfo": map[string]any{"name": "botgen", "version": s.Version},
	}, nil
}

func (s *Server) shutdownRequest(json.RawMessage) (any, *rpcError) {
	s.shutdown = true
	return nil, nil
}

type openParams struct {
	TextDocument struct {
		URI     string `json:"uri"`
		Text    string `json:"text"`
		Version int    `json:"version"`
	} `json:"textDocument"`
}

func (s *Server) didOpen(p openParams) (any, *rpcError) {
	s.docs[p.TextDocument.URI] = []byte(p.TextDocument.Text)
	s.versions[p.TextDocument.URI] = p.TextDocument.Version
	delete(s.names, p.TextDocument.URI)
	s.publish(p.TextDocument.URI)
	return nil, nil
}

type changeParams struct {
	TextDocument struct {
		URI     string `json:"uri"`
		Version int    `json:"version"`
	} `json:"textDocument"`
	ContentChanges []struct {
		Range *json.RawMessage `json:"range"`
		Text  string           `json:"text"`
	} `json:"contentChanges"`
}

func (s *Server) didChange(p changeParams) (any, *rpcError) {
	// Full synchronisation: the last change holds the whole text.
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			s.docs[p.TextDocument.URI] = []byte(c.Text)
			delete(s.names, p.TextDocument.URI)
		}
	}
	s.versions[p.TextDocument.URI] = p.TextDocument.Version
	s.publish(p.TextDocument.URI)
	return nil, nil
}

func (s *Server) didSave(p docParams) (any, *rpcError) {
	s.publish(p.TextDocument.URI) // referenced files may have changed
	return nil, nil
}

func (s *Server) didClose(p docParams) (any, *rpcError) {
	delete(s.docs, p.TextDocument.URI)
	delete(s.versions, p.TextDocument.URI)
	delete(s.fixes, p.TextDocument.URI)
	delete(s.names, p.TextDocument.URI)
	s.notify("textDocument/publishDiagnostics", map[string]any{"uri": p.TextDocument.URI, "diagnostics": []any{}})
	return nil, nil
}

func (s *Server) formatting(p docParams) (any, *rpcError) {
	return s.format(p.TextDocument.URI)
}

func (s *Server) documentSymbol(p docParams) (any, *rpcError) {
	src, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	return documentSymbols(pathOf(p.TextDocument.URI), src), nil
}

// doc returns the text of the open document at uri.
func (s *Server) doc(uri string) ([]byte, *rpcError) {
	src, ok := s.docs[uri]
	if !ok {
		return nil, &rpcError{codeInvalidParams, "document not open: " + uri}
	}
	return src, nil
}

// place is a position in an open document, as the queries about names take
// it: line and col are 1-based, col in runes.
type place struct {
	uri, path string
	src       []byte
	line, col int
}

// atPlace answers a query about the place in an open document that the
// parameters name.
func atPlace(query func(*Server, place) any) handler {
	return withParams(func(s *Server, p struct {
		TextDocument struct{ URI string } `json:"textDocument"`
		Position     position             `json:"position"`
	}) (any, *rpcError) {
		src, err := s.doc(p.TextDocument.URI)
		if err != nil {
			return nil, err
		}
		line, col := fromPosition(src, p.Position)
		return query(s, place{p.TextDocument.URI, pathOf(p.TextDocument.URI), src, line, col}), nil
	})
}

// docParams are the parameters of a method about a whole document.
type docParams struct {
	TextDocument struct{ URI string } `json:"textDocument"`
}

// position is an LSP position: a 0-based line and a 0-based offset in UTF-16
// code units.
type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

// lineText returns line n (1-based) of src, without its line break.
func lineText(src []byte, n int) string {
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[n-1], "\r")
}

// fromPosition converts an LSP position to a 1-based line and rune column.
func fromPosition(src []byte, p position) (line, col int) {
	text := []rune(lineText(src, p.Line+1))
	units := 0
	for i, r := range text {
		if units >= p.Character {
			return p.Line + 1, i + 1
		}
		units += utf16.RuneLen(r)
	}
	return p.Line + 1, len(text) + 1
}

// wordEnd returns the rune column just past the word that starts at line:col,
// so that a diagnostic underlines the word it is about (at least one rune).
// It reads from col on, not from the line's start: a line may have many
// diagnostics.
func wordEnd(lines *lineIndex, line, col int) int {
	from, _ := lines.offsets(line, col)
	rest := lines.text(line)[from:]
	if col < 1 || rest == "" {
		return col + 1
	}
	isWord := func(r rune) bool {
		return r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > utf8.RuneSelf
	}
	if rest[0] == '"' { // a string: to its closing quote on this line
		k, escaped := 1, false // k: the runes read from col
		for _, r := range rest[1:] {
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				return col + k + 1
			}
			k++
		}
		return col + k
	}
	k := 0
	for _, r := range rest {
		if !isWord(r) {
			break
		}
		k++
	}
	return col + max(k, 1)
}

// pathOf returns the file path of a file: URI (the URI itself otherwise).
func pathOf(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return uri
	}
	return filepath.FromSlash(u.Path)
}

// publish sends the diagnostics of the document at uri.
func (s *Server) publish(uri string) {
	src, ok := s.docs[uri]
	if !ok {
		return
	}
	path := pathOf(uri)
	file, diags := dsl.Parse(path, src)
	s.names[uri] = namesEntry{file: file} // the index of names is built from this tree when asked for
	if file != nil {
		_, diags = dsl.Check(file, src, dsl.CheckOptions{Dir: filepath.Dir(path), ValidateOnly: true, Cache: &s.files, GoCache: &s.goFuncs})
	}
	out := []map[string]any{}
	var fixes []fix
	lines := newLineIndex(src)
	for _, d := range diags {
		pos := d.Pos
		if pos.File != path { // about another file: shown at the top
			pos = ir.Pos{Line: 1, Col: 1}
		}
		severity := 1
		if d.Severity == dsl.Warning {
			severity = 2
		}
		r := lspRange{lines.position(pos.Line, pos.Col), lines.position(pos.Line, wordEnd(lines, pos.Line, pos.Col))}
		// A hint's replacement is offered only where the misspelt name
		// is written as the checker read it; the diagnostic then
		// underlines that name exactly.
		var replace *textEdit
		if f := d.Fix; f != nil && f.Pos == d.Pos && pos == d.Pos && lines.writtenAt(f.Pos.Line, f.Pos.Col, f.Old) {
			r = lspRange{r.Start, lines.position(pos.Line, pos.Col+utf8.RuneCountInString(f.Old))}
			replace = &textEdit{r, f.New}
		}
		lspDiag := map[string]any{
			"range":    r,
			"severity": severity,
			"source":   "botgen",
			"message":  d.Message,
		}
		out = append(out, lspDiag)
		if replace != nil {
			fixes = append(fixes, fix{lspDiag, *replace})
		}
	}
	s.fixes[uri] = fixes
	s.notify("textDocument/publishDiagnostics", map[string]any{"uri": uri, "diagnostics": out})
}

// format returns the edit that lays the document out as botgen fmt does:
// none when it already is, or when it does not parse (its diagnostics say
// why).
func (s *Server) format(uri string) (any, *rpcError) {
	src, err := s.doc(uri)
	if err != nil {
		return nil, err
	}
	out, diags := dsl.Format(pathOf(uri), src)
	if diags.HasErrors() || string(out) == string(src) {
		return []any{}, nil
	}
	lines := strings.Count(string(src), "\n")
	end := position{Line: lines + 1, Character: 0} // past the end: the whole text
	return []map[string]any{{"range": lspRange{position{}, end}, "newText": string(out)}}, nil
}

// declarationAt returns the declaration of the name at line:col: one of the
// kind the name's place calls for, else one of another kind.
func declarationAt(path string, src []byte, line, col int) (symbols.Symbol, bool) {
	ref, ok := symbols.ReferenceAt(path, src, line, col)
	if !ok {
		return symbols.Symbol{}, false
	}
	decls := symbols.Declarations(path, src)
	for _, sameKind := range []bool{true, false} {
		for _, d := range decls {
			if d.Name == ref.Name && (d.Kind == ref.Kind || !sameKind) {
				return d, true
			}
		}
	}
	return symbols.Symbol{}, false
}

// nameRange is the range of a declared name.
func nameRange(lines *lineIndex, d symbols.Symbol) lspRange {
	return lspRange{lines.position(d.Pos.Line, d.Pos.Col), lines.position(d.Pos.Line, d.Pos.Col+utf8.RuneCountInString(d.Name))}
}

// definition returns the location of the declaration of the name at p, in
// the document or, for a Go function the bot calls, in its .go file; or nil.
func (s *Server) definition(p place) any {
	// A file that parses knows what each name means (a loop's variable
	// hides a variable of its name); one being written is read by its words.
	if ix, ok := s.index(p.uri, p.src); ok {
		if n, ok := ix.At(p.line, p.col); ok && n.Kind != symbols.Function {
			for _, r := range ix.Refs(n) {
				if r.Decl {
					return map[string]any{"uri": p.uri, "range": nameSpan(newLineIndex(p.src), r)}
				}
			}
		}
	}
	if d, ok := declarationAt(p.path, p.src, p.line, p.col); ok {
		return map[string]any{"uri": p.uri, "range": nameRange(newLineIndex(p.src), d)}
	}
	if f, ok := s.goFunc(p); ok {
		src, err := os.ReadFile(f.Pos.File)
		if err != nil {
			return nil
		}
		lines := newLineIndex(src)
		line := lines.text(f.Pos.Line)
		col := utf8.RuneCountInString(line[:min(max(f.Pos.Col-1, 0), len(line))]) + 1 // Go's columns count bytes
		end := col + utf8.RuneCountInString("func ")
		if i := strings.Index(line, f.Name); i >= 0 {
			col = utf8.RuneCountInString(line[:i]) + 1
			end = col + utf8.RuneCountInString(f.Name)
		}
		return map[string]any{"uri": "file://" + filepath.ToSlash(f.Pos.File), "range": lspRange{lines.position(f.Pos.Line, col), lines.position(f.Pos.Line, end)}}
	}
	return nil
}

// hover describes the declaration of the name at p (for a Go function, its
// signature and doc comment), or nil.
func (s *Server) hover(p place) any {
	var text string
	if d, ok := declarationAt(p.path, p.src, p.line, p.col); ok {
		text = "```botgen\n" + symbols.Summary(p.path, p.src, d) + "\n```"
	} else if f, ok := s.goFunc(p); ok {
		text = "```go\n" + f.Signature + "\n```"
		if doc := strings.TrimSpace(f.Doc); doc != "" {
			text += "\n\n" + doc
		}
		if !f.Callable() {
			text += "\n\nA bot cannot call it: " + strings.Join(f.Reasons(), "; ")
		}
	} else {
		return nil
	}
	return map[string]any{"contents": map[string]any{"kind": "markdown", "value": text}}
}

// goFunc returns the Go function beside the document named at p.
func (s *Server) goFunc(p place) (*gofuncs.Func, bool) {
	ref, ok := symbols.ReferenceAt(p.path, p.src, p.line, p.col)
	if !ok || p.path == "" {
		return nil, false
	}
	pkg, _ := gofuncs.Load(filepath.Dir(p.path), gofuncs.Options{Cache: &s.goFuncs})
	if pkg == nil {
		return nil, false
	}
	return pkg.Func(ref.Name)
}

// LSP symbol kinds of the declarations.
var symbolKinds = map[symbols.Kind]int{
	symbols.State:    5,  // Class
	symbols.Intent:   24, // Event
	symbols.Entity:   10, // Enum
	symbols.Variable: 13, // Variable
}

// documentSymbols lists the declarations, for an editor's outline.
func documentSymbols(path string, src []byte) []map[string]any {
	out := []map[string]any{}
	lines := newLineIndex(src)
	for _, d := range symbols.Declarations(path, src) {
		r := nameRange(lines, d)
		out = append(out, map[string]any{"name": d.Name, "detail": d.Kind.String(), "kind": symbolKinds[d.Kind], "range": r, "selectionRange": r})
	}
	return out
}

// LSP completion item kinds.
var completionKinds = map[symbols.Kind]int{
	symbols.State:    7,  // Class
	symbols.Intent:   3,  // Function
	symbols.Entity:   22, // Struct
	symbols.Variable: 6,  // Variable
}

// completion returns the names that fit at p.
func completion(p place) any {
	kind, names := symbols.CompletionsAt(p.path, p.src, p.line, p.col)
	items := []map[string]any{}
	for _, n := range names {
		k, detail := completionKinds[kind], kind.String()
		if kind == symbols.Intent && n == "file" {
			k, detail = 14, "a file received" // Keyword: "on file"
		}
		items = append(items, map[string]any{"label": n, "kind": k, "detail": detail})
	}
	return map[string]any{"isIncomplete": false, "items": items}
}

// reply sends a response.
func (s *Server) reply(id json.RawMessage, result any, rerr *rpcError) {
	if rerr != nil {
		s.write(errorResponse{JSONRPC: "2.0", ID: id, Error: rerr})
		return
	}
	s.write(response{JSONRPC: "2.0", ID: id, Result: result})
}

// notify sends a notification.
func (s *Server) notify(method string, params any) {
	s.write(notification{JSONRPC: "2.0", Method: method, Params: params})
}

func (s *Server) write(m any) {
	b, err := json.Marshal(m)
	if err != nil {
		s.log.Error("message not sent", "err", err)
		return
	}
	fmt.Fprintf(s.out, "Content-Length: %d\r\n\r\n", len(b))
	s.out.Write(b)
	if err := s.out.Flush(); err != nil {
		s.log.Error("cannot write to the editor", "err", err)
	}
}
