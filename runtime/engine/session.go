package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/fetch"
	"github.com/botgen-dev/botgen/runtime/knowledge"
	"github.com/botgen-dev/botgen/runtime/llm"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// DefaultFallbackText is the reply when neither the state nor the bot has a
// fallback body.
const DefaultFallbackText = "Sorry, I didn't get it"

// MaxMoves is the longest chain of automatic transitions (go, go back) one
// entry may follow; a longer one is a cycle, stopped with ErrTooManyMoves.
const MaxMoves = 100

// maxReturns bounds the stack of states `go back` returns to: a user who asks
// for help forever must not grow the session forever.
const maxReturns = 32

// ErrTooManyMoves is wrapped by the error of a turn stopped after MaxMoves
// automatic transitions in a row.
var ErrTooManyMoves = errors.New("too many automatic transitions in a row")

// PanicError is the error of a turn whose compiled code panicked (a division
// by zero, say). The turn was undone and answered with the fallback.
type PanicError struct {
	State string // the state the session was in when the turn began
	// At is where the compiled code panicked, "file:line": in the .bot
	// file, which the line directives of generated code name. Empty when
	// no compiled code is on the stack.
	At    string
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic, for the log
}

// Error says where the turn panicked and with what.
func (e *PanicError) Error() string {
	if e.At != "" {
		return fmt.Sprintf("engine: panic in a turn in state %s, at %s: %v", e.State, e.At, e.Value)
	}
	return fmt.Sprintf("engine: panic in a turn in state %s: %v", e.State, e.Value)
}

// Unwrap returns the panic value when it is an error, so that
// errors.Is(err, builtin.DivisionByZero{}) holds.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Engine is a validated bot ready to hold sessions. It is safe for concurrent
// use; sessions are not (the server runs one session's turns in order).
type Engine struct {
	bot *Bot
	cfg config.Config

	states    []state
	byName    map[string]int // state index by name
	initial   int
	globals   []global
	nlu       nlu.Classifier
	slots     map[string]int // variable slot by name: vars, params, file.*
	init      []value        // initial value per slot
	threshold float64
	loc       *time.Location  // nlp.timezone
	ctx       context.Context // done when the bot shuts down (see SetShutdown); nil: never
	http      *fetch.Client   // the bot's HTTP calls (http.timeout, http.max_bytes)
	settings  map[string]val.Value
	// The language model (llm.go): nil when the bot asks none or llm.url
	// is empty; its metrics; the knowledge `reply answer` draws on.
	model    llm.Model
	llmStats *llm.Stats
	know     *knowledge.Index
}

// SetShutdown makes the calls of every turn cancelled when ctx is done: the
// bot is shutting down. Call it before the first turn.
func (e *Engine) SetShutdown(ctx context.Context) { e.ctx = ctx }

// state is a State with its transitions resolved to indexes.
type state struct {
	*State
	targets []int // per transition: target state index (-1 for GoBack)
	autos   []int // indexes of the automatic transitions (go, go back), in order
	onError int   // index of the on error transition, -1 when none
	// cands are the intents a message is classified among: those the
	// transitions name, then the globals'.
	cands []string
}

type global struct {
	intent string
	target int
}

// New validates b and prepares its intent matcher under cfg. The error
// names every unknown or duplicate name it found.
func New(b *Bot, cfg config.Config) (*Engine, error) {
	if b == nil {
		return nil, errors.New("engine: nil bot")
	}
	bd := &builder{
		e: &Engine{bot: b, cfg: cfg, byName: make(map[string]int, len(b.States)), threshold: cfg.IntentThreshold, loc: time.Local,
			http: &fetch.Client{Timeout: cfg.HTTPTimeout, MaxBytes: cfg.HTTPMaxBytes}},
		intents: make(map[string]bool, len(b.Intents)),
	}
	bd.declare()
	bd.readSettings()
	bd.resolveStates()
	bd.resolveGlobals()
	if b.Initial == "" {
		bd.bad("no initial state")
	} else {
		bd.e.initial = bd.target("initial state", b.Initial)
	}
	bd.allocateSlots()
	bd.prepareClassifier()
	bd.prepareModel()
	bd.prepareKnowledge()
	if len(bd.errs) > 0 {
		return nil, fmt.Errorf("engine: bot %s: %w", b.Name, errors.Join(bd.errs...))
	}
	return bd.e, nil
}

