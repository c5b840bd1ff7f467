package nlu

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		text, lang string
		stem       bool
		want       []string
	}{
		{"Hello, WORLD!!", "en", false, []string{"hello", "world"}},
		{"  what's  the weather?? ", "en", false, []string{"whats", "the", "weather"}},
		{"running runs easily", "en", true, []string{"run", "run", "easili"}},
		{"running runs", "en", false, []string{"running", "runs"}},
		{"Ñandú corriendo rápidamente", "es", true, []string{"ñandu", "corr", "rapid"}},
		{"Ça marche, l'été!", "fr", false, []string{"ça", "marche", "lété"}},
		{"Die Häuser", "de", true, []string{"die", "haus"}}, // light German stemmer, umlauts folded
		{"prenotazioni confermate", "it", true, []string{"prenot", "conferm"}},
		{"reservas confirmadas", "pt", true, []string{"reserv", "confirm"}},
		{"version 2.0-beta", "en", false, []string{"version", "2", "0", "beta"}},
		{"東京 tower", "en", true, []string{"東京", "tower"}},
		{"?!...", "en", true, []string{}},
	}
	for _, tt := range tests {
		got := Normalize(tt.text, tt.lang, tt.stem)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Normalize(%q, %s, %v) = %q, want %q", tt.text, tt.lang, tt.stem, got, tt.want)
		}
	}
}

