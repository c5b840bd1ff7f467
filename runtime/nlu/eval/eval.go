// Package eval measures the intent classifier, for botgen nlu: a model
// trained as botgen build trains it, measured on a labelled test set
// (accuracy, macro-F1, confusions, out-of-scope recall and precision,
// latency), and a bot's own sentences cross-validated. It computes; the
// command prints.
package eval

import (
	"cmp"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/botgen-dev/botgen/runtime/nlu"
)

// ReadCSV reads a labelled data set: CSV whose header names the columns
// text and intent (others are ignored), one sentence a row.
func ReadCSV(r io.Reader) ([]nlu.Labelled, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, err
	}
	ti, ii := slices.Index(head, "text"), slices.Index(head, "intent")
	if ti < 0 || ii < 0 {
		return nil, errors.New("the header must name the columns text and intent")
	}
	var rows []nlu.Labelled
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, nlu.Labelled{Text: rec[ti], Intent: rec[ii]})
	}
	if len(rows) == 0 {
		return nil, errors.New("no rows")
	}
	return rows, nil
}

// Options say how to train and how to score.
type Options struct {
	NLU nlu.Options
	// OOSLabel is the intent of out-of-scope rows: they are not trained
	// on, and a prediction whose best score is under Threshold is this
	// label. Empty: every prediction is an intent.
	OOSLabel  string
	Threshold float64
}

// ErrNoIntents is the error of a training set with no intent to train
// (only out-of-scope rows).
var ErrNoIntents = errors.New("no intent to train")

// Report is what an evaluation measures.
type Report struct {
	Intents     int // intents trained
	Train, Test int // sentences of each set, out-of-scope ones included

	Correct  int
	Accuracy float64
	// MacroF1 is the mean F1 over the labels: the intents trained, the
	// out-of-scope label, and any intent of the test set never trained.
	MacroF1 float64
	// OOSRecall and OOSPrecision measure the out-of-scope label (with
	// Options.OOSLabel).
	OOSRecall, OOSPrecision float64

	TrainTime time.Duration
	ModelSize int // bytes of the model as botgen build embeds it
	// P50 and P99 are percentiles of the time one classification takes.
	P50, P99 time.Duration

	// Confusions are the pairs of expected and predicted labels of the
	// wrong predictions, most frequent first.
	Confusions []Confusion
}

// Confusion is how often one label was predicted for another.
type Confusion struct {
	Want, Got string
	Count     int
}

// Run trains a model on train, as botgen build trains one, and measures it
// on test.
func Run(train, test []nlu.Labelled, opts Options) (*Report, error) {
	var labelled []nlu.Labelled
	for _, r := range train {
		if opts.OOSLabel == "" || r.Intent != opts.OOSLabel {
			labelled = append(labelled, r)
		}
	}
	intents := nlu.IntentsFrom(labelled)
	if len(intents) == 0 {
		return nil, ErrNoIntents
	}
	start := time.Now()
	model, err := nlu.Train(intents, nil, opts.NLU)
	if err != nil {
		return nil, err
	}
	trainTime := time.Since(start)
	data, err := model.MarshalBinary()
	if err != nil {
		return nil, err
	}
	r := Measure(model, model.Intents(), test, opts)
	r.Train, r.TrainTime, r.ModelSize = len(train), trainTime, len(data)
	return r, nil
}

// Classifier scores a message against candidate intents, best first, as
// nlu.Model does.
type Classifier interface {
	Classify(text string, candidates []string) []nlu.Score
}

// Measure classifies every test sentence among intents and measures the
// predictions; it leaves the training figures of the report empty.
func Measure(c Classifier, intents []string, test []nlu.Labelled, opts Options) *Report {
	oos := opts.OOSLabel
	labels := slices.Clone(intents)
	if oos != "" {
		labels = append(labels, oos)
	}
	type pair struct{ want, got string }
	confused := map[pair]int{}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	lat := make([]time.Duration, 0, len(test))
	correct := 0
	for _, r := range test {
		t0 := time.Now()
		scores := c.Classify(r.Text, intents)
		lat = append(lat, time.Since(t0))
		got := scores[0].Intent
		if oos != "" && scores[0].Score < opts.Threshold {
			got = oos
		}
		if got == r.Intent {
			correct++
			tp[got]++
			continue
		}
		fp[got]++
		fn[r.Intent]++
		confused[pair{r.Intent, got}]++
		if !slices.Contains(labels, r.Intent) {
			labels = append(labels, r.Intent) // a test intent never trained on
		}
	}
	rep := &Report{Intents: len(intents), Test: len(test), Correct: correct, Accuracy: ratio(correct, len(test))}
	var f1sum float64
	for _, l := range labels {
		p, rc := ratio(tp[l], tp[l]+fp[l]), ratio(tp[l], tp[l]+fn[l])
		if p+rc > 0 {
			f1sum += 2 * p * rc / (p + rc)
		}
	}
	if len(labels) > 0 {
		rep.MacroF1 = f1sum / float64(len(labels))
	}
	if oos != "" {
		rep.OOSRecall, rep.OOSPrecision = ratio(tp[oos], tp[oos]+fn[oos]), ratio(tp[oos], tp[oos]+fp[oos])
	}
	rep.P50, rep.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	for p, n := range confused {
		rep.Confusions = append(rep.Confusions, Confusion{Want: p.want, Got: p.got, Count: n})
	}
	slices.SortFunc(rep.Confusions, func(a, b Confusion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Want, b.Want), cmp.Compare(a.Got, b.Got))
	})
	return rep
}

// percentile is the q-quantile of ds (sorted in place), 0 when empty.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(q*float64(len(ds))))]
}

// ratio is a/b, 0 when b is.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
