package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is a fake process: it records the signals it gets, and ends on the
// first one unless it is stubborn (then only a kill ends it).
type proc struct {
	bin      string
	stubborn bool
	mu       sync.Mutex
	signals  []os.Signal
	killed   bool
	done     chan error
	ended    bool
}

func (p *proc) Signal(s os.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.signals = append(p.signals, s)
	if !p.stubborn {
		p.endLocked(nil)
	}
	return nil
}

func (p *proc) Kill() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killed = true
	p.endLocked(errors.New("killed"))
	return nil
}

func (p *proc) Done() <-chan error { return p.done }

// exit ends the process by itself.
func (p *proc) exit(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endLocked(err)
}

func (p *proc) endLocked(err error) {
	if !p.ended {
		p.ended = true
		p.done <- err
	}
}

func (p *proc) got() ([]os.Signal, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.signals), p.killed
}

// rig is a supervisor with fake builds, processes and files.
type rig struct {
	t       *testing.T
	s       *Supervisor
	events  chan Event
	signals chan os.Signal
	procs   chan *proc
	ran     chan error

	mu       sync.Mutex
	stamps   map[string]string
	builds   int
	failNext bool // the next build fails
	stubborn bool // processes ignore SIGTERM
}

func newRig(t *testing.T) *rig {
	r := &rig{
		t:       t,
		events:  make(chan Event, 100),
		signals: make(chan os.Signal, 2),
		procs:   make(chan *proc, 10),
		ran:     make(chan error, 1),
		stamps:  map[string]string{"bot.bot": "1", "data.csv": "1"},
	}
	r.s = &Supervisor{
		Build: func() (string, []string, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			files := []string{"bot.bot", "data.csv"}
			if r.failNext {
				r.failNext = false
				return "", files, errors.New("bot.bot:3:1: unknown state")
			}
			r.builds++
			return fmt.Sprintf("bin%d", r.builds), files, nil
		},
		Start: func(bin string) (Process, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if bin == "broken" {
				return nil, errors.New("exec format error")
			}
			p := &proc{bin: bin, stubborn: r.stubborn, done: make(chan error, 1)}
			r.procs <- p
			return p, nil
		},
		Signals: r.signals,
		Event:   func(e Event) { r.events <- e },
		Poll:    time.Millisecond,
		Settle:  time.Millisecond,
		Grace:   20 * time.Millisecond,
		Stamp: func(f string) string {
			r.mu.Lock()
			defer r.mu.Unlock()
			return r.stamps[f]
		},
	}
	return r
}

func (r *rig) run() {
	go func() { r.ran <- r.s.Run() }()
}

func (r *rig) touch(file string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stamps[file] += "+"
}

// expect waits for the next events, which must be of these kinds.
func (r *rig) expect(kinds ...Kind) []Event {
	r.t.Helper()
	var got []Event
	for range kinds {
		select {
		case e := <-r.events:
			got = append(got, e)
		case <-time.After(5 * time.Second):
			r.t.Fatalf("events %+v, want kinds %v", got, kinds)
		}
	}
	for i, e := range got {
		if e.Kind != kinds[i] {
			r.t.Fatalf("events %+v, want kinds %v", got, kinds)
		}
	}
	return got
}

func (r *rig) nextProc() *proc {
	r.t.Helper()
	select {
	case p := <-r.procs:
		return p
	case <-time.After(5 * time.Second):
		r.t.Fatal("no process started")
	}
	return nil
}

