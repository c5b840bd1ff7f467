package nlu

import (
	"regexp/syntax"
	"strings"
)

// regexSamples returns up to n texts a regular expression matches, for the
// training sentences whose placeholders stand for a regex entity: a
// placeholder must be replaced by something shaped like its values, or the
// sentence would be trained without it. Each sample takes, at every choice,
// the option numbered by the sample (modulo the options).
func regexSamples(expr string, n int) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	var out []string
	seen := map[string]bool{}
	for v := range n {
		var b strings.Builder
		sample(&b, re, v, 0)
		if s := b.String(); s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// sample writes one text re matches; v picks among choices.
func sample(b *strings.Builder, re *syntax.Regexp, v, depth int) {
	if depth > 50 || b.Len() > 200 {
		return
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		if len(re.Rune) < 2 {
			return
		}
		// Prefer a letter or digit of the class, the v-th in its first range.
		lo, hi := re.Rune[0], re.Rune[1]
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= 'z' && re.Rune[i+1] >= '0' {
				lo, hi = max(re.Rune[i], '0'), min(re.Rune[i+1], 'z')
				break
			}
		}
		span := int(hi-lo) + 1
		b.WriteRune(lo + rune((v*7+depth*3)%span))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
	case syntax.OpCapture:
		sample(b, re.Sub[0], v, depth+1)
	case syntax.OpConcat:
		for i, s := range re.Sub {
			sample(b, s, v, depth+i+1)
		}
	case syntax.OpAlternate:
		sample(b, re.Sub[v%len(re.Sub)], v, depth+1)
	case syntax.OpStar, syntax.OpQuest:
		if v%2 == 1 {
			sample(b, re.Sub[0], v, depth+1)
		}
	case syntax.OpPlus:
		sample(b, re.Sub[0], v, depth+1)
	case syntax.OpRepeat:
		count := max(re.Min, 1)
		if re.Max > re.Min && v%2 == 1 {
			count = min(re.Max, re.Min+2)
		}
		for i := range count {
			sample(b, re.Sub[0], v, depth+i+1)
		}
	}
}
