// Package nlu predicts which intent a user message expresses and extracts the
// intent's parameters (for generated code, through the engine).
//
// The Classifier interface is what the engine uses: one Understand per
// message gives the intent and its parameters. Model implements it: a
// classifier trained from the bot's sentences (Train, at build time) and
// carried into the bot binary (MarshalBinary, LoadModel), which gives every
// intent an absolute probability. See docs/nlu.md.
//
// Scorer is the alignment matcher the model extracts parameters with: a
// weighted Dice coefficient between the normalised words of the message and
// of each training sentence, counting the words the two share in the same
// order (their longest common subsequence). A word weighs 1, a stop word 1/4,
// and both are divided by the number of intents whose sentences use the word.
// Entity values found in the message stand for the {param} placeholders of
// the sentence; the best-aligned sentence tells where an `any` parameter
// stands. It also implements Classifier, as a simple untrained scorer.
package nlu

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Intent is an intent with its training sentences ({param} placeholders kept).
type Intent struct {
	Name      string
	Sentences []string
	Params    []Param
}

// Param is an intent parameter; Entity is a custom entity's name or one of the
// built-ins "number", "datetime" and "any".
type Param struct {
	Name   string
	Entity string
}

// Entity is a custom entity: a list of values with synonyms, or a regular
// expression (Regex, RE2 syntax) whose matches are the values.
type Entity struct {
	Name   string
	Values []EntityValue
	Regex  string
	// Fuzzy lets a value be found with a typo: a word within a small edit
	// distance of a value's word matches it.
	Fuzzy bool
}

// EntityValue is a canonical value and its synonyms.
type EntityValue struct {
	Canonical string
	Synonyms  []string
}

// Options tune the classifier.
type Options struct {
	Language string // language code of the training sentences (en, es, fr, de, it, pt)
	Stemming bool   // nlp.pre_processing: stem words (Snowball for en, es, fr; light stemmers for de, it, pt)
	// Location is the time zone "today" and "tomorrow" are read in; nil is UTC.
	Location *time.Location
	// Now returns the current time; nil is time.Now. Tests fix it.
	Now func() time.Time
}

// Score is how well a message matches an intent, from 0 (nothing in common)
// to 1 (the message reads as one of its training sentences).
type Score struct {
	Intent string
	Score  float64
}

// Value is the value of an intent parameter found in a message: a string
// (the canonical value of a custom entity, an ISO 8601 date, the words of an
// any) or a float64 for a number. An absent parameter is "" (0 for a number).
type Value struct {
	Param string
	Value any
}

// Classifier predicts intents and extracts their parameters. Implementations
// are safe for concurrent use.
type Classifier interface {
	// Classify scores text against every candidate intent and returns the
	// scores best first; equal scores keep the candidates' order. Unknown
	// candidates score 0.
	Classify(text string, candidates []string) []Score
	// Extract returns the values of every declared parameter of intent in
	// text, in declaration order.
	Extract(intent, text string) []Value
	// Understand reads text once for what a turn needs: the best
	// candidate as Classify ranks it and, when it is understood (it scores
	// above 0 and at least threshold), its parameters as Extract finds
	// them.
	Understand(text string, candidates []string, threshold float64) Understanding
}

// Understanding is what a message says among candidate intents.
type Understanding struct {
	// Best is the candidate that scores best (the first of equal scores);
	// zero when there is no candidate.
	Best Score
	// Understood tells whether Best scores above 0 and at least the
	// threshold.
	Understood bool
	// Values are Best's parameter values in declaration order when it is
	// understood, nil otherwise.
	Values []Value
}

// Scorer is the token-overlap matcher (see the package comment). It is
// immutable once built.
type Scorer struct {
	norm    normalizer
	intents []*intent // in declaration order
	byName  map[string]*intent
	df      map[string]int // number of intents whose sentences use a word
	maxLen  int            // tokens of the longest sentence
}

// intent is an intent prepared for scoring.
type intent struct {
	name      string
	params    []Param
	sentences []sentence // one per training sentence, in order
	finder    finder     // mentions of the entities its params use
}

var _ Classifier = (*Scorer)(nil)

