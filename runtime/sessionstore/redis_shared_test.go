package sessionstore

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/internal/redistest"
	"github.com/botgen-dev/botgen/runtime/engine"
)

// openShared returns two stores on one Redis: two instances of a bot.
func openShared(t *testing.T) (a, b *Redis) {
	t.Helper()
	srv := redistest.Start(t)
	opt := testOptions()
	opt.Prefix = "botgen:test:"
	open := func() *Redis {
		st, err := OpenRedis(srv.URL(0), opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	return open(), open()
}

// TestLeaseSerialisesHolders: a session's lease has one holder at a time,
// the next holder gets a newer token and sees the version written, and a
// lease that is not released expires by itself.
func TestLeaseSerialisesHolders(t *testing.T) {
	a, b := openShared(t)
	ctx := context.Background()
	la, err := a.Lease(ctx, "s", "a:1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if la.Token != 1 || la.Version != 0 {
		t.Errorf("first lease %+v, want token 1, version 0", la)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = b.Lease(short, "s", "b:1", time.Minute)
	cancel()
	if !errors.Is(err, ErrLeaseBusy) {
		t.Fatalf("a held lease taken: %v", err)
	}
	var m Mark
	h := []Entry(nil)
	tu := turnOf(engine.Snapshot{State: "main"}, everyEntry()[:1], &h, 10)
	tu.Fence, tu.Seq = la.Token, 1
	mustAppend(t, a, "s", &m, tu)
	if err := b.Release(ctx, "s", Lease{Owner: "b:1"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Renew(ctx, "s", la, time.Minute); err != nil {
		t.Fatalf("renew: %v", err)
	}
	if err := a.Release(ctx, "s", la); err != nil {
		t.Fatal(err)
	}
	lb, err := b.Lease(ctx, "s", "b:2", 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if lb.Token != 2 || lb.Version != la.Token {
		t.Errorf("second lease %+v, want token 2, version %d", lb, la.Token)
	}
	if err := a.Renew(ctx, "s", la, time.Minute); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("renewing a released lease: %v", err)
	}
	// b never releases: its lease expires, and a gets the session.
	began := time.Now()
	lc, err := a.Lease(ctx, "s", "c:1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if lc.Token != 3 || time.Since(began) > 5*time.Second {
		t.Errorf("lease after expiry %+v after %v", lc, time.Since(began))
	}
	// A lease the same instance left (its answer lost) is taken over.
	ld, err := a.Lease(soon(t), "s", "c:2", time.Minute)
	if err != nil || ld.Token != 4 {
		t.Errorf("a lease of the same instance not taken over: %+v, %v", ld, err)
	}
	sv := mustLoad(t, b, "s")
	if sv.Version != la.Token || sv.Seq != 1 {
		t.Errorf("loaded version %d seq %d, want %d and 1", sv.Version, sv.Seq, la.Token)
	}
	if v, err := b.Version(ctx, "s"); err != nil || v != la.Token {
		t.Errorf("Version = %d, %v", v, err)
	}
}

// TestFencingRefusesStaleWriter: a holder whose lease expired while it was
// paused cannot write over the turn of the holder after it; the session
// stays as the newer holder wrote it.
func TestFencingRefusesStaleWriter(t *testing.T) {
	a, b := openShared(t)
	ctx := context.Background()
	old, err := a.Lease(ctx, "s", "a:1", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // a is paused past its lease
	cur, err := b.Lease(ctx, "s", "b:1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var mb Mark
	hb := []Entry(nil)
	tb := turnOf(engine.Snapshot{State: "newer"}, everyEntry()[:1], &hb, 10)
	tb.Fence = cur.Token
	mustAppend(t, b, "s", &mb, tb)

	var ma Mark
	ha := []Entry(nil)
	ta := turnOf(engine.Snapshot{State: "stale"}, everyEntry()[1:3], &ha, 10)
	ta.Fence = old.Token
	if err := a.Append(ctx, "s", &ma, ta); !errors.Is(err, ErrFenced) {
		t.Fatalf("stale write: %v, want ErrFenced", err)
	}
	sv := mustLoad(t, a, "s")
	if sv.Snapshot.State != "newer" || len(sv.History) != 1 || sv.Version != cur.Token {
		t.Errorf("after the stale write: state %q, %d entries, version %d", sv.Snapshot.State, len(sv.History), sv.Version)
	}
}

// TestPublishReachesSubscribers: every subscriber gets each event, in the
// order they were published, and is told when its subscription begins.
func TestPublishReachesSubscribers(t *testing.T) {
	a, b := openShared(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var got []string
	ready := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.Subscribe(ctx, func(e []byte) {
			mu.Lock()
			got = append(got, string(e))
			mu.Unlock()
		}, func() { ready <- struct{}{} })
	}()
	<-ready
	for _, e := range []string{"1", "2", "3"} {
		if err := a.Publish(ctx, []byte(e)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	if len(got) != 3 || got[0] != "1" || got[1] != "2" || got[2] != "3" {
		t.Errorf("received %q", got)
	}
	mu.Unlock()
	cancel()
	<-done
}

// soon is a context that ends soon: for a lease that must come at once.
func soon(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestAppendPublishesAndReleases: a turn written with its event and its
// lease's owner publishes the event and gives the lease back in the same
// call; a turn refused (fenced) publishes nothing and leaves the lease to
// its holder.
func TestAppendPublishesAndReleases(t *testing.T) {
	a, b := openShared(t)
	ctx := context.Background()
	events := subscribed(t, b)

	old, err := a.Lease(ctx, "s", "a:1", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // a's lease expires
	cur, err := b.Lease(ctx, "s", "b:1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var mb Mark
	hb := []Entry(nil)
	tb := turnOf(engine.Snapshot{State: "newer"}, everyEntry()[:1], &hb, 10)
	tb.Fence, tb.Release, tb.Event = cur.Token, cur.Owner, []byte("turn of b")
	mustAppend(t, b, "s", &mb, tb)
	select {
	case e := <-events:
		if e != "turn of b" {
			t.Errorf("event %q", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the turn's event was not published")
	}
	// Released with the write: the next lease comes at once.
	next, err := a.Lease(soon(t), "s", "c:1", time.Minute)
	if err != nil {
		t.Fatalf("lease not released by the write: %v", err)
	}

	var ma Mark
	ha := []Entry(nil)
	ta := turnOf(engine.Snapshot{State: "stale"}, everyEntry()[1:2], &ha, 10)
	ta.Fence, ta.Release, ta.Event = old.Token, old.Owner, []byte("stale turn")
	if err := a.Append(ctx, "s", &ma, ta); !errors.Is(err, ErrFenced) {
		t.Fatalf("stale write: %v, want ErrFenced", err)
	}
	select {
	case e := <-events:
		t.Errorf("a refused turn published %q", e)
	case <-time.After(200 * time.Millisecond):
	}
	short, stop := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = b.Lease(short, "s", "d:1", time.Minute)
	stop()
	if !errors.Is(err, ErrLeaseBusy) {
		t.Errorf("the lease of %s was taken: %v", next.Owner, err)
	}
}

// TestFencingRefusesWriterAfterNewLease: a holder whose lease expired
// cannot write, nor publish, once another holder has taken the lease, even
// before that holder wrote: the newer turn read the session before the
// stale one, and would overwrite it.
func TestFencingRefusesWriterAfterNewLease(t *testing.T) {
	a, b := openShared(t)
	ctx := context.Background()
	events := subscribed(t, b)
	old, err := a.Lease(ctx, "s", "a:1", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // a's lease expires mid-turn
	cur, err := b.Lease(ctx, "s", "b:1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var ma Mark
	ha := []Entry(nil)
	ta := turnOf(engine.Snapshot{State: "stale"}, everyEntry()[1:2], &ha, 10)
	ta.Fence, ta.Release, ta.Event = old.Token, old.Owner, []byte("stale turn")
	if err := a.Append(ctx, "s", &ma, ta); !errors.Is(err, ErrFenced) {
		t.Fatalf("write by the expired holder (token %d) while %s holds token %d: %v, want ErrFenced", old.Token, cur.Owner, cur.Token, err)
	}
	select {
	case e := <-events:
		t.Errorf("published %q for a turn refused", e)
	case <-time.After(200 * time.Millisecond):
	}
	if sv, err := b.Load(ctx, "s"); err != nil || sv != nil {
		t.Errorf("the refused turn was stored: %+v, %v", sv, err)
	}
}

// subscribed subscribes st to the bot's events until the test ends, and
// returns them as they come; the subscription is live when it returns.
func subscribed(t *testing.T, st *Redis) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan string, 8)
	ready := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = st.Subscribe(ctx, func(e []byte) { events <- string(e) }, func() {
			select {
			case ready <- struct{}{}:
			default:
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	<-ready
	return events
}
