package sessionstore

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"time"
)

// Memory is a store in the process's memory: what a test, or a bot that
// runs as one process and wants no files, can use. It encodes sessions as
// the Redis store does, so that what it gives back is what Redis would.
type Memory struct {
	opt Options
	mu  sync.Mutex
	all map[string]*memSession // by Hash(id)
}

type memSession struct {
	state   []byte
	vars    map[string][]byte
	history [][]byte
	written time.Time
	size    int64
}

// NewMemory returns an empty memory store.
func NewMemory(opt Options) *Memory {
	return &Memory{opt: opt, all: map[string]*memSession{}}
}

func (s *memSession) measure() {
	s.size = int64(len(s.state))
	for name, v := range s.vars {
		s.size += int64(len(name) + len(v))
	}
	for _, e := range s.history {
		s.size += int64(len(e))
	}
}

// Load implements Store.
func (m *Memory) Load(ctx context.Context, id string) (*Saved, error) {
	h := Hash(id)
	m.mu.Lock()
	s := m.all[h]
	if s != nil && time.Since(s.written) >= m.opt.TTL {
		delete(m.all, h)
		s = nil
	}
	if s == nil {
		m.mu.Unlock()
		return nil, nil
	}
	state, vars, history := s.state, maps.Clone(s.vars), s.history
	if m.opt.History < len(history) {
		history = history[len(history)-m.opt.History:]
	}
	history = slices.Clone(history)
	size := s.size
	m.mu.Unlock()
	if size > m.opt.readLimit() {
		return nil, corrupt("%d bytes, over the %d a session may take", size, m.opt.readLimit())
	}
	return decode(id, state, vars, history)
}

// decode reads back a session held as its encoded parts.
func decode(id string, state []byte, vars map[string][]byte, history [][]byte) (*Saved, error) {
	st, err := decodeState(id, state)
	if err != nil {
		return nil, err
	}
	sv := &Saved{Started: st.Started, Seq: st.Seq}
	values := make(map[string]any, len(vars))
	for name, b := range vars {
		if values[name], err = decodeVar(name, b); err != nil {
			return nil, err
		}
	}
	for _, b := range history {
		e, err := decodeEntry(b)
		if err != nil {
			return nil, err
		}
		sv.History = append(sv.History, e)
	}
	sv.Snapshot = snapshotOf(st, values)
	sv.Mark = Mark{vars: maps.Clone(values)}
	return sv, nil
}

// encodedTurn is a turn encoded for the memory and Redis stores.
type encodedTurn struct {
	whole bool
	state []byte
	set   map[string][]byte
	unset []string
	added [][]byte // the history itself when whole
	vars  map[string]any
	reset bool
	keep  int
}

// encodeTurn encodes what t changed since m (everything when whole), before
// anything is written: an error leaves the store as it was.
func encodeTurn(id string, m *Mark, t Turn, whole bool) (*encodedTurn, error) {
	vars := storable(t.Snapshot.Vars)
	et := &encodedTurn{whole: whole, reset: t.Reset, keep: t.Keep, set: map[string][]byte{}}
	var err error
	if et.state, err = encodeState(id, &t); err != nil {
		return nil, err
	}
	var set map[string]any
	if whole {
		set = vars
	} else {
		set, et.unset = changes(m.vars, vars)
	}
	for name, v := range set {
		if et.set[name], err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	added := t.Added
	if whole {
		added = nil
		if t.History != nil {
			added = t.History()
		}
		if len(added) > t.Keep {
			added = added[len(added)-t.Keep:]
		}
	}
	for _, e := range added {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		et.added = append(et.added, b)
	}
	et.vars = vars
	return et, nil
}

// Append implements Store.
func (m *Memory) Append(ctx context.Context, id string, mk *Mark, t Turn) error {
	h := Hash(id)
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.all[h]
	et, err := encodeTurn(id, mk, t, mk.whole() || s == nil)
	if err != nil {
		*mk = Mark{}
		return err
	}
	if et.whole {
		s = &memSession{vars: map[string][]byte{}}
		m.all[h] = s
	}
	s.state = et.state
	maps.Copy(s.vars, et.set)
	for _, name := range et.unset {
		delete(s.vars, name)
	}
	if et.reset {
		s.history = nil
	}
	s.history = append(s.history, et.added...)
	if drop := len(s.history) - et.keep; drop > 0 {
		// In place, so that the backing array does not grow without bound.
		n := copy(s.history, s.history[drop:])
		clear(s.history[n:])
		s.history = s.history[:n]
	}
	s.written = time.Now()
	s.measure()
	mk.written(et)
	return nil
}

// written brings the mark up to date with a turn the store has written.
func (mk *Mark) written(et *encodedTurn) {
	if mk.vars == nil || et.whole {
		mk.vars = map[string]any{}
	}
	for _, name := range et.unset {
		delete(mk.vars, name)
	}
	for name := range et.set {
		mk.vars[name] = et.vars[name]
	}
}

// Remove implements Store.
func (m *Memory) Remove(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.all, Hash(id))
	return nil
}

// Sweep implements Store.
func (m *Memory) Sweep(ctx context.Context, live []string) (Swept, error) {
	keep := map[string]bool{}
	for _, id := range live {
		keep[Hash(id)] = true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var sw Swept
	var total int64
	now := time.Now()
	for h, s := range m.all {
		switch {
		case keep[h]:
			s.written = now
		case now.Sub(s.written) >= m.opt.TTL:
			delete(m.all, h)
			sw.Expired++
			continue
		}
		total += s.size
	}
	if m.opt.MaxBytes <= 0 || total <= m.opt.MaxBytes {
		return sw, nil
	}
	oldest := slices.SortedFunc(maps.Keys(m.all), func(a, b string) int { return m.all[a].written.Compare(m.all[b].written) })
	for _, h := range oldest {
		if total <= m.opt.MaxBytes {
			break
		}
		if keep[h] {
			continue
		}
		total -= m.all[h].size
		delete(m.all, h)
		sw.Evicted++
	}
	return sw, nil
}

// Ping implements Store: memory always answers.
func (m *Memory) Ping(ctx context.Context) error { return nil }

// Close implements Store.
func (m *Memory) Close() error { return nil }
