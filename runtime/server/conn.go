package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/reply"
)

// conn is one chat connection: a reader goroutine, and a writer goroutine
// that runs only while the connection has something to write (frames, a
// keepalive ping, its close), so that an idle connection holds one
// goroutine. The writer alone writes data frames, because
// gorilla/websocket allows one concurrent writer (control frames may be
// written from anywhere).
type conn struct {
	srv  *Server
	ws   *websocket.Conn
	id   uint64
	ip   string       // the peer's address, for the per-address limit
	sess *session     // set by attach
	log  *slog.Logger // set by attach
	// echo: the client asked (echo=1) to receive what the user sends on the
	// session's other connections, so that every open tab shows the whole
	// conversation.
	echo bool
	// stream: the client asked (stream=1) for the text of a language
	// model's replies as it is written; streamLost names the reply whose
	// stream it missed a piece of, and gets no more of (guarded by the
	// session's mu).
	stream     bool
	streamLost streamKey
	// since is the session's count of recorded entries when the connection
	// attached: a replay sends it those, live delivery those after.
	// replayAll: the client asked (replay=all) for the whole history in a
	// replay, as the bot's own page does.
	since     uint64
	replayAll bool

	// The send queue and the writer's state, guarded by wmu. The queue is
	// a slice rather than a channel of websocket.send_queue slots, which
	// every connection would hold however little it is sent.
	wmu     sync.Mutex
	queue   [][]byte // frames to write: queue[head:], at most cfg.SendQueue
	head    int
	queued  int64         // bytes queued or being written, bounded by cfg.SendQueueBytes
	writing bool          // a writer goroutine runs
	pingDue bool          // the pinger asked for a keepalive ping
	room    chan struct{} // made by the first enqueue that waits; signalled when a frame is written
	// quitting: goAway asked the writer to flush the queue, then close
	// with closeCode and closeText; closed: the close frame is on its
	// way, and nothing more is queued.
	quitting, closed bool
	closeCode        int
	closeText        string
	pingSlot         int // the connection's slot in the server's pinger

	sniff     *frameSniffer // the lengths of the messages the client sends
	inMessage atomic.Bool   // a message is being read
	// The reader's: when the client last sent a message (for
	// websocket.idle_timeout), and its rate (websocket.max_messages_per_second).
	lastMessage time.Time
	rate        *bucket

	downOnce   sync.Once
	done       chan struct{} // closed by teardown
	readerDone chan struct{} // closed when readLoop returns
}

// maxIdleQueue is the largest queue kept for reuse once emptied: one a
// replay grew goes, so that an idle connection holds little.
const maxIdleQueue = 16

// tryQueue queues f if the queue has room for it: fewer than
// websocket.send_queue frames and, unless the queue is empty (a frame
// larger than the bound goes alone), at most websocket.send_queue_bytes.
// It starts the writer if it is not running.
func (c *conn) tryQueue(f []byte) bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed || c.isDone() {
		return false
	}
	n := int64(len(f))
	if q := c.queued; q > 0 && q+n > c.srv.cfg.SendQueueBytes {
		return false
	}
	if len(c.queue)-c.head >= c.srv.cfg.SendQueue {
		return false
	}
	c.queued += n
	c.queue = append(c.queue, f)
	c.kick()
	return true
}

// kick starts the writer unless it runs. Called with wmu held.
func (c *conn) kick() {
	if !c.writing {
		c.writing = true
		go c.writeLoop()
	}
}

// isDone reports whether the connection was torn down.
func (c *conn) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// enqueue queues one frame, waiting up to the write timeout for room: a
// client that does not read for that long is dropped (its session and
// history stay). It reports whether the frame was queued.
func (c *conn) enqueue(f []byte) bool {
	if c.isDone() {
		return false
	}
	if c.tryQueue(f) {
		return true
	}
	c.wmu.Lock()
	if c.room == nil {
		c.room = make(chan struct{}, 1)
	}
	room := c.room
	c.wmu.Unlock()
	t := time.NewTimer(c.srv.cfg.WriteTimeout)
	defer t.Stop()
	for {
		select {
		case <-room:
			if c.tryQueue(f) {
				return true
			}
			if c.closingDown() {
				return false
			}
		case <-c.done:
			return false
		case <-t.C:
			c.wmu.Lock()
			frames, bytes := len(c.queue)-c.head, c.queued
			c.wmu.Unlock()
			c.log.Warn("slow client: send queue stayed full, closing connection", "frames", frames, "bytes", bytes)
			c.teardown("send queue full")
			return false
		}
	}
}

