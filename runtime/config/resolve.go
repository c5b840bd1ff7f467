package config

import (
	"errors"
	"fmt"
	"strings"
)

// Layer is a source of settings. Layers apply in the order of their values,
// each overriding the ones before it.
type Layer int

// The layers, weakest first.
const (
	FromDefault Layer = iota // the key's default: no source set it
	FromBlock                // the bot's config block, compiled in
	FromFile                 // the config file (--config, BOTGEN_CONFIG)
	FromEnv                  // a BOTGEN_* environment variable
	FromSet                  // --set key=value
	FromFlag                 // a flag of its own: --host, --port, ...
)

func (l Layer) String() string {
	return [...]string{"default", "config block", "config file", "environment", "--set", "flag"}[l]
}

// File is a config file: its name (which picks the format, see ApplyFile,
// and begins its errors and warnings) and its contents.
type File struct {
	Name string
	Data []byte
}

// Flag is a setting given by a command-line flag of its own.
type Flag struct {
	Name  string // the flag as written, such as "--port": its errors begin with it
	Key   string // the key it sets
	Value string
}

// Sources are the places a bot's settings come from, each optional. Resolve
// applies them in this order.
type Sources struct {
	Block []Entry // the bot's config block
	File  *File   // the config file; nil: none
	// Env looks up an environment variable, as os.LookupEnv does; each key
	// is read from EnvName(key). Nil: no environment.
	Env   func(name string) (string, bool)
	Set   []string // the values of --set, "key=value" each, in order
	Flags []Flag   // flags of their own, in order
	// Settings are the bot's own (`setting NAME = value`): every source
	// but the config block may override them as it does config keys.
	Settings []Setting
}

// Setting is a bot-wide, read-only value a bot declares: its name (a plain
// name, where config keys have a dot), the kind of its value and the value
// written in the bot.
type Setting struct {
	Name    string
	Kind    Kind
	Default string
}

// Resolved is a bot's configuration and where each setting came from.
type Resolved struct {
	Config Config
	// Warnings name the keys of the config file that bots have no use for,
	// to be shown to the user.
	Warnings []string
	from     map[string]Layer
}

// From returns the layer that gave key its value, FromDefault when no
// source set it.
func (r Resolved) From(key string) Layer { return r.from[key] }

// ErrNotKeyValue is wrapped by the error of a --set that is not key=value:
// a mistake in the command line rather than in a value.
var ErrNotKeyValue = errors.New("expected key=value")

// OpenAIKeyEnv is read for llm.api_key when BOTGEN_LLM_API_KEY is not set.
const OpenAIKeyEnv = "OPENAI_API_KEY"

// FileEnv is the environment variable that names the config file when the
// command line does not.
const FileEnv = "BOTGEN_CONFIG"

// EnvName is the environment variable that sets key: BOTGEN_ and the key in
// upper case, dots as underscores (BOTGEN_WEBSOCKET_PORT).
func EnvName(key string) string {
	return "BOTGEN_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Resolve builds a bot's configuration from its sources, each overriding
// the ones before it: the defaults, the config block, the config file, the
// environment, --set, then the flags of their own. It is the one place
// this order is written; the bot's start-up, botgen's tools and botgen run
// --watch all ask it.
//
// The first source with a bad setting stops the resolution; its error names
// the source (the file's errors name every bad line). The Resolved returned
// with an error holds what was applied before, and the file's warnings.
func Resolve(s Sources) (Resolved, error) {
	r := Resolved{Config: Default(), from: map[string]Layer{}}
	declared := map[string]Kind{}
	if len(s.Settings) > 0 {
		r.Config.Settings = make(map[string]string, len(s.Settings))
	}
	for _, st := range s.Settings {
		declared[st.Name] = st.Kind
		r.Config.Settings[st.Name] = st.Default
	}
	set := func(layer Layer) func(key, value string) error {
		return func(key, value string) error {
			if kind, ok := declared[key]; ok {
				if err := Check(kind, value); err != nil {
					return fmt.Errorf("setting %s: %w", key, err)
				}
				r.Config.Settings[key] = value
			} else if err := r.Config.Set(key, value); err != nil {
				return err
			}
			r.from[key] = layer
			return nil
		}
	}
	known := func(key string) bool {
		_, ok := declared[key]
		return ok
	}
	for _, e := range s.Block {
		if err := set(FromBlock)(e.Key, e.Value); err != nil {
			return r, err
		}
	}
	if s.File != nil {
		warnings, err := applyFile(s.File.Name, s.File.Data, known, set(FromFile))
		r.Warnings = warnings
		if err != nil {
			return r, err
		}
	}
	if s.Env != nil {
		names := make([]string, 0, len(keys)+len(s.Settings))
		for _, k := range Keys() {
			names = append(names, k.Name)
		}
		for _, st := range s.Settings {
			names = append(names, st.Name)
		}
		for _, name := range names {
			env := EnvName(name)
			v, ok := s.Env(env)
			if !ok && name == "llm.api_key" {
				// The name every OpenAI-format client reads.
				env = OpenAIKeyEnv
				v, ok = s.Env(env)
			}
			if ok {
				if err := set(FromEnv)(name, v); err != nil {
					return r, fmt.Errorf("%s: %w", env, err)
				}
			}
		}
	}
	for _, kv := range s.Set {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return r, fmt.Errorf("--set %q: %w", kv, ErrNotKeyValue)
		}
		if err := set(FromSet)(strings.TrimSpace(k), v); err != nil {
			return r, fmt.Errorf("--set: %w", err)
		}
	}
	for _, f := range s.Flags {
		if err := set(FromFlag)(f.Key, f.Value); err != nil {
			return r, fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	return r, nil
}
