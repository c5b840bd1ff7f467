package server

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Connection limits. A chat connection is admitted when the server holds
// fewer than server.max_connections and its peer address fewer than
// server.max_connections_per_ip (loopback peers, such as a proxy on the same
// host, are not counted per address); otherwise the handshake is answered
// 503. Below those, the listener keeps every TCP connection (chat or plain
// HTTP) within what the process's file limit allows, so that running out of
// file descriptors never stops the bot from answering: connections beyond
// it get a quick 503 (GET /healthz still gets "ok") and are closed.

// The reasons a connection is refused, as counted in /metrics.
const (
	refusedMax      = "max_connections"
	refusedPerIP    = "max_connections_per_ip"
	refusedFiles    = "file_limit"
	refusedShutdown = "shutting_down"
)

// shedTimeout bounds the time a connection refused by the listener may take
// to send its request line and read the answer.
const shedTimeout = 2 * time.Second

// maxShedding bounds the refused connections answered at once; beyond it a
// refused connection is closed without an answer.
const maxShedding = 16

// admit reserves a chat connection slot for a peer, or says why it cannot.
// A reserved slot is given back with release.
func (s *Server) admit(remote string) (ip string, refused string) {
	ip = peerIP(remote)
	s.mu.Lock()
	defer s.mu.Unlock()
	if max := s.cfg.MaxConnections; max > 0 && s.chatSlots >= max {
		return ip, refusedMax
	}
	if max := s.cfg.MaxConnectionsPerIP; max > 0 && !isLoopbackHost(ip) && s.perIP[ip] >= max {
		return ip, refusedPerIP
	}
	s.chatSlots++
	if !isLoopbackHost(ip) {
		s.perIP[ip]++
	}
	return ip, ""
}

// release gives back the slot admit reserved for ip.
func (s *Server) release(ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.releaseLocked(ip)
}

// releaseLocked is release with s.mu held.
func (s *Server) releaseLocked(ip string) {
	s.chatSlots--
	if !isLoopbackHost(ip) {
		if s.perIP[ip]--; s.perIP[ip] <= 0 {
			delete(s.perIP, ip)
		}
	}
}

// refuse answers a chat handshake that a limit stops, logging why.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, ip, reason string) {
	s.metrics.refused(reason)
	switch reason {
	case refusedMax:
		s.log.Warn("connection refused: server.max_connections reached", "remote", r.RemoteAddr, "max_connections", s.cfg.MaxConnections)
	case refusedPerIP:
		s.log.Warn("connection refused: server.max_connections_per_ip reached for this address (behind a proxy on another host, raise it or set 0)",
			"remote", r.RemoteAddr, "ip", ip, "max_connections_per_ip", s.cfg.MaxConnectionsPerIP)
	}
	w.Header().Set("Retry-After", "5")
	http.Error(w, "the bot has too many connections; try again later", http.StatusServiceUnavailable)
}

// peerIP is the address part of a remote address.
func peerIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// guardedListener counts the TCP connections it hands out and, beyond max,
// answers and closes them itself. It also survives running out of file
// descriptors: it holds one spare descriptor, which it gives up to accept
// and answer a connection when accepting fails with EMFILE.
type guardedListener struct {
	net.Listener
	srv     *Server
	max     int64 // connections handed out at most; 0: no limit
	open    atomic.Int64
	perPeer int // TCP connections from one address at most (loopback not counted); 0: no limit

	peersMu  sync.Mutex
	peers    map[string]int
	shedding chan struct{} // a token per refused connection being answered
	tls      *tls.Config   // set when the listener's connections are TLS

	spareMu sync.Mutex
	spare   *os.File // nil when it could not be opened (yet)
	closed  bool
}

func (s *Server) guard(ln net.Listener, tlsCfg *tls.Config) *guardedListener {
	g := &guardedListener{Listener: ln, srv: s, shedding: make(chan struct{}, maxShedding), tls: tlsCfg, peers: map[string]int{}}
	if n := s.cfg.MaxConnectionsPerIP; n > 0 {
		// Room for a browser's plain requests beside its chats.
		g.perPeer = n + 16
	}
	if limit := fileLimit(); limit > 0 {
		// Leave room for what else the process opens: the store's files,
		// the spare, refused connections being answered.
		reserve := min(max(limit/4, 2*maxShedding), 256)
		g.max = int64(limit - reserve)
		if mc := s.cfg.MaxConnections; mc > 0 && int64(mc) > g.max {
			s.log.Warn("the process's file limit allows fewer connections than server.max_connections: raise it (ulimit -n)",
				"file_limit", limit, "connections", g.max, "max_connections", mc)
		}
	}
	g.spare, _ = os.Open(os.DevNull)
	return g
}

