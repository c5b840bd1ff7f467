package eval

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/runtime/nlu"
)

func TestReadCSV(t *testing.T) {
	rows, err := ReadCSV(strings.NewReader("id,intent,text\n1,greet,hello\n2,bye,\"see you, then\"\n"))
	if want := []nlu.Labelled{{Text: "hello", Intent: "greet"}, {Text: "see you, then", Intent: "bye"}}; err != nil || !slices.Equal(rows, want) {
		t.Errorf("rows %v, %v", rows, err)
	}
	for src, want := range map[string]string{
		"":                      "EOF",
		"sentence,label\na,b\n": "the header must name the columns text and intent",
		"text,intent\n":         "no rows",
		"text,intent\n\"a,b\n":  "extraneous or missing",
	} {
		if _, err := ReadCSV(strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}

// fake predicts what its table says, with the score its table says.
type fake map[string]nlu.Score

func (f fake) Classify(text string, _ []string) []nlu.Score { return []nlu.Score{f[text]} }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestMeasure(t *testing.T) {
	c := fake{
		"hi":      {Intent: "greet", Score: 0.9},
		"hello":   {Intent: "greet", Score: 0.8},
		"bye":     {Intent: "greet", Score: 0.7}, // wrong
		"ciao":    {Intent: "bye", Score: 0.9},
		"weather": {Intent: "bye", Score: 0.2},   // out of scope, under the threshold
		"stocks":  {Intent: "greet", Score: 0.6}, // out of scope, over it
		"book":    {Intent: "greet", Score: 0.5}, // an intent never trained
	}
	test := []nlu.Labelled{
		{Text: "hi", Intent: "greet"}, {Text: "hello", Intent: "greet"}, {Text: "bye", Intent: "bye"},
		{Text: "ciao", Intent: "bye"}, {Text: "weather", Intent: "none"}, {Text: "stocks", Intent: "none"},
		{Text: "book", Intent: "book"},
	}
	r := Measure(c, []string{"greet", "bye"}, test, Options{OOSLabel: "none", Threshold: 0.4})
	if r.Intents != 2 || r.Test != 7 || r.Correct != 4 || !near(r.Accuracy, 4.0/7) {
		t.Errorf("counts %+v", r)
	}
	// greet: tp 2, fp 3 (bye, stocks, book), fn 0 -> p 0.4, r 1, F1 4/7
	// bye: tp 1, fp 0, fn 1 -> p 1, r 0.5, F1 2/3
	// none: tp 1, fp 0, fn 1 -> F1 2/3; book: tp 0 -> F1 0
	if want := (4.0/7 + 2.0/3 + 2.0/3 + 0) / 4; !near(r.MacroF1, want) {
		t.Errorf("macro-F1 %v, want %v", r.MacroF1, want)
	}
	if !near(r.OOSRecall, 0.5) || !near(r.OOSPrecision, 1) {
		t.Errorf("out of scope: recall %v, precision %v", r.OOSRecall, r.OOSPrecision)
	}
	want := []Confusion{{"book", "greet", 1}, {"bye", "greet", 1}, {"none", "greet", 1}}
	if !slices.Equal(r.Confusions, want) {
		t.Errorf("confusions %v, want %v", r.Confusions, want)
	}
	if r.P50 > r.P99 {
		t.Errorf("p50 %v over p99 %v", r.P50, r.P99)
	}

	// Without an out-of-scope label, every prediction is an intent.
	r = Measure(c, []string{"greet", "bye"}, test[:4], Options{Threshold: 0.95})
	if r.Correct != 3 || r.OOSRecall != 0 || len(r.Confusions) != 1 {
		t.Errorf("without a label: %+v", r)
	}
}

func TestRun(t *testing.T) {
	train := []nlu.Labelled{
		{Text: "hello there", Intent: "greet"}, {Text: "good morning", Intent: "greet"},
		{Text: "goodbye", Intent: "bye"}, {Text: "see you later", Intent: "bye"},
		{Text: "what is the weather", Intent: "none"},
	}
	test := []nlu.Labelled{{Text: "hello", Intent: "greet"}, {Text: "see you", Intent: "bye"}}
	r, err := Run(train, test, Options{NLU: nlu.Options{Language: "en", Stemming: true}, OOSLabel: "none", Threshold: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if r.Intents != 2 || r.Train != 5 || r.Test != 2 || r.Correct != 2 || r.ModelSize == 0 {
		t.Errorf("report %+v", r)
	}
	if _, err := Run(train[4:], test, Options{OOSLabel: "none"}); !errors.Is(err, ErrNoIntents) {
		t.Errorf("only out-of-scope rows: %v", err)
	}
}

func TestCrossValidate(t *testing.T) {
	intents := []nlu.Intent{
		{Name: "greet", Sentences: []string{"hello", "hello there", "hi"}},
		{Name: "bye", Sentences: []string{"goodbye", "goodbye then"}},
		{Name: "help", Sentences: []string{"help me"}},
	}
	r, err := CrossValidate(intents, nil, nlu.Options{Language: "en", Stemming: true}, 2, 0.4)
	if err != nil {
		t.Fatal(err)
	}
	if r.Folds != 2 || r.Intents != 3 || r.Untested != 1 || len(r.Held) != 5 {
		t.Fatalf("report %+v", r)
	}
	var held, understood int
	var names []string
	for _, it := range r.PerIntent {
		names = append(names, it.Intent)
		held += it.Held
		understood += it.Understood
	}
	if !slices.Equal(names, []string{"greet", "bye"}) || held != 5 || understood != r.Understood || r.Understood+len(r.Misread) != 5 || r.Ranked < r.Understood {
		t.Errorf("tallies %+v", r)
	}
	if !near(r.Share(), float64(r.Understood)/5) {
		t.Errorf("share %v", r.Share())
	}
	// A threshold no score reaches understands nothing.
	r, _ = CrossValidate(intents, nil, nlu.Options{Language: "en"}, 2, 1.01)
	if r.Understood != 0 || len(r.Misread) != 5 {
		t.Errorf("at threshold 1.01: %+v", r)
	}
	if _, err := CrossValidate(intents, nil, nlu.Options{Language: "en"}, 1, 0.4); err == nil {
		t.Error("one fold: no error")
	}
}
