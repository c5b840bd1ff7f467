package nlu

import (
	"fmt"
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
	fuzzy    []*fuzzyIndex        // the fuzzy entities, matched with typos
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

// newFinder returns a finder of no entity yet, that reads numbers and dates
// in the language, time zone and clock of opts.
func newFinder(opts Options) finder {
	lang := strings.ToLower(opts.Language)
	f := finder{lang: lang, loc: opts.Location, now: opts.Now, nums: numberLanguage(lang), dates: dateLanguage(lang)}
	if f.loc == nil {
		f.loc = time.UTC
	}
	if f.now == nil {
		f.now = time.Now
	}
	return f
}

// entityIndex is how each custom entity of a bot is found, by name: the
// patterns of its values, its regular expression, its fuzzy index. It is
// built once and shared by the intents' finders.
type entityIndex struct {
	patterns map[string][]pattern // every usable entity, regular ones included
	regexes  map[string]*regexp.Regexp
	fuzzy    map[string]*fuzzyIndex
}

// newEntityIndex indexes the custom entities. An entity whose regular
// expression does not compile is left out, with an error.
func newEntityIndex(entities []Entity) (entityIndex, []string) {
	x := entityIndex{patterns: make(map[string][]pattern, len(entities)), regexes: map[string]*regexp.Regexp{}, fuzzy: map[string]*fuzzyIndex{}}
	var errs []string
	for _, e := range entities {
		if e.Regex != "" {
			re, err := regexp.Compile(e.Regex)
			if err != nil {
				errs = append(errs, fmt.Sprintf("entity %s: %v", e.Name, err))
				continue
			}
			x.regexes[e.Name] = re
		}
		var ps []pattern
		for _, v := range e.Values {
			for _, w := range append([]string{v.Canonical}, v.Synonyms...) {
				if p, ok := newPattern(e.Name, v.Canonical, w); ok {
					ps = append(ps, p)
				}
			}
		}
		x.patterns[e.Name] = ps
		if e.Fuzzy && len(ps) > 0 {
			x.fuzzy[e.Name] = newFuzzyIndex(ps)
		}
	}
	return x, errs
}

// finder returns f set to find the entities the params of in use. It
// reports the params whose entity is unknown.
func (x entityIndex) finder(f finder, in Intent) (finder, []string) {
	var errs []string
	seen := map[string]bool{}
	for _, p := range in.Params {
		switch p.Entity {
		case EntityNumber:
			f.number = true
		case EntityDatetime:
			f.datetime = true
		case EntityAny:
		default:
			ps, ok := x.patterns[p.Entity]
			if !ok {
				errs = append(errs, fmt.Sprintf("intent %s: param %s: unknown entity %s", in.Name, p.Name, p.Entity))
				continue
			}
			if seen[p.Entity] {
				continue
			}
			seen[p.Entity] = true
			if re, ok := x.regexes[p.Entity]; ok {
				f.regexes = append(f.regexes, regexEntity{p.Entity, re})
				continue
			}
			if fz := x.fuzzy[p.Entity]; fz != nil {
				f.fuzzy = append(f.fuzzy, fz)
			}
			if f.byFirst == nil {
				f.byFirst = map[string][]pattern{}
			}
			for _, pt := range ps {
				f.byFirst[pt.words[0]] = append(f.byFirst[pt.words[0]], pt)
			}
		}
	}
	return f, errs
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
// all. Values with typos (of fuzzy entities) are looked for afterwards, on
// the words left free.
func (f *finder) find(text string, toks []token) []mention {
	var cands []cand
	for _, source := range [...]func(*finder, []cand, string, []token) []cand{
		(*finder).valueCands,
		(*finder).digitCands,
		(*finder).numberWordCands,
		(*finder).datetimeCands,
		(*finder).regexCands,
	} {
		cands = source(f, cands, text, toks)
	}
	claimed := make([]int, len(toks))
	ms := claim(nil, claimed, cands)
	if len(f.fuzzy) > 0 {
		// Only words no exact match reads are read with typos: an exact
		// value always wins over the values it is a typo of.
		ms = claim(ms, claimed, f.fuzzyCands(toks, claimed))
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].from < ms[j].from })
	return ms
}

// valueCands appends the values of custom entities written exactly.
func (f *finder) valueCands(cands []cand, _ string, toks []token) []cand {
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
				cands = append(cands, cand{from: i, to: i + len(p.words), chars: p.chars, ev: entityValue{p.entity, p.value}})
			}
		}
	}
	return cands
}

