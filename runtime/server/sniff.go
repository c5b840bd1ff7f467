package server

import (
	"bufio"
	"encoding/binary"
	"net"
	"net/http"
	"sync"
)

// frameSniffer reads the WebSocket frame headers in the bytes a client
// sends, as they pass to the WebSocket library, so that the reader knows a
// message's length before reading it: the message then goes into one
// buffer of its exact size instead of one grown by doubling, which at its
// peak holds twice the frame or more. What it learns is only a hint: the
// reader copes with a wrong one.
type frameSniffer struct {
	mu      sync.Mutex
	hdr     [14]byte
	nhdr    int
	skip    uint64  // payload bytes of the current frame still to pass
	lengths []int64 // the first frame's length of each data message seen, -1 when fragmented
	lost    bool    // too many messages ahead of the reader: no more hints
}

// maxAhead bounds the messages the sniffer remembers ahead of the reader.
// The reader's buffer (readBufferSize, 1,024 bytes) holds at most 171
// frames of 6 bytes, so a client cannot get this far ahead, however many
// messages it sends.
const maxAhead = 1024

// feed reads the frame headers in p, the next bytes from the client.
func (f *frameSniffer) feed(p []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(p) > 0 && !f.lost {
		if f.skip > 0 {
			n := min(f.skip, uint64(len(p)))
			f.skip -= n
			p = p[n:]
			continue
		}
		f.hdr[f.nhdr] = p[0]
		f.nhdr++
		p = p[1:]
		if f.nhdr < 2 {
			continue
		}
		need := 2
		switch f.hdr[1] & 0x7f {
		case 126:
			need += 2
		case 127:
			need += 8
		}
		if f.hdr[1]&0x80 != 0 { // masked, as every client frame is
			need += 4
		}
		if f.nhdr < need {
			continue
		}
		length := uint64(f.hdr[1] & 0x7f)
		switch length {
		case 126:
			length = uint64(binary.BigEndian.Uint16(f.hdr[2:4]))
		case 127:
			length = binary.BigEndian.Uint64(f.hdr[2:10])
		}
		if op := f.hdr[0] & 0x0f; op == 1 || op == 2 { // a text or binary message starts
			l := int64(length)
			// Fragmented (no FIN) or compressed (RSV1: the length is that
			// of the deflated bytes): the message's length is not known.
			if f.hdr[0]&0x80 == 0 || f.hdr[0]&0x40 != 0 || l < 0 {
				l = -1
			}
			if len(f.lengths) == maxAhead {
				f.lost, f.lengths = true, nil
				return
			}
			f.lengths = append(f.lengths, l)
		}
		f.skip, f.nhdr = length, 0
	}
}

// next returns the length of the next message, or -1 when it is not known.
func (f *frameSniffer) next() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.lengths) == 0 {
		return -1
	}
	l := f.lengths[0]
	f.lengths = append(f.lengths[:0], f.lengths[1:]...)
	return l
}

// sniffedConn is a client connection whose inbound bytes feed a sniffer.
type sniffedConn struct {
	net.Conn
	sniff *frameSniffer
}

func (c *sniffedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.sniff.feed(p[:n])
	return n, err
}

// sniffingWriter hands the WebSocket library, when it takes over the
// connection, a connection that feeds sniff.
type sniffingWriter struct {
	http.ResponseWriter
	sniff *frameSniffer
}

func (w sniffingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return &sniffedConn{Conn: nc, sniff: w.sniff}, brw, nil
}
