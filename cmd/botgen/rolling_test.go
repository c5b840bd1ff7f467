package main

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/internal/nginxtest"
	"github.com/botgen-dev/botgen/internal/redistest"
)

// relayBot counts each session's turns and names the session in every
// reply, from a variable its client sets: a reply that reaches the wrong
// client, or a turn lost or run twice, shows in one reply.
const relayBot = `bot relay

var n = 0
var who = ""

intent count { "count" }

initial state start {
    on count -> inc
}

state inc {
    set n = n + 1
    reply "{who} n={n}"
    go start
}
`

// notSaved starts the reply of a turn the store did not take.
const notSaved = "Sorry, I could not save that"

// rollingClient is one session's client behind nginx: it converses,
// reconnects whenever its connection ends, and keeps every reply it saw.
type rollingClient struct {
	id  string
	url string

	mu      sync.Mutex
	got     []string  // the replies seen, in order
	closes  []int     // the close codes its connections ended with (1006: none)
	broke   time.Time // when its last connection ended
	resumed []time.Duration
	err     error
}

func (c *rollingClient) acked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}

func (c *rollingClient) fail(format string, args ...any) {
	c.mu.Lock()
	if c.err == nil {
		c.err = fmt.Errorf(c.id+": "+format, args...)
	}
	c.mu.Unlock()
}

func (c *rollingClient) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// want is the reply to the session's k-th count.
func (c *rollingClient) want(k int) string { return fmt.Sprintf("%s n=%d", c.id, k) }

type wireFrame struct {
	Action  string `json:"action"`
	Message any    `json:"message"`
	History bool   `json:"history"`
}

// run converses until stop is closed, one message at a time.
func (c *rollingClient) run(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		ws, _, err := websocket.DefaultDialer.Dial(c.url+"?session_id="+c.id, nil)
		if err != nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		code := c.connection(ws, stop)
		ws.Close()
		c.mu.Lock()
		c.closes = append(c.closes, code)
		c.broke = time.Now()
		c.mu.Unlock()
		if c.failed() != nil || code == 0 {
			return
		}
	}
}

