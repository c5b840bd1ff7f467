package nlu

import (
	"testing"
)

// TestMeaningsTeachSmallBots: a bot that lists a few ways to say something
// also hears the common ways it was not given, in each language; a message
// with such a word still falls back where no intent has that meaning.
func TestMeaningsTeachSmallBots(t *testing.T) {
	cases := []struct {
		lang    string
		intents []Intent
		heard   map[string]string // message -> intent
	}{
		{"en", []Intent{
			{Name: "hello", Sentences: []string{"hello", "hi"}},
			{Name: "yes", Sentences: []string{"yes", "sure"}},
			{Name: "no", Sentences: []string{"no", "nope"}},
			{Name: "thanks", Sentences: []string{"thank you"}},
			{Name: "howareyou", Sentences: []string{"how are you?"}},
			{Name: "weather", Sentences: []string{"what is the weather like", "will it rain tomorrow"}},
		}, map[string]string{"hey": "hello", "good morning": "hello", "yeah": "yes", "of course": "yes", "nah": "no", "thx": "thanks", "cheers": "thanks", "how's it going": "howareyou", "what's up": "howareyou"}},
		{"es", []Intent{
			{Name: "saludo", Sentences: []string{"hola"}},
			{Name: "gracias", Sentences: []string{"gracias"}},
			{Name: "tiempo", Sentences: []string{"qué tiempo hace", "va a llover mañana"}},
		}, map[string]string{"buenos días": "saludo", "buenas": "saludo", "muchas gracias": "gracias"}},
		{"fr", []Intent{{Name: "salut", Sentences: []string{"bonjour"}}, {Name: "meteo", Sentences: []string{"quel temps fait il"}}}, map[string]string{"coucou": "salut", "bonsoir": "salut"}},
		{"de", []Intent{{Name: "ja", Sentences: []string{"ja"}}, {Name: "wetter", Sentences: []string{"wie wird das wetter"}}}, map[string]string{"genau": "ja", "natürlich": "ja"}},
		{"it", []Intent{{Name: "ciao", Sentences: []string{"ciao"}}, {Name: "meteo", Sentences: []string{"che tempo fa"}}}, map[string]string{"buongiorno": "ciao", "salve": "ciao"}},
		{"pt", []Intent{{Name: "obrigado", Sentences: []string{"obrigado"}}, {Name: "tempo", Sentences: []string{"como está o tempo"}}}, map[string]string{"valeu": "obrigado", "muito obrigada": "obrigado"}},
	}
	for _, c := range cases {
		m, err := Train(c.intents, nil, Options{Language: c.lang, Stemming: true})
		if err != nil {
			t.Fatal(err)
		}
		for msg, want := range c.heard {
			if s := m.Classify(msg, m.Intents())[0]; s.Intent != want || s.Score < 0.4 {
				t.Errorf("%s %q: %s %.2f, want %s at 0.4 or more", c.lang, msg, s.Intent, s.Score, want)
			}
		}
	}
	// Where no intent has the meaning, the word is no reason to match.
	m, err := Train([]Intent{{Name: "weather", Sentences: []string{"what is the weather like", "will it rain tomorrow"}}}, nil, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"hey", "thanks", "yeah sure"} {
		if s := m.Classify(msg, []string{"weather"})[0]; s.Score >= 0.4 {
			t.Errorf("%q scores %.2f for weather, want below 0.4", msg, s.Score)
		}
	}
}

func TestMarkMeanings(t *testing.T) {
	n := newNormalizer("en", true)
	toks := n.tokens("Good morning, I feel good. See you!", 0)
	var got []string
	for _, tk := range toks {
		got = append(got, tk.word+"="+tk.meaning)
	}
	want := []string{"good=greet", "morning=", "i=", "feel=", "good=good", "see=bye", "you="}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("token %d: %s, want %s", i, got[i], want[i])
		}
	}
	for lang, lex := range meanings {
		if len(lex) < 30 {
			t.Errorf("%s: only %d words and phrases", lang, len(lex))
		}
	}
}
