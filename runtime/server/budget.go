package server

import (
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// budget bounds the bytes of inbound frames held at once across all
// connections (websocket.read_budget): a frame is read into memory only
// once it has its share, so many large uploads at once wait for each other
// instead of multiplying memory. One address (loopback not counted) may
// hold at most perPeer of it, so that a few connections sending slowly
// cannot keep everyone else waiting.
type budget struct {
	limit   int64
	perPeer int64

	mu      sync.Mutex
	used    int64
	byPeer  map[string]int64
	waiters int
	wake    chan struct{} // closed when bytes are released and someone waits

	// Large frames leave garbage the runtime returns to the system only
	// slowly: once the budget has been idle for scrubAfter after frames of
	// scrubOver bytes were read, the memory is returned at once, at most
	// once per scrubEvery (a collection costs in proportion to the heap).
	read      int64
	lastScrub time.Time
	scrubbed  *time.Timer
}

const (
	scrubOver  = 64 << 20
	scrubAfter = 2 * time.Second
	scrubEvery = 30 * time.Second
)

// newBudget returns a budget of limit bytes, of which one address may hold a
// share of an eighth, or of the largest frame if that is more.
func newBudget(limit, maxFrame int64) *budget {
	return &budget{limit: limit, perPeer: max(limit/8, maxFrame), byPeer: map[string]int64{}, wake: make(chan struct{})}
}

// acquire takes n bytes for the peer at ip, waiting up to timeout for them
// (not at all when timeout is 0, or until done is closed). It reports
// whether it got them.
func (b *budget) acquire(ip string, n int64, timeout time.Duration, done <-chan struct{}) bool {
	if n > b.limit {
		return false
	}
	if isLoopbackHost(ip) {
		ip = ""
	}
	var timer *time.Timer
	for {
		b.mu.Lock()
		if b.used+n <= b.limit && (ip == "" || b.byPeer[ip]+n <= b.perPeer) {
			b.used += n
			if ip != "" {
				b.byPeer[ip] += n
			}
			b.mu.Unlock()
			if timer != nil {
				timer.Stop()
			}
			return true
		}
		if timeout <= 0 {
			b.mu.Unlock()
			return false
		}
		b.waiters++
		wake := b.wake
		b.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(timeout)
		}
		ok := true
		select {
		case <-wake:
		case <-timer.C:
			ok = false
		case <-done:
			ok = false
		}
		b.mu.Lock()
		b.waiters--
		b.mu.Unlock()
		if !ok {
			if timer != nil {
				timer.Stop()
			}
			return false
		}
	}
}

// release gives back n bytes the peer at ip held, of which read bytes were
// filled.
func (b *budget) release(ip string, n, read int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if ip != "" && !isLoopbackHost(ip) {
		if b.byPeer[ip] -= n; b.byPeer[ip] <= 0 {
			delete(b.byPeer, ip)
		}
	}
	b.read += read
	if b.waiters > 0 {
		close(b.wake)
		b.wake = make(chan struct{})
	}
	if b.used == 0 && b.read >= scrubOver {
		wait := max(scrubAfter, time.Until(b.lastScrub.Add(scrubEvery)))
		if b.scrubbed == nil {
			b.scrubbed = time.AfterFunc(wait, b.scrub)
		} else {
			b.scrubbed.Reset(wait)
		}
	}
}

// scrub returns the memory large frames left behind to the system, if the
// budget is still idle.
func (b *budget) scrub() {
	b.mu.Lock()
	idle := b.used == 0
	if idle {
		b.read, b.lastScrub = 0, time.Now()
	}
	b.mu.Unlock()
	if idle {
		// The first collection frees the frames; the second what pools
		// kept of them for one more cycle.
		runtime.GC()
		debug.FreeOSMemory()
	}
}

// stop cancels a pending scrub.
func (b *budget) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.scrubbed != nil {
		b.scrubbed.Stop()
	}
}
