// Package bottest runs a bot's conversation tests against its real WebSocket
// endpoint: each test opens its own connection (and so its own session),
// sends what the user says and compares every reply the bot sends, in order.
package bottest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/runtime/protocol"
	"github.com/botgen-dev/botgen/runtime/reply"
	"github.com/botgen-dev/botgen/runtime/value"
)

// StepKind tells what a step does.
type StepKind int

// The kinds of step.
const (
	UserText StepKind = iota
	UserFile
	UserReset
	Expect
)

// File is a file the user uploads in a test.
type File struct {
	Name string
	Type string
	Data []byte
}

// Step is one line of a test. For Expect, Kind names the reply kind (str,
// markdown, html, options, dataframe, plotly, image, file, audio, location)
// and at most one matcher is set; with none only the kind is compared.
//
// An audio reply arrives as a file of an audio type (bbf, or baf for a
// sound without samples) or as baf's agent_reply_audio, which carries no
// name: FileName is compared with the file's name, and Audio, the sound
// the bot sends under that name, with the samples.
type Step struct {
	Kind     StepKind
	Pos      string // file:line:col of the step in the .bot source
	Text     string // UserText; Expect: exact text or regular expression
	File     *File  // UserFile
	Reply    string // Expect: the reply kind
	Regex    bool
	HasText  bool
	Options  []string
	FileName string
	Audio    *reply.AudioData
	Location []float64 // latitude, longitude
}

// Case is one test block.
type Case struct {
	Name  string
	Pos   string
	Steps []Step
	// Mocks replace, for this case's session, the Go functions and HTTP
	// APIs the bot calls. A run that cannot give them to the bot (see
	// Options.Prepare) fails the case.
	Mocks []Mock
}

// Mock is one `mock` line of a test: the Go function Func, or the HTTP call
// Method ("GET", "POST") to URL or to the URL the bot's setting Setting
// holds, answers Value, or fails with the message Fails when Fail is set
// or Fails is not empty.
type Mock struct {
	Func    string
	Method  string
	URL     string
	Setting string
	Value   value.Value
	Fail    bool // fails, with Fails as the message, even an empty one
	Fails   string
	Pos     string
}

// Result is the outcome of one case.
type Result struct {
	Name     string
	Pos      string
	Failure  string        // empty when the case passed
	Duration time.Duration // how long the case took
}

// Options tune a run.
type Options struct {
	Dialect string        // "bbf" or "baf"
	Timeout time.Duration // how long to wait for each expected reply (default 5s)
	Quiet   time.Duration // how long to watch for unexpected replies after the last step (default 200ms)
	// Prepare, when set, is told the session key of each case before its
	// connection opens, so that a bot running in the same process can give
	// that session the case's mocks. An error fails the case.
	Prepare func(key string, c Case) error
}

// Run runs every case against the bot listening at wsURL and returns the
// results in order.
func Run(ctx context.Context, wsURL string, cases []Case, opts Options) []Result {
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Quiet <= 0 {
		opts.Quiet = 200 * time.Millisecond
	}
	out := make([]Result, 0, len(cases))
	for i, c := range cases {
		r := Result{Name: c.Name, Pos: c.Pos}
		start := time.Now()
		if err := runCase(ctx, wsURL, c, opts, i); err != nil {
			r.Failure = err.Error()
		}
		r.Duration = time.Since(start)
		out = append(out, r)
	}
	return out
}

