// Package server is the WebSocket chat server of a generated bot, for
// generated code: it accepts chat connections speaking the BESSER bot
// protocol (see package protocol), keeps sessions, runs each session's turns
// in order on the engine, and delivers every reply to every live connection
// of the session. It also answers GET /healthz and, when set, serves the web
// chat page.
package server

import (
	"container/list"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/graph"
	"github.com/botgen-dev/botgen/runtime/protocol"
	"github.com/botgen-dev/botgen/runtime/reply"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
)

// maxKeyLen bounds a client-chosen session key so a client cannot make the
// server keep arbitrarily large map keys.
const maxKeyLen = 256

// readBufferSize is the size of a chat connection's read buffer, which it
// holds for as long as it is open, idle or not: a chat message fits, and a
// larger one costs no more calls than with a larger buffer, since the
// reader takes a message's payload straight into the message's own buffer
// once it is past the buffer's size.
const readBufferSize = 1024

// closeGrace is how long a closing connection waits for the client's close
// frame (or for the rest of an oversized frame) before dropping the TCP
// connection; closing with unread input would reset it and the client could
// miss the close frame.
const closeGrace = time.Second

// Server is a bot's WebSocket chat server. Create it with New; it is safe for
// concurrent use.
type Server struct {
	// Page, when set, serves plain (non-WebSocket) HTTP requests other than
	// GET /healthz: the web chat page at "/" and whatever assets it needs
	// (it answers 404 itself for paths it does not know). When nil, such
	// requests get 404. Set it before Serve.
	Page http.Handler
	// Store, when set, keeps the sessions that clients can resume so that
	// they outlive the process (see package sessionstore). Set it before
	// Serve.
	Store sessionstore.Store
	// TLS, when set, makes Serve serve TLS (wss:// and https://) on its
	// listeners. Set it before Serve.
	TLS *tls.Config
	// NewSession, when set, is given each session the server creates for
	// a client, before its first turn: a bot's test command gives its test
	// sessions their mocks. Set it before Serve.
	NewSession func(key string, s *engine.Session)
	// Graph is the bot's state diagram, drawn at GET /graph when
	// metrics.enabled is true, the setting that guards what the bot
	// shows of its insides; nil: no /graph. Its conditions are shown
	// with their string literals hidden. Set it before Serve.
	Graph *graph.Graph
	// The diagram drawn from Graph, its conditions without their
	// literals, by the first GET /graph: every other highlights a state
	// in it.
	drawOnce sync.Once
	drawing  *graph.Drawing

	eng     *engine.Engine
	cfg     config.Config
	metrics *metrics
	// What GET /metrics exposes, and its handler; nil when
	// metrics.enabled is false.
	registry     *prometheus.Registry
	serveMetrics http.Handler
	budget       *budget // of inbound frames
	pinger       *pinger // the connections' keepalive pings
	turnPool     *turnPool
	log          *slog.Logger
	dialect      protocol.Dialect
	loc          *time.Location
	http         *http.Server
	up           websocket.Upgrader
	nextID       atomic.Uint64 // connection numbers, for logs

	// loopback is true while the server is bound only to loopback
	// addresses; it relaxes the origin check when no allow-list is set.
	loopback atomic.Bool

	mu       sync.Mutex // guards the fields below; taken before session.mu
	sessions map[string]*session
	idle     *list.List // of *session: those without a connection, longest idle first
	// sessionBytes is the sum of the sessions' sizes, bounded by
	// session.memory (see makeRoom).
	sessionBytes int64
	conns        map[*conn]struct{}
	// chatSlots counts the chat connections admitted (handshakes in
	// progress included) and perIP the same by peer address, loopback
	// peers left out; see admit.
	chatSlots int
	perIP     map[string]int
	closing   bool           // Shutdown has begun: no new turns or connections
	turns     sync.WaitGroup // turns in flight; Add only under mu while !closing
	connWG    sync.WaitGroup // live connections

	// byHash finds the sessions of a shared store by the hash events
	// name them by; guarded by mu.
	byHash map[string]*session
	// fan runs the subscription of a shared store; nil otherwise. Set
	// once, by fanOnce, before the server serves.
	fan     *fanout
	fanOnce sync.Once

	janitorOnce sync.Once
	stop        chan struct{} // closed by Shutdown: stops the janitor
	janitorDone chan struct{}
	stopOnce    sync.Once
}

