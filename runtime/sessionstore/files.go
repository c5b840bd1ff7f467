package sessionstore

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/botgen-dev/botgen/runtime/engine"
)

// Files keeps the sessions that clients can resume (those with a session id
// of the client's choosing) in a folder, so that they outlive the process: a
// bot restarted on the same folder resumes each conversation where it was,
// history included.
//
// Each session is one file of JSON lines named by the SHA-256 of its id: a
// header, then one line per turn with the messages it added, the session's
// state after it and the variables it changed (the first line holds them
// all). Appending what a turn changed keeps a turn's cost independent of the
// history's length and of the variables' size; once a file holds
// CompactAfter lines, or has grown to twice its size when last rewritten,
// it is rewritten as one line, so it never holds much more than the session
// itself. Writes go to the operating system before the turn's replies are
// sent, so they survive the bot process dying; they are not synced to the
// disk, so a machine that loses power may lose the last turns.
type Files struct {
	dir string
	opt Options
	mu  sync.Mutex // serialises compaction's rename with the janitor's removal
}

// storeVersion is the version of the session file format. Version 1 files,
// whose lines each hold every variable, are read too, and rewritten in this
// version at the next turn.
const storeVersion = 2

// CompactAfter is the number of turn lines after which a session file is
// rewritten as one line.
const CompactAfter = 200

// compactSlack is what a session file may grow by, beyond twice its size
// when last rewritten, before it is rewritten: small sessions are not
// rewritten at every other turn.
const compactSlack = 64 << 10

