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

	// Built from the intents when the model is prepared, not trained.
	matcher *Scorer
	norm    normalizer
	exact   map[string][]int32 // normalised sentence → intents
	// phExact holds, per intent, its sentences with the mentions of entity
	// placeholders written "{}".
	phExact map[string][]int32
	hasPH   []bool // intents with placeholder sentences (no any)
	spell   *speller

	pool sync.Pool // *scratch
}

var _ Classifier = (*Model)(nil)

// scratch is the per-call working memory of Classify.
type scratch struct {
	feats []feat
	buf   []int32
	v     vector
	z     []float64
}

// prepare builds the lookup tables of a trained or loaded model.
func (m *Model) prepare(matcher *Scorer, intents []Intent, opts Options) error {
	m.matcher = matcher
	m.norm = newNormalizer(m.lang, m.stemming)
	m.byName = make(map[string]int32, len(m.names))
	for i, n := range m.names {
		m.byName[n] = int32(i)
	}
	m.exact = map[string][]int32{}
	m.phExact = map[string][]int32{}
	m.hasPH = make([]bool, len(intents))
	m.spell = newSpeller()
	for ci, in := range intents {
		for _, s := range in.Sentences {
			m.norm.remember(s)
			for _, t := range tokenize(s, maxTokens) {
				m.spell.add(t.word)
			}
			if !strings.ContainsRune(s, '{') {
				if key := m.key(m.norm.tokens(s, maxTokens)); key != "" {
					m.exact[key] = appendOnce(m.exact[key], int32(ci))
				}
				continue
			}
			it := matcher.intents[in.Name]
			sen, err := matcher.parseSentence(s, in.Params)
			if err != nil || sen.hasAny {
				continue
			}
			words := make([]string, len(sen.toks))
			for k, t := range sen.toks {
				words[k] = t.norm
				if t.param >= 0 {
					words[k] = "{}"
				}
			}
			key := strings.Join(words, " ")
			m.phExact[key] = appendOnce(m.phExact[key], int32(ci))
			m.hasPH[ci] = it != nil
		}
	}
	m.spell.sort()
	m.pool.New = func() any { return &scratch{z: make([]float64, m.cols)} }
	return nil
}

func appendOnce(s []int32, v int32) []int32 {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// key joins the normalised words of a text.
func (m *Model) key(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.norm)
	}
	return b.String()
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
	sc := m.pool.Get().(*scratch)
	defer m.pool.Put(sc)
	raw := m.norm.tokens(text, maxTokens)
	out := make([]Score, 0, len(candidates))
	if len(raw) == 0 {
		for _, c := range candidates {
			out = append(out, Score{Intent: c})
		}
		return out
	}
	exact := m.exact[m.key(raw)] // before typos are corrected: exact is exact
	toks := m.correct(raw)
	sc.feats = appendFeatures(sc.feats[:0], toks)
	sc.buf = vectorize(sc.feats, m.vocab, m.idf, m.groups, m.groupW, sc.buf, &sc.v)
	nc := m.cols
	z := sc.z
	copy(z, f64(m.bias, z))
	for j, f := range sc.v.idx {
		x := float64(sc.v.val[j])
		row := m.weights[int(f)*nc : int(f)*nc+nc]
		for c, w := range row {
			z[c] += float64(w) * x
		}
	}
	var soft []float64
	if m.cols > len(m.names) {
		soft = z[len(m.names):]
		softmaxInPlace(soft)
	}
	for _, name := range candidates {
		ci, ok := m.byName[name]
		if !ok {
			out = append(out, Score{Intent: name})
			continue
		}
		p := sigmoid(z[ci])
		if m.cols > len(m.names) {
			// soft is over every intent and out-of-scope, never over
			// the candidates only: the score stays absolute.
			p = (1-m.mix)*p + m.mix*soft[ci]
		}
		if slices.Contains(exact, ci) || (m.hasPH[ci] && m.placeholderMatch(text, ci)) {
			p = 1
		}
		out = append(out, Score{Intent: name, Score: p})
	}
	slices.SortStableFunc(out, func(a, b Score) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// f64 copies float32 values into dst.
func f64(src []float32, dst []float64) []float64 {
	for i, x := range src {
		dst[i] = float64(x)
	}
	return dst
}

// placeholderMatch reports whether text reads exactly as one of intent ci's
// sentences with its placeholders filled by entity values.
func (m *Model) placeholderMatch(text string, ci int32) bool {
	it := m.matcher.intents[m.names[ci]]
	msg := m.matcher.message(text)
	ms := it.mentions(msg)
	if len(ms) == 0 {
		return false
	}
	var b strings.Builder
	next := 0
	write := func(s string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
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
	return slices.Contains(m.phExact[b.String()], ci)
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