// New returns a server for eng configured by cfg, logging to logger (nil:
// discard). An invalid cfg.Protocol falls back to bbf with a warning.
func New(eng *engine.Engine, cfg config.Config, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	d, err := protocol.ParseDialect(cfg.Protocol)
	if err != nil {
		logger.Warn("invalid protocol, using bbf", "err", err)
		d = protocol.BBF
	}
	loc := time.UTC
	if cfg.Timezone != "" {
		if l, err := time.LoadLocation(cfg.Timezone); err == nil {
			loc = l
		}
	}
	def := config.Default()
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = def.MaxSize
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = def.PingInterval
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = def.WriteTimeout
	}
	if cfg.SendQueue <= 0 {
		cfg.SendQueue = def.SendQueue
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = def.SessionTTL
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = def.IdleTimeout
	}
	if cfg.SendQueueBytes <= 0 {
		cfg.SendQueueBytes = def.SendQueueBytes
	}
	if cfg.HistoryBytes <= 0 {
		cfg.HistoryBytes = def.HistoryBytes
	}
	if cfg.ReadBudget <= 0 {
		cfg.ReadBudget = def.ReadBudget
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = def.StoreTimeout
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = def.LeaseTTL
	}
	// The largest frame must fit, or it would wait for ever.
	cfg.ReadBudget = max(cfg.ReadBudget, cfg.MaxSize)
	var intents []string
	for _, in := range eng.Bot().Intents {
		intents = append(intents, in.Name)
	}
	s := &Server{
		eng:         eng,
		cfg:         cfg,
		metrics:     newMetrics(intents),
		budget:      newBudget(cfg.ReadBudget, cfg.MaxSize),
		log:         logger,
		dialect:     d,
		loc:         loc,
		sessions:    make(map[string]*session),
		idle:        list.New(),
		conns:       make(map[*conn]struct{}),
		perIP:       make(map[string]int),
		byHash:      make(map[string]*session),
		stop:        make(chan struct{}),
		janitorDone: make(chan struct{}),
	}
	s.pinger = newPinger(cfg.PingInterval, s.stop)
	s.turnPool = newTurnPool(s.stop)
	if cfg.MetricsEnabled {
		s.registry = s.newRegistry()
		s.serveMetrics = s.metricsHandler(s.registry)
	}
	s.loopback.Store(isLoopbackHost(cfg.Host))
	s.up = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// Set, so that the connection's reader reads from the sniffed
		// connection rather than the HTTP server's buffer (see sniff.go).
		ReadBufferSize: readBufferSize,
		// permessage-deflate, when the client offers it (browsers do):
		// chat text shrinks to a third or less on the wire.
		EnableCompression: cfg.Compression,
		// Idle connections then hold no write buffer: a bot may keep many
		// connections open that rarely receive anything.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     s.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			s.log.Warn("websocket handshake refused", "remote", r.RemoteAddr, "status", status, "reason", reason, "origin", r.Header.Get("Origin"))
			http.Error(w, http.StatusText(status), status)
		},
	}
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// A plain request (the page, /metrics) must arrive whole in time:
		// a body announced and never sent must not hold a connection. The
		// WebSocket library clears the deadline when it takes a chat
		// connection over.
		ReadTimeout: 30 * time.Second,
		// Idle keep-alive connections hold a descriptor each: they go
		// after a while, as browsers' own idle connections do.
		IdleTimeout: cfg.IdleTimeout,
		ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Dialect returns the protocol dialect the server speaks.
func (s *Server) Dialect() protocol.Dialect { return s.dialect }

