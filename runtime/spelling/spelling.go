// Package spelling finds the known name that a mistyped one was most likely
// meant to be, for "did you mean" hints in diagnostics and config warnings.
package spelling

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidate closest to name when it is a likely typo of
// it: the same but for case, or within two edits (one for names of three or
// four runes, none for shorter ones, where edits reach too many names), and
// never name itself. Ties
// go to the earlier candidate, so the hint is deterministic when candidates
// come in a fixed order. It returns "" when no candidate is close.
func Suggest(name string, candidates []string) string {
	limit := 2
	switch n := utf8.RuneCountInString(name); {
	case n <= 2:
		limit = 0 // "x" is one edit from every one-letter name
	case n <= 4:
		limit = 1
	}
	best, bestD := "", limit+1
	lower := strings.ToLower(name)
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := Distance(lower, strings.ToLower(c), limit); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Distance returns the optimal string alignment distance between a and b in
// runes (insertions, deletions, substitutions and swaps of two neighbours
// each count one), or limit+1 as soon as it is known to exceed limit.
func Distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	// Three rows: two back (for swaps), one back, and the current one.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
