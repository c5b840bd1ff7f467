package nlu

import "strings"

// Small bots teach their intents with a handful of sentences, often a list
// of ways to say one thing: "hello", "hi". A word the bot was not given
// ("hey") shares nothing with them, however common. The lexicon below names
// what the most common conversational words and phrases mean, per language;
// a token that has such a meaning also gets a feature for it, so that a bot
// trained on "hello" and "hi" hears "hey" too. It only adds: a meaning no
// training sentence has weighs nothing.

// meanings maps a language to its words and phrases (lower case, as
// tokenize writes them, apostrophes dropped) and the meaning each has.
var meanings = map[string]map[string]string{
	"en": lexicon(map[string][]string{
		"howareyou": {"how are you", "how r u", "how are u", "how r you", "hows it going", "how is it going", "how do you do", "whats up", "wassup", "sup", "how are things", "how have you been"},
		"greet":     {"hello", "hi", "hey", "hiya", "howdy", "greetings", "good morning", "good afternoon", "good evening", "heya", "hallo", "helo", "hullo"},
		"bye":       {"bye", "goodbye", "good bye", "bye bye", "see you", "see ya", "cya", "farewell", "good night", "take care", "ciao"},
		"thanks":    {"thanks", "thank", "thx", "ty", "cheers", "appreciated", "grateful", "thankyou"},
		"yes":       {"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "correct", "affirmative", "absolutely", "definitely", "certainly", "indeed", "of course", "alright", "aye"},
		"no":        {"no", "nope", "nah", "negative", "not really", "no way"},
		"good":      {"good", "fine", "great", "excellent", "awesome", "wonderful", "fantastic", "happy", "nice", "amazing", "perfect", "glad", "superb", "brilliant"},
		"bad":       {"bad", "awful", "terrible", "horrible", "sad", "unhappy", "miserable", "lousy", "upset", "depressed"},
	}),
	"es": lexicon(map[string][]string{
		"howareyou": {"cómo estás", "como estas", "cómo está", "como esta", "cómo te va", "como te va", "qué tal estás", "que tal estas"},
		"greet":     {"hola", "buenos días", "buenos dias", "buenas tardes", "buenas noches", "buenas", "saludos", "qué tal", "que tal", "hey"},
		"bye":       {"adiós", "adios", "hasta luego", "hasta pronto", "chao", "chau", "nos vemos", "hasta mañana"},
		"thanks":    {"gracias", "muchas gracias", "te agradezco", "agradecido", "agradecida"},
		"yes":       {"sí", "si", "claro", "vale", "ok", "de acuerdo", "correcto", "exacto", "por supuesto"},
		"no":        {"no", "nunca", "para nada", "negativo", "incorrecto"},
		"good":      {"bien", "bueno", "genial", "excelente", "estupendo", "feliz", "contento", "contenta", "perfecto"},
		"bad":       {"mal", "malo", "fatal", "terrible", "horrible", "triste", "regular"},
	}),
	"fr": lexicon(map[string][]string{
		"howareyou": {"ça va", "ca va", "comment ça va", "comment ca va", "comment allez vous", "comment vas tu", "comment tu vas"},
		"greet":     {"bonjour", "salut", "bonsoir", "coucou", "hello", "allô", "allo"},
		"bye":       {"au revoir", "à bientôt", "a bientot", "à plus", "a plus", "bonne nuit", "adieu", "ciao"},
		"thanks":    {"merci", "merci beaucoup", "je vous remercie", "remercie"},
		"yes":       {"oui", "ouais", "bien sûr", "bien sur", "d'accord", "ok", "exact", "exactement", "volontiers"},
		"no":        {"non", "jamais", "pas du tout", "nan", "négatif", "negatif"},
		"good":      {"bien", "bon", "super", "génial", "genial", "excellent", "parfait", "content", "contente", "heureux", "heureuse"},
		"bad":       {"mal", "mauvais", "terrible", "horrible", "triste", "nul", "bof"},
	}),
	"de": lexicon(map[string][]string{
		"howareyou": {"wie gehts", "wie geht's", "wie geht es dir", "wie geht es ihnen", "wie läuft's", "wie laufts"},
		"greet":     {"hallo", "hi", "hey", "guten tag", "guten morgen", "guten abend", "servus", "moin", "grüß gott", "gruss gott", "grüezi"},
		"bye":       {"tschüss", "tschuss", "tschüs", "auf wiedersehen", "bis bald", "bis später", "ciao", "gute nacht"},
		"thanks":    {"danke", "vielen dank", "danke schön", "dankeschön", "besten dank"},
		"yes":       {"ja", "jawohl", "genau", "klar", "natürlich", "naturlich", "okay", "ok", "richtig", "stimmt", "gerne", "sicher"},
		"no":        {"nein", "nee", "niemals", "keineswegs", "falsch"},
		"good":      {"gut", "super", "toll", "prima", "klasse", "großartig", "grossartig", "wunderbar", "glücklich", "froh"},
		"bad":       {"schlecht", "schlimm", "furchtbar", "schrecklich", "traurig", "mies"},
	}),
	"it": lexicon(map[string][]string{
		"howareyou": {"come stai", "come va", "come sta", "tutto bene"},
		"greet":     {"ciao", "salve", "buongiorno", "buonasera", "buon giorno", "ehi", "hey"},
		"bye":       {"arrivederci", "ciao ciao", "a presto", "a dopo", "buonanotte", "addio"},
		"thanks":    {"grazie", "grazie mille", "ti ringrazio", "la ringrazio"},
		"yes":       {"sì", "si", "certo", "va bene", "ok", "esatto", "giusto", "certamente", "volentieri"},
		"no":        {"no", "mai", "per niente", "negativo", "sbagliato"},
		"good":      {"bene", "buono", "ottimo", "benissimo", "fantastico", "felice", "contento", "contenta", "perfetto"},
		"bad":       {"male", "brutto", "terribile", "orribile", "triste", "malissimo"},
	}),
	"pt": lexicon(map[string][]string{
		"howareyou": {"como vai", "como está", "como esta", "tudo bem", "tudo bom", "como você está", "como voce esta"},
		"greet":     {"olá", "ola", "oi", "bom dia", "boa tarde", "boa noite", "e aí", "e ai", "saudações"},
		"bye":       {"tchau", "adeus", "até logo", "ate logo", "até mais", "ate mais", "até breve", "falou"},
		"thanks":    {"obrigado", "obrigada", "valeu", "muito obrigado", "muito obrigada", "agradeço", "agradeco"},
		"yes":       {"sim", "claro", "certo", "ok", "tá", "beleza", "exato", "com certeza", "pode ser"},
		"no":        {"não", "nao", "nunca", "de jeito nenhum", "negativo", "errado"},
		"good":      {"bem", "bom", "boa", "ótimo", "otimo", "excelente", "feliz", "contente", "maravilhoso", "perfeito"},
		"bad":       {"mal", "ruim", "péssimo", "pessimo", "terrível", "terrivel", "horrível", "horrivel", "triste"},
	}),
}

// lexicon inverts meaning → words into word → meaning. Words are written as
// tokenize writes them: lower case, apostrophes dropped.
// A word with two meanings in one language is a mistake in the lists: it
// panics at start-up, which the tests catch.
func lexicon(byMeaning map[string][]string) map[string]string {
	out := map[string]string{}
	for meaning, words := range byMeaning {
		for _, w := range words {
			var parts []string
			for _, t := range tokenize(w, 0) {
				parts = append(parts, t.word)
			}
			key := strings.Join(parts, " ")
			if prev, dup := out[key]; dup && prev != meaning {
				panic("nlu: lexicon: " + key + " means both " + prev + " and " + meaning)
			}
			out[key] = meaning
		}
	}
	return out
}

// maxPhraseWords is the length of the longest phrase a lexicon holds.
const maxPhraseWords = 4

// markMeanings sets the meaning of the tokens that start a word or phrase of
// the lexicon, and the phrase's length, the longest phrase first. Phrases
// are looked up only from a word that starts one, through a reused buffer,
// so that a message costs no allocation here.
func markMeanings(toks []token, lex map[string]string) {
	if lex == nil {
		return
	}
	var buf [64]byte
	for i := 0; i < len(toks); i++ {
		for n := min(maxPhraseWords, len(toks)-i); n >= 1; n-- {
			if n > 1 && !phraseStarts[toks[i].word] {
				continue
			}
			key := append(buf[:0], toks[i].word...)
			for k := 1; k < n; k++ {
				key = append(append(key, ' '), toks[i+k].word...)
			}
			if m, ok := lex[string(key)]; ok {
				toks[i].meaning, toks[i].phrase = m, n
				i += n - 1
				break
			}
		}
	}
}

// phraseStarts holds the first words of the lexicons' phrases of two words
// or more, in every language.
var phraseStarts = func() map[string]bool {
	out := map[string]bool{}
	for _, lex := range meanings {
		for key := range lex {
			if first, _, ok := strings.Cut(key, " "); ok {
				out[first] = true
			}
		}
	}
	return out
}()
