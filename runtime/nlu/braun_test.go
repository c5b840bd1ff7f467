package nlu

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
)

// The corpora of Braun et al. (SIGDIAL 2017), copied into testdata/nlu/braun
// (CC BY-SA 3.0). The floors are the accuracies the model reaches with the
// default training settings, so that a change that loses accuracy fails
// here; docs/nlu.md sets them beside the published figures.
var braunFloors = []struct {
	corpus string
	floor  float64
}{
	{"chatbot", 0.98},
	{"askubuntu", 0.92},
	{"webapps", 0.84},
}

const braunPooledFloor = 0.93

func readCSV(t testing.TB, path string) [][2]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rows [][2]string
	for _, r := range recs[1:] {
		rows = append(rows, [2]string{r[0], r[1]})
	}
	return rows
}

// trainRows trains a model on labelled sentences as botgen nlu eval does.
func trainRows(t testing.TB, rows [][2]string) *Model {
	t.Helper()
	return trainRowsHyper(t, rows, defaultHyper())
}

func TestBraunFloors(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "nlu", "braun")
	right, total := 0, 0
	for _, c := range braunFloors {
		m := trainRows(t, readCSV(t, filepath.Join(dir, c.corpus+"_train.csv")))
		test := readCSV(t, filepath.Join(dir, c.corpus+"_test.csv"))
		ok := 0
		for _, r := range test {
			if m.Classify(r[0], m.Intents())[0].Intent == r[1] {
				ok++
			}
		}
		acc := float64(ok) / float64(len(test))
		t.Logf("%s: %.4f (%d/%d)", c.corpus, acc, ok, len(test))
		if acc < c.floor {
			t.Errorf("%s: accuracy %.4f, below its floor %.2f", c.corpus, acc, c.floor)
		}
		right, total = right+ok, total+len(test)
	}
	pooled := float64(right) / float64(total)
	t.Logf("pooled: %.4f (%d/%d)", pooled, right, total)
	if pooled < braunPooledFloor {
		t.Errorf("pooled accuracy %.4f, below its floor %.3f", pooled, braunPooledFloor)
	}
}
