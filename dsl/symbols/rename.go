package symbols

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/config"
)

// MaxNameLen bounds a new name: a rename is refused a longer one.
const MaxNameLen = 200

// keywords are the words a renamed name may not take: those the lexer
// reserves and those that start a declaration or a statement, which an
// expression cannot read as a name either.
var keywords = map[string]bool{}

func init() {
	for _, k := range []string{
		"and", "or", "not", "true", "false",
		"reply", "set", "if", "else", "on", "when", "otherwise", "go", "fallback", "state", "initial",
		"entity", "var", "global", "test", "config", "bot", "user", "for", "setting", "mock",
		"intent", "param", "knowledge",
	} {
		keywords[k] = true
	}
}

// At returns the name written at line:col (1-based, col in runes; the
// column just past a name counts, where an editor's cursor stands after
// typing it).
func (ix *Index) At(line, col int) (Name, bool) {
	for _, n := range ix.Names {
		if n.Pos.Line == line && col >= n.Pos.Col && col <= n.Pos.Col+utf8.RuneCountInString(n.Name) {
			return n, true
		}
	}
	return Name{}, false
}

// Refs returns every place n's name is written meaning what n means,
// declarations included, in the order of the index.
func (ix *Index) Refs(n Name) []Name {
	var out []Name
	for _, o := range ix.Names {
		if o.Same(n) {
			out = append(out, o)
		}
	}
	return out
}

// isValue reports whether k is read by name in expressions.
func isValue(k Kind) bool {
	return k == Variable || k == Parameter || k == Setting || k == LoopVariable
}

// Renamable returns why n cannot be renamed, or nil.
func (ix *Index) Renamable(n Name) error {
	switch {
	case n.Builtin:
		return fmt.Errorf("%q is built into the language: it cannot be renamed", n.Name)
	case n.Kind == Function:
		return fmt.Errorf("%s is a Go function: rename it in its .go file", n.Name)
	case n.Kind == Unknown:
		return fmt.Errorf("%q is not declared: there is nothing to rename", n.Name)
	case n.Kind != State && n.Kind != Intent && n.Kind != Entity && !isValue(n.Kind):
		return fmt.Errorf("a %s cannot be renamed: only states, intents, entities, parameters, variables and settings can", n.Kind)
	}
	if !slices.ContainsFunc(ix.Refs(n), func(o Name) bool { return o.Decl }) {
		return fmt.Errorf("%s %q is not declared: there is nothing to rename", n.Kind, n.Name)
	}
	return nil
}

// CheckRename returns why n cannot be renamed to name, or nil: name must be
// a name, not a keyword, not one the language gives, and not one that
// already means something where n is written.
func (ix *Index) CheckRename(n Name, name string) error {
	if err := ix.Renamable(n); err != nil {
		return err
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("the new name is %d bytes long: a name has at most %d", len(name), MaxNameLen)
	}
	if !identRE.MatchString(name) {
		return fmt.Errorf("%q is not a name: a name is ASCII letters, digits and _, and does not start with a digit", name)
	}
	if name == n.Name {
		return nil
	}
	if keywords[name] {
		return fmt.Errorf("%q is a keyword of the language", name)
	}
	switch {
	case n.Kind == State && name == "back":
		return fmt.Errorf("a state cannot be called %q: go back would not reach it", name)
	case n.Kind == Intent && (name == "file" || name == "error"):
		return fmt.Errorf("an intent cannot be called %q: on %s is a transition of its own", name, name)
	case n.Kind == Entity && BuiltinEntities[name]:
		return fmt.Errorf("%q is a built-in entity", name)
	case isValue(n.Kind) && (turnNames[name] || name == "file"):
		return fmt.Errorf("%q is a name of the turn, which a %s of that name would hide", name, n.Kind)
	case n.Kind == Setting:
		// A setting is set when the bot runs as config keys are.
		if _, ok := config.Lookup(name); ok {
			return fmt.Errorf("%q is a config key, which --set %s=... would set instead", name, name)
		}
		env := config.EnvName(name)
		if env == config.FileEnv {
			return fmt.Errorf("a setting %q would be set by %s, which names the config file", name, env)
		}
		for _, k := range config.Keys() {
			if config.EnvName(k.Name) == env {
				return fmt.Errorf("a setting %q would be set by %s, as config key %s is", name, env, k.Name)
			}
		}
		for _, o := range ix.Names {
			if o.Kind == Setting && o.Decl && o.Name != n.Name && config.EnvName(o.Name) == env {
				return fmt.Errorf("a setting %q would be set by %s, as setting %q (line %d) is", name, env, o.Name, o.Pos.Line)
			}
		}
	}
	refs := ix.Refs(n)
	for _, o := range ix.Names {
		if o.Name != name {
			continue
		}
		sameSpace := o.Kind == n.Kind && o.Kind != LoopVariable || isValue(n.Kind) && n.Kind != LoopVariable && isValue(o.Kind) && o.Kind != LoopVariable
		if sameSpace {
			return fmt.Errorf("%s %q already exists (line %d)", o.Kind, name, o.Pos.Line)
		}
	}
	if n.Kind == LoopVariable {
		loop := slices.IndexFunc(ix.Loops, func(l Name) bool { return l.Pos == n.Scope })
		for _, o := range ix.Names {
			if o.Name == name && o.Kind != Field && o.Kind != Function && slices.Contains(o.Within, loop) {
				return fmt.Errorf("the loop's body reads %q (line %d), which a loop variable of that name would hide", name, o.Pos.Line)
			}
		}
		for i, l := range ix.Loops {
			if l.Name == name && slices.ContainsFunc(refs, func(r Name) bool { return slices.Contains(r.Within, i) }) {
				return fmt.Errorf("%q is the variable of the enclosing loop at line %d", name, l.Pos.Line)
			}
		}
		return nil
	}
	if isValue(n.Kind) {
		for _, r := range refs {
			for _, i := range r.Within {
				if l := ix.Loops[i]; l.Name == name {
					return fmt.Errorf("at line %d, the loop variable %q (line %d) would hide the renamed %s", r.Pos.Line, name, l.Pos.Line, n.Kind)
				}
			}
		}
	}
	return nil
}
