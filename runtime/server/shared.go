package server

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/botgen-dev/botgen/runtime/protocol"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// Several instances of a bot on one shared store (Redis). The connections
// of one session may be held by different instances; each instance holds
// the session in memory, but memory is no longer the master copy:
//
//   - A turn runs under the session's lease, which the store gives one
//     holder at a time with a fencing token. Having it, the instance
//     compares the session's version in the store (the token of the last
//     turn written) with the one its memory holds, and reads the session
//     back when another instance wrote since. The turn is written with its
//     token, and the store refuses a write older than the last one.
//   - After the turn is written, and before the lease is given back, the
//     instance publishes an event with the frames of the turn (the echo of
//     the user's message, the replies) and their seq numbers. Every other
//     instance delivers them to its own connections of the session.
//   - Entries are numbered alike on every instance (the store keeps the
//     count), so an instance sees a gap (an event lost while its
//     subscription was down, or dropped by a full queue) and delivers what
//     its connections missed from the stored history instead.
//
// With any other store, none of this runs: memory is the master copy.

// eventQueue bounds the events received and not yet delivered: past it,
// events are dropped and the sessions caught up from the store instead, so
// a slow instance does not make the subscription's buffer grow.
const eventQueue = 4096

// resyncWorkers bounds the sessions caught up from the store at once.
const resyncWorkers = 16

// event is what an instance publishes of a session's turn, or of a piece
// of a streamed reply.
type event struct {
	Session  string       `json:"s"`              // the hash of the session's key
	Instance string       `json:"i"`              // the instance that ran the turn
	Conn     uint64       `json:"c,omitempty"`    // its connection that sent the request, 0: none
	From     uint64       `json:"from,omitempty"` // the seq of the turn's first entry
	To       uint64       `json:"to,omitempty"`   // the seq of its last
	Frames   []eventFrame `json:"f,omitempty"`
	Stream   *streamEvent `json:"stream,omitempty"`
}

// eventFrame is one frame of a turn: the entry with seq, encoded live.
type eventFrame struct {
	Seq   uint64          `json:"q"`
	Echo  bool            `json:"e,omitempty"` // a user's message: only for echo=1
	Frame json.RawMessage `json:"b"`
}

// streamEvent is a piece of a streamed reply (see Server.stream).
type streamEvent struct {
	Turn  uint64          `json:"t"`
	ID    int             `json:"id"`
	Frame json.RawMessage `json:"b"`
}

// fanout is what a server on a shared store runs: its subscription and
// the delivery of the events.
type fanout struct {
	store    sessionstore.Shared
	instance string // this server's name in events and leases
	leaseTTL time.Duration
	events   chan []byte   // received, not yet delivered
	wake     chan struct{} // wakes the dispatcher when events were lost
	lost     chan struct{} // holds a token while a catch-up of all is due
	workers  chan struct{} // resyncWorkers tokens
	leases   atomic.Uint64 // numbers the leases this server takes
	cancel   func()        // stops the subscription and the dispatcher
	subDone  chan struct{} // closed when Subscribe returns
	dispDone chan struct{} // closed when the dispatcher returns
}

// setupShared starts the subscription when the server's store is shared;
// called once, before the server serves (or shuts down).
func (s *Server) setupShared() {
	sh, ok := s.Store.(sessionstore.Shared)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &fanout{
		store:    sh,
		instance: newUUID(),
		leaseTTL: s.cfg.LeaseTTL,
		events:   make(chan []byte, eventQueue),
		wake:     make(chan struct{}, 1),
		lost:     make(chan struct{}, 1),
		workers:  make(chan struct{}, resyncWorkers),
		cancel:   cancel,
		subDone:  make(chan struct{}),
		dispDone: make(chan struct{}),
	}
	s.fan = f
	go func() {
		defer close(f.subDone)
		_ = sh.Subscribe(ctx, s.received, f.markLost)
	}()
	go func() {
		defer close(f.dispDone)
		s.dispatch(ctx)
	}()
	s.log.Info("several instances: turns leased, replies fanned out through the store", "instance", f.instance, "lease_ttl", f.leaseTTL)
}

// stopShared stops the subscription and waits for it.
func (s *Server) stopShared() {
	if s.fan == nil {
		return
	}
	s.fan.cancel()
	<-s.fan.subDone
	<-s.fan.dispDone
}