// Accept returns the next connection within the limit.
func (g *guardedListener) Accept() (net.Conn, error) {
	for {
		g.keepSpare()
		c, err := g.Listener.Accept()
		if err != nil {
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				g.acceptWithSpare()
			}
			return nil, err // http.Server retries after a pause
		}
		if g.max > 0 && g.open.Load() >= g.max {
			g.shed(c, refusedFiles)
			continue
		}
		ip := peerIP(c.RemoteAddr().String())
		if !g.take(ip) {
			g.shed(c, refusedPerIP)
			continue
		}
		g.open.Add(1)
		return &countedConn{Conn: c, g: g, ip: ip}, nil
	}
}

// keepSpare takes the spare descriptor back when it was given up and
// could not be taken back at once.
func (g *guardedListener) keepSpare() {
	g.spareMu.Lock()
	defer g.spareMu.Unlock()
	if g.spare == nil && !g.closed {
		g.spare, _ = os.Open(os.DevNull)
	}
}

// acceptWithSpare gives up the spare descriptor to accept one connection and
// answer it, then takes the spare back: a client (a health check, say)
// learns at once that the bot is out of descriptors instead of waiting.
func (g *guardedListener) acceptWithSpare() {
	g.spareMu.Lock()
	defer g.spareMu.Unlock()
	if g.spare == nil {
		return
	}
	g.spare.Close()
	g.spare = nil
	if c, err := g.Listener.Accept(); err == nil {
		g.shed(c, refusedFiles)
	}
	g.spare, _ = os.Open(os.DevNull)
}

// Close closes the listener and the spare descriptor.
func (g *guardedListener) Close() error {
	g.spareMu.Lock()
	if g.spare != nil {
		g.spare.Close()
		g.spare = nil
	}
	g.closed = true
	g.spareMu.Unlock()
	return g.Listener.Close()
}

// take counts a connection from ip, unless ip has perPeer already.
func (g *guardedListener) take(ip string) bool {
	if g.perPeer <= 0 || isLoopbackHost(ip) {
		return true
	}
	g.peersMu.Lock()
	defer g.peersMu.Unlock()
	if g.peers[ip] >= g.perPeer {
		return false
	}
	g.peers[ip]++
	return true
}

// give uncounts a connection from ip.
func (g *guardedListener) give(ip string) {
	if g.perPeer <= 0 || isLoopbackHost(ip) {
		return
	}
	g.peersMu.Lock()
	defer g.peersMu.Unlock()
	if g.peers[ip]--; g.peers[ip] <= 0 {
		delete(g.peers, ip)
	}
}

// shed answers a connection the listener does not hand out, in the
// background, and closes it.
func (g *guardedListener) shed(c net.Conn, reason string) {
	g.srv.metrics.refused(reason)
	select {
	case g.shedding <- struct{}{}:
	default:
		c.Close()
		return
	}
	go func() {
		defer func() { <-g.shedding }()
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(shedTimeout))
		if g.tls != nil {
			tc := tls.Server(c, g.tls)
			if tc.Handshake() != nil {
				return
			}
			c = tc
		}
		line, _ := bufio.NewReaderSize(c, 4096).ReadString('\n')
		method, rest, _ := strings.Cut(line, " ")
		path, _, _ := strings.Cut(rest, " ")
		if (method == http.MethodGet || method == http.MethodHead) && path == "/healthz" {
			// The process is alive; it is only full.
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nok")
			return
		}
		const body = "the bot has too many connections; try again later\n"
		fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nRetry-After: 5\r\nConnection: close\r\n\r\n%s", len(body), body)
	}()
}

// countedConn gives its slots back to the listener when closed.
type countedConn struct {
	net.Conn
	g    *guardedListener
	ip   string
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.g.open.Add(-1)
		c.g.give(c.ip)
	})
	return c.Conn.Close()
}
