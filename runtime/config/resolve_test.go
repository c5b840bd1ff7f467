package config

import (
	"errors"
	"strings"
	"testing"
)

// env is an environment of a few variables.
func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// TestResolvePrecedence sets websocket.port in every source and takes them
// away one at a time, strongest first: each time the next source wins.
func TestResolvePrecedence(t *testing.T) {
	all := Sources{
		Block: []Entry{{Key: "websocket.port", Value: "1001"}},
		File:  &File{Name: "bot.ini", Data: []byte("websocket.port = 1002\n")},
		Env:   env(map[string]string{"BOTGEN_WEBSOCKET_PORT": "1003"}),
		Set:   []string{"websocket.port=1004"},
		Flags: []Flag{{Name: "--port", Key: "websocket.port", Value: "1005"}},
	}
	steps := []struct {
		drop func(*Sources)
		port int
		from Layer
	}{
		{func(*Sources) {}, 1005, FromFlag},
		{func(s *Sources) { s.Flags = nil }, 1004, FromSet},
		{func(s *Sources) { s.Set = nil }, 1003, FromEnv},
		{func(s *Sources) { s.Env = nil }, 1002, FromFile},
		{func(s *Sources) { s.File = nil }, 1001, FromBlock},
		{func(s *Sources) { s.Block = nil }, 8765, FromDefault},
	}
	s := all
	for _, step := range steps {
		step.drop(&s)
		r, err := Resolve(s)
		if err != nil {
			t.Fatal(err)
		}
		if r.Config.Port != step.port || r.From("websocket.port") != step.from {
			t.Errorf("port %d from %v, want %d from %v", r.Config.Port, r.From("websocket.port"), step.port, step.from)
		}
	}
}

