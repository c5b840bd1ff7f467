package llm

import (
	"errors"
	"strings"
)

// The kinds of failure; an *Error matches one with errors.Is.
var (
	ErrConnect          = errors.New("cannot connect")                    // no endpoint answered
	ErrTimeout          = errors.New("timed out")                         // llm.timeout passed
	ErrStatus           = errors.New("answered with an error")            // a 4xx or 5xx status, or an error in a stream; Error.Status says which
	ErrMalformed        = errors.New("malformed answer")                  // bad JSON, no choices, a stream that broke off or held no data
	ErrTooLarge         = errors.New("answer over the size limit")        // over Config.MaxBytes
	ErrCanceled         = errors.New("cancelled")                         // the caller's context ended (a shutdown)
	ErrRequest          = errors.New("invalid request")                   // the request could not be sent as asked (a tool's schema not JSON)
	ErrTooManyToolCalls = errors.New("too many tool calls in one answer") // Converse's limit was passed
)

// Error is a failed request to a model. Its text names the model and its
// endpoint and says what went wrong, such as
//
//	language model llama3.2 at http://localhost:11434/v1: cannot connect: dial tcp 127.0.0.1:11434: connect: connection refused
//
// It never holds the API key, the URL's user, password or query, nor a
// control character: it is safe to log.
type Error struct {
	Endpoint string // the endpoint's URL, without what may be secret
	Model    string // the model's name
	Status   int    // the HTTP status of an error answer; 0 otherwise
	msg      string
	kind     error // one of the Err values
	cause    error // what the network, the context or the decoder said; may be nil
}

// NewError returns an *Error of kind (one of the Err values) saying msg.
// cause, which may be nil, is what errors.Is and errors.As find beside
// kind; its text is not part of the error's, so msg must say what matters
// of it. Control characters in msg become '?'. The caller removes secrets
// from msg: Error does not know them.
func NewError(kind error, endpoint, model, msg string, cause error) *Error {
	return &Error{Endpoint: oneLine(endpoint), Model: oneLine(model), msg: oneLine(msg), kind: kind, cause: cause}
}

// Error says which model failed and how.
func (e *Error) Error() string {
	return "language model " + e.Model + " at " + e.Endpoint + ": " + e.msg
}

// Unwrap gives errors.Is and errors.As the kind of failure and its cause
// (context.DeadlineExceeded for a timeout, a *net.OpError...).
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// oneLine replaces the control characters of s, so that an error stays one
// line of a log whatever an endpoint wrote.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// reasons are the kinds of failure as the label of the errors metric.
var reasons = []struct {
	kind  error
	label string
}{
	{ErrConnect, "connect"},
	{ErrTimeout, "timeout"},
	{ErrStatus, "status"},
	{ErrMalformed, "malformed"},
	{ErrTooLarge, "too_large"},
	{ErrCanceled, "canceled"},
	{ErrRequest, "request"},
	{ErrTooManyToolCalls, "tools"},
}

// reason is err's kind as a metric label: "other" for an error that is not
// one of the kinds.
func reason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.kind) {
			return r.label
		}
	}
	return "other"
}
