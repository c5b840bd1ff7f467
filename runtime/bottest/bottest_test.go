package bottest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/protocol"
	"github.com/gorilla/websocket"
)

// twoReplies is a bot that answers every message with two texts: "one",
// then "two".
func twoReplies(t *testing.T) string {
	t.Helper()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
			for _, text := range []string{"one", "two"} {
				conn.WriteJSON(map[string]string{"action": "bot_reply_str", "message": text})
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/"
}

// A test must expect every reply the bot sends: one it says more than its
// last step expects fails it, and so does one between two steps that the
// next step does not expect.
func TestEveryReplyMustBeExpected(t *testing.T) {
	url := twoReplies(t)
	user := Step{Kind: UserText, Text: "hi", Pos: "b.bot:3:5"}
	bot := func(text, pos string) Step {
		return Step{Kind: Expect, Reply: "str", Text: text, HasText: true, Pos: pos}
	}
	cases := []Case{
		{Name: "both replies", Pos: "b.bot:2:1", Steps: []Step{user, bot("one", "b.bot:4:5"), bot("two", "b.bot:5:5")}},
		{Name: "one reply too many", Pos: "b.bot:7:1", Steps: []Step{user, bot("one", "b.bot:9:5")}},
		{Name: "nothing expected", Pos: "b.bot:11:1", Steps: []Step{user}},
		{Name: "a reply between steps", Pos: "b.bot:14:1", Steps: []Step{user, bot("one", "b.bot:16:5"), user, bot("one", "b.bot:18:5")}},
	}
	results := Run(context.Background(), url, cases, Options{Dialect: "bbf"})
	want := []string{
		"",
		`b.bot:7:1: unexpected reply after the last step: str "two"`,
		`b.bot:11:1: unexpected reply after the last step: str "one"`,
		"b.bot:18:5: expected str \"one\"\n  got str \"two\"",
	}
	for i, r := range results {
		if r.Failure != want[i] {
			t.Errorf("%s: failure %q, want %q", r.Name, r.Failure, want[i])
		}
	}
}

// The frames a test sends are what the protocol decodes, in both dialects:
// a message, a file and a reset, and in baf live frames (history false, a
// timestamp) in a session of the test's own.
func TestSentFramesDecode(t *testing.T) {
	for _, d := range []protocol.Dialect{protocol.BBF, protocol.BAF} {
		t.Run(string(d), func(t *testing.T) {
			got := make(chan string, 10)
			up := websocket.Upgrader{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- "session_id=" + r.URL.Query().Get("session_id")
				conn, err := up.Upgrade(w, r, nil)
				if err != nil {
					return
				}
				defer conn.Close()
				for {
					_, data, err := conn.ReadMessage()
					if err != nil {
						return
					}
					req, err := d.Decode(data)
					var env struct {
						History   *bool
						Timestamp string
					}
					_ = json.Unmarshal(data, &env)
					_, tsErr := time.Parse(protocol.TimestampLayout, env.Timestamp)
					switch {
					case err != nil:
						got <- fmt.Sprintf("%s: %v", data, err)
					case d == protocol.BAF && (env.History == nil || *env.History || tsErr != nil):
						got <- fmt.Sprintf("%s: not a live baf frame", data)
					case req.File != nil:
						got <- fmt.Sprintf("%s %s %s %q", req.Action, req.File.Name, req.File.Type, req.File.Data)
					default:
						got <- fmt.Sprintf("%s %q", req.Action, req.Text)
					}
				}
			}))
			defer srv.Close()
			steps := []Step{
				{Kind: UserText, Text: `say "hi" <b>`},
				{Kind: UserFile, File: &File{Name: "a.csv", Type: "text/csv", Data: []byte("a,b\n")}},
				{Kind: UserReset},
			}
			res := Run(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/", []Case{{Name: "c", Steps: steps}}, Options{Dialect: string(d), Quiet: 50 * time.Millisecond})
			if res[0].Failure != "" {
				t.Fatal(res[0].Failure)
			}
			session := <-got
			if (d == protocol.BAF) != strings.HasPrefix(session, "session_id=bottest-") {
				t.Errorf("%s: %s", d, session)
			}
			for _, want := range []string{
				`user_message "say \"hi\" <b>"`,
				`user_file a.csv text/csv "a,b\n"`,
				`reset ""`,
			} {
				if g := <-got; g != want {
					t.Errorf("the server got %s, want %s", g, want)
				}
			}
		})
	}
}