// builder builds an Engine from a Bot in steps, collecting every problem
// the bot has so that New reports them all at once.
type builder struct {
	e       *Engine
	intents map[string]bool // declared intents
	errs    []error
}

func (bd *builder) bad(format string, args ...any) {
	bd.errs = append(bd.errs, fmt.Errorf(format, args...))
}

// declare indexes the intents and the states by name.
func (bd *builder) declare() {
	b := bd.e.bot
	for _, in := range b.Intents {
		if bd.intents[in.Name] {
			bd.bad("intent %s declared twice", in.Name)
		}
		bd.intents[in.Name] = true
	}
	for i, st := range b.States {
		if _, dup := bd.e.byName[st.Name]; dup {
			bd.bad("state %s declared twice", st.Name)
			continue
		}
		bd.e.byName[st.Name] = i
	}
}

// target returns the index of state name, -1 when there is none.
func (bd *builder) target(where, name string) int {
	i, ok := bd.e.byName[name]
	if !ok {
		bd.bad("%s: unknown state %q", where, name)
		return -1
	}
	return i
}

// resolveStates resolves the states' transitions to state indexes and
// lists the intents each state listens to.
func (bd *builder) resolveStates() {
	b := bd.e.bot
	bd.e.states = make([]state, len(b.States))
	for i := range b.States {
		st := &b.States[i]
		s := state{State: st, targets: make([]int, len(st.Transitions)), onError: -1}
		for k, tr := range st.Transitions {
			s.targets[k] = bd.transition(fmt.Sprintf("state %s, transition %d", st.Name, k+1), tr)
			switch {
			case tr.Kind == Go || tr.Kind == GoBack:
				s.autos = append(s.autos, k)
			case tr.Kind == OnError && s.onError < 0:
				s.onError = k
			}
		}
		s.cands = Listens(st.Transitions, b.Globals)
		bd.e.states[i] = s
	}
}

// transition checks a transition and returns its target (-1 for
// GoBack).
func (bd *builder) transition(where string, tr Transition) int {
	switch tr.Kind {
	case OnIntent:
		if !bd.intents[tr.Intent] {
			bd.bad("%s: unknown intent %q", where, tr.Intent)
		}
	case When:
		if tr.Cond == nil {
			bd.bad("%s: when without a condition", where)
		}
	case OnFile, Otherwise, Go, GoBack, OnError:
	default:
		bd.bad("%s: unknown transition kind %d", where, tr.Kind)
	}
	if tr.Kind == GoBack {
		return -1
	}
	return bd.target(where, tr.Target)
}

// resolveGlobals resolves the global intents' targets.
func (bd *builder) resolveGlobals() {
	e := bd.e
	for _, g := range e.bot.Globals {
		where := "global " + g.Intent
		if !bd.intents[g.Intent] {
			bd.bad("%s: unknown intent %q", where, g.Intent)
		}
		e.globals = append(e.globals, global{intent: g.Intent, target: bd.target(where, g.Target)})
	}
}

