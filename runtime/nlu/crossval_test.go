package nlu

import (
	"strings"
	"testing"
)

func TestCrossValidate(t *testing.T) {
	intents := []Intent{
		{Name: "weather", Sentences: []string{"what is the weather in {city}", "weather forecast for {city}", "will it rain in {city} tomorrow", "is it sunny in {city}"}, Params: []Param{{Name: "city", Entity: "city"}}},
		{Name: "book", Sentences: []string{"book a table for two", "reserve a table tonight", "I want to book a table"}},
		{Name: "alone", Sentences: []string{"the only sentence"}},
	}
	entities := []Entity{{Name: "city", Values: []EntityValue{{Canonical: "Paris"}, {Canonical: "Rome"}}}}
	held, err := CrossValidate(intents, entities, Options{Language: "en", Stemming: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 7 {
		t.Fatalf("%d sentences held out, want 7 (the single sentence of alone is not)", len(held))
	}
	for _, h := range held {
		if h.Intent == "alone" {
			t.Errorf("the only sentence of an intent was held out: %+v", h)
		}
		if strings.Contains(h.Text, "{") {
			t.Errorf("placeholder not filled: %+v", h)
		}
		// These sentences share their words with the others of their
		// intent: each is read right with the others trained.
		if h.Got != h.Intent {
			t.Errorf("%q read as %s (%.2f), want %s", h.Sentence, h.Got, h.Score, h.Intent)
		}
	}
	if held[0].Sentence != "what is the weather in {city}" || !strings.HasPrefix(held[0].Text, "what is the weather in ") {
		t.Errorf("first result %+v, want the bot's order", held[0])
	}
	if _, err := CrossValidate(intents, entities, Options{Language: "en"}, 1); err == nil {
		t.Error("one fold accepted")
	}
}
