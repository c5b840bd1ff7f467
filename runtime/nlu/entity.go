package nlu

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/spelling"
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
	fuzzy    []pattern            // patterns of fuzzy entities, matched with typos
	regexes  []regexEntity
	number   bool
	datetime bool
	lang     string
	loc      *time.Location
	now      func() time.Time
	nums     *numberLexicon
	dates    *dateWords
}

// regexEntity is an entity whose values are the matches of a regular
// expression.
type regexEntity struct {
	entity string
	re     *regexp.Regexp
}

func (f *finder) empty() bool {
	return len(f.byFirst) == 0 && len(f.regexes) == 0 && !f.number && !f.datetime
}

// numberRE matches a number written in digits: optional sign, optional
// decimals. Word boundaries are checked by hand (RE2 has no look-around).
var numberRE = regexp.MustCompile(`[+-]?[0-9]+(?:\.[0-9]+)?`)

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
		np := &numberParser{lex: f.nums, lang: f.lang, text: text, toks: toks}
		for i := 0; i < len(toks); i++ {
			if _, err := strconv.Atoi(toks[i].word); err == nil {
				continue // digits are read above, with their sign
			}
			if v, j, ok := np.parse(i); ok {
				cands = append(cands, cand{i, j, toks[j-1].end - toks[i].start, entityValue{EntityNumber, v}})
				i = j - 1
			}
		}
	}
	if f.datetime {
		today := f.now().In(f.loc)
		dp := &dateParser{dw: f.dates, nums: &numberParser{lex: f.nums, lang: f.lang, text: text, toks: toks}, text: text, toks: toks,
			now: today, today: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, f.loc)}
		for i := range toks {
			if j, v, ok := dp.parseAt(i); ok && j > i {
				cands = append(cands, cand{i, j, toks[j-1].end - toks[i].start, entityValue{EntityDatetime, v}})
			}
		}
	}
	for _, r := range f.regexes {
		for _, loc := range r.re.FindAllStringIndex(text, -1) {
			if loc[1] == loc[0] || !boundary(text, loc[0], loc[1]) {
				continue
			}
			if from, to, ok := span(toks, loc[0], loc[1]); ok {
				cands = append(cands, cand{from, to, loc[1] - loc[0], entityValue{r.entity, text[loc[0]:loc[1]]}})
			}
		}
	}
	for _, p := range f.fuzzy {
		for i := 0; i+len(p.words) <= len(toks); i++ {
			ok := true
			for k, w := range p.words {
				if !near(toks[i+k].word, w) {
					ok = false
					break
				}
			}
			if ok {
				// Ranked below an exact match of the same length.
				cands = append(cands, cand{i, i + len(p.words), p.chars - 1, entityValue{p.entity, p.value}})
			}
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

// near reports whether a message word is within the typos a fuzzy entity
// forgives of a value's word: none for words under 4 letters, one edit up to
// 7, two beyond.
func near(got, want string) bool {
	if got == want {
		return true
	}
	n := utf8.RuneCountInString(want)
	allowed := 0
	switch {
	case n >= 8:
		allowed = 2
	case n >= 4:
		allowed = 1
	}
	return allowed > 0 && spelling.Distance(got, want, allowed) <= allowed
}
