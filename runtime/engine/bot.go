// Package engine runs conversations: it holds the compiled definition of a
// bot (built by generated code), the per-session state machine, and the turn
// logic of the protocol's conversation semantics. It knows nothing of
// WebSockets: the server feeds it inputs and sends what it returns.
package engine

import (
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/llm"
	"github.com/botgen-dev/botgen/runtime/nlu"
)

// Body is a compiled statement list: a state's body or a fallback.
type Body func(t *Turn)

// Cond is a compiled `when` condition.
type Cond func(t *Turn) bool

// TransitionKind tells what makes a transition fire.
type TransitionKind int

// The kinds of transition, as in the language.
const (
	OnIntent TransitionKind = iota
	OnFile
	When
	Otherwise
	Go
	GoBack
	// OnError moves to Target when the state's body fails: a call that
	// fails, a value of the wrong kind, a loop over its cap. The variable
	// error then holds what failed.
	OnError
)

// Transition is one way out of a state. Target names a state (unused for
// GoBack). A Go or GoBack with a Cond moves only when it holds; the
// automatic transitions are tried in order after the body, and the first
// that holds moves.
type Transition struct {
	Kind      TransitionKind
	Intent    string
	MIMETypes []string // OnFile; empty accepts every file
	Cond      Cond
	Target    string
}

// State is a compiled state.
type State struct {
	Name        string
	Body        Body // nil: no body
	Transitions []Transition
	Fallback    Body // nil: the bot-wide fallback applies
}

// Var is a session variable with its initial value: a float64, a string or
// a bool, a record or a list (a *value.Record, a []value.Value), or nil for
// a variable of a dynamic value, null until it is set.
type Var struct {
	Name string
	Init any
}

// Global makes an intent reachable from every state.
type Global struct {
	Intent string
	Target string
}

// Bot is the compiled definition of a bot. Generated code builds one value of
// it; New validates it and prepares the intent matcher.
type Bot struct {
	Name       string
	Source     string // .bot file name
	SourceHash string // hex SHA-256 of the source
	Config     []config.Entry
	Settings   []config.Setting // the bot's own settings, overridable as config keys are
	Vars       []Var
	Entities   []nlu.Entity // handed to the classifier as they are
	Intents    []nlu.Intent
	Globals    []Global
	States     []State
	Initial    string
	Fallback   Body // nil: reply "Sorry, I didn't get it"
	// Model is the intent classifier trained by botgen build from Intents and
	// Entities (nlu.Model.MarshalBinary); generated bots always carry it, so
	// they train nothing at start-up. When it is nil (bots written by hand,
	// in tests) or was trained for another nlp.language or
	// nlp.pre_processing than the configuration's, New trains the model.
	Model []byte
	// LLM makes the client of the language model from the llm.* settings;
	// nil when the bot asks no model, which then links no client.
	LLM func(llm.Config) llm.Model
	// Knowledge is the index of the bot's knowledge documents, as
	// knowledge.Index.Encode writes it; nil when the bot has none.
	Knowledge []byte
}