// allocateSlots gives every name a body may read a slot: declared
// variables with their initial values, then params and the file fields at
// their zero values.
func (bd *builder) allocateSlots() {
	e := bd.e
	e.slots = map[string]int{}
	add := func(name string, v value) {
		if _, ok := e.slots[name]; ok {
			return
		}
		e.slots[name] = len(e.init)
		e.init = append(e.init, v)
	}
	for _, v := range e.bot.Vars {
		if _, dup := e.slots[v.Name]; dup {
			bd.bad("variable %s declared twice", v.Name)
			continue
		}
		val, ok := valueOf(v.Init)
		if v.Init == nil {
			// A variable of a dynamic value, null until it is set.
			val, ok = value{kind: kindData}, true
		}
		if !ok {
			bd.bad("variable %s: initial value of type %T (want float64, string, bool, a record, a list or nil)", v.Name, v.Init)
		}
		add(v.Name, val)
	}
	for _, in := range e.bot.Intents {
		for _, p := range in.Params {
			if p.Entity == nlu.EntityNumber {
				add(p.Name, value{kind: kindNum})
			} else {
				add(p.Name, value{kind: kindStr})
			}
		}
	}
	add(FileName, value{kind: kindStr})
	add(FileType, value{kind: kindStr})
	add(FileSize, value{kind: kindNum})
}

// prepareClassifier loads the bot's model, or trains one when the bot has
// none or one trained for other settings.
func (bd *builder) prepareClassifier() {
	b, cfg := bd.e.bot, bd.e.cfg
	opts := nlu.Options{Language: cfg.Language, Stemming: cfg.PreProcessing}
	if cfg.Timezone != "" {
		loc, err := time.LoadLocation(cfg.Timezone)
		if err != nil {
			bd.bad("nlp.timezone: %v", err)
		}
		opts.Location = loc
		bd.e.loc = loc
	}
	var clf *nlu.Model
	var err error
	if b.Model != nil {
		clf, err = nlu.LoadModel(b.Model, b.Intents, b.Entities, opts)
	}
	if b.Model == nil || errors.Is(err, nlu.ErrModelMismatch) {
		clf, err = nlu.Train(b.Intents, b.Entities, opts)
	}
	if err != nil {
		bd.errs = append(bd.errs, err)
		return
	}
	bd.e.nlu = clf
}

// The variables a received file sets.
const (
	FileName = "file.name"
	FileType = "file.type"
	FileSize = "file.size"
)

// Bot returns the bot the engine runs.
func (e *Engine) Bot() *Bot { return e.bot }

// Config returns the configuration the engine was built with.
func (e *Engine) Config() config.Config { return e.cfg }

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

	e       *Engine
	state   int
	vars    []value          // by slot
	extra   map[string]value // names without a slot (set by clients)
	returns []int            // states `go back` returns to, innermost last
	rng     *rand.Rand
	err     error // of the last Start
	undo    []undo
	replies []reply.Reply
	// Of the last turn: the intent understood ("" when none) and whether a
	// fallback answered.
	lastIntent string
	fellBack   bool
	// The turn's message, the best score of its prediction, the failures
	// an on error transition took (see Failures), the iterations of its
	// loops, and where the running body's undo and replies begin.
	message     string
	confidence  float64
	failures    []*CallError
	iterations  int
	bodyUndo    int
	bodyReplies int
	mocks       *Mocks        // a test's; nil: the real world
	http        *fetch.Client // with the mocks' HTTP table; nil: the engine's
	// The language model's view of the session (llm.go): the conversation
	// so far, where streamed text goes and how many replies streamed in
	// the session (their ids), and what the turn's model did worth a log
	// line.
	transcript func(turns int) []Said
	stream     func(id int, delta string)
	streams    int
	notes      []Note
	choice     string // the language model's choice of intent this turn (see LLMChoice)
}

// LastTurn tells how the last turn went: the intent it understood (""
// when none was, or the input was not text), and whether a fallback body
// answered (a message not understood, a file no transition takes, voice,
// or a turn that failed).
func (s *Session) LastTurn() (intent string, fellBack bool) {
	return s.lastIntent, s.fellBack
}

// NewSession returns a session that has not started yet: it is in the
// initial state with every variable at its initial value, but the initial
// body has not run. When random.seed is set, every session's random source is
// seeded with exactly it (whatever the id), so runs repeat; otherwise each
// session is seeded from the system.
func (e *Engine) NewSession(id string) *Session {
	s := &Session{ID: id, e: e, rng: e.newRand()}
	s.wipe()
	return s
}