// closingDown reports whether the connection takes no more frames.
func (c *conn) closingDown() bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.closed || c.isDone()
}

// ping asks the writer for a keepalive ping.
func (c *conn) ping() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed || c.isDone() {
		return
	}
	c.pingDue = true
	c.kick()
}

// goAway asks the writer to flush the queue and close the connection with
// code and text.
func (c *conn) goAway(code int, text string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.quitting {
		return
	}
	c.quitting = true
	c.closeCode, c.closeText = code, text
	c.kick()
}

// teardown closes the connection at once and detaches it from its session.
// It is safe to call more than once and from any goroutine.
func (c *conn) teardown(reason string) {
	c.retire(reason)
	_ = c.ws.Close()
}

// retire detaches the connection from its session and stops its writer and
// reader from doing more, leaving the socket open for the caller to close.
func (c *conn) retire(reason string) {
	c.downOnce.Do(func() {
		close(c.done)
		c.srv.pinger.remove(c)
		c.srv.detach(c)
		c.log.Info("connection closed", "reason", reason)
	})
}

// compressFrom is the size from which a frame is compressed, when the
// client accepted compression: each message is deflated on its own, and a
// short one comes out no shorter.
const compressFrom = 512

func (c *conn) write(f []byte) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.srv.cfg.WriteTimeout)); err != nil {
		return err
	}
	c.ws.EnableWriteCompression(len(f) >= compressFrom)
	return c.ws.WriteMessage(websocket.TextMessage, f)
}

// writeTask is the writer's next task: a ping, a frame, the close, or
// nothing (the writer then ends).
type writeTask int

const (
	nothing writeTask = iota
	doPing
	doFrame
	doClose
)

// take gives the writer its next task, in that order: a ping, the queued
// frames, the close once they are written.
func (c *conn) take() (writeTask, []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	switch {
	case c.isDone():
	case c.pingDue:
		c.pingDue = false
		return doPing, nil
	case c.head < len(c.queue):
		f := c.queue[c.head]
		c.queue[c.head] = nil
		c.head++
		if c.head == len(c.queue) {
			c.queue, c.head = c.queue[:0], 0
			if cap(c.queue) > maxIdleQueue {
				c.queue = nil
			}
		}
		return doFrame, f
	case c.quitting && !c.closed:
		c.closed = true
		return doClose, nil
	}
	c.writing = false
	return nothing, nil
}

// written accounts for a frame the writer has written.
func (c *conn) written(f []byte) {
	c.wmu.Lock()
	c.queued -= int64(len(f))
	room := c.room
	c.wmu.Unlock()
	if room != nil {
		select {
		case room <- struct{}{}:
		default:
		}
	}
}

// writeLoop writes what there is to write (see take), then ends.
func (c *conn) writeLoop() {
	for {
		what, f := c.take()
		switch what {
		case nothing:
			return
		case doFrame:
			err := c.write(f)
			c.written(f)
			if err != nil {
				c.teardown("write failed: " + err.Error())
				c.stopWriting()
				return
			}
		case doPing:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.srv.cfg.WriteTimeout)); err != nil {
				c.teardown("ping failed: " + err.Error())
				c.stopWriting()
				return
			}
		case doClose:
			c.close()
			c.stopWriting()
			return
		}
	}
}

// stopWriting marks the writer ended after the connection was torn down;
// nothing starts another.
func (c *conn) stopWriting() {
	c.wmu.Lock()
	c.writing = false
	c.wmu.Unlock()
}

// close sends the close frame, the queue written, and waits briefly for
// the client's close frame before dropping the connection.
func (c *conn) close() {
	msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
	if err := c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.srv.cfg.WriteTimeout)); err != nil {
		c.teardown("close failed: " + err.Error())
		return
	}
	t := time.NewTimer(closeGrace)
	defer t.Stop()
	select {
	case <-c.readerDone:
	case <-t.C:
	}
	c.teardown(c.closeText)
}

