package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/botgen-dev/botgen/internal/redistest"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
	"github.com/botgen-dev/botgen/runtime/value"
)

// backend opens one kind of store for the conformance suite.
type backend struct {
	name string
	// open returns a store with opt, and reopen, which returns another
	// store on what the first one wrote (a restarted bot).
	open func(t testing.TB, opt Options) (st Store, reopen func() Store)
	// damage makes the stored session with id unreadable.
	damage func(t *testing.T, st Store, id string)
	// readLimited: the store refuses a session over Options.ReadLimit (a
	// folder is bounded by Options.MaxBytes instead).
	readLimited bool
}

func backends() []backend {
	return []backend{
		{
			name: "memory",
			open: func(t testing.TB, opt Options) (Store, func() Store) {
				m := NewMemory(opt)
				return m, func() Store { return m }
			},
			damage: func(t *testing.T, st Store, id string) {
				m := st.(*Memory)
				m.mu.Lock()
				m.all[Hash(id)].state = []byte("{not json")
				m.mu.Unlock()
			},
			readLimited: true,
		},
		{
			name: "files",
			open: func(t testing.TB, opt Options) (Store, func() Store) {
				dir := t.TempDir()
				open := func() Store {
					st, err := OpenFiles(dir, opt)
					if err != nil {
						t.Fatal(err)
					}
					return st
				}
				return open(), open
			},
			damage: func(t *testing.T, st Store, id string) {
				if err := os.WriteFile(st.(*Files).path(id), []byte("not json\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "redis",
			open: func(t testing.TB, opt Options) (Store, func() Store) {
				srv := redistest.Start(t)
				opt.Prefix = "botgen:test:"
				open := func() Store {
					st, err := OpenRedis(srv.URL(0), opt)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { st.Close() })
					return st
				}
				return open(), open
			},
			damage: func(t *testing.T, st Store, id string) {
				r := st.(*Redis)
				if err := r.c.Set(context.Background(), r.keys(id)[0], "{not json", 0).Err(); err != nil {
					t.Fatal(err)
				}
			},
			readLimited: true,
		},
	}
}

func testOptions() Options {
	return Options{TTL: time.Hour, History: 100, MaxBytes: 1 << 30, Timeout: 5 * time.Second}
}

// TestConformance runs the same tests on every store.
func TestConformance(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Run("round trip", func(t *testing.T) { testRoundTrip(t, b) })
			t.Run("turns", func(t *testing.T) { testTurns(t, b) })
			t.Run("reset", func(t *testing.T) { testReset(t, b) })
			t.Run("history bound", func(t *testing.T) { testHistoryBound(t, b) })
			t.Run("expiry", func(t *testing.T) { testExpiry(t, b) })
			t.Run("removal", func(t *testing.T) { testRemoval(t, b) })
			t.Run("reopen", func(t *testing.T) { testReopen(t, b) })
			t.Run("concurrent sessions", func(t *testing.T) { testConcurrent(t, b) })
			t.Run("hostile values", func(t *testing.T) { testHostile(t, b) })
			t.Run("damaged", func(t *testing.T) { testDamaged(t, b) })
			t.Run("sweep keeps live sessions", func(t *testing.T) { testSweepLive(t, b) })
		})
	}
}

var at0 = time.Date(2026, 11, 26, 23, 1, 0, 0, time.UTC)

// entries returns one entry of every kind.
func everyEntry() []Entry {
	rep := func(r reply.Reply) *Reply { return &r }
	return []Entry{
		{At: at0, Reply: rep(reply.NewText(reply.Str, "Hello! How can I help?"))},
		{At: at0.Add(time.Second), User: true, Message: "weather in BCN"},
		{At: at0.Add(2 * time.Second), User: true, Message: map[string]any{"event": "click", "n": 2.0}},
		{At: at0.Add(3 * time.Second), User: true, File: &File{Name: "sales.csv", Type: "text/csv", Size: 79}},
		{At: at0.Add(4 * time.Second), Reply: rep(reply.NewText(reply.Markdown, "**21.5°C**"))},
		{At: at0.Add(5 * time.Second), Reply: rep(reply.NewOptions("yes", "no"))},
		{At: at0.Add(6 * time.Second), Reply: rep(reply.NewLocation(41.4, 2.2))},
		{At: at0.Add(7 * time.Second), Reply: rep(reply.NewFile("report.pdf", "application/pdf", []byte("%PDF")))},
		{At: at0.Add(8 * time.Second), Reply: rep(reply.Reply{Kind: reply.RAG, RAG: &reply.RAGData{Question: "q", Answer: "a", Docs: []reply.RAGDoc{{Content: "c", Metadata: reply.RAGMetadata{Source: "s.md", Title: "T"}}}}})},
	}
}

