package nlu

import (
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/spelling"
)

// maxEdits is the most typos a fuzzy entity forgives in one word.
const maxEdits = 2

// allowedEdits returns the typos forgiven in a value's word of n letters:
// none under 4 letters, one up to 7, two beyond.
func allowedEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// near returns the edits between a message word and a value's word, ok when
// they are within the typos allowed for the value's word.
func near(got, want string) (edits int, ok bool) {
	if got == want {
		return 0, true
	}
	allowed := allowedEdits(utf8.RuneCountInString(want))
	if allowed == 0 {
		return 0, false
	}
	d := spelling.Distance(got, want, allowed)
	return d, d <= allowed
}

// fuzzyIndex holds the patterns of one fuzzy entity with the first words of
// its values in a trie. Looking a message word up walks the prefixes the
// values share and leaves a branch as soon as it is more than maxEdits away,
// so the cost grows with the values near the word, not with the number of
// values: comparing every word of a message with each of 2,000 values
// would take milliseconds a message.
type fuzzyIndex struct {
	patterns []pattern // declaration order
	byWord   [][]int32 // per first word: its patterns
	nodes    []trieNode
	maxRunes int // letters of the longest first word
}

// trieNode is a letter of a first word; node 0 is the root.
type trieNode struct {
	r     rune
	runes int     // letters from the root
	word  int32   // the first word ending here, -1 when none
	kids  []int32 // nodes
}

// newFuzzyIndex indexes the patterns of a fuzzy entity.
func newFuzzyIndex(ps []pattern) *fuzzyIndex {
	x := &fuzzyIndex{patterns: ps, nodes: []trieNode{{word: -1}}}
	for pi, p := range ps {
		n := int32(0)
		for _, r := range p.words[0] {
			next := int32(-1)
			for _, k := range x.nodes[n].kids {
				if x.nodes[k].r == r {
					next = k
					break
				}
			}
			if next < 0 {
				next = int32(len(x.nodes))
				x.nodes = append(x.nodes, trieNode{r: r, runes: x.nodes[n].runes + 1, word: -1})
				x.nodes[n].kids = append(x.nodes[n].kids, next)
			}
			n = next
		}
		if x.nodes[n].word < 0 {
			x.nodes[n].word = int32(len(x.byWord))
			x.byWord = append(x.byWord, nil)
		}
		w := x.nodes[n].word
		x.byWord[w] = append(x.byWord[w], int32(pi))
		x.maxRunes = max(x.maxRunes, x.nodes[n].runes)
	}
	return x
}

// trieWalk is one look-up: the optimal string alignment distance (as
// spelling.Distance computes it) between the word q and every trie path, one
// row of the table per letter of the path.
type trieWalk struct {
	x    *fuzzyIndex
	q    []rune
	rows []int // row i at rows[i*(len(q)+1):]
	fn   func(word int32, edits int)
}

// lookup calls fn with every first word within its allowed typos of q, and
// their distance. buf is scratch memory, returned for the next call.
func (x *fuzzyIndex) lookup(q []rune, buf []int, fn func(word int32, edits int)) []int {
	n := len(q)
	if n > x.maxRunes+maxEdits {
		return buf
	}
	// A path of i letters is at least i-n edits away: the walk stops at
	// depth n+maxEdits+1.
	need := (min(x.maxRunes, n+maxEdits+1) + 1) * (n + 1)
	if cap(buf) < need {
		buf = make([]int, need)
	}
	w := trieWalk{x: x, q: q, rows: buf[:need], fn: fn}
	for j := 0; j <= n; j++ {
		w.rows[j] = j
	}
	for _, k := range x.nodes[0].kids {
		w.walk(k, 1, 0)
	}
	return buf
}

// walk fills the row of node id, at depth i, whose parent's letter is pr.
func (w *trieWalk) walk(id int32, i int, pr rune) {
	nd := &w.x.nodes[id]
	n := len(w.q)
	prev := w.rows[(i-1)*(n+1) : i*(n+1)]
	cur := w.rows[i*(n+1) : (i+1)*(n+1)]
	cur[0] = i
	rowMin := i
	for j := 1; j <= n; j++ {
		cost := 1
		if nd.r == w.q[j-1] {
			cost = 0
		}
		v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		if i > 1 && j > 1 && nd.r == w.q[j-2] && pr == w.q[j-1] {
			v = min(v, w.rows[(i-2)*(n+1)+j-2]+1)
		}
		cur[j] = v
		rowMin = min(rowMin, v)
	}
	if nd.word >= 0 && cur[n] <= allowedEdits(nd.runes) {
		w.fn(nd.word, cur[n])
	}
	if rowMin > maxEdits {
		return // every longer path is further still
	}
	for _, k := range nd.kids {
		w.walk(k, i+1, nd.r)
	}
}
