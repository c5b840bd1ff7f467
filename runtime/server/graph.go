package server

import (
	"bytes"
	"context"
	"html"
	"net/http"

	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// graphPolicy lets the diagram's page load nothing and run nothing: it is
// one document with its style inline.
const graphPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// serveGraph answers GET /graph with a page that draws the bot's states;
// with ?session_id=, the state that session is in is highlighted. Only
// who knows a session's id, which is what attaches a chat connection to
// it, learns its state. The diagram is laid out once, by the first
// request: anyone may ask for the page, as often as they like.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	current := ""
	if id := r.URL.Query().Get("session_id"); id != "" && badKey(id) == "" {
		current = s.stateOf(id)
	}
	s.drawOnce.Do(func() { s.drawing = s.Graph.WithoutLiterals().Draw() })
	name := html.EscapeString(s.eng.Bot().Name)
	var b bytes.Buffer
	b.WriteString(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>States of ` + name + `</title>
<style>
body{margin:0;padding:16px 20px;font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#111;background:#fafafa}
h1{font-size:18px;margin:0 0 4px}
p{margin:0 0 12px;color:#444;font-size:14px}
.wrap{overflow:auto;background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px}
.wrap svg{max-width:none}
</style>
</head>
<body>
<h1>States of ` + name + `</h1>
`)
	switch {
	case current != "":
		b.WriteString(`<p id="current">Your conversation is in <strong>` + html.EscapeString(current) + `</strong> (highlighted).</p>`)
	default:
		b.WriteString(`<p id="current">Open this page from the bot's chat page to see the state your conversation is in.</p>`)
	}
	b.WriteString("\n<p>Bold: the initial state; blue: reached by a global intent from any state; dashed arrows: taken without a message (go, go back, on error).</p>\n<div class=\"wrap\">\n")
	if err := s.drawing.WriteSVG(&b, current); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b.WriteString("</div>\n</body>\n</html>\n")

	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", graphPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	// The URL holds a session's id: it goes to no other site.
	h.Set("Referrer-Policy", "no-referrer")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b.Bytes())
}

// stateOf returns the state of the session this instance holds under id;
// "" when there is none. It waits for a turn in progress to end. On a
// shared store, the session is read again when another instance wrote it
// since; one this instance does not hold is read from the store.
func (s *Server) stateOf(id string) string {
	s.mu.Lock()
	sess := s.sessions[id]
	s.mu.Unlock()
	if sess == nil {
		return s.storedState(id)
	}
	sess.turn.Lock()
	defer sess.turn.Unlock()
	if sess.es == nil || sess.evicted {
		return ""
	}
	if s.sharing(sess) {
		if err := s.refresh(sess); err != nil {
			s.log.Warn("/graph: the state as this instance holds it: the store does not answer", "session", sess.logID(), "err", err)
		}
	}
	return sess.es.State()
}

// storedState returns the state of the session with id as session.store
// holds it; "" when there is no store, or no such session, or the store
// does not answer.
func (s *Server) storedState(id string) string {
	if s.Store == nil {
		return ""
	}
	var sv *sessionstore.Saved
	err := s.storeCall("load", func(ctx context.Context) (err error) {
		sv, err = s.Store.Load(ctx, id)
		return err
	})
	if err != nil {
		s.log.Warn("/graph: the session's state could not be read from the store", "session", logID(id), "err", err)
		return ""
	}
	if sv == nil {
		return ""
	}
	return sv.Snapshot.State
}
