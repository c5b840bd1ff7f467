// Command botload puts a bot under load: it opens many concurrent sessions
// against a running bot, sends messages and waits for the replies, then
// prints throughput and round-trip latency percentiles.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/protocol"
)

func main() {
	url := flag.String("url", "ws://127.0.0.1:8765/", "the bot's WebSocket endpoint")
	sessions := flag.Int("sessions", 200, "concurrent sessions")
	turns := flag.Int("turns", 50, "messages each session sends")
	message := flag.String("message", "hello", "what each session says")
	replies := flag.Int("replies", 1, "replies the bot sends per message")
	greeting := flag.Int("greeting", 0, "replies the bot sends when a session opens")
	timeout := flag.Duration("timeout", 10*time.Second, "how long to wait for each reply")
	keyed := flag.Bool("keyed", false, "give each session an id of its own (session_id=load-N), as the web page does: such sessions are resumable and kept in a session.store")
	flag.Parse()
	if *sessions < 1 || *turns < 1 || *replies < 1 || *greeting < 0 {
		fmt.Fprintln(os.Stderr, "botload: -sessions, -turns and -replies must be at least 1, -greeting at least 0")
		os.Exit(2)
	}

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
		wg        sync.WaitGroup
	)
	// A bbf frame, which is also a valid baf one.
	frame, err := protocol.BBF.Encode(protocol.Frame{Action: string(protocol.UserMessage), Message: *message})
	if err != nil {
		fmt.Fprintln(os.Stderr, "botload:", err)
		os.Exit(2)
	}
	start := time.Now()
	for i := 0; i < *sessions; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			u := *url
			if *keyed {
				sep := "?"
				if strings.Contains(u, "?") {
					sep = "&"
				}
				u += fmt.Sprintf("%ssession_id=load-%d", sep, i)
			}
			lat, err := session(u, frame, *turns, *replies, *greeting, *timeout)
			mu.Lock()
			defer mu.Unlock()
			latencies = append(latencies, lat...)
			if err != nil {
				failures = append(failures, fmt.Sprintf("session %d: %v", i, err))
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)

	sort.Slice(latencies, func(a, b int) bool { return latencies[a] < latencies[b] })
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[int(p*float64(len(latencies)-1))]
	}
	fmt.Printf("%d sessions x %d turns: %d round trips in %v (%.0f turns/s)\n",
		*sessions, *turns, len(latencies), elapsed.Round(time.Millisecond), float64(len(latencies))/elapsed.Seconds())
	fmt.Printf("latency p50 %v  p90 %v  p99 %v  max %v\n", pct(0.5), pct(0.9), pct(0.99), pct(1))
	if len(failures) > 0 {
		fmt.Printf("%d sessions failed:\n  %s\n", len(failures), strings.Join(failures[:min(10, len(failures))], "\n  "))
		os.Exit(1)
	}
}

// session holds one conversation and returns the latency of each turn.
func session(url string, frame []byte, turns, replies, greeting int, timeout time.Duration) ([]time.Duration, error) {
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	read := func(n int) error {
		for j := 0; j < n; j++ {
			conn.SetReadDeadline(time.Now().Add(timeout))
			if _, _, err := conn.ReadMessage(); err != nil {
				return err
			}
		}
		return nil
	}
	if err := read(greeting); err != nil {
		return nil, fmt.Errorf("greeting: %v", err)
	}
	out := make([]time.Duration, 0, turns)
	for t := 0; t < turns; t++ {
		sent := time.Now()
		if err := conn.WriteMessage(websocket.TextMessage, frame); err != nil {
			return out, err
		}
		if err := read(replies); err != nil {
			return out, fmt.Errorf("turn %d: %v", t, err)
		}
		out = append(out, time.Since(sent))
	}
	return out, nil
}
