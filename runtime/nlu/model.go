package nlu

import (
	"cmp"
	"crypto/sha256"
	"slices"
	"strings"
	"sync"
)

// Model is the trained intent classifier. Each intent has its own logistic
// regression over TF-IDF features (normalised words, word pairs and
// character n-grams), trained against the other intents and generated
// out-of-scope text, so that its score is an absolute probability: a message
// unrelated to every intent scores low for each of them, whatever intents a
// state listens to. On a large training set the model also has a
// multinomial logistic regression over every intent and an out-of-scope
// class (see fitSoftmax), and an intent's score is the mean of its two
// probabilities: the multinomial part separates intents that share their
// words better, and stays absolute because out-of-scope takes the mass of an
// unrelated message. A message that normalises to a training sentence
// (placeholders filled with entity values) scores 1.
//
// Train builds a Model; MarshalBinary and LoadModel carry it into a bot
// binary. A Model is immutable and safe for concurrent use.
type Model struct {
	lang     string
	stemming bool
	print    [16]byte // fingerprint of the training input
	names    []string // intent names, in declaration order
	byName   map[string]int32

	hashes  []uint64 // feature hashes, sorted; a feature's index is its position
	vocab   map[uint64]int32
	idf     []float32
	groups  []uint8 // feature group, see groupOf
	groupW  [numGroups]float64
	weights []float32 // feature-major: weights[f*cols+c]
	bias    []float32
	// cols is the number of weights per feature: one per intent, then,
	// when the model has a multinomial part, one per intent and one for
	// out-of-scope (see fitSoftmax).
	cols int
	mix  float64 // weight of the multinomial probability in a score

	// Built from the intents when the model is prepared, not trained: the
	// matcher reads the sentences once, and the tables below come from its
	// reading.
	matcher *Scorer
	norm    normalizer         // the matcher's
	exact   map[string][]int32 // normalised sentence → intents
	// phExact holds, per intent, its sentences with the mentions of entity
	// placeholders written "{}".
	phExact map[string][]int32
	hasPH   []bool // intents with placeholder sentences (no any)
	spell   *speller

	pool sync.Pool // *reading
}

var _ Classifier = (*Model)(nil)

// prepare builds the lookup tables of a trained or loaded model from the
// matcher's reading of the sentences.
func (m *Model) prepare(matcher *Scorer) {
	m.matcher = matcher
	m.norm = matcher.norm
	m.byName = make(map[string]int32, len(m.names))
	for i, n := range m.names {
		m.byName[n] = int32(i)
	}
	m.exact = map[string][]int32{}
	m.phExact = map[string][]int32{}
	m.hasPH = make([]bool, len(matcher.intents))
	m.spell = newSpeller()
	for ci, it := range matcher.intents {
		for i := range it.sentences {
			sen := &it.sentences[i]
			for _, t := range tokenize(sen.text, maxTokens) {
				m.spell.add(t.word)
			}
			// A literal brace (no placeholder) still makes the sentence a
			// placeholder sentence, matched only through mentions.
			if !strings.ContainsRune(sen.text, '{') {
				if key := sen.key(maxTokens); key != "" {
					m.exact[key] = appendOnce(m.exact[key], int32(ci))
				}
				continue
			}
			if !sen.hasAny {
				key := sen.key(0)
				m.phExact[key] = appendOnce(m.phExact[key], int32(ci))
				m.hasPH[ci] = true
			}
		}
	}
	m.spell.sort()
	m.pool.New = func() any { return &reading{m: m, z: make([]float64, m.cols)} }
}

func appendOnce(s []int32, v int32) []int32 {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// tokens returns the normalised words of a message, typos of training words
// corrected (see correct). A word the model knows (a training word, or a word of the
// generated out-of-scope text) is kept as it is.
func (m *Model) tokens(text string) []token {
	return m.correct(m.norm.tokens(text, maxTokens))
}

// correct corrects the typos of training words in toks, in place.
func (m *Model) correct(toks []token) []token {
	changed := false
	for i := range toks {
		t := &toks[i]
		if _, known := m.vocab[hashString(hashByte(fnvOffset, kindWord), t.norm)]; known {
			continue
		}
		if w, ok := m.spell.correct(t.word); ok {
			t.word, t.norm = w, m.norm.normWord(w)
			changed = true
		}
	}
	if changed { // the corrected words may mean something else
		for i := range toks {
			toks[i].meaning, toks[i].phrase = "", 0
		}
		markMeanings(toks, m.norm.meanings)
	}
	return toks
}

// Words returns the words of text as the model reads them: normalised,
// stemmed when the model stems, typos of training words corrected.
func (m *Model) Words(text string) []string {
	toks := m.tokens(text)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.norm
	}
	return out
}

