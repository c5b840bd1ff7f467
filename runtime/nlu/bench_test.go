package nlu

import (
	"os"
	"path/filepath"
	"testing"
)

// The larger corpora are not in the repository: set NLU_DATA to the folder
// holding hwu64/ and snips/ (train.csv, valid.csv, test.csv) to run these.
// They measure the validation splits, which is what training settings are
// chosen on; the test splits are for `botgen nlu eval` (docs/nlu.md).

func nluData(t testing.TB, corpus string) string {
	dir := os.Getenv("NLU_DATA")
	if dir == "" {
		t.Skip("NLU_DATA not set")
	}
	return filepath.Join(dir, corpus)
}

func TestValidationSplits(t *testing.T) {
	for _, corpus := range []string{"hwu64", "snips"} {
		dir := nluData(t, corpus)
		m := trainRows(t, readCSV(t, filepath.Join(dir, "train.csv")))
		valid := readCSV(t, filepath.Join(dir, "valid.csv"))
		ok := 0
		for _, r := range valid {
			if m.Classify(r[0], m.Intents())[0].Intent == r[1] {
				ok++
			}
		}
		t.Logf("%s valid: %.4f (%d/%d)", corpus, float64(ok)/float64(len(valid)), ok, len(valid))
	}
}

// BenchmarkClassifyHWU64 measures one prediction among the 64 intents.
func BenchmarkClassifyHWU64(b *testing.B) {
	dir := nluData(b, "hwu64")
	m := trainRows(b, readCSV(b, filepath.Join(dir, "train.csv")))
	test := readCSV(b, filepath.Join(dir, "test.csv"))
	names := m.Intents()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Classify(test[i%len(test)][0], names)
	}
}

// BenchmarkTrainHWU64 measures training on HWU64's 8,954 sentences.
func BenchmarkTrainHWU64(b *testing.B) {
	rows := readCSV(b, filepath.Join(nluData(b, "hwu64"), "train.csv"))
	for b.Loop() {
		trainRows(b, rows)
	}
}