// connection runs one connection: it names the session, checks the
// history against what it saw, then counts until the connection ends
// (returning its close code) or stop is closed (returning 0).
func (c *rollingClient) connection(ws *websocket.Conn, stop <-chan struct{}) int {
	send := func(action string, message any) error {
		return ws.WriteJSON(map[string]any{"action": action, "message": message})
	}
	read := func() (wireFrame, error) {
		var f wireFrame
		_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
		err := ws.ReadJSON(&f)
		return f, err
	}
	closeCode := func(err error) int {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		return websocket.CloseAbnormalClosure
	}
	if err := send("user_set_variable", map[string]any{"who": c.id}); err != nil {
		return closeCode(err)
	}
	// The history comes before the reply to the count sent after it.
	if err := send("fetch_user_messages", nil); err != nil {
		return closeCode(err)
	}
	first := true
	for {
		if err := send("user_message", "count"); err != nil {
			return closeCode(err)
		}
		var hist []string
		for {
			f, err := read()
			if err != nil {
				return closeCode(err)
			}
			text, _ := f.Message.(string)
			if f.Action != "agent_reply_str" {
				continue
			}
			if f.History {
				hist = append(hist, text)
				continue
			}
			if first {
				// What the client saw must be the stored history, but
				// for the turn of a reply lost with its connection.
				c.mu.Lock()
				seen := c.got
				c.mu.Unlock()
				if len(hist) < len(seen) || len(hist) > len(seen)+1 || !slices.Equal(hist[:len(seen)], seen) {
					c.fail("history on reconnecting has %d replies (last %q), the client saw %d (last %q)", len(hist), lastOf(hist), len(seen), lastOf(seen))
					return 0
				}
				c.mu.Lock()
				c.got = hist
				if !c.broke.IsZero() {
					c.resumed = append(c.resumed, time.Since(c.broke))
				}
				c.mu.Unlock()
				first = false
			}
			if strings.HasPrefix(text, notSaved) {
				// The turn did not happen; a new connection finds out
				// from the history where the session is.
				return websocket.CloseTryAgainLater
			}
			c.mu.Lock()
			want := c.want(len(c.got) + 1)
			if text != want {
				c.mu.Unlock()
				c.fail("reply %q, want %q", text, want)
				return 0
			}
			c.got = append(c.got, text)
			c.mu.Unlock()
			break
		}
		select {
		case <-stop:
			return 0
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lastOf returns the last of s, or its zero value.
func lastOf[T any](s []T) T {
	var zero T
	if len(s) == 0 {
		return zero
	}
	return s[len(s)-1]
}

// instance is one bot process on a fixed port.
type instance struct {
	port int
	s    *serving
}

// TestRollingRestartBehindNginx: three instances of a bot on one Redis
// behind nginx, 100 sessions conversing through it. Each instance is
// restarted in turn (SIGTERM: its clients are closed with 1012 and go on
// through another), then one is killed with SIGKILL. No reply is lost, sent
// to the wrong client or sent twice, and every session's stored history,
// replayed to a new connection, is what its client saw.
func TestRollingRestartBehindNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Redis, nginx and three bots")
	}
	rds := redistest.Start(t)
	bin := buildSource(t, "relay", relayBot)
	args := []string{"--protocol", "baf", "--set", "session.store=" + rds.URL(0),
		"--set", "session.history=100000", "--set", "session.history_bytes=67108864",
		// A session whose turn dies with its instance waits this long.
		"--set", "session.lease_ttl=2"}
	bots := make([]*instance, 3)
	var addrs []string
	for i := range bots {
		bots[i] = &instance{port: nginxtest.FreePort(t)}
		addrs = append(addrs, "127.0.0.1:"+strconv.Itoa(bots[i].port))
	}
	startBot := func(b *instance) {
		b.s = serve(t, bin, append([]string{"--port", strconv.Itoa(b.port)}, args...)...)
		if !strings.Contains(b.s.url, ":"+strconv.Itoa(b.port)+"/") {
			t.Fatalf("bot serving on %s, want port %d", b.s.url, b.port)
		}
	}
	for _, b := range bots {
		startBot(b)
	}
	ngx := nginxtest.Start(t, "../../testdata/deploy/nginx.conf", addrs)

	const sessions = 100
	clients := make([]*rollingClient, sessions)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clients {
		clients[i] = &rollingClient{id: fmt.Sprintf("rr-%03d", i), url: ngx.URL()}
		wg.Add(1)
		go func() { defer wg.Done(); clients[i].run(stop) }()
	}
	stopped := false
	finish := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer finish()
	// progress waits until every client has had more replies than in
	// before, or one failed.
	progress := func(what string, more int) {
		t.Helper()
		before := make([]int, sessions)
		for i, c := range clients {
			before[i] = c.acked()
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			done := true
			for i, c := range clients {
				if err := c.failed(); err != nil {
					t.Fatal(err)
				}
				if c.acked() < before[i]+more {
					done = false
				}
			}
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not every session went on within 20 s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	progress("start", 3)

	for i, b := range bots {
		began := time.Now()
		if err := b.s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		// At once, the instance says it is going: a load balancer's probe
		// stops sending it anyone.
		if resp, err := http.Get("http://" + addrs[i] + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable && resp.StatusCode != http.StatusOK {
				t.Errorf("/readyz while stopping: %d", resp.StatusCode)
			}
		}
		select {
		case <-b.s.done:
		case <-time.After(20 * time.Second):
			t.Fatalf("instance %d did not stop within 20 s of SIGTERM", i)
		}
		t.Logf("instance %d stopped %v after SIGTERM", i, time.Since(began).Round(time.Millisecond))
		startBot(b)
		progress(fmt.Sprintf("restart of instance %d", i), 3)
	}

	killed := bots[1]
	killedAt := time.Now()
	if err := killed.s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-killed.s.done
	progress("SIGKILL", 3)
	resumedIn := time.Since(killedAt)
	finish()

	// Every client ended well; the closes of the restarts were 1012.
	total, restarts, resumes := 0, 0, []time.Duration{}
	for _, c := range clients {
		if err := c.failed(); err != nil {
			t.Error(err)
		}
		total += c.acked()
		for _, code := range c.closes {
			if code == websocket.CloseServiceRestart {
				restarts++
			}
		}
		c.mu.Lock()
		for _, d := range c.resumed {
			resumes = append(resumes, d)
		}
		c.mu.Unlock()
	}
	if restarts == 0 {
		t.Error("no client was closed with 1012 by the restarts")
	}

	// Each session's history, replayed to a new connection, is what its
	// client saw: nothing more, nothing less.
	for _, c := range clients {
		ws, _, err := websocket.DefaultDialer.Dial(ngx.URL()+"?session_id="+c.id+"&replay=all", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = ws.WriteJSON(map[string]any{"action": "fetch_user_messages", "message": nil})
		_ = ws.WriteJSON(map[string]any{"action": "user_message", "message": "count"})
		var hist []string
		for {
			var f wireFrame
			_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			if err := ws.ReadJSON(&f); err != nil {
				t.Fatalf("%s: replay: %v", c.id, err)
			}
			text, _ := f.Message.(string)
			if f.Action != "agent_reply_str" {
				continue
			}
			if !f.History {
				if want := c.want(len(c.got) + 1); text != want {
					t.Errorf("%s: the turn after the replay answered %q, want %q", c.id, text, want)
				}
				break
			}
			hist = append(hist, text)
		}
		ws.Close()
		if !slices.Equal(hist, c.got) {
			t.Errorf("%s: stored history has %d replies (last %q), the client saw %d (last %q)", c.id, len(hist), lastOf(hist), len(c.got), lastOf(c.got))
		}
	}
	slices.Sort(resumes)
	median := time.Duration(0)
	if len(resumes) > 0 {
		median = resumes[len(resumes)/2]
	}
	t.Logf("%d sessions, %d acknowledged turns, %d closes with 1012, none lost; after SIGKILL every session went on within %v (reconnections: %d, median %v, slowest %v)",
		sessions, total, restarts, resumedIn.Round(time.Millisecond), len(resumes), median.Round(time.Millisecond), lastOf(resumes).Round(time.Millisecond))
}
