// Package watch rebuilds and restarts a program whenever its files change:
// the supervisor behind botgen run --watch. It decides when to build, start,
// stop and restart; what building and starting mean, and what the user is
// told, are its caller's.
package watch

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Process is a running program.
type Process interface {
	// Signal asks the process to stop.
	Signal(os.Signal) error
	// Kill ends the process at once.
	Kill() error
	// Done receives how the process ended, once.
	Done() <-chan error
}

// Supervisor builds a program, runs it, and rebuilds and restarts it when
// the files its build names change. A build that fails leaves the running
// process as it is.
type Supervisor struct {
	// Build builds the program, returning its binary and the files whose
	// change calls for the next build. A failed build returns the files to
	// watch too (when a file is missing, the folder it should be in).
	Build func() (bin string, files []string, err error)
	// Start starts a binary.
	Start func(bin string) (Process, error)
	// Signals stop the supervisor and the process it runs (see Stop).
	Signals <-chan os.Signal
	// Event tells what happens, to be shown to the user; nil: nothing.
	Event func(Event)

	// Poll is how often the files are looked at; Settle is how long they
	// must stay unchanged before a build, since editors save in several
	// writes.
	Poll, Settle time.Duration
	// Grace is how long a process stopped for a restart may take to exit
	// before it is killed.
	Grace time.Duration
	// Stamp sums up a file, so that a change to it changes its stamp; nil
	// is FileStamp.
	Stamp func(file string) string
}

// Kind is what an Event tells.
type Kind int

// The kinds of Event.
const (
	Built       Kind = iota // a build succeeded: Binary, Took
	BuildFailed             // a build failed: Err, Build's error
	StartFailed             // Binary did not start: Err
	Watching                // the first build is over; the files are watched
	Changed                 // File changed ("" when unknown); a build follows
	KeptRunning             // the build failed, and the previous process runs on
	Exited                  // the process ended by itself: Err is how
)

// Event is something that happened to the supervisor.
type Event struct {
	Kind   Kind
	Binary string
	File   string
	Err    error
	Took   time.Duration
}

// Run builds and starts the program, then watches its files until a signal
// arrives on Signals; then it stops the process (see Stop) and returns.
func (s *Supervisor) Run() error {
	var p Process
	bin, files, ok := s.build()
	if ok {
		p = s.start(bin)
	}
	s.event(Event{Kind: Watching})
	seen := s.stamps(files)
	tick := time.NewTicker(s.Poll)
	defer tick.Stop()
	for {
		select {
		case sig := <-s.Signals:
			if p != nil {
				_ = Stop(p, sig, s.Signals)
			}
			return nil
		case err := <-done(p):
			s.event(Event{Kind: Exited, Err: err})
			p = nil
		case <-tick.C:
			now := s.stamps(files)
			if slices.Equal(now, seen) {
				continue
			}
			now = s.settle(files, now)
			s.event(Event{Kind: Changed, File: changed(files, seen, now)})
			bin, files, ok = s.build()
			seen = s.stamps(files)
			if !ok {
				if p != nil {
					s.event(Event{Kind: KeptRunning})
				}
				continue
			}
			if p != nil {
				s.stop(p)
			}
			p = s.start(bin)
		}
	}
}

// Stop passes the stop signal sig on to p and waits for it to exit,
// returning how it exited. Another signal from more meanwhile kills it: a
// second Ctrl+C does not wait for a slow shutdown. A supervisor stops its
// process so, and so can a caller that runs a program without watching it.
func Stop(p Process, sig os.Signal, more <-chan os.Signal) error {
	_ = p.Signal(sig)
	for {
		select {
		case err := <-p.Done():
			return err
		case <-more:
			_ = p.Kill()
		}
	}
}

// stop ends p for a restart: SIGTERM, then a kill after the grace period.
func (s *Supervisor) stop(p Process) {
	_ = p.Signal(syscall.SIGTERM)
	grace := time.NewTimer(s.Grace)
	defer grace.Stop()
	select {
	case <-p.Done():
	case <-grace.C:
		_ = p.Kill()
		<-p.Done()
	}
}

func (s *Supervisor) build() (bin string, files []string, ok bool) {
	start := time.Now()
	bin, files, err := s.Build()
	if err != nil {
		s.event(Event{Kind: BuildFailed, Err: err})
		return "", files, false
	}
	s.event(Event{Kind: Built, Binary: bin, Took: time.Since(start)})
	return bin, files, true
}

// start starts bin; nil when it did not start.
func (s *Supervisor) start(bin string) Process {
	p, err := s.Start(bin)
	if err != nil {
		s.event(Event{Kind: StartFailed, Binary: bin, Err: err})
		return nil
	}
	return p
}

// settle waits until the files stay as they are for the settle time, and
// returns their stamps then.
func (s *Supervisor) settle(files, now []string) []string {
	for {
		time.Sleep(s.Settle)
		again := s.stamps(files)
		if slices.Equal(again, now) {
			return now
		}
		now = again
	}
}

func (s *Supervisor) stamps(files []string) []string {
	stamp := s.Stamp
	if stamp == nil {
		stamp = FileStamp
	}
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = stamp(f)
	}
	return out
}

func (s *Supervisor) event(e Event) {
	if s.Event != nil {
		s.Event(e)
	}
}

// done is p's exit channel; nil, which never receives, when no process
// runs.
func done(p Process) <-chan error {
	if p == nil {
		return nil
	}
	return p.Done()
}

// changed names the first file whose stamp differs.
func changed(files, before, after []string) string {
	for i := range files {
		if before[i] != after[i] {
			return files[i]
		}
	}
	return ""
}

// FileStamp sums up a file by its size and modification time; a missing
// file has a stamp too, so that creating it is a change.
func FileStamp(file string) string {
	st, err := os.Stat(file)
	if err != nil {
		return "missing"
	}
	return fmt.Sprintf("%d\x00%d", st.Size(), st.ModTime().UnixNano())
}

// MaxFolderFiles bounds the files Folder returns.
const MaxFolderFiles = 2000

// Folder is the file at path and the other files of its folder, its
// subfolders included but for hidden ones, up to MaxFolderFiles: what to
// watch when a build fails for a file that may be missing.
func Folder(path string) []string {
	out := []string{path}
	dir := filepath.Dir(path)
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && p != path {
			out = append(out, p)
		}
		if len(out) >= MaxFolderFiles {
			return filepath.SkipAll
		}
		return nil
	})
	return out
}