// newRand returns a random source for a new session.
func (e *Engine) newRand() *rand.Rand {
	if seed := e.cfg.RandomSeed; seed != 0 {
		return rand.New(rand.NewPCG(uint64(seed), uint64(seed)))
	}
	return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
}

// wipe puts the session back at the beginning: initial state, initial
// values, no return stack.
func (s *Session) wipe() {
	s.state = s.e.initial
	s.vars = append(s.vars[:0], s.e.init...)
	s.extra = nil
	s.returns = s.returns[:0]
}

// Start enters the initial state and runs its body (and any automatic
// transitions), returning the replies. Variables start from their initial
// values. A problem (a panic, a cycle of automatic transitions) is kept for
// Err; after a panic the replies are the fallback's.
func (s *Session) Start() []reply.Reply {
	s.wipe()
	replies, err := s.turn(func(t *Turn) error { return s.enter(t, s.e.initial) })
	s.err = err
	return replies
}

// Err returns the error of the last Start (or Reset), nil when it went well.
func (s *Session) Err() error { return s.err }

// Handle runs one turn and returns the replies, in order. A panic inside the
// turn is recovered: the fallback replies are returned with a non-nil error
// describing the panic (a *PanicError), and the session stays usable: what
// the turn changed is undone.
//
// A message is classified among the intents the current state's transitions
// name and the globals' intents; an intent is understood when its score is at
// least nlp.intent_threshold (and above 0), and then its params are set. The
// state's transitions are checked in order and the first that holds fires
// (on INTENT: that intent was understood; when: its condition; otherwise: no
// intent was understood). Else an understood global intent fires, remembering
// the state for `go back`. Else the fallback runs and the state stays. A file
// sets file.name, file.type and file.size and fires the first `on file` whose
// types allow it (or a `when` that holds). Voice gets the fallback. SetVars
// sets variables and replies nothing. Reset starts the session over.
func (s *Session) Handle(in Input) ([]reply.Reply, error) {
	switch in.Kind {
	case Text:
		return s.turn(func(t *Turn) error { return s.text(t, in.Text) })
	case File:
		return s.turn(func(t *Turn) error { return s.file(t, in.File) })
	case Voice:
		return s.turn(func(t *Turn) error { s.fallback(t); return nil })
	case SetVars:
		return nil, s.setVars(in.Vars)
	case Reset:
		// The session is recreated, random source included: a seeded bot
		// repeats itself after a reset as a new session would.
		s.rng = s.e.newRand()
		replies := s.Start()
		return replies, s.err
	}
	return nil, fmt.Errorf("engine: unknown input kind %d", in.Kind)
}

// State returns the name of the current state.
func (s *Session) State() string {
	return s.e.states[s.state].Name
}

// turn runs f as one turn: it collects the replies, and when f panics it
// undoes what the turn changed and answers with the fallback instead.
func (s *Session) turn(f func(t *Turn) error) (replies []reply.Reply, err error) {
	t := &Turn{s: s}
	startState, startReturns := s.state, slices.Clone(s.returns)
	s.undo = s.undo[:0]
	s.replies = nil
	s.lastIntent, s.fellBack = "", false
	s.message, s.confidence, s.failures, s.iterations = "", 0, nil, 0
	s.notes, s.choice = nil, ""
	// The message is the client's: the session must not keep it alive.
	defer func() { s.message = "" }()
	perr := s.protect(func() { err = f(t) })
	// A body that failed in a state with on error: what it did is undone,
	// error says why, and the turn goes on from the on error target.
	for moves := 0; perr != nil && moves < MaxMoves; moves++ {
		ce, ok := perr.(*CallError) // as protect returns it
		st := &s.e.states[s.state]
		if !ok || st.onError < 0 {
			break
		}
		s.undoTo(s.bodyUndo)
		s.replies = s.replies[:s.bodyReplies]
		s.failures = append(s.failures, ce)
		t.set(ErrorVar, value{kind: kindStr, str: ce.Err.Error()})
		target := st.targets[st.onError]
		perr = s.protect(func() { err = s.enter(t, target) })
	}
	if perr == nil {
		return s.replies, err
	}
	s.rollback(startState, startReturns)
	s.replies = nil
	if s.protect(func() { s.fallback(t) }) != nil {
		// The fallback panics too: the default text, which cannot.
		s.rollback(startState, startReturns)
		s.replies = []reply.Reply{reply.NewText(reply.Str, DefaultFallbackText)}
	}
	return s.replies, perr
}