// startReading sets up the reader and starts it.
func (c *conn) startReading() {
	c.lastMessage = time.Now()
	c.rate = newBucket(c.srv.cfg.MessageRate, c.srv.cfg.MessageBurst)
	c.ws.SetPongHandler(func(string) error {
		if !c.inMessage.Load() {
			c.extend()
		}
		return nil
	})
	go c.readLoop()
}

// idleAt is when the connection ends if its client says nothing more:
// websocket.idle_timeout after its last message.
func (c *conn) idleAt() time.Time { return c.lastMessage.Add(c.srv.cfg.ConnIdleTimeout) }

// extend moves the read deadline on: the client has two ping periods to
// answer before it counts as gone, and never more than until idleAt.
// Inside a message, the message itself must keep arriving (see readSome):
// a pong does not excuse a stalled upload.
func (c *conn) extend() {
	cfg := c.srv.cfg
	d := time.Now().Add(2*cfg.PingInterval + cfg.WriteTimeout)
	if cfg.ConnIdleTimeout > 0 && c.idleAt().Before(d) {
		d = c.idleAt()
	}
	_ = c.ws.SetReadDeadline(d)
}

// readLoop reads the client's requests and has them run until the
// connection ends. The turns run on the server's turn goroutines (see
// turnPool), so that the reader waits on a small stack.
func (c *conn) readLoop() {
	defer close(c.readerDone)
	for {
		data, held, ok := c.nextMessage()
		if !ok {
			return
		}
		c.srv.turnPool.run(c, data)
		c.srv.budget.release(c.ip, held, int64(len(data)))
	}
}

// runMessage decodes a message the client sent and runs it. A bad frame is
// logged and skipped: it never costs the connection or the session.
func (c *conn) runMessage(data []byte) {
	// The frame is the request's now: decoded in place, a file's bytes and
	// a long text share its memory.
	req, err := c.srv.dialect.DecodeOwned(data)
	if err != nil {
		c.log.Warn("bad frame ignored", "reason", err.Error(), "bytes", len(data))
		c.srv.metrics.badFrames.Inc()
		return
	}
	c.srv.handle(c, req)
}

