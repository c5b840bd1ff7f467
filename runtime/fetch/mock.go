package fetch

import (
	"strings"
	"sync"

	"github.com/botgen-dev/botgen/runtime/value"
)

// Mocks answer a test's HTTP calls in place of the network: a table from
// method and URL to a value or a failure. The URL is the string the bot
// passes, exactly (a setting's value, `mock get weather_api`); the query
// of a GET is not part of the match. With strict Mocks a call the table
// does not hold fails (ErrUnmocked) instead of reaching the network.
//
// Mocks belong to one session: a test run gives each session its own,
// through Client.WithMocks, so that tests running at once against one bot
// each see theirs. The zero value is an empty table, not strict. Mocks
// are safe for concurrent use.
type Mocks struct {
	strict  bool
	mu      sync.Mutex
	answers map[string]mockAnswer
	calls   []Call
}

type mockAnswer struct {
	v    value.Value
	fail string
	err  bool
}

// Call is a call that mocks answered, as the bot made it.
type Call struct {
	Method string        // GET or POST
	URL    string        // as the bot passed it
	Query  *value.Record // the query of a GET; nil if none
	Body   value.Value   // the body of a POST
}

// maxCalls bounds the calls Mocks remember: a test that loops for long
// keeps only the first ones.
const maxCalls = 1000

// NewMocks returns an empty table; strict makes every call it does not
// hold fail.
func NewMocks(strict bool) *Mocks { return &Mocks{strict: strict} }

func mockKey(method, url string) string { return strings.ToUpper(method) + " " + url }

// Return makes the call method url answer v (the same value every time).
func (m *Mocks) Return(method, url string, v value.Value) {
	m.set(method, url, mockAnswer{v: v})
}

// Fail makes the call method url fail with message: the error reads
// "GET url: message".
func (m *Mocks) Fail(method, url, message string) {
	m.set(method, url, mockAnswer{fail: message, err: true})
}

func (m *Mocks) set(method, url string, a mockAnswer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.answers == nil {
		m.answers = make(map[string]mockAnswer)
	}
	m.answers[mockKey(method, url)] = a
}

// Calls returns the calls answered so far (mocked, or refused as
// unmocked), in order.
func (m *Mocks) Calls() []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Call(nil), m.calls...)
}

// answer is the mocked answer of a call; ok is false when the network
// should answer.
func (m *Mocks) answer(method, url string, query *value.Record, body value.Value) (v value.Value, err error, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, found := m.answers[mockKey(method, url)]
	if !found && !m.strict {
		return nil, nil, false
	}
	if len(m.calls) < maxCalls {
		m.calls = append(m.calls, Call{Method: method, URL: url, Query: query, Body: body})
	}
	switch {
	case !found:
		return nil, &Error{Method: method, URL: redact(url), kind: ErrUnmocked}, true
	case a.err:
		return nil, &Error{Method: method, URL: redact(url), msg: a.fail, kind: ErrMocked}, true
	}
	return a.v, nil, true
}
