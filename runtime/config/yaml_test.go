package config

import (
	"strings"
	"testing"
)

// bafExample is the config.yaml of baf's documentation, as it is.
const bafExample = `agent:
  check_transitions_delay: 5

nlp:
  language: en
  region: US
  timezone: Europe/Madrid
  pre_processing: True
  intent_threshold: 0.4
  huggingface:
    token: YOUR-TOKEN
  openai:
    api_key: YOUR-API-KEY
  replicate:
    api_key: YOUR-API-KEY

platforms:
  websocket:
    host: localhost
    port: 8765
    # origins:
    #   - "https://example.com"
    #   - "https://app.example.com"
    streamlit:
      host: localhost
      port: 5000
      chat:
        size: 16
        font: sans
  telegram:
    token: YOUR-BOT-TOKEN

db:
  monitoring:
    enabled: True
    dialect: postgresql
    password: YOUR-DB-PASSWORD
  sql:
    - db1:
      dialect: sqlite
`

// TestApplyYAML: a baf config.yaml sets what maps to botgen's keys, and
// warns once, with its line, about each part botgen has no use for; no
// value (a token, a password) is ever printed.
func TestApplyYAML(t *testing.T) {
	c := Default()
	warnings, err := c.ApplyFile("config.yaml", []byte(strings.ReplaceAll(bafExample, "port: 8765", "port: 9001")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9001 || c.Host != "localhost" || c.Language != "en" || c.Timezone != "Europe/Madrid" || !c.PreProcessing || c.IntentThreshold != 0.4 {
		t.Errorf("config %+v", c)
	}
	want := []string{
		"config.yaml:1: agent is not a setting of botgen bots, ignored",
		"config.yaml:6: nlp.region is not a setting of botgen bots, ignored",
		"config.yaml:10: nlp.huggingface is not a setting of botgen bots, ignored",
		"config.yaml:12: nlp.openai is not a setting of botgen bots, ignored",
		"config.yaml:14: nlp.replicate is not a setting of botgen bots, ignored",
		"config.yaml:24: platforms.websocket.streamlit is not a setting of botgen bots, ignored",
		"config.yaml:30: platforms.telegram is not a setting of botgen bots, ignored",
		"config.yaml:33: db is not a setting of botgen bots, ignored",
	}
	if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range warnings {
		if strings.Contains(w, "YOUR-") {
			t.Errorf("a value in a warning: %s", w)
		}
	}

	c = Default()
	_, err = c.ApplyFile("c.yml", []byte("platforms:\n  websocket:\n    origins:\n      - https://a.example\n      - https://b.example\n    max_size: null\nwebsocket:\n  send_queue: 0\nnlp:\n  language: xx\n"))
	if len(c.Origins) != 2 || c.Origins[1] != "https://b.example" || c.MaxSize != 64<<20 {
		t.Errorf("origins %q, max_size %d", c.Origins, c.MaxSize)
	}
	for _, want := range []string{"c.yml:8: config key websocket.send_queue: must be at least 1", `c.yml:10: config key nlp.language: unsupported language "xx"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to say %q", err, want)
		}
	}
	for _, bad := range []string{"- a\n- b\n", "websocket: [1\n", "websocket:\n  port: {a: 1}\n"} {
		c := Default()
		if _, err := c.ApplyFile("bad.yaml", []byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "bad.yaml") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// FuzzApplyYAML: no config file, however broken, panics the reader.
func FuzzApplyYAML(f *testing.F) {
	f.Add([]byte(bafExample))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Default()
		_, _ = c.ApplyYAML("f.yaml", data)
	})
}