// nextMessage reads frames until one is a text message, and returns it
// with the share of the read budget it holds; false when the connection
// ends.
func (c *conn) nextMessage() (data []byte, held int64, ok bool) {
	cfg := c.srv.cfg
	for {
		// The wait for the next message starts now, whatever the last
		// turn took.
		c.extend()
		mt, data, held, err := c.readFrame()
		c.inMessage.Store(false)
		if errors.Is(err, errBusy) {
			c.refuseBusy()
			continue
		}
		if errors.Is(err, errTooLarge) {
			// The user has been told; close as the protocol says (1009),
			// reading what still comes so that the close is not lost to a
			// reset connection.
			c.goAway(websocket.CloseMessageTooBig, "message too big")
			nc := c.ws.NetConn()
			_ = nc.SetReadDeadline(time.Now().Add(closeGrace))
			_, _ = io.Copy(io.Discard, nc)
			return nil, 0, false
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() && cfg.ConnIdleTimeout > 0 && !time.Now().Before(c.idleAt()) {
			c.log.Info("closing connection: idle", "idle_timeout", cfg.ConnIdleTimeout)
			c.srv.metrics.closed(closedIdle)
			c.goAway(websocket.CloseNormalClosure, closedIdle)
			return nil, 0, false
		}
		if err != nil {
			c.readFailed(err)
			return nil, 0, false
		}
		c.lastMessage = time.Now()
		size := int64(len(data))
		if !c.rate.take(c.lastMessage) {
			c.srv.budget.release(c.ip, held, size)
			c.log.Warn("closing connection: too many messages", "max_messages_per_second", cfg.MessageRate, "message_burst", cfg.MessageBurst)
			c.srv.metrics.closed(closedRate)
			c.goAway(websocket.ClosePolicyViolation, "too many messages")
			nc := c.ws.NetConn()
			_ = nc.SetReadDeadline(time.Now().Add(closeGrace))
			_, _ = io.Copy(io.Discard, nc)
			return nil, 0, false
		}
		if c.isDone() {
			// Torn down elsewhere (slow client, shutdown deadline): frames
			// still buffered must not run as turns any more.
			c.srv.budget.release(c.ip, held, size)
			return nil, 0, false
		}
		if mt != websocket.TextMessage {
			continue // dropped as it arrived
		}
		return data, held, true
	}
}

// errBusy: the read budget stayed full; the frame was read and dropped.
var errBusy = errors.New("read budget full")

// errStalled: a message stopped arriving.
var errStalled = errors.New("the message being received stalled")

// readStep is what of a message must arrive within websocket.write_timeout
// of the last step: a message may arrive slowly, but not stall while it
// holds its share of the read budget.
const readStep = 64 << 10

// readSome fills p from the message, readStep bytes at a time, each within
// websocket.write_timeout.
func (c *conn) readSome(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		_ = c.ws.SetReadDeadline(time.Now().Add(c.srv.cfg.WriteTimeout))
		m, err := io.ReadFull(r, p[n:min(len(p), n+readStep)])
		n += m
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return n, errStalled
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// readFrame reads the next message whole, once it has its share of the read
// budget; held is the share, to release once the message is handled. A
// binary message, which is never handled, is dropped (and logged) as it
// arrives.
func (c *conn) readFrame() (mt int, data []byte, held int64, err error) {
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, 0, err
	}
	c.inMessage.Store(true)
	hint := c.sniff.next()
	if mt != websocket.TextMessage {
		n, err := c.discard(r)
		if err == nil {
			c.log.Warn("bad frame ignored", "reason", "binary frame", "bytes", n)
			c.srv.metrics.badFrames.Inc()
		}
		return mt, nil, 0, err
	}
	b := c.srv.budget
	if hint > c.srv.cfg.MaxSize {
		return mt, nil, 0, c.tooLarge(r, hint)
	}
	if hint < 0 {
		return c.readRest(r, mt)
	}
	// The usual case: one buffer of the message's size.
	if !b.acquire(c.ip, hint, c.srv.cfg.WriteTimeout, c.done) {
		return mt, nil, 0, c.drain(r)
	}
	data = make([]byte, hint)
	n, err := c.readSome(r, data)
	if err == io.ErrUnexpectedEOF {
		return mt, data[:n], hint, nil // shorter than its header said
	}
	if err != nil {
		b.release(c.ip, hint, 0)
		return 0, nil, 0, err
	}
	var one [1]byte
	if m, err := r.Read(one[:]); m > 0 || err != io.EOF {
		// Longer than its header said: a sniffer out of step, never
		// seen. Read it as a message of unknown length.
		b.release(c.ip, hint, 0)
		if err != nil && err != io.EOF && m == 0 {
			return 0, nil, 0, err
		}
		return c.readRest(io.MultiReader(bytes.NewReader(append(data, one[:m]...)), r), mt)
	}
	return mt, data, hint, nil
}

// chunkSize is the size of the pieces a message of unknown length is read
// in before it is put together.
const chunkSize = 64 << 10

// chunks holds the pieces of messages being read, for reuse: a fragmented
// message is read into pieces and then copied into one buffer of its size.
var chunks = sync.Pool{New: func() any { return new([chunkSize]byte) }}

// readRest reads a message whose length the sniffer could not give (a
// fragmented or compressed one) into pieces, each counted against the
// budget as it is taken, then puts it together in one buffer of its size.
// Only the first piece waits for room: a message that holds pieces never
// waits for more, or several could each hold a part and all wait for the
// rest; it is dropped instead, with the reply that asks to send again.
func (c *conn) readRest(r io.Reader, mt int) (int, []byte, int64, error) {
	b := c.srv.budget
	var pieces []*[chunkSize]byte
	defer func() {
		for _, p := range pieces {
			chunks.Put(p)
		}
	}()
	var held int64
	total := 0
	for {
		wait := c.srv.cfg.WriteTimeout
		if held > 0 {
			wait = 0
		}
		if !b.acquire(c.ip, chunkSize, wait, c.done) {
			b.release(c.ip, held, 0)
			return mt, nil, 0, c.drain(r)
		}
		held += chunkSize
		p := chunks.Get().(*[chunkSize]byte)
		pieces = append(pieces, p)
		n, err := c.readSome(r, p[:])
		total += n
		if (err == nil || err == io.EOF || err == io.ErrUnexpectedEOF) && int64(total) > c.srv.cfg.MaxSize {
			b.release(c.ip, held, 0)
			return mt, nil, 0, c.tooLarge(r, -1)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			b.release(c.ip, held, 0)
			return 0, nil, 0, err
		}
	}
	// The pieces' share of the budget stays with the whole, which is no
	// larger.
	whole := make([]byte, total)
	n := 0
	for _, p := range pieces {
		n += copy(whole[n:], p[:])
	}
	return mt, whole, held, nil
}

// discard reads and drops the rest of a message, under the same rule of
// progress as reading it.
func (c *conn) discard(r io.Reader) (int64, error) {
	p := chunks.Get().(*[chunkSize]byte)
	defer chunks.Put(p)
	var total int64
	for {
		n, err := c.readSome(r, p[:])
		total += int64(n)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// errTooLarge: a message over websocket.max_size; the user was told.
var errTooLarge = errors.New("message over websocket.max_size")

// tooLarge tells the user a message of size bytes (-1: unknown, more than
// the limit) is over websocket.max_size, and reads the rest of it, up to a
// few times the limit, so that the client finishes sending and reads the
// answer. The connection is then closed with 1009.
func (c *conn) tooLarge(r io.Reader, size int64) error {
	max := c.srv.cfg.MaxSize
	c.srv.metrics.tooLarge.Inc()
	c.log.Warn("frame larger than websocket.max_size, closing connection", "bytes", size, "max_size", max)
	what := "more than " + humanBytes(max)
	if size >= 0 {
		what = humanBytes(size)
	}
	text := fmt.Sprintf("Sorry, that is too large for me: %s, and I take at most %s. Please send something smaller.", what, humanBytes(max))
	if f, err := c.srv.dialect.EncodeReply(reply.NewText(reply.Str, text), c.srv.now()); err == nil {
		c.enqueue(f)
	}
	if size <= 4*max {
		if _, err := c.discard(io.LimitReader(r, 4*max)); err != nil {
			return err
		}
	}
	return errTooLarge
}

// humanBytes writes a size for people: 18.2 MB, 64 MiB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}

// drain reads and drops the rest of a message the budget had no room for,
// so the connection can go on.
func (c *conn) drain(r io.Reader) error {
	if _, err := c.discard(r); err != nil {
		return err
	}
	return errBusy
}

// refuseBusy tells the user a message was dropped for want of room.
func (c *conn) refuseBusy() {
	c.srv.metrics.framesRefused.Inc()
	c.log.Warn("frame dropped: websocket.read_budget stayed full (or this address's share of it)", "read_budget", c.srv.budget.limit, "waited", c.srv.cfg.WriteTimeout)
	f, err := c.srv.dialect.EncodeReply(reply.NewText(reply.Str, busyText), c.srv.now())
	if err == nil {
		c.enqueue(f)
	}
}

// busyText answers a message dropped because the bot was receiving too much
// at once.
const busyText = "Sorry, I could not receive that: too much is being sent to me at once. Please send it again in a moment."

// readFailed logs why reading stopped and closes the connection.
func (c *conn) readFailed(err error) {
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		// gorilla has sent the 1009 close frame; swallow the rest of the
		// oversized frame so closing does not reset the connection
		// before the client reads it.
		c.log.Warn("frame larger than websocket.max_size, closing connection", "max_size", c.srv.cfg.MaxSize)
		c.retire("frame too large")
		nc := c.ws.NetConn()
		_ = nc.SetReadDeadline(time.Now().Add(closeGrace))
		_, _ = io.Copy(io.Discard, nc)
		_ = c.ws.Close()
	case errors.As(err, &ce):
		c.teardown("client closed: " + ce.Error())
	case errors.Is(err, errStalled):
		c.log.Warn("closing connection: a message stopped arriving", "step", readStep, "write_timeout", c.srv.cfg.WriteTimeout)
		c.teardown("message stalled")
	case errors.As(err, &ne) && ne.Timeout():
		c.teardown("keepalive timeout")
	default:
		c.teardown("read failed: " + err.Error())
	}
}

// The reasons the server closes a chat connection to protect the service,
// as logged and counted (botgen_connections_closed_total).
const (
	closedIdle = "idle"
	closedRate = "rate"
)

// bucket is a token bucket: burst messages at once, refilled at rate a
// second. A rate of 0 lets everything through.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func newBucket(rate float64, burst int) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

// take reports whether a message arriving at now is within the rate, and
// counts it.
func (b *bucket) take(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
