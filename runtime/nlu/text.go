package nlu

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/spanish"
)

// token is one word of a text: its byte span in the original text, its
// lower-cased form without punctuation, and that form normalised (stemmed when
// stemming is on).
type token struct {
	start, end int
	word       string
	norm       string
	weight     float64 // how much the word counts when scoring
	meaning    string  // from the lexicon, when a word or phrase starts here
	phrase     int     // the words of that phrase (1 for a word)
}

// stopWeight is the weight of a stop word ("the", "is", "you"): they count,
// so that "how are you" can be an intent, but a shared "in" alone does not
// make a message understood.
const stopWeight = 0.25

// isWordRune reports whether r belongs to a word. Marks are kept so that
// decomposed accents stay with their letter.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isApostrophe reports whether r is an apostrophe, which is dropped inside a
// word ("don't" reads "dont") rather than splitting it.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u02bc'
}

// maxTokens bounds the words of a message that are read: a chat message
// longer than this cannot read like a training sentence anyway, and the cost
// of scoring grows with its length.
const maxTokens = 256

// maxWordRunes bounds the letters of a word that are read: no training
// word is that long, and a word of a million letters must not cost a
// million letters of stemming and n-grams.
const maxWordRunes = 64

// tokenize splits text into words: maximal runs of letters, digits and marks.
// Every other character is punctuation or space and separates words. Words
// are lower-cased and cut to maxWordRunes letters; norm is left empty (see
// normalizer.tokens). It stops after limit words when limit > 0.
func tokenize(text string, limit int) []token {
	return appendTokens(make([]token, 0, 8), text, limit)
}

// appendTokens appends the words of text to toks, as tokenize returns them.
func appendTokens(toks []token, text string, limit int) []token {
	first := len(toks)
	var buf [4 * maxWordRunes]byte // a word as it is read, when it differs from its text
	b := buf[:0]
	start := -1
	runes := 0       // in the word so far
	changed := false // the word differs from its text: b holds it
	flush := func(end int) {
		if start >= 0 {
			w := text[start:end] // already lower case: no copy
			if changed {
				w = string(b)
			}
			toks = append(toks, token{start: start, end: end, word: w})
			b = b[:0]
			start = -1
			runes = 0
			changed = false
		}
	}
	for i := 0; i < len(text) && (limit <= 0 || len(toks)-first < limit); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
			if runes++; runes > maxWordRunes {
				changed = true // the word is b, cut short
				break
			}
			lr := unicode.ToLower(r)
			changed = changed || lr != r
			b = utf8.AppendRune(b, lr)
		case isApostrophe(r) && start >= 0 && i+size < len(text):
			// Inside a word only when a word character follows.
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if isWordRune(next) {
				changed = true
			} else {
				flush(i)
			}
		default:
			flush(i)
		}
		i += size
	}
	if limit <= 0 || len(toks)-first < limit {
		flush(len(text))
	}
	return toks
}

// normalizer turns words into the form intents are compared in.
type normalizer struct {
	stem func(word string, stemStopWords bool) string // nil: no stemming
	stop func(word string) bool                       // nil: no stop words
	// stems caches the stems of the training words, so that most words of a
	// message are not stemmed again. Filled while the classifier is built,
	// read-only after.
	stems map[string]string
	// meanings is the language's lexicon (see lexicon.go); nil for a
	// language without one.
	meanings map[string]string
}

// stemmer returns the stemmer for a language code: Snowball's for English,
// Spanish and French, a light suffix stripper for German, Italian and
// Portuguese (see stem.go), nil for other languages (compared unstemmed).
func stemmer(language string) func(string, bool) string {
	switch strings.ToLower(language) {
	case "en", "english":
		return english.Stem
	case "es", "spanish":
		return spanish.Stem
	case "fr", "french":
		return french.Stem
	}
	return lightStemmer(strings.ToLower(language))
}

// StopWords returns the Snowball stop word list of a language code, nil for
// the languages without one.
func StopWords(language string) func(string) bool {
	switch strings.ToLower(language) {
	case "en", "english":
		return english.IsStopWord
	case "es", "spanish":
		return spanish.IsStopWord
	case "fr", "french":
		return french.IsStopWord
	}
	return nil
}

func newNormalizer(language string, stemming bool) normalizer {
	n := normalizer{stop: StopWords(language), meanings: meanings[strings.ToLower(language)]}
	if stemming {
		n.stem = stemmer(language)
	}
	if n.stem != nil {
		n.stems = map[string]string{}
	}
	return n
}

// normWord returns the normalised form of a lower-cased word.
func (n normalizer) normWord(w string) string {
	if n.stem == nil {
		return w
	}
	if st, ok := n.stems[w]; ok {
		return st
	}
	// Stop words are stemmed too so that a word has a single form whatever
	// list it is on.
	return n.stem(w, true)
}

// remember caches the stems of the words of text.
func (n normalizer) remember(text string) {
	if n.stem == nil || n.stems == nil {
		return
	}
	for _, t := range tokenize(text, 0) {
		if _, ok := n.stems[t.word]; !ok {
			n.stems[t.word] = n.stem(t.word, true)
		}
	}
}

// tokens tokenizes text (at most limit words when limit > 0), normalises
// every word and gives it its base weight.
func (n normalizer) tokens(text string, limit int) []token {
	return n.appendTokens(make([]token, 0, 8), text, limit)
}

// appendTokens appends to toks the tokens of text that tokens returns.
func (n normalizer) appendTokens(toks []token, text string, limit int) []token {
	first := len(toks)
	toks = appendTokens(toks, text, limit)
	read := toks[first:]
	for i := range read {
		read[i].norm = n.normWord(read[i].word)
		read[i].weight = 1
		if n.stop != nil && n.stop(read[i].word) {
			read[i].weight = stopWeight
		}
	}
	markMeanings(read, n.meanings)
	return toks
}

// Normalize returns the words of text as the classifier compares them: lower
// case, punctuation stripped, stemmed in language when stemming is true and
// the language has a stemmer (en, es, fr, de, it, pt).
func Normalize(text, language string, stemming bool) []string {
	toks := newNormalizer(language, stemming).tokens(text, 0)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.norm
	}
	return out
}
