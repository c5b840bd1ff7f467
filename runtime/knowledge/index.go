package knowledge

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/nlu"
)

// Index is a lexical index of passages: for every normalised word, the
// passages that hold it and how much it counts in each. It is read-only
// once built or loaded, and safe for concurrent use.
type Index struct {
	language string
	params   params

	// All the passages' text, one string, which sources, titles and texts
	// are slices of: a loaded index copies its data once.
	text     string
	sources  []string
	titles   []string
	passages []passageRef

	// The vocabulary, sorted; the postings of terms[i] are
	// docs[starts[i]:starts[i+1]], with the word's count in the passage
	// (its title's words counting params.titleWeight times) in tfs and its
	// BM25 score there in scores.
	terms  []string
	starts []uint32
	docs   []uint32
	tfs    []uint16
	scores []float32

	scratch sync.Pool // of *scratch: what a search adds scores up in
}

// passageRef is a passage of Index: its source and title by number, its
// text as a slice of Index.text.
type passageRef struct {
	source, title  uint32
	textAt, textTo uint32
}

// params are the choices an index is built with. Stemming and stop words
// change how a query is read, so an encoded index records them; k1 and b
// shape the scores.
type params struct {
	stemming    bool    // words are stemmed in the index's language
	stopWords   bool    // the language's stop words are not indexed
	titleWeight int     // how many times a word of a title counts
	k1, b       float64 // BM25's term saturation and length normalisation
}

// defaultParams returns Build's choices, the best of those measured on
// the retrieval question set (see docs/performance.md).
func defaultParams() params {
	return params{stemming: true, stopWords: true, titleWeight: 2, k1: 1.2, b: 0.75}
}

// Limits on what an index holds and a search reads.
const (
	// maxTF is the most a word counts in one passage; more is counted as
	// this, which BM25's saturation makes no different.
	maxTF = math.MaxUint16
	// maxQueryBytes is how much of a query Search reads: a question longer
	// than this is not a question.
	maxQueryBytes = 4096
)

// Hit is a passage Search found, with how well it matches.
type Hit struct {
	// ID is the passage's position in the index, from 0, the position of
	// the passage given to Build.
	ID      int
	Passage Passage
	// Score is the passage's BM25 score for the query, above 0; only
	// scores of the same index compare.
	Score float64
}

// Build indexes passages, normalising their words in language (a code such
// as "en", at most 255 bytes; see nlu.Normalize). Text that is not UTF-8
// is replaced by U+FFFD, as Load wants it. The same passages and language
// always give the same index, and the same bytes from Encode.
func Build(passages []Passage, language string) *Index {
	return build(passages, language, defaultParams())
}

// build is Build with its choices as a parameter, which the retrieval
// measurements vary.
func build(passages []Passage, language string, p params) *Index {
	x := &Index{language: language, params: p}
	var text strings.Builder
	sources := map[string]uint32{}
	titles := map[string]uint32{}
	number := func(m map[string]uint32, list *[]string, s string) uint32 {
		n, ok := m[s]
		if !ok {
			n = uint32(len(*list))
			m[s] = n
			*list = append(*list, s)
		}
		return n
	}
	type posting struct {
		doc uint32
		tf  uint16
	}
	postings := map[string][]posting{}
	for i, ps := range passages {
		ps.Source = strings.ToValidUTF8(ps.Source, "\uFFFD")
		ps.Title = strings.ToValidUTF8(ps.Title, "\uFFFD")
		ps.Text = strings.ToValidUTF8(ps.Text, "\uFFFD")
		ref := passageRef{
			source: number(sources, &x.sources, ps.Source),
			title:  number(titles, &x.titles, ps.Title),
			textAt: uint32(text.Len()),
		}
		text.WriteString(ps.Text)
		ref.textTo = uint32(text.Len())
		x.passages = append(x.passages, ref)

		counts := map[string]int{}
		for _, w := range x.words(ps.Title) {
			counts[w] += p.titleWeight
		}
		for _, w := range x.words(ps.Text) {
			counts[w]++
		}
		for w, n := range counts {
			if n > 0 {
				postings[w] = append(postings[w], posting{uint32(i), uint16(min(n, maxTF))})
			}
		}
	}
	x.text = text.String()
	x.terms = make([]string, 0, len(postings))
	for w := range postings {
		x.terms = append(x.terms, w)
	}
	slices.Sort(x.terms)
	x.starts = make([]uint32, 0, len(x.terms)+1)
	for _, w := range x.terms {
		x.starts = append(x.starts, uint32(len(x.docs)))
		for _, ps := range postings[w] {
			x.docs = append(x.docs, ps.doc)
			x.tfs = append(x.tfs, ps.tf)
		}
	}
	x.starts = append(x.starts, uint32(len(x.docs)))
	x.score()
	return x
}

