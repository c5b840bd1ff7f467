package check

import (
	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/dsl/syntax"
	"github.com/botgen-dev/botgen/runtime/config"
)

// setting checks `setting NAME = literal`. A setting is read by its name
// in expressions, so it may not take a name that an expression reads
// otherwise (a variable, a parameter, file, a name of the turn); and it is
// overridden when the bot runs as config keys are (--set NAME=...,
// BOTGEN_NAME), so it may not take a config key's name or variable either.
// States, intents and entities are named where no value is, and may share
// its name.
func (c *checker) setting(d *syntax.SettingDecl) {
	name, pos := d.Name.Name, toPos(d.Name.Pos)
	if prev, ok := c.settings[name]; ok {
		c.errorf(pos, "duplicate setting %q (first declared at %s)", name, c.where(prev.pos))
		return
	}
	env := config.EnvName(name)
	if v, ok := c.vars[name]; ok {
		c.errorf(pos, "setting %q has the name of a variable (%s)", name, c.where(v.pos))
	} else if p, ok := c.params[name]; ok {
		c.errorf(pos, "setting %q has the name of a parameter of intent %q (%s)", name, p.intent, c.where(p.pos))
	} else if _, ok := ir.TurnNames[name]; ok {
		c.errorf(pos, "setting %q has the name of the turn's %s", name, name)
	} else if name == "file" {
		c.errorf(pos, "setting %q has the name of the received file", name)
	} else if _, ok := config.Lookup(name); ok {
		c.errorf(pos, "setting %q has the name of a config key", name)
	} else if env == config.FileEnv {
		c.errorf(pos, "setting %q would be set by %s, which names the config file", name, env)
	} else {
		for _, k := range config.Keys() {
			if config.EnvName(k.Name) == env {
				c.errorf(pos, "setting %q would be set by %s, as config key %s is", name, env, k.Name)
			}
		}
		for _, other := range c.bot.Settings {
			if config.EnvName(other.Name) == env {
				c.errorf(pos, "settings %q and %q would both be set by %s (%s)", other.Name, name, env, c.where(other.Pos))
			}
		}
	}
	v := c.literal(d.Value)
	c.settings[name] = &settingInfo{value: v, pos: pos}
	c.bot.Settings = append(c.bot.Settings, ir.Setting{Name: name, Value: v, Pos: pos})
}
