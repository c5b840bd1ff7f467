package nlu

import "strings"

// Labelled is one sentence of a data set with its intent.
type Labelled struct {
	Text   string
	Intent string
}

// IntentsFrom groups labelled sentences into intents, in the order their
// labels first appear. Braces in the text become parentheses: a data set
// has no {param} placeholders, and a brace is punctuation to the
// classifier anyway.
func IntentsFrom(rows []Labelled) []Intent {
	literal := strings.NewReplacer("{", "(", "}", ")")
	var intents []Intent
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.Intent]
		if !ok {
			i = len(intents)
			index[r.Intent] = i
			intents = append(intents, Intent{Name: r.Intent})
		}
		intents[i].Sentences = append(intents[i].Sentences, literal.Replace(r.Text))
	}
	return intents
}
