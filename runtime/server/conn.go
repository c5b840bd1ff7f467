package server

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one chat connection: a reader (the HTTP handler's goroutine) and a
// writer goroutine, which alone writes data frames because gorilla/websocket
// allows one concurrent writer (control frames may be written from anywhere).
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

	send chan []byte // frames to write, bounded by cfg.SendQueue

	quitOnce  sync.Once
	quit      chan struct{} // closed by goAway: flush, send a close frame, end
	closeCode int           // written before quit is closed
	closeText string

	downOnce   sync.Once
	done       chan struct{} // closed by teardown
	readerDone chan struct{} // closed when readLoop returns
}

// enqueue queues one frame without blocking. A full queue means the client
// does not keep up: the connection is dropped (its session and history
// stay). It reports whether the frame was queued.
func (c *conn) enqueue(f []byte) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	select {
	case c.send <- f:
		return true
	default:
		c.log.Warn("slow client: send queue full, closing connection", "queue", cap(c.send))
		c.teardown("send queue full")
		return false
	}
}

// enqueueWait queues one frame, waiting up to the write timeout for room.
func (c *conn) enqueueWait(f []byte) bool {
	select {
	case c.send <- f:
		return true
	case <-c.done:
		return false
	default:
	}
	t := time.NewTimer(c.srv.cfg.WriteTimeout)
	defer t.Stop()
	select {
	case c.send <- f:
		return true
	case <-c.done:
		return false
	case <-t.C:
		c.log.Warn("slow client: send queue stayed full, closing connection", "queue", cap(c.send))
		c.teardown("send queue full")
		return false
	}
}

// goAway asks the writer to flush the queue and close the connection with
// code and text.
func (c *conn) goAway(code int, text string) {
	c.quitOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.quit)
	})
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
		c.srv.detach(c)
		c.log.Info("connection closed", "reason", reason)
	})
}

func (c *conn) write(f []byte) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.srv.cfg.WriteTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, f)
}

// writeLoop writes queued frames and keepalive pings until the connection
// ends.
func (c *conn) writeLoop() {
	ping := time.NewTicker(c.srv.cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case f := <-c.send:
			if err := c.write(f); err != nil {
				c.teardown("write failed: " + err.Error())
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.srv.cfg.WriteTimeout)); err != nil {
				c.teardown("ping failed: " + err.Error())
				return
			}
		case <-c.quit:
			c.flushAndClose()
			return
		case <-c.done:
			return
		}
	}
}

// flushAndClose writes what is queued, sends the close frame and waits
// briefly for the client's close frame before dropping the connection.
func (c *conn) flushAndClose() {
	for {
		select {
		case f := <-c.send:
			if err := c.write(f); err != nil {
				c.teardown("write failed: " + err.Error())
				return
			}
			continue
		default:
		}
		break
	}
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

// readLoop reads frames and runs them until the connection ends. Bad frames
// are logged and skipped: they never cost the connection or the session.
func (c *conn) readLoop() {
	defer close(c.readerDone)
	ws := c.ws
	cfg := c.srv.cfg
	// The client has two ping periods to answer before it counts as gone.
	wait := 2*cfg.PingInterval + cfg.WriteTimeout
	extend := func() { _ = ws.SetReadDeadline(time.Now().Add(wait)) }
	extend()
	ws.SetPongHandler(func(string) error { extend(); return nil })
	// One buffer per connection, reused across frames: Decode copies what
	// it keeps.
	var buf bytes.Buffer
	for {
		mt, data, err := c.readFrame(&buf)
		if err != nil {
			c.readFailed(err)
			return
		}
		select {
		case <-c.done:
			// Torn down elsewhere (slow client, shutdown deadline): frames
			// still buffered must not run as turns any more.
			return
		default:
		}
		extend()
		if mt != websocket.TextMessage {
			c.log.Warn("bad frame ignored", "reason", "binary frame", "bytes", len(data))
			c.srv.metrics.badFrames.Add(1)
			continue
		}
		req, err := c.srv.dialect.Decode(data)
		if err != nil {
			c.log.Warn("bad frame ignored", "reason", err.Error(), "bytes", len(data))
			c.srv.metrics.badFrames.Add(1)
			continue
		}
		c.srv.handle(c, req)
	}
}

// readFrame reads the next data frame into buf. A buffer grown by a large
// frame (a file upload) is dropped afterwards rather than kept for the
// connection's lifetime.
func (c *conn) readFrame(buf *bytes.Buffer) (int, []byte, error) {
	const keep = 64 << 10
	if buf.Cap() > keep {
		*buf = bytes.Buffer{}
	}
	buf.Reset()
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return 0, nil, err
	}
	return mt, buf.Bytes(), nil
}

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
	case errors.As(err, &ne) && ne.Timeout():
		c.teardown("keepalive timeout")
	default:
		c.teardown("read failed: " + err.Error())
	}
}
