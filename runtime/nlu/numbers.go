package nlu

import (
	"strconv"
	"strings"
)

// numberLexicon holds the number words of one language.
type numberLexicon struct {
	units  map[string]int // 0-99 as single words
	scales map[string]int // hundred, thousand, million
	and    []string       // words allowed between number words ("and")
}

// numberLanguage returns the number words of a language (English for
// unknown codes).
func numberLanguage(lang string) *numberLexicon {
	seq := func(words string, from int) map[string]int {
		m := map[string]int{}
		for i, w := range strings.Fields(words) {
			for _, alt := range strings.Split(w, "|") {
				m[alt] = from + i
			}
		}
		return m
	}
	tens := func(m map[string]int, words string) {
		for i, w := range strings.Fields(words) {
			for _, alt := range strings.Split(w, "|") {
				m[alt] = 20 + 10*i
			}
		}
	}
	var l numberLexicon
	switch lang {
	case "es":
		l.units = seq("cero uno|una|un dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis|dieciseis diecisiete dieciocho diecinueve veinte veintiuno|veintiuna|veintiún veintidós|veintidos veintitrés|veintitres veinticuatro veinticinco veintiséis|veintiseis veintisiete veintiocho veintinueve", 0)
		tens(l.units, "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa")
		l.scales = map[string]int{"cien": 100, "ciento": 100, "cientos": 100, "mil": 1000, "millón": 1e6, "millon": 1e6, "millones": 1e6}
		for i, w := range strings.Fields("doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos novecientos") {
			l.units[w] = 200 + 100*i // handled as a unit of hundreds
		}
		l.and = []string{"y"}
	case "fr":
		l.units = seq("zéro|zero un|une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize", 0)
		tens(l.units, "vingt trente quarante cinquante soixante")
		l.scales = map[string]int{"cent": 100, "cents": 100, "mille": 1000, "million": 1e6, "millions": 1e6}
		l.and = []string{"et"}
	case "de":
		l.units = seq("null eins|ein|eine zwei drei vier fünf|funf sechs sieben acht neun zehn elf zwölf|zwolf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn", 0)
		tens(l.units, "zwanzig dreißig|dreissig vierzig fünfzig sechzig siebzig achtzig neunzig")
		l.scales = map[string]int{"hundert": 100, "tausend": 1000, "million": 1e6, "millionen": 1e6}
		l.and = []string{"und"}
	case "it":
		l.units = seq("zero uno|una|un due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove", 0)
		tens(l.units, "venti|vent trenta|trent quaranta|quarant cinquanta|cinquant sessanta|sessant settanta|settant ottanta|ottant novanta|novant")
		l.units["tré"] = 3
		l.scales = map[string]int{"cento": 100, "mille": 1000, "mila": 1000, "milione": 1e6, "milioni": 1e6}
		l.and = []string{"e"}
	case "pt":
		l.units = seq("zero um|uma dois|duas três|tres quatro cinco seis sete oito nove dez onze doze treze catorze|quatorze quinze dezesseis|dezasseis dezessete|dezassete dezoito dezenove|dezanove", 0)
		tens(l.units, "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa")
		l.scales = map[string]int{"cem": 100, "cento": 100, "mil": 1000, "milhão": 1e6, "milhao": 1e6, "milhões": 1e6}
		for i, w := range strings.Fields("duzentos trezentos quatrocentos quinhentos seiscentos setecentos oitocentos novecentos") {
			l.units[w] = 200 + 100*i
		}
		l.and = []string{"e"}
	default:
		l.units = seq("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 0)
		tens(l.units, "twenty thirty forty fifty sixty seventy eighty ninety")
		l.scales = map[string]int{"hundred": 100, "thousand": 1000, "million": 1e6, "dozen": 12}
		l.and = []string{"and", "a"}
	}
	return &l
}

// numberParser reads numbers in the tokens of a message: digits (with
// decimals) and number words ("twenty one", "two hundred and five",
// German and Italian compounds such as "einundzwanzig" and "ventitré").
type numberParser struct {
	lex  *numberLexicon
	lang string
	text string
	toks []token
}

// parse reads a number at token i and returns it with the index after it.
func (p *numberParser) parse(i int) (float64, int, bool) {
	if i >= len(p.toks) {
		return 0, i, false
	}
	w := p.toks[i].word
	if v, err := strconv.Atoi(w); err == nil {
		// 2.5 is three tokens: 2, 5 with a dot between.
		if i+1 < len(p.toks) && p.text[p.toks[i].end:p.toks[i+1].start] == "." {
			if f, err := strconv.ParseFloat(w+"."+p.toks[i+1].word, 64); err == nil {
				return f, i + 2, true
			}
		}
		return float64(v), i + 1, true
	}
	total, cur, j, any := 0, 0, i, false
	for j < len(p.toks) {
		w := p.toks[j].word
		if in(p.lex.and, w) && any && j+1 < len(p.toks) {
			if _, ok := p.value(p.toks[j+1].word); ok {
				j++
				continue
			}
		}
		v, ok := p.value(w)
		if !ok {
			break
		}
		if v.scale == 0 && w == "a" {
			break
		}
		switch {
		case v.scale >= 1000:
			total += max(cur, 1) * v.scale
			cur = 0
		case v.scale == 100:
			cur = max(cur, 1) * 100
		case v.scale > 0: // dozen
			cur = max(cur, 1) * v.scale
		case p.lang == "fr" && v.n == 20 && cur%100 == 4: // quatre-vingt
			cur += 76
		default:
			// "one two" is two numbers, not three; "twenty one" is one.
			last := cur % 100
			fits := last == 0 || last%10 == 0 && last >= 20 && v.n < 10 ||
				p.lang == "fr" && (last == 60 || last == 80) && v.n < 20
			if any && !fits {
				return float64(total + cur), j, true
			}
			cur += v.n
		}
		any = true
		j++
	}
	if !any {
		return 0, i, false
	}
	return float64(total + cur), j, true
}

// wordValue is a number word: a value, or a multiplier.
type wordValue struct{ n, scale int }

// value reads one token as a number word, splitting the compounds of
// German ("einundzwanzig", "zweihundert") and Italian ("ventitré").
func (p *numberParser) value(w string) (wordValue, bool) {
	if w == "a" && p.lang == "en" {
		return wordValue{n: 1}, true // "a hundred"; a lone "a" is refused by parse
	}
	if n, ok := p.lex.units[w]; ok {
		return wordValue{n: n}, true
	}
	if s, ok := p.lex.scales[w]; ok {
		return wordValue{scale: s}, true
	}
	if p.lang != "de" && p.lang != "it" {
		return wordValue{}, false
	}
	n, ok := p.compound(w)
	return wordValue{n: n}, ok && n > 0
}

// compound reads a whole number written as one word, longest part first.
func (p *numberParser) compound(w string) (int, bool) {
	total, cur := 0, 0
	for w != "" {
		best, bv, scale := 0, 0, 0
		for k, v := range p.lex.units {
			if len(k) > best && strings.HasPrefix(w, k) {
				best, bv, scale = len(k), v, 0
			}
		}
		for k, v := range p.lex.scales {
			if len(k) > best && strings.HasPrefix(w, k) {
				best, bv, scale = len(k), 0, v
			}
		}
		for _, a := range p.lex.and {
			if len(a) > best && strings.HasPrefix(w, a) && cur > 0 {
				best, bv, scale = len(a), 0, -1
			}
		}
		if best == 0 {
			return 0, false
		}
		switch {
		case scale < 0:
		case scale >= 1000:
			total += max(cur, 1) * scale
			cur = 0
		case scale > 0:
			cur = max(cur, 1) * scale
		default:
			cur += bv
		}
		w = w[best:]
	}
	return total + cur, true
}
