package nlu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// hyper holds the training settings. They were chosen on the train and
// validation splits of the evaluation corpora (see docs/nlu.md), never on
// their test splits.
type hyper struct {
	epochs    int
	rate      float64 // initial learning rate
	l2        float64 // L2 penalty per example
	posWeight float64 // upper bound of the weight of an intent's own sentences
	// noise is the number of generated out-of-scope sentences per training
	// sentence, within [minNoise, maxNoise].
	noise              float64
	minNoise, maxNoise int
	variants           int // sentences a {param} sentence expands to, at most
	groups             [numGroups]float64
	seed               uint64

	// A training set of largeFrom texts or more (sentences and noise) is
	// large: there, character n-grams found in fewer than minDF texts are
	// left out (they are mostly one sentence's spelling, weigh little, and
	// take room in the binary that the multinomial part uses better), and
	// the multinomial part is trained. Small bots keep every n-gram, which
	// their typo tolerance needs, and only the per-intent models: on the
	// small Braun corpora the multinomial part gained nothing in
	// cross-validation (and lost a sentence of WebApplications' test).
	minDF, largeFrom int
	// softEpochs > 0 adds, on a large training set, a multinomial model
	// (fitSoftmax) beside the per-intent ones, trained with initial rate
	// softRate; an intent's score is then
	// (1−mix)·sigmoid + mix·multinomial probability.
	softEpochs int
	softRate   float64
	mix        float64
}

func defaultHyper() hyper {
	return hyper{
		epochs:     12,
		rate:       0.5,
		l2:         1e-4,
		posWeight:  8,
		noise:      0.25,
		minNoise:   300,
		maxNoise:   2000,
		variants:   12,
		groups:     [numGroups]float64{1.0, 0.3, 2.0, 6.0},
		seed:       0x626f7467656e, // fixed: the same bot gives the same model
		minDF:      6,
		largeFrom:  2000,
		softEpochs: 12,
		softRate:   2,
		mix:        0.5,
	}
}

// example is a vectorised training sentence; class is an intent index, or -1
// for generated out-of-scope text.
type example struct {
	v     vector
	class int32
}

// Train builds the model of a bot's intents: it expands the {param}
// placeholders with entity values, adds generated out-of-scope sentences,
// and fits one logistic regression per intent over TF-IDF word and
// character n-gram features (on a large training set, also a multinomial
// one over the intents and out-of-scope). It is deterministic: the same input gives the
// same model bytes. It fails when a parameter names an unknown entity or a
// sentence a placeholder that is not a declared parameter.
func Train(intents []Intent, entities []Entity, opts Options) (*Model, error) {
	return train(intents, entities, opts, defaultHyper())
}

func train(intents []Intent, entities []Entity, opts Options, hp hyper) (*Model, error) {
	matcher, err := NewScorer(intents, entities, opts)
	if err != nil {
		return nil, err
	}
	m := &Model{
		lang:     strings.ToLower(opts.Language),
		stemming: opts.Stemming,
		names:    make([]string, len(intents)),
		groupW:   hp.groups,
		print:    fingerprint(intents, entities, opts),
	}
	for i, in := range intents {
		m.names[i] = in.Name
	}
	texts := trainingTexts(matcher, entities, m.lang, hp)
	large := len(texts) >= hp.largeFrom
	feats := m.vocabulary(texts, large, hp)
	exs := make([]example, len(texts))
	var buf []int32
	for i, t := range texts {
		exs[i].class = t.class
		buf = vectorize(feats[i], m.vocab, m.idf, m.groups, m.groupW, buf, &exs[i].v)
	}
	m.fitWeights(exs, large, hp)
	m.dequantize(m.quantize())
	m.prepare(matcher)
	return m, nil
}

// trainText is a training text: its words and its intent (-1 for generated
// out-of-scope text).
type trainText struct {
	toks  []token
	class int32
}

// trainingTexts returns what a model is trained on: the intents' sentences
// as the matcher read them, expanded, then generated out-of-scope text.
func trainingTexts(matcher *Scorer, entities []Entity, lang string, hp hyper) []trainText {
	norm := matcher.norm
	var texts []trainText
	known := map[string]bool{} // normalised words of the training sentences
	byEntity := map[string]*Entity{}
	for i := range entities {
		byEntity[entities[i].Name] = &entities[i]
	}
	for ci, it := range matcher.intents {
		for k := range it.sentences {
			for _, t := range expand(&it.sentences[k], it.params, byEntity, lang, hp.variants) {
				toks := norm.tokens(t, maxTokens)
				if len(toks) == 0 {
					continue
				}
				for _, tk := range toks {
					known[tk.norm] = true
				}
				texts = append(texts, trainText{toks, int32(ci)})
			}
		}
	}
	rng := rand.New(rand.NewPCG(hp.seed, uint64(len(matcher.intents))))
	nNoise := int(math.Round(hp.noise * float64(len(texts))))
	nNoise = min(max(nNoise, hp.minNoise), hp.maxNoise)
	for _, s := range noise(rng, lang, nNoise, func(w string) bool {
		return known[norm.normWord(w)] && !(norm.stop != nil && norm.stop(w))
	}) {
		if toks := norm.tokens(s, maxTokens); len(toks) > 0 {
			texts = append(texts, trainText{toks, -1})
		}
	}
	return texts
}

