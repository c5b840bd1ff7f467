package lsp

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/dsl/symbols"
	"github.com/botgen-dev/botgen/dsl/syntax"
)

// codeRequestFailed answers a request that was understood but cannot be
// done: a rename the server refuses.
const codeRequestFailed = -32803

// textEdit is an LSP TextEdit.
type textEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

// location is an LSP Location.
type location struct {
	URI   string   `json:"uri"`
	Range lspRange `json:"range"`
}

// nameAt returns the index of the document at p's URI and the name at p's
// position; a document that does not parse has no index, and the error
// says so.
func (s *Server) nameAt(p positionParams) (*symbols.Index, symbols.Name, []byte, *rpcError) {
	src, rerr := s.doc(p.TextDocument.URI)
	if rerr != nil {
		return nil, symbols.Name{}, nil, rerr
	}
	ix, ok := s.index(p.TextDocument.URI, src)
	if !ok {
		return nil, symbols.Name{}, src, &rpcError{codeRequestFailed, "the file has syntax errors: fix them first, so that no use of the name is missed"}
	}
	line, col := fromPosition(src, p.Position)
	n, ok := ix.At(line, col)
	if !ok {
		return ix, n, src, &rpcError{codeRequestFailed, "there is no name here"}
	}
	return ix, n, src, nil
}

// namesEntry is what is known of a document's names: the syntax tree its
// check parsed (nil: it does not parse), then the index built from it.
type namesEntry struct {
	file *syntax.File
	ix   *symbols.Index
}

// index returns the index of names of the open document at uri, whose
// text is src, built once per change from the tree its check parsed;
// false when it does not parse.
func (s *Server) index(uri string, src []byte) (*symbols.Index, bool) {
	e, found := s.names[uri]
	if !found {
		e.file, _ = syntax.Parse(pathOf(uri), src)
	}
	if e.file == nil {
		s.names[uri] = e
		return nil, false
	}
	if e.ix == nil {
		e.ix = symbols.NamesOf(e.file)
		s.names[uri] = e
	}
	return e.ix, true
}

// positionParams are the parameters of a request about a place.
type positionParams struct {
	TextDocument struct{ URI string } `json:"textDocument"`
	Position     position             `json:"position"`
}

// nameSpan is the range a name is written over.
func nameSpan(lines *lineIndex, n symbols.Name) lspRange {
	return lspRange{lines.position(n.Pos.Line, n.Pos.Col), lines.position(n.Pos.Line, n.Pos.Col+utf8.RuneCountInString(n.Name))}
}

// prepareRename answers whether the name at p can be renamed, and its range.
func (s *Server) prepareRename(p positionParams) (any, *rpcError) {
	ix, n, src, rerr := s.nameAt(p)
	if rerr != nil {
		return nil, rerr
	}
	if err := ix.Renamable(n); err != nil {
		return nil, &rpcError{codeRequestFailed, err.Error()}
	}
	return map[string]any{"range": nameSpan(newLineIndex(src), n), "placeholder": n.Name}, nil
}

type renameParams struct {
	positionParams
	NewName string `json:"newName"`
}

// rename returns the edit that renames the name at p everywhere it is
// written with its meaning, or why it cannot.
func (s *Server) rename(p renameParams) (any, *rpcError) {
	ix, n, src, rerr := s.nameAt(p.positionParams)
	if rerr != nil {
		return nil, rerr
	}
	if err := ix.CheckRename(n, p.NewName); err != nil {
		return nil, &rpcError{codeRequestFailed, err.Error()}
	}
	lines := newLineIndex(src)
	edits := []textEdit{}
	for _, r := range ix.Refs(n) {
		edits = append(edits, textEdit{nameSpan(lines, r), p.NewName})
	}
	return s.workspaceEdit(p.TextDocument.URI, edits), nil
}

// workspaceEdit is a WorkspaceEdit of one document: documentChanges, with
// the document's version, when the editor said it takes them, else changes.
func (s *Server) workspaceEdit(uri string, edits []textEdit) map[string]any {
	if s.documentChanges {
		return map[string]any{"documentChanges": []any{map[string]any{
			"textDocument": map[string]any{"uri": uri, "version": s.versions[uri]},
			"edits":        edits,
		}}}
	}
	return map[string]any{"changes": map[string][]textEdit{uri: edits}}
}

type referenceParams struct {
	positionParams
	Context struct {
		IncludeDeclaration bool `json:"includeDeclaration"`
	} `json:"context"`
}

