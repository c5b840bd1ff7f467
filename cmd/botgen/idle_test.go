package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// echoChildEnv makes the test binary, run as a child of
// TestIdleConnectionsMemory, serve the bare echo server instead of running
// tests (see TestMain).
const echoChildEnv = "BOTGEN_ECHO_CHILD"

// serveEcho is the baseline of TestIdleConnectionsMemory: a bare
// gorilla/websocket echo server with the library's defaults, one goroutine
// per connection reading a message and writing it back. It prints its
// address, then serves until killed; GET /mem answers its goroutines and
// heap in use, the figures a bot's /metrics gives.
func serveEcho() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	var up websocket.Upgrader
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/mem" {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			_ = json.NewEncoder(w).Encode(childMem{Goroutines: runtime.NumGoroutine(), HeapInuse: int64(ms.HeapInuse)})
			return
		}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			mt, p, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if err := ws.WriteMessage(mt, p); err != nil {
				return
			}
		}
	}))
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// childMem is what a server under measurement holds.
type childMem struct {
	RSS        int64 // VmRSS
	HeapInuse  int64
	Goroutines int
}

// idleServer is a server under measurement, in a process of its own so that
// the clients' memory does not count.
type idleServer struct {
	name  string
	url   string // of its WebSocket endpoint
	pid   int
	mem   func(t *testing.T) childMem // without RSS
	say   []byte                      // what a client sends in the exchange
	reply string                      // and the start of the answer it wants
}

func (s *idleServer) read(t *testing.T) childMem {
	t.Helper()
	m := s.mem(t)
	m.RSS, _ = rss(t, s.pid)
	return m
}

// idleFigures are a server's costs per connection.
type idleFigures struct {
	opened, exchanged     float64 // KiB of VmRSS per connection
	heapOpened, heapAfter float64 // KiB of heap in use per connection
	goroutines            float64 // per connection
}

// TestIdleConnectionsMemory measures what an idle chat connection costs a
// real bot (greetings, built), beside a bare gorilla/websocket echo server
// measured in the same run: each server runs in a process of its own, this
// test opens N connections to it (BOTGEN_IDLE_CONNS, 10,000 unless set),
// reads the server's resident memory (VmRSS), heap in use and goroutines,
// then sends one message on every connection, reads the answer ("hello",
// "Hi! How are you?" from the bot; the echo from the echo server) and
// reads them again. The figures are logged; nothing about them is
// asserted. Run with
//
//	BOTGEN_MEASURE=1 go test -run TestIdleConnectionsMemory -v ./cmd/botgen
func TestIdleConnectionsMemory(t *testing.T) {
	if os.Getenv("BOTGEN_MEASURE") == "" {
		t.Skip("a measurement: set BOTGEN_MEASURE=1 to run it")
	}
	n := 10000
	if v := os.Getenv("BOTGEN_IDLE_CONNS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			t.Fatalf("BOTGEN_IDLE_CONNS=%q", v)
		}
	}
	// N client sockets here and N server sockets in the child, which
	// inherits the limit.
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	if want := uint64(n + 500); rl.Cur < want {
		if rl.Max < want {
			t.Skipf("the file limit (%d) is too low for %d connections", rl.Max, n)
		}
		rl.Cur = want
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			t.Fatal(err)
		}
	}

	echo := measureIdle(t, startEcho(t), n)
	bin := buildExample(t, "greetings")
	s := serve(t, bin, "--set", "log.level=warn", "--set", "server.max_connections=0")
	base := strings.TrimPrefix(strings.TrimSuffix(s.url, "/"), "ws://")
	bot := measureIdle(t, &idleServer{
		name: "greetings bot",
		url:  s.url,
		pid:  s.cmd.Process.Pid,
		mem: func(t *testing.T) childMem {
			return botMem(t, "http://"+base+"/metrics")
		},
		say:   []byte(`{"action":"user_message","message":"hello"}`),
		reply: "Hi! How are you?",
	}, n)

	t.Logf("idle connections: %d", n)
	t.Logf("%-28s %12s %12s %8s", "KiB per connection", "echo", "bot", "ratio")
	row := func(what string, e, b float64) {
		t.Logf("%-28s %12.1f %12.1f %7.2f×", what, e, b, b/e)
	}
	row("RSS, connected", echo.opened, bot.opened)
	row("RSS, after one exchange", echo.exchanged, bot.exchanged)
	// Neither server is made to collect its garbage before it is read:
	// the heap figures move with where each is in its collection cycle.
	row("heap, connected", echo.heapOpened, bot.heapOpened)
	row("heap, after one exchange", echo.heapAfter, bot.heapAfter)
	t.Logf("%-28s %12.2f %12.2f", "goroutines per connection", echo.goroutines, bot.goroutines)
}