func (r *rig) stop(sig os.Signal) {
	r.t.Helper()
	r.signals <- sig
	select {
	case err := <-r.ran:
		if err != nil {
			r.t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		r.t.Fatal("Run did not return after a signal")
	}
}

// A change rebuilds and restarts; a failed build leaves the process
// running; a signal stops the process and the supervisor.
func TestRestartsOnChange(t *testing.T) {
	r := newRig(t)
	r.run()
	if e := r.expect(Built, Watching)[0]; e.Binary != "bin1" {
		t.Errorf("first build: %+v", e)
	}
	p1 := r.nextProc()

	r.touch("data.csv")
	if e := r.expect(Changed, Built)[0]; e.File != "data.csv" {
		t.Errorf("changed: %+v", e)
	}
	p2 := r.nextProc()
	if sigs, _ := p1.got(); !slices.Equal(sigs, []os.Signal{syscall.SIGTERM}) || p2.bin != "bin2" {
		t.Errorf("restart: old process got %v, new one runs %s", sigs, p2.bin)
	}

	r.mu.Lock()
	r.failNext = true
	r.mu.Unlock()
	r.touch("bot.bot")
	if e := r.expect(Changed, BuildFailed, KeptRunning); e[0].File != "bot.bot" || e[1].Err == nil {
		t.Errorf("failed build: %+v", e)
	}
	if sigs, _ := p2.got(); len(sigs) != 0 {
		t.Errorf("a failed build stopped the process: %v", sigs)
	}

	r.stop(os.Interrupt)
	if sigs, killed := p2.got(); !slices.Equal(sigs, []os.Signal{os.Interrupt}) || killed {
		t.Errorf("on Ctrl+C the process got %v, killed %v", sigs, killed)
	}
}

// A process that ends by itself is reported, and the next change starts a
// new one without stopping anything.
func TestProcessExits(t *testing.T) {
	r := newRig(t)
	r.run()
	r.expect(Built, Watching)
	p1 := r.nextProc()
	p1.exit(errors.New("exit status 3"))
	if e := r.expect(Exited)[0]; e.Err == nil || e.Err.Error() != "exit status 3" {
		t.Errorf("exited: %+v", e)
	}
	r.touch("bot.bot")
	r.expect(Changed, Built)
	r.nextProc()
	if sigs, _ := p1.got(); len(sigs) != 0 {
		t.Errorf("the ended process was signalled: %v", sigs)
	}
	r.stop(syscall.SIGTERM)
}

// A process that ignores SIGTERM is killed after the grace period on a
// restart, and at a second signal on a stop.
func TestStubbornProcess(t *testing.T) {
	r := newRig(t)
	r.stubborn = true
	r.run()
	r.expect(Built, Watching)
	p1 := r.nextProc()
	r.touch("bot.bot")
	r.expect(Changed, Built)
	p2 := r.nextProc()
	if sigs, killed := p1.got(); !slices.Equal(sigs, []os.Signal{syscall.SIGTERM}) || !killed {
		t.Errorf("restart of a stubborn process: %v, killed %v", sigs, killed)
	}
	r.signals <- os.Interrupt
	r.signals <- os.Interrupt
	select {
	case <-r.ran:
	case <-time.After(5 * time.Second):
		t.Fatal("a second Ctrl+C did not end Run")
	}
	if sigs, killed := p2.got(); !slices.Equal(sigs, []os.Signal{os.Interrupt}) || !killed {
		t.Errorf("stop of a stubborn process: %v, killed %v", sigs, killed)
	}
}

// A first build that fails starts nothing; the next good one starts the
// process.
func TestFirstBuildFails(t *testing.T) {
	r := newRig(t)
	r.failNext = true
	r.run()
	r.expect(BuildFailed, Watching)
	r.touch("bot.bot")
	r.expect(Changed, Built) // no KeptRunning: nothing ran
	r.nextProc()
	r.stop(os.Interrupt)
}

func TestStartFails(t *testing.T) {
	r := newRig(t)
	r.s.Build = func() (string, []string, error) { return "broken", []string{"bot.bot"}, nil }
	r.run()
	if e := r.expect(Built, StartFailed, Watching)[1]; e.Binary != "broken" || e.Err == nil {
		t.Errorf("start failed: %+v", e)
	}
	r.stop(os.Interrupt)
}

// Changes in quick succession make one build, once the files settle.
func TestSettles(t *testing.T) {
	r := newRig(t)
	r.s.Poll, r.s.Settle = time.Millisecond, 30*time.Millisecond
	r.run()
	r.expect(Built, Watching)
	r.nextProc()
	for range 3 {
		r.touch("bot.bot")
		time.Sleep(5 * time.Millisecond)
	}
	r.expect(Changed, Built)
	r.nextProc()
	select {
	case e := <-r.events:
		t.Errorf("another event after the writes settled: %+v", e)
	case <-time.After(100 * time.Millisecond):
	}
	r.stop(os.Interrupt)
}

func TestFileStamp(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a.bot")
	missing := FileStamp(f)
	if err := os.WriteFile(f, []byte("bot a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	written := FileStamp(f)
	if err := os.WriteFile(f, []byte("bot ab\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if missing == written || written == FileStamp(f) {
		t.Errorf("stamps do not tell the changes apart: %q %q %q", missing, written, FileStamp(f))
	}
}

func TestFolder(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.bot", "data/b.csv", ".git/config", "c.png"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	got := Folder(filepath.Join(dir, "a.bot"))
	want := []string{filepath.Join(dir, "a.bot"), filepath.Join(dir, "c.png"), filepath.Join(dir, "data", "b.csv")}
	if !slices.Equal(got, want) {
		t.Errorf("Folder: %q, want %q", got, want)
	}
}
