package server

import (
	"slices"
	"time"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/protocol"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// What the server does for a bot that asks a language model: it gives each
// session's model the conversation so far from the session's history, and
// streams the text of `reply llm` to the connections that asked (stream=1)
// as the model writes it. Every other client gets only the whole reply, in
// its usual frame, when the turn ends.

// StreamKind is the reply kind of the frames that carry a streamed reply's
// text as it is written: bot_reply_stream in bbf, agent_reply_stream in
// baf, with as message {"id": n, "delta": "..."}; id numbers the streamed
// replies of the session, from 1. They preview the reply: it arrives
// whole, in its usual frame, with the turn's other replies.
const StreamKind = "stream"

// streamDelta is the message of a stream frame.
type streamDelta struct {
	ID    int    `json:"id"`
	Delta string `json:"delta"`
}

// streamKey names a streamed reply: its turn (session.turnSeq) and id.
type streamKey struct {
	turn uint64
	id   int
}

// wireModel connects a session's model to its history and connections,
// when the bot asks a model.
func (s *Server) wireModel(sess *session) {
	if !s.eng.AsksModel() {
		return
	}
	sess.es.SetTranscript(func(turns int) []engine.Said { return sess.transcript(turns) })
	sess.es.SetStream(func(id int, delta string) { s.stream(sess, id, delta) })
}

// markTurn marks where the current turn begins in the history: what is
// recorded from now on is the turn's. Called with sess.turn held.
func (sess *session) markTurn() {
	sess.mu.Lock()
	sess.turnSeq = sess.recorded + 1
	sess.mu.Unlock()
}

// transcript returns the conversation before the current turn: the user's
// last turns text messages and the bot's text replies after each, oldest
// first. Called during a turn, with sess.turn held.
func (sess *session) transcript(turns int) []engine.Said {
	var out []engine.Said
	users := 0
	for i := len(sess.history) - 1; i >= 0 && users < turns; i-- {
		e := &sess.history[i]
		if e.seq >= sess.turnSeq {
			continue // the current turn's own message is in the prompt
		}
		if e.user {
			if text, ok := e.message.(string); ok && e.file == nil {
				out = append(out, engine.Said{User: true, Text: text})
				users++
			}
			continue
		}
		if text := replyText(e.reply); text != "" {
			out = append(out, engine.Said{Text: text})
		}
	}
	slices.Reverse(out)
	return out
}

// replyText is what a model reads of a reply: its text, or the answer of
// an answer from documents; "" for tables, charts, files and the like.
func replyText(r reply.Reply) string {
	switch {
	case r.RAG != nil:
		return r.RAG.Answer
	case r.Kind == reply.Str || r.Kind == reply.Markdown || r.Kind == reply.HTML:
		return r.Text
	}
	return ""
}

// stream sends a piece of a reply's text to the connections of sess that
// asked for streaming. A connection whose queue has no room misses the
// rest of that reply's stream, never the reply: the stream is a preview.
// Called during a turn.
func (s *Server) stream(sess *session, id int, delta string) {
	if delta == "" {
		return
	}
	sess.mu.Lock()
	var to []*conn
	for _, c := range sess.conns {
		if c.stream && c.streamLost != (streamKey{sess.turnSeq, id}) {
			to = append(to, c)
		}
	}
	sess.mu.Unlock()
	if len(to) == 0 && !s.sharing(sess) {
		return
	}
	b, err := s.dialect.Encode(protocol.Frame{Action: s.dialect.ReplyPrefix() + StreamKind, Message: streamDelta{ID: id, Delta: delta}, Timestamp: time.Now()})
	if err != nil {
		return
	}
	if s.sharing(sess) {
		s.publishStream(sess, id, b)
	}
	for _, c := range to {
		if !c.tryQueue(b) {
			sess.mu.Lock()
			c.streamLost = streamKey{sess.turnSeq, id}
			sess.mu.Unlock()
		}
	}
}

// modelNotes logs what the turn's language model did and counts its choice
// of intent. Called with sess.turn held.
func (s *Server) modelNotes(c *conn, sess *session) {
	for _, n := range sess.es.Notes() {
		c.log.Info(n.Message, n.Attrs...)
	}
	if choice := sess.es.LLMChoice(); choice != "" {
		s.metrics.llmChoice(choice)
	}
}
