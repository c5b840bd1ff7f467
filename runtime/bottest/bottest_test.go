package bottest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