func weather(t *testing.T) *Scorer {
	t.Helper()
	s, err := NewScorer([]Intent{
		{Name: "weather", Sentences: []string{"what is the weather in {city1}?", "weather in {city1}"}, Params: []Param{{"city1", "city"}}},
		{Name: "hello", Sentences: []string{"hello", "hi there"}},
	}, []Entity{{Name: "city", Values: []EntityValue{
		{Canonical: "Barcelona", Synonyms: []string{"BCN", "barna"}},
		{Canonical: "Madrid"},
		{Canonical: "New York", Synonyms: []string{"NYC", "the big apple"}},
		{Canonical: "York"},
		{Canonical: "Luxembourg", Synonyms: []string{"LUX"}},
	}}}, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func score(s Classifier, text, intent string) float64 {
	for _, sc := range s.Classify(text, []string{intent}) {
		return sc.Score
	}
	return -1
}

func TestScores(t *testing.T) {
	s := weather(t)
	tests := []struct {
		text     string
		min, max float64
	}{
		{"what is the weather in BCN?", 1, 1},   // synonym for the placeholder: exact
		{"What is the weather in Madrid", 1, 1}, // case and punctuation do not matter
		{"weather in the big apple", 1, 1},      // multi-word synonym
		{"weather in Paris", 0.4, 0.99},         // unknown city: understood, not exact
		{"weather", 0.4, 0.99},
		{"the quick brown fox jumps", 0, 0.39},
		{"", 0, 0},
		{"in", 0, 0.39},
	}
	for _, tt := range tests {
		if got := score(s, tt.text, "weather"); got < tt.min || got > tt.max {
			t.Errorf("score(%q) = %.3f, want in [%.2f, %.2f]", tt.text, got, tt.min, tt.max)
		}
	}
}

func TestExactMatchScoresOne(t *testing.T) {
	for _, stem := range []bool{true, false} {
		s, err := NewScorer([]Intent{{Name: "help", Sentences: []string{"I need help", "What can you do?"}}}, nil, Options{Language: "en", Stemming: stem})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"i NEED help!", "what can you do"} {
			if got := score(s, text, "help"); got != 1 {
				t.Errorf("stem=%v: score(%q) = %v, want 1", stem, text, got)
			}
		}
	}
}

func TestStemmingMatchesInflections(t *testing.T) {
	intents := []Intent{{Name: "book", Sentences: []string{"book a flight"}}}
	stemmed, _ := NewScorer(intents, nil, Options{Language: "en", Stemming: true})
	plain, _ := NewScorer(intents, nil, Options{Language: "en", Stemming: false})
	// book (1) and flight (1) match, "a" (a stop word, 1/4) does not.
	if got, want := score(stemmed, "booking flights", "book"), 4/4.25; got != want {
		t.Errorf("stemmed score = %v, want %v", got, want)
	}
	if got := score(plain, "booking flights", "book"); got != 0 {
		t.Errorf("unstemmed score = %v, want 0", got)
	}
}

func TestClassifyOrder(t *testing.T) {
	s, err := NewScorer([]Intent{
		{Name: "chart", Sentences: []string{"chart", "show me a chart"}},
		{Name: "bars", Sentences: []string{"bar chart", "compare revenue"}},
		{Name: "a", Sentences: []string{"same"}},
		{Name: "b", Sentences: []string{"same"}},
	}, nil, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	best := func(text string, cands ...string) string { return s.Classify(text, cands)[0].Intent }
	if got := best("bar chart", "chart", "bars"); got != "bars" {
		t.Errorf("bar chart -> %s", got)
	}
	if got := best("chart", "bars", "chart"); got != "chart" {
		t.Errorf("chart -> %s", got)
	}
	if got := best("same", "b", "a"); got != "b" {
		t.Errorf("tie -> %s, want the first candidate", got)
	}
	got := s.Classify("chart", []string{"bars", "unknown", "chart"})
	// "chart" is used by two intents: it weighs 1/2 in "bar chart".
	want := []Score{{"chart", 1}, {"bars", 0.5}, {"unknown", 0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Classify = %v, want %v", got, want)
	}
}

func TestExtractCustomEntities(t *testing.T) {
	s := weather(t)
	tests := []struct{ text, want string }{
		{"what is the weather in BCN?", "Barcelona"},
		{"weather in barna", "Barcelona"},
		{"WEATHER IN madrid", "Madrid"},
		{"weather in Paris", ""},
		{"weather in new york", "New York"}, // longest first: not York
		{"weather in York", "York"},
		{"weather in the big apple", "New York"},
		{"weather in bcnx", ""},                 // word boundaries
		{"weather in luxembourg", "Luxembourg"}, // not LUX inside it
		{"weather in BCN.", "Barcelona"},
	}
	for _, tt := range tests {
		got := s.Extract("weather", tt.text)
		want := []Value{{"city1", tt.want}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Extract(%q) = %v, want %v", tt.text, got, want)
		}
	}
	if got := s.Extract("hello", "hi"); got != nil {
		t.Errorf("Extract of an intent without params = %v", got)
	}
}

func TestTwoParamsOfOneEntity(t *testing.T) {
	s, err := NewScorer([]Intent{{
		Name:      "trip",
		Sentences: []string{"from {from} to {to}", "to {to} from {from}"},
		Params:    []Param{{"from", "city"}, {"to", "city"}},
	}}, []Entity{{Name: "city", Values: []EntityValue{{Canonical: "Barcelona", Synonyms: []string{"BCN"}}, {Canonical: "Madrid"}}}}, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]Value{
		"from BCN to madrid":   {{"from", "Barcelona"}, {"to", "Madrid"}},
		"to madrid from BCN":   {{"from", "Barcelona"}, {"to", "Madrid"}},
		"from madrid":          {{"from", "Madrid"}, {"to", ""}},
		"madrid and barcelona": {{"from", "Madrid"}, {"to", "Barcelona"}},
	} {
		if got := s.Extract("trip", text); !reflect.DeepEqual(got, want) {
			t.Errorf("Extract(%q) = %v, want %v", text, got, want)
		}
	}
	if got := score(s, "to madrid from BCN", "trip"); got != 1 {
		t.Errorf("score = %v", got)
	}
}

func TestBuiltinEntities(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC) }
	s, err := NewScorer([]Intent{
		{Name: "buy", Sentences: []string{"buy {n} apples", "I want {n}"}, Params: []Param{{"n", "number"}}},
		{Name: "book", Sentences: []string{"book a table for {day}"}, Params: []Param{{"day", "datetime"}}},
		{Name: "name", Sentences: []string{"my name is {name}", "call me {name} please"}, Params: []Param{{"name", "any"}}},
	}, nil, Options{Language: "en", Stemming: true, Now: now, Location: time.FixedZone("UTC+1", 3600)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		intent, text string
		want         any
		score        float64
	}{
		{"buy", "buy 12 apples", 12.0, 1},
		{"buy", "buy -3.5 apples", -3.5, 1},
		{"buy", "buy twelve apples", 12.0, 1},
		{"buy", "I want 7!", 7.0, 1},
		{"buy", "buy apples", 0.0, -1},
		{"buy", "buy a12 apples", 0.0, -1}, // not a number on its own
		{"book", "book a table for 2026-12-01", "2026-12-01", 1},
		{"book", "book a table for tomorrow", "2026-11-28", 1}, // 00:30 on the 27th in UTC+1
		{"book", "book a table for Today", "2026-11-27", 1},
		{"book", "book a table for 2026-13-01", "", -1}, // not a date
		{"book", "book a table", "", -1},
		{"name", "my name is Ada Lovelace", "Ada Lovelace", 1},
		{"name", "call me Linus, please", "Linus", 1},
		{"name", "my name is", "", -1},
	}
	for _, tt := range tests {
		got := s.Extract(tt.intent, tt.text)
		if len(got) != 1 || got[0].Value != tt.want {
			t.Errorf("Extract(%s, %q) = %v, want %v", tt.intent, tt.text, got, tt.want)
		}
		if sc := score(s, tt.text, tt.intent); tt.score >= 0 && sc != tt.score {
			t.Errorf("score(%s, %q) = %v, want %v", tt.intent, tt.text, sc, tt.score)
		}
	}
}

func TestNewScorerErrors(t *testing.T) {
	_, err := NewScorer([]Intent{
		{Name: "a", Sentences: []string{"x {p}"}, Params: []Param{{"p", "colour"}}},
		{Name: "b", Sentences: []string{"y {q}"}},
		{Name: "b"},
	}, nil, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"colour", "{q}", "intent b declared twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func ExampleScorer() {
	s, _ := NewScorer([]Intent{{
		Name:      "weather",
		Sentences: []string{"what is the weather in {city1}?", "weather in {city1}"},
		Params:    []Param{{Name: "city1", Entity: "city"}},
	}}, []Entity{{Name: "city", Values: []EntityValue{{Canonical: "Barcelona", Synonyms: []string{"BCN", "barna"}}}}},
		Options{Language: "en", Stemming: true})
	for _, text := range []string{"what is the weather in BCN?", "weather in Paris"} {
		sc := s.Classify(text, []string{"weather"})[0]
		fmt.Printf("%s: %.2f %v\n", text, sc.Score, s.Extract(sc.Intent, text))
	}
	// Output:
	// what is the weather in BCN?: 1.00 [{city1 Barcelona}]
	// weather in Paris: 0.56 [{city1 }]
}

// A huge message is read up to maxTokens words, quickly, and scores low.
func TestLongMessage(t *testing.T) {
	s := weather(t)
	text := "weather in BCN " + strings.Repeat("lorem ipsum dolor sit amet ", 200000)
	start := time.Now()
	sc := score(s, text, "weather")
	vals := s.Extract("weather", text)
	if sc >= 0.1 || vals[0].Value != "Barcelona" {
		t.Fatalf("score %v, values %v", sc, vals)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

// TestLongMessagesCostTheirLength: a message of one huge word, or of
// nothing but punctuation, costs work in proportion to its length, not to
// its square (a 64 KiB word took 15 s and gigabytes before words were cut
// and the speller skipped words longer than any it knows).
func TestLongMessagesCostTheirLength(t *testing.T) {
	m, err := Train([]Intent{{Name: "weather", Sentences: []string{"what is the weather", "weather forecast please"}}, {Name: "hello", Sentences: []string{"hello there"}}}, nil, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Classifier{weather(t), m} {
		for _, text := range []string{strings.Repeat("x", 1<<20), strings.Repeat("weathr", 1<<17), strings.Repeat("é. ", 1<<18)} {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			score(s, text, "weather")
			runtime.ReadMemStats(&after)
			if n := after.TotalAlloc - before.TotalAlloc; n > 4*uint64(len(text)) {
				t.Errorf("%T: a %d-byte message (%.8q…) allocated %d bytes", s, len(text), text, n)
			}
		}
	}
}