// Serve accepts connections on ln until Shutdown; it then returns nil. Any
// other error from the listener is returned. Serve may be called for several
// listeners.
func (s *Server) Serve(ln net.Listener) error {
	s.loopback.Store(isLoopbackAddr(ln.Addr()))
	s.fanOnce.Do(s.setupShared)
	s.log.Info("chat server listening", "addr", ln.Addr().String(), "protocol", string(s.dialect), "origins", s.originRule())
	// The guard goes under TLS: it counts TCP connections, and answers
	// those it refuses itself.
	var l net.Listener = s.guard(ln, s.TLS)
	if s.TLS != nil {
		l = tls.NewListener(l, s.TLS)
	}
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ServeHTTP serves a chat connection for a WebSocket upgrade on any path,
// "ok" on GET /healthz, GET /readyz (see serveReady), the metrics on GET /metrics and the
// state diagram on GET /graph (unless metrics.enabled is false), and hands every other request to Page (404
// when Page is nil).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case websocket.IsWebSocketUpgrade(r):
		s.serveChat(w, r)
	case r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("ok"))
	case r.URL.Path == "/readyz" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.serveReady(w)
	case r.URL.Path == "/metrics" && s.serveMetrics != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.serveMetrics.ServeHTTP(w, r)
	case r.URL.Path == "/graph" && s.Graph != nil && s.cfg.MetricsEnabled && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.serveGraph(w, r)
	case s.Page != nil:
		s.Page.ServeHTTP(w, r)
	default:
		http.Error(w, "not found: this is a chat bot's WebSocket endpoint", http.StatusNotFound)
	}
}

// serveReady answers whether the bot can serve a turn: 200 "ok" when it has
// no store or its store answers a ping within session.store_timeout, 503
// with the reason otherwise. /healthz answers whether the process is alive.
func (s *Server) serveReady(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: shutting down"))
		return
	}
	if s.Store != nil {
		if err := s.storeCall("ping", s.Store.Ping); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = fmt.Fprintf(w, "not ready: the session store does not answer: %v", err)
			return
		}
	}
	_, _ = w.Write([]byte("ok"))
}

// Shutdown stops accepting connections, waits for turns in flight to finish
// and their replies to be written, then closes every connection with close
// code 1001 (going away). If ctx ends first, the remaining connections are
// dropped and ctx's error is returned.
//
// On a shared store (several instances) it closes them with 1012 (service
// restart) instead, so that clients reconnect to another instance at once,
// and keeps listening until they are closed, answering GET /readyz with
// 503 and chat handshakes with 503, so that a load balancer sends no one
// here meanwhile.
func (s *Server) Shutdown(ctx context.Context) error {
	s.fanOnce.Do(s.setupShared)
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.stopOnce.Do(func() { close(s.stop) })
	if s.fan != nil {
		return s.shutdownShared(ctx)
	}

	// Stops the listeners and waits for plain HTTP requests; chat
	// connections are hijacked, so they are handled below.
	err := s.http.Shutdown(ctx)

	if werr := waitCtx(ctx, &s.turns); werr != nil && err == nil {
		err = werr
	}
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.goAway(websocket.CloseGoingAway, "server shutting down")
	}
	if werr := waitCtx(ctx, &s.connWG); werr != nil {
		for _, c := range conns {
			c.teardown("shutdown deadline passed")
		}
		if err == nil {
			err = werr
		}
	}
	s.janitorOnce.Do(func() { close(s.janitorDone) }) // never started: nothing to wait for
	<-s.janitorDone
	s.pinger.wait()
	s.budget.stop()
	return err
}

// shutdownShared is Shutdown on a shared store, once closing is set.
func (s *Server) shutdownShared(ctx context.Context) error {
	err := waitCtx(ctx, &s.turns)
	conns := s.allConns()
	for _, c := range conns {
		c.goAway(websocket.CloseServiceRestart, "server restarting")
	}
	if werr := waitCtx(ctx, &s.connWG); werr != nil {
		for _, c := range conns {
			c.teardown("shutdown deadline passed")
		}
		if err == nil {
			err = werr
		}
	}
	if herr := s.http.Shutdown(ctx); herr != nil && err == nil {
		err = herr
	}
	s.stopShared()
	s.janitorOnce.Do(func() { close(s.janitorDone) })
	<-s.janitorDone
	s.budget.stop()
	return err
}

// allConns returns the live chat connections.
func (s *Server) allConns() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	return conns
}

// waitCtx waits for wg or ctx, whichever comes first.
func waitCtx(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// beginTurn registers a turn in flight; false once Shutdown has begun.
func (s *Server) beginTurn() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.turns.Add(1)
	return true
}

