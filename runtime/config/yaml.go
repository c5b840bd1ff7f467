package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// bafKeys maps the properties of a BESSER Agentic Framework config.yaml
// (flattened dot notation, as baf names them) to botgen's keys; botgen's
// own key names work in a YAML file too.
var bafKeys = map[string]string{
	"platforms.websocket.host":     "websocket.host",
	"platforms.websocket.port":     "websocket.port",
	"platforms.websocket.max_size": "websocket.max_size",
	"platforms.websocket.origins":  "websocket.origins",
}

// IsYAML reports whether a config file is read as YAML: by its name.
func IsYAML(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return true
	}
	return false
}

// ApplyYAML sets the keys of a YAML config file, as baf's config.yaml holds
// them: nested mappings whose paths are the keys (`nlp: {language: en}` is
// nlp.language), baf's names mapped to botgen's (platforms.websocket.port is
// websocket.port), a list as a list setting, null as not set. What botgen
// has no use for (other platforms, databases, LLM tokens) is returned as
// warnings, one for each part of the file (`db` once, not each of its
// keys), with its line; a bad value is an error "name:line: ...", all
// collected.
func (c *Config) ApplyYAML(name string, data []byte) (warnings []string, err error) {
	return applyYAML(name, data, noSetting, c.Set)
}

// applyYAML is ApplyYAML handing each setting to set.
func applyYAML(name string, data []byte, setting func(key string) bool, set func(key, value string) error) (warnings []string, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a config file is a mapping of settings", name, root.Line)
	}
	var errs []error
	var walk func(path string, n *yaml.Node)
	walk = func(path string, n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			at := fmt.Sprintf("%s:%d", name, k.Line)
			key := k.Value
			if path != "" {
				key = path + "." + key
			}
			target := key
			if t, ok := bafKeys[key]; ok {
				target = t
			}
			if _, known := Lookup(target); known || setting(target) {
				if e := setNode(set, target, v); e != nil {
					errs = append(errs, fmt.Errorf("%s: %w", at, e))
				}
				continue
			}
			if v.Kind == yaml.MappingNode && leadsTo(key) {
				walk(key, v)
				continue
			}
			warnings = append(warnings, fmt.Sprintf("%s: %s is not a setting of botgen bots, ignored", at, key))
		}
	}
	walk("", root)
	return warnings, errors.Join(errs...)
}

// leadsTo reports whether some key (botgen's or baf's) lies under path.
func leadsTo(path string) bool {
	p := path + "."
	for _, k := range keys {
		if strings.HasPrefix(k.Name, p) {
			return true
		}
	}
	for k := range bafKeys {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// setNode sets key from a YAML value: a scalar as its text, a list of
// scalars comma-joined; null leaves the key as it is.
func setNode(set func(key, value string) error, key string, v *yaml.Node) error {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return nil
	case v.Kind == yaml.ScalarNode:
		return set(key, v.Value)
	case v.Kind == yaml.SequenceNode:
		items := make([]string, 0, len(v.Content))
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode || strings.Contains(it.Value, ",") {
				return fmt.Errorf("config key %s: a list of plain values is expected", key)
			}
			items = append(items, it.Value)
		}
		return set(key, strings.Join(items, ","))
	}
	return fmt.Errorf("config key %s: a value is expected, not a mapping", key)
}