// Reply is reply.Reply, named short for the table above.
type Reply = reply.Reply

// everyVar returns a variable of every kind.
func everyVar() map[string]any {
	return map[string]any{
		"n":      42.5,
		"zero":   0.0,
		"s":      "héllo",
		"b":      true,
		"f":      false,
		"null":   nil,
		"rec":    value.RecordOf("zeta", 1.0, "alpha", "two", "mid", true),
		"list":   []value.Value{1.0, "x", false},
		"nested": value.RecordOf("z", []value.Value{value.RecordOf("y", 1.0, "x", []value.Value{}), nil}, "a", value.RecordOf()),
	}
}

func turnOf(snap engine.Snapshot, added []Entry, history *[]Entry, keep int) Turn {
	*history = append(*history, added...)
	if len(*history) > keep {
		*history = (*history)[len(*history)-keep:]
	}
	h := *history
	return Turn{Started: true, Added: added, Keep: len(h), History: func() []Entry { return h }, Snapshot: snap}
}

func mustLoad(t *testing.T, st Store, id string) *Saved {
	t.Helper()
	sv, err := st.Load(context.Background(), id)
	if err != nil {
		t.Fatalf("Load(%s): %v", id, err)
	}
	if sv == nil {
		t.Fatalf("Load(%s): no session", id)
	}
	return sv
}

func mustAppend(t *testing.T, st Store, id string, m *Mark, tu Turn) {
	t.Helper()
	if err := st.Append(context.Background(), id, m, tu); err != nil {
		t.Fatalf("Append(%s): %v", id, err)
	}
}

