package nlu

import (
	"math"
	"slices"
	"strings"
)

// Feature kinds. A feature is identified by a 64-bit hash of its kind and
// text, so that messages are turned into features without building strings.
const (
	kindWord   = 'w' // a normalised (stemmed) word
	kindBigram = 'b' // two consecutive normalised words
	kindChar   = 'c' // a character n-gram of a lower-cased word, with its boundaries
	kindSense  = 's' // what a word or phrase means, from the language's lexicon
)

// numGroups is the number of feature groups, each with its weight: words,
// word pairs, character n-grams, meanings (normalised with the words).
const numGroups = 4

// Character n-grams are taken from the word with a boundary mark on each
// side, from minGram to maxGram runes long. They let a typo ("helo") or an
// inflection the stemmer does not know still share most features with the
// training word.
const (
	minGram = 2
	maxGram = 5
)

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = hashByte(h, s[i])
	}
	return h
}

// feat is a hashed feature and its group (kindWord, kindBigram, kindChar).
type feat struct {
	hash uint64
	kind byte
}

// appendFeatures appends the features of a normalised token sequence: word
// unigrams and bigrams of the normalised forms, and character n-grams of the
// lower-cased words. A feature appears once per occurrence.
func appendFeatures(out []feat, toks []token) []feat {
	for i, t := range toks {
		out = append(out, feat{hashString(hashByte(fnvOffset, kindWord), t.norm), kindWord})
		if i > 0 {
			h := hashString(hashByte(fnvOffset, kindBigram), toks[i-1].norm)
			h = hashByte(h, ' ')
			out = append(out, feat{hashString(h, t.norm), kindBigram})
		}
		// A meaning counts once per word of its phrase: vectorize weighs
		// the meanings by the share of the words they cover.
		for range t.phrase {
			out = append(out, feat{hashString(hashByte(fnvOffset, kindSense), t.meaning), kindSense})
		}
		if shape, ok := digitShape(t.word); ok {
			// Numbers differ from one message to the next; their shape
			// ("00", "0am") is what an intent is trained on.
			out = append(out, feat{hashString(hashByte(fnvOffset, kindWord), shape), kindWord})
			out = appendCharGrams(out, shape)
		} else {
			out = appendCharGrams(out, t.word)
		}
	}
	return out
}

// maxGramRunes bounds the runes of a word that give character n-grams: a
// pasted hash or URL says nothing more with its tail.
const maxGramRunes = 40

// appendCharGrams appends the character n-grams of word marked by '<' and '>'
// at its ends, never splitting a rune.
func appendCharGrams(out []feat, word string) []feat {
	// units are the padded word's runes: '<', the word's runes, '>'.
	// starts[k] is the byte offset in word of unit k (unit 0 is '<').
	var starts [maxGramRunes + 2]int
	n, end := 1, len(word)
	for i := range word {
		if n > maxGramRunes {
			end = i
			break
		}
		starts[n] = i
		n++
	}
	starts[n] = end // '>'
	units := n + 1
	unit := func(h uint64, k int) uint64 {
		switch k {
		case 0:
			return hashByte(h, '<')
		case units - 1:
			return hashByte(h, '>')
		}
		return hashString(h, word[starts[k]:starts[k+1]])
	}
	for size := minGram; size <= maxGram; size++ {
		for s := 0; s+size <= units; s++ {
			h := hashByte(fnvOffset, kindChar)
			for k := s; k < s+size; k++ {
				h = unit(h, k)
			}
			out = append(out, feat{h, kindChar})
		}
	}
	return out
}

// A message vector has four groups of features: words, word pairs,
// character n-grams and meanings. Each group is L2-normalised on its own,
// then scaled by the model's group weight, so that a long word does not drown
// the others with its many n-grams. The meanings' weight is also scaled by
// the share of the message's words that have one: in a one-word message
// ("hey") the meaning is most of what there is, in a long question one
// "good" is one word among many.

// groupOf returns the group of a feature kind: 0 words, 1 word pairs, 2
// character n-grams, 3 meanings.
func groupOf(kind byte) uint8 {
	switch kind {
	case kindWord:
		return 0
	case kindBigram:
		return 1
	case kindSense:
		return 3
	}
	return 2
}

// vector is a sparse feature vector: vocabulary indexes and values.
type vector struct {
	idx []int32
	val []float32
}

// vectorize turns features into a TF-IDF vector over the vocabulary: each
// known feature weighs (1 + ln tf) × idf, each group is L2-normalised and
// scaled by its weight (the meanings' by their share of the words too), and
// the whole vector is L2-normalised. Unknown features are dropped; idx comes
// out sorted. buf is scratch space, returned for reuse.
func vectorize(fs []feat, vocab map[uint64]int32, idf []float32, groups []uint8, gw [numGroups]float64, buf []int32, v *vector) []int32 {
	buf = buf[:0]
	words, senses := 0, 0
	for _, f := range fs {
		switch f.kind {
		case kindWord:
			words++
		case kindSense:
			senses++
		}
		if i, ok := vocab[f.hash]; ok {
			buf = append(buf, i)
		}
	}
	if words > 0 {
		gw[3] *= min(float64(senses)/float64(words), 1)
	}
	slices.Sort(buf)
	v.idx, v.val = v.idx[:0], v.val[:0]
	var norms [numGroups]float64
	for k := 0; k < len(buf); {
		i, tf := buf[k], 1
		for k+tf < len(buf) && buf[k+tf] == i {
			tf++
		}
		k += tf
		x := (1 + math.Log(float64(tf))) * float64(idf[i])
		v.idx = append(v.idx, i)
		v.val = append(v.val, float32(x))
		norms[groups[i]] += x * x
	}
	var scale [numGroups]float64
	var total float64
	for g := range norms {
		if norms[g] > 0 {
			scale[g] = gw[g] / math.Sqrt(norms[g])
			total += gw[g] * gw[g]
		}
	}
	if total == 0 {
		// Every group present weighs 0 (or there is no feature): so does
		// every feature, rather than its raw tf-idf.
		clear(v.val)
		return buf
	}
	inv := 1 / math.Sqrt(total)
	for k, i := range v.idx {
		v.val[k] = float32(float64(v.val[k]) * scale[groups[i]] * inv)
	}
	return buf
}

// digitShape returns word with every digit written 0, ok when it has one.
func digitShape(word string) (string, bool) {
	if !strings.ContainsAny(word, "0123456789") {
		return "", false
	}
	b := []byte(word)
	for i, c := range b {
		if c >= '1' && c <= '9' {
			b[i] = '0'
		}
	}
	return "#" + string(b), true
}
