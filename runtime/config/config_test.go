package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c := Default()
	if c.Host != "localhost" || c.Port != 8765 || c.Protocol != "bbf" || c.IntentThreshold != 0.4 ||
		c.MaxSize != 16<<20 || !c.PreProcessing || c.PingInterval != 30*time.Second || !c.UIEnabled {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestSet(t *testing.T) {
	cases := []struct{ key, value, err string }{
		{"websocket.port", "9000", ""},
		{"websocket.port", "70000", "websocket.port: must be between 0 and 65535"},
		{"websocket.port", "-1", "must be between 0 and 65535"},
		{"websocket.port", "x", `"x" is not an integer`},
		{"websocket.send_queue", "0", "must be at least 1"},
		{"session.history", "-3", "must not be negative"},
		{"session.ttl", "0", "must be positive"},
		{"nlp.intent_threshold", "1.5", "must be between 0 and 1"},
		{"nlp.intent_threshold", "NaN", "is not a number"},
		{"nlp.pre_processing", "maybe", "is not true or false"},
		{"nlp.language", "xx", `unsupported language "xx"`},
		{"nlp.timezone", "Mars/Base", `unknown time zone "Mars/Base"`},
		{"protocol", "baf", ""},
		{"protocol", "xmpp", `must be "bbf" or "baf"`},
		{"log.level", "loud", `must be one of "debug", "info", "warn", "error"`},
		{"ui.theme_color", "blue", "is not a CSS hex colour"},
		{"no.such", "1", `unknown config key "no.such"`},
	}
	for _, c := range cases {
		cfg := Default()
		err := cfg.Set(c.key, c.value)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("Set(%s, %s): %v", c.key, c.value, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("Set(%s, %s) = %v, want an error containing %q", c.key, c.value, err, c.err)
		}
	}
}

func TestListsAndApply(t *testing.T) {
	cfg := Default()
	err := cfg.Apply([]Entry{
		{Key: "websocket.origins", Value: " https://a.example , ,https://b.example"},
		{Key: "websocket.ping_interval", Value: "2.5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Origins) != 2 || cfg.Origins[1] != "https://b.example" || cfg.PingInterval != 2500*time.Millisecond {
		t.Errorf("got %q, %v", cfg.Origins, cfg.PingInterval)
	}
	if err := cfg.Apply([]Entry{{Key: "protocol", Value: "x"}}); err == nil {
		t.Error("Apply accepted a bad value")
	}
}

func TestKeysAreSortedAndDocumented(t *testing.T) {
	ks := Keys()
	for i, k := range ks {
		if k.Doc == "" {
			t.Errorf("%s has no doc", k.Name)
		}
		if i > 0 && ks[i-1].Name >= k.Name {
			t.Errorf("keys not sorted at %s", k.Name)
		}
		if err := Check(k.Kind, k.Default); err != nil {
			t.Errorf("%s: default %q: %v", k.Name, k.Default, err)
		}
	}
}
