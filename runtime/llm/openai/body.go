package openai

import (
	"bytes"
	"errors"
	"io"
	"net/http"
)

// errTooLarge is what reading an answer past Config.MaxBytes returns.
var errTooLarge = errors.New("the answer is over the size limit")

// limitTransport wraps the bodies of the answers of its base transport in
// a limitedBody: whatever reads them, go-openai's JSON decoder, its stream
// reader or its error reader, reads at most max bytes.
type limitTransport struct {
	base http.RoundTripper
	max  int64
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	b := &limitedBody{rc: resp.Body, left: t.max}
	if resp.ContentLength > t.max {
		b.over = true // no need to read what is announced too large
	}
	resp.Body = b
	return resp, nil
}

// limitedBody is an answer's body read up to a limit: past it, Read fails
// with errTooLarge. It also watches the lines of an event stream for
// data: [DONE].
type limitedBody struct {
	rc   io.ReadCloser
	left int64 // bytes that may still be read
	over bool  // the limit was passed
	done doneWatch
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, errTooLarge
	}
	// One byte more than allowed tells a body at the limit from one over.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.over = true
		err = errTooLarge
	}
	b.left -= int64(n)
	b.done.write(p[:n], err == io.EOF)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// doneWatch notes whether a stream held the line data: [DONE], as
// go-openai reads it (spaces around it and after the colon allowed). It
// keeps the start of the current line only: a line longer than that is
// not [DONE].
type doneWatch struct {
	line [32]byte
	n    int  // bytes of the line kept
	long bool // the line is longer than line holds
	seen bool
}

func (w *doneWatch) write(p []byte, eof bool) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		part := p
		if i >= 0 {
			part = p[:i]
		}
		if w.n+len(part) > len(w.line) {
			w.long = true
		} else {
			w.n += copy(w.line[w.n:], part)
		}
		if i < 0 {
			break
		}
		w.endLine()
		p = p[i+1:]
	}
	if eof {
		w.endLine()
	}
}

func (w *doneWatch) endLine() {
	if !w.long {
		line := bytes.TrimSpace(w.line[:w.n])
		if rest, ok := bytes.CutPrefix(line, []byte("data:")); ok && string(bytes.TrimSpace(rest)) == "[DONE]" {
			w.seen = true
		}
	}
	w.n, w.long = 0, false
}