// sameVars compares variables by their JSON, which keeps records' order.
func sameVars(t *testing.T, got, want map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("variables %v, want %v", keysOf(got), keysOf(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("variable %s missing", name)
			continue
		}
		if gs, ws := string(value.AppendJSON(nil, g)), string(value.AppendJSON(nil, w)); gs != ws {
			t.Errorf("variable %s = %s, want %s", name, gs, ws)
		}
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sameHistory(t *testing.T, got, want []Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("history of %d entries, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("history entry %d:\n%+v\nwant\n%+v", i, got[i], want[i])
		}
	}
}

func testRoundTrip(t *testing.T, b backend) {
	st, _ := b.open(t, testOptions())
	snap := engine.Snapshot{State: "menu", Returns: []string{"start", "help"}, Vars: everyVar()}
	var h []Entry
	var m Mark
	mustAppend(t, st, "alice", &m, turnOf(snap, everyEntry(), &h, 100))
	sv := mustLoad(t, st, "alice")
	if !sv.Started || sv.Snapshot.State != "menu" || !reflect.DeepEqual(sv.Snapshot.Returns, snap.Returns) {
		t.Errorf("loaded started=%v state=%q returns=%q", sv.Started, sv.Snapshot.State, sv.Snapshot.Returns)
	}
	sameVars(t, sv.Snapshot.Vars, snap.Vars)
	sameHistory(t, sv.History, everyEntry())
	if sv, err := st.Load(context.Background(), "bob"); sv != nil || err != nil {
		t.Errorf("Load of a session never stored: %v, %v", sv, err)
	}
}

// testTurns: turns that set, change and remove variables and add entries,
// appended one after the other, read back as the last left them.
func testTurns(t *testing.T, b backend) {
	st, _ := b.open(t, testOptions())
	var h []Entry
	var m Mark
	vars := map[string]any{"count": 0.0, "tag": "x", "big": strings.Repeat("v", 10<<10)}
	for i := range 30 {
		vars = map[string]any{"count": float64(i), "big": vars["big"]}
		if i%2 == 0 {
			vars["tag"] = fmt.Sprint("t", i)
		}
		added := []Entry{{At: at0.Add(time.Duration(i) * time.Second), User: true, Message: fmt.Sprint("count ", i)}}
		mustAppend(t, st, "c", &m, turnOf(engine.Snapshot{State: fmt.Sprint("s", i%3), Vars: vars}, added, &h, 100))
	}
	sv := mustLoad(t, st, "c")
	sameVars(t, sv.Snapshot.Vars, vars) // tag removed by the last turn
	sameHistory(t, sv.History, h)
	if sv.Snapshot.State != "s2" {
		t.Errorf("state %q", sv.Snapshot.State)
	}
	// The mark Load gives goes on where the store is.
	m = sv.Mark
	vars = map[string]any{"count": 99.0}
	mustAppend(t, st, "c", &m, turnOf(engine.Snapshot{State: "end", Vars: vars}, nil, &h, 100))
	sv = mustLoad(t, st, "c")
	sameVars(t, sv.Snapshot.Vars, vars)
	sameHistory(t, sv.History, h)
}

func testReset(t *testing.T, b backend) {
	st, _ := b.open(t, testOptions())
	var h []Entry
	var m Mark
	mustAppend(t, st, "r", &m, turnOf(engine.Snapshot{State: "a"}, everyEntry(), &h, 100))
	h = nil
	after := []Entry{{At: at0, Reply: &Reply{Kind: reply.Str, Text: "greeting again"}}}
	tu := turnOf(engine.Snapshot{State: "start"}, after, &h, 100)
	tu.Reset = true
	mustAppend(t, st, "r", &m, tu)
	sv := mustLoad(t, st, "r")
	sameHistory(t, sv.History, after)
	// A reset that adds nothing leaves no history.
	h = nil
	tu = turnOf(engine.Snapshot{State: "start"}, nil, &h, 100)
	tu.Reset = true
	mustAppend(t, st, "r", &m, tu)
	if sv := mustLoad(t, st, "r"); len(sv.History) != 0 {
		t.Errorf("history after a reset: %+v", sv.History)
	}
}

// testHistoryBound: a store keeps the newest Turn.Keep entries, and Load
// gives at most Options.History.
func testHistoryBound(t *testing.T, b backend) {
	opt := testOptions()
	opt.History = 5
	st, _ := b.open(t, opt)
	var h []Entry
	var m Mark
	for i := range 20 {
		added := []Entry{{At: at0, User: true, Message: fmt.Sprint(i)}}
		mustAppend(t, st, "h", &m, turnOf(engine.Snapshot{State: "a"}, added, &h, 5))
	}
	sv := mustLoad(t, st, "h")
	sameHistory(t, sv.History, h)
	if sv.History[0].Message != "15" {
		t.Errorf("oldest kept %v", sv.History[0].Message)
	}
}

func testExpiry(t *testing.T, b backend) {
	opt := testOptions()
	opt.TTL = 300 * time.Millisecond
	st, _ := b.open(t, opt)
	var h []Entry
	var m Mark
	mustAppend(t, st, "brief", &m, turnOf(engine.Snapshot{State: "a"}, everyEntry(), &h, 100))
	mustLoad(t, st, "brief")
	time.Sleep(150 * time.Millisecond)
	// A turn renews the TTL.
	mustAppend(t, st, "brief", &m, turnOf(engine.Snapshot{State: "b"}, nil, &h, 100))
	time.Sleep(200 * time.Millisecond)
	if sv := mustLoad(t, st, "brief"); sv.Snapshot.State != "b" {
		t.Errorf("state %q", sv.Snapshot.State)
	}
	time.Sleep(400 * time.Millisecond)
	if _, err := st.Sweep(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if sv, err := st.Load(context.Background(), "brief"); sv != nil || err != nil {
		t.Errorf("Load after the TTL: %v, %v", sv, err)
	}
	// A turn on the expired session (still held in memory) writes it whole.
	mustAppend(t, st, "brief", &m, turnOf(engine.Snapshot{State: "c", Vars: map[string]any{"n": 1.0}}, nil, &h, 100))
	sv := mustLoad(t, st, "brief")
	sameHistory(t, sv.History, h)
	sameVars(t, sv.Snapshot.Vars, map[string]any{"n": 1.0})
}

func testRemoval(t *testing.T, b backend) {
	st, _ := b.open(t, testOptions())
	var h []Entry
	var m Mark
	mustAppend(t, st, "gone", &m, turnOf(engine.Snapshot{State: "a", Vars: map[string]any{"x": 1.0}}, everyEntry(), &h, 100))
	mustAppend(t, st, "kept", &Mark{}, turnOf(engine.Snapshot{State: "k"}, nil, new([]Entry), 100))
	if err := st.Remove(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove(context.Background(), "never"); err != nil {
		t.Errorf("removing a session never stored: %v", err)
	}
	if sv, err := st.Load(context.Background(), "gone"); sv != nil || err != nil {
		t.Errorf("Load after Remove: %v, %v", sv, err)
	}
	mustLoad(t, st, "kept")
	// The next turn of a removed session still held writes it whole.
	mustAppend(t, st, "gone", &m, turnOf(engine.Snapshot{State: "b", Vars: map[string]any{"x": 2.0}}, nil, &h, 100))
	sv := mustLoad(t, st, "gone")
	sameHistory(t, sv.History, h)
	sameVars(t, sv.Snapshot.Vars, map[string]any{"x": 2.0})
}

// testReopen: a turn appended by another store on the same data (a bot
// restarted) goes on from the mark Load gives.
func testReopen(t *testing.T, b backend) {
	st, reopen := b.open(t, testOptions())
	var h []Entry
	var m Mark
	mustAppend(t, st, "alice", &m, turnOf(engine.Snapshot{State: "a", Vars: everyVar()}, everyEntry(), &h, 100))
	st.Close()
	st = reopen()
	sv := mustLoad(t, st, "alice")
	m = sv.Mark
	vars := everyVar()
	vars["n"] = 43.0
	delete(vars, "list")
	added := []Entry{{At: at0, User: true, Message: "after the restart"}}
	mustAppend(t, st, "alice", &m, turnOf(engine.Snapshot{State: "b", Vars: vars}, added, &h, 100))
	st.Close()
	sv = mustLoad(t, reopen(), "alice")
	sameVars(t, sv.Snapshot.Vars, vars)
	sameHistory(t, sv.History, h)
}

func testConcurrent(t *testing.T, b backend) {
	st, _ := b.open(t, testOptions())
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for g := range 20 {
		wg.Go(func() {
			id := fmt.Sprint("user", g)
			var h []Entry
			var m Mark
			for i := range 10 {
				added := []Entry{{At: at0, User: true, Message: fmt.Sprint(id, " ", i)}}
				tu := turnOf(engine.Snapshot{State: "a", Vars: map[string]any{"i": float64(i), "who": id}}, added, &h, 100)
				if err := st.Append(context.Background(), id, &m, tu); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for g := range 20 {
		id := fmt.Sprint("user", g)
		sv := mustLoad(t, st, id)
		sameVars(t, sv.Snapshot.Vars, map[string]any{"i": 9.0, "who": id})
		if len(sv.History) != 10 || sv.History[9].Message != id+" 9" {
			t.Errorf("%s: history %+v", id, sv.History)
		}
	}
}

// testHostile: large values round trip whole; invalid UTF-8 comes back
// replaced (U+FFFD), as JSON has it; numbers JSON cannot hold are left
// out; a session over the read limit is refused as corrupt, never read.
func testHostile(t *testing.T, b backend) {
	opt := testOptions()
	opt.ReadLimit = 4 << 20
	st, _ := b.open(t, opt)
	big := strings.Repeat("é", 1<<20) // 2 MiB
	var h []Entry
	var m Mark
	added := []Entry{{At: at0, User: true, Message: "bad \xff\xfe utf-8"}}
	vars := map[string]any{"big": big, "bad": "a\xffb", "inf": math.Inf(1), "nan": math.NaN(), "n": 1.0}
	mustAppend(t, st, "hostile", &m, turnOf(engine.Snapshot{State: "a", Vars: vars}, added, &h, 100))
	sv := mustLoad(t, st, "hostile")
	sameVars(t, sv.Snapshot.Vars, map[string]any{"big": big, "bad": "a\uFFFDb", "n": 1.0})
	if msg := sv.History[0].Message; msg != "bad \uFFFD\uFFFD utf-8" {
		t.Errorf("message %q", msg)
	}
	// Infinities left out do not stop later turns.
	vars = map[string]any{"inf": 2.0, "n": 2.0}
	mustAppend(t, st, "hostile", &m, turnOf(engine.Snapshot{State: "a", Vars: vars}, nil, &h, 100))
	sameVars(t, mustLoad(t, st, "hostile").Snapshot.Vars, vars)

	if !b.readLimited {
		return
	}
	huge := map[string]any{"a": big, "b": big + "x", "c": big + "y"} // 6 MiB
	mustAppend(t, st, "huge", &Mark{}, turnOf(engine.Snapshot{State: "a", Vars: huge}, nil, new([]Entry), 100))
	sv, err := st.Load(context.Background(), "huge")
	if sv != nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "over the 4194304") {
		t.Errorf("Load of a session over the read limit: %v, %v", sv, err)
	}
}

func testDamaged(t *testing.T, b backend) {
	st, _ := b.open(t, testOptions())
	var m Mark
	mustAppend(t, st, "bad", &m, turnOf(engine.Snapshot{State: "a"}, everyEntry(), new([]Entry), 100))
	b.damage(t, st, "bad")
	sv, err := st.Load(context.Background(), "bad")
	if sv != nil || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Load of a damaged session: %v, %v", sv, err)
	}
	// A new session's first turn replaces it.
	var h []Entry
	m = Mark{}
	mustAppend(t, st, "bad", &m, turnOf(engine.Snapshot{State: "fresh"}, everyEntry()[:1], &h, 100))
	if sv := mustLoad(t, st, "bad"); sv.Snapshot.State != "fresh" || len(sv.History) != 1 {
		t.Errorf("after the new session's first turn: %+v", sv)
	}
}

// testSweepLive: a sweep keeps the live sessions, however old their last
// turn, and renews them.
func testSweepLive(t *testing.T, b backend) {
	opt := testOptions()
	opt.TTL = 300 * time.Millisecond
	st, _ := b.open(t, opt)
	for _, id := range []string{"live", "idle"} {
		mustAppend(t, st, id, &Mark{}, turnOf(engine.Snapshot{State: "a"}, nil, new([]Entry), 100))
	}
	for range 4 {
		time.Sleep(100 * time.Millisecond)
		if _, err := st.Sweep(context.Background(), []string{"live"}); err != nil {
			t.Fatal(err)
		}
	}
	mustLoad(t, st, "live")
	if sv, _ := st.Load(context.Background(), "idle"); sv != nil {
		t.Error("the idle session outlived its TTL")
	}
}

// TestRedisKeys: a session's keys are named by the hash of its id under the
// prefix, and expire with the TTL.
func TestRedisKeys(t *testing.T) {
	srv := redistest.Start(t)
	st, err := OpenRedis(srv.URL(2), Options{TTL: time.Hour, History: 10, Prefix: "botgen:shop:"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mustAppend(t, st, "secret-id", &Mark{}, turnOf(engine.Snapshot{State: "a", Vars: map[string]any{"x": 1.0}}, everyEntry(), new([]Entry), 10))
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), DB: 2})
	defer c.Close()
	ctx := context.Background()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	h := Hash("secret-id")
	want := map[string]bool{"botgen:shop:{" + h + "}:state": true, "botgen:shop:{" + h + "}:vars": true, "botgen:shop:{" + h + "}:history": true}
	if len(keys) != 3 {
		t.Fatalf("keys %q", keys)
	}
	for _, k := range keys {
		if !want[k] {
			t.Errorf("key %q", k)
		}
		if ttl := c.PTTL(ctx, k).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
			t.Errorf("%s expires in %v", k, ttl)
		}
		if strings.Contains(k, "secret-id") {
			t.Errorf("key %q shows the id", k)
		}
	}
	if n := c.LLen(ctx, "botgen:shop:{"+h+"}:history").Val(); n != 9 {
		t.Errorf("history list of %d", n)
	}
	if v := c.HGet(ctx, "botgen:shop:{"+h+"}:vars", "x").Val(); v != "1" {
		t.Errorf("vars x = %q", v)
	}
}

// TestRedisErrorsHidePassword: errors name the store without its password.
func TestRedisErrorsHidePassword(t *testing.T) {
	st, err := OpenRedis("redis://bot:hunter22@127.0.0.1:1/0", Options{Timeout: 200 * time.Millisecond, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Ping(context.Background())
	if err == nil || strings.Contains(err.Error(), "hunter22") || !strings.Contains(err.Error(), "redis://bot:xxxxx@127.0.0.1:1/0") {
		t.Errorf("Ping of a closed port: %v", err)
	}
	_, err = OpenRedis("redis://bot:hunter22@127.0.0.1:1/zero", Options{})
	if err == nil || strings.Contains(err.Error(), "hunter22") {
		t.Errorf("OpenRedis of a bad database: %v", err)
	}
	if got := Redact("rediss://u:hunter22@h:6380/1"); strings.Contains(got, "hunter22") {
		t.Errorf("Redact: %s", got)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, Options{})
	if _, ok := st.(*Files); !ok || err != nil {
		t.Errorf("Open(folder) = %T, %v", st, err)
	}
	st, err = Open("redis://127.0.0.1:1/0", Options{})
	if _, ok := st.(*Redis); !ok || err != nil {
		t.Errorf("Open(redis URL) = %T, %v", st, err)
	}
	st.Close()
}