// protect runs f, turning a panic into a *PanicError.
func (s *Session) protect(f func()) (err error) {
	state := s.State()
	defer func() {
		if v := recover(); v != nil {
			if f, ok := v.(*failure); ok {
				err = &CallError{State: s.State(), At: f.at, Err: f.err}
				return
			}
			err = &PanicError{State: state, At: compiledFrame(), Value: v, Stack: debug.Stack()}
		}
	}()
	f()
	return nil
}

// compiledFrame returns the position of the innermost frame of compiled
// bot code on the panicking stack, as "file:line" with the file's base
// name. Generated code is package main, and its line directives give its
// statements their positions in the .bot file, so the frame is the
// statement that failed, wherever in the runtime the panic was raised.
// main.main is left out: it is the program's start, below a turn run in
// the terminal, not compiled bot code. Called from the deferred function
// that recovers.
func compiledFrame() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "main.") && f.Function != "main.main" {
			return filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
		}
		if !more {
			return ""
		}
	}
}

// rollback undoes the variable writes of the turn and restores its state.
func (s *Session) rollback(state int, returns []int) {
	s.undoTo(0)
	s.state = state
	s.returns = append(s.returns[:0], returns...)
}

// undoTo undoes the variable writes after the first mark ones.
func (s *Session) undoTo(mark int) {
	for i := len(s.undo) - 1; i >= mark; i-- {
		u := s.undo[i]
		switch {
		case u.slot >= 0:
			s.vars[u.slot] = u.old
		case u.existed:
			s.extra[u.name] = u.old
		default:
			delete(s.extra, u.name)
		}
	}
	s.undo = s.undo[:mark]
}

// enter moves to state i: it runs the body, then follows automatic
// transitions, at most MaxMoves of them.
func (s *Session) enter(t *Turn, i int) error {
	for moves := 0; ; moves++ {
		s.state = i
		st := &s.e.states[i]
		// What the body does is undone if it fails (see turn).
		s.bodyUndo, s.bodyReplies = len(s.undo), len(s.replies)
		if st.Body != nil {
			st.Body(t)
		}
		next := -1
		for _, k := range st.autos {
			if c := st.Transitions[k].Cond; c == nil || c(t) {
				next = k
				break
			}
		}
		if next < 0 {
			return nil
		}
		if moves == MaxMoves {
			return fmt.Errorf("engine: state %s: %w (stopped after %d)", st.Name, ErrTooManyMoves, MaxMoves)
		}
		if st.Transitions[next].Kind == GoBack {
			i = s.popReturn()
		} else {
			i = st.targets[next]
		}
	}
}

// popReturn returns the state `go back` goes to: the one the user was in
// when the last global fired, or the initial state when there is none.
func (s *Session) popReturn() int {
	n := len(s.returns)
	if n == 0 {
		return s.e.initial
	}
	i := s.returns[n-1]
	s.returns = s.returns[:n-1]
	return i
}

func (s *Session) pushReturn(i int) {
	if len(s.returns) == maxReturns {
		s.returns = append(s.returns[:0], s.returns[1:]...)
	}
	s.returns = append(s.returns, i)
}

