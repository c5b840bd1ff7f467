// Package testlog collects what a server or a process under test writes
// while it runs, for the test to wait for and read.
package testlog

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// Buffer is an io.Writer that is safe for concurrent use: a log sink or a
// child process's output that the test reads while it is still written.
// The zero value is an empty buffer ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// WaitFor waits up to timeout for text to have been written, and fails t,
// showing what was, if it has not.
func (b *Buffer) WaitFor(t testing.TB, text string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(b.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q not written within %s; got:\n%s", text, timeout, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
