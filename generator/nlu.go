package generator

import (
	"fmt"
	"time"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/nlu"
)

// ModelFile is where the trained intent classifier is embedded, relative to
// the program's folder.
const ModelFile = FilesDir + "/model"

// modelVar is the generated variable holding the embedded model.
const modelVar = "nluModel"

// KnowledgeFile is where the index of the bot's knowledge is embedded,
// relative to the program's folder, and knowledgeVar the variable that
// holds it.
const (
	KnowledgeFile = FilesDir + "/knowledge"
	knowledgeVar  = "knowledgeIndex"
)

// NLUInput returns what a bot's intent classifier is trained on: its intents
// and entities, and the options its config block gives (nlp.language,
// nlp.pre_processing, nlp.timezone). It is the single place botgen build,
// botgen nlu and the tests take them from.
func NLUInput(b *ir.Bot) ([]nlu.Intent, []nlu.Entity, nlu.Options, error) {
	cfg, err := Config(b)
	if err != nil {
		return nil, nil, nlu.Options{}, fmt.Errorf("generator: %s: %w", b.SourceFile, err)
	}
	intents := make([]nlu.Intent, len(b.Intents))
	for i, in := range b.Intents {
		intents[i] = in.Intent
	}
	entities := make([]nlu.Entity, len(b.Entities))
	for i, e := range b.Entities {
		entities[i] = e.Entity
	}
	opts := nlu.Options{Language: cfg.Language, Stemming: cfg.PreProcessing}
	// Dates and times in messages ("tomorrow at 5") are read in the bot's
	// zone, as the running bot reads them.
	if cfg.Timezone != "" {
		loc, err := time.LoadLocation(cfg.Timezone)
		if err != nil {
			return nil, nil, nlu.Options{}, fmt.Errorf("generator: %s: nlp.timezone: %w", b.SourceFile, err)
		}
		opts.Location = loc
	}
	return intents, entities, opts, nil
}

// TrainModel trains a bot's intent classifier, as botgen build embeds it.
// It is pure and deterministic: the same bot gives the same model bytes.
func TrainModel(b *ir.Bot) (*nlu.Model, error) {
	intents, entities, opts, err := NLUInput(b)
	if err != nil {
		return nil, err
	}
	m, err := nlu.Train(intents, entities, opts)
	if err != nil {
		return nil, fmt.Errorf("generator: %s: %w", b.SourceFile, err)
	}
	return m, nil
}