// text handles a message.
func (s *Session) text(t *Turn, text string) error {
	st := &s.e.states[s.state]
	predicted := ""
	text = readable(text)
	s.message = text
	if len(st.cands) > 0 {
		u := s.e.nlu.Understand(text, st.cands, s.e.threshold)
		s.confidence = u.Best.Score
		values := u.Values
		if u.Understood {
			predicted = u.Best.Intent
		} else if s.e.cfg.LLMFallback {
			if predicted = t.chooseIntent(text, st.cands); predicted != "" {
				values = s.e.nlu.Extract(predicted, text)
			}
		}
		if predicted != "" {
			s.lastIntent = predicted
			for _, v := range values {
				// A copy: a value read from the message must not keep
				// the whole message alive in the session.
				if str, ok := v.Value.(string); ok {
					t.set(v.Param, value{kind: kindStr, str: strings.Clone(str)})
				} else {
					t.Set(v.Param, v.Value)
				}
			}
		}
	}
	for k, tr := range st.Transitions {
		var holds bool
		switch tr.Kind {
		case OnIntent:
			holds = predicted != "" && tr.Intent == predicted
		case When:
			holds = tr.Cond(t)
		case Otherwise:
			holds = predicted == ""
		}
		if holds {
			return s.enter(t, st.targets[k])
		}
	}
	if predicted != "" {
		for _, g := range s.e.globals {
			if g.intent == predicted {
				s.pushReturn(s.state)
				return s.enter(t, g.target)
			}
		}
	}
	s.fallback(t)
	return nil
}

// file handles an uploaded file.
func (s *Session) file(t *Turn, f *UploadedFile) error {
	if f == nil {
		return errors.New("engine: file input without a file")
	}
	// Browsers type files unevenly (Windows sends a .csv as
	// application/vnd.ms-excel; an extension a browser does not know comes
	// with no type): a transition takes the file when either the type sent
	// or the one its name implies is allowed, and file.type is the one
	// sent, or the implied one when none was.
	implied := reply.TypeByName(f.Name)
	typ := f.Type
	if mediaType(typ) == "" || mediaType(typ) == "application/octet-stream" {
		typ = cmp.Or(implied, typ)
	}
	t.Set(FileName, f.Name)
	t.Set(FileType, typ)
	t.Set(FileSize, float64(len(f.Data)))
	st := &s.e.states[s.state]
	for k, tr := range st.Transitions {
		var holds bool
		switch tr.Kind {
		case OnFile:
			holds = MIMEAllowed(f.Type, tr.MIMETypes) || implied != "" && MIMEAllowed(implied, tr.MIMETypes)
		case When:
			holds = tr.Cond(t)
		}
		if holds {
			return s.enter(t, st.targets[k])
		}
	}
	s.fallback(t)
	return nil
}

// MIMEAllowed reports whether a file of type typ may pass a transition that
// accepts allowed: every type when allowed is empty, else the media types
// compared without parameters and case, "image/*" accepting every image and
// "*/*" anything.
func MIMEAllowed(typ string, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	got := mediaType(typ)
	if got == "" {
		return false
	}
	for _, a := range allowed {
		want := mediaType(a)
		switch {
		case want == got, want == "*/*":
			return true
		case strings.HasSuffix(want, "/*"):
			if strings.HasPrefix(got, want[:len(want)-1]) {
				return true
			}
		}
	}
	return false
}

// mediaType returns the lower-case type/subtype of a MIME type, without
// parameters.
func mediaType(s string) string {
	if mt, _, err := mime.ParseMediaType(s); err == nil {
		return mt
	}
	// Lenient with what clients declare: cut parameters by hand.
	s, _, _ = strings.Cut(s, ";")
	return strings.ToLower(strings.TrimSpace(s))
}

