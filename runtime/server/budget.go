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
// instead of multiplying memory.
type budget struct {
	limit int64

	mu      sync.Mutex
	used    int64
	waiters int
	wake    chan struct{} // closed when bytes are released and someone waits

	// Large frames leave garbage the runtime returns to the system only
	// slowly: once the budget has been idle for scrubAfter after moving
	// scrubOver bytes, the memory is returned at once.
	moved    int64
	scrubbed *time.Timer
}

const (
	scrubOver  = 64 << 20
	scrubAfter = 2 * time.Second
)

func newBudget(limit int64) *budget {
	return &budget{limit: limit, wake: make(chan struct{})}
}

// acquire takes n bytes, waiting up to timeout for them (or until done is
// closed). It reports whether it got them.
func (b *budget) acquire(n int64, timeout time.Duration, done <-chan struct{}) bool {
	if n > b.limit {
		return false
	}
	var timer *time.Timer
	for {
		b.mu.Lock()
		if b.used+n <= b.limit {
			b.used += n
			b.moved += n
			b.mu.Unlock()
			if timer != nil {
				timer.Stop()
			}
			return true
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

// release gives back n bytes.
func (b *budget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.waiters > 0 {
		close(b.wake)
		b.wake = make(chan struct{})
	}
	if b.used == 0 && b.moved >= scrubOver {
		if b.scrubbed == nil {
			b.scrubbed = time.AfterFunc(scrubAfter, b.scrub)
		} else {
			b.scrubbed.Reset(scrubAfter)
		}
	}
}

// scrub returns the memory large frames left behind to the system, if the
// budget is still idle.
func (b *budget) scrub() {
	b.mu.Lock()
	idle := b.used == 0
	if idle {
		b.moved = 0
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
