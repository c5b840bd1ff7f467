package sessionstore

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/value"
)

// The encodings the memory and Redis stores share: a session is its state
// (a small JSON object), one JSON value per variable and one JSON object per
// history entry, so that a turn rewrites only what it changed.

// stateVersion is the version of the encoded state.
const stateVersion = 1

// encodedState is the part of a session that is not its variables or
// history.
type encodedState struct {
	Version int      `json:"botgen_session"`
	ID      string   `json:"id"`
	Started bool     `json:"started"`
	State   string   `json:"state"`
	Returns []string `json:"returns,omitempty"`
	// Seq counts the entries the session ever recorded (see Saved.Seq).
	Seq uint64 `json:"seq,omitempty"`
}

func encodeState(id string, t *Turn) ([]byte, error) {
	return json.Marshal(encodedState{Version: stateVersion, ID: id, Started: t.Started, State: t.Snapshot.State, Returns: t.Snapshot.Returns, Seq: t.Seq})
}

// decodeState reads a state back, checking it is one of this version for
// id (two ids of one hash, or a key written by something else, are not
// taken for the session).
func decodeState(id string, b []byte) (encodedState, error) {
	var st encodedState
	if err := json.Unmarshal(b, &st); err != nil {
		return st, corrupt("state: %v", err)
	}
	if st.Version != stateVersion || st.ID != id {
		return st, corrupt("state: not a session of this version for this id")
	}
	return st, nil
}

// decodeVar reads a variable back as the engine wrote it, the fields of
// records in their order.
func decodeVar(name string, b []byte) (any, error) {
	v, err := value.DecodeJSON(b, value.Limits{})
	if err != nil {
		return nil, corrupt("variable %s: %v", name, err)
	}
	return v, nil
}

func decodeEntry(b []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return e, corrupt("history: %v", err)
	}
	return e, nil
}

// changes returns the variables of vars that differ from those of the mark
// (all of them when m is nil), and the names m holds that vars does not,
// sorted.
func changes(m map[string]any, vars map[string]any) (set map[string]any, unset []string) {
	set = map[string]any{}
	for name, v := range vars {
		if old, ok := m[name]; !ok || !sameValue(old, v) {
			set[name] = v
		}
	}
	for name := range m {
		if _, ok := vars[name]; !ok {
			unset = append(unset, name)
		}
	}
	slices.Sort(unset)
	return set, unset
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

// sameValue reports whether two stored values are equal. Values a client or
// a body sets are JSON values; those that are not comparable with == count as
// different unless deeply equal.
func sameValue(a, b any) bool {
	if a == nil || b == nil || !reflect.TypeOf(a).Comparable() || !reflect.TypeOf(b).Comparable() {
		return reflect.DeepEqual(a, b)
	}
	return a == b
}

// snapshotOf builds the snapshot of a decoded session.
func snapshotOf(st encodedState, vars map[string]any) engine.Snapshot {
	return engine.Snapshot{State: st.State, Returns: st.Returns, Vars: vars}
}