// markLost records that events may have been missed: every session with a
// connection here is caught up from the store.
func (f *fanout) markLost() {
	select {
	case f.lost <- struct{}{}:
	default:
	}
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// received queues an event for delivery, or drops it when the queue is
// full (and catches up from the store instead). It never blocks: the
// subscription's connection is read as fast as events come.
func (s *Server) received(b []byte) {
	s.metrics.received.Inc()
	select {
	case s.fan.events <- b:
	default:
		s.metrics.dropped.Inc()
		s.fan.markLost()
	}
}

// dispatch delivers the events received, one at a time, in order.
func (s *Server) dispatch(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-s.fan.events:
			s.apply(b)
		case <-s.fan.wake:
		}
		select {
		case <-s.fan.lost:
			s.resyncAll()
		default:
		}
	}
}

// apply delivers one event to this server's connections of its session.
func (s *Server) apply(b []byte) {
	var ev event
	if err := json.Unmarshal(b, &ev); err != nil {
		s.log.Warn("event from another instance unreadable", "err", err)
		return
	}
	if ev.Instance == s.fan.instance {
		return // delivered here when it was published
	}
	s.mu.Lock()
	sess := s.byHash[ev.Session]
	s.mu.Unlock()
	if sess == nil {
		return
	}
	sess.mu.Lock()
	if sess.delivering {
		if len(sess.parked) < maxParked {
			sess.parked = append(sess.parked, b)
			sess.mu.Unlock()
			return
		}
		// Too many: the connections are caught up from the store once
		// the turn's frames are queued.
		sess.parked = append(sess.parked[:0], nil)
		sess.mu.Unlock()
		return
	}
	if ev.Stream != nil {
		sess.mu.Unlock()
		s.streamRemote(sess, ev.Stream)
		return
	}
	var slow []*conn
	if len(sess.conns) == 0 {
		// No one to tell: memory is read again before it is used.
		sess.mu.Unlock()
		return
	}
	if ev.From > sess.recorded+1 {
		sess.mu.Unlock()
		s.resync(sess)
		return
	}
	for _, f := range ev.Frames {
		if f.Seq <= sess.recorded {
			continue // delivered already, from the store
		}
		slow = sess.offer(slow, f.Seq, f.Echo, f.Frame)
	}
	sess.recorded = max(sess.recorded, ev.To)
	sess.mu.Unlock()
	for _, c := range slow {
		c.wmu.Lock()
		frames, bytes := len(c.queue)-c.head, c.queued
		c.wmu.Unlock()
		c.log.Warn("slow client: no room for a frame from another instance, closing connection", "frames", frames, "bytes", bytes)
		c.teardown("send queue full")
	}
}

// maxParked bounds the events of one session that wait for a turn's
// frames to be queued here (see session.delivering): a turn's delivery
// takes microseconds, so more means this instance fell behind.
const maxParked = 64

// unpark ends a turn's delivery on this instance: the events of the
// session received meanwhile are delivered now, after the turn's own
// frames; or, when too many came, the session is caught up from the store.
func (s *Server) unpark(sess *session) {
	sess.mu.Lock()
	parked := sess.parked
	sess.delivering, sess.parked = false, nil
	sess.mu.Unlock()
	for _, b := range parked {
		if b == nil {
			s.resync(sess)
			return
		}
		s.apply(b)
	}
}

// offer queues frame f, the entry with seq, on the session's connections
// that get it live: those attached before it was recorded, and for a
// user's message, those that asked for echoes. A connection with no room
// is added to slow, to be closed: it reconnects and replays rather than
// miss a frame. Called with sess.mu held; never blocks.
func (sess *session) offer(slow []*conn, seq uint64, echo bool, f []byte) []*conn {
	for _, c := range sess.conns {
		if seq <= c.since || echo && !c.echo {
			continue
		}
		if !c.tryQueue(f) {
			slow = appendOnce(slow, c)
		}
	}
	return slow
}

func appendOnce(cs []*conn, c *conn) []*conn {
	for _, x := range cs {
		if x == c {
			return cs
		}
	}
	return append(cs, c)
}

// streamRemote delivers a piece of another instance's streamed reply to the
// connections here that asked for streams.
func (s *Server) streamRemote(sess *session, st *streamEvent) {
	key := streamKey{st.Turn, st.ID}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	for _, c := range sess.conns {
		if c.stream && c.streamLost != key && !c.tryQueue(st.Frame) {
			c.streamLost = key
		}
	}
}

// resyncAll catches up every session with a connection here from the store.
func (s *Server) resyncAll() {
	s.mu.Lock()
	var all []*session
	for _, sess := range s.byHash {
		all = append(all, sess)
	}
	s.mu.Unlock()
	for _, sess := range all {
		sess.mu.Lock()
		live := len(sess.conns) > 0
		sess.mu.Unlock()
		if live {
			s.resync(sess)
		}
	}
}

