package server

import (
	"context"
	"errors"
	"time"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// notStoredText answers a turn whose effects could not be stored: the turn
// is undone, so that the user can send the same again.
const notStoredText = "Sorry, I could not save that just now, so it did not happen. Please send it again in a moment."

// unreachableText answers a connection whose stored session could not be
// read back before it is closed (1013, try again later).
const unreachableText = "Sorry, I cannot reach this conversation's memory just now. Please try again in a moment."

// storeCall runs one call to the store, bounded by session.store_timeout,
// and counts it in the metrics.
func (s *Server) storeCall(op string, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.StoreTimeout)
	defer cancel()
	began := time.Now()
	err := f(ctx)
	s.metrics.storeOp(op, time.Since(began), err)
	return err
}

func toStored(e entry) sessionstore.Entry {
	se := sessionstore.Entry{At: e.at, User: e.user, Message: e.message}
	switch {
	case e.file != nil:
		se.File = &sessionstore.File{Name: e.file.name, Type: e.file.typ, Size: e.file.size}
	case !e.user:
		r := e.reply
		se.Reply = &r
	}
	return se
}

func fromStored(se sessionstore.Entry) entry {
	e := entry{at: se.At, user: se.User, message: se.Message}
	switch {
	case se.File != nil:
		e.file = &upload{name: se.File.Name, typ: se.File.Type, size: se.File.Size}
	case se.Reply != nil:
		e.reply = *se.Reply
	}
	return e
}

// persist writes what the turn that just ran changed to the store. Called
// with sess.turn held.
func (s *Server) persist(sess *session) error {
	if !sess.stored {
		return nil
	}
	t := sessionstore.Turn{
		Reset:    sess.wiped,
		Started:  sess.started,
		Keep:     len(sess.history),
		Snapshot: sess.es.Snapshot(),
		History: func() []sessionstore.Entry {
			all := make([]sessionstore.Entry, len(sess.history))
			for i, e := range sess.history {
				all[i] = toStored(e)
			}
			return all
		},
	}
	for _, e := range sess.pending {
		t.Added = append(t.Added, toStored(e))
	}
	if s.sharing(sess) {
		sess.mu.Lock()
		t.Seq = sess.recorded
		sess.mu.Unlock()
		t.Fence = sess.lease.Token
		t.Release, t.Event = sess.lease.Owner, s.turnEvent(sess)
		// The lease is renewed while the write runs, which may take up to
		// session.store_timeout; the write gives it back, so a renewal
		// that finds it gone is no news.
		sess.writing.Store(true)
	}
	err := s.storeCall("append", func(ctx context.Context) error { return s.Store.Append(ctx, sess.id, &sess.mark, t) })
	if sess.stopRenew != nil {
		sess.stopRenew()
	}
	if err != nil {
		return err
	}
	if t.Release != "" {
		sess.lease = sessionstore.Lease{}
	}
	if t.Event != nil {
		s.metrics.published.Inc()
	}
	sess.pending, sess.wiped, sess.unwiped = sess.pending[:0], false, nil
	sess.saved = &savedTurn{snap: t.Snapshot, started: sess.started}
	if t.Fence > 0 {
		sess.version = t.Fence
	}
	return nil
}

// savedTurn is what the store holds of a session's engine after its last
// stored turn: what a turn that cannot be stored is undone to.
type savedTurn struct {
	snap    engine.Snapshot
	started bool
}

// undo puts sess back as the store holds it, after a turn that could not
// be stored: the engine at its last stored turn (or new), the history
// without the turn's entries (with those a reset wiped), and the next write
// whole. Called with sess.turn held.
func (s *Server) undo(sess *session) {
	if sess.saved != nil {
		es, _ := s.eng.Restore(sess.id, sess.saved.snap)
		sess.es, sess.started = es, sess.saved.started
	} else {
		sess.es, sess.started = s.eng.NewSession(sess.id), false
	}
	s.wireModel(sess)
	if s.NewSession != nil {
		s.NewSession(sess.id, sess.es)
	}
	if sess.wiped && sess.unwiped != nil {
		sess.history = sess.unwiped
	}
	n := 0
	for _, e := range sess.history {
		if e.seq < sess.turnSeq {
			sess.history[n] = e
			n++
		}
	}
	clear(sess.history[n:])
	sess.history = sess.history[:n]
	sess.historyBytes = 0
	for _, e := range sess.history {
		sess.historyBytes += e.size()
	}
	sess.pending, sess.wiped, sess.unwiped = sess.pending[:0], false, nil
	sess.mark = sessionstore.Mark{}
	if s.sharing(sess) {
		// The turn's entries were never stored: their numbers go to the
		// next turn's, as on every other instance.
		sess.out = nil
		sess.mu.Lock()
		sess.recorded = sess.turnSeq - 1
		for _, c := range sess.conns {
			c.since = min(c.since, sess.recorded)
		}
		sess.mu.Unlock()
	}
}

// tellNotStored queues notStoredText on every live connection of sess.
func (s *Server) tellNotStored(sess *session) {
	f, err := s.dialect.EncodeReply(reply.NewText(reply.Str, notStoredText), s.now())
	if err != nil {
		return
	}
	sess.mu.Lock()
	conns := append([]*conn(nil), sess.conns...)
	sess.mu.Unlock()
	for _, c := range conns {
		c.enqueue(f)
	}
}

// restore reads the session with key from the store; nil when the store has
// none, or an unreadable one (which is logged and then overwritten by the
// new session's first turn). An error means the store could not be asked.
func (s *Server) restore(key string) (*session, error) {
	var sv *sessionstore.Saved
	err := s.storeCall("load", func(ctx context.Context) (err error) {
		sv, err = s.Store.Load(ctx, key)
		return err
	})
	if errors.Is(err, sessionstore.ErrCorrupt) {
		s.log.Warn("stored session unreadable: starting a new one", "session", logID(key), "err", err)
		return nil, nil
	}
	if err != nil || sv == nil {
		return nil, err
	}
	es, problems := s.eng.Restore(key, sv.Snapshot)
	for _, p := range problems {
		s.log.Warn("stored session restored in part", "session", logID(key), "problem", p)
	}
	s.log.Info("session restored from the store", "session", logID(key), "state", es.State(), "history", len(sv.History))
	sess := &session{id: key, resumable: true, stored: true, es: es, started: sv.Started, mark: sv.Mark,
		saved: &savedTurn{snap: sv.Snapshot, started: sv.Started}}
	sess.history = make([]entry, len(sv.History))
	for i, se := range sv.History {
		sess.history[i] = fromStored(se)
	}
	s.wireModel(sess)
	if s.fan != nil {
		// Numbered as every instance numbers them.
		sess.recorded, sess.version = seqBase(sv), sv.Version
	}
	for i := range sess.history {
		sess.recorded++
		sess.history[i].seq = sess.recorded
		sess.historyBytes += sess.history[i].size()
	}
	s.trimHistory(sess)
	return sess, nil
}
