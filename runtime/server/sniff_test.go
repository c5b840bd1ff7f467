package server

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// clientFrame is a masked frame as a client sends it.
func clientFrame(fin bool, op byte, payload int) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	var f []byte
	switch {
	case payload < 126:
		f = []byte{b0, 0x80 | byte(payload)}
	case payload < 1<<16:
		f = []byte{b0, 0x80 | 126, 0, 0}
		binary.BigEndian.PutUint16(f[2:], uint16(payload))
	default:
		f = []byte{b0, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(f[2:], uint64(payload))
	}
	f = append(f, 9, 9, 9, 9) // the mask
	return append(f, make([]byte, payload)...)
}

// TestFrameSniffer: whatever the sizes, interleaved control frames and
// fragments, and however the bytes are split into reads, the sniffer gives
// each message's length in order, -1 for a fragmented one.
func TestFrameSniffer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var stream []byte
		var want []int64
		for range 1 + rng.IntN(20) {
			if rng.IntN(4) == 0 {
				stream = append(stream, clientFrame(true, 9, rng.IntN(126))...) // a ping
			}
			size := []int{0, 1, 125, 126, 65535, 65536, 70000}[rng.IntN(7)]
			op := byte(1 + rng.IntN(2))
			if rng.IntN(3) == 0 { // in fragments, a pong among them
				stream = append(stream, clientFrame(false, op, size)...)
				stream = append(stream, clientFrame(true, 10, 3)...)
				stream = append(stream, clientFrame(false, 0, 17)...)
				stream = append(stream, clientFrame(true, 0, 5)...)
				want = append(want, -1)
				continue
			}
			if rng.IntN(5) == 0 { // compressed: RSV1
				f := clientFrame(true, op, size)
				f[0] |= 0x40
				stream = append(stream, f...)
				want = append(want, -1)
				continue
			}
			stream = append(stream, clientFrame(true, op, size)...)
			want = append(want, int64(size))
		}
		var f frameSniffer
		for len(stream) > 0 {
			n := min(len(stream), 1+rng.IntN(9000))
			f.feed(stream[:n])
			stream = stream[n:]
		}
		for i, w := range want {
			if got := f.next(); got != w {
				t.Fatalf("round %d: message %d: length %d, want %d", round, i, got, w)
			}
		}
		if got := f.next(); got != -1 {
			t.Fatalf("round %d: a message too many: %d", round, got)
		}
	}
}

// FuzzFrameSniffer: any bytes, split anyhow, never make the sniffer panic
// or remember more than maxAhead messages.
func FuzzFrameSniffer(f *testing.F) {
	f.Add(append(clientFrame(true, 1, 70000), clientFrame(false, 2, 3)...), uint8(7))
	f.Add([]byte{0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0}, uint8(1))
	f.Fuzz(func(t *testing.T, stream []byte, split uint8) {
		var s frameSniffer
		step := int(split) + 1
		for len(stream) > 0 {
			n := min(len(stream), step)
			s.feed(stream[:n])
			stream = stream[n:]
			if len(s.lengths) > maxAhead {
				t.Fatalf("%d messages remembered", len(s.lengths))
			}
		}
		for s.next() != -1 {
		}
	})
}
