package server

import (
	"container/list"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/protocol"
	"github.com/botgen-dev/botgen/runtime/reply"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// session is one conversation and the connections attached to it.
type session struct {
	id        string
	resumable bool // kept after its last connection closes, until the TTL

	// turn serialises the session's turns: it is held while the engine runs
	// and the replies are queued, so every connection gets them in order.
	// It guards es, started and history.
	turn         sync.Mutex
	es           *engine.Session
	started      bool
	history      []entry
	historyBytes int64 // the sum of the history's sizes
	// size is what the session counts against session.memory; guarded by
	// Server.mu.
	size int64

	// stored sessions are kept in the server's Store: pending holds the
	// entries recorded since the last write, wiped whether the history was
	// reset since (unwiped the history before), mark what the store knows
	// it wrote, saved the engine as last stored. Guarded by turn.
	stored  bool
	pending []entry
	wiped   bool
	unwiped []entry
	mark    sessionstore.Mark
	saved   *savedTurn

	// idle is the session's place in Server.idle while it has no
	// connection (guarded by Server.mu). evicted is set when makeRoom
	// dropped the session, with both Server.mu and turn held, so either
	// guards a read: a request still in flight from a connection that has
	// gone must not run on it.
	idle    *list.Element
	evicted bool

	mu        sync.Mutex // guards conns, idleSince and recorded; taken after Server.mu
	conns     []*conn
	idleSince time.Time
	recorded  uint64 // entries ever recorded (see entry.seq)
	// turnSeq is the seq of the first entry the current turn records (see
	// markTurn); written with turn and mu held, read with either.
	turnSeq uint64

	// On a shared store (see shared.go): hash names the session in
	// events (set by adopt); version is the fencing token of the last turn
	// written that memory holds, lease the current turn's, out the frames
	// the turn publishes and outConn the connection that sent its request
	// (guarded by turn); resyncing and again say a catch-up from the store
	// runs and that another is due (guarded by mu).
	hash      string
	version   int64
	lease     sessionstore.Lease
	stopRenew func()      // stops the renewal of lease; nil without one
	writing   atomic.Bool // the turn's write, which releases lease, has begun
	out       []eventFrame
	outConn   uint64
	resyncing bool
	again     bool
	// delivering: a turn here is between its write (which lets another
	// instance take the lease and publish the next turn) and the queueing
	// of its frames on this instance's connections; events of the session
	// received meanwhile wait in parked, so that connections get the turns
	// in order (guarded by mu).
	delivering bool
	parked     [][]byte
}

// sessionOverhead is what a session costs in memory besides its history and
// variables: its engine state, random source and bookkeeping.
const sessionOverhead = 2 << 10

// account brings the session's size up to date in the server's total, if
// the server still holds it. Called with sess.turn held.
func (s *Server) account(sess *session) {
	size := sessionOverhead + sess.historyBytes + sess.es.Size()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions[sess.id] == sess {
		s.sessionBytes += size - sess.size
		sess.size = size
	}
}

// logID names the session in logs: session ids are chosen by clients and
// may be secrets (a user's login token, say), so logs carry the start of
// their hash, the same as the start of the session's file name in the
// store.
func (s *session) logID() string { return logID(s.id) }

func logID(id string) string { return sessionstore.Hash(id)[:12] }

// entry is one message in a session's history: a user message as the client
// sent it, an upload (its name, type and size, not its bytes), or a bot
// reply.
type entry struct {
	seq     uint64 // the session's count of entries when it was recorded
	at      time.Time
	user    bool
	message any         // user message
	file    *upload     // user file
	reply   reply.Reply // bot reply
}

// upload is what a session's history keeps of a file the user sent.
type upload struct {
	name, typ string
	size      int
}

// record appends e to the history, dropping the oldest entries beyond
// session.history messages or session.history_bytes bytes. A user message
// over a quarter of session.history_bytes is kept cut short. Called with
// sess.turn held.
func (s *Server) record(sess *session, e entry) uint64 {
	limit := s.cfg.SessionHistory
	if limit <= 0 {
		sess.mu.Lock()
		sess.recorded++
		seq := sess.recorded
		sess.mu.Unlock()
		return seq
	}
	if e.user && e.file == nil {
		e.message = shorten(e.message, int(s.cfg.HistoryBytes/4))
	}
	// Under mu, as a connection attaches: a connection sees live what is
	// recorded after it attached, and in a replay what was recorded before.
	sess.mu.Lock()
	sess.recorded++
	e.seq = sess.recorded
	sess.mu.Unlock()
	sess.history = append(sess.history, e)
	sess.historyBytes += e.size()
	if sess.stored {
		sess.pending = append(sess.pending, e)
	}
	s.trimHistory(sess)
	return e.seq
}

// trimHistory drops the oldest entries beyond the session's bounds, keeping
// the newest whatever its size. Called with sess.turn held.
func (s *Server) trimHistory(sess *session) {
	drop := 0
	for len(sess.history)-drop > 1 && (len(sess.history)-drop > s.cfg.SessionHistory || sess.historyBytes > s.cfg.HistoryBytes) {
		sess.historyBytes -= sess.history[drop].size()
		drop++
	}
	if drop > 0 {
		// Shift in place so the backing array does not grow without bound.
		n := copy(sess.history, sess.history[drop:])
		clear(sess.history[n:])
		sess.history = sess.history[:n]
	}
}

// entryOverhead is what an entry costs beyond its text: its time, kind and
// the slice's slot.
const entryOverhead = 64

// size is what an entry counts against session.history_bytes: a message's
// or reply's text. Images and files a bot sends come from the files
// embedded in it, shared by every session, and count only their name.
func (e entry) size() int64 {
	n := entryOverhead
	switch {
	case e.file != nil:
		n += len(e.file.name) + len(e.file.typ)
	case e.user:
		switch m := e.message.(type) {
		case string:
			n += len(m)
		default:
			b, _ := json.Marshal(m)
			n += len(b)
		}
	case e.reply.Kind == reply.Image:
	case e.reply.Kind == reply.File:
		n += len(e.reply.File.Name)
	case e.reply.RAG != nil:
		r := e.reply.RAG
		n += len(r.LLMName) + len(r.Question) + len(r.Answer)
		for _, d := range r.Docs {
			n += len(d.Content) + len(d.Metadata.Source) + len(d.Metadata.Title)
		}
	default:
		n += len(e.reply.Text)
	}
	return int64(n)
}

// shorten returns a user message cut to max bytes (whole characters) and
// marked as cut, or as it is when it is not longer. A JSON event that long
// is replaced by a note.
func shorten(message any, max int) any {
	switch m := message.(type) {
	case string:
		if len(m) <= max {
			return m
		}
		cut := max
		for cut > 0 && !utf8.RuneStart(m[cut]) {
			cut--
		}
		return fmt.Sprintf("%s… [%d bytes in all]", m[:cut], len(m))
	default:
		if b, err := json.Marshal(m); err == nil && len(b) <= max {
			return m
		}
		return "[a JSON event too large to keep]"
	}
}

// start runs the session's initial body if it has not run yet (a new
// session); a resumed session is left as it is.
func (s *Server) start(sess *session) {
	if !s.beginTurn() {
		return
	}
	defer s.endTurn()
	sess.turn.Lock()
	defer sess.turn.Unlock()
	if sess.started {
		return
	}
	// Another instance may have started the session since this one read
	// it: the lease brings memory up to date.
	release, err := s.lease(sess)
	if err != nil {
		s.log.Error("initial body not run: the session's lease could not be taken", "session", sess.logID(), "err", err)
		return
	}
	defer release()
	if sess.started {
		return
	}
	sess.outConn = 0
	sess.started = true
	sess.markTurn()
	replies, err := guard(func() ([]reply.Reply, error) {
		rs := sess.es.Start()
		return rs, sess.es.Err()
	})
	if err != nil {
		s.log.Error("initial body failed", "session", sess.logID(), "err", err)
		var pe *engine.PanicError
		if errors.As(err, &pe) {
			s.log.Debug("turn panic stack", "session", sess.logID(), "stack", string(pe.Stack))
		}
	}
	s.deliver(sess, replies)
}

// handle runs one client request on its session.
func (s *Server) handle(c *conn, req protocol.Request) {
	sess := c.sess
	if !s.beginTurn() {
		c.log.Info("request dropped: server shutting down", "action", string(req.Action))
		return
	}
	defer s.endTurn()
	began := time.Now()
	defer func() { s.metrics.turn(req.Action, time.Since(began)) }()

	if req.Action == protocol.FetchUserMessages {
		s.replay(c)
		return
	}

	sess.turn.Lock()
	defer sess.turn.Unlock()
	if sess.evicted {
		c.log.Info("request dropped: the session was evicted after its connection closed", "action", string(req.Action))
		return
	}
	release, err := s.lease(sess)
	if err != nil {
		c.log.Error("turn not stored: the session's lease could not be taken, and the user told so", "action", string(req.Action), "err", err)
		if f, err := s.dialect.EncodeReply(reply.NewText(reply.Str, notStoredText), s.now()); err == nil {
			c.enqueue(f)
		}
		return
	}
	defer release()
	sess.outConn = c.id
	in := engine.Input{}
	sess.markTurn()
	switch req.Action {
	case protocol.UserMessage:
		in = engine.Input{Kind: engine.Text, Text: req.Text}
		at := s.now()
		seq := s.record(sess, entry{at: at, user: true, message: req.Message})
		s.echo(c, seq, protocol.UserMessageFrame(req.Message, at))
	case protocol.UserFile:
		in = engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: req.File.Name, Type: req.File.Type, Data: req.File.Data}}
		at := s.now()
		seq := s.record(sess, entry{at: at, user: true, file: &upload{name: req.File.Name, typ: req.File.Type, size: len(req.File.Data)}})
		s.echo(c, seq, protocol.UserFileFrame(req.File.Name, req.File.Type, len(req.File.Data), at))
	case protocol.UserVoice:
		in = engine.Input{Kind: engine.Voice}
	case protocol.UserSetVariable:
		in = engine.Input{Kind: engine.SetVars, Vars: req.Vars}
	case protocol.Reset:
		in = engine.Input{Kind: engine.Reset}
		if sess.stored && !sess.wiped {
			sess.unwiped = sess.history // put back if the reset cannot be stored
		}
		sess.history, sess.historyBytes = nil, 0
		sess.pending, sess.wiped = sess.pending[:0], true
	default:
		c.log.Warn("unhandled action", "action", string(req.Action))
		return
	}
	sess.started = true
	replies, err := guard(func() ([]reply.Reply, error) { return sess.es.Handle(in) })
	if in.Kind == engine.Text || in.Kind == engine.File || in.Kind == engine.Voice {
		intent, fellBack := sess.es.LastTurn()
		if c := s.metrics.understood[intent]; c != nil {
			c.Inc()
		}
		if fellBack {
			s.metrics.fallbacks.Inc()
		}
	}
	for _, f := range sess.es.Failures() {
		s.metrics.calls.Inc()
		c.log.Warn("call failed, on error took it", "state", f.State, "at", f.At, "err", f.Err)
	}
	s.modelNotes(c, sess)
	var ce *engine.CallError
	if errors.As(err, &ce) {
		s.metrics.calls.Inc()
	}
	if err != nil && in.Kind == engine.SetVars {
		// Refused values: the client's mistake, not a failed turn.
		c.log.Warn("variables refused", "err", err)
	} else if err != nil {
		s.metrics.turnFailed.Inc()
		c.log.Error("turn failed", "action", string(req.Action), "state", sess.es.State(), "err", err)
		var pe *engine.PanicError
		if errors.As(err, &pe) {
			c.log.Debug("turn panic stack", "stack", string(pe.Stack))
		}
	}
	s.deliver(sess, replies)
}

