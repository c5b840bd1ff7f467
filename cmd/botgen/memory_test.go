package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// rss reads a process's resident memory and its peak, in bytes.
func rss(t *testing.T, pid int) (now, peak int64) {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc to read a process's memory from: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			now = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return now, peak
}

// TestUploadsMemory sends a real bot 20 uploads of 16 MiB at once, as
// BESSER's clients send them (one unfragmented frame each), and reads the
// bot's memory: its peak stays within about websocket.read_budget (256 MiB)
// however many uploads arrive, and a minute after the clients leave it is
// back within 100 MB of where it started.
func TestUploadsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 320 MiB to a real bot")
	}
	bin := buildExample(t, "greetings")
	s := serve(t, bin, "--protocol", "baf")
	pid := s.cmd.Process.Pid

	data := strings.Repeat("a,b\n1,2\n", (16<<20-1024)*3/4/8)
	file, _ := json.Marshal(map[string]string{"name": "big.csv", "type": "text/csv", "base64": base64.StdEncoding.EncodeToString([]byte(data))})
	payload, _ := json.Marshal(map[string]any{"action": "user_file", "message": string(file)})
	frame := []byte{0x81, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(frame[2:], uint64(len(payload)))
	frame = append(frame, payload...) // a zero mask leaves the payload as it is

	// The baseline: the bot after one small turn.
	say(t, s.url, "", "hello")
	base, _ := rss(t, pid)

	const clients = 20
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws, _, err := websocket.DefaultDialer.Dial(s.url, nil)
			if err != nil {
				errs <- err
				return
			}
			defer ws.Close()
			if _, err := ws.NetConn().Write(frame); err != nil {
				errs <- err
				return
			}
			ws.SetReadDeadline(time.Now().Add(60 * time.Second))
			_, b, err := ws.ReadMessage()
			if err != nil {
				errs <- fmt.Errorf("no answer to an upload: %v", err)
				return
			}
			if !strings.Contains(string(b), "agent_reply_str") {
				errs <- fmt.Errorf("answer %.100s", b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, peak := rss(t, pid)
	t.Logf("baseline %d MiB; peak with %d uploads of 16 MiB at once: +%d MiB", base>>20, clients, (peak-base)>>20)
	if peak-base > 512<<20 {
		t.Errorf("the peak is %d MiB over the baseline, want about websocket.read_budget (256 MiB)", (peak-base)>>20)
	}
	left := time.Now()
	deadline := left.Add(time.Minute)
	for {
		now, _ := rss(t, pid)
		if now-base <= 100<<20 {
			t.Logf("back to +%d MiB %v after the clients left", (now-base)>>20, time.Since(left).Round(100*time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a minute after the clients left the bot holds %d MiB over its baseline, want at most 100 MB", (now-base)>>20)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
