package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/runtime/reply"
)

// The reasons a frame is rejected. Decode wraps one of them (test with
// errors.Is) with the details.
var (
	ErrNotJSON       = errors.New("frame is not valid JSON")
	ErrNotObject     = errors.New("frame is not a JSON object")
	ErrNoAction      = errors.New(`frame has no "action"`)
	ErrActionType    = errors.New(`"action" is not a string`)
	ErrUnknownAction = errors.New("unknown action")
	ErrNoMessage     = errors.New(`frame has no "message"`)
	ErrMessageType   = errors.New(`"message" has the wrong type for the action`)
	ErrBadFile       = errors.New("invalid file")
	ErrBadAudio      = errors.New("invalid audio")
	ErrNotUTF8       = errors.New("frame is not valid UTF-8")
	ErrTooLarge      = errors.New("value too large")
)

// Bounds on the parts of a frame that are decoded into maps and strings
// rather than kept as they came: a JSON event or a set of variables is
// small, and so is a file's name or type. A frame's large parts (a message's
// text, a file's content) are bounded only by websocket.max_size.
const (
	maxStructured = 1 << 20 // a baf JSON event, a user_set_variable object
	maxFileName   = 1024    // a file's name or type, in bytes
)

// Request is one decoded client frame.
type Request struct {
	Action Action

	// Message is the "message" value as the client sent it (a string, or
	// for a baf JSON event possibly an object); set for user_message, and
	// what a history replay sends back.
	Message any

	// Text is the text for intent prediction (user_message): the message
	// itself, or for a baf JSON event its string field "message" ("" when
	// it has none).
	Text string

	// Event is the baf JSON event (user_message whose message is, or is a
	// string holding, a JSON object); nil for plain text.
	Event map[string]any

	// FromAgent: the message came from another agent (baf's
	// agent_reply_str), not from a person.
	FromAgent bool

	File  *File          // user_file
	Audio []byte         // user_voice: the decoded audio bytes
	Vars  map[string]any // user_set_variable
}

// File is an uploaded file.
type File struct {
	Name string
	Type string // MIME type as the client declared it
	Data []byte
}

// Decode parses one inbound text frame. It never panics; on bad input it
// returns an error wrapping one of the Err* reasons above.
//
// Leniencies (the reference clients do not need them, but they cost
// nothing): reset and fetch_user_messages may omit "message" and ignore its
// value; user_file accepts an object as well as a string holding one;
// user_set_variable and fetch_user_messages are accepted in bbf too; base64
// may carry a data: URL prefix or omit its padding.
func (d Dialect) Decode(frame []byte) (Request, error) {
	// RFC 6455 requires text frames to be UTF-8; what is not could never
	// be stored or echoed as it came.
	if !utf8.Valid(frame) {
		return Request{}, ErrNotUTF8
	}
	// A struct rather than a map: absent keys stay nil, present ones (even
	// null) hold their raw text, and decoding allocates less.
	var fields struct {
		Action  json.RawMessage `json:"action"`
		Message json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(frame, &fields); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field == "" {
			return Request{}, fmt.Errorf("%w (it is a JSON %s)", ErrNotObject, ute.Value)
		}
		return Request{}, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	if firstByte(frame) != '{' { // null decodes without error
		return Request{}, fmt.Errorf("%w (it is %s)", ErrNotObject, jsonType(frame))
	}
	rawAction := fields.Action
	if rawAction == nil {
		return Request{}, ErrNoAction
	}
	var action string
	if !isString(rawAction) || json.Unmarshal(rawAction, &action) != nil {
		return Request{}, fmt.Errorf("%w: %s", ErrActionType, clip(rawAction))
	}
	req, known := d.request(action)
	rawMsg, hasMsg := fields.Message, fields.Message != nil
	switch {
	case !known:
		return Request{}, fmt.Errorf("%w %q", ErrUnknownAction, clip([]byte(action)))
	case req.Action == Reset || req.Action == FetchUserMessages:
		// The message is null by the protocol; anything else carries no meaning.
		return req, nil
	}
	if !hasMsg {
		return Request{}, fmt.Errorf("%w (action %s)", ErrNoMessage, action)
	}
	var err error
	switch req.Action {
	case UserMessage:
		err = d.decodeUserMessage(rawMsg, &req)
	case UserFile:
		req.File, err = decodeFile(rawMsg)
	case UserVoice:
		req.Audio, err = decodeAudio(rawMsg)
	case UserSetVariable:
		req.Vars, err = decodeVars(rawMsg)
	}
	if err != nil {
		return Request{}, err
	}
	return req, nil
}

// request starts the request for an action, and reports whether the
// dialect knows it. In baf, a message another agent sends
// (agent_reply_str) is the user's message, as the reference handles it.
func (d Dialect) request(action string) (Request, bool) {
	switch a := Action(action); a {
	case Reset, FetchUserMessages, UserMessage, UserFile, UserVoice, UserSetVariable:
		return Request{Action: a}, true
	case agentMessage:
		if d == BAF {
			return Request{Action: UserMessage, FromAgent: true}, true
		}
	}
	return Request{}, false
}

// agentMessage is what a baf agent sends another agent.
var agentMessage = Action(BAF.ReplyAction(reply.Str))

func (d Dialect) decodeUserMessage(raw json.RawMessage, req *Request) error {
	switch {
	case isString(raw):
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("%w: %v", ErrMessageType, err)
		}
		d.textMessage(s, req)
		return nil
	case d == BAF && isObject(raw):
		if len(raw) > maxStructured {
			return fmt.Errorf("%w: a JSON event of %d bytes (at most %d)", ErrTooLarge, len(raw), maxStructured)
		}
		var ev map[string]any
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("%w: %v", ErrMessageType, err)
		}
		req.Message, req.Event, req.Text = ev, ev, eventText(ev)
		return nil
	}
	want := "a string"
	if d == BAF {
		want = "a string or an object"
	}
	return fmt.Errorf("%w: user_message needs %s, got %s", ErrMessageType, want, jsonType(raw))
}

