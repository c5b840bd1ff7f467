package nlu

import (
	"strings"
	"unicode/utf8"
)

// Light stemmers for the languages the Snowball package does not cover
// (German, Italian, Portuguese): they strip the commonest inflectional
// suffixes, longest first, keeping a stem of at least three letters. They
// are deliberately light: character n-grams catch what they miss, and an
// aggressive stemmer would merge words that mean different things.

// suffixes per language, longest first within each list.
var lightSuffixes = map[string][]string{
	"de": {"ungen", "heiten", "keiten", "ernd", "erin", "innen", "ung", "heit", "keit", "isch", "lich", "chen",
		"ern", "est", "end", "ten", "tet", "em", "en", "er", "es", "st", "te", "et", "e", "n", "s", "t"},
	"it": {"amente", "azione", "azioni", "mente", "ando", "endo", "ato", "ata", "ati", "ate", "ito", "ita", "iti",
		"ite", "uto", "uta", "are", "ere", "ire", "ano", "ono", "erei", "ei", "a", "e", "i", "o"},
	"pt": {"amente", "ações", "mente", "ação", "ando", "endo", "indo", "ado", "ada", "ados", "adas", "ido", "ida",
		"idos", "idas", "aria", "eria", "ar", "er", "ir", "am", "em", "os", "as", "es", "a", "e", "o", "s"},
}

// lightStemmer returns the light stemmer of a language, nil when it has none.
func lightStemmer(lang string) func(string, bool) string {
	sfx, ok := lightSuffixes[lang]
	if !ok {
		return nil
	}
	return func(w string, _ bool) string {
		if lang == "de" {
			// Umlauts come and go with inflection (Haus, Häuser).
			w = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss").Replace(w)
		}
		best := ""
		for _, s := range sfx {
			if len(s) > len(best) && strings.HasSuffix(w, s) && utf8.RuneCountInString(w[:len(w)-len(s)]) >= 3 {
				best = s
			}
		}
		return w[:len(w)-len(best)]
	}
}