// fallback runs the current state's fallback body, else the bot's, else the
// default reply.
func (s *Session) fallback(t *Turn) {
	s.fellBack = true
	switch st := &s.e.states[s.state]; {
	case st.Fallback != nil:
		st.Fallback(t)
	case s.e.bot.Fallback != nil:
		s.e.bot.Fallback(t)
	default:
		t.Reply(reply.NewText(reply.Str, DefaultFallbackText))
	}
}

// maxClientVars bounds the variables a client may set that the bot does
// not declare (kept, but no body reads them); together their strings take
// at most session.max_variable_bytes.
const maxClientVars = 32

// MaxReadText is how much of a message the classifier and the entity
// finder read: far more than a chat message says, and a bound on what one
// message costs them and on a parameter's value.
const MaxReadText = 16 << 10

// readable is text cut to MaxReadText bytes, on a character boundary.
func readable(text string) string {
	if len(text) <= MaxReadText {
		return text
	}
	cut := MaxReadText
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// setVars sets variables from a client: JSON numbers, strings and bools. A
// value of another type, of another type than the variable's declared one,
// or a string longer than session.max_variable_bytes, is refused (the
// error names it) but the others are still set.
func (s *Session) setVars(vars map[string]any) error {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names) // one order, so the error reads the same every time
	t := &Turn{s: s}
	var errs []error
	for _, n := range names {
		if strings.HasPrefix(n, "$") {
			errs = append(errs, fmt.Errorf("engine: variable %s: names starting with $ are the bot's own", n))
			continue
		}
		v, ok := valueOf(vars[n])
		if !ok || v.kind == kindData { // a client sets scalars only
			errs = append(errs, fmt.Errorf("engine: variable %s: unsupported value of type %s (want number, string or bool)", n, jsonType(vars[n])))
			continue
		}
		if max := s.e.cfg.MaxVariableBytes; max > 0 && len(v.str) > max {
			errs = append(errs, fmt.Errorf("engine: variable %s: a string of %d bytes is over session.max_variable_bytes (%d)", n, len(v.str), max))
			continue
		}
		if i, ok := s.e.slots[n]; ok {
			if want := s.e.init[i].kind; want != kindNone && want != v.kind {
				errs = append(errs, fmt.Errorf("engine: variable %s holds a %s: a %s was sent", n, want, v.kind))
				continue
			}
		} else if old, ok := s.extra[n]; !ok && len(s.extra) >= maxClientVars {
			errs = append(errs, fmt.Errorf("engine: variable %s: the bot does not declare it and the session already holds %d such variables", n, maxClientVars))
			continue
		} else if max := s.e.cfg.MaxVariableBytes; max > 0 && s.extraBytes()-len(old.str)+len(v.str) > max {
			errs = append(errs, fmt.Errorf("engine: variable %s: the variables the bot does not declare would take over session.max_variable_bytes (%d)", n, max))
			continue
		}
		t.set(n, v)
	}
	s.undo = s.undo[:0]
	return errors.Join(errs...)
}

// extraBytes is what the strings of the undeclared variables take.
func (s *Session) extraBytes() int {
	n := 0
	for _, v := range s.extra {
		n += len(v.str)
	}
	return n
}

// Size is roughly what the session's variables take in memory, in bytes.
func (s *Session) Size() int64 {
	const perVar = 32
	n := int64(len(s.vars)+len(s.extra)) * perVar
	for _, v := range s.vars {
		n += int64(len(v.str)) + dataSize(v)
	}
	for name, v := range s.extra {
		n += int64(len(name)+len(v.str)) + dataSize(v)
	}
	return n
}

// dataSize is what a record or list held by v takes.
func dataSize(v value) int64 {
	if v.kind != kindData {
		return 0
	}
	return val.Size(v.data)
}

// jsonType names the JSON type of a value decoded from a client.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// valueKind is the type of a variable's value.
type valueKind uint8

const (
	kindNone valueKind = iota // unset
	kindNum
	kindStr
	kindBool
	kindData // a record, a list or null
)

