package engine_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/runtime/engine"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// TestSnapshotRestore: a session stored as JSON and restored into a new
// engine goes on exactly where it was.
func TestSnapshotRestore(t *testing.T) {
	s := newEngine(t, transitionsBot()).NewSession("a")
	wantTexts(t, s.Start(), "s0 1")
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "count"}), "s0 2")
	mustHandle(t, s, engine.Input{Kind: engine.SetVars, Vars: map[string]any{"who": "ada", "mood": "calm"}})
	wantTexts(t, mustHandle(t, s, engine.Input{Kind: engine.Text, Text: "what now"}), "confused")

	data, err := json.Marshal(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap engine.Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	r, problems := newEngine(t, transitionsBot()).Restore("a", snap)
	if len(problems) > 0 {
		t.Fatalf("problems: %q", problems)
	}
	if r.State() != "confused" {
		t.Fatalf("restored in %s, want confused", r.State())
	}
	if !reflect.DeepEqual(r.Snapshot(), s.Snapshot()) {
		t.Errorf("restored %+v, want %+v", r.Snapshot(), s.Snapshot())
	}
	// The conversation goes on with the restored variables: a file leads
	// back to s0, whose body counts on from 2.
	in := engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: "x.bin", Type: "application/octet-stream"}}
	wantTexts(t, mustHandle(t, r, in), "any file", "s0 3")
}

// TestRestoreWhatNoLongerFits: a snapshot of an older build of the bot
// restores what still fits and says what it left out.
func TestRestoreWhatNoLongerFits(t *testing.T) {
	snap := engine.Snapshot{
		State:   "gone",
		Returns: []string{"confused", "also_gone"},
		Vars:    map[string]any{"n": "seven", "who": "bob", "mood": true, "nothing": nil, "list": []any{1.0}},
	}
	r, problems := newEngine(t, transitionsBot()).Restore("b", snap)
	want := []string{
		`state "gone" no longer exists`,
		`state "also_gone" no longer exists`,
		`variable "n" is now a number: its stored string is dropped`,
		`variable "nothing": a value of type <nil> cannot be restored`,
	}
	if len(problems) != len(want) {
		t.Fatalf("problems %q, want %d", problems, len(want))
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %d: %q, want it to contain %q", i, problems[i], w)
		}
	}
	got := r.Snapshot()
	if got.State != "s0" || !reflect.DeepEqual(got.Returns, []string{"confused"}) ||
		got.Vars["who"] != "bob" || got.Vars["mood"] != true || got.Vars["n"] != 0.0 || !reflect.DeepEqual(got.Vars["list"], []any{1.0}) {
		t.Errorf("restored %+v", got)
	}
}

// Records, lists and dynamic values survive a snapshot written as JSON:
// records with their fields in order, a dynamic value of any kind, null.
func TestSnapshotOfValues(t *testing.T) {
	b := &engine.Bot{Name: "values", Initial: "s",
		Vars: []engine.Var{{Name: "where", Init: val.RecordOf("lat", 0.0, "lon", 0.0)}, {Name: "w", Init: nil}, {Name: "n", Init: nil}, {Name: "items", Init: []val.Value{}}},
		States: []engine.State{{Name: "s", Body: func(t *engine.Turn) {
			t.SetVal("where", val.RecordOf("lon", 2.17, "lat", 41.39))
			t.SetVal("w", 21.5)
			t.SetVal("items", []val.Value{val.RecordOf("id", 1.0, "item", "kettle")})
		}}}}
	s := newEngine(t, b).NewSession("a")
	s.Start()
	data, err := json.Marshal(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap engine.Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	r, problems := newEngine(t, b).Restore("a", snap)
	if len(problems) > 0 {
		t.Fatalf("problems: %q\n%s", problems, data)
	}
	got := r.Snapshot().Vars
	for name, want := range map[string]string{"where": `{"lon":2.17,"lat":41.39}`, "w": "21.5", "n": "", "items": `[{"id":1,"item":"kettle"}]`} {
		if val.Text(got[name]) != want {
			t.Errorf("%s restored as %s, want %s", name, val.Text(got[name]), want)
		}
	}
}