// Intents returns the names of the model's intents.
func (m *Model) Intents() []string { return slices.Clone(m.names) }

// Classify implements Classifier.
func (m *Model) Classify(text string, candidates []string) []Score {
	r := m.read(text)
	defer m.done(r)
	out := make([]Score, len(candidates))
	for i, name := range candidates {
		out[i] = Score{Intent: name, Score: r.score(name)}
	}
	sortScores(out)
	return out
}

// Understand implements Classifier: the message is tokenised once, and the
// mentions of an intent's entities found at most once, for the placeholder
// sentences and the parameters alike.
func (m *Model) Understand(text string, candidates []string, threshold float64) Understanding {
	r := m.read(text)
	defer m.done(r)
	u := understand(candidates, threshold, r.score)
	if u.Understood {
		u.Values = r.values(u.Best.Intent)
	}
	return u
}

// reading is one message as the model reads it: its words, tokenised once,
// and what scoring and extraction derive from them, each when first needed.
// Its memory is reused from one message to the next.
type reading struct {
	m     *Model
	text  string
	raw   []token   // the message's words as the matcher reads them
	toks  []token   // the words as the classifier reads them: typos corrected
	exact []int32   // the intents of the training sentences the message reads as
	z     []float64 // per column: the logit, or the multinomial probability
	msg   message   // the matcher's view of raw, once hasMsg
	// hasMsg tells whether msg holds the message.
	hasMsg bool
	found  []found // the mentions found so far

	feats []feat
	buf   []int32
	v     vector
	key   []byte
}

// found are the mentions of an intent's entities in the message.
type found struct {
	it *intent
	ms []mention
}

// read reads text: its words, and every intent's logit.
func (m *Model) read(text string) *reading {
	r := m.pool.Get().(*reading)
	r.text = text
	r.raw = m.norm.appendTokens(r.raw[:0], text, maxTokens)
	if len(r.raw) == 0 {
		return r
	}
	r.key = r.key[:0]
	for i, t := range r.raw {
		if i > 0 {
			r.key = append(r.key, ' ')
		}
		r.key = append(r.key, t.norm...)
	}
	r.exact = m.exact[string(r.key)] // before typos are corrected: exact is exact
	r.toks = m.correct(append(r.toks[:0], r.raw...))
	r.feats = appendFeatures(r.feats[:0], r.toks)
	r.buf = vectorize(r.feats, m.vocab, m.idf, m.groups, m.groupW, r.buf, &r.v)
	nc := m.cols
	z := r.z
	copy(z, f64(m.bias, z))
	for j, f := range r.v.idx {
		x := float64(r.v.val[j])
		row := m.weights[int(f)*nc : int(f)*nc+nc]
		for c, w := range row {
			z[c] += float64(w) * x
		}
	}
	if m.cols > len(m.names) {
		softmaxInPlace(z[len(m.names):])
	}
	return r
}

// done returns r to the pool, holding nothing of the message.
func (m *Model) done(r *reading) {
	clear(r.raw)
	clear(r.toks)
	clear(r.msg.words)
	clear(r.found)
	r.text, r.exact, r.found = "", nil, r.found[:0]
	r.msg.text, r.msg.toks, r.hasMsg = "", nil, false
	m.pool.Put(r)
}

// score returns intent name's score: its probability, or 1 when the message
// reads as one of its training sentences.
func (r *reading) score(name string) float64 {
	m := r.m
	ci, ok := m.byName[name]
	if !ok || len(r.raw) == 0 {
		return 0
	}
	p := sigmoid(r.z[ci])
	if m.cols > len(m.names) {
		// The multinomial part is over every intent and out-of-scope,
		// never over the candidates only: the score stays absolute.
		p = (1-m.mix)*p + m.mix*r.z[len(m.names)+int(ci)]
	}
	if slices.Contains(r.exact, ci) || (m.hasPH[ci] && r.placeholderMatch(ci)) {
		p = 1
	}
	return p
}