// value is a variable's value, unboxed so that setting a number allocates
// nothing.
type value struct {
	kind valueKind
	num  float64
	str  string
	b    bool
	data val.Value // kindData
}

// valueOf converts what a bot definition or a client gives to a value.
func valueOf(v any) (value, bool) {
	switch x := v.(type) {
	case float64:
		return value{kind: kindNum, num: x}, true
	case float32:
		return value{kind: kindNum, num: float64(x)}, true
	case int:
		return value{kind: kindNum, num: float64(x)}, true
	case int64:
		return value{kind: kindNum, num: float64(x)}, true
	case int32:
		return value{kind: kindNum, num: float64(x)}, true
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return value{}, false
		}
		return value{kind: kindNum, num: f}, true
	case string:
		return value{kind: kindStr, str: x}, true
	case bool:
		return value{kind: kindBool, b: x}, true
	case *val.Record, []any:
		return value{kind: kindData, data: x}, true
	case map[string]any:
		// JSON from a client or a store: its keys in order.
		r, err := val.FromGo(x)
		if err != nil {
			return value{}, false
		}
		return value{kind: kindData, data: r}, true
	}
	return value{}, false
}

// undo is how to restore one variable when a turn is undone.
type undo struct {
	slot    int // -1: an extra variable
	name    string
	old     value
	existed bool
}

// Turn is what a compiled body sees while it runs: the session's variables
// and parameters, the random source, and the replies produced so far.
type Turn struct {
	s *Session
}

func (t *Turn) get(name string) value {
	s := t.s
	if i, ok := s.e.slots[name]; ok {
		return s.vars[i]
	}
	return s.extra[name]
}

func (t *Turn) set(name string, v value) {
	s := t.s
	if i, ok := s.e.slots[name]; ok {
		s.undo = append(s.undo, undo{slot: i, old: s.vars[i]})
		s.vars[i] = v
		return
	}
	old, existed := s.extra[name]
	s.undo = append(s.undo, undo{slot: -1, name: name, old: old, existed: existed})
	if s.extra == nil {
		s.extra = map[string]value{}
	}
	s.extra[name] = v
}

// Num returns the number variable or parameter name (0 when unset).
func (t *Turn) Num(name string) float64 { return t.get(name).num }

// Str returns the string variable or parameter name ("" when unset).
func (t *Turn) Str(name string) string { return t.get(name).str }

// Bool returns the bool variable name (false when unset).
func (t *Turn) Bool(name string) bool { return t.get(name).b }

// Set assigns a session variable (float64, string or bool; other integer
// types are stored as float64). A value of any other type unsets it.
func (t *Turn) Set(name string, v any) {
	val, _ := valueOf(v)
	t.set(name, val)
}

// Reply queues a reply; an empty one is dropped (clients cannot show it).
func (t *Turn) Reply(r reply.Reply) {
	if !r.Empty() {
		t.s.replies = append(t.s.replies, r)
	}
}

// Pick returns a random index in [0, n) from the session's random source (0
// when n <= 0).
func (t *Turn) Pick(n int) int {
	if n <= 0 {
		return 0
	}
	return t.s.rng.IntN(n)
}

// Random returns a random number in [lo, hi) from the session's random source.
func (t *Turn) Random(lo, hi float64) float64 {
	return lo + t.s.rng.Float64()*(hi-lo)
}

// Vars returns a copy of the session's variables and parameters that have a
// value (float64, string or bool), for inspection and tests.
func (s *Session) Vars() map[string]any {
	out := make(map[string]any, len(s.vars)+len(s.extra))
	put := func(name string, v value) {
		switch v.kind {
		case kindNum:
			out[name] = v.num
		case kindStr:
			out[name] = v.str
		case kindBool:
			out[name] = v.b
		}
	}
	for name, i := range s.e.slots {
		put(name, s.vars[i])
	}
	for name, v := range s.extra {
		put(name, v)
	}
	return out
}