func (s *Server) endTurn() { s.turns.Done() }

// now is the time stamped on frames, in the bot's time zone.
func (s *Server) now() time.Time { return time.Now().In(s.loc) }

// serveChat upgrades r and runs the connection until it ends.
func (s *Server) serveChat(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("X-Session-ID")
	if key == "" {
		key = r.URL.Query().Get("session_id")
	}
	if why := badKey(key); why != "" {
		s.log.Warn("websocket handshake refused", "remote", r.RemoteAddr, "reason", "invalid session id: "+why)
		http.Error(w, "invalid session id: "+why, http.StatusBadRequest)
		return
	}
	user := r.Header.Get("X-User-ID")
	if user == "" {
		user = r.URL.Query().Get("user_id")
	}
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		s.metrics.refused(refusedShutdown)
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	ip, refused := s.admit(r.RemoteAddr)
	if refused != "" {
		s.refuse(w, r, ip, refused)
		return
	}
	sniff := &frameSniffer{}
	ws, err := s.up.Upgrade(sniffingWriter{ResponseWriter: w, sniff: sniff}, r, nil)
	if err != nil {
		s.release(ip)
		return // the upgrader has answered and logged
	}
	// No limit in the library: the reader enforces websocket.max_size itself
	// (see readFrame), so that it can tell the user before closing.

	c := &conn{
		srv:        s,
		ws:         ws,
		id:         s.nextID.Add(1),
		ip:         ip,
		sniff:      sniff,
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
		echo:       r.URL.Query().Get("echo") == "1",
		stream:     r.URL.Query().Get("stream") == "1",
		replayAll:  r.URL.Query().Get("replay") == "all",
	}
	sess, fresh, err := s.attach(c, key, r.RemoteAddr)
	if errors.Is(err, errClosing) { // Shutdown began during the handshake
		s.release(ip)
		code, text := websocket.CloseGoingAway, "server shutting down"
		if s.fan != nil {
			code, text = websocket.CloseServiceRestart, "server restarting"
		}
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(s.cfg.WriteTimeout))
		_ = ws.Close()
		return
	}
	if err != nil { // the store holds the session, and does not answer
		s.release(ip)
		s.log.Error("connection closed: its stored session cannot be read", "session", logID(key), "remote", r.RemoteAddr, "err", err)
		deadline := time.Now().Add(s.cfg.WriteTimeout)
		if f, err := s.dialect.EncodeReply(reply.NewText(reply.Str, unreachableText), s.now()); err == nil {
			_ = ws.SetWriteDeadline(deadline)
			_ = ws.WriteMessage(websocket.TextMessage, f)
		}
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "session store unavailable"), deadline)
		_ = ws.Close()
		return
	}
	attrs := []any{"resumed", !fresh, "resumable", sess.resumable}
	if user != "" {
		attrs = append(attrs, "user", user)
	}
	c.log.Info("connection opened", attrs...)

	s.pinger.add(c)
	s.start(sess)
	// The reader runs on a goroutine of its own and the handler returns:
	// net/http then lets go of what it holds for the request (its
	// connection's buffers, the request, a deep stack), which would
	// otherwise stay for as long as the connection, idle or not.
	c.startReading()
}

// badKey says what is wrong with a client-chosen session key, or "" when
// nothing is. A key that is not UTF-8 could be kept but never stored and
// restored (the store writes JSON), so it is refused like the others.
func badKey(key string) string {
	switch {
	case len(key) > maxKeyLen:
		return fmt.Sprintf("longer than %d bytes", maxKeyLen)
	case !utf8.ValidString(key):
		return "not valid UTF-8"
	case strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "contains a control character"
	}
	return ""
}

// errClosing is attach's error once Shutdown has begun.
var errClosing = errors.New("server shutting down")

