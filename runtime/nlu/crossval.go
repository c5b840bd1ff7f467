package nlu

import "fmt"

// Held is a training sentence classified by a model trained without it.
type Held struct {
	Intent   string  // the intent the sentence belongs to
	Sentence string  // as written, placeholders included
	Text     string  // what was classified: the sentence, placeholders filled with entity values
	Got      string  // the best intent
	Score    float64 // its score
}

// CrossValidate tells how well a bot's intents generalise from their own
// sentences: it splits the sentences into folds (the i-th sentence, counted
// over all intents in order, goes to fold i mod folds), trains a model as
// Train does without each fold, and classifies the fold's sentences among
// every intent. A sentence with placeholders is classified with them filled
// as training fills them. The only sentence of an intent is never held out:
// a model without it could not name the intent. The results come in the
// bot's order.
func CrossValidate(intents []Intent, entities []Entity, opts Options, folds int) ([]Held, error) {
	if folds < 2 {
		return nil, fmt.Errorf("nlu: cross-validation needs at least 2 folds, not %d", folds)
	}
	// The sentences are read once, as training reads them, for the
	// held-out ones to be filled as training fills them.
	all, err := NewScorer(intents, entities, opts)
	if err != nil {
		return nil, err
	}
	byEntity := map[string]*Entity{}
	for i := range entities {
		byEntity[entities[i].Name] = &entities[i]
	}
	type where struct{ intent, sentence int }
	var held [][]where // by fold
	i := 0
	for ii, in := range intents {
		for si := range in.Sentences {
			if len(in.Sentences) > 1 {
				f := i % folds
				for len(held) <= f {
					held = append(held, nil)
				}
				held[f] = append(held[f], where{ii, si})
			}
			i++
		}
	}
	out := map[where]Held{}
	for _, fold := range held {
		skip := map[where]bool{}
		for _, w := range fold {
			skip[w] = true
		}
		train := make([]Intent, len(intents))
		for ii, in := range intents {
			train[ii] = Intent{Name: in.Name, Params: in.Params}
			for si, s := range in.Sentences {
				if !skip[where{ii, si}] {
					train[ii].Sentences = append(train[ii].Sentences, s)
				}
			}
		}
		m, err := Train(train, entities, opts)
		if err != nil {
			return nil, err
		}
		names := m.Intents()
		for _, w := range fold {
			in := intents[w.intent]
			s := in.Sentences[w.sentence]
			text := expand(&all.intents[w.intent].sentences[w.sentence], in.Params, byEntity, m.lang, 1)[0]
			best := m.Classify(text, names)[0]
			out[w] = Held{Intent: in.Name, Sentence: s, Text: text, Got: best.Intent, Score: best.Score}
		}
	}
	var res []Held
	for ii, in := range intents {
		for si := range in.Sentences {
			if h, ok := out[where{ii, si}]; ok {
				res = append(res, h)
			}
		}
	}
	return res, nil
}
