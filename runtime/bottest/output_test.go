package bottest

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"
)

// What Report prints, ParseOutput reads back.
func TestReportParsesBack(t *testing.T) {
	var b bytes.Buffer
	tally := Report(&b, []Result{{Name: "greets"}, {Name: "answers", Pos: "b.bot:3:1", Failure: "expected a\n  got b"}, {Name: "ends"}})
	if tally != (Tally{Passed: 2, Failed: 1}) {
		t.Errorf("tally %+v", tally)
	}
	o, ok := ParseOutput(b.String())
	want := []string{"PASS greets", "FAIL answers (b.bot:3:1)", "    expected a", "      got b", "PASS ends"}
	if !ok || o.Tally != tally || !slices.Equal(o.Lines, want) {
		t.Errorf("parsed %q %+v %v", o.Lines, o.Tally, ok)
	}
}

func TestParseOutput(t *testing.T) {
	for _, c := range []struct {
		out   string
		lines []string
		tally Tally
		ok    bool
	}{
		{"0 passed, 0 failed\n", nil, Tally{}, true},
		{"PASS a\n\n1 passed, 0 failed\n\n", []string{"PASS a"}, Tally{1, 0}, true},
		{"PASS a\npanic: boom\n", nil, Tally{}, false},
		{"", nil, Tally{}, false},
	} {
		o, ok := ParseOutput(c.out)
		if ok != c.ok || o.Tally != c.tally || !slices.Equal(o.Lines, c.lines) {
			t.Errorf("%q: %q %+v %v", c.out, o.Lines, o.Tally, ok)
		}
	}
	if got := (Tally{1, 2}).Add(Tally{3, 4}); got != (Tally{4, 6}) {
		t.Errorf("Add: %+v", got)
	}
}

func TestJUnitMerge(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"a_bot", "b_bot"} {
		p := filepath.Join(dir, name+".xml")
		if err := (JUnit{Suites: []JUnitSuite{NewJUnitSuite(name, []Result{{Name: "t"}})}}).WriteFile(p); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var all JUnit
	for _, p := range paths {
		j, err := ReadJUnitFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Merge(j)
	}
	if len(all.Suites) != 2 || all.Suites[0].Name != "a_bot" || all.Suites[1].Name != "b_bot" {
		t.Errorf("merged %+v", all)
	}
	if _, err := ReadJUnitFile(filepath.Join(dir, "missing.xml")); err == nil {
		t.Error("a missing file: no error")
	}
}
