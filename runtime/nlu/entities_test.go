package nlu

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// extractOne trains a one-intent model with a param of entity and returns
// what it extracts from text. Now is Thursday 2026-11-26 10:00 in Madrid.
func extractOne(t *testing.T, lang, entity, text string, entities ...Entity) any {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Skip(err)
	}
	m, err := Train([]Intent{{Name: "x", Sentences: []string{"value {v}"}, Params: []Param{{"v", entity}}}}, entities,
		Options{Language: lang, Stemming: true, Location: loc, Now: func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, loc) }})
	if err != nil {
		t.Fatal(err)
	}
	return m.Extract("x", text)[0].Value
}

func TestNumberPhrasings(t *testing.T) {
	tests := []struct {
		lang, text string
		want       float64
	}{
		{"en", "I want 3 of them", 3},
		{"en", "set it to -2.5 degrees", -2.5},
		{"en", "twenty one people", 21},
		{"en", "twenty-one people", 21},
		{"en", "two hundred and five", 205},
		{"en", "a hundred", 100},
		{"en", "three thousand four hundred", 3400},
		{"en", "seven", 7},
		{"es", "veintitrés personas", 23},
		{"es", "treinta y dos", 32},
		{"es", "doscientos cinco", 205},
		{"fr", "quatre-vingt-dix", 90},
		{"fr", "vingt et un", 21},
		{"de", "einundzwanzig Leute", 21},
		{"de", "zweihundert", 200},
		{"it", "ventitré", 23},
		{"pt", "trinta e dois", 32},
	}
	for _, tt := range tests {
		if got := extractOne(t, tt.lang, EntityNumber, tt.text); got != tt.want {
			t.Errorf("%s %q: number = %v, want %v", tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestDatetimePhrasings(t *testing.T) {
	tests := []struct {
		lang, text, want string
	}{
		{"en", "tomorrow", "2026-11-27"},
		{"en", "today please", "2026-11-26"},
		{"en", "yesterday", "2026-11-25"},
		{"en", "on 2026-12-01", "2026-12-01"},
		{"en", "next monday", "2026-11-30"},
		{"en", "friday", "2026-11-27"},
		{"en", "next thursday", "2026-12-03"},
		{"en", "tomorrow at 5pm", "2026-11-27T17:00:00+01:00"},
		{"en", "at 5pm tomorrow", "2026-11-27T17:00:00+01:00"},
		{"en", "next monday at 10:30", "2026-11-30T10:30:00+01:00"},
		{"en", "at 9am", "2026-11-27T09:00:00+01:00"}, // 9am has passed today
		{"en", "at 17:45", "2026-11-26T17:45:00+01:00"},
		{"en", "in 3 days", "2026-11-29"},
		{"en", "in two weeks", "2026-12-10"},
		{"en", "2 days ago", "2026-11-24"},
		{"en", "december 25", "2026-12-25"},
		{"en", "1st of march", "2027-03-01"},
		{"en", "5 january 2027", "2027-01-05"},
		{"es", "mañana a las 17:00", "2026-11-27T17:00:00+01:00"},
		{"es", "el próximo lunes", "2026-11-30"},
		{"fr", "demain", "2026-11-27"},
		{"fr", "lundi prochain", "2026-11-30"},
		{"de", "morgen um 17 Uhr", "2026-11-27T17:00:00+01:00"},
		{"it", "domani", "2026-11-27"},
		{"pt", "amanhã", "2026-11-27"},
	}
	for _, tt := range tests {
		if got := extractOne(t, tt.lang, EntityDatetime, tt.text); got != tt.want {
			t.Errorf("%s %q: datetime = %v, want %v", tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestRegexEntity(t *testing.T) {
	zip := Entity{Name: "zip", Regex: `[0-9]{5}`}
	for text, want := range map[string]string{
		"my zip is 08001":      "08001",
		"08001":                "08001",
		"zip 123456 is wrong":  "",
		"no zip here":          "",
		"codes 28013 or 08001": "28013",
	} {
		if got := extractOne(t, "en", "zip", text, zip); got != want {
			t.Errorf("%q: zip = %q, want %q", text, got, want)
		}
	}
	if _, err := Train([]Intent{{Name: "x", Sentences: []string{"{v}"}, Params: []Param{{"v", "bad"}}}},
		[]Entity{{Name: "bad", Regex: "[0-9"}}, Options{Language: "en"}); err == nil {
		t.Error("an invalid regex trains")
	}
}

func TestFuzzyEntity(t *testing.T) {
	city := func(fuzzy bool) Entity {
		return Entity{Name: "city", Fuzzy: fuzzy, Values: []EntityValue{
			{Canonical: "Barcelona", Synonyms: []string{"BCN"}}, {Canonical: "Madrid"}, {Canonical: "New York"},
		}}
	}
	for text, want := range map[string]string{
		"weather in Barcelonna": "Barcelona",
		"weather in Brcelona":   "Barcelona",
		"weather in Madird":     "Madrid",
		"weather in new yrok":   "New York",
		"weather in BCM":        "", // short words must be exact
		"weather in Paris":      "",
	} {
		if got := extractOne(t, "en", "city", text, city(true)); got != want {
			t.Errorf("fuzzy %q: city = %q, want %q", text, got, want)
		}
	}
	if got := extractOne(t, "en", "city", "weather in Barcelonna", city(false)); got != "" {
		t.Errorf("not fuzzy: city = %q, want none", got)
	}
}

// A {param} of a regex entity is trained with texts its regex matches.
func TestRegexSamplesMatch(t *testing.T) {
	for _, expr := range []string{`\+?[0-9]{9,12}`, `[0-9]{5}`, `[A-Z]{2}-[0-9]+`, `(foo|bar)baz`, `[a-z]+@[a-z]+\.com`, `x*y?z`, `\d{3}(-\d{2})?`} {
		re := regexp.MustCompile(`^(?:` + expr + `)$`)
		got := regexSamples(expr, 4)
		if len(got) == 0 {
			t.Errorf("%s: no sample", expr)
		}
		for _, s := range got {
			if !re.MatchString(s) {
				t.Errorf("%s: sample %q does not match", expr, s)
			}
		}
	}
}

func TestAnyPhrasings(t *testing.T) {
	m, err := Train([]Intent{{Name: "name", Sentences: []string{"call me {who}", "my name is {who}", "I am {who} nice to meet you"},
		Params: []Param{{"who", EntityAny}}}}, nil, Options{Language: "en", Stemming: true})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"call me Ada Lovelace":                "Ada Lovelace",
		"My name is Grace":                    "Grace",
		"I am Alan Turing, nice to meet you!": "Alan Turing",
	} {
		if got := m.Extract("name", text)[0].Value; got != want {
			t.Errorf("%q: any = %q, want %q", text, got, want)
		}
	}
}

// manyValues returns a fuzzy entity "v" with the values value1..value<n>, in
// declaration order or reversed.
func manyValues(n int, reversed bool) Entity {
	e := Entity{Name: "v", Fuzzy: true, Values: make([]EntityValue, n)}
	for i := range n {
		k := i + 1
		if reversed {
			k = n - i
		}
		e.Values[i] = EntityValue{Canonical: "value" + strconv.Itoa(k)}
	}
	return e
}

// scorerExtract returns what a one-intent scorer with a param of entity e
// extracts from text.
func scorerExtract(t testing.TB, e Entity, text string) any {
	t.Helper()
	s, err := NewScorer([]Intent{{Name: "x", Sentences: []string{"show {v}"}, Params: []Param{{"v", e.Name}}}},
		[]Entity{e}, Options{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	return s.Extract("x", text)[0].Value
}

// A value the message gives exactly wins over every value it is a typo of,
// however many values the entity has and in whatever order.
func TestExactEntityValueBeatsFuzzy(t *testing.T) {
	for _, reversed := range []bool{false, true} {
		e := manyValues(2000, reversed)
		for _, want := range []string{"value1", "value12", "value100", "value120", "value999", "value1000", "value1002", "value2000"} {
			if got := scorerExtract(t, e, "show "+want+" please"); got != want {
				t.Errorf("reversed %v: %q = %q, want %q", reversed, want, got, want)
			}
		}
		// A typo still finds its value when none is written exactly, the
		// one fewest edits away first, then the first declared.
		first := "value12" // value12x is one edit from value12 and value120..value129
		if reversed {
			first = "value129"
		}
		for text, want := range map[string]string{
			"show valeu12":   "value12", // value120 is two edits away
			"show value12x":  first,
			"show vlaue2000": "value2000", // value1000 is two edits away
		} {
			if got := scorerExtract(t, e, text); got != want {
				t.Errorf("reversed %v: %q = %q, want %q", reversed, text, got, want)
			}
		}
	}

	// An exact synonym wins over a value it is a typo of.
	us := Entity{Name: "v", Fuzzy: true, Values: []EntityValue{
		{Canonical: "Americana"},
		{Canonical: "United States", Synonyms: []string{"America", "USA"}},
	}}
	for text, want := range map[string]string{
		"show america":   "United States",
		"show americana": "Americana",
		"show amercana":  "Americana",
		"show usa":       "United States",
	} {
		if got := scorerExtract(t, us, text); got != want {
			t.Errorf("%q = %q, want %q", text, got, want)
		}
	}

	// Among exact matches the longest still wins.
	york := Entity{Name: "v", Fuzzy: true, Values: []EntityValue{
		{Canonical: "York"}, {Canonical: "New York", Synonyms: []string{"NYC"}}, {Canonical: "Yorkshire"},
	}}
	for text, want := range map[string]string{
		"show new york":  "New York",
		"show york":      "York",
		"show yorkshire": "Yorkshire",
		"show new yrok":  "New York",
		"show yorkshir":  "Yorkshire",
	} {
		if got := scorerExtract(t, york, text); got != want {
			t.Errorf("%q = %q, want %q", text, got, want)
		}
	}
}

// BenchmarkExtractFuzzy2000 measures extracting a param of a fuzzy entity of
// 2,000 values from a message that gives a value exactly, with a typo, or
// not at all.
func BenchmarkExtractFuzzy2000(b *testing.B) {
	e := manyValues(2000, false)
	s, err := NewScorer([]Intent{{Name: "x", Sentences: []string{"show {v}"}, Params: []Param{{"v", e.Name}}}},
		[]Entity{e}, Options{Language: "en"})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, text string }{
		{"exact", "please show me value12 on the screen"},
		{"typo", "please show me valeu12 on the screen"},
		{"none", "please show me something on the screen"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				s.Extract("x", bc.text)
			}
		})
	}
}

// The trie of a fuzzy entity finds exactly the words near() accepts, at the
// same distance.
func TestFuzzyIndexAgreesWithNear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		r := make([]rune, n)
		for i := range r {
			r[i] = []rune("abcé")[rng.IntN(4)]
		}
		return string(r)
	}
	var ps []pattern
	for range 300 {
		ps = append(ps, pattern{words: []string{word(1 + rng.IntN(10))}})
	}
	x := newFuzzyIndex(ps)
	var buf []int
	for range 2000 {
		q := word(rng.IntN(12))
		got := map[string]int{}
		buf = x.lookup([]rune(q), buf, func(w int32, edits int) {
			got[ps[x.byWord[w][0]].words[0]] = edits
		})
		for _, p := range ps {
			w := p.words[0]
			e, ok := near(q, w)
			if g, found := got[w]; ok != found || (ok && g != e) {
				t.Fatalf("%q ~ %q: near %d %v, trie %d %v", q, w, e, ok, g, found)
			}
		}
	}
}
