package engine

import (
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// Engine is a validated bot ready to hold sessions. It is safe for concurrent
// use; sessions are not (the server runs one session's turns in order).
type Engine struct {
	bot *Bot
	cfg config.Config
}

// New validates b and prepares its intent matcher under cfg.
func New(b *Bot, cfg config.Config) (*Engine, error) {
	panic("unimplemented")
}

// InputKind is what the user did.
type InputKind int

// The kinds of input.
const (
	Text    InputKind = iota // a message
	File                     // an uploaded file
	Voice                    // audio: answered with the fallback (no speech-to-text)
	SetVars                  // set session variables
	Reset                    // start over
)

// UploadedFile is a file sent by the user.
type UploadedFile struct {
	Name string
	Type string // MIME type as the client declared it
	Data []byte
}

// Input is one thing the user did.
type Input struct {
	Kind InputKind
	Text string         // Text; for a baf JSON event, its "message" field
	File *UploadedFile  // File
	Vars map[string]any // SetVars
}

// Session is one conversation: its current state, variables and random
// source. It is not safe for concurrent use.
type Session struct {
	ID string
}

// NewSession returns a session that has not started yet. Its random source is
// seeded from the engine's random.seed and the id when the seed is set.
func (e *Engine) NewSession(id string) *Session {
	panic("unimplemented")
}

// Start enters the initial state and runs its body (and any automatic
// transitions), returning the replies.
func (s *Session) Start() []reply.Reply {
	panic("unimplemented")
}

// Handle runs one turn and returns the replies, in order. A panic inside the
// turn is recovered: the fallback replies are returned with a non-nil error
// describing the panic, and the session stays usable.
func (s *Session) Handle(in Input) ([]reply.Reply, error) {
	panic("unimplemented")
}

// State returns the name of the current state.
func (s *Session) State() string {
	panic("unimplemented")
}

// Turn is what a compiled body sees while it runs: the session's variables
// and parameters, the random source, and the replies produced so far.
type Turn struct {
	s *Session
}

// Num returns the number variable or parameter name (0 when unset).
func (t *Turn) Num(name string) float64 { panic("unimplemented") }

// Str returns the string variable or parameter name ("" when unset).
func (t *Turn) Str(name string) string { panic("unimplemented") }

// Bool returns the bool variable name (false when unset).
func (t *Turn) Bool(name string) bool { panic("unimplemented") }

// Set assigns a session variable (float64, string or bool).
func (t *Turn) Set(name string, v any) { panic("unimplemented") }

// Reply queues a reply; an empty one is dropped (clients cannot show it).
func (t *Turn) Reply(r reply.Reply) { panic("unimplemented") }

// Pick returns a random index in [0, n) from the session's random source.
func (t *Turn) Pick(n int) int { panic("unimplemented") }

// Random returns a random number in [lo, hi) from the session's random source.
func (t *Turn) Random(lo, hi float64) float64 { panic("unimplemented") }
