package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/reply"
)

var ts = time.Date(2026, 11, 26, 23, 5, 9, 0, time.UTC)

func TestEncodeReplyBBF(t *testing.T) {
	tests := []struct {
		r    reply.Reply
		want string
	}{
		{reply.NewText(reply.Str, "Hi <b> & ü"), `{"action":"bot_reply_str","message":"Hi <b> & ü"}`},
		{reply.NewText(reply.Markdown, "**x**"), `{"action":"bot_reply_markdown","message":"**x**"}`},
		{reply.NewText(reply.HTML, "<p>x</p>"), `{"action":"bot_reply_html","message":"<p>x</p>"}`},
		{reply.NewOptions("Yes", "No"), `{"action":"bot_reply_options","message":"{\"0\": \"Yes\", \"1\": \"No\"}"}`},
		{reply.Reply{Kind: reply.DataFrame, Text: `{"a":{"0":1}}`}, `{"action":"bot_reply_dataframe","message":"{\"a\":{\"0\":1}}"}`},
		{reply.Reply{Kind: reply.Plotly, Text: `{"data":[],"layout":{}}`}, `{"action":"bot_reply_plotly","message":"{\"data\":[],\"layout\":{}}"}`},
		{reply.NewImage([]byte{0xff, 0xd8}), `{"action":"bot_reply_image","message":"/9g="}`},
		{reply.NewFile("r.txt", "text/plain", []byte("hi")), `{"action":"bot_reply_file","message":{"name":"r.txt","type":"text/plain","base64":"aGk="}}`},
		{reply.NewLocation(49.61, 6.13), `{"action":"bot_reply_location","message":{"latitude":49.61,"longitude":6.13}}`},
	}
	for _, tt := range tests {
		got, err := BBF.EncodeReply(tt.r, ts)
		if err != nil {
			t.Fatalf("%s: %v", tt.r.Kind, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.r.Kind, got, tt.want)
		}
	}
}

func TestEncodeReplyBAF(t *testing.T) {
	got, err := BAF.EncodeReply(reply.NewText(reply.Str, "Hello"), ts)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"agent_reply_str","message":"Hello","history":false,"timestamp":"2026-11-26 23:05:09"}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	got, _ = BAF.EncodeReply(reply.NewLocation(1, 2), ts)
	want = `{"action":"agent_reply_location","message":{"latitude":1,"longitude":2},"history":false,"timestamp":"2026-11-26 23:05:09"}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestEncodeHistory(t *testing.T) {
	for _, tt := range []struct {
		d    Dialect
		f    func() ([]byte, error)
		want string
	}{
		{BAF, func() ([]byte, error) { return BAF.EncodeHistoryReply(reply.NewText(reply.Str, "x"), ts) },
			`{"action":"agent_reply_str","message":"x","history":true,"timestamp":"2026-11-26 23:05:09"}`},
		{BBF, func() ([]byte, error) { return BBF.EncodeHistoryReply(reply.NewText(reply.Str, "x"), ts) },
			`{"action":"bot_reply_str","message":"x","history":true,"timestamp":"2026-11-26 23:05:09"}`},
		{BAF, func() ([]byte, error) { return BAF.Encode(UserMessageFrame("hi", ts)) },
			`{"action":"user_message","message":"hi","history":true,"timestamp":"2026-11-26 23:05:09"}`},
		{BBF, func() ([]byte, error) { return BBF.Encode(UserMessageFrame("hi", ts)) },
			`{"action":"user_message","message":"hi","history":true,"timestamp":"2026-11-26 23:05:09"}`},
	} {
		got, err := tt.f()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %s\nwant %s", tt.d, got, tt.want)
		}
	}
}

// TestEncodeEscapesControls: every control character and DEL reaches the
// wire escaped, in a string message and in the strings of an object alike,
// and the frame decodes to what was sent.
func TestEncodeEscapesControls(t *testing.T) {
	text := "a\x00\x01\x1f\x7f\n\t\"<ü>\u2028 z"
	for _, msg := range []any{text, &reply.FileData{Name: text, Type: "text/plain", Base64: "aGk="}} {
		got, err := BBF.Encode(Frame{Action: "bot_reply_str", Message: msg})
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.IndexFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
			t.Errorf("%q holds the raw control character %#x", got, got[i])
		}
		if !bytes.Contains(got, []byte(`a\u0000\u0001\u001f\u007f\n\t\"<ü>\u2028 z`)) {
			t.Errorf("%s: the text is not escaped as jsonstr escapes it", got)
		}
		var f struct{ Message any }
		if err := json.Unmarshal(got, &f); err != nil {
			t.Fatalf("%q: %v", got, err)
		}
		var want any
		sent, _ := json.Marshal(msg)
		_ = json.Unmarshal(sent, &want)
		if !reflect.DeepEqual(f.Message, want) {
			t.Errorf("decodes to %#v, want %#v", f.Message, want)
		}
	}
}

