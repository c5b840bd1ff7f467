package server

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/config"
)

// uploadFrame is a user_file frame of about size bytes, as BESSER's clients
// send it: a string holding the JSON of the file.
func uploadFrame(t testing.TB, size int) []byte {
	t.Helper()
	data := []byte(strings.Repeat("a,b\n1,2\n", (size-1024)*3/4/8))
	file, err := json.Marshal(map[string]string{"name": "big.csv", "type": "text/csv", "base64": base64.StdEncoding.EncodeToString(data)})
	if err != nil {
		t.Fatal(err)
	}
	frame, err := json.Marshal(map[string]any{"action": "user_file", "message": string(file)})
	if err != nil {
		t.Fatal(err)
	}
	return frame
}

// wholeFrame is payload as one unfragmented, masked text frame, as
// browsers and BESSER's Python clients send a message (the library's own
// writer sends a large message in fragments).
func wholeFrame(payload []byte) []byte {
	frame := []byte{0x81, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}
	binary.BigEndian.PutUint64(frame[2:], uint64(len(payload)))
	for i, b := range payload {
		frame = append(frame, b^byte(i%4+1))
	}
	return frame
}

// writeWhole sends payload as one unfragmented frame.
func writeWhole(t testing.TB, ws *websocket.Conn, payload []byte) {
	t.Helper()
	if _, err := ws.NetConn().Write(wholeFrame(payload)); err != nil {
		t.Fatal(err)
	}
}

// uploadCost sends an upload of size bytes on c with send, checks the
// reply, and returns what the process allocated meanwhile, as a multiple
// of the upload's size.
func uploadCost(t *testing.T, c *client, size int, send func() error) float64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := send(); err != nil {
		t.Fatal(err)
	}
	f := c.frame()
	runtime.ReadMemStats(&after)
	if !strings.HasPrefix(fmt.Sprint(f.Message), "got big.csv (text/csv, ") {
		t.Fatalf("reply %v", f.Message)
	}
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(size)
}

// TestUploadCostsItsSize: the server reads a 16 MiB upload into one buffer
// of its size and decodes it there, so handling it allocates little more
// than the frame itself (it allocated 2.8× before).
func TestUploadCostsItsSize(t *testing.T) {
	ts := start(t, nil, baf)
	c := ts.dial(t, "", nil)
	c.next()
	frame := uploadFrame(t, 16<<20)
	// Once to warm up what is allocated once per connection.
	c.raw(string(uploadFrame(t, 1<<10)))
	c.next()

	whole := wholeFrame(frame)
	ratio := uploadCost(t, c, len(frame), func() error {
		_, err := c.ws.NetConn().Write(whole)
		return err
	})
	t.Logf("a %d-byte upload allocated %.2f× its size", len(frame), ratio)
	if ratio > 1.5 {
		t.Errorf("a %d-byte upload allocated %.2f× its size, want at most 1.5×", len(frame), ratio)
	}
}

// TestFragmentedUploadCost: a message sent in fragments, whose length is
// not known until its end, is read in pooled pieces and put together once.
func TestFragmentedUploadCost(t *testing.T) {
	ts := start(t, nil, baf)
	c := ts.dial(t, "", nil)
	c.next()
	frame := uploadFrame(t, 16<<20)
	for run := range 2 { // the second, with the pieces' pool warm, is the one measured
		ratio := uploadCost(t, c, len(frame), func() error { return c.ws.WriteMessage(websocket.TextMessage, frame) })
		t.Logf("run %d: a %d-byte fragmented upload allocated %.2f× its size", run, len(frame), ratio)
		if run == 1 && ratio > 1.5 {
			t.Errorf("a %d-byte fragmented upload allocated %.2f× its size, want at most 1.5×", len(frame), ratio)
		}
	}
}

