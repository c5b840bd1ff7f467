package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// Store keeps the sessions that clients can resume (those with a session id
// of the client's choosing) in a folder, so that they outlive the process: a
// bot restarted on the same folder resumes each conversation where it was,
// history included.
//
// Each session is one file of JSON lines named by the SHA-256 of its id: a
// header, then one line per turn with the messages it added, the session's
// state after it and the variables it changed (the first line holds them
// all). Appending what a turn changed keeps a turn's cost independent of the
// history's length and of the variables' size; once a file holds
// maxStoreLines lines, or has grown to twice its size when last rewritten,
// it is rewritten as one line, so it never holds much more than the session
// itself. Writes go to the operating system before the turn's replies are
// sent, so they survive the bot process dying; they are not synced to the
// disk, so a machine that loses power may lose the last turns.
type Store struct {
	dir string
	mu  sync.Mutex // serialises compaction's rename with the janitor's removal
}

// storeVersion is the version of the session file format. Version 1 files,
// whose lines each hold every variable, are read too, and rewritten in this
// version at the next turn.
const storeVersion = 2

// maxStoreLines is the number of turn lines after which a session file is
// rewritten as one line.
const maxStoreLines = 200

// compactSlack is what a session file may grow by, beyond twice its size
// when last rewritten, before it is rewritten: small sessions are not
// rewritten at every other turn.
const compactSlack = 64 << 10

// OpenStore returns a store in dir, creating the folder (readable by its
// owner only) when it does not exist. It fails when the folder cannot be
// created or written.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("session store: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("session store: folder %s cannot be written: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &Store{dir: dir}, nil
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
	Add     []storedEntry    `json:"add,omitempty"`
	State   *engine.Snapshot `json:"snapshot"`
	Unset   []string         `json:"unset,omitempty"`
}

// fileState is what a session knows of its file: enough to append a turn
// without reading the file, and to know when to rewrite it.
type fileState struct {
	lines int            // turn lines; 0: the next turn rewrites the file whole
	size  int64          // bytes
	base  int64          // bytes just after the last rewrite
	vars  map[string]any // the variables as the file holds them
}

// due reports whether the next turn rewrites the file rather than append.
func (f *fileState) due() bool {
	return f.lines == 0 || f.lines >= maxStoreLines || f.size > 2*f.base+compactSlack
}

// storedEntry is an entry as stored.
type storedEntry struct {
	At      time.Time    `json:"at"`
	User    bool         `json:"user,omitempty"`
	Message any          `json:"message,omitempty"`
	File    *storedFile  `json:"file,omitempty"`
	Reply   *reply.Reply `json:"reply,omitempty"`
}

type storedFile struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
}

func toStored(e entry) storedEntry {
	se := storedEntry{At: e.at, User: e.user, Message: e.message}
	switch {
	case e.file != nil:
		se.File = &storedFile{Name: e.file.name, Type: e.file.typ, Size: e.file.size}
	case !e.user:
		r := e.reply
		se.Reply = &r
	}
	return se
}

func fromStored(se storedEntry) entry {
	e := entry{at: se.At, user: se.User, message: se.Message}
	switch {
	case se.File != nil:
		e.file = &upload{name: se.File.Name, typ: se.File.Type, size: se.File.Size}
	case se.Reply != nil:
		e.reply = *se.Reply
	}
	return e
}

// path returns the file of the session with id: ids are chosen by clients,
// so the name is their hash, never the id itself.
func (st *Store) path(id string) string {
	return filepath.Join(st.dir, fileName(id))
}

// fileName is the name of the file of the session with id.
func fileName(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16]) + ".jsonl"
}

// saved is what a store holds of one session.
type saved struct {
	started bool
	history []entry
	snap    engine.Snapshot
	file    fileState
}

