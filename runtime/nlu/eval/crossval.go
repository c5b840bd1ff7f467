package eval

import "github.com/botgen-dev/botgen/runtime/nlu"

// CrossReport is what cross-validating a bot's sentences tells.
type CrossReport struct {
	Folds   int
	Intents int
	// Untested counts the intents with one sentence: it is never held out,
	// since a model without it could not name the intent.
	Untested int
	Held     []nlu.Held // every sentence held out, in the bot's order
	// Understood counts the sentences read as their intent with a score
	// that reaches the threshold, as the bot would understand them;
	// Ranked those whose intent merely scored best.
	Understood, Ranked int
	// PerIntent tallies the intents with held-out sentences, in the bot's
	// order.
	PerIntent []IntentTally
	// Misread are the sentences not understood, in the bot's order.
	Misread []nlu.Held
}

// IntentTally is how many of an intent's held-out sentences were
// understood.
type IntentTally struct {
	Intent           string
	Understood, Held int
}

// Share is the share of held-out sentences understood, 0 when none was
// held out.
func (r *CrossReport) Share() float64 { return ratio(r.Understood, len(r.Held)) }

// CrossValidate holds out each sentence of a bot's intents in turn (see
// nlu.CrossValidate) and tells which ones the other sentences teach the
// model, at nlp.intent_threshold threshold.
func CrossValidate(intents []nlu.Intent, entities []nlu.Entity, opts nlu.Options, folds int, threshold float64) (*CrossReport, error) {
	held, err := nlu.CrossValidate(intents, entities, opts, folds)
	if err != nil {
		return nil, err
	}
	r := &CrossReport{Folds: folds, Intents: len(intents), Held: held}
	for _, in := range intents {
		if len(in.Sentences) == 1 {
			r.Untested++
		}
	}
	index := map[string]int{}
	for _, h := range held {
		i, ok := index[h.Intent]
		if !ok {
			i = len(r.PerIntent)
			index[h.Intent] = i
			r.PerIntent = append(r.PerIntent, IntentTally{Intent: h.Intent})
		}
		r.PerIntent[i].Held++
		right := h.Got == h.Intent
		if right {
			r.Ranked++
		}
		if right && (nlu.Score{Intent: h.Got, Score: h.Score}).Reaches(threshold) {
			r.Understood++
			r.PerIntent[i].Understood++
			continue
		}
		r.Misread = append(r.Misread, h)
	}
	return r, nil
}
