package nlu

import (
	"fmt"
	"strings"
)

// Placeholder is a {param} placeholder of a training sentence.
type Placeholder struct {
	// Start and End delimit the placeholder in the sentence, braces
	// included.
	Start, End int
	// Name is the parameter it names: what stands between the braces,
	// without the spaces around it.
	Name string
}

// Placeholders returns the {param} placeholders of a training sentence, in
// order. A placeholder runs from an opening brace to the next closing one;
// an opening brace no closing one follows is text. It is the one reading of
// placeholders: the classifier, its training, and the checker's diagnostics
// all go through it.
func Placeholders(sentence string) []Placeholder {
	var out []Placeholder
	for at := 0; ; {
		open := strings.IndexByte(sentence[at:], '{')
		if open < 0 {
			return out
		}
		open += at
		end := strings.IndexByte(sentence[open:], '}')
		if end < 0 {
			return out
		}
		end += open + 1
		out = append(out, Placeholder{Start: open, End: end, Name: strings.TrimSpace(sentence[open+1 : end-1])})
		at = end
	}
}

// sentence is a training sentence as it is read once, when the intents are
// prepared: its text and placeholders (for training, which fills them), and
// its normalised words and placeholders (for scoring and exact matches).
type sentence struct {
	text   string
	holes  []hole
	toks   []stoken
	total  float64 // sum of the weights
	hasAny bool    // has a placeholder of an any param
}

// hole is a placeholder of a sentence and the index of its param.
type hole struct {
	Placeholder
	param int
}

// stoken is a word (param < 0) or the placeholder of params[param].
type stoken struct {
	norm   string
	param  int
	weight float64
}

// placeholderWeight is the weight of a placeholder and of the mention that
// stands for it.
const placeholderWeight = 1

// parseSentence reads a training sentence: its placeholders, and its
// normalised words (weights not yet divided by the intents that use them).
// It fails when a placeholder names no declared param.
func parseSentence(norm normalizer, text string, params []Param) (sentence, error) {
	hs, err := holes(text, params)
	if err != nil {
		return sentence{}, err
	}
	sen := sentence{text: text, holes: hs}
	at := 0
	for _, h := range hs {
		sen.appendWords(norm.tokens(text[at:h.Start], 0))
		sen.toks = append(sen.toks, stoken{norm: "{" + h.Name + "}", param: h.param, weight: placeholderWeight})
		if params[h.param].Entity == EntityAny {
			sen.hasAny = true
		}
		at = h.End
	}
	sen.appendWords(norm.tokens(text[at:], 0))
	return sen, nil
}

// holes returns the placeholders of a sentence with the params they name.
// It fails when a placeholder names no declared param.
func holes(text string, params []Param) ([]hole, error) {
	phs := Placeholders(text)
	if phs == nil {
		return nil, nil
	}
	hs := make([]hole, len(phs))
	for i, ph := range phs {
		idx := paramIndex(params, ph.Name)
		if idx < 0 {
			return nil, fmt.Errorf("sentence %q: {%s} is not a declared param", text, ph.Name)
		}
		hs[i] = hole{ph, idx}
	}
	return hs, nil
}

func (sen *sentence) appendWords(toks []token) {
	for _, t := range toks {
		sen.toks = append(sen.toks, stoken{norm: t.norm, param: -1, weight: t.weight})
	}
}

// paramIndex returns the index of the param called name, -1 when none is.
func paramIndex(params []Param, name string) int {
	for i, p := range params {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// key returns the normalised words of the sentence joined by spaces, each
// placeholder written "{}", at most limit of them when limit > 0: a message
// reads as the sentence when its key is the same.
func (sen *sentence) key(limit int) string {
	toks := sen.toks
	if limit > 0 {
		toks = toks[:min(len(toks), limit)]
	}
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		if t.param >= 0 {
			b.WriteString("{}")
		} else {
			b.WriteString(t.norm)
		}
	}
	return b.String()
}
