package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	val "github.com/botgen-dev/botgen/runtime/value"
)

// Snapshot is what a session needs to go on after its process is gone: the
// current state, the return stack of `go back`, and every variable and
// parameter that has a value. States are kept by name and values as JSON
// types (float64, string, bool), so a snapshot reads back into a rebuilt
// bot as far as the names still mean the same.
type Snapshot struct {
	State   string         `json:"state"`
	Returns []string       `json:"returns,omitempty"`
	Vars    map[string]any `json:"vars,omitempty"`
}

// Snapshot returns the session's state. Call it between turns.
func (s *Session) Snapshot() Snapshot {
	snap := Snapshot{State: s.e.states[s.state].Name, Vars: map[string]any{}}
	for _, r := range s.returns {
		snap.Returns = append(snap.Returns, s.e.states[r].Name)
	}
	for name, i := range s.e.slots {
		if x, ok := s.vars[i].any(); ok {
			snap.Vars[name] = x
		}
	}
	for name, v := range s.extra {
		if x, ok := v.any(); ok {
			snap.Vars[name] = x
		}
	}
	return snap
}

// UnmarshalJSON reads a snapshot as json.Marshal writes it, the records of
// its variables with their fields in the order they were written (encoding/json
// would read them into maps, which have none).
func (s *Snapshot) UnmarshalJSON(data []byte) error {
	var raw struct {
		State   string                     `json:"state"`
		Returns []string                   `json:"returns"`
		Vars    map[string]json.RawMessage `json:"vars"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*s = Snapshot{State: raw.State, Returns: raw.Returns}
	if raw.Vars != nil {
		s.Vars = make(map[string]any, len(raw.Vars))
	}
	for name, m := range raw.Vars {
		v, err := val.DecodeJSON(m, val.Limits{})
		if err != nil {
			return fmt.Errorf("variable %s: %w", name, err)
		}
		s.Vars[name] = v
	}
	return nil
}

// Restore returns a session with id in the state snap describes. What no
// longer fits the bot (a state it lost, a variable whose type changed) is
// left out, each such thing described in problems; the session is usable
// whatever they say. A lost current state means the initial state.
func (e *Engine) Restore(id string, snap Snapshot) (s *Session, problems []string) {
	s = e.NewSession(id)
	if i, ok := e.byName[snap.State]; ok {
		s.state = i
	} else {
		problems = append(problems, fmt.Sprintf("state %q no longer exists: the session goes on from the initial state", snap.State))
	}
	for _, name := range snap.Returns {
		if i, ok := e.byName[name]; ok {
			s.returns = append(s.returns, i)
		} else {
			problems = append(problems, fmt.Sprintf("state %q no longer exists: dropped from the go back stack", name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(snap.Vars)) {
		v, ok := valueOf(snap.Vars[name])
		if i, slot := e.slots[name]; slot && snap.Vars[name] == nil && e.init[i].kind == kindData {
			v, ok = value{kind: kindData}, true // a dynamic value's null
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("variable %q: a value of type %T cannot be restored", name, snap.Vars[name]))
			continue
		}
		if i, ok := e.slots[name]; ok {
			// A variable of records, lists or dynamic values (kindData)
			// may hold any value: the compiled code checks what it reads.
			if want := e.init[i].kind; want != kindNone && want != kindData && want != v.kind {
				problems = append(problems, fmt.Sprintf("variable %q is now a %s: its stored %s is dropped", name, want, v.kind))
				continue
			}
			s.vars[i] = v
			continue
		}
		if s.extra == nil {
			s.extra = map[string]value{}
		}
		s.extra[name] = v
	}
	return s, problems
}

// any returns the value as a JSON type; ok is false when it is unset.
func (v value) any() (x any, ok bool) {
	switch v.kind {
	case kindNum:
		return v.num, true
	case kindStr:
		return v.str, true
	case kindBool:
		return v.b, true
	case kindData:
		return v.data, true
	}
	return nil, false
}

func (k valueKind) String() string {
	switch k {
	case kindNum:
		return "number"
	case kindStr:
		return "string"
	case kindBool:
		return "bool"
	case kindData:
		return "record or list"
	}
	return "unset value"
}