// NewScorer prepares a Scorer. It fails when a parameter names an unknown
// entity or a sentence a placeholder that is not a declared parameter.
func NewScorer(intents []Intent, entities []Entity, opts Options) (*Scorer, error) {
	s := &Scorer{norm: newNormalizer(opts.Language, opts.Stemming), byName: make(map[string]*intent, len(intents)), df: map[string]int{}}
	ents, errs := newEntityIndex(entities)
	base := newFinder(opts)
	for _, in := range intents {
		if _, dup := s.byName[in.Name]; dup {
			errs = append(errs, fmt.Sprintf("intent %s declared twice", in.Name))
			continue
		}
		it := &intent{name: in.Name, params: in.Params}
		var ferrs []string
		it.finder, ferrs = ents.finder(base, in)
		errs = append(errs, ferrs...)
		errs = append(errs, s.readSentences(it, in.Sentences)...)
		s.intents = append(s.intents, it)
		s.byName[in.Name] = it
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("nlu: %s", strings.Join(errs, "; "))
	}
	s.weigh()
	return s, nil
}

// readSentences parses the intent's sentences and counts the intent in the
// document frequency of their words.
func (s *Scorer) readSentences(it *intent, texts []string) []string {
	var errs []string
	words := map[string]bool{}
	for _, text := range texts {
		s.norm.remember(text)
		sen, err := parseSentence(s.norm, text, it.params)
		if err != nil {
			errs = append(errs, fmt.Sprintf("intent %s: %v", it.name, err))
			continue
		}
		it.sentences = append(it.sentences, sen)
		for _, t := range sen.toks {
			if t.param < 0 && !words[t.norm] {
				words[t.norm] = true
				s.df[t.norm]++
			}
		}
	}
	return errs
}

// weigh divides the weight of every sentence word by the number of intents
// that use it, now that they are all known, and sums the sentences' weights.
func (s *Scorer) weigh() {
	for _, it := range s.intents {
		for i := range it.sentences {
			sen := &it.sentences[i]
			for k := range sen.toks {
				if t := &sen.toks[k]; t.param < 0 {
					t.weight = s.weight(t.weight, t.norm)
				}
				sen.total += sen.toks[k].weight
			}
			s.maxLen = max(s.maxLen, len(sen.toks))
		}
	}
}

// weight returns the weight of a word of base weight w: w divided by the
// number of intents that use it.
func (s *Scorer) weight(w float64, norm string) float64 {
	if n := s.df[norm]; n > 1 {
		return w / float64(n)
	}
	return w
}

// Classify implements Classifier.
func (s *Scorer) Classify(text string, candidates []string) []Score {
	msg := s.message(text)
	out := make([]Score, len(candidates))
	for i, c := range candidates {
		out[i] = Score{Intent: c, Score: s.score(msg, c)}
	}
	sortScores(out)
	return out
}

// Extract implements Classifier.
func (s *Scorer) Extract(intentName, text string) []Value {
	it, ok := s.byName[intentName]
	if !ok || len(it.params) == 0 {
		return nil
	}
	msg := s.message(text)
	return it.values(msg, it.mentions(msg))
}

// Understand implements Classifier.
func (s *Scorer) Understand(text string, candidates []string, threshold float64) Understanding {
	msg := s.message(text)
	u := understand(candidates, threshold, func(c string) float64 { return s.score(msg, c) })
	if u.Understood {
		it := s.byName[u.Best.Intent]
		u.Values = it.values(msg, it.mentions(msg))
	}
	return u
}

// score returns the best score of intent name's sentences for msg, 0 for
// an unknown intent.
func (s *Scorer) score(msg *message, name string) float64 {
	it, ok := s.byName[name]
	if !ok {
		return 0
	}
	best, _ := it.best(msg, it.mentions(msg))
	return best
}

// sortScores sorts scores best first, equal scores in their order.
func sortScores(scores []Score) {
	slices.SortStableFunc(scores, func(a, b Score) int { return cmp.Compare(b.Score, a.Score) })
}

// understand returns the best of the candidates that score gives (the first
// of equal scores), understood when it reaches threshold.
func understand(candidates []string, threshold float64, score func(string) float64) Understanding {
	var u Understanding
	for i, c := range candidates {
		if sc := score(c); i == 0 || sc > u.Best.Score {
			u.Best = Score{Intent: c, Score: sc}
		}
	}
	u.Understood = len(candidates) > 0 && u.Best.Reaches(threshold)
	return u
}

// values returns the values of the intent's params in msg, whose mentions
// of the intent's entities are ms; nil when the intent has no params.
func (it *intent) values(msg *message, ms []mention) []Value {
	if len(it.params) == 0 {
		return nil
	}
	vals := make([]any, len(it.params))
	used := make([]bool, len(ms))
	if _, si := it.best(msg, ms); si >= 0 {
		it.extract(msg, ms, &it.sentences[si], vals, used)
	}
	// A param the best sentence lacks still takes a value of its entity the
	// message mentions: every declared param is filled when it can be.
	for pi, p := range it.params {
		if vals[pi] != nil || p.Entity == EntityAny {
			continue
		}
		for mi, m := range ms {
			if used[mi] {
				continue
			}
			if v, ok := m.value(p.Entity); ok {
				vals[pi], used[mi] = v, true
				break
			}
		}
	}
	out := make([]Value, len(it.params))
	for i, p := range it.params {
		v := vals[i]
		if v == nil {
			if p.Entity == EntityNumber {
				v = 0.0
			} else {
				v = ""
			}
		}
		out[i] = Value{Param: p.Name, Value: v}
	}
	return out
}