// Report writes one line per case (and the reason of each failure), then
// the closing line "N passed, N failed" (see Tally). It returns the tally.
func Report(w io.Writer, results []Result) Tally {
	var t Tally
	for _, r := range results {
		if r.Failure == "" {
			t.Passed++
			fmt.Fprintf(w, "PASS %s\n", r.Name)
			continue
		}
		t.Failed++
		fmt.Fprintf(w, "FAIL %s (%s)\n", r.Name, r.Pos)
		for _, line := range strings.Split(r.Failure, "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	fmt.Fprintln(w, t)
	return t
}

type frame struct {
	Action  string          `json:"action"`
	Message json.RawMessage `json:"message"`
}

func runCase(ctx context.Context, wsURL string, c Case, opts Options, n int) error {
	u, err := url.Parse(wsURL)
	if err != nil {
		return fmt.Errorf("bad endpoint %q: %v", wsURL, err)
	}
	dialect := protocol.Dialect(opts.Dialect)
	header := http.Header{}
	// A fresh key per case gives every test its own session.
	key := fmt.Sprintf("bottest-%d-%d", time.Now().UnixNano(), n)
	switch {
	case opts.Prepare != nil:
		if err := opts.Prepare(key, c); err != nil {
			return err
		}
	case len(c.Mocks) > 0:
		return fmt.Errorf("%s: this test mocks calls of the bot, which only its own test command can do (not a bot at another address)", c.Mocks[0].Pos)
	}
	if dialect == protocol.BAF || opts.Prepare != nil {
		q := u.Query()
		q.Set("session_id", key)
		u.RawQuery = q.Encode()
	}
	dialer := websocket.Dialer{HandshakeTimeout: opts.Timeout}
	conn, resp, err := dialer.DialContext(ctx, u.String(), header)
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %v", u.Redacted(), err)
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	defer conn.Close()

	frames := make(chan frame, 64)
	readErr := make(chan error, 1)
	go func() {
		for {
			var f frame
			_, data, err := conn.ReadMessage()
			if err != nil {
				readErr <- err
				close(frames)
				return
			}
			if err := json.Unmarshal(data, &f); err != nil {
				f = frame{Action: "<invalid JSON>", Message: json.RawMessage(strconvQuote(string(data)))}
			}
			frames <- f
		}
	}()

	next := func(wait time.Duration) (frame, error) {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case f, ok := <-frames:
			if !ok {
				return frame{}, fmt.Errorf("connection closed: %v", <-readErr)
			}
			return f, nil
		case <-t.C:
			return frame{}, errTimeout
		case <-ctx.Done():
			return frame{}, ctx.Err()
		}
	}

	for _, s := range c.Steps {
		var out protocol.Frame
		switch s.Kind {
		case UserText:
			out = protocol.Frame{Action: string(protocol.UserMessage), Message: s.Text}
		case UserReset:
			out = protocol.Frame{Action: string(protocol.Reset)}
		case UserFile:
			inner, _ := json.Marshal(reply.FileData{Name: s.File.Name, Type: s.File.Type, Base64: base64.StdEncoding.EncodeToString(s.File.Data)})
			out = protocol.Frame{Action: string(protocol.UserFile), Message: string(inner)}
		case Expect:
			f, err := next(opts.Timeout)
			if errors.Is(err, errTimeout) {
				return fmt.Errorf("%s: expected %s, but the bot sent nothing within %s", s.Pos, describe(s), opts.Timeout)
			}
			if err != nil {
				return fmt.Errorf("%s: expected %s: %v", s.Pos, describe(s), err)
			}
			if msg := match(s, f); msg != "" {
				return fmt.Errorf("%s: expected %s\n  got %s", s.Pos, describe(s), msg)
			}
			continue
		}
		// The client's envelope is the server's: baf's carries history and
		// timestamp too.
		data, err := dialect.Encode(out)
		if err != nil {
			return fmt.Errorf("%s: cannot encode: %v", s.Pos, err)
		}
		if err := conn.WriteMessage(websocket.TextMessage, data); err != nil {
			return fmt.Errorf("%s: cannot send: %v", s.Pos, err)
		}
	}
	f, err := next(opts.Quiet)
	if err == nil {
		return fmt.Errorf("%s: unexpected reply after the last step: %s", c.Pos, show(f))
	}
	return nil
}

var errTimeout = errors.New("timeout")

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// kindOf strips the dialect's prefix from a reply action.
func kindOf(action string) string {
	for _, d := range []protocol.Dialect{protocol.BBF, protocol.BAF} {
		if kind, ok := strings.CutPrefix(action, d.ReplyPrefix()); ok {
			return kind
		}
	}
	return action
}

func describe(s Step) string {
	var b strings.Builder
	b.WriteString(s.Reply)
	switch {
	case s.HasText && s.Regex:
		fmt.Fprintf(&b, " matching %q", s.Text)
	case s.HasText:
		fmt.Fprintf(&b, " %q", s.Text)
	case s.Options != nil:
		fmt.Fprintf(&b, " %q", s.Options)
	case s.FileName != "":
		fmt.Fprintf(&b, " named %q", s.FileName)
	case s.Location != nil:
		fmt.Fprintf(&b, " at %v, %v", s.Location[0], s.Location[1])
	}
	return b.String()
}

func show(f frame) string {
	kind := kindOf(f.Action)
	var s string
	if json.Unmarshal(f.Message, &s) == nil {
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		return fmt.Sprintf("%s %q", kind, s)
	}
	m := string(f.Message)
	if len(m) > 200 {
		m = m[:200] + "…"
	}
	return kind + " " + m
}

// match compares a frame to an expectation and describes the mismatch.
func match(s Step, f frame) string {
	kind := kindOf(f.Action)
	if s.Reply == string(reply.Audio) {
		return matchAudio(s, f)
	}
	if kind != s.Reply {
		return show(f)
	}
	switch {
	case s.HasText:
		text, ok := frameText(kind, f.Message)
		if !ok {
			return show(f)
		}
		if s.Regex {
			re, err := regexp.Compile(s.Text)
			if err != nil {
				return fmt.Sprintf("invalid regular expression: %v", err)
			}
			if !re.MatchString(text) {
				return show(f)
			}
		} else if text != s.Text {
			return show(f)
		}
	case s.Options != nil:
		got, err := decodeOptions(f.Message)
		if err != nil {
			return fmt.Sprintf("%s (%v)", show(f), err)
		}
		if strings.Join(got, "\x00") != strings.Join(s.Options, "\x00") || len(got) != len(s.Options) {
			return fmt.Sprintf("options %q", got)
		}
	case s.FileName != "":
		var fd struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(f.Message, &fd); err != nil || fd.Name != s.FileName {
			return show(f)
		}
	case s.Location != nil:
		var loc struct {
			Latitude  float64 `json:"latitude"`
			Longitude float64 `json:"longitude"`
		}
		if err := json.Unmarshal(f.Message, &loc); err != nil ||
			math.Abs(loc.Latitude-s.Location[0]) > 1e-9 || math.Abs(loc.Longitude-s.Location[1]) > 1e-9 {
			return show(f)
		}
	}
	return ""
}

// frameText is the text an expectation compares: the message, or the
// answer of an answer from documents.
func frameText(kind string, message json.RawMessage) (string, bool) {
	if kind == string(reply.RAG) {
		var rag reply.RAGData
		if json.Unmarshal(message, &rag) != nil {
			return "", false
		}
		return rag.Answer, true
	}
	var text string
	return text, json.Unmarshal(message, &text) == nil
}

// matchAudio compares a frame to an audio expectation: a file of an audio
// type with the expected name, or baf's samples of the expected sound.
func matchAudio(s Step, f frame) string {
	switch kindOf(f.Action) {
	case string(reply.File):
		var fd reply.FileData
		if err := json.Unmarshal(f.Message, &fd); err != nil || !strings.HasPrefix(fd.Type, "audio/") || (s.FileName != "" && fd.Name != s.FileName) {
			return show(f)
		}
		return ""
	case string(reply.Audio):
		var got reply.AudioSamples
		if err := json.Unmarshal(f.Message, &got); err != nil || got.Base64 == "" {
			return show(f)
		}
		if s.Audio == nil || s.Audio.Samples == nil {
			return ""
		}
		want := s.Audio.Samples
		if got.Base64 != want.Base64 || got.Metadata.SampleRate != want.Metadata.SampleRate || got.Metadata.DType != want.Metadata.DType || !slices.Equal(got.Metadata.Shape, want.Metadata.Shape) {
			return fmt.Sprintf("audio with other samples than %s (%d %s samples at %d Hz)", s.Audio.File.Name, product(got.Metadata.Shape), got.Metadata.DType, got.Metadata.SampleRate)
		}
		return ""
	}
	return show(f)
}

func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// decodeOptions reads an options message: a string holding {"0": label, ...}.
func decodeOptions(raw json.RawMessage) ([]string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("message is not a string")
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	m := map[string]string{}
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("message is not a JSON object of labels")
	}
	out := make([]string, len(m))
	for i := range out {
		v, ok := m[fmt.Sprint(i)]
		if !ok {
			return nil, fmt.Errorf("option %d is missing", i)
		}
		out[i] = v
	}
	return out, nil
}
