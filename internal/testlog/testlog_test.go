package testlog

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBufferConcurrentWrites(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				fmt.Fprintf(&b, "%d\n", i)
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if n := strings.Count(b.String(), "\n"); n != 800 {
		t.Errorf("%d lines, want 800", n)
	}
}

func TestWaitForTextWrittenLater(t *testing.T) {
	var b Buffer
	go func() {
		time.Sleep(20 * time.Millisecond)
		b.Write([]byte("level=INFO msg=ready\n"))
	}()
	b.WaitFor(t, "msg=ready", 5*time.Second)
}

func TestWaitForFailsShowingTheLog(t *testing.T) {
	var b Buffer
	b.Write([]byte("level=INFO msg=starting\n"))
	rec := &recorder{TB: t}
	done := make(chan struct{})
	// Fatalf ends the goroutine it is called on, as testing's does.
	go func() {
		defer close(done)
		b.WaitFor(rec, "msg=ready", 30*time.Millisecond)
	}()
	<-done
	if !strings.Contains(rec.msg, `"msg=ready" not written within 30ms`) || !strings.Contains(rec.msg, "msg=starting") {
		t.Errorf("failure message %q does not name the text and show the log", rec.msg)
	}
}

// recorder keeps a Fatalf message instead of failing the test.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