// resync catches sess up from the store, in the background (a bounded
// number at once); a resync asked for while one runs runs again after it.
func (s *Server) resync(sess *session) {
	sess.mu.Lock()
	if sess.resyncing {
		sess.again = true
		sess.mu.Unlock()
		return
	}
	sess.resyncing = true
	sess.mu.Unlock()
	go func() {
		s.fan.workers <- struct{}{}
		defer func() { <-s.fan.workers }()
		for {
			s.metrics.catchUps.Inc()
			var sv *sessionstore.Saved
			err := s.storeCall("load", func(ctx context.Context) (err error) {
				sv, err = s.Store.Load(ctx, sess.id)
				return err
			})
			if err != nil {
				s.log.Warn("session not caught up from the store", "session", sess.logID(), "err", err)
			} else if sv != nil {
				s.catchUp(sess, sv)
			}
			sess.mu.Lock()
			if !sess.again || err != nil {
				sess.resyncing, sess.again = false, false
				sess.mu.Unlock()
				return
			}
			sess.again = false
			sess.mu.Unlock()
		}
	}()
}

// seqBase is the seq of the entry before the first of sv's history.
func seqBase(sv *sessionstore.Saved) uint64 {
	if n := uint64(len(sv.History)); sv.Seq >= n {
		return sv.Seq - n
	}
	return 0
}

// catchUp delivers the entries of sv that this server's connections of
// sess have not had, as live frames, and moves the session's count past
// them.
func (s *Server) catchUp(sess *session, sv *sessionstore.Saved) {
	base := seqBase(sv)
	var slow []*conn
	sess.mu.Lock()
	n := 0
	for i, se := range sv.History {
		seq := base + uint64(i) + 1
		if seq <= sess.recorded || len(sess.conns) == 0 {
			continue
		}
		f, err := s.liveFrame(fromStored(se))
		if err != nil {
			continue
		}
		slow = sess.offer(slow, seq, se.User, f)
		n++
	}
	sess.recorded = max(sess.recorded, base+uint64(len(sv.History)))
	sess.mu.Unlock()
	if n > 0 {
		s.log.Info("session caught up from the store", "session", sess.logID(), "frames", n)
	}
	for _, c := range slow {
		c.teardown("send queue full")
	}
}

// liveFrame encodes a history entry as it is sent live: a user's message
// or upload as an echo, a reply as itself.
func (s *Server) liveFrame(e entry) ([]byte, error) {
	var f protocol.Frame
	switch {
	case e.file != nil:
		f = protocol.UserFileFrame(e.file.name, e.file.typ, e.file.size, e.at.In(s.loc))
	case e.user:
		f = protocol.UserMessageFrame(e.message, e.at.In(s.loc))
	default:
		return s.dialect.EncodeReply(e.reply, e.at.In(s.loc))
	}
	f.History = false
	return s.dialect.Encode(f)
}

// sharing reports whether sess's turns are leased and fanned out: it is
// stored, in a shared store.
func (s *Server) sharing(sess *session) bool { return s.fan != nil && sess.stored }

// lease takes sess's lease for a turn and brings memory up to date with
// the store. The turn's write gives the lease back (see persist); release
// gives it back when the turn wrote nothing or failed to. Without a shared
// store it does nothing. Called with sess.turn held.
func (s *Server) lease(sess *session) (release func(), err error) {
	if !s.sharing(sess) {
		return func() {}, nil
	}
	f := s.fan
	// A busy lease is waited for up to its TTL: the holder finishes, or
	// it died and the lease expires. Each call to the store is bounded by
	// session.store_timeout all the same.
	ctx, cancel := context.WithTimeout(context.Background(), f.leaseTTL+s.cfg.StoreTimeout)
	began := time.Now()
	owner := f.instance + ":" + strconv.FormatUint(f.leases.Add(1), 10)
	l, err := f.store.Lease(ctx, sess.id, owner, f.leaseTTL)
	cancel()
	s.metrics.storeOp("lease", time.Since(began), err)
	if err != nil {
		return nil, err
	}
	sess.lease = l
	sess.writing.Store(false)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(f.leaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				err := s.storeCall("lease", func(ctx context.Context) error { return f.store.Renew(ctx, sess.id, l, f.leaseTTL) })
				if errors.Is(err, sessionstore.ErrLeaseLost) {
					// Released by the turn's write, or expired: then
					// the write is refused if another holder took it.
					if !sess.writing.Load() {
						s.log.Warn("turn outlived its lease", "session", sess.logID())
					}
					return
				}
			}
		}
	}()
	var once sync.Once
	sess.stopRenew = func() {
		once.Do(func() {
			close(stop)
			<-stopped
		})
	}
	release = func() {
		sess.stopRenew()
		sess.stopRenew = nil
		held := sess.lease
		sess.lease = sessionstore.Lease{}
		if held.Owner == "" {
			return // the turn's write gave it back
		}
		if err := s.storeCall("release", func(ctx context.Context) error { return f.store.Release(ctx, sess.id, held) }); err != nil {
			s.log.Warn("lease not released: it expires by itself", "session", sess.logID(), "err", err)
		}
	}
	if l.Version != sess.version {
		if err := s.reload(sess); err != nil {
			release()
			return nil, err
		}
	}
	return release, nil
}