// references lists where the name at p is written with its meaning; with
// includeDeclaration, its declarations too. A name the language gives (a
// built-in function, a name of the turn) and a Go function have references
// as well; a record's field, a config key and the grammar's words none.
func (s *Server) references(p referenceParams) (any, *rpcError) {
	ix, n, src, rerr := s.nameAt(p.positionParams)
	if rerr != nil {
		if ix != nil {
			return []location{}, nil // no name here: no references
		}
		return nil, rerr
	}
	out := []location{}
	if !hasReferences(n) {
		return out, nil
	}
	lines := newLineIndex(src)
	for _, r := range ix.Refs(n) {
		if r.Decl && !p.Context.IncludeDeclaration {
			continue
		}
		out = append(out, location{p.TextDocument.URI, nameSpan(lines, r)})
	}
	return out, nil
}

// documentHighlight marks the references of the name at p in its document:
// its declarations and sets as written (LSP's Write), its other uses as
// read (Read).
func (s *Server) documentHighlight(p positionParams) (any, *rpcError) {
	ix, n, src, rerr := s.nameAt(p)
	out := []map[string]any{}
	if rerr != nil {
		if ix != nil {
			return out, nil // no name here
		}
		return nil, rerr
	}
	if !hasReferences(n) {
		return out, nil
	}
	lines := newLineIndex(src)
	for _, r := range ix.Refs(n) {
		kind := 2 // Read
		if r.Decl || r.Set {
			kind = 3 // Write
		}
		out = append(out, map[string]any{"range": nameSpan(lines, r), "kind": kind})
	}
	return out, nil
}

// hasReferences reports whether n's spelling says what it means: not so
// for a record's field, a config key, a word of the grammar.
func hasReferences(n symbols.Name) bool {
	switch n.Kind {
	case symbols.Field, symbols.ConfigKey, symbols.ChartType, symbols.ReplyKind:
		return false
	}
	return true
}

// fix is a quick fix of a published diagnostic: its misspelt name replaced
// by the name its hint proposes.
type fix struct {
	diagnostic map[string]any
	edit       textEdit
}

type codeActionParams struct {
	TextDocument struct{ URI string } `json:"textDocument"`
	Range        lspRange             `json:"range"`
	Context      struct {
		Only []string `json:"only"` // the kinds the editor wants; none: any
	} `json:"context"`
}

// codeAction offers, for the "did you mean" hints of the diagnostics
// published for the document that touch the range, the replacement each
// proposes.
func (s *Server) codeAction(p codeActionParams) (any, *rpcError) {
	if _, rerr := s.doc(p.TextDocument.URI); rerr != nil {
		return nil, rerr
	}
	out := []map[string]any{}
	if len(p.Context.Only) > 0 && !slices.ContainsFunc(p.Context.Only, func(k string) bool { return k == "quickfix" || k == "" }) {
		return out, nil
	}
	for _, f := range s.fixes[p.TextDocument.URI] {
		if before(p.Range.End, f.edit.Range.Start) || before(f.edit.Range.End, p.Range.Start) {
			continue
		}
		out = append(out, map[string]any{
			"title":       fmt.Sprintf("Change to %q", f.edit.NewText),
			"kind":        "quickfix",
			"diagnostics": []any{f.diagnostic},
			"isPreferred": true,
			"edit":        s.workspaceEdit(p.TextDocument.URI, []textEdit{f.edit}),
		})
	}
	return out, nil
}

// before reports whether a comes strictly before b.
func before(a, b position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}

// clientCapabilities are the parts of the editor's capabilities the server
// reads.
type clientCapabilities struct {
	Capabilities struct {
		TextDocument struct {
			Rename struct {
				PrepareSupport bool `json:"prepareSupport"`
			} `json:"rename"`
		} `json:"textDocument"`
		Workspace struct {
			WorkspaceEdit struct {
				DocumentChanges bool `json:"documentChanges"`
			} `json:"workspaceEdit"`
		} `json:"workspace"`
	} `json:"capabilities"`
}

// readCapabilities notes what the editor said it supports in initialize.
func (s *Server) readCapabilities(params json.RawMessage) {
	var c clientCapabilities
	if json.Unmarshal(params, &c) == nil {
		s.documentChanges = c.Capabilities.Workspace.WorkspaceEdit.DocumentChanges
		s.prepares = c.Capabilities.TextDocument.Rename.PrepareSupport
	}
}
