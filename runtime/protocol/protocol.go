// Package protocol is the wire codec of the BESSER bot protocol, for
// generated code: it decodes the JSON frames a chat client sends into
// requests and encodes the bot's replies into frames, in either dialect
// (bbf: bot_reply_*, baf: agent_reply_*). It does no I/O.
package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/botgen-dev/botgen/runtime/protocol/jsonstr"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// Dialect is a flavour of the protocol: the envelope and reply prefix that
// the clients of one BESSER framework expect.
type Dialect string

// The dialects.
const (
	// BBF is the BESSER Bot Framework dialect: {"action","message"},
	// replies named bot_reply_<kind>. It is the default.
	BBF Dialect = "bbf"
	// BAF is the BESSER Agentic Framework dialect:
	// {"action","message","history","timestamp"}, replies named
	// agent_reply_<kind>.
	BAF Dialect = "baf"
)

// ParseDialect returns the dialect named s ("" means BBF).
func ParseDialect(s string) (Dialect, error) {
	switch Dialect(s) {
	case "", BBF:
		return BBF, nil
	case BAF:
		return BAF, nil
	}
	return "", fmt.Errorf("unknown protocol dialect %q (want %q or %q)", s, BBF, BAF)
}

// Action is the value of a frame's "action" field.
type Action string

// The actions a client sends.
const (
	UserMessage       Action = "user_message"
	UserFile          Action = "user_file"
	UserVoice         Action = "user_voice"
	Reset             Action = "reset"
	UserSetVariable   Action = "user_set_variable"
	FetchUserMessages Action = "fetch_user_messages"
)

// TimestampLayout is the layout of the baf "timestamp" field.
const TimestampLayout = "2006-01-02 15:04:05"

// ReplyPrefix returns the prefix of reply actions in d: "bot_reply_" or
// "agent_reply_".
func (d Dialect) ReplyPrefix() string {
	if d == BAF {
		return "agent_reply_"
	}
	return "bot_reply_"
}

// ReplyAction returns the action of a reply of kind k in d, such as
// "bot_reply_str".
func (d Dialect) ReplyAction(k reply.Kind) string {
	return d.ReplyPrefix() + string(k)
}

// Frame is one outbound frame before encoding.
type Frame struct {
	Action    string
	Message   any
	History   bool      // a replayed message (fetch_user_messages)
	Timestamp time.Time // when the message was sent; zero: now
}

// ReplyFrame returns the live frame of r sent at ts. Audio is the one kind
// whose frame depends on the dialect: baf sends its samples as an
// agent_reply_audio, and bbf, which has no audio reply, the sound file as a
// bot_reply_file (so does baf for a file without samples, such as an MP3).
func (d Dialect) ReplyFrame(r reply.Reply, ts time.Time) Frame {
	if r.Kind == reply.Audio && r.Audio != nil {
		if d == BAF && r.Audio.Samples != nil {
			return Frame{Action: d.ReplyAction(reply.Audio), Message: r.Audio.Samples, Timestamp: ts}
		}
		return Frame{Action: d.ReplyAction(reply.File), Message: &r.Audio.File, Timestamp: ts}
	}
	return Frame{Action: d.ReplyAction(r.Kind), Message: r.Message(), Timestamp: ts}
}

// UserMessageFrame returns the replay frame (history true) of a user
// message sent at ts; message is the value the client sent.
func UserMessageFrame(message any, ts time.Time) Frame {
	return Frame{Action: string(UserMessage), Message: message, History: true, Timestamp: ts}
}

// UserFileFrame is a replayed upload: action user_file, history true, and
// as message a string holding {"name", "type", "size"}. The file's bytes
// are not kept in a session's history, so a replay names the file and
// gives its size in bytes instead of its base64 content.
func UserFileFrame(name, typ string, size int, ts time.Time) Frame {
	b, _ := json.Marshal(struct {
		Name string `json:"name"`
		Type string `json:"type"`
		Size int    `json:"size"`
	}{name, typ, size})
	return Frame{Action: string(UserFile), Message: string(b), History: true, Timestamp: ts}
}

// ErrEmptyReply is returned when a reply would carry an empty message, which
// the chat clients cannot render.
var ErrEmptyReply = errors.New("protocol: empty reply")

// ErrNoKind is returned for a reply without a kind.
var ErrNoKind = errors.New("protocol: reply without a kind")

// EncodeReply encodes r as a live reply frame sent at ts.
func (d Dialect) EncodeReply(r reply.Reply, ts time.Time) ([]byte, error) {
	return d.encodeReply(r, false, ts)
}

// EncodeHistoryReply encodes r as a replayed reply frame (history true)
// originally sent at ts.
func (d Dialect) EncodeHistoryReply(r reply.Reply, ts time.Time) ([]byte, error) {
	return d.encodeReply(r, true, ts)
}

func (d Dialect) encodeReply(r reply.Reply, history bool, ts time.Time) ([]byte, error) {
	if r.Kind == "" {
		return nil, ErrNoKind
	}
	if r.Empty() {
		return nil, ErrEmptyReply
	}
	f := d.ReplyFrame(r, ts)
	f.History = history
	return d.Encode(f)
}

// Encode encodes f in d's envelope. A bbf frame is {"action","message"};
// a replayed bbf frame also carries "history": true and "timestamp" so a
// client can tell it apart. A baf frame always carries all four fields.
// Strings are written by jsonstr's rule: HTML characters as they are,
// non-ASCII text as UTF-8, control characters and DEL escaped.
func (d Dialect) Encode(f Frame) ([]byte, error) {
	// Most messages are strings: those are written by hand, which saves
	// the reflection and buffers of encoding/json on every reply.
	b := make([]byte, 0, 64+len(f.Action)+messageSizeHint(f.Message))
	b = append(b, `{"action":`...)
	b = jsonstr.Append(b, f.Action)
	b = append(b, `,"message":`...)
	if s, ok := f.Message.(string); ok {
		b = jsonstr.Append(b, s)
	} else {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(f.Message); err != nil {
			return nil, fmt.Errorf("protocol: encode %s: %w", f.Action, err)
		}
		msg := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
		// encoding/json leaves DEL raw, where the strings above escape it;
		// outside strings JSON has no DEL to replace.
		if bytes.IndexByte(msg, 0x7f) >= 0 {
			msg = bytes.ReplaceAll(msg, []byte{0x7f}, []byte(`\u007f`))
		}
		b = append(b, msg...)
	}
	if d == BAF || f.History {
		ts := f.Timestamp
		if ts.IsZero() {
			ts = time.Now()
		}
		b = append(b, `,"history":`...)
		b = strconv.AppendBool(b, f.History)
		b = append(b, `,"timestamp":"`...)
		b = ts.AppendFormat(b, TimestampLayout)
		b = append(b, '"')
	}
	return append(b, '}'), nil
}

func messageSizeHint(m any) int {
	switch m := m.(type) {
	case string:
		return len(m) + len(m)/16
	case *reply.FileData:
		return len(m.Base64) + len(m.Name) + len(m.Type) + 40
	case *reply.AudioSamples:
		return len(m.Base64) + 100
	}
	return 64
}
