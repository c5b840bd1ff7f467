package nlu

import (
	"slices"
	"unicode/utf8"
)

// Typo tolerance: a message word the model does not know, within one edit
// (a letter dropped, added, replaced, or two swapped) of a word of the
// training sentences, is read as that word. Character n-grams already let a
// misspelt word share most features with the right one; reading it as the
// right word gives it the full weight of the word, which matters most for
// bots with few training sentences ("helo" is hello).

// minSpellRunes is the length from which a word is corrected: shorter words
// are one edit away from too many others.
const minSpellRunes = 4

// speller corrects words within one edit of the training words. It is built
// from the training sentences when a model is prepared.
type speller struct {
	words   map[string]bool     // lower-cased training words
	deletes map[string][]string // a training word less one rune → the training words
	longest int                 // runes in the longest training word
}

func newSpeller() *speller {
	return &speller{words: map[string]bool{}, deletes: map[string][]string{}}
}

// add records a training word.
func (s *speller) add(w string) {
	if s.words[w] || utf8.RuneCountInString(w) < minSpellRunes {
		return
	}
	s.words[w] = true
	s.longest = max(s.longest, utf8.RuneCountInString(w))
	for _, d := range deletions(w) {
		if !slices.Contains(s.deletes[d], w) {
			s.deletes[d] = append(s.deletes[d], w)
		}
	}
}

// sort orders the candidates of every deletion, so that a correction does
// not depend on the order sentences were added in.
func (s *speller) sort() {
	for _, ws := range s.deletes {
		slices.Sort(ws)
	}
}

// deletions returns w with each of its runes removed in turn.
func deletions(w string) []string {
	out := make([]string, 0, len(w))
	for i, r := range w {
		out = append(out, w[:i]+w[i+utf8.RuneLen(r):])
	}
	return out
}

// correct returns the training word w is a typo of, ok false when there is
// none. A word with an extra letter is tried first, then one with a letter
// missing, then a replaced or swapped letter; among equals the smallest word
// wins, for determinism.
func (s *speller) correct(w string) (string, bool) {
	// A word more than one letter longer than every training word is no
	// typo of one; not trying it also keeps a long word from costing time
	// quadratic in its length.
	if n := utf8.RuneCountInString(w); len(s.words) == 0 || s.words[w] || n < minSpellRunes-1 || n > s.longest+1 {
		return "", false
	}
	ds := deletions(w)
	best := ""
	for _, d := range ds { // w has one letter too many
		if s.words[d] && (best == "" || d < best) {
			best = d
		}
	}
	if best != "" {
		return best, true
	}
	if ws := s.deletes[w]; len(ws) > 0 { // w lacks a letter
		return ws[0], true
	}
	for _, d := range ds { // a letter replaced, or two swapped
		for _, c := range s.deletes[d] {
			if best == "" || c < best {
				best = c
			}
		}
	}
	return best, best != ""
}
