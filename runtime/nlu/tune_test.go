package nlu

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTune measures a variant of the training settings on the splits that
// settings are chosen on: the validation splits of HWU64 and SNIPS (with
// NLU_DATA set, see bench_test.go) and 5-fold cross-validation on the Braun
// training sets. It never reads a test split. NLU_TUNE holds the settings
// that differ from defaultHyper, e.g. "l2=3e-5,epochs=20"; NLU_TUNE_SETS
// picks the corpora (default "braun,hwu64,snips"); NLU_TUNE_LOO=1 makes the
// Braun cross-validation leave-one-out, and NLU_TUNE_ERRORS=1 lists its
// mistakes.
func TestTune(t *testing.T) {
	spec, ok := os.LookupEnv("NLU_TUNE")
	if !ok {
		t.Skip("NLU_TUNE not set")
	}
	hp := defaultHyper()
	for kv := range strings.SplitSeq(spec, ",") {
		k, v, found := strings.Cut(kv, "=")
		if !found {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%s: %v", kv, err)
		}
		if err := hp.set(k, x); err != nil {
			t.Fatal(err)
		}
	}
	sets := os.Getenv("NLU_TUNE_SETS")
	if sets == "" {
		sets = "braun,hwu64,snips"
	}
	for set := range strings.SplitSeq(sets, ",") {
		switch set {
		case "braun":
			right, total := 0, 0
			for _, c := range braunFloors {
				rows := readCSV(t, filepath.Join("..", "..", "testdata", "nlu", "braun", c.corpus+"_train.csv"))
				k := 5
				if os.Getenv("NLU_TUNE_LOO") != "" {
					k = len(rows) // leave one out
				}
				ok, n := crossValidate(t, rows, k, hp)
				t.Logf("%s cv: %.4f (%d/%d)", c.corpus, float64(ok)/float64(n), ok, n)
				right, total = right+ok, total+n
			}
			t.Logf("braun cv pooled: %.4f (%d/%d)", float64(right)/float64(total), right, total)
		default:
			dir := nluData(t, set)
			start := time.Now()
			m := trainRowsHyper(t, readCSV(t, filepath.Join(dir, "train.csv")), hp)
			took := time.Since(start)
			data, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: trained in %v, %d features, %d bytes", set, took.Round(time.Millisecond), len(m.hashes), len(data))
			valid := readCSV(t, filepath.Join(dir, "valid.csv"))
			ok := accuracy(m, valid)
			t.Logf("%s valid: %.4f (%d/%d)", set, float64(ok)/float64(len(valid)), ok, len(valid))
		}
	}
}

// set changes one training setting by name, for TestTune.
func (hp *hyper) set(k string, x float64) error {
	switch k {
	case "epochs":
		hp.epochs = int(x)
	case "rate":
		hp.rate = x
	case "l2":
		hp.l2 = x
	case "pw":
		hp.posWeight = x
	case "noise":
		hp.noise = x
	case "minnoise":
		hp.minNoise = int(x)
	case "maxnoise":
		hp.maxNoise = int(x)
	case "mindf":
		hp.minDF = int(x)
	case "soft":
		hp.softEpochs = int(x)
	case "softrate":
		hp.softRate = x
	case "mix":
		hp.mix = x
	case "largefrom":
		hp.largeFrom = int(x)
	case "g0", "g1", "g2", "g3":
		hp.groups[k[1]-'0'] = x
	default:
		return fmt.Errorf("unknown setting %q", k)
	}
	return nil
}

// crossValidate returns the right predictions and the total over k folds of
// rows (row i is in fold i mod k).
func crossValidate(t *testing.T, rows [][2]string, k int, hp hyper) (right, total int) {
	for f := range k {
		var train, test [][2]string
		for i, r := range rows {
			if i%k == f {
				test = append(test, r)
			} else {
				train = append(train, r)
			}
		}
		m := trainRowsHyper(t, train, hp)
		if os.Getenv("NLU_TUNE_ERRORS") != "" {
			for _, r := range test {
				if s := m.Classify(r[0], m.Intents()); s[0].Intent != r[1] {
					t.Logf("  %q: want %s, got %s %.3f", r[0], r[1], s[0].Intent, s[0].Score)
				}
			}
		}
		right += accuracy(m, test)
		total += len(test)
	}
	return right, total
}

// accuracy returns how many rows the model classifies right.
func accuracy(m *Model, rows [][2]string) int {
	ok := 0
	names := m.Intents()
	for _, r := range rows {
		if m.Classify(r[0], names)[0].Intent == r[1] {
			ok++
		}
	}
	return ok
}

// trainRowsHyper is trainRows with other training settings.
func trainRowsHyper(t testing.TB, rows [][2]string, hp hyper) *Model {
	t.Helper()
	labelled := make([]Labelled, len(rows))
	for i, r := range rows {
		labelled[i] = Labelled{Text: r[0], Intent: r[1]}
	}
	m, err := train(IntentsFrom(labelled), nil, Options{Language: "en", Stemming: true}, hp)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