// attach finds or creates the session for key and adds c to it, setting
// c.sess and c.log; fresh reports a new session. It fails once Shutdown has
// begun (errClosing), and when the store could not be asked for the
// session: a new one would overwrite it.
func (s *Server) attach(c *conn, key, remote string) (sess *session, fresh bool, err error) {
	// A session the store holds is read before taking the server's lock, so
	// that reading a file holds up no other connection. Should the session
	// leave memory (evicted) between the look and the lock, it is read
	// then: a fresh session would overwrite its file.
	var restored *session
	tried := false
	for {
		if key != "" && s.Store != nil && !tried && !s.holds(key) {
			if restored, err = s.restore(key); err != nil {
				return nil, false, err
			}
			tried = true
		}
		if key != "" && s.fan != nil && !tried {
			// Another instance may have written the session since this
			// one last read it: the connection's view starts from the
			// store's.
			if err := s.refreshHeld(key); err != nil {
				return nil, false, err
			}
		}
		s.mu.Lock()
		if key == "" || s.Store == nil || tried || s.sessions[key] != nil {
			break
		}
		s.mu.Unlock()
	}
	defer s.mu.Unlock()
	if s.closing {
		return nil, false, errClosing
	}
	// Only a client-chosen key makes a session resumable: no client could
	// come back to a session whose key it was never told.
	resumable := key != ""
	if key != "" {
		sess = s.sessions[key]
	}
	s.metrics.opened.Inc()
	if sess == nil && restored != nil {
		s.makeRoom()
		sess = restored
		s.adopt(sess)
		s.metrics.restored.Inc()
		s.janitorOnce.Do(func() { go s.janitor() })
	}
	if sess == nil {
		s.makeRoom()
		// Only sessions with a key of the client's choosing are stored:
		// no client could come back to any other.
		stored := key != "" && s.Store != nil
		if key == "" {
			key = newUUID()
		}
		sess = &session{id: key, resumable: resumable, stored: stored, es: s.eng.NewSession(key)}
		s.wireModel(sess)
		if s.NewSession != nil {
			s.NewSession(key, sess.es)
		}
		s.adopt(sess)
		fresh = true
		s.metrics.created.Inc()
		s.janitorOnce.Do(func() { go s.janitor() })
	}
	if sess.idle != nil {
		s.idle.Remove(sess.idle)
		sess.idle = nil
	}
	c.sess = sess
	c.log = newConnLogger(s, c, remote)
	sess.mu.Lock()
	sess.conns = append(sess.conns, c)
	c.since = sess.recorded
	sess.mu.Unlock()
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	return sess, fresh, nil
}

// detach removes c from the server and its session; a session that is not
// resumable goes when its last connection does.
func (s *Server) detach(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.conns[c]; !ok {
		return
	}
	delete(s.conns, c)
	s.connWG.Done()
	s.releaseLocked(c.ip)
	sess := c.sess
	sess.mu.Lock()
	for i, x := range sess.conns {
		if x == c {
			sess.conns = append(sess.conns[:i], sess.conns[i+1:]...)
			break
		}
	}
	empty := len(sess.conns) == 0
	if empty {
		sess.idleSince = time.Now()
	}
	sess.mu.Unlock()
	if !empty || s.sessions[sess.id] != sess {
		return
	}
	if !sess.resumable {
		s.forget(sess)
		s.log.Debug("session deleted", "session", sess.logID())
		return
	}
	sess.idle = s.idle.PushBack(sess)
	// Sessions grow while they converse: once one goes idle, the oldest
	// idle ones make up for what the memory bound was exceeded by.
	if s.cfg.SessionMemory > 0 && s.sessionBytes > s.cfg.SessionMemory {
		s.evictIdle(func() bool { return s.sessionBytes > s.cfg.SessionMemory && s.idle.Front() != sess.idle })
	}
}

// adopt adds sess, which no one else holds yet, to the server. Called with
// s.mu held.
func (s *Server) adopt(sess *session) {
	sess.size = sessionOverhead + sess.historyBytes + sess.es.Size()
	s.sessions[sess.id] = sess
	s.sessionBytes += sess.size
	if s.sharing(sess) {
		sess.hash = sessionstore.Hash(sess.id)
		s.byHash[sess.hash] = sess
	}
}

// refreshHeld brings the session with key up to date with a shared store,
// if this server holds it and no turn of it runs here (a turn brings it
// up to date itself).
func (s *Server) refreshHeld(key string) error {
	s.mu.Lock()
	sess := s.sessions[key]
	s.mu.Unlock()
	if sess == nil || !s.sharing(sess) || !sess.turn.TryLock() {
		return nil
	}
	defer sess.turn.Unlock()
	if sess.evicted {
		return nil
	}
	return s.refresh(sess)
}

