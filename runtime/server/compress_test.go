package server

import (
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/config"
)

// countingConn counts the bytes that cross a client's connection.
type countingConn struct {
	net.Conn
	in, out *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// dialCounting connects to ts offering compression or not, counting the
// bytes on the wire.
func dialCounting(t testing.TB, ts *testServer, compress bool) (*client, *atomic.Int64, *atomic.Int64, bool) {
	t.Helper()
	in, out := new(atomic.Int64), new(atomic.Int64)
	d := websocket.Dialer{
		EnableCompression: compress,
		NetDial: func(network, addr string) (net.Conn, error) {
			nc, err := net.Dial(network, addr)
			return countingConn{nc, in, out}, err
		},
	}
	ws, resp, err := d.Dial(ts.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	negotiated := strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate")
	return (&client{ws: ws}).withT(t), in, out, negotiated
}

// TestCompression: a client that offers permessage-deflate (as browsers
// do) gets it, the conversation is the same, and fewer bytes cross the
// wire; with websocket.compression off, or a client that does not offer it,
// frames go as they are. A compressed message is held to
// websocket.max_size by what it inflates to.
func TestCompression(t *testing.T) {
	// in is where the received count stood before the long reply.
	var chat int64
	conversation := func(c *client, in *atomic.Int64) {
		c.expect(bbfStr, greeting)
		for range 5 {
			c.say("show kinds")
			for range 9 {
				c.next()
			}
			c.say("what is the meaning of life, the universe and everything?")
			c.expect(bbfStr, fellOver)
		}
		chat = in.Load()
		c.say("big") // a long reply
		c.next()
	}
	ts := start(t, nil)
	plain, plainIn, plainOut, neg := dialCounting(t, ts, false)
	if neg {
		t.Fatal("compression negotiated with a client that did not offer it")
	}
	conversation(plain, plainIn)
	plainChat := chat
	deflated, in, out, neg := dialCounting(t, ts, true)
	if !neg {
		t.Fatal("compression not negotiated with a client that offered it")
	}
	conversation(deflated, in)
	t.Logf("the chat (every reply kind, 5 times) received: %d bytes plain, %d compressed", plainChat, chat)
	// What the client sends is its own business (this one compresses even
	// short messages); what the bot sends must shrink.
	t.Logf("bytes on the wire, received/sent by the client: %d/%d plain, %d/%d compressed", plainIn.Load(), plainOut.Load(), in.Load(), out.Load())
	if in.Load() >= plainIn.Load() {
		t.Errorf("compression saved nothing: %d bytes received plain, %d compressed", plainIn.Load(), in.Load())
	}

	off := start(t, nil, func(c *config.Config) { c.Compression = false })
	if _, _, _, neg := dialCounting(t, off, true); neg {
		t.Error("compression negotiated with websocket.compression = false")
	}

	small := start(t, nil, func(c *config.Config) { c.MaxSize = 64 << 10 })
	c, _, _, _ := dialCounting(t, small, true)
	c.next()
	c.say(strings.Repeat("a", 1<<20)) // a few kilobytes on the wire
	if f := c.frame(); !strings.HasPrefix(f.Message.(string), "Sorry, that is too large for me") {
		t.Fatalf("a message that inflates past the limit: %+v", f)
	}
}

func BenchmarkRoundTripCompressed(b *testing.B) {
	ts := start(b, nil)
	c, _, _, _ := dialCounting(b, ts, true)
	roundTrips(b, c)
}