// message is a user message as the matcher reads it. Mentions depend on
// the intent (only its entities are looked for), so they are found per
// intent.
type message struct {
	text  string
	toks  []token // weights final (divided by the intents that use the word)
	words []mtoken
	buf   []float64 // scratch row for lcs
}

func (s *Scorer) message(text string) *message {
	msg := &message{}
	s.read(msg, text, s.norm.tokens(text, maxTokens))
	return msg
}

// read sets msg to text, whose words toks are (s.norm.tokens(text,
// maxTokens)): msg keeps toks and gives them their final weights. msg's
// buffers are reused.
func (s *Scorer) read(msg *message, text string, toks []token) {
	if len(toks) == maxTokens {
		// Entities are looked for in the words read, not beyond.
		text = text[:toks[len(toks)-1].end]
	}
	for i := range toks {
		toks[i].weight = s.weight(toks[i].weight, toks[i].norm)
	}
	msg.text, msg.toks = text, toks
	if cap(msg.buf) < s.maxLen+1 {
		msg.buf = make([]float64, s.maxLen+1)
	}
	msg.words = appendWords(msg.words[:0], msg, 0, len(toks))
}

func (it *intent) mentions(msg *message) []mention {
	if it.finder.empty() || len(msg.toks) == 0 {
		return nil
	}
	return it.finder.find(msg.text, msg.toks)
}

// mtoken is a message word, or a mention standing for a placeholder; it
// covers message tokens [from, to).
type mtoken struct {
	norm     string
	param    int
	weight   float64
	from, to int
}

// seq returns the message as the sentence sees it: every mention of an entity
// for which the sentence has a free placeholder becomes that placeholder
// (mentions and placeholders paired in order). It marks the mentions used.
func (it *intent) seq(msg *message, ms []mention, sen *sentence, used []bool) []mtoken {
	if len(ms) == 0 {
		return msg.words
	}
	out := make([]mtoken, 0, len(msg.toks))
	taken := make([]bool, len(sen.toks))
	next := 0 // next message token
	for mi, m := range ms {
		ph := -1
		for k, st := range sen.toks {
			if st.param < 0 || taken[k] {
				continue
			}
			if _, ok := m.value(it.params[st.param].Entity); ok {
				ph = k
				break
			}
		}
		if ph < 0 {
			continue
		}
		taken[ph] = true
		if used != nil {
			used[mi] = true
		}
		out = appendWords(out, msg, next, m.from)
		out = append(out, mtoken{norm: sen.toks[ph].norm, param: sen.toks[ph].param, weight: placeholderWeight, from: m.from, to: m.to})
		next = m.to
	}
	return appendWords(out, msg, next, len(msg.toks))
}

// appendWords appends the message tokens [from, to) as words.
func appendWords(out []mtoken, msg *message, from, to int) []mtoken {
	for i := from; i < to; i++ {
		t := &msg.toks[i]
		out = append(out, mtoken{norm: t.norm, param: -1, weight: t.weight, from: i, to: i + 1})
	}
	return out
}

// same reports whether a sentence token and a message token match. An any
// placeholder matches nothing here: it takes what lies between its
// neighbours' matches.
func same(st stoken, mt mtoken) bool {
	return st.param == mt.param && st.norm == mt.norm
}

// best returns the best score of the intent's sentences for msg, whose
// mentions are ms, and the index of the sentence that has it (-1 when none
// scores above 0).
func (it *intent) best(msg *message, ms []mention) (float64, int) {
	if len(msg.toks) == 0 {
		return 0, -1
	}
	best, bi := 0.0, -1
	for si := range it.sentences {
		sen := &it.sentences[si]
		m := it.seq(msg, ms, sen, nil)
		var sc float64
		if sen.hasAny {
			sc, _ = it.align(m, sen)
		} else {
			sc = dice(lcs(sen.toks, m, msg), sen.total, total(m))
		}
		if sc > best {
			best, bi = sc, si
			if sc == 1 {
				break
			}
		}
	}
	return best, bi
}

func total(m []mtoken) float64 {
	var sum float64
	for _, t := range m {
		sum += t.weight
	}
	return sum
}