// refresh reads sess back from the store when another instance wrote it
// since memory last did, before a connection attaches to it or asks for
// its history. Called with sess.turn held.
func (s *Server) refresh(sess *session) error {
	var v int64
	err := s.storeCall("version", func(ctx context.Context) (err error) {
		v, err = s.fan.store.Version(ctx, sess.id)
		return err
	})
	if err != nil {
		return err
	}
	if v == sess.version {
		return nil
	}
	return s.reload(sess)
}

// reload replaces sess's memory with the session as stored, delivering to
// its connections here the entries they missed. Called with sess.turn held.
func (s *Server) reload(sess *session) error {
	var sv *sessionstore.Saved
	err := s.storeCall("load", func(ctx context.Context) (err error) {
		sv, err = s.Store.Load(ctx, sess.id)
		return err
	})
	if errors.Is(err, sessionstore.ErrCorrupt) {
		s.log.Warn("stored session unreadable: memory's copy is written whole", "session", sess.logID(), "err", err)
		sv, err = nil, nil
	}
	if err != nil {
		return err
	}
	if sv == nil {
		// The store lost it (expired, removed): memory's copy is all
		// there is, written whole at the next turn.
		sess.version, sess.mark = 0, sessionstore.Mark{}
		return nil
	}
	es, problems := s.eng.Restore(sess.id, sv.Snapshot)
	for _, p := range problems {
		s.log.Warn("stored session restored in part", "session", sess.logID(), "problem", p)
	}
	sess.es, sess.started = es, sv.Started
	sess.mark, sess.version = sv.Mark, sv.Version
	sess.saved = &savedTurn{snap: sv.Snapshot, started: sv.Started}
	s.wireModel(sess)
	if s.NewSession != nil {
		s.NewSession(sess.id, sess.es)
	}
	base := seqBase(sv)
	clear(sess.history)
	sess.history = sess.history[:0]
	sess.historyBytes = 0
	for i, se := range sv.History {
		e := fromStored(se)
		e.seq = base + uint64(i) + 1
		sess.history = append(sess.history, e)
		sess.historyBytes += e.size()
	}
	s.trimHistory(sess)
	sess.pending, sess.wiped, sess.unwiped = sess.pending[:0], false, nil
	s.catchUp(sess, sv)
	s.account(sess)
	s.log.Debug("session read again: another instance wrote it", "session", sess.logID(), "version", sv.Version)
	return nil
}

// outbox keeps a frame of the current turn for the event published once
// the turn is stored. Called with sess.turn held.
func (s *Server) outbox(sess *session, seq uint64, echo bool, f []byte) {
	if s.sharing(sess) {
		sess.out = append(sess.out, eventFrame{Seq: seq, Echo: echo, Frame: f})
	}
}

// turnEvent is what the current turn tells the other instances: its
// frames and their seq numbers, written with the turn (see persist), so
// that every instance gets a session's turns in order and none that was
// not stored. nil when the turn recorded nothing. An event that does not
// arrive is caught up from the store by the instances that see the gap.
// Called with sess.turn held.
func (s *Server) turnEvent(sess *session) []byte {
	out := sess.out
	sess.out = nil
	sess.mu.Lock()
	from, to := sess.turnSeq, sess.recorded
	sess.mu.Unlock()
	if to < from {
		return nil
	}
	b, err := json.Marshal(event{Session: sess.hash, Instance: s.fan.instance, Conn: sess.outConn, From: from, To: to, Frames: out})
	if err != nil {
		s.log.Warn("turn not published", "session", sess.logID(), "err", err)
		return nil
	}
	return b
}

// publishStream sends a piece of a streamed reply to the other instances.
// Called during a turn.
func (s *Server) publishStream(sess *session, id int, f []byte) {
	b, err := json.Marshal(event{Session: sess.hash, Instance: s.fan.instance, Stream: &streamEvent{Turn: sess.turnSeq, ID: id, Frame: f}})
	if err != nil {
		return
	}
	if s.storeCall("publish", func(ctx context.Context) error { return s.fan.store.Publish(ctx, b) }) == nil {
		s.metrics.published.Inc()
	}
}
