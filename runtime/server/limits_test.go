package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
)

// TestMaxConnections: beyond server.max_connections a handshake gets 503,
// with a log line and a metric; a connection that closes frees its slot.
func TestMaxConnections(t *testing.T) {
	ts := start(t, nil, func(c *config.Config) { c.MaxConnections = 3 })
	var held []*client
	for range 3 {
		c := ts.dial(t, "", nil)
		c.expect(bbfStr, greeting)
		held = append(held, c)
	}
	if _, err := ts.tryDial("", nil); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("a fourth connection: %v, want HTTP 503", err)
	}
	if !strings.Contains(ts.logs.String(), "connection refused: server.max_connections reached") {
		t.Errorf("no log line:\n%s", ts.logs.String())
	}
	if _, m := ts.scrape(t); !strings.Contains(m, `botgen_connections_refused_total{reason="max_connections"} 1`) {
		t.Errorf("metrics:\n%s", m)
	}
	held[0].ws.Close()
	ts.waitConns(t, 2)
	c := ts.dial(t, "", nil)
	c.expect(bbfStr, greeting)
}

// TestMaxConnectionsPerIP: one address may hold server.max_connections_per_ip
// connections; loopback peers are not counted (a proxy on the same host).
func TestMaxConnectionsPerIP(t *testing.T) {
	ip := nonLoopbackIP(t)
	ts := startOn(t, ip, func(c *config.Config) { c.MaxConnectionsPerIP = 2 })
	for range 2 {
		ts.dial(t, "", nil).expect(bbfStr, greeting)
	}
	_, err := ts.tryDial("", nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("a third connection from %s: %v, want HTTP 503", ip, err)
	}
	if !strings.Contains(ts.logs.String(), "server.max_connections_per_ip reached") || !strings.Contains(ts.logs.String(), "ip="+ip) {
		t.Errorf("no log line naming the address:\n%s", ts.logs.String())
	}
	if _, m := ts.scrape(t); !strings.Contains(m, `botgen_connections_refused_total{reason="max_connections_per_ip"} 1`) {
		t.Errorf("metrics:\n%s", m)
	}

	// Plain connections from the address are bounded too, with room for a
	// browser's requests beside its chats: one announcing a body it never
	// sends cannot pile up.
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	refused := false
	for range 2 + 16 + 5 {
		nc, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(ts.url, "ws://"), "/"))
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, nc)
		io.WriteString(nc, "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
		_ = nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if resp, err := http.ReadResponse(bufio.NewReader(nc), nil); err == nil && resp.StatusCode == 503 {
			refused = true
			break
		}
	}
	if !refused {
		t.Errorf("%d plain connections from one address all held", len(held))
	}

	// The same cap does not apply to loopback.
	lo := start(t, nil, func(c *config.Config) { c.MaxConnectionsPerIP = 2 })
	for range 4 {
		lo.dial(t, "", nil).expect(bbfStr, greeting)
	}
}

// nonLoopbackIP is an IPv4 address of this host that is not loopback.
func nonLoopbackIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("this host has no non-loopback IPv4 address to test a per-address limit from")
	return ""
}

// startOn is start on another address than 127.0.0.1.
func startOn(t *testing.T, host string, opts ...option) *testServer {
	t.Helper()
	ts := startWith(t, nil, nil, opts...)
	// Serve the same server on host too: its peers are host, not loopback.
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	go ts.Serve(ln)
	ts.url = "ws://" + ln.Addr().String() + "/"
	// Connections from host to host would be cross-origin for a browser;
	// these have no Origin header, so the origin rule lets them in.
	return ts
}

// TestIdleKeepAliveClosed: an idle HTTP keep-alive connection is closed
// after server.idle_timeout.
func TestIdleKeepAliveClosed(t *testing.T) {
	ts := start(t, nil, func(c *config.Config) { c.IdleTimeout = 200 * time.Millisecond })
	nc, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(ts.url, "ws://"), "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := io.WriteString(nc, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("the idle keep-alive connection: %v, want it closed by the server", err)
	}
}

// emfileListener fails its first Accept with EMFILE, as a listener does
// when the process is out of file descriptors, and then hands out pipes.
type emfileListener struct {
	failed bool
	conns  chan net.Conn
}

