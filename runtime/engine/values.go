package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/fetch"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// ErrorVar is the variable that holds, in the state an on error transition
// leads to, the message of what failed (the language's error). Its name is
// no name of the language, so that a bot's own variable named error keeps
// its value and type; clients cannot set it either.
const ErrorVar = "$error"

// CallError is a body that failed: a call to a Go function or an HTTP API
// that returned an error, a value of the wrong kind read from JSON, a loop
// over its cap. At is the place in the .bot file ("weather.bot:12:17").
type CallError struct {
	State string
	At    string
	Err   error
}

func (e *CallError) Error() string {
	if e.At == "" {
		return fmt.Sprintf("engine: state %s: %v", e.State, e.Err)
	}
	return fmt.Sprintf("engine: state %s, at %s: %v", e.State, e.At, e.Err)
}

// Unwrap returns what failed.
func (e *CallError) Unwrap() error { return e.Err }

// failure is the panic value Fail raises: it unwinds the body, however deep
// in loops and conditions it is, to the turn, which tells it from a bug.
type failure struct {
	at  string
	err error
}

// Fail stops the body: what it did in this state is undone, and the turn
// goes on as the state's on error transition says, or fails and the
// fallback answers. at is the place in the .bot file that failed.
func (t *Turn) Fail(at string, err error) {
	panic(&failure{at: at, err: err})
}

// Check fails the body when err is not nil.
func (t *Turn) Check(at string, err error) {
	if err != nil {
		t.Fail(at, err)
	}
}

// Failures returns the failures of the last turn that an on error
// transition took: the turn went on, but they deserve a log line.
func (s *Session) Failures() []*CallError { return s.failures }

// Val returns variable or parameter name as a run-time value: a number,
// string or bool, a record or list, or nil when it is unset.
func (t *Turn) Val(name string) val.Value {
	v := t.get(name)
	switch v.kind {
	case kindNum:
		return v.num
	case kindStr:
		return v.str
	case kindBool:
		return v.b
	case kindData:
		return v.data
	}
	return nil
}

// SetVal assigns a run-time value to a session variable.
func (t *Turn) SetVal(name string, x val.Value) {
	switch y := x.(type) {
	case float64:
		t.set(name, value{kind: kindNum, num: y})
	case string:
		t.set(name, value{kind: kindStr, str: y})
	case bool:
		t.set(name, value{kind: kindBool, b: y})
	default:
		t.set(name, value{kind: kindData, data: x})
	}
}

// Message returns the text of the message this turn answers ("" for a
// file or voice).
func (t *Turn) Message() string { return strings.Clone(t.s.message) }

// Intent returns the intent this turn understood ("" when none).
func (t *Turn) Intent() string { return t.s.lastIntent }

// Confidence returns the score of the best intent for this turn's message,
// understood or not (0 when no intent was asked).
func (t *Turn) Confidence() float64 { return t.s.confidence }

// Now returns the time in nlp.timezone (the machine's when unset).
func (t *Turn) Now() time.Time { return time.Now().In(t.s.e.loc) }

// Context returns the context of a call the turn makes: cancelled when
// actions.timeout has passed since the call began and when the bot shuts
// down. Call cancel once the call returns.
func (t *Turn) Context() (ctx context.Context, cancel context.CancelFunc) {
	base := t.s.e.ctx
	if base == nil {
		base = context.Background()
	}
	if d := t.s.e.cfg.ActionsTimeout; d > 0 {
		return context.WithTimeout(base, d)
	}
	return context.WithCancel(base)
}

// Step counts one iteration of a loop; past actions.max_iterations in one
// turn, the body fails at at.
func (t *Turn) Step(at string) {
	s := t.s
	s.iterations++
	if max := s.e.cfg.MaxIterations; max > 0 && s.iterations > max {
		t.Fail(at, fmt.Errorf("loops ran over %d iterations in one turn (actions.max_iterations)", max))
	}
}

// Mocks replace, for one session, what a bot's calls reach: HTTP APIs and
// Go functions. A test gives each of its sessions its own.
type Mocks struct {
	// HTTP answers get and post; strict ones fail a call they do not hold.
	HTTP *fetch.Mocks
	// Funcs answer calls of Go functions by name.
	Funcs map[string]FuncMock
}

// FuncMock is what a mocked Go function gives: Value, or when Fail is set
// or Fails is not empty an error with the message Fails.
type FuncMock struct {
	Value val.Value
	Fail  bool
	Fails string
}

// SetMocks makes the session's calls answered by m (nil: the real world).
// Call it before the session's first turn.
func (s *Session) SetMocks(m *Mocks) {
	s.mocks = m
	s.http = nil
	if m != nil && m.HTTP != nil {
		s.http = s.e.http.WithMocks(m.HTTP)
	}
}

// client is the HTTP client of the session's calls.
func (s *Session) client() *fetch.Client {
	if s.http != nil {
		return s.http
	}
	return s.e.http
}

// Get is the language's get(url, query, headers): the decoded JSON answer,
// or the body fails at at.
func (t *Turn) Get(at, url string, query, headers *val.Record) val.Value {
	ctx, cancel := t.httpContext()
	defer cancel()
	v, err := t.s.client().Get(ctx, url, query, headers)
	t.Check(at, err)
	return v
}

// Post is the language's post(url, body, headers).
func (t *Turn) Post(at, url string, body val.Value, headers *val.Record) val.Value {
	ctx, cancel := t.httpContext()
	defer cancel()
	v, err := t.s.client().Post(ctx, url, body, headers)
	t.Check(at, err)
	return v
}

// httpContext is the context of an HTTP call: the client bounds the call by
// http.timeout itself; shutdown cancels it.
func (t *Turn) httpContext() (context.Context, context.CancelFunc) {
	base := t.s.e.ctx
	if base == nil {
		base = context.Background()
	}
	return context.WithCancel(base)
}

// Mocked returns what a test says the Go function name gives, and false
// when the session has no mock for it: the generated call then calls the
// function. A mock that fails fails the body at at.
func (t *Turn) Mocked(at, name string) (val.Value, bool) {
	m := t.s.mocks
	if m == nil {
		return nil, false
	}
	fm, ok := m.Funcs[name]
	if !ok {
		return nil, false
	}
	if fm.Fail || fm.Fails != "" {
		t.Fail(at, errors.New(fm.Fails))
	}
	return fm.Value, true
}

// readSettings reads the values of the bot's settings, as the config gives
// them (config.Resolve checked them) or as the bot declares them.
func (bd *builder) readSettings() {
	e := bd.e
	for _, st := range e.bot.Settings {
		text, ok := e.cfg.Settings[st.Name]
		if !ok {
			text = st.Default
		}
		var v val.Value
		var err error
		switch st.Kind {
		case config.Int, config.Float:
			v, err = strconv.ParseFloat(strings.TrimSpace(text), 64)
		case config.Bool:
			v, err = strconv.ParseBool(strings.TrimSpace(text))
		default:
			v = text
		}
		if err != nil {
			bd.bad("setting %s: %q is not a %s", st.Name, text, st.Kind)
			continue
		}
		if e.settings == nil {
			e.settings = map[string]val.Value{}
		}
		e.settings[st.Name] = v
	}
}

// Setting returns the value of the bot's setting name.
func (t *Turn) Setting(name string) val.Value { return t.s.e.settings[name] }

// Setting returns the value of the bot's setting name, and false when the
// bot declares no such setting.
func (e *Engine) Setting(name string) (val.Value, bool) {
	v, ok := e.settings[name]
	return v, ok
}
