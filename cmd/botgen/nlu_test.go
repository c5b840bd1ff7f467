package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The booking example exercises the trained classifier and every kind of
// entity end to end: built, served and tested over WebSocket.
func TestBookingExample(t *testing.T) {
	testsPass(t, 4, examplePath("booking"))
}

func TestNLUEval(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "nlu", "braun")
	code, stdout, stderr := botgen(t, "nlu", "eval", "--train", filepath.Join(dir, "webapps_train.csv"), "--test", filepath.Join(dir, "webapps_test.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"accuracy", "macro-F1", "training", "model size", "latency", "p50", "p99", "most confused"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = botgen(t, "nlu", "eval", "--oos-label", "None", "--threshold", "0.3",
		"--train", filepath.Join(dir, "webapps_train.csv"), "--test", filepath.Join(dir, "webapps_test.csv"))
	if code != 0 || !strings.Contains(stdout, "out-of-scope   recall") {
		t.Errorf("eval --oos-label: exit %d\n%s", code, stdout)
	}
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"nlu", "eval", "--train", filepath.Join(dir, "webapps_train.csv")}, 2},
		{[]string{"nlu", "eval", "--train", "missing.csv", "--test", "missing.csv"}, 1},
		{[]string{"nlu", "eval", "--train", examplePath("greetings"), "--test", examplePath("greetings")}, 1},
		{[]string{"nlu", "eval", "--language", "xx", "--train", filepath.Join(dir, "webapps_train.csv"), "--test", filepath.Join(dir, "webapps_test.csv")}, 2},
	} {
		if code, _, stderr := botgen(t, tt.args...); code != tt.code {
			t.Errorf("%v: exit %d, want %d\n%s", tt.args, code, tt.code, stderr)
		}
	}
}

func TestNLUExplain(t *testing.T) {
	code, stdout, stderr := botgen(t, "nlu", "explain", examplePath("greetings"), "helo")
	if code != 0 || !strings.Contains(stdout, "result    hello") {
		t.Fatalf("explain helo: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = botgen(t, "nlu", "explain", examplePath("help_desk"), "how r u", "--state", "hello_state")
	if code != 0 || !strings.Contains(stdout, "fallback") || strings.Contains(stdout, "howareyou") {
		t.Errorf("explain in a state: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = botgen(t, "nlu", "explain", examplePath("weather"), "weather in BCN")
	if code != 0 || !strings.Contains(stdout, `city1 = "Barcelona"`) || !strings.Contains(stdout, "exact training sentence") {
		t.Errorf("explain with a param: exit %d\n%s", code, stdout)
	}
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"nlu", "explain", examplePath("greetings")}, 2},
		{[]string{"nlu", "explain", examplePath("greetings"), "hi", "--state", "nowhere"}, 1},
		{[]string{"nlu", "explain", "missing.bot", "hi"}, 1},
	} {
		if code, _, stderr := botgen(t, tt.args...); code != tt.code {
			t.Errorf("%v: exit %d, want %d\n%s", tt.args, code, tt.code, stderr)
		}
	}
}

func TestNLUCheck(t *testing.T) {
	code, stdout, stderr := botgen(t, "nlu", "check", examplePath("booking"))
	want := []string{
		"cross-validation  10 folds over 5 sentences of 2 intents\n",
		"understood        4/5 (0.800) at nlp.intent_threshold 0.4; the right intent ranked first 5/5\n",
		"  book                     2/3\n",
		`  book: "I want to reserve a table" scores 0.34, below the threshold` + "\n",
	}
	for _, w := range want {
		if code != 0 || !strings.Contains(stdout, w) {
			t.Errorf("nlu check booking: exit %d, no %q in\n%s%s", code, w, stdout, stderr)
		}
	}
	code, stdout, _ = botgen(t, "nlu", "check", examplePath("help_desk"))
	if code != 0 || !strings.Contains(stdout, `help: "what can you do?" reads as howareyou`) {
		t.Errorf("nlu check help_desk: exit %d\n%s", code, stdout)
	}
	// Words of the same meaning teach each other ("hello" and "hi").
	code, stdout, _ = botgen(t, "nlu", "check", examplePath("greetings"))
	if code != 0 || !strings.Contains(stdout, "understood        6/6 (1.000)") {
		t.Errorf("nlu check greetings: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := botgen(t, "nlu", "check", "--fail-under", "0.9", examplePath("booking")); code != 1 || !strings.Contains(stderr, "0.800 of the sentences understood, under --fail-under 0.9") {
		t.Errorf("--fail-under: exit %d, %q", code, stderr)
	}
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"nlu", "check"}, 2},
		{[]string{"nlu", "check", "--folds", "1", examplePath("booking")}, 2},
		{[]string{"nlu", "check", "--fail-under", "2", examplePath("booking")}, 2},
		{[]string{"nlu", "check", "missing.bot"}, 1},
	} {
		if code, _, stderr := botgen(t, tt.args...); code != tt.code {
			t.Errorf("%v: exit %d, want %d\n%s", tt.args, code, tt.code, stderr)
		}
	}
}

// nlu explain reads dates and times in the bot's nlp.timezone, as the bot
// does: "tomorrow at 5pm" is tomorrow there, at 17:00 of its offset. A zone
// 14 hours ahead of UTC tells the two apart most of the day, and by the
// offset always.
func TestNLUExplainUsesTheBotsTimezone(t *testing.T) {
	const zone = "Pacific/Kiritimati"
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	path := filepath.Join(t.TempDir(), "tz.bot")
	src := `bot tz
config {
    nlp.timezone = "` + zone + `"
}
intent book {
    "book a table {day}"
    param day: datetime
}
initial state s0 {
    on book -> s0
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	want := func() string {
		return `day = "` + time.Now().In(loc).AddDate(0, 0, 1).Format(time.DateOnly) + `T17:00:00+14:00"`
	}
	before := want()
	code, stdout, stderr := botgen(t, "nlu", "explain", path, "book a table tomorrow at 5pm")
	if code != 0 || !strings.Contains(stdout, before) && !strings.Contains(stdout, want()) {
		t.Errorf("exit %d, want %s\n%s%s", code, before, stdout, stderr)
	}
}
