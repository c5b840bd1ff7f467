package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestFileLimitHealthz runs a bot allowed 64 file descriptors and opens
// more chat connections than that: those beyond what it can hold get 503 at
// once, the others keep working, and GET /healthz still answers at once.
func TestFileLimitHealthz(t *testing.T) {
	bin := buildExample(t, "greetings")
	wrapper := filepath.Join(t.TempDir(), "limited")
	script := "#!/bin/sh\nulimit -n 64 || exit 1\nexec " + bin + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	s := serve(t, wrapper)
	httpURL := "http" + strings.TrimPrefix(s.url, "ws")
	var open []*websocket.Conn
	defer func() {
		for _, ws := range open {
			ws.Close()
		}
	}()
	refused := 0
	for range 100 {
		ws, resp, err := websocket.DefaultDialer.Dial(s.url, nil)
		if err != nil {
			if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("connection %d: %v, want it served or refused with 503", len(open)+refused, err)
			}
			refused++
			continue
		}
		open = append(open, ws)
	}
	if refused == 0 || len(open) < 20 {
		t.Fatalf("%d connections served, %d refused: want some of each under a limit of 64 descriptors", len(open), refused)
	}
	client := &http.Client{Timeout: 3 * time.Second}
	began := time.Now()
	resp, err := client.Get(httpURL + "healthz")
	if err != nil {
		t.Fatalf("/healthz with every descriptor in use: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("/healthz: %d %q", resp.StatusCode, body)
	}
	t.Logf("%d connections served, %d refused; /healthz answered in %v", len(open), refused, time.Since(began).Round(time.Millisecond))
	// The connections held still chat.
	last := open[len(open)-1]
	if err := last.WriteJSON(map[string]string{"action": "user_message", "message": "hello"}); err != nil {
		t.Fatal(err)
	}
	_ = last.SetReadDeadline(time.Now().Add(5 * time.Second))
	var reply struct{ Message string }
	if err := last.ReadJSON(&reply); err != nil || reply.Message != "Hi! How are you?" {
		t.Errorf("a held connection: %v %q", err, reply.Message)
	}
}