// dice is the weighted Dice coefficient: common is the weight of the matched
// words on both sides, a and b the total weights of each side. A match of
// every word is 1 exactly, whatever rounding the sums took.
func dice(common, a, b float64) float64 {
	if a+b <= 0 {
		return 0
	}
	d := common / (a + b)
	if d > 1-1e-9 {
		return 1
	}
	return d
}

// lcs returns the weight (both sides) of the heaviest common subsequence of a
// sentence and a message, in O(len(s)) memory.
func lcs(s []stoken, m []mtoken, msg *message) float64 {
	if cap(msg.buf) < len(s)+1 {
		msg.buf = make([]float64, len(s)+1)
	}
	row := msg.buf[:len(s)+1]
	clear(row)
	for _, mt := range m {
		diag := 0.0 // row[i] of the previous message token
		for i, st := range s {
			up := row[i+1]
			best := up
			if row[i] > best {
				best = row[i]
			}
			if same(st, mt) && diag+st.weight+mt.weight > best {
				best = diag + st.weight + mt.weight
			}
			row[i+1] = best
			diag = up
		}
	}
	return row[len(s)]
}

// align matches a sentence with any placeholders against a message: the
// words in common (heaviest common subsequence), then each any placeholder
// takes the message tokens between its neighbours' matches. A placeholder
// that takes at least one token counts as matched, and its tokens as one
// token of placeholder weight. It returns the score and, per sentence token,
// the message tokens [from, to) (indexes in m) it stands for.
func (it *intent) align(m []mtoken, sen *sentence) (float64, [][2]int) {
	s := sen.toks
	n, k := len(s), len(m)
	// dp[i][j]: weight of the heaviest common subsequence of s[i:] and m[j:],
	// filled backwards so that the forward walk below pairs greedily.
	dp := make([][]float64, n+1)
	for i := range dp {
		dp[i] = make([]float64, k+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := k - 1; j >= 0; j-- {
			best := max(dp[i+1][j], dp[i][j+1])
			if same(s[i], m[j]) {
				best = max(best, dp[i+1][j+1]+s[i].weight+m[j].weight)
			}
			dp[i][j] = best
		}
	}
	pair := make([]int, n) // message index matched by s[i], -1 when none
	for i := range pair {
		pair[i] = -1
	}
	for i, j := 0, 0; i < n && j < k; {
		switch {
		case same(s[i], m[j]) && dp[i][j] == dp[i+1][j+1]+s[i].weight+m[j].weight:
			pair[i] = j
			i, j = i+1, j+1
		case dp[i][j] == dp[i+1][j]:
			i++
		default:
			j++
		}
	}
	spans := make([][2]int, n)
	common, msgTotal := dp[0][0], total(m)
	cursor := 0
	for i := 0; i < n; i++ {
		if pair[i] >= 0 {
			spans[i] = [2]int{pair[i], pair[i] + 1}
			cursor = pair[i] + 1
			continue
		}
		spans[i] = [2]int{cursor, cursor}
		if s[i].param < 0 || it.params[s[i].param].Entity != EntityAny {
			continue
		}
		end := k
		for j := i + 1; j < n; j++ {
			if pair[j] >= 0 {
				end = pair[j]
				break
			}
		}
		if end > cursor {
			spans[i] = [2]int{cursor, end}
			common += s[i].weight + placeholderWeight
			msgTotal += placeholderWeight - total(m[cursor:end])
			cursor = end
		}
	}
	return dice(common, sen.total, msgTotal), spans
}

// extract fills vals (per param) from the best sentence: mentions standing
// for its placeholders, and the words an any placeholder stands for.
func (it *intent) extract(msg *message, ms []mention, sen *sentence, vals []any, used []bool) {
	m := it.seq(msg, ms, sen, used)
	for _, mt := range m {
		if mt.param < 0 || vals[mt.param] != nil {
			continue
		}
		for _, mn := range ms {
			if mn.from == mt.from && mn.to == mt.to {
				vals[mt.param], _ = mn.value(it.params[mt.param].Entity)
				break
			}
		}
	}
	if !sen.hasAny {
		return
	}
	_, spans := it.align(m, sen)
	for i, st := range sen.toks {
		if st.param < 0 || it.params[st.param].Entity != EntityAny || vals[st.param] != nil {
			continue
		}
		if sp := spans[i]; sp[1] > sp[0] {
			first, last := msg.toks[m[sp[0]].from], msg.toks[m[sp[1]-1].to-1]
			vals[st.param] = msg.text[first.start:last.end]
		}
	}
}