// vocabulary sets the model's features to those of the texts, indexed in
// hash order so that the indexes do not depend on map iteration, with their
// idf and group; on a large training set, character n-grams found in fewer
// than hp.minDF texts are left out. It returns each text's features.
func (m *Model) vocabulary(texts []trainText, large bool, hp hyper) [][]feat {
	feats := make([][]feat, len(texts))
	df := map[uint64]int{}
	kinds := map[uint64]byte{}
	for i, t := range texts {
		fs := appendFeatures(nil, t.toks)
		feats[i] = fs
		seen := map[uint64]bool{}
		for _, f := range fs {
			if !seen[f.hash] {
				seen[f.hash] = true
				df[f.hash]++
				kinds[f.hash] = f.kind
			}
		}
	}
	minDF := 1
	if large {
		minDF = hp.minDF
	}
	m.hashes = make([]uint64, 0, len(df))
	for h, d := range df {
		if d >= minDF || kinds[h] != kindChar {
			m.hashes = append(m.hashes, h)
		}
	}
	slices.Sort(m.hashes)
	m.vocab = make(map[uint64]int32, len(m.hashes))
	m.idf = make([]float32, len(m.hashes))
	m.groups = make([]uint8, len(m.hashes))
	n := float64(len(texts))
	for i, h := range m.hashes {
		m.vocab[h] = int32(i)
		m.idf[i] = float32(math.Log((1+n)/(1+float64(df[h]))) + 1)
		m.groups[i] = groupOf(kinds[h])
	}
	return feats
}

// fitWeights trains the model's weights on the examples: one logistic
// regression per intent and, on a large training set, the multinomial one
// beside them, its columns following the per-intent ones in each row.
func (m *Model) fitWeights(exs []example, large bool, hp hyper) {
	nc := len(m.names)
	m.weights, m.bias = fit(exs, nc, len(m.hashes), hp)
	m.cols = nc
	if !large || hp.softEpochs <= 0 {
		return
	}
	sw, sb := fitSoftmax(exs, nc, len(m.hashes), hp)
	K := nc + 1
	m.cols = nc + K
	all := make([]float32, len(m.hashes)*m.cols)
	for f := range m.hashes {
		copy(all[f*m.cols:], m.weights[f*nc:f*nc+nc])
		for k := range K {
			all[f*m.cols+nc+k] = float32(sw[f*K+k])
		}
	}
	m.weights = all
	for _, x := range sb {
		m.bias = append(m.bias, float32(x))
	}
	m.mix = hp.mix
}

// fit trains one binary logistic regression per class by stochastic gradient
// descent with an L2 penalty, the classes in parallel (each class alone is
// sequential and seeded, so the result does not depend on scheduling). It
// returns the weights feature-major (weights[f*classes+c]) and the biases.
func fit(exs []example, classes, features int, hp hyper) ([]float32, []float32) {
	// One visiting order per epoch, shared by the classes.
	rng := rand.New(rand.NewPCG(hp.seed, 1))
	orders := make([][]int32, hp.epochs)
	for e := range orders {
		o := make([]int32, len(exs))
		for i := range o {
			o[i] = int32(i)
		}
		rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		orders[e] = o
	}
	count := make([]int, classes)
	for _, ex := range exs {
		if ex.class >= 0 {
			count[ex.class]++
		}
	}
	weights := make([]float32, features*classes)
	bias := make([]float32, classes)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), classes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make([]float64, features)
			for c := range jobs {
				clear(w)
				b := fitClass(exs, int32(c), count[c], w, orders, hp)
				for f, x := range w {
					weights[f*classes+c] = float32(x)
				}
				bias[c] = float32(b)
			}
		}()
	}
	for c := range classes {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	return weights, bias
}