// echo queues what the user sent on from, as a live frame (history false),
// on the session's other connections that asked for it (echo=1), before the
// replies to it, and keeps it for the other instances (see outbox). Called
// with sess.turn held.
func (s *Server) echo(from *conn, seq uint64, f protocol.Frame) {
	sess := from.sess
	if s.sharing(sess) {
		f.History = false
		if b, err := s.dialect.Encode(f); err == nil {
			s.outbox(sess, seq, true, b)
		}
	}
	sess.mu.Lock()
	var to []*conn
	for _, c := range sess.conns {
		if c != from && c.echo && seq > c.since {
			to = append(to, c)
		}
	}
	sess.mu.Unlock()
	if len(to) == 0 {
		return
	}
	f.History = false
	b, err := s.dialect.Encode(f)
	if err != nil {
		from.log.Warn("message not echoed", "action", f.Action, "err", err)
		return
	}
	for _, c := range to {
		c.enqueue(b)
	}
}

// guard runs a turn, turning a panic that escaped the engine into an error
// so one broken turn never takes the server down.
func guard(f func() ([]reply.Reply, error)) (rs []reply.Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in turn: %v", p)
		}
	}()
	return f()
}

// deliver encodes replies, records them, stores the turn and then queues
// the replies on every live connection of sess: a reply a client has seen
// is never lost by a crash that follows (the store has the turn first). A
// turn the store cannot take in session.store_timeout is undone, and the
// user told so instead of answered. Called with sess.turn held.
func (s *Server) deliver(sess *session, replies []reply.Reply) {
	frames := make([][]byte, 0, len(replies))
	seqs := make([]uint64, 0, len(replies))
	for _, r := range replies {
		at := s.now()
		f, err := s.dialect.EncodeReply(r, at)
		if err != nil {
			s.log.Warn("reply not sent", "session", sess.logID(), "kind", string(r.Kind), "err", err)
			continue
		}
		frames = append(frames, f)
		seq := s.record(sess, entry{at: at, reply: r})
		seqs = append(seqs, seq)
		s.outbox(sess, seq, false, f)
	}
	if s.sharing(sess) {
		sess.mu.Lock()
		sess.delivering = true
		sess.mu.Unlock()
		defer s.unpark(sess)
	}
	if err := s.persist(sess); err != nil {
		s.log.Error("turn not stored: undone, and the user told so", "session", sess.logID(), "err", err)
		s.undo(sess)
		s.account(sess)
		s.tellNotStored(sess)
		return
	}
	s.account(sess)
	if len(frames) == 0 {
		return
	}
	s.metrics.replies.Add(float64(len(frames)))
	sess.mu.Lock()
	conns := append([]*conn(nil), sess.conns...)
	sess.mu.Unlock()
	for _, c := range conns {
		for i, f := range frames {
			if seqs[i] <= c.since {
				continue // recorded before c attached: c gets it in a replay
			}
			if !c.enqueue(f) {
				break
			}
		}
	}
}