func TestEncodeRejectsEmpty(t *testing.T) {
	if _, err := BBF.EncodeReply(reply.NewText(reply.Str, ""), ts); !errors.Is(err, ErrEmptyReply) {
		t.Errorf("empty: %v", err)
	}
	if _, err := BBF.EncodeReply(reply.Reply{Text: "x"}, ts); !errors.Is(err, ErrNoKind) {
		t.Errorf("no kind: %v", err)
	}
}

func TestParseDialect(t *testing.T) {
	for in, want := range map[string]Dialect{"": BBF, "bbf": BBF, "baf": BAF} {
		if d, err := ParseDialect(in); err != nil || d != want {
			t.Errorf("ParseDialect(%q) = %v, %v", in, d, err)
		}
	}
	if _, err := ParseDialect("xyz"); err == nil {
		t.Error("ParseDialect(xyz) succeeded")
	}
}

func TestDecodeValid(t *testing.T) {
	tests := []struct {
		d     Dialect
		frame string
		want  Request
	}{
		{BBF, `{"action":"user_message","message":"hello"}`,
			Request{Action: UserMessage, Message: "hello", Text: "hello"}},
		{BBF, `{"action":"user_message","message":"{\"message\":\"hi\"}"}`,
			Request{Action: UserMessage, Message: `{"message":"hi"}`, Text: `{"message":"hi"}`}},
		{BAF, `{"action":"user_message","message":"hello","history":false,"timestamp":null}`,
			Request{Action: UserMessage, Message: "hello", Text: "hello"}},
		{BAF, `{"action":"user_message","message":"{\"message\":\"hi\",\"x\":1}"}`,
			Request{Action: UserMessage, Message: `{"message":"hi","x":1}`, Text: "hi", Event: map[string]any{"message": "hi", "x": 1.0}}},
		{BAF, `{"action":"user_message","message":{"kind":"click"}}`,
			Request{Action: UserMessage, Message: map[string]any{"kind": "click"}, Text: "", Event: map[string]any{"kind": "click"}}},
		{BAF, `{"action":"user_message","message":"{not json"}`,
			Request{Action: UserMessage, Message: "{not json", Text: "{not json"}},
		{BBF, `{"action":"user_file","message":"{\"name\":\"a.csv\",\"type\":\"text/csv\",\"base64\":\"YSxi\"}"}`,
			Request{Action: UserFile, File: &File{Name: "a.csv", Type: "text/csv", Data: []byte("a,b")}}},
		{BBF, `{"action":"user_file","message":{"name":"a.csv","type":"text/csv","base64":"data:text/csv;base64,YSxi"}}`,
			Request{Action: UserFile, File: &File{Name: "a.csv", Type: "text/csv", Data: []byte("a,b")}}},
		{BBF, `{"action":"user_voice","message":"UklGRg=="}`,
			Request{Action: UserVoice, Audio: []byte("RIFF")}},
		{BBF, `{"action":"reset","message":null}`, Request{Action: Reset}},
		{BBF, `{"action":"reset"}`, Request{Action: Reset}},
		{BAF, `{"action":"fetch_user_messages","message":null}`, Request{Action: FetchUserMessages}},
		{BBF, `{"action":"fetch_user_messages"}`, Request{Action: FetchUserMessages}},
		{BAF, `{"action":"user_set_variable","message":{"n":3,"s":"x","b":true}}`,
			Request{Action: UserSetVariable, Vars: map[string]any{"n": 3.0, "s": "x", "b": true}}},
		{BBF, `{"action":"user_set_variable","message":{}}`,
			Request{Action: UserSetVariable, Vars: map[string]any{}}},
		// A baf agent's message to another agent is the user's message.
		{BAF, `{"action": "agent_reply_str", "message": "what now?", "history": false, "timestamp": null}`,
			Request{Action: UserMessage, FromAgent: true, Message: "what now?", Text: "what now?"}},
	}
	for _, tt := range tests {
		got, err := tt.d.Decode([]byte(tt.frame))
		if err != nil {
			t.Errorf("%s %s: %v", tt.d, tt.frame, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s:\n got %#v\nwant %#v", tt.d, tt.frame, got, tt.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		d     Dialect
		frame string
		want  error
	}{
		{BBF, ``, ErrNotJSON},
		{BBF, `{"action":`, ErrNotJSON},
		{BBF, `hello`, ErrNotJSON},
		{BBF, `[1,2]`, ErrNotObject},
		{BBF, `"x"`, ErrNotObject},
		{BBF, `null`, ErrNotObject},
		{BBF, `42`, ErrNotObject},
		{BBF, `{"message":"x"}`, ErrNoAction},
		{BBF, `{"action":5,"message":"x"}`, ErrActionType},
		{BBF, `{"action":null,"message":"x"}`, ErrActionType},
		{BBF, `{"action":"dance","message":"x"}`, ErrUnknownAction},
		{BBF, `{"action":"bot_reply_str","message":"x"}`, ErrUnknownAction},
		{BBF, `{"action":"agent_reply_str","message":"x"}`, ErrUnknownAction},
		{BAF, `{"action":"agent_reply_markdown","message":"x"}`, ErrUnknownAction},
		{BAF, `{"action":"agent_reply_str","message":5}`, ErrMessageType},
		{BBF, `{"action":"user_message"}`, ErrNoMessage},
		{BBF, `{"action":"user_message","message":null}`, ErrMessageType},
		{BBF, `{"action":"user_message","message":12}`, ErrMessageType},
		{BBF, `{"action":"user_message","message":{"message":"x"}}`, ErrMessageType},
		{BAF, `{"action":"user_message","message":[1]}`, ErrMessageType},
		{BBF, `{"action":"user_file","message":12}`, ErrMessageType},
		{BBF, `{"action":"user_file","message":"not json"}`, ErrBadFile},
		{BBF, `{"action":"user_file","message":"{\"name\":\"a\"}"}`, ErrBadFile},
		{BBF, `{"action":"user_file","message":"{\"name\":\"a\",\"base64\":\"!!!\"}"}`, ErrBadFile},
		{BBF, `{"action":"user_file","message":{"name":1,"base64":""}}`, ErrBadFile},
		{BBF, `{"action":"user_voice","message":{}}`, ErrMessageType},
		{BBF, `{"action":"user_voice","message":"%%%"}`, ErrBadAudio},
		{BBF, `{"action":"user_set_variable","message":"x"}`, ErrMessageType},
		{BAF, `{"action":"user_set_variable","message":null}`, ErrMessageType},
		{BAF, `{"action":"user_set_variable"}`, ErrNoMessage},
	}
	for _, tt := range tests {
		_, err := tt.d.Decode([]byte(tt.frame))
		if !errors.Is(err, tt.want) {
			t.Errorf("%s %q: got error %v, want %v", tt.d, tt.frame, err, tt.want)
		}
	}
}

// TestRoundTrip checks that an encoded reply is valid JSON whose fields a
// client reads back unchanged.
func TestRoundTrip(t *testing.T) {
	r := reply.NewText(reply.Str, "line\nquote\" <tag> \u2028 日本")
	b, err := BAF.EncodeReply(r, ts)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["message"] != r.Text || m["action"] != "agent_reply_str" || m["history"] != false {
		t.Errorf("round trip: %v", m)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"action":"user_message","message":"hello"}`,
		`{"action":"user_message","message":"{\"message\":\"hi\"}"}`,
		`{"action":"user_message","message":{"message":5}}`,
		`{"action":"user_file","message":"{\"name\":\"a.csv\",\"type\":\"text/csv\",\"base64\":\"YSxi\"}"}`,
		`{"action":"user_file","message":{"name":"a","type":"b","base64":"data:x;base64,YQ"}}`,
		`{"action":"user_voice","message":"UklGRg=="}`,
		`{"action":"reset","message":null}`,
		`{"action":"fetch_user_messages"}`,
		`{"action":"user_set_variable","message":{"a":[1,{"b":null}]}}`,
		`{"action":5}`, `{"message":"x"}`, `[]`, `null`, `"`, ``, `{"action":"x","message":"y"}`,
		"{\"action\":\"user_message\",\"message\":\"\xff\xfe\"}",
		// What the in-place decoder must get exactly as encoding/json does.
		`{"ACTION":"user_message","Message":"a\u00e9\ud83d\ude00\ud800x\n\/\"","action":"user_message"}`,
		`{"action":"user_file","message":"{\"NAME\":\"a\\u0041\",\"base64\":\"QQ\\u003d\\u003d\",\"name\":null}"}`,
		`{"action":"user_file","message":{"name":"a","base64":"QQ==","base64":null}}`,
		`{"action":"user_file","message":{"base64":"Q-_Q\r\nQQ"}}`,
		`{"action":"user_file","message":{"base64":"QQ="}}`,
		`{"action":"user_file","message":{"base64":"+-AA"}}`,
		`{"action":"user_file","message":{"base64":"data:text/csv;base64,QUJD"}}`,
		`{"action":"user_voice","message":"QUJDRA"}`,
		`{"action":"user_message","message":" {\"message\":\"hi\",\"n\":[1,2]} "}`,
		`{"action":"user_set_variable","message":{"a":"\u0000"}} `,
		`{"meſſage":"x","action":"user_message"}`,
		`{"action":"agent_reply_str","message":"from another agent","history":false,"timestamp":null}`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, frame []byte, baf bool) {
		d := BBF
		if baf {
			d = BAF
		}
		req, err := d.Decode(frame)
		// DecodeOwned decodes in place: it must agree exactly.
		owned, oerr := d.DecodeOwned(bytes.Clone(frame))
		if (err == nil) != (oerr == nil) || !sameReason(err, oerr) || !reflect.DeepEqual(req, owned) {
			t.Fatalf("Decode and DecodeOwned disagree on %q:\n%#v %v\n%#v %v", frame, req, err, owned, oerr)
		}
		if err != nil {
			if req.Action != "" {
				t.Fatalf("error %v with a non-empty request %#v", err, req)
			}
			return
		}
		switch req.Action {
		case UserMessage, UserFile, UserVoice, Reset, UserSetVariable, FetchUserMessages:
		default:
			t.Fatalf("accepted unknown action %q", req.Action)
		}
		if req.Action == UserFile && req.File == nil {
			t.Fatal("user_file without a file")
		}
		if req.Action == UserSetVariable && req.Vars == nil {
			t.Fatal("user_set_variable without vars")
		}
		// A replayed user message must always encode.
		if req.Action == UserMessage {
			if _, err := d.Encode(UserMessageFrame(req.Message, time.Time{})); err != nil {
				t.Fatalf("cannot encode replay of %#v: %v", req.Message, err)
			}
		}
	})
}

// sameReason reports whether two decoding errors wrap the same reason.
func sameReason(a, b error) bool {
	for _, r := range []error{ErrNotJSON, ErrNotObject, ErrNoAction, ErrActionType, ErrUnknownAction, ErrNoMessage, ErrMessageType, ErrBadFile, ErrBadAudio, ErrNotUTF8, ErrTooLarge} {
		if errors.Is(a, r) != errors.Is(b, r) {
			return false
		}
	}
	return true
}
