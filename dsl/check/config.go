package check

import (
	"strings"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/config"
)

func (c *checker) config(b *syntax.ConfigBlock) {
	seen := map[string]ir.Pos{}
	for _, e := range b.Entries {
		pos := toPos(e.Pos)
		if prev, ok := seen[e.Key]; ok {
			c.errorf(pos, "duplicate config key %s (first at %s)", e.Key, c.where(prev))
			continue
		}
		seen[e.Key] = pos
		key, ok := config.Lookup(e.Key)
		if !ok {
			c.misspelt(diag.Warning, pos, e.Key, configKeyNames(), "unknown config key %q; it is ignored", e.Key)
			continue
		}
		var value, found string
		v := e.Value
		switch {
		case v.IsList:
			var parts []string
			for _, s := range v.List {
				str := c.decodeString(s)
				if strings.Contains(str, ",") {
					c.errorf(toPos(s.Pos), "a list item of config key %s cannot contain a comma", e.Key)
				}
				parts = append(parts, str)
			}
			value, found = strings.Join(parts, ","), "list"
		case v.Lit.Num != nil:
			value, found = *v.Lit.Num, "number"
		case v.Lit.Str != nil:
			value, found = c.decodeString(v.Lit.Str), "string"
		case v.Lit.Bool != nil:
			value, found = *v.Lit.Bool, "bool"
		}
		want := map[config.Kind]string{config.String: "string", config.Int: "number", config.Float: "number", config.Bool: "bool", config.List: "list"}[key.Kind]
		if want != found && !(key.Kind == config.List && found == "string") {
			c.errorf(toPos(v.Pos), "config key %s expects a %s, found a %s", e.Key, key.Kind, found)
			continue
		}
		if err := config.Check(key.Kind, value); err != nil {
			c.errorf(toPos(v.Pos), "invalid value for config key %s: %v", e.Key, err)
			continue
		}
		if err := c.cfg.Set(e.Key, value); err != nil {
			c.errorf(toPos(v.Pos), "invalid value for config key %s: %s", e.Key, strings.TrimPrefix(err.Error(), "config key "+e.Key+": "))
			continue
		}
		c.bot.Config = append(c.bot.Config, ir.ConfigEntry{Key: e.Key, Value: value, Pos: pos})
		if e.Key == "ui.avatar" && value != "" {
			// The avatar is an image in the bot's folder, embedded like
			// the images of `reply image`.
			c.bot.Avatar = c.image(v.Lit.Str)
		}
	}
}

// configKeyNames returns the names of every config key.
func configKeyNames() []string {
	var names []string
	for _, k := range config.Keys() {
		names = append(names, k.Name)
	}
	return names
}