// digitCands appends the numbers written in digits, with their sign.
func (f *finder) digitCands(cands []cand, text string, toks []token) []cand {
	if !f.number {
		return cands
	}
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
			cands = append(cands, cand{from: from, to: to, chars: loc[1] - loc[0], ev: entityValue{EntityNumber, v}})
		}
	}
	return cands
}

// numberWordCands appends the numbers written in words.
func (f *finder) numberWordCands(cands []cand, text string, toks []token) []cand {
	if !f.number {
		return cands
	}
	np := &numberParser{lex: f.nums, lang: f.lang, text: text, toks: toks}
	for i := 0; i < len(toks); i++ {
		if _, err := strconv.Atoi(toks[i].word); err == nil {
			continue // digits are read by digitCands, with their sign
		}
		if v, j, ok := np.parse(i); ok {
			cands = append(cands, cand{from: i, to: j, chars: toks[j-1].end - toks[i].start, ev: entityValue{EntityNumber, v}})
			i = j - 1
		}
	}
	return cands
}

// datetimeCands appends the dates and times, read from every word.
func (f *finder) datetimeCands(cands []cand, text string, toks []token) []cand {
	if !f.datetime {
		return cands
	}
	today := f.now().In(f.loc)
	dp := &dateParser{dw: f.dates, nums: &numberParser{lex: f.nums, lang: f.lang, text: text, toks: toks}, text: text, toks: toks,
		now: today, today: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, f.loc)}
	for i := range toks {
		if j, v, ok := dp.parseAt(i); ok && j > i {
			cands = append(cands, cand{from: i, to: j, chars: toks[j-1].end - toks[i].start, ev: entityValue{EntityDatetime, v}})
		}
	}
	return cands
}

// regexCands appends the matches of the regular entities that stand on
// word boundaries.
func (f *finder) regexCands(cands []cand, text string, toks []token) []cand {
	for _, r := range f.regexes {
		for _, loc := range r.re.FindAllStringIndex(text, -1) {
			if loc[1] == loc[0] || !boundary(text, loc[0], loc[1]) {
				continue
			}
			if from, to, ok := span(toks, loc[0], loc[1]); ok {
				cands = append(cands, cand{from: from, to: to, chars: loc[1] - loc[0], ev: entityValue{r.entity, text[loc[0]:loc[1]]}})
			}
		}
	}
	return cands
}

// cand is a candidate mention: tokens [from, to) read as ev.
type cand struct {
	from, to, chars int
	edits           int // typos, for a fuzzy match
	order           int // the value's declaration order, for a fuzzy match
	ev              entityValue
}

// claim adds the candidates to ms, best first: the longest (in words), the
// fewest typos, the longest in bytes, the leftmost, the first declared. A
// candidate whose tokens are taken is dropped, unless it reads the very span
// of a mention as another entity: it is then one more reading of it.
// claimed holds, per token, 1 + the index of its mention in ms, 0 when free;
// claim updates it.
func claim(ms []mention, claimed []int, cands []cand) []mention {
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if la, lb := a.to-a.from, b.to-b.from; la != lb {
			return la > lb
		}
		if a.edits != b.edits {
			return a.edits < b.edits
		}
		if a.chars != b.chars {
			return a.chars > b.chars
		}
		if a.from != b.from {
			return a.from < b.from
		}
		return a.order < b.order
	})
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
	return ms
}

// fuzzyCands returns the fuzzy matches of values on free tokens, each word
// within the typos its value's word allows. Their byte length is left out of
// their rank: among values as many typos away, the first declared wins,
// rather than the longest.
func (f *finder) fuzzyCands(toks []token, claimed []int) []cand {
	var cands []cand
	var q []rune
	var buf []int
	for i := range toks {
		if claimed[i] > 0 {
			continue
		}
		q = append(q[:0], []rune(toks[i].word)...)
		for _, x := range f.fuzzy {
			buf = x.lookup(q, buf, func(word int32, edits int) {
				for _, pi := range x.byWord[word] {
					p := &x.patterns[pi]
					if i+len(p.words) > len(toks) {
						continue
					}
					total, ok := edits, true
					for k, w := range p.words[1:] {
						if claimed[i+1+k] > 0 {
							ok = false
							break
						}
						e, near := near(toks[i+1+k].word, w)
						if !near {
							ok = false
							break
						}
						total += e
					}
					if ok {
						cands = append(cands, cand{from: i, to: i + len(p.words), edits: total, order: int(pi), ev: entityValue{p.entity, p.value}})
					}
				}
			})
		}
	}
	return cands
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