// forget removes sess from the server. Called with s.mu held.
func (s *Server) forget(sess *session) {
	delete(s.sessions, sess.id)
	if sess.hash != "" && s.byHash[sess.hash] == sess {
		delete(s.byHash, sess.hash)
	}
	if sess.idle != nil {
		s.idle.Remove(sess.idle)
		sess.idle = nil
	}
	s.sessionBytes -= sess.size
	sess.size = 0
}

// makeRoom evicts the sessions idle the longest (no connection) while the
// server holds session.max sessions or more, or more than session.memory
// bytes of them, to make room for one more.
// Sessions with a connection are never evicted, nor one whose last turn is
// still running; a stored session stays in the store, where its key finds
// it again. Called with s.mu held.
func (s *Server) makeRoom() {
	s.evictIdle(func() bool {
		return s.cfg.SessionMax > 0 && len(s.sessions) >= s.cfg.SessionMax ||
			s.cfg.SessionMemory > 0 && s.sessionBytes+sessionOverhead > s.cfg.SessionMemory
	})
}

// evictIdle evicts the sessions idle the longest while full holds. Called
// with s.mu held.
func (s *Server) evictIdle(full func() bool) {
	for e := s.idle.Front(); e != nil && full(); {
		next := e.Next()
		sess := e.Value.(*session)
		if sess.turn.TryLock() {
			s.forget(sess)
			sess.evicted = true
			sess.turn.Unlock()
			s.metrics.evicted.Inc()
			s.log.Debug("idle session evicted: session.max or session.memory reached", "session", sess.logID(), "stored", sess.stored)
		}
		e = next
	}
}

// janitor reclaims resumable sessions that have had no connection for
// cfg.SessionTTL.
func (s *Server) janitor() {
	defer close(s.janitorDone)
	every := min(max(s.cfg.SessionTTL/4, 10*time.Millisecond), time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.reclaim(now)
		}
	}
}

func (s *Server) reclaim(now time.Time) {
	var gone, live []string
	s.mu.Lock()
	for id, sess := range s.sessions {
		sess.mu.Lock()
		idle := len(sess.conns) == 0 && now.Sub(sess.idleSince) >= s.cfg.SessionTTL
		sess.mu.Unlock()
		if idle {
			s.forget(sess)
			s.metrics.expired.Inc()
			if sess.stored {
				gone = append(gone, id)
			}
			s.log.Info("session expired", "session", sess.logID())
		}
	}
	for id, sess := range s.sessions {
		if sess.stored {
			live = append(live, id)
		}
	}
	s.mu.Unlock()
	if s.Store == nil {
		return
	}
	// The store is asked without the server's lock, which would hold up
	// every connection: a session read back in the meantime, whose file
	// or keys go, is written whole at its next turn.
	for _, id := range gone {
		if err := s.storeCall("remove", func(ctx context.Context) error { return s.Store.Remove(ctx, id) }); err != nil {
			s.log.Warn("expired session not removed from the store", "session", logID(id), "err", err)
		}
	}
	var sw sessionstore.Swept
	err := s.storeCall("sweep", func(ctx context.Context) (err error) {
		sw, err = s.Store.Sweep(ctx, live)
		return err
	})
	if err != nil {
		s.log.Warn("session store not swept", "err", err)
	}
	if sw.Expired > 0 {
		s.log.Info("stored sessions expired", "count", sw.Expired)
	}
	if sw.Evicted > 0 {
		s.metrics.storeEvicted.Add(float64(sw.Evicted))
		s.log.Warn("stored sessions removed: session.store_bytes reached", "count", sw.Evicted, "store_bytes", s.cfg.StoreBytes)
	}
}

// holds reports whether the session with key is in memory.
func (s *Server) holds(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.sessions[key]
	return ok
}

// SessionCount returns the number of sessions held.
func (s *Server) SessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// ConnCount returns the number of live chat connections.
func (s *Server) ConnCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func isLoopbackHost(host string) bool {
	h := strings.Trim(host, "[]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func isLoopbackAddr(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true // only local processes can reach it
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return false
	}
	return isLoopbackHost(host)
}