// replay sends the session's history to c alone, every frame with history
// true: what the session held when c attached (what came after, c received
// live), or for a connection that asked for replay=all, everything. The frames are queued without holding the session, waiting for room
// in c's queue, because a long history may exceed the queue's size.
func (s *Server) replay(c *conn) {
	sess := c.sess
	sess.turn.Lock()
	if s.sharing(sess) && !sess.evicted {
		// Another instance may have written the session since.
		if err := s.refresh(sess); err != nil {
			c.log.Warn("history replayed as this instance holds it: the store does not answer", "err", err)
		}
	}
	hist := append([]entry(nil), sess.history...)
	sess.turn.Unlock()
	n := 0
	for _, e := range hist {
		if e.seq > c.since && !c.replayAll {
			break
		}
		n++
		var f []byte
		var err error
		switch {
		case e.file != nil:
			f, err = s.dialect.Encode(protocol.UserFileFrame(e.file.name, e.file.typ, e.file.size, e.at))
		case e.user:
			f, err = s.dialect.Encode(protocol.UserMessageFrame(e.message, e.at))
		default:
			f, err = s.dialect.EncodeHistoryReply(e.reply, e.at)
		}
		if err != nil {
			c.log.Warn("history message not sent", "err", err)
			continue
		}
		if !c.enqueue(f) {
			return
		}
	}
	c.log.Debug("history replayed", "messages", n)
}
