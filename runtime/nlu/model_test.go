package nlu

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

var weatherIntents = []Intent{
	{Name: "weather", Sentences: []string{"what is the weather in {city1}?", "weather in {city1}", "will it rain in {city1} tomorrow"}, Params: []Param{{"city1", "city"}}},
	{Name: "hello", Sentences: []string{"hello", "hi there", "good morning"}},
	{Name: "bye", Sentences: []string{"bye", "goodbye", "see you later"}},
}

var cityEntity = []Entity{{Name: "city", Values: []EntityValue{
	{Canonical: "Barcelona", Synonyms: []string{"BCN", "barna"}},
	{Canonical: "Madrid"},
	{Canonical: "New York", Synonyms: []string{"NYC"}},
}}}

func trainWeather(t *testing.T) *Model {
	t.Helper()
	m, err := Train(weatherIntents, cityEntity, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func modelScore(m *Model, text, intent string) float64 {
	return m.Classify(text, []string{intent})[0].Score
}

func TestModelExactMatchScoresOne(t *testing.T) {
	m := trainWeather(t)
	for text, intent := range map[string]string{
		"hello":                       "hello",
		"Hi there!":                   "hello",
		"GOODBYE":                     "bye",
		"what is the weather in BCN?": "weather", // a synonym in the placeholder
		"weather in new york":         "weather",
		"Weather in Madrid":           "weather",
	} {
		if got := modelScore(m, text, intent); got != 1 {
			t.Errorf("%q: %s scores %.4f, want 1", text, intent, got)
		}
	}
	if got := modelScore(m, "weather in Paris", "weather"); got == 1 || got < 0.4 {
		t.Errorf("weather in Paris: %.4f, want understood but not exact", got)
	}
}

// A state listening to a single intent must not take an unrelated message
// for it: scores are absolute, not shares of the candidates.
func TestModelUnrelatedFallsBelowThreshold(t *testing.T) {
	m := trainWeather(t)
	for _, text := range []string{
		"the quick brown fox jumps over the lazy dog",
		"I like turtles",
		"asdf qwerty zxcv",
		"my cat ate my homework",
		"please order a pizza with extra cheese",
		"42",
		"",
	} {
		for _, intent := range []string{"weather", "hello", "bye"} {
			if got := modelScore(m, text, intent); got >= 0.4 {
				t.Errorf("%q alone in a state of %s scores %.4f, want < 0.4", text, intent, got)
			}
		}
	}
	for text, intent := range map[string]string{
		"how is the weather in Paris":  "weather",
		"will it rain tomorrow":        "weather",
		"hello bot":                    "hello",
		"good morning to you":          "hello",
		"bye bye":                      "bye",
		"see you":                      "bye",
		"what's the weather like in X": "weather",
	} {
		if got := modelScore(m, text, intent); got < 0.4 {
			t.Errorf("%q: %s scores %.4f, want >= 0.4", text, intent, got)
		}
	}
}

func TestModelTypos(t *testing.T) {
	m := trainWeather(t)
	for text, intent := range map[string]string{
		"helo":               "hello",
		"helloo":             "hello",
		"goodbey":            "bye",
		"wheather in Madrid": "weather",
		"weahter in BCN":     "weather",
	} {
		s := m.Classify(text, m.Intents())
		if s[0].Intent != intent || s[0].Score < 0.4 || s[0].Score == 1 {
			t.Errorf("%q: best %s %.4f, want %s in [0.4, 1)", text, s[0].Intent, s[0].Score, intent)
		}
	}
}

func TestModelDeterministic(t *testing.T) {
	a, b := trainWeather(t), trainWeather(t)
	da, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := b.MarshalBinary()
	if !bytes.Equal(da, db) {
		t.Fatal("two trainings of the same input give different model bytes")
	}
	loaded, err := LoadModel(da, weatherIntents, cityEntity, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := loaded.MarshalBinary()
	if !bytes.Equal(da, again) {
		t.Fatal("a loaded model marshals to other bytes")
	}
	for _, text := range []string{"hello", "weather in Paris", "what", "asdf", "see you tomorrow"} {
		x, y := a.Classify(text, a.Intents()), loaded.Classify(text, a.Intents())
		for i := range x {
			if x[i] != y[i] {
				t.Errorf("%q: trained %v, loaded %v", text, x, y)
				break
			}
		}
	}
}

func TestLoadModelErrors(t *testing.T) {
	m := trainWeather(t)
	data, _ := m.MarshalBinary()
	opts := Options{Language: "en", Stemming: true}
	other := append([]Intent{}, weatherIntents...)
	other[1] = Intent{Name: "hello", Sentences: []string{"hey"}}
	if _, err := LoadModel(data, other, cityEntity, opts); !errors.Is(err, ErrModelMismatch) {
		t.Errorf("other sentences: %v, want ErrModelMismatch", err)
	}
	if _, err := LoadModel(data, weatherIntents, cityEntity, Options{Language: "en"}); !errors.Is(err, ErrModelMismatch) {
		t.Errorf("stemming off: %v, want ErrModelMismatch", err)
	}
	for _, n := range []int{0, 3, 10, 40, len(data) / 2, len(data) - 1} {
		if _, err := LoadModel(data[:n], weatherIntents, cityEntity, opts); err == nil {
			t.Errorf("a model cut to %d bytes loads", n)
		}
	}
	bad := bytes.Clone(data)
	bad[len(magic)] = 99 // version
	if _, err := LoadModel(bad, weatherIntents, cityEntity, opts); err == nil {
		t.Error("an unknown format version loads")
	}
}

func TestModelLanguages(t *testing.T) {
	for lang, in := range map[string][2][]string{
		"es": {{"quiero reservar una mesa", "reserva para dos personas"}, {"reservaría una mesa para cuatro", "las flores del jardín"}},
		"fr": {{"je voudrais réserver une table", "réservation pour deux personnes"}, {"je réserverais une table", "les fleurs du jardin"}},
		"de": {{"ich möchte einen tisch reservieren", "reservierung für zwei personen"}, {"ich reserviere tische", "die blumen im garten"}},
		"it": {{"vorrei prenotare un tavolo", "prenotazione per due persone"}, {"prenoterei dei tavoli", "i fiori del giardino"}},
		"pt": {{"quero reservar uma mesa", "reserva para duas pessoas"}, {"reservaria mesas", "as flores do jardim"}},
	} {
		m, err := Train([]Intent{{Name: "book", Sentences: in[0]}, {Name: "other", Sentences: []string{"hola", "bonjour", "hallo", "ciao", "olá"}}}, nil, Options{Language: lang, Stemming: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := modelScore(m, in[1][0], "book"); got < 0.4 {
			t.Errorf("%s %q: book scores %.4f, want >= 0.4", lang, in[1][0], got)
		}
		if got := modelScore(m, in[1][1], "book"); got >= 0.4 {
			t.Errorf("%s %q: book scores %.4f, want < 0.4", lang, in[1][1], got)
		}
	}
}

// Explain names features by rebuilding them; the names must stay in step
// with the features.
func TestFeatureNamesInStep(t *testing.T) {
	for _, text := range []string{"hello", "call +34600111222 at 7am", "Ñandú corriendo", "東京 tower",
		"a supercalifragilisticexpialidociouslylongwordthatgoesonandon x", "2.5 kg", ""} {
		toks := newNormalizer("en", true).tokens(text, maxTokens)
		if f, n := len(appendFeatures(nil, toks)), len(featureNames(toks)); f != n {
			t.Errorf("%q: %d features, %d names", text, f, n)
		}
	}
	m := trainWeather(t)
	ex := m.Explain("weather in 08001 please", "weather", 5)
	if len(ex) != 5 || !slices.ContainsFunc(ex, func(c Contribution) bool { return c.Feature == "word weather" && c.Weight > 0 }) {
		t.Errorf("Explain: %v", ex)
	}
}

// The multinomial part is trained on large corpora only; this forces it on
// the small weather bot to check that it keeps the model's promises:
// deterministic bytes, a loaded model that predicts as the trained one,
// exact matches at 1 and unrelated messages under the threshold in a state
// of a single intent.
func TestModelMultinomialPart(t *testing.T) {
	hp := defaultHyper()
	hp.largeFrom = 0
	opts := Options{Language: "en", Stemming: true}
	a, err := train(weatherIntents, cityEntity, opts, hp)
	if err != nil {
		t.Fatal(err)
	}
	if a.cols != 2*len(weatherIntents)+1 {
		t.Fatalf("%d columns, want %d", a.cols, 2*len(weatherIntents)+1)
	}
	b, _ := train(weatherIntents, cityEntity, opts, hp)
	da, _ := a.MarshalBinary()
	db, _ := b.MarshalBinary()
	if !bytes.Equal(da, db) {
		t.Fatal("two trainings of the same input give different model bytes")
	}
	loaded, err := LoadModel(da, weatherIntents, cityEntity, opts)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := loaded.MarshalBinary(); !bytes.Equal(da, again) {
		t.Fatal("a loaded model marshals to other bytes")
	}
	for _, text := range []string{"hello", "weather in Paris", "what", "asdf", "see you tomorrow"} {
		if x, y := a.Classify(text, a.Intents()), loaded.Classify(text, a.Intents()); !slices.Equal(x, y) {
			t.Errorf("%q: trained %v, loaded %v", text, x, y)
		}
	}
	if got := modelScore(a, "hi there", "hello"); got != 1 {
		t.Errorf("exact match scores %.4f, want 1", got)
	}
	for _, text := range []string{"the quick brown fox jumps over the lazy dog", "I like turtles", "asdf qwerty zxcv", "please order a pizza with extra cheese"} {
		for _, intent := range a.Intents() {
			if got := modelScore(a, text, intent); got >= 0.4 {
				t.Errorf("%q alone in a state of %s scores %.4f, want < 0.4", text, intent, got)
			}
		}
	}
	for text, intent := range map[string]string{"how is the weather in Paris": "weather", "hello bot": "hello", "bye bye": "bye"} {
		if got := modelScore(a, text, intent); got < 0.4 {
			t.Errorf("%q: %s scores %.4f, want >= 0.4", text, intent, got)
		}
	}
}

// TestUnderstandIsClassifyThenExtract: the one reading of a turn gives what
// Classify's best candidate and Extract give, for the model and the matcher.
func TestUnderstandIsClassifyThenExtract(t *testing.T) {
	intents := append(slices.Clone(weatherIntents),
		Intent{Name: "buy", Sentences: []string{"buy {n} apples", "I want {n}"}, Params: []Param{{"n", EntityNumber}}},
		Intent{Name: "name", Sentences: []string{"my name is {name}", "call me {name} please"}, Params: []Param{{"name", EntityAny}}},
		Intent{Name: "trip", Sentences: []string{"from {from} to {to} on {day}"}, Params: []Param{{"from", "city"}, {"to", "city"}, {"day", EntityDatetime}}},
	)
	opts := Options{Language: "en", Stemming: true, Now: func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }}
	m, err := Train(intents, cityEntity, opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScorer(intents, cityEntity, opts)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"", "?!", "hello", "helo there", "weather in BCN", "what is the wheather in new york?", "buy 12 apples",
		"I want twenty", "my name is Ada Lovelace", "from madrid to barna on friday", "from nyc to bcn tomorrow at 5pm", "bye madrid"}
	candidates := [][]string{nil, {"weather"}, {"hello", "bye"}, {"unknown", "buy", "name"}, {"trip", "weather", "hello", "buy", "name", "bye"}}
	for _, c := range []Classifier{m, s} {
		for _, text := range texts {
			for _, cands := range candidates {
				for _, threshold := range []float64{0, 0.4, 0.99} {
					var want Understanding
					if scores := c.Classify(text, cands); len(scores) > 0 {
						want.Best = scores[0]
						want.Understood = want.Best.Score > 0 && want.Best.Score >= threshold
						if want.Understood {
							want.Values = c.Extract(want.Best.Intent, text)
						}
					}
					if got := c.Understand(text, cands, threshold); !reflect.DeepEqual(got, want) {
						t.Errorf("%T.Understand(%q, %q, %g) = %+v, want %+v", c, text, cands, threshold, got, want)
					}
				}
			}
		}
	}
}