// OpenFiles returns a store in dir, creating the folder (readable by its
// owner only) when it does not exist. It fails when the folder cannot be
// created or written.
func OpenFiles(dir string, opt Options) (*Files, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("session store: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("session store: folder %s cannot be written: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &Files{dir: dir, opt: opt}, nil
}

// storeHeader is the first line of a session file.
type storeHeader struct {
	Version int    `json:"botgen_session"`
	ID      string `json:"id"`
}

// storeLine is one turn of a session file. Its snapshot's Vars are the
// variables the turn set; Unset those it removed.
type storeLine struct {
	Reset   bool             `json:"reset,omitempty"` // the history was wiped first
	Started bool             `json:"started"`
	Add     []Entry          `json:"add,omitempty"`
	State   *engine.Snapshot `json:"snapshot"`
	Unset   []string         `json:"unset,omitempty"`
}

// due reports whether the next turn rewrites the file rather than append.
func (f *Mark) due() bool {
	return f.whole() || f.lines == 0 || f.lines >= CompactAfter || f.size > 2*f.base+compactSlack
}

// path returns the file of the session with id: ids are chosen by clients,
// so the name is their hash, never the id itself.
func (st *Files) path(id string) string {
	return filepath.Join(st.dir, FileName(id))
}

// FileName is the name of the file of the session with id in a folder.
func FileName(id string) string { return Hash(id) + ".jsonl" }

// Load implements Store. A file not written to for the TTL is removed, as
// the session would have expired had the bot kept running. Every error
// wraps ErrCorrupt: the caller starts a new session, which replaces the
// file.
func (st *Files) Load(ctx context.Context, id string) (*Saved, error) {
	sv, err := st.load(id)
	if err != nil && !errors.Is(err, ErrCorrupt) {
		err = fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return sv, err
}

func (st *Files) load(id string) (*Saved, error) {
	ttl, limit := st.opt.TTL, st.opt.History
	p := st.path(id)
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if time.Since(info.ModTime()) >= ttl {
		st.remove(id)
		return nil, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	if !sc.Scan() {
		return nil, fmt.Errorf("%s: empty session file", p)
	}
	var h storeHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Version < 1 || h.Version > storeVersion || h.ID != id {
		return nil, fmt.Errorf("%s: not a session file of this version for this id", p)
	}
	sv := &Saved{Mark: Mark{size: int64(len(data)), base: int64(len(data))}}
	vars := map[string]any{}
	found := false
	for n := 2; sc.Scan(); n++ {
		var ln storeLine
		if err := json.Unmarshal(sc.Bytes(), &ln); err != nil || ln.State == nil {
			// A line cut short by a crash ends the file: what came before
			// it is the session as it was.
			if !found {
				return nil, fmt.Errorf("%s:%d: unreadable turn", p, n)
			}
			// The next turn rewrites the file whole rather than append
			// after the torn line.
			sv.Mark.lines = 0
			break
		}
		found = true
		if ln.Reset {
			sv.History = sv.History[:0]
		}
		sv.History = append(sv.History, ln.Add...)
		if limit > 0 && len(sv.History) > limit {
			sv.History = append(sv.History[:0], sv.History[len(sv.History)-limit:]...)
		}
		if h.Version == 1 {
			clear(vars) // every line held every variable
		}
		for _, name := range ln.Unset {
			delete(vars, name)
		}
		maps.Copy(vars, ln.State.Vars)
		sv.Started, sv.Snapshot = ln.Started, *ln.State
		sv.Mark.lines++
	}
	if !found {
		return nil, fmt.Errorf("%s: no turn", p)
	}
	if sc.Err() != nil || h.Version != storeVersion {
		sv.Mark.lines = 0
	}
	sv.Snapshot.Vars = vars
	sv.Mark.vars = maps.Clone(vars)
	if limit <= 0 {
		sv.History = nil
	}
	return sv, nil
}

// Append implements Store: it appends the entries the turn added (after
// wiping the history when it reset), its state after it and the variables
// that changed since m was last written. When the file is due for a rewrite
// (after CompactAfter lines, or once it has doubled in size), the whole
// session is written instead, from t.History.
func (st *Files) Append(ctx context.Context, id string, m *Mark, t Turn) error {
	err := st.appendTurn(id, m, t)
	if errors.Is(err, fs.ErrNotExist) {
		// The file went away (swept while the session sat idle with a
		// connection open, or removed by hand): the failed append left
		// m due, so this writes it whole.
		err = st.appendTurn(id, m, t)
	}
	return err
}

func (st *Files) appendTurn(id string, f *Mark, t Turn) error {
	snap := t.Snapshot
	snap.Vars = storable(snap.Vars)
	if f.due() {
		var all []Entry
		if t.History != nil {
			all = t.History()
		}
		n, err := st.rewrite(id, storeLine{Reset: true, Started: t.Started, Add: all, State: &snap})
		if err != nil {
			*f = Mark{}
			return err
		}
		*f = Mark{lines: 1, size: n, base: n, vars: maps.Clone(snap.Vars)}
		return nil
	}
	changed := engine.Snapshot{State: snap.State, Returns: snap.Returns}
	ln := storeLine{Reset: t.Reset, Started: t.Started, State: &changed, Add: t.Added}
	changed.Vars, ln.Unset = changes(f.vars, snap.Vars)
	b, err := json.Marshal(ln)
	if err == nil {
		err = st.appendLine(id, append(b, '\n'))
	}
	if err != nil {
		f.lines = 0
		return err
	}
	f.lines++
	f.size += int64(len(b) + 1)
	for _, name := range ln.Unset {
		delete(f.vars, name)
	}
	maps.Copy(f.vars, changed.Vars)
	return nil
}

// appendLine appends b to the session's file, which must exist.
func (st *Files) appendLine(id string, b []byte) error {
	f, err := os.OpenFile(st.path(id), os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// rewrite replaces the session's file with a header and one line, through a
// temporary file, so that a crash leaves either the old file or the new one.
// It returns the file's size.
func (st *Files) rewrite(id string, ln storeLine) (int64, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(storeHeader{Version: storeVersion, ID: id}); err != nil {
		return 0, err
	}
	if err := enc.Encode(ln); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(st.dir, ".session-*")
	if err != nil {
		return 0, err
	}
	_, err = tmp.Write(b.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		st.mu.Lock()
		err = os.Rename(tmp.Name(), st.path(id))
		st.mu.Unlock()
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return int64(b.Len()), err
}

// Remove implements Store.
func (st *Files) Remove(ctx context.Context, id string) error {
	st.remove(id)
	return nil
}

func (st *Files) remove(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	os.Remove(st.path(id))
}

// Ping implements Store: the folder answers when it can be listed.
func (st *Files) Ping(ctx context.Context) error {
	f, err := os.Open(st.dir)
	if err != nil {
		return err
	}
	_, err = f.Readdirnames(1)
	f.Close()
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}

// Close implements Store.
func (st *Files) Close() error { return nil }

// Sweep implements Store: it removes the session files not written to for
// the TTL, sessions that expired while no process held them. Then, while
// the files take more than Options.MaxBytes, it removes the least recently
// written: a store never fills the disk, however many sessions clients
// start. The files of the live sessions are kept (a live session whose file
// goes is written whole at its next turn).
func (st *Files) Sweep(ctx context.Context, ids []string) (Swept, error) {
	live := make(map[string]bool, len(ids))
	for _, id := range ids {
		live[FileName(id)] = true
	}
	expired, evicted, err := st.sweep(st.opt.TTL, st.opt.MaxBytes, live)
	return Swept{Expired: expired, Evicted: evicted}, err
}

func (st *Files) sweep(ttl time.Duration, maxBytes int64, live map[string]bool) (expired, evicted int, err error) {
	entries, err := os.ReadDir(st.dir)
	if err != nil {
		return 0, 0, err
	}
	type file struct {
		name string
		size int64
		mod  time.Time
	}
	var kept []file
	var total int64
	remove := func(name string) bool {
		st.mu.Lock()
		defer st.mu.Unlock()
		return os.Remove(filepath.Join(st.dir, name)) == nil
	}
	for _, de := range entries {
		name := de.Name()
		if !strings.HasSuffix(name, ".jsonl") && !strings.HasPrefix(name, ".session-") {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		total += info.Size()
		switch {
		case live[name]:
			// Renewed, as a turn would: a live session idle for the TTL
			// is still there after a crash.
			now := time.Now()
			_ = os.Chtimes(filepath.Join(st.dir, name), now, now)
		case time.Since(info.ModTime()) >= ttl:
			if remove(name) {
				expired++
				total -= info.Size()
			}
		default:
			kept = append(kept, file{name, info.Size(), info.ModTime()})
		}
	}
	if maxBytes <= 0 || total <= maxBytes {
		return expired, 0, nil
	}
	slices.SortFunc(kept, func(a, b file) int { return a.mod.Compare(b.mod) })
	for _, f := range kept {
		if total <= maxBytes {
			break
		}
		if remove(f.name) {
			evicted++
			total -= f.size
		}
	}
	return expired, evicted, nil
}
