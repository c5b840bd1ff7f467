package fetch

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// The kinds of failure; an *Error matches one with errors.Is.
var (
	ErrBadURL     = errors.New("invalid URL")                               // not an absolute http or https URL
	ErrBadRequest = errors.New("invalid request")                           // a query or header value that cannot be sent
	ErrConnect    = errors.New("no answer")                                 // no connection, or it broke
	ErrTimeout    = errors.New("timed out")                                 // over Client.Timeout
	ErrCanceled   = errors.New("cancelled")                                 // the caller's context ended (a shutdown)
	ErrRedirect   = errors.New("redirect not followed")                     // too many, or to another scheme
	ErrStatus     = errors.New("answered with an error status")             // not 2xx; Error.Status says which
	ErrTooLarge   = errors.New("answer over the size limit")                // over Client.MaxBytes
	ErrNotJSON    = errors.New("answer not JSON")                           // another media type, or invalid JSON
	ErrMocked     = errors.New("mocked failure")                            // a mock's Fail
	ErrUnmocked   = errors.New("unmocked HTTP call")                        // strict Mocks without this call
	errTimedOut   = errors.New("the bot's time limit for the call ran out") // the cause of ctx when Timeout ends it
)

// Error is a failed call. Its text names the method and the URL (without
// its query, user and password) and says what went wrong; it never holds
// a header's value.
type Error struct {
	Method string // GET or POST
	URL    string // the URL called, without what may be secret
	Status int    // the status of a non-2xx answer; 0 otherwise
	msg    string
	kind   error // one of the Err values
	cause  error // what the network, the context or the decoder said; may be nil
}

func (e *Error) Error() string {
	if e.kind == ErrUnmocked {
		return "unmocked HTTP call: " + e.Method + " " + e.URL
	}
	return e.Method + " " + e.URL + ": " + e.msg
}

// Unwrap gives errors.Is and errors.As the kind of failure and its cause
// (context.DeadlineExceeded for a timeout, context.Canceled, a
// *value.JSONError, a *net.OpError...).
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// redact is a URL as errors show it: without its query, fragment, user
// and password, which may be secret, and at most 200 bytes.
func redact(raw string) string {
	raw = strings.TrimSpace(raw)
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		if at := strings.LastIndexByte(rest[:strings.IndexByte(rest+"/", '/')], '@'); at >= 0 {
			raw = raw[:i+3] + rest[at+1:]
		}
	}
	if len(raw) > 200 {
		n := 200
		for n > 0 && !utf8.RuneStart(raw[n]) {
			n--
		}
		raw = raw[:n] + "…"
	}
	// No control character reaches a log line or a reply.
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, raw)
}