// load reads the session with id. It returns nil and no error when the store
// has none, or when it has not been written to for ttl (the file is then
// removed, as the session would have expired had the bot kept running).
// limit bounds the history kept, as session.history does.
func (st *Store) load(id string, ttl time.Duration, limit int) (*saved, error) {
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
	sv := &saved{file: fileState{size: int64(len(data)), base: int64(len(data))}}
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
			sv.file.lines = 0
			break
		}
		found = true
		if ln.Reset {
			sv.history = sv.history[:0]
		}
		for _, se := range ln.Add {
			sv.history = append(sv.history, fromStored(se))
		}
		if limit > 0 && len(sv.history) > limit {
			sv.history = append(sv.history[:0], sv.history[len(sv.history)-limit:]...)
		}
		if h.Version == 1 {
			clear(vars) // every line held every variable
		}
		for _, name := range ln.Unset {
			delete(vars, name)
		}
		maps.Copy(vars, ln.State.Vars)
		sv.started, sv.snap = ln.Started, *ln.State
		sv.file.lines++
	}
	if !found {
		return nil, fmt.Errorf("%s: no turn", p)
	}
	if sc.Err() != nil || h.Version != storeVersion {
		sv.file.lines = 0
	}
	sv.snap.Vars = vars
	sv.file.vars = maps.Clone(vars)
	if limit <= 0 {
		sv.history = nil
	}
	return sv, nil
}

// appendTurn writes one turn of the session with id: the entries it added
// (after wiping the history when reset), its state after it and the
// variables that changed since f was last written. When the file is due for
// a rewrite (see fileState.due), the whole session is written instead, from
// history. f is updated to what the file holds; after an error, the next
// turn rewrites it.
func (st *Store) appendTurn(id string, f *fileState, reset, started bool, added, history []entry, snap engine.Snapshot) error {
	snap.Vars = storable(snap.Vars)
	if f.due() {
		all := make([]storedEntry, len(history))
		for i, e := range history {
			all[i] = toStored(e)
		}
		n, err := st.rewrite(id, storeLine{Reset: true, Started: started, Add: all, State: &snap})
		if err != nil {
			f.lines = 0
			return err
		}
		*f = fileState{lines: 1, size: n, base: n, vars: maps.Clone(snap.Vars)}
		return nil
	}
	changed := engine.Snapshot{State: snap.State, Returns: snap.Returns, Vars: map[string]any{}}
	ln := storeLine{Reset: reset, Started: started, State: &changed}
	for name, v := range snap.Vars {
		if old, ok := f.vars[name]; !ok || !sameValue(old, v) {
			changed.Vars[name] = v
		}
	}
	for name := range f.vars {
		if _, ok := snap.Vars[name]; !ok {
			ln.Unset = append(ln.Unset, name)
		}
	}
	slices.Sort(ln.Unset)
	for _, e := range added {
		ln.Add = append(ln.Add, toStored(e))
	}
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

// storable is vars without the numbers JSON cannot hold (infinities, NaN,
// which a body's arithmetic can make): left out, such a variable comes back
// at its initial value, where holding it would make every later write fail.
func storable(vars map[string]any) map[string]any {
	for _, v := range vars {
		if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			out := make(map[string]any, len(vars))
			for k, v := range vars {
				if f, ok := v.(float64); !ok || !math.IsInf(f, 0) && !math.IsNaN(f) {
					out[k] = v
				}
			}
			return out
		}
	}
	return vars
}

// appendLine appends b to the session's file, which must exist.
func (st *Store) appendLine(id string, b []byte) error {
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

// sameValue reports whether two stored values are equal. Values a client or
// a body sets are JSON values; those that are not comparable with == count as
// different unless deeply equal.
func sameValue(a, b any) bool {
	if a == nil || b == nil || !reflect.TypeOf(a).Comparable() || !reflect.TypeOf(b).Comparable() {
		return reflect.DeepEqual(a, b)
	}
	return a == b
}

// rewrite replaces the session's file with a header and one line, through a
// temporary file, so that a crash leaves either the old file or the new one.
// It returns the file's size.
func (st *Store) rewrite(id string, ln storeLine) (int64, error) {
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

// remove deletes the session with id.
func (st *Store) remove(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	os.Remove(st.path(id))
}

// sweep removes the session files not written to for ttl: sessions that
// expired while no process held them. Then, while the files take more than
// maxBytes (0: no bound), it removes the least recently written: a store
// never fills the disk, however many sessions clients start. The files of
// the sessions in live (held in memory, which expire by their own clock)
// are kept. It returns how many files it removed for each reason.
func (st *Store) sweep(ttl time.Duration, maxBytes int64, live map[string]bool) (expired, evicted int) {
	entries, err := os.ReadDir(st.dir)
	if err != nil {
		return 0, 0
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
		return expired, 0
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
	return expired, evicted
}