func (l *emfileListener) Accept() (net.Conn, error) {
	if !l.failed {
		l.failed = true
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	c, ok := <-l.conns
	if !ok {
		return nil, net.ErrClosed
	}
	return c, nil
}
func (l *emfileListener) Close() error   { return nil }
func (l *emfileListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// TestOutOfDescriptorsHealthz: when accepting fails for want of file
// descriptors, the listener gives up its spare one to answer the waiting
// client at once (a health check gets "ok") instead of leaving it hanging.
func TestOutOfDescriptorsHealthz(t *testing.T) {
	eng, err := engine.New(testBot(nil), config.Default())
	if err != nil {
		t.Fatal(err)
	}
	srv := New(eng, config.Default(), slog.New(slog.DiscardHandler))
	ln := &emfileListener{conns: make(chan net.Conn, 1)}
	g := srv.guard(ln, nil)
	defer g.Close()
	client, server := net.Pipe()
	ln.conns <- server
	go func() {
		_, err := g.Accept()
		if !errors.Is(err, syscall.EMFILE) {
			t.Errorf("Accept: %v, want EMFILE for http.Server to retry", err)
		}
	}()
	_ = client.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(client, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(client), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}
}

// TestSessionMax: beyond session.max sessions, the one idle the longest is
// evicted from memory; a stored one comes back from the store with its
// key, an unstored one starts over; sessions with a connection stay.
func TestSessionMax(t *testing.T) {
	for _, stored := range []bool{false, true} {
		t.Run(fmt.Sprintf("stored=%v", stored), func(t *testing.T) {
			var setup func(*Server)
			if stored {
				setup = withStore(t, t.TempDir())
			}
			ts := startWith(t, nil, setup, baf, func(c *config.Config) { c.SessionMax = 3 })
			talk := func(key string) *client {
				c := ts.dial(t, "session_id="+key, nil)
				c.expect(bafStr, greeting)
				c.say("count")
				c.expect(bafStr, "count=1")
				return c
			}
			live := talk("live") // keeps its connection throughout
			for _, key := range []string{"a", "b"} {
				talk(key).ws.Close()
				ts.waitConns(t, 1)
			}
			talk("c").ws.Close() // a, the longest idle, makes room for c
			ts.waitConns(t, 1)
			if n := ts.SessionCount(); n != 3 {
				t.Errorf("%d sessions held, want session.max = 3", n)
			}
			if _, m := ts.scrape(t); !strings.Contains(m, "botgen_sessions_evicted_total 1\n") {
				t.Errorf("metrics:\n%s", m)
			}
			a := ts.dial(t, "session_id=a", nil)
			if stored {
				a.say("count") // read back from the store: no greeting, count goes on
				a.expect(bafStr, "count=2")
			} else {
				a.expect(bafStr, greeting) // started over
			}
			live.say("count")
			live.expect(bafStr, "count=2")
		})
	}
}

// TestKeylessSessionsDropped: a session without a client-chosen key goes
// with its last connection, in both dialects, since no client could come
// back to it.
func TestKeylessSessionsDropped(t *testing.T) {
	for _, proto := range []option{baf, func(*config.Config) {}} {
		ts := start(t, nil, proto)
		for range 50 {
			c := ts.dial(t, "", nil)
			c.next()
			c.ws.Close()
		}
		ts.waitConns(t, 0)
		if n := ts.SessionCount(); n != 0 {
			t.Errorf("%s: %d sessions held after their connections closed, want 0", ts.Dialect(), n)
		}
	}
}

// TestSessionMemory: the sessions in memory take at most session.memory
// bytes (history and variables) once new ones need room: those idle the
// longest go first.
func TestSessionMemory(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) { c.SessionMemory = 1 << 20; c.HistoryBytes = 256 << 10 })
	msg := strings.Repeat("m", 60<<10) // kept whole: under a quarter of the history bound
	for i := range 20 {
		c := ts.dial(t, fmt.Sprintf("session_id=s%d", i), nil)
		c.next()
		for range 3 {
			c.say(msg)
			c.next()
		}
		c.ws.Close()
		ts.waitConns(t, 0)
	}
	ts.mu.Lock()
	n, bytes := len(ts.sessions), ts.sessionBytes
	ts.mu.Unlock()
	if bytes > 1<<20 || n >= 20 {
		t.Errorf("%d sessions hold %d bytes, want at most session.memory (1 MiB)", n, bytes)
	}
	if _, m := ts.scrape(t); strings.Contains(m, "botgen_sessions_evicted_total 0\n") {
		t.Errorf("no session evicted:\n%s", m)
	}
	// The newest is still there.
	c := ts.dial(t, "session_id=s19", nil)
	c.say("count")
	c.expect(bafStr, "count=1")
}

// TestStoreBytes: the store's files take at most session.store_bytes: the
// sessions written least recently go first.
func TestStoreBytes(t *testing.T) {
	dir := t.TempDir()
	ts := startWith(t, nil, withStore(t, dir), baf, func(c *config.Config) { c.StoreBytes = 64 << 10; c.SessionMax = 2 })
	msg := strings.Repeat("m", 10<<10)
	for i := range 20 {
		c := ts.dial(t, fmt.Sprintf("session_id=f%d", i), nil)
		c.next()
		c.say(msg)
		c.next()
		c.ws.Close()
		ts.waitConns(t, 0)
		time.Sleep(10 * time.Millisecond) // distinct modification times
	}
	ts.reclaim(time.Now())
	var total int64
	files := storeFiles(t, dir)
	for _, f := range files {
		info, err := os.Stat(f)
		if err == nil {
			total += info.Size()
		}
	}
	if total > 64<<10 {
		t.Errorf("%d files take %d bytes, want at most session.store_bytes (64 KiB)", len(files), total)
	}
	if _, err := os.Stat(storePath(dir, "f19")); err != nil {
		t.Errorf("the newest session's file is gone: %v", err)
	}
	if _, err := os.Stat(storePath(dir, "f0")); err == nil {
		t.Error("the oldest session's file is kept")
	}
	if _, m := ts.scrape(t); strings.Contains(m, "botgen_stored_sessions_removed_total 0\n") {
		t.Errorf("metrics:\n%s", m)
	}
}

// TestSlowTurnKeepsTheConnection: a turn that takes longer than the
// keepalive wait does not cost its connection: the wait for the client's
// next message starts when the turn ends.
func TestSlowTurnKeepsTheConnection(t *testing.T) {
	hooks := &testHooks{slowStarted: make(chan struct{}), slowRelease: make(chan struct{})}
	ts := start(t, hooks, baf, func(c *config.Config) {
		c.PingInterval = 100 * time.Millisecond
		c.WriteTimeout = 200 * time.Millisecond
	})
	c := ts.dial(t, "", nil)
	c.next()
	c.say("slow")
	<-hooks.slowStarted
	time.Sleep(time.Second) // more than two pings and the write timeout
	hooks.slowRelease <- struct{}{}
	c.expect(bafStr, "slow done")
	c.say("count")
	c.expect(bafStr, "count=1")
}