// score computes every posting's BM25 score from the counts: the one
// place scores come from, for a built index and a loaded one alike, so
// that both rank alike.
func (x *Index) score() {
	n := len(x.passages)
	lengths := make([]uint32, n) // saturated: only a forged index reaches 2³²
	var total uint64
	for i, d := range x.docs {
		lengths[d] = uint32(min(uint64(lengths[d])+uint64(x.tfs[i]), math.MaxUint32))
		total += uint64(x.tfs[i])
	}
	avg := 1.0
	if n > 0 && total > 0 {
		avg = float64(total) / float64(n)
	}
	k1, b := x.params.k1, x.params.b
	x.scores = make([]float32, len(x.docs))
	for t := range x.terms {
		from, to := x.starts[t], x.starts[t+1]
		df := float64(to - from)
		idf := math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
		for i := from; i < to; i++ {
			tf := float64(x.tfs[i])
			norm := 1 - b + b*float64(lengths[x.docs[i]])/avg
			x.scores[i] = float32(idf * tf * (k1 + 1) / (tf + k1*norm))
		}
	}
}

// words returns the normalised words of s that the index counts.
func (x *Index) words(s string) []string {
	words := nlu.Normalize(s, x.language, x.params.stemming)
	stop := nlu.StopWords(x.language)
	if !x.params.stopWords || stop == nil {
		return words
	}
	plain := words
	if x.params.stemming {
		plain = nlu.Normalize(s, x.language, false)
		if len(plain) != len(words) {
			return words // cannot tell which are stop words
		}
	}
	kept := words[:0]
	for i, w := range words {
		if !stop(plain[i]) {
			kept = append(kept, w)
		}
	}
	return kept
}

// Len returns the number of passages in the index.
func (x *Index) Len() int { return len(x.passages) }

// Language returns the language the index's words are normalised in.
func (x *Index) Language() string { return x.language }

// Passage returns the passage numbered id (a Hit's ID), from 0 to Len()-1.
func (x *Index) Passage(id int) Passage {
	r := x.passages[id]
	return Passage{Source: x.sources[r.source], Title: x.titles[r.title], Text: x.text[r.textAt:r.textTo]}
}

// scratch is what one search adds scores up in, kept between searches.
type scratch struct {
	score   []float64 // by passage; 0 for those the query does not reach
	touched []uint32  // the passages with a score
}

// Search returns the k passages that match query best, best first; fewer
// when fewer hold a word of the query, none when no word of the query is
// in the index. Passages that score the same come in index order. It reads
// the first 4 KiB of query.
func (x *Index) Search(query string, k int) []Hit {
	if k <= 0 || len(x.passages) == 0 {
		return nil
	}
	if len(query) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(query[cut]) {
			cut--
		}
		query = query[:cut]
	}
	words := x.words(query)
	slices.Sort(words)
	words = slices.Compact(words)

	s, _ := x.scratch.Get().(*scratch)
	if s == nil {
		s = &scratch{score: make([]float64, len(x.passages))}
	}
	for _, w := range words {
		t, ok := slices.BinarySearch(x.terms, w)
		if !ok {
			continue
		}
		for i := x.starts[t]; i < x.starts[t+1]; i++ {
			d := x.docs[i]
			if s.score[d] == 0 {
				s.touched = append(s.touched, d)
			}
			s.score[d] += float64(x.scores[i])
		}
	}
	best := top(s.touched, s.score, k)
	hits := make([]Hit, len(best))
	for i, d := range best {
		hits[i] = Hit{ID: int(d), Passage: x.Passage(int(d)), Score: s.score[d]}
	}
	for _, d := range s.touched {
		s.score[d] = 0
	}
	s.touched = s.touched[:0]
	x.scratch.Put(s)
	if len(hits) == 0 {
		return nil
	}
	return hits
}

// better reports whether passage a ranks before passage b: a higher score,
// or the same score and a lower number.
func better(score []float64, a, b uint32) bool {
	if score[a] != score[b] {
		return score[a] > score[b]
	}
	return a < b
}

// top returns the k best of the passages touched, best first. It keeps a
// heap of the k best seen, the worst at its root, so that a query reaching
// thousands of passages costs no sort of them all.
func top(touched []uint32, score []float64, k int) []uint32 {
	if len(touched) <= k {
		out := slices.Clone(touched)
		slices.SortFunc(out, func(a, b uint32) int { return rank(score, a, b) })
		return out
	}
	h := make([]uint32, 0, k)
	worse := func(i, j int) bool { return better(score, h[j], h[i]) } // h[i] ranks after h[j]
	down := func(i int) {
		for {
			l, w := 2*i+1, i
			if l < len(h) && worse(l, w) {
				w = l
			}
			if r := l + 1; r < len(h) && worse(r, w) {
				w = r
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for _, d := range touched {
		if len(h) < k {
			h = append(h, d)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !worse(i, p) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if better(score, d, h[0]) {
			h[0] = d
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b uint32) int { return rank(score, a, b) })
	return h
}

// rank orders passages best first, for slices.SortFunc.
func rank(score []float64, a, b uint32) int {
	if c := cmp.Compare(score[b], score[a]); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}