// startEcho starts the echo server in a child process.
func startEcho(t *testing.T) *idleServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), echoChildEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the echo server printed no address: %v", err)
	}
	addr := strings.TrimSpace(line)
	return &idleServer{
		name: "echo server",
		url:  "ws://" + addr + "/",
		pid:  cmd.Process.Pid,
		mem: func(t *testing.T) childMem {
			var m childMem
			getJSON(t, "http://"+addr+"/mem", &m)
			return m
		},
		say:   []byte(`{"action":"user_message","message":"hello"}`),
		reply: `{"action":"user_message"`,
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// botMem reads a bot's goroutines and heap in use from its /metrics.
func botMem(t *testing.T, url string) childMem {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m childMem
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "go_goroutines":
			m.Goroutines = int(v)
		case "go_memstats_heap_inuse_bytes":
			m.HeapInuse = int64(v)
		}
	}
	if m.Goroutines == 0 {
		t.Fatalf("no go_goroutines in %s", url)
	}
	return m
}

// settled waits until the server's goroutines stop changing, then reads its
// memory.
func settled(t *testing.T, s *idleServer) childMem {
	t.Helper()
	last := -1
	for i := 0; i < 100; i++ {
		m := s.mem(t)
		if m.Goroutines == last {
			break
		}
		last = m.Goroutines
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	return s.read(t)
}

// measureIdle opens n connections to s, one exchange on each, and returns
// what they cost it; the connections are closed on return.
func measureIdle(t *testing.T, s *idleServer, n int) idleFigures {
	t.Helper()
	// A first connection and exchange, so that what every server sets up
	// once (pools, the classifier's first use) is in the baseline.
	warm := dialIdle(t, s.url)
	exchange(t, s, warm)
	warm.Close()
	before := settled(t, s)

	dialer := websocket.Dialer{ReadBufferSize: 512, WriteBufferSize: 512, HandshakeTimeout: 30 * time.Second}
	conns := make([]*websocket.Conn, n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	next := make(chan int)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c, _, err := dialer.Dial(s.url, nil)
				if err != nil {
					errs <- fmt.Errorf("connection %d: %v", i, err)
					return
				}
				conns[i] = c
			}
		}()
	}
	began := time.Now()
	for i := range n {
		select {
		case next <- i:
		case err := <-errs:
			close(next)
			wg.Wait()
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("%s: %v", s.name, err)
	default:
	}
	opened := settled(t, s)
	t.Logf("%s: %d connections opened in %v", s.name, n, time.Since(began).Round(time.Millisecond))

	var failed sync.Once
	var ferr error
	work := make(chan *websocket.Conn)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if err := exchangeErr(s, c); err != nil {
					failed.Do(func() { ferr = err })
				}
			}
		}()
	}
	for _, c := range conns {
		work <- c
	}
	close(work)
	wg.Wait()
	if ferr != nil {
		t.Fatalf("%s: %v", s.name, ferr)
	}
	after := settled(t, s)

	per := func(a, b int64) float64 { return float64(b-a) / float64(n) / 1024 }
	f := idleFigures{
		opened:     per(before.RSS, opened.RSS),
		exchanged:  per(before.RSS, after.RSS),
		heapOpened: per(before.HeapInuse, opened.HeapInuse),
		heapAfter:  per(before.HeapInuse, after.HeapInuse),
		goroutines: float64(after.Goroutines-before.Goroutines) / float64(n),
	}
	t.Logf("%s: before %d KiB RSS, %d KiB heap, %d goroutines; connected %d KiB, %d KiB, %d; after one exchange %d KiB, %d KiB, %d",
		s.name, before.RSS>>10, before.HeapInuse>>10, before.Goroutines,
		opened.RSS>>10, opened.HeapInuse>>10, opened.Goroutines,
		after.RSS>>10, after.HeapInuse>>10, after.Goroutines)
	return f
}

func dialIdle(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func exchange(t *testing.T, s *idleServer, c *websocket.Conn) {
	t.Helper()
	if err := exchangeErr(s, c); err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
}

// exchangeErr sends s.say on c and reads the answer.
func exchangeErr(s *idleServer, c *websocket.Conn) error {
	if err := c.WriteMessage(websocket.TextMessage, s.say); err != nil {
		return err
	}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, b, err := c.ReadMessage()
	if err != nil {
		return fmt.Errorf("no answer: %v", err)
	}
	_ = c.SetReadDeadline(time.Time{})
	if !strings.Contains(string(b), s.reply) {
		return fmt.Errorf("answer %.100s, want %q", b, s.reply)
	}
	return nil
}
