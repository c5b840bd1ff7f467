package generator_test

import (
	"testing"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/generator"
)

func TestConfigIsTheBlockOverTheDefaults(t *testing.T) {
	cfg, err := generator.Config(&ir.Bot{Config: []ir.ConfigEntry{{Key: "nlp.language", Value: "es"}, {Key: "nlp.intent_threshold", Value: "0.6"}}})
	if err != nil || cfg.Language != "es" || cfg.IntentThreshold != 0.6 || cfg.Port != 8765 {
		t.Errorf("%+v, %v", cfg, err)
	}
	if _, err := generator.Config(&ir.Bot{Config: []ir.ConfigEntry{{Key: "protocol", Value: "x"}}}); err == nil {
		t.Error("a bad value: no error")
	}
}