// message returns the message as the matcher reads it.
func (r *reading) message() *message {
	if !r.hasMsg {
		r.m.matcher.read(&r.msg, r.text, r.raw)
		r.hasMsg = true
	}
	return &r.msg
}

// mentions returns the mentions of it's entities in the message.
func (r *reading) mentions(it *intent) []mention {
	for _, f := range r.found {
		if f.it == it {
			return f.ms
		}
	}
	ms := it.mentions(r.message())
	r.found = append(r.found, found{it, ms})
	return ms
}

// placeholderMatch reports whether the message reads exactly as one of
// intent ci's sentences with its placeholders filled by entity values.
func (r *reading) placeholderMatch(ci int32) bool {
	ms := r.mentions(r.m.matcher.intents[ci])
	if len(ms) == 0 {
		return false
	}
	msg := r.message()
	r.key = r.key[:0]
	write := func(s string) {
		if len(r.key) > 0 {
			r.key = append(r.key, ' ')
		}
		r.key = append(r.key, s...)
	}
	next := 0
	for _, mn := range ms {
		for ; next < mn.from; next++ {
			write(msg.toks[next].norm)
		}
		write("{}")
		next = mn.to
	}
	for ; next < len(msg.toks); next++ {
		write(msg.toks[next].norm)
	}
	return slices.Contains(r.m.phExact[string(r.key)], ci)
}

// values returns the values of intent name's params in the message.
func (r *reading) values(name string) []Value {
	it, ok := r.m.matcher.byName[name]
	if !ok || len(it.params) == 0 {
		return nil
	}
	return it.values(r.message(), r.mentions(it))
}

// f64 copies float32 values into dst.
func f64(src []float32, dst []float64) []float64 {
	for i, x := range src {
		dst[i] = float64(x)
	}
	return dst
}

// Extract implements Classifier: the values are found as the matcher finds
// them, aligned with the intent's best-matching training sentence.
func (m *Model) Extract(intent, text string) []Value {
	return m.matcher.Extract(intent, text)
}

func hash128(s string) [16]byte {
	sum := sha256.Sum256([]byte(s))
	var out [16]byte
	copy(out[:], sum[:16])
	return out
}

// Contribution is what one feature of a message adds to an intent's score
// (before the sigmoid): Feature names it ("word run", "pair run fast",
// "chars <he").
type Contribution struct {
	Feature string
	Weight  float64
}

// Explain returns the n features of text that weigh most, either way, in
// intent's score, heaviest first (in its per-intent model).
func (m *Model) Explain(text, intent string, n int) []Contribution {
	ci, ok := m.byName[intent]
	if !ok {
		return nil
	}
	toks := m.tokens(text)
	fs := appendFeatures(nil, toks)
	names := featureNames(toks)
	var v vector
	vectorize(fs, m.vocab, m.idf, m.groups, m.groupW, nil, &v)
	nc := m.cols
	var out []Contribution
	seen := map[int32]bool{}
	for k, f := range fs {
		i, ok := m.vocab[f.hash]
		if !ok || seen[i] {
			continue
		}
		seen[i] = true
		j, _ := slices.BinarySearch(v.idx, i)
		out = append(out, Contribution{Feature: names[k], Weight: float64(m.weights[int(i)*nc+int(ci)]) * float64(v.val[j])})
	}
	slices.SortStableFunc(out, func(a, b Contribution) int { return cmp.Compare(abs(b.Weight), abs(a.Weight)) })
	return out[:min(n, len(out))]
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// featureNames returns the readable names of the features appendFeatures
// gives for toks, in the same order.
func featureNames(toks []token) []string {
	var out []string
	for i, t := range toks {
		out = append(out, "word "+t.norm)
		if i > 0 {
			out = append(out, "pair "+toks[i-1].norm+" "+t.norm)
		}
		for range t.phrase {
			out = append(out, "meaning "+t.meaning)
		}
		word := t.word
		if shape, ok := digitShape(word); ok {
			out = append(out, "word "+shape)
			word = shape
		}
		units := []string{"<"}
		for k, r := range []rune(word) {
			if k >= maxGramRunes {
				break
			}
			units = append(units, string(r))
		}
		units = append(units, ">")
		for size := minGram; size <= maxGram; size++ {
			for s := 0; s+size <= len(units); s++ {
				out = append(out, "chars "+strings.Join(units[s:s+size], ""))
			}
		}
	}
	return out
}
