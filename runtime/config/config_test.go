package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c := Default()
	if c.Host != "localhost" || c.Port != 8765 || c.Protocol != "bbf" || c.IntentThreshold != 0.4 ||
		c.MaxSize != 64<<20 || !c.PreProcessing || c.PingInterval != 30*time.Second || !c.UIEnabled ||
		c.HTTPTimeout != 10*time.Second || c.HTTPMaxBytes != 1<<20 {
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
		{"ui.frame_ancestors", "'self', https://intranet.example.com, *.example.org:8443", ""},
		{"ui.frame_ancestors", "'none'", ""},
		{"ui.frame_ancestors", "'self'; script-src *", "is not a CSP source"},
		{"ui.frame_ancestors", "'unsafe-inline'", "is not a CSP source"},
		{"http.timeout", "2.5", ""},
		{"http.timeout", "0", "http.timeout: must be positive"},
		{"http.timeout", "soon", `"soon" is not a number`},
		{"http.max_bytes", "65536", ""},
		{"http.max_bytes", "100", "http.max_bytes: must be at least 1024"},
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

// besserINI is a config.ini as BESSER bots keep it: sections, comments,
// capitalised booleans, and keys of platforms botgen does not have.
const besserINI = `; BESSER bot settings
[websocket_platform]
websocket.host = 0.0.0.0
websocket.port = 9000
streamlit.host = localhost
streamlit.port = 5000

[nlp]
nlp.language = es
nlp.region = ES
nlp.timezone = Europe/Madrid
nlp.pre_processing = True
nlp.intent_threshold = 0.55
# ours too
ui.title = "Mi bot: reservas"
websocket.origins = https://a.example, https://b.example
`

func TestApplyFileReadsBESSERConfig(t *testing.T) {
	c := Default()
	warnings, err := c.ApplyFile("config.ini", []byte("\ufeff"+besserINI))
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "0.0.0.0" || c.Port != 9000 || c.Language != "es" || c.Timezone != "Europe/Madrid" ||
		!c.PreProcessing || c.IntentThreshold != 0.55 || c.UITitle != "Mi bot: reservas" || len(c.Origins) != 2 {
		t.Errorf("settings not applied: %+v", c)
	}
	want := []string{
		`config.ini:5: unknown config key "streamlit.host", ignored`,
		`config.ini:6: unknown config key "streamlit.port", ignored`,
		`config.ini:10: unknown config key "nlp.region", ignored`,
	}
	if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
}

func TestApplyFileCollectsEveryError(t *testing.T) {
	c := Default()
	src := "[nlp\nwebsocket.port = high\n= 3\njust words\nnlp.intent_treshold = 0.5\nprotocol: baf\nlog.level = loud\n"
	warnings, err := c.ApplyFile("bot.ini", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		"bot.ini:1: a section header ends with ]",
		`bot.ini:2: config key websocket.port: "high" is not an integer`,
		`bot.ini:3: a key is missing before "="`,
		`bot.ini:4: expected key = value, found "just words"`,
		`bot.ini:7: config key log.level: must be one of "debug", "info", "warn", "error"`,
	}
	if err.Error() != strings.Join(want, "\n") {
		t.Errorf("errors:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "bot.ini:5:") || !strings.Contains(warnings[0], "did you mean nlp.intent_threshold?") {
		t.Errorf("warnings: %q", warnings)
	}
	if c.Protocol != "baf" {
		t.Errorf("the good line between bad ones was not applied: protocol %q", c.Protocol)
	}
}

// TestEveryKeyDocumented: docs/language.md's table of settings lists every
// key with its default.
func TestEveryKeyDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/language.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		row := fmt.Sprintf("| `%s` | %s | ", k.Name, k.Kind)
		if k.Kind == List {
			row = fmt.Sprintf("| `%s` | list of strings | ", k.Name)
		}
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/language.md has no row %q…", row)
		}
	}
}

func TestHTTPSettings(t *testing.T) {
	c := Default()
	if err := c.Apply([]Entry{{Key: "http.timeout", Value: "2.5"}, {Key: "http.max_bytes", Value: "4096"}}); err != nil {
		t.Fatal(err)
	}
	if c.HTTPTimeout != 2500*time.Millisecond || c.HTTPMaxBytes != 4096 {
		t.Errorf("http.timeout %v, http.max_bytes %d", c.HTTPTimeout, c.HTTPMaxBytes)
	}
}

// TestSessionStoreValues: a folder is taken as it is, Windows drives
// included; a URL must be Redis's, and no message shows its password.
func TestSessionStoreValues(t *testing.T) {
	for _, ok := range []string{"", "sessions", "./x", "/var/lib/bot", `C:\bots\x`, "C:/bots/x", "x:y", "redis://localhost:6379/0", "rediss://u:p@h:6380/2", "redis://h", "REDIS://h:1"} {
		var c Config
		if err := c.Set("session.store", ok); err != nil || c.SessionStore != ok {
			t.Errorf("%q: %v (%q)", ok, err, c.SessionStore)
		}
	}
	for value, want := range map[string]string{
		"redi://u:hunter22@h:1/0":   `config key session.store: unknown scheme "redi": session.store takes a folder, or a URL of Redis: redis:// or rediss://`,
		"file:///tmp/x":             `unknown scheme "file"`,
		"redis://u:hunter22@/0":     "redis://u:xxxxx@/0 has no host",
		"redis://u:hunter22@h:1/db": "redis://u:xxxxx@h:1/db: the path must be a database number",
		"redis://u:hunter22@h:x/0":  "not a valid redis:// URL",
	} {
		var c Config
		err := c.Set("session.store", value)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter22") {
			t.Errorf("%q: %v, want %q", value, err, want)
		}
	}
}
