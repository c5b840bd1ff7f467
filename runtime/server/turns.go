package server

import (
	"sync"
	"sync/atomic"
)

// keepTurnGoroutines is how many idle turn goroutines a server keeps.
const keepTurnGoroutines = 16

// turnPool runs the turns of the server's connections on goroutines kept
// for them. A turn (the engine, the replies' encoding) grows the stack of
// the goroutine it runs on, and a goroutine keeps its stack while it waits:
// run on the connection's reader, every connection that ever conversed
// would wait for its next message on a stack that size. The reader hands
// the message over and waits for its turn instead, on a stack no larger than reading
// takes; the turn goroutines, few and reused, keep theirs grown.
type turnPool struct {
	jobs chan turnJob
	idle atomic.Int32  // goroutines waiting for a job
	stop chan struct{} // closed by Shutdown: idle goroutines end
	// dones holds the channels a job's end is signalled on, so that a
	// turn does not make one.
	dones sync.Pool
}

// turnJob is one message of a connection to run (see conn.runMessage),
// and done, which receives once it has run.
type turnJob struct {
	c    *conn
	data []byte
	done chan struct{}
}

func newTurnPool(stop chan struct{}) *turnPool {
	p := &turnPool{jobs: make(chan turnJob), stop: stop}
	p.dones.New = func() any { return make(chan struct{}, 1) }
	return p
}

// run runs a message of c on a turn goroutine, starting one if none is
// idle, and returns when it has run.
func (p *turnPool) run(c *conn, data []byte) {
	j := turnJob{c: c, data: data, done: p.dones.Get().(chan struct{})}
	select {
	case p.jobs <- j:
	default:
		go p.work(j)
	}
	<-j.done
	p.dones.Put(j.done)
}

// work runs j, then the jobs that come while it is idle, unless enough
// others are.
func (p *turnPool) work(j turnJob) {
	for {
		j.c.runMessage(j.data)
		j.done <- struct{}{}
		if p.idle.Add(1) > keepTurnGoroutines {
			p.idle.Add(-1)
			return
		}
		select {
		case j = <-p.jobs:
			p.idle.Add(-1)
		case <-p.stop:
			p.idle.Add(-1)
			return
		}
	}
}