// textMessage sets req from a user_message string. In baf, a string holding
// a JSON object (of at most maxStructured bytes) is an event, not text.
func (d Dialect) textMessage(s string, req *Request) {
	req.Message, req.Text = s, s
	if d != BAF {
		return
	}
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") && len(t) <= maxStructured {
		var ev map[string]any
		if json.Unmarshal([]byte(t), &ev) == nil && ev != nil {
			req.Event = ev
			req.Text = eventText(ev)
		}
	}
}

// eventText is the text of a JSON event used for intent prediction.
func eventText(ev map[string]any) string {
	s, _ := ev["message"].(string)
	return s
}

// wireFile is the JSON form of an uploaded file.
type wireFile struct {
	Name   string  `json:"name"`
	Type   string  `json:"type"`
	Base64 *string `json:"base64"`
}

func decodeFile(raw json.RawMessage) (*File, error) {
	body := []byte(raw)
	switch {
	case isString(raw):
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMessageType, err)
		}
		body = []byte(s)
		if !isObject(body) {
			return nil, fmt.Errorf(`%w: user_file message is not a JSON object {"name","type","base64"}`, ErrBadFile)
		}
	case isObject(raw):
	default:
		return nil, fmt.Errorf("%w: user_file needs a string holding a JSON object, got %s", ErrMessageType, jsonType(raw))
	}
	var wf wireFile
	if err := json.Unmarshal(body, &wf); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	if wf.Base64 == nil {
		return nil, fmt.Errorf(`%w: no "base64" field`, ErrBadFile)
	}
	if len(wf.Name) > maxFileName || len(wf.Type) > maxFileName {
		return nil, fmt.Errorf("%w: name or type longer than %d bytes", ErrBadFile, maxFileName)
	}
	data, err := decodeBase64(*wf.Base64)
	if err != nil {
		return nil, fmt.Errorf("%w: content is not base64: %v", ErrBadFile, err)
	}
	return &File{Name: wf.Name, Type: wf.Type, Data: data}, nil
}

func decodeAudio(raw json.RawMessage) ([]byte, error) {
	var s string
	if !isString(raw) || json.Unmarshal(raw, &s) != nil {
		return nil, fmt.Errorf("%w: user_voice needs a base64 string, got %s", ErrMessageType, jsonType(raw))
	}
	data, err := decodeBase64(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64: %v", ErrBadAudio, err)
	}
	return data, nil
}

func decodeVars(raw json.RawMessage) (map[string]any, error) {
	var vars map[string]any
	if len(raw) > maxStructured && isObject(raw) {
		return nil, fmt.Errorf("%w: user_set_variable of %d bytes (at most %d)", ErrTooLarge, len(raw), maxStructured)
	}
	if !isObject(raw) || json.Unmarshal(raw, &vars) != nil {
		return nil, fmt.Errorf("%w: user_set_variable needs an object, got %s", ErrMessageType, jsonType(raw))
	}
	return vars, nil
}

// decodeBase64 accepts standard base64 with or without padding, the URL-safe
// alphabet, and a data: URL prefix such as a browser's FileReader produces.
func decodeBase64(s string) ([]byte, error) {
	if strings.HasPrefix(s, "data:") {
		if i := strings.Index(s, ";base64,"); i >= 0 {
			s = s[i+len(";base64,"):]
		}
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err == nil {
		return data, nil
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, e := enc.DecodeString(s); e == nil {
			return d, nil
		}
	}
	return nil, err
}

func firstByte(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

func isString(raw []byte) bool { return firstByte(raw) == '"' }
func isObject(raw []byte) bool { return firstByte(raw) == '{' }

// jsonType names the JSON type of raw for error messages.
func jsonType(raw []byte) string {
	switch c := firstByte(raw); {
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a bool"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return "invalid JSON"
}

// clip shortens a value quoted in an error so a huge frame does not flood
// the log.
func clip(b []byte) string {
	const max = 64
	if len(b) <= max {
		return string(b)
	}
	return string(b[:max]) + "..."
}