// Each source sets only what it names: the others keep their values.
func TestResolveMergesSources(t *testing.T) {
	r, err := Resolve(Sources{
		Block: []Entry{{Key: "protocol", Value: "baf"}, {Key: "nlp.language", Value: "es"}},
		File:  &File{Name: "c.yaml", Data: []byte("nlp:\n  language: fr\nstreamlit: {port: 5000}\n")},
		Env:   env(map[string]string{"BOTGEN_LOG_LEVEL": "debug", "BOTGEN_CONFIG": "ignored"}),
		Set:   []string{" session.store =/tmp/s"},
		Flags: []Flag{{Name: "--no-ui", Key: "ui.enabled", Value: "false"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Config
	if c.Protocol != "baf" || c.Language != "fr" || c.LogLevel != "debug" || c.SessionStore != "/tmp/s" || c.UIEnabled || c.Port != 8765 {
		t.Errorf("resolved %+v", c)
	}
	for key, want := range map[string]Layer{"protocol": FromBlock, "nlp.language": FromFile, "log.level": FromEnv, "session.store": FromSet, "ui.enabled": FromFlag, "websocket.port": FromDefault} {
		if got := r.From(key); got != want {
			t.Errorf("%s from %v, want %v", key, got, want)
		}
	}
	if len(r.Warnings) != 1 || !strings.HasPrefix(r.Warnings[0], "c.yaml:3: streamlit") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

// A key set to its default by a source still counts as set by it: botgen
// run --watch leaves alone a session store chosen empty.
func TestResolveFromCountsDefaults(t *testing.T) {
	r, err := Resolve(Sources{File: &File{Name: "c.ini", Data: []byte("session.store =\n")}})
	if err != nil || r.From("session.store") != FromFile {
		t.Errorf("from %v, %v", r.From("session.store"), err)
	}
}

func TestResolveErrorsNameTheSource(t *testing.T) {
	for _, c := range []struct {
		s    Sources
		want string
	}{
		{Sources{Block: []Entry{{Key: "protocol", Value: "x"}}}, `config key protocol: must be "bbf" or "baf"`},
		{Sources{File: &File{Name: "b.ini", Data: []byte("websocket.port = 99999\nprotocol\n")}},
			"b.ini:1: config key websocket.port: must be between 0 and 65535\n" + `b.ini:2: expected key = value, found "protocol"`},
		{Sources{Env: env(map[string]string{"BOTGEN_PROTOCOL": "x"})}, `BOTGEN_PROTOCOL: config key protocol: must be "bbf" or "baf"`},
		{Sources{Set: []string{"protocol"}}, `--set "protocol": expected key=value`},
		{Sources{Set: []string{"no.such=1"}}, `--set: unknown config key "no.such"`},
		{Sources{Flags: []Flag{{Name: "--port", Key: "websocket.port", Value: "-1"}}}, "--port: config key websocket.port: must be between 0 and 65535"},
	} {
		_, err := Resolve(c.s)
		if err == nil || err.Error() != c.want {
			t.Errorf("error %v, want %s", err, c.want)
		}
	}
	if _, err := Resolve(Sources{Set: []string{"x"}}); !errors.Is(err, ErrNotKeyValue) {
		t.Errorf("a --set without = is not ErrNotKeyValue: %v", err)
	}
}

// The first bad source stops the resolution: later ones are not applied,
// and the file's warnings are kept.
func TestResolveStopsAtTheFirstBadSource(t *testing.T) {
	r, err := Resolve(Sources{
		File: &File{Name: "c.ini", Data: []byte("telegram.token = x\nwebsocket.port = 1\nprotocol = x\n")},
		Set:  []string{"websocket.host=0.0.0.0"},
	})
	if err == nil || len(r.Warnings) != 1 || r.Config.Port != 1 || r.Config.Host != "localhost" {
		t.Errorf("err %v, warnings %q, port %d, host %s", err, r.Warnings, r.Config.Port, r.Config.Host)
	}
}

func TestEnvName(t *testing.T) {
	if got := EnvName("websocket.max_size"); got != "BOTGEN_WEBSOCKET_MAX_SIZE" {
		t.Errorf("EnvName: %s", got)
	}
}

// A bot's own settings take their value from the bot, then from the config
// file (INI or YAML), the environment and --set, each overriding the one
// before; a value of the wrong kind names the setting and its source.
func TestResolveSettings(t *testing.T) {
	decl := []Setting{{Name: "weather_api", Kind: String, Default: "https://a.example"}, {Name: "retries", Kind: Int, Default: "2"}}
	steps := []struct {
		src  Sources
		api  string
		from Layer
	}{
		{Sources{}, "https://a.example", FromDefault},
		{Sources{File: &File{Name: "bot.ini", Data: []byte("weather_api = https://b.example\n")}}, "https://b.example", FromFile},
		{Sources{File: &File{Name: "bot.yaml", Data: []byte("weather_api: https://y.example\n")}}, "https://y.example", FromFile},
		{Sources{File: &File{Name: "bot.ini", Data: []byte("weather_api = https://b.example\n")}, Env: env(map[string]string{"BOTGEN_WEATHER_API": "https://c.example"})}, "https://c.example", FromEnv},
		{Sources{Env: env(map[string]string{"BOTGEN_WEATHER_API": "https://c.example"}), Set: []string{"weather_api=https://d.example"}}, "https://d.example", FromSet},
	}
	for i, st := range steps {
		st.src.Settings = decl
		r, err := Resolve(st.src)
		if err != nil || len(r.Warnings) != 0 {
			t.Fatalf("step %d: %v %v", i, err, r.Warnings)
		}
		if got := r.Config.Settings["weather_api"]; got != st.api || r.From("weather_api") != st.from || r.Config.Settings["retries"] != "2" {
			t.Errorf("step %d: %q from %v, want %q from %v (%v)", i, got, r.From("weather_api"), st.api, st.from, r.Config.Settings)
		}
	}
	_, err := Resolve(Sources{Settings: decl, Set: []string{"retries=many"}})
	if err == nil || !strings.Contains(err.Error(), "--set: setting retries") {
		t.Errorf("bad value: %v", err)
	}
	// Without the declaration, the same key is unknown, as before.
	r, err := Resolve(Sources{File: &File{Name: "bot.ini", Data: []byte("weather_api = x\n")}})
	if err != nil || len(r.Warnings) != 1 || r.Config.Settings != nil {
		t.Errorf("undeclared: %v %v %v", err, r.Warnings, r.Config.Settings)
	}
}

// The language model's key comes from BOTGEN_LLM_API_KEY, else from the
// OPENAI_API_KEY every OpenAI-format client reads; it is the one secret key,
// and a bad value of another llm key names the key, not the key's value.
func TestLLMSettings(t *testing.T) {
	r, err := Resolve(Sources{})
	if err != nil || r.Config.LLMURL != "http://localhost:11434/v1" || r.Config.LLMModel == "" || r.Config.LLMAPIKey != "" || r.Config.LLMTimeout <= 0 {
		t.Fatalf("defaults: %+v, %v", r.Config, err)
	}
	r, _ = Resolve(Sources{Env: env(map[string]string{"OPENAI_API_KEY": "sk-open"})})
	if r.Config.LLMAPIKey != "sk-open" || r.From("llm.api_key") != FromEnv {
		t.Errorf("OPENAI_API_KEY: %q", r.Config.LLMAPIKey)
	}
	r, _ = Resolve(Sources{Env: env(map[string]string{"OPENAI_API_KEY": "sk-open", "BOTGEN_LLM_API_KEY": "sk-botgen"})})
	if r.Config.LLMAPIKey != "sk-botgen" {
		t.Errorf("BOTGEN_LLM_API_KEY: %q", r.Config.LLMAPIKey)
	}
	r, _ = Resolve(Sources{Env: env(map[string]string{"OPENAI_API_KEY": "sk-open"}), Set: []string{"llm.url=https://api.example.org/v1/"}})
	if r.Config.LLMAPIKey != "sk-open" || r.Config.LLMURL != "https://api.example.org/v1" {
		t.Errorf("--set: %q %q", r.Config.LLMAPIKey, r.Config.LLMURL)
	}
	// An empty URL is no model at all.
	if r, err := Resolve(Sources{Set: []string{"llm.url="}}); err != nil || r.Config.LLMURL != "" {
		t.Errorf("llm.url=: %q, %v", r.Config.LLMURL, err)
	}
	for _, bad := range []string{"llm.url=ftp://x", "llm.url=localhost:11434", "llm.temperature=3", "llm.max_tokens=0", "llm.history=-1"} {
		if _, err := Resolve(Sources{Set: []string{bad}}); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	var secret []string
	for _, k := range Keys() {
		if k.Secret {
			secret = append(secret, k.Name)
		}
	}
	if strings.Join(secret, " ") != "llm.api_key" {
		t.Errorf("secret keys: %v", secret)
	}
}
