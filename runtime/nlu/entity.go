package nlu

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The built-in entities.
const (
	EntityNumber   = "number"
	EntityDatetime = "datetime"
	EntityAny      = "any"
)

// pattern is one way of writing an entity value: the lower-cased words of a
// canonical value or of a synonym.
type pattern struct {
	entity string
	value  string // canonical value
	words  []string
	chars  int // length in bytes, to order patterns of equal word count
}

// mention is an entity value found in a message: tokens [from, to) of the
// message, with every entity that reads them that way (usually one).
type mention struct {
	from, to int
	alts     []entityValue
}

type entityValue struct {
	entity string
	value  any // string, or float64 for number
}

func (m mention) value(entity string) (any, bool) {
	for _, a := range m.alts {
		if a.entity == entity {
			return a.value, true
		}
	}
	return nil, false
}

// finder finds the mentions of a fixed set of entities in messages.
type finder struct {
	byFirst  map[string][]pattern // custom entity patterns by their first word
	number   bool
	datetime bool
	lang     string
	loc      *time.Location
	now      func() time.Time
}

func (f *finder) empty() bool {
	return len(f.byFirst) == 0 && !f.number && !f.datetime
}

// numberRE matches a number written in digits: optional sign, optional
// decimals. Word boundaries are checked by hand (RE2 has no look-around).
var numberRE = regexp.MustCompile(`[+-]?[0-9]+(?:\.[0-9]+)?`)

// dateRE matches an ISO 8601 calendar date.
var dateRE = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}`)

// numberWords are the number words understood per language.
func numberWords(lang string) map[string]float64 {
	var words []string
	switch lang {
	case "en":
		words = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
			"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"}
	case "es":
		words = []string{"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"}
	case "fr":
		words = []string{"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"}
	case "de":
		words = []string{"null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn"}
	case "it":
		words = []string{"zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci"}
	case "pt":
		words = []string{"zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez"}
	}
	m := make(map[string]float64, len(words))
	for i, w := range words {
		m[w] = float64(i)
	}
	return m
}

// relativeDays are the words for yesterday, today and tomorrow per language,
// as day offsets.
func relativeDays(lang string) map[string]int {
	switch lang {
	case "es":
		return map[string]int{"ayer": -1, "hoy": 0, "mañana": 1}
	case "fr":
		return map[string]int{"hier": -1, "aujourdhui": 0, "demain": 1}
	case "de":
		return map[string]int{"gestern": -1, "heute": 0, "morgen": 1}
	case "it":
		return map[string]int{"ieri": -1, "oggi": 0, "domani": 1}
	case "pt":
		return map[string]int{"ontem": -1, "hoje": 0, "amanhã": 1}
	}
	return map[string]int{"yesterday": -1, "today": 0, "tomorrow": 1}
}

// boundary reports whether text[start:end] stands on word boundaries.
func boundary(text string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:start])
		if isWordRune(r) {
			return false
		}
	}
	if end < len(text) {
		r, _ := utf8.DecodeRuneInString(text[end:])
		if isWordRune(r) {
			return false
		}
	}
	return true
}

// span returns the tokens [from, to) lying inside text[start:end], ok when
// there is at least one.
func span(toks []token, start, end int) (from, to int, ok bool) {
	from = sort.Search(len(toks), func(i int) bool { return toks[i].start >= start })
	to = from
	for to < len(toks) && toks[to].end <= end {
		to++
	}
	return from, to, to > from
}

// find returns the mentions in a tokenized message, in message order. Custom
// values and built-ins compete: the longest (in words, then bytes) wins,
// then the leftmost; a span read the same way by several entities keeps them
// all.
func (f *finder) find(text string, toks []token) []mention {
	type cand struct {
		from, to, chars int
		ev              entityValue
	}
	var cands []cand
	for i, t := range toks {
		for _, p := range f.byFirst[t.word] {
			if i+len(p.words) > len(toks) {
				continue
			}
			ok := true
			for k, w := range p.words[1:] {
				if toks[i+1+k].word != w {
					ok = false
					break
				}
			}
			if ok {
				cands = append(cands, cand{i, i + len(p.words), p.chars, entityValue{p.entity, p.value}})
			}
		}
	}
	if f.number {
		for _, loc := range numberRE.FindAllStringIndex(text, -1) {
			s := text[loc[0]:loc[1]]
			if (s[0] == '+' || s[0] == '-') && loc[0] > 0 && !unicode.IsSpace(rune(text[loc[0]-1])) && text[loc[0]-1] != '(' {
				// "3-2" or "x-1": the sign is a hyphen, not part of the number.
				loc[0]++
				s = s[1:]
			}
			if !boundary(text, loc[0], loc[1]) {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				continue
			}
			if from, to, ok := span(toks, loc[0], loc[1]); ok {
				cands = append(cands, cand{from, to, loc[1] - loc[0], entityValue{EntityNumber, v}})
			}
		}
		words := numberWords(f.lang)
		for i, t := range toks {
			if v, ok := words[t.word]; ok {
				cands = append(cands, cand{i, i + 1, len(t.word), entityValue{EntityNumber, v}})
			}
		}
	}
	if f.datetime {
		for _, loc := range dateRE.FindAllStringIndex(text, -1) {
			if !boundary(text, loc[0], loc[1]) {
				continue
			}
			d, err := time.Parse(time.DateOnly, text[loc[0]:loc[1]])
			if err != nil {
				continue
			}
			if from, to, ok := span(toks, loc[0], loc[1]); ok {
				cands = append(cands, cand{from, to, loc[1] - loc[0], entityValue{EntityDatetime, d.Format(time.DateOnly)}})
			}
		}
		days := relativeDays(f.lang)
		var today time.Time
		for i, t := range toks {
			off, ok := days[t.word]
			if !ok {
				continue
			}
			if today.IsZero() {
				today = f.now().In(f.loc)
			}
			d := today.AddDate(0, 0, off)
			cands = append(cands, cand{i, i + 1, len(t.word), entityValue{EntityDatetime, d.Format(time.DateOnly)}})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if la, lb := a.to-a.from, b.to-b.from; la != lb {
			return la > lb
		}
		if a.chars != b.chars {
			return a.chars > b.chars
		}
		return a.from < b.from
	})
	claimed := make([]int, len(toks)) // 1 + index into ms, 0 when free
	var ms []mention
	for _, c := range cands {
		if k := claimed[c.from]; k > 0 {
			m := &ms[k-1]
			if m.from == c.from && m.to == c.to {
				if _, dup := m.value(c.ev.entity); !dup {
					m.alts = append(m.alts, c.ev)
				}
			}
			continue
		}
		free := true
		for i := c.from; i < c.to; i++ {
			if claimed[i] > 0 {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		ms = append(ms, mention{from: c.from, to: c.to, alts: []entityValue{c.ev}})
		for i := c.from; i < c.to; i++ {
			claimed[i] = len(ms)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].from < ms[j].from })
	return ms
}

// newPattern returns the pattern of one written form, ok false when it has no
// words.
func newPattern(entity, value, written string) (pattern, bool) {
	toks := tokenize(written, 0)
	if len(toks) == 0 {
		return pattern{}, false
	}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.word
	}
	return pattern{entity: entity, value: value, words: words, chars: len(strings.Join(words, " "))}, true
}
