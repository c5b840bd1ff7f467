package server

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/config"
)

// TestIdleConnectionsHoldOneGoroutine: an idle connection, new or one
// that has conversed, holds one goroutine, its reader: its writer runs only
// while it has something to write, its keepalive pings come from the
// server's one pinger, its turns run on the server's turn goroutines, and
// net/http's handler has returned. (What an idle
// connection costs in memory is measured by TestIdleConnectionsMemory in
// ./cmd/botgen.)
func TestIdleConnectionsHoldOneGoroutine(t *testing.T) {
	ts := start(t, nil, func(c *config.Config) { c.PingInterval = 100 * time.Millisecond })
	first := ts.dial(t, "", nil) // starts what a server starts once
	first.next()
	first.say("hello")
	first.expect(bbfStr, hiThere)
	base := runtime.NumGoroutine()
	const n = 40
	for i := range n {
		c := ts.dial(t, "", nil)
		c.next()
		if i%2 == 0 {
			c.say("hello")
			c.expect(bbfStr, hiThere)
		}
	}
	ts.waitConns(t, n+1)
	time.Sleep(300 * time.Millisecond) // a few pings
	// Beside the readers, the idle turn goroutines the server keeps: one
	// runs the turns of these connections, which come one at a time, but
	// another may start while one has finished a turn and is not yet
	// waiting for the next.
	most := base + n + keepTurnGoroutines
	eventually(t, fmt.Sprintf("at most %d goroutines (%d before %d connections)", most, base, n), func() bool {
		return runtime.NumGoroutine() <= most
	})
}
