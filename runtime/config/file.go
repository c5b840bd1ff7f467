package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/botgen-dev/botgen/runtime/spelling"
)

// ApplyFile sets the keys of a config file, the INI form that BESSER bots
// keep in config.ini: one `key = value` (or `key: value`) a line, full key
// names (`websocket.port`), `[section]` headers and lines starting with `#`
// or `;` ignored, a value in matching double quotes unquoted. So a BESSER
// bot's config.ini works as it is.
//
// A key botgen does not know is not an error: BESSER's files also hold
// settings of platforms botgen has no use for (streamlit.*, telegram.*, ...).
// Each such key is returned as a warning, with the known key it looks like
// when there is one. Every malformed line and every bad value is an error
// "name:line: ..."; they are all collected and returned together.
//
// A file named *.yaml or *.yml is read as YAML instead (see ApplyYAML), so a
// BESSER Agentic Framework config.yaml works as it is too.
func (c *Config) ApplyFile(name string, data []byte) (warnings []string, err error) {
	return applyFile(name, data, noSetting, c.Set)
}

// applyFile reads a config file, INI or YAML, handing each setting to set:
// Resolve's set also notes where each key came from.
func applyFile(name string, data []byte, setting func(key string) bool, set func(key, value string) error) (warnings []string, err error) {
	if IsYAML(name) {
		return applyYAML(name, data, setting, set)
	}
	var errs []error
	text := strings.TrimPrefix(string(data), "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		at := fmt.Sprintf("%s:%d", name, i+1)
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				errs = append(errs, fmt.Errorf("%s: a section header ends with ]", at))
			}
			continue
		}
		k := strings.IndexAny(line, "=:")
		if k < 0 {
			errs = append(errs, fmt.Errorf("%s: expected key = value, found %q", at, line))
			continue
		}
		key := strings.TrimSpace(line[:k])
		value := unquote(strings.TrimSpace(line[k+1:]))
		if key == "" {
			errs = append(errs, fmt.Errorf("%s: a key is missing before %q", at, line[k:k+1]))
			continue
		}
		if _, ok := Lookup(key); !ok && !setting(key) {
			w := fmt.Sprintf("%s: unknown config key %q, ignored", at, key)
			names := make([]string, len(keys))
			for i, k := range keys {
				names[i] = k.Name
			}
			if s := spelling.Suggest(key, names); s != "" {
				w += fmt.Sprintf(" (did you mean %s?)", s)
			}
			warnings = append(warnings, w)
			continue
		}
		if e := set(key, value); e != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at, e))
		}
	}
	return warnings, errors.Join(errs...)
}

// unquote removes one pair of double quotes around s.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// noSetting is the bot's settings when none are declared.
func noSetting(string) bool { return false }