// fitClass trains the logistic regression of class c into w and returns its
// bias. The class's own sentences weigh more when they are few against many
// others, so that its probabilities are not all pulled down by the
// imbalance, up to hp.posWeight.
func fitClass(exs []example, c int32, pos int, w []float64, orders [][]int32, hp hyper) float64 {
	neg := len(exs) - pos
	pw := 1.0
	if pos > 0 {
		pw = min(max(math.Sqrt(float64(neg)/float64(pos)), 1), hp.posWeight)
	}
	var b float64
	// The L2 penalty is applied to the weights of the features an example
	// uses when it is visited: features are sparse, and a decay of every
	// weight at every step would cost the size of the vocabulary.
	t := 0
	total := float64(hp.epochs * len(exs))
	// The weights returned are the average of their values at the end of
	// each epoch of the second half: averaging smooths out the last steps'
	// noise, and gives steadier models on small data.
	avg := make([]float64, len(w))
	var avgB float64
	navg := 0
	defer func() {
		for i := range w {
			w[i] = avg[i] / float64(navg)
		}
	}()
	for e, order := range orders {
		if e > 0 && e >= len(orders)/2 {
			for i, x := range w {
				avg[i] += x
			}
			avgB += b
			navg++
		}
		for _, k := range order {
			ex := &exs[k]
			rate := hp.rate * (1 - float64(t)/total*0.9)
			t++
			z := b
			for j, i := range ex.v.idx {
				z += w[i] * float64(ex.v.val[j])
			}
			p := sigmoid(z)
			y, wt := 0.0, 1.0
			if ex.class == c {
				y, wt = 1, pw
			}
			g := (p - y) * wt
			for j, i := range ex.v.idx {
				w[i] -= rate * (g*float64(ex.v.val[j]) + hp.l2*w[i])
			}
			b -= rate * g
		}
	}
	for i, x := range w {
		avg[i] += x
	}
	navg++
	return (avgB + b) / float64(navg)
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// expand returns the texts a training sentence stands for: the sentence
// itself when it has no placeholder, else up to limit copies with each
// placeholder replaced by a way of writing a value of its entity, chosen
// round-robin so that every value and synonym appears when there are few.
func expand(sen *sentence, params []Param, byEntity map[string]*Entity, lang string, limit int) []string {
	if len(sen.holes) == 0 {
		return []string{sen.text}
	}
	forms := make([][]string, len(sen.holes))
	n := 1
	for k, h := range sen.holes {
		forms[k] = entityForms(params[h.param].Entity, byEntity, lang)
		if len(forms[k]) == 0 {
			forms[k] = []string{""}
		}
		n = max(n, len(forms[k]))
	}
	n = min(n, limit)
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for v := range n {
		var b strings.Builder
		at := 0
		for k, h := range sen.holes {
			b.WriteString(sen.text[at:h.Start])
			// Placeholder k is the (2k+1)-th part of the sentence, text
			// and placeholders counted: the value it takes rotates with
			// its place.
			b.WriteString(forms[k][(v+2*k+1)%len(forms[k])])
			at = h.End
		}
		b.WriteString(sen.text[at:])
		if s := b.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// entityForms returns ways of writing values of an entity, for training.
func entityForms(entity string, byEntity map[string]*Entity, lang string) []string {
	switch entity {
	case EntityNumber:
		return []string{"3", "12", "2.5", "100", "1"}
	case EntityDatetime:
		return datetimeSamples(lang)
	case EntityAny:
		return []string{"something", "this", "the thing", "it"}
	}
	e, ok := byEntity[entity]
	if !ok {
		return nil
	}
	if e.Regex != "" {
		return regexSamples(e.Regex, 4)
	}
	var forms []string
	for _, v := range e.Values {
		forms = append(forms, v.Canonical)
		forms = append(forms, v.Synonyms...)
	}
	return forms
}

// fingerprint identifies the input of a training: a model is used only for
// the intents, entities and normalisation it was trained on.
func fingerprint(intents []Intent, entities []Entity, opts Options) [16]byte {
	var b strings.Builder
	fmt.Fprintf(&b, "v%d|%s|%v\n", formatVersion, strings.ToLower(opts.Language), opts.Stemming)
	for _, in := range intents {
		fmt.Fprintf(&b, "I%q", in.Name)
		for _, s := range in.Sentences {
			fmt.Fprintf(&b, " %q", s)
		}
		for _, p := range in.Params {
			fmt.Fprintf(&b, " %q:%q", p.Name, p.Entity)
		}
		b.WriteByte('\n')
	}
	for _, e := range entities {
		fmt.Fprintf(&b, "E%q %q %v", e.Name, e.Regex, e.Fuzzy)
		for _, v := range e.Values {
			fmt.Fprintf(&b, " %q%q", v.Canonical, v.Synonyms)
		}
		b.WriteByte('\n')
	}
	return hash128(b.String())
}
