package server

import (
	"sync"
	"time"
)

// pingSlots is the number of groups the pinger spreads connections over:
// one group is pinged every websocket.ping_interval / pingSlots.
const pingSlots = 16

// pinger sends the keepalive pings of a server's connections from one
// ticker, rather than a ticker per connection: each connection is in one of
// pingSlots groups, and each group in turn is pinged, so that every
// connection is pinged once per websocket.ping_interval and the pings of
// many connections do not all go at once.
type pinger struct {
	every time.Duration // websocket.ping_interval
	stop  chan struct{} // closed by Shutdown

	once sync.Once     // starts run
	done chan struct{} // closed when run returns

	mu    sync.Mutex
	slots [pingSlots]map[*conn]struct{}
	turn  int // the slot pinged next
}

func newPinger(every time.Duration, stop chan struct{}) *pinger {
	return &pinger{every: every, stop: stop, done: make(chan struct{})}
}

// add has c pinged from about one ping interval on, starting the pinger
// with the first connection.
func (p *pinger) add(c *conn) {
	p.once.Do(func() { go p.run() })
	p.mu.Lock()
	defer p.mu.Unlock()
	// The slot whose turn comes last: its first ping comes after between
	// (pingSlots-1)/pingSlots and one whole interval.
	i := (p.turn + pingSlots - 1) % pingSlots
	if p.slots[i] == nil {
		p.slots[i] = make(map[*conn]struct{})
	}
	p.slots[i][c] = struct{}{}
	c.pingSlot = i
	if c.isDone() { // retired already, remove and all
		delete(p.slots[i], c)
	}
}

// remove stops pinging c.
func (p *pinger) remove(c *conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.slots[c.pingSlot], c)
}

// wait waits for the pinger to end, once stop is closed.
func (p *pinger) wait() {
	p.once.Do(func() { close(p.done) }) // never started: nothing to wait for
	<-p.done
}

func (p *pinger) run() {
	defer close(p.done)
	t := time.NewTicker(max(p.every/pingSlots, time.Millisecond))
	defer t.Stop()
	var due []*conn
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		p.mu.Lock()
		for c := range p.slots[p.turn] {
			due = append(due, c)
		}
		p.turn = (p.turn + 1) % pingSlots
		p.mu.Unlock()
		// Each connection's writer writes its ping: a client that reads
		// nothing holds up its own writer, never the pinger.
		for _, c := range due {
			c.ping()
		}
		clear(due)
		due = due[:0]
	}
}
