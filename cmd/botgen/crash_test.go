package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// counterBot answers every "count" with the number of counts its session
// has seen, so a client can tell from one reply whether a turn was lost.
const counterBot = `bot counter

var n = 0

intent count { "count" }

initial state start {
    on count -> inc
}

state inc {
    set n = n + 1
    reply "n={n}"
    go start
}
`

// buildSource compiles a bot written by the test into a binary.
func buildSource(t *testing.T, name, src string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name+".bot")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	code, _, stderr := botgen(t, "build", "-o", bin, path)
	if code != 0 {
		t.Fatalf("botgen build %s: exit %d\n%s", name, code, stderr)
	}
	return bin
}

// TestKillUnderLoadLosesNoTurn kills a bot with SIGKILL while sessions are
// conversing, again and again, and checks after every restart that each
// session goes on from at least its last acknowledged turn (a reply the
// client received), and that its replayed history holds every reply the
// client received.
func TestKillUnderLoadLosesNoTurn(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a real bot several times")
	}
	bin := buildSource(t, "counter", counterBot)
	store := filepath.Join(t.TempDir(), "sessions")
	const sessions, rounds = 16, 6
	acked := make([]int, sessions)        // the last n each session's client received
	replies := make([][]string, sessions) // every reply each client received
	for round := range rounds {
		s := serve(t, bin, "--protocol", "baf", "--set", "session.store="+store, "--set", "session.history=1000000")
		// Every session checks its history, then talks until the bot dies.
		var wg sync.WaitGroup
		errs := make(chan error, sessions)
		// The bot is killed once every session has checked its replay and
		// had a turn acknowledged.
		var ready sync.WaitGroup
		for i := range sessions {
			wg.Add(1)
			ready.Add(1)
			go func() {
				defer wg.Done()
				var once sync.Once
				done := func() { once.Do(ready.Done) }
				defer done()
				if err := converse(s.url, i, round, &acked[i], &replies[i], done); err != nil {
					errs <- err
				}
			}()
		}
		ready.Wait()
		time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
		if err := s.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-s.done
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	total := 0
	for _, n := range acked {
		total += n
	}
	if total < sessions*rounds {
		t.Fatalf("only %d acknowledged turns in %d rounds: the load was too light to mean anything", total, rounds)
	}
	t.Logf("%d acknowledged turns over %d kills, none lost", total, rounds)
}

// converse is one session's client for one life of the bot: it checks that
// the session resumed from its last acknowledged turn, then sends "count"
// and reads the reply until the connection breaks.
func converse(url string, i, round int, acked *int, got *[]string, first func()) error {
	id := fmt.Sprintf("crash-%d", i)
	ws, _, err := websocket.DefaultDialer.Dial(url+"?session_id="+id, nil)
	if err != nil {
		return fmt.Errorf("round %d, %s: dial: %v", round, id, err)
	}
	defer ws.Close()
	read := func() (action, message string, history bool, err error) {
		var f struct {
			Action  string `json:"action"`
			Message string `json:"message"`
			History bool   `json:"history"`
		}
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		err = ws.ReadJSON(&f)
		return f.Action, f.Message, f.History, err
	}
	if round > 0 {
		// The replayed history must hold every reply the client saw, in
		// order; turns the client never saw acknowledged may follow.
		if err := ws.WriteJSON(map[string]any{"action": "fetch_user_messages", "message": nil}); err != nil {
			return err
		}
		var hist []string
		for len(hist) < len(*got) {
			action, msg, history, err := read()
			if err != nil {
				return fmt.Errorf("round %d, %s: replay ended after %d of %d replies: %v", round, id, len(hist), len(*got), err)
			}
			if history && action == "agent_reply_str" {
				hist = append(hist, msg)
			}
		}
		for k, want := range *got {
			if hist[k] != want {
				return fmt.Errorf("round %d, %s: replayed reply %d is %q, want %q", round, id, k, hist[k], want)
			}
		}
	}
	for n := 0; ; n++ {
		if err := ws.WriteJSON(map[string]any{"action": "user_message", "message": "count"}); err != nil {
			return nil // the bot died
		}
		for {
			action, msg, history, err := read()
			if err != nil {
				return nil // the bot died before answering: that turn was never acknowledged
			}
			if history || action != "agent_reply_str" {
				continue // the rest of the replay
			}
			v, err := strconv.Atoi(strings.TrimPrefix(msg, "n="))
			if err != nil {
				return fmt.Errorf("round %d, %s: unexpected reply %q", round, id, msg)
			}
			// A turn whose reply was lost in the crash may have been
			// stored: the count may jump by one after a restart, never
			// fall back or skip more.
			lo, hi := *acked+1, *acked+1
			if n == 0 && round > 0 {
				hi = *acked + 2
			}
			if v < lo || v > hi {
				return fmt.Errorf("round %d, %s: reply n=%d after the client had n=%d: an acknowledged turn was lost", round, id, v, *acked)
			}
			if n == 0 && v == *acked+2 {
				// The unacknowledged turn's reply is in the history: the
				// next replay includes it.
				*got = append(*got, fmt.Sprintf("n=%d", v-1))
			}
			*acked = v
			*got = append(*got, msg)
			first()
			break
		}
	}
}