// TestUploadsShareTheReadBudget: uploads that together exceed
// websocket.read_budget wait for each other and all get through; one that
// waits longer than websocket.write_timeout is dropped with a reply asking
// to send it again, and the connection goes on.
func TestUploadsShareTheReadBudget(t *testing.T) {
	frame := uploadFrame(t, 4<<20)
	ts := start(t, nil, baf, func(c *config.Config) { c.MaxSize = 8 << 20; c.ReadBudget = 8 << 20 })
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		c := ts.dial(t, "", nil)
		c.next()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ws.NetConn().Write(wholeFrame(frame)); err != nil {
				errs <- err
				return
			}
			b, err := c.tryNext(20 * time.Second)
			if err != nil || !strings.Contains(string(b), "got big.csv") {
				errs <- fmt.Errorf("reply %s: %v", b, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// A budget held by a slow upload: the next one waits, then is dropped
	// with a reply; a small message still fits.
	ts = start(t, nil, baf, func(c *config.Config) {
		c.MaxSize = 6 << 20
		c.ReadBudget = 6 << 20
		c.WriteTimeout = 2 * time.Second
	})
	hog := ts.dial(t, "", nil)
	hog.next()
	// Its header announces 4 MiB, which it takes at once; the rest arrives
	// slowly but steadily, 64 KiB every 100 ms.
	whole := wholeFrame(frame)
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		nc := hog.ws.NetConn()
		nc.Write(whole[:64<<10])
		for off := 64 << 10; off < len(whole); off += 64 << 10 {
			time.Sleep(100 * time.Millisecond)
			if off > 3<<20 { // long enough for the other upload to give up
				nc.Write(whole[off:])
				return
			}
			nc.Write(whole[off : off+64<<10])
		}
	}()
	time.Sleep(200 * time.Millisecond)
	second := wholeFrame(frame)
	c := ts.dial(t, "", nil)
	c.next()
	if _, err := c.ws.NetConn().Write(second); err != nil {
		t.Fatal(err)
	}
	if got := c.frame(); !strings.Contains(fmt.Sprint(got.Message), "too much is being sent to me at once") {
		t.Fatalf("reply %v", got.Message)
	}
	c.say("count")
	c.expect(bafStr, "count=1")
	if _, m := ts.scrape(t); !strings.Contains(m, "botgen_frames_dropped_total 1\n") {
		t.Errorf("metrics:\n%s", m)
	}
	<-sent
	if b, err := hog.tryNext(10 * time.Second); err != nil || !strings.Contains(string(b), "got big.csv") {
		t.Errorf("the slow upload: %s %v", b, err)
	}
}

// TestStalledMessageCutOff: a message that stops arriving while it holds
// its share of the read budget closes its connection after
// websocket.write_timeout, pongs or not, and the share goes back.
func TestStalledMessageCutOff(t *testing.T) {
	frame := uploadFrame(t, 4<<20)
	ts := start(t, nil, baf, func(c *config.Config) {
		c.MaxSize = 6 << 20
		c.ReadBudget = 8 << 20
		c.WriteTimeout = 500 * time.Millisecond
		c.PingInterval = 100 * time.Millisecond
	})
	hog := ts.dial(t, "", nil)
	hog.next()
	hog.ws.SetPingHandler(nil) // answers the server's pings while it stalls
	go hog.ws.ReadMessage()
	w, err := hog.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(frame[:1<<20]) // then nothing
	ts.logs.WaitFor(t, "a message stopped arriving", 5*time.Second)
	// Made before dialling: masking 4 MiB takes a while under the race
	// detector, and a connection that neither sends nor answers pings
	// for 0.7 s is closed.
	whole := wholeFrame(frame)
	c := ts.dial(t, "", nil)
	c.next()
	if _, err := c.ws.NetConn().Write(whole); err != nil {
		t.Fatal(err)
	}
	if got := c.frame(); !strings.Contains(fmt.Sprint(got.Message), "got big.csv") {
		t.Fatalf("an upload after the stalled one: %v", got.Message)
	}
}

// TestReadBudgetSharePerAddress: one address holds at most an eighth of
// websocket.read_budget (or one largest frame), so uploads from elsewhere
// still find room.
func TestReadBudgetSharePerAddress(t *testing.T) {
	b := newBudget(64<<20, 4<<20)
	if !b.acquire("10.0.0.1", 8<<20, time.Millisecond, nil) {
		t.Fatal("a first share refused")
	}
	if b.acquire("10.0.0.1", 1, 10*time.Millisecond, nil) {
		t.Error("one address got more than an eighth of the budget")
	}
	if !b.acquire("10.0.0.2", 8<<20, time.Millisecond, nil) || !b.acquire("127.0.0.1", 40<<20, time.Millisecond, nil) {
		t.Error("another address, or loopback, found no room")
	}
	b.release("10.0.0.1", 8<<20, 0)
	if !b.acquire("10.0.0.1", 8<<20, time.Millisecond, nil) {
		t.Error("a released share was not given back")
	}
}

// TestHistoryBoundedInBytes: large messages do not pile up in a session's
// history: it holds at most session.history_bytes, a message over a quarter
// of that cut short, and the replay says so.
func TestHistoryBoundedInBytes(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) { c.HistoryBytes = 1 << 20 })
	c := ts.dial(t, "session_id=hoarder&replay=all", nil)
	c.next()
	big := strings.Repeat("x", 2<<20)
	for range 20 {
		c.say(big)
		c.expect(bafStr, fellOver)
	}
	var held int64
	ts.mu.Lock()
	sess := ts.sessions["hoarder"]
	ts.mu.Unlock()
	sess.turn.Lock()
	for _, e := range sess.history {
		held += e.size()
	}
	n := len(sess.history)
	sess.turn.Unlock()
	if held > 1<<20 {
		t.Errorf("the history holds %d bytes in %d messages after 40 MiB were sent, want at most 1 MiB", held, n)
	}
	c.send("fetch_user_messages", nil)
	var replayed []frame
	for range n {
		replayed = append(replayed, c.frame())
	}
	last := replayed[len(replayed)-2] // the last user message, then its reply
	if s, _ := last.Message.(string); !strings.HasSuffix(s, fmt.Sprintf("… [%d bytes in all]", len(big))) || len(s) > 300<<10 {
		t.Errorf("the replayed message is %d bytes ending %q", len(s), s[max(0, len(s)-40):])
	}
}

// TestReplayBoundedByTheSendQueue: a client that asks for a long history
// and reads nothing costs at most websocket.send_queue_bytes, not the
// history's size, and is dropped after websocket.write_timeout.
func TestReplayBoundedByTheSendQueue(t *testing.T) {
	ts := start(t, nil, baf, func(c *config.Config) {
		c.HistoryBytes = 1 << 30
		c.SendQueueBytes = 4 << 20
		c.WriteTimeout = 2 * time.Second
	})
	c := ts.dial(t, "session_id=reader&replay=all", nil)
	c.next()
	for range 100 { // 100 replies of 1 MiB in the history
		c.say("big")
		c.next()
	}
	var before, during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c.send("fetch_user_messages", nil) // and read nothing
	time.Sleep(time.Second)
	runtime.GC()
	runtime.ReadMemStats(&during)
	grown := int64(during.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("a stalled replay of 100 MiB holds %d KiB", grown>>10)
	if grown > 16<<20 {
		t.Errorf("a stalled replay of 100 MiB of history holds %d MiB, want about websocket.send_queue_bytes (4 MiB)", grown>>20)
	}
	ts.waitConns(t, 0)
}
