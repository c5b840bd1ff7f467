package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/internal/testlog"
	"github.com/botgen-dev/botgen/runtime/bottest"
)

// examples names the bots of testdata/examples.
var examples = func() []string {
	paths, _ := filepath.Glob(examplePath("*"))
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = strings.TrimSuffix(filepath.Base(p), ".bot")
	}
	return names
}()

func examplePath(name string) string {
	return filepath.Join("..", "..", "testdata", "examples", name+".bot")
}

// exampleAsset is the path of a file the examples use.
func exampleAsset(name string) string {
	return filepath.Join("..", "..", "testdata", "examples", "assets", name)
}

// botgen runs the CLI in process and returns its exit code and output.
func botgen(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"botgen"}, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// buildExample compiles an example into a binary in a temporary folder.
func buildExample(t *testing.T, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	code, _, stderr := botgen(t, "build", "-o", bin, examplePath(name))
	if code != 0 {
		t.Fatalf("botgen build %s: exit %d\n%s", name, code, stderr)
	}
	return bin
}

type serving struct {
	cmd    *exec.Cmd
	url    string
	done   chan error
	stderr *testlog.Buffer // the bot's log
}

var servingLine = regexp.MustCompile(`serving on (wss?://\S+/)`)

// process is a command that runs bots (botgen run, or go run of it) as a
// real process: its output is collected while it runs, and the URL of each
// bot it starts is passed on.
type process struct {
	cmd    *exec.Cmd
	stderr *testlog.Buffer
	urls   chan string // from each "serving on" line, in order
}

// start starts args and kills it when the test ends.
func start(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	// A bot left running would hold the output pipes open.
	cmd.WaitDelay = 2 * time.Second
	p := &process{cmd: cmd, stderr: &testlog.Buffer{}, urls: make(chan string, 10)}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := servingLine.FindStringSubmatch(lines.Text()); m != nil {
				p.urls <- m[1]
			}
		}
	}()
	return p
}

// nextURL waits for the next bot the process serves and returns its URL;
// what says which bot, for the failure message.
func (p *process) nextURL(t *testing.T, what string) string {
	t.Helper()
	select {
	case u := <-p.urls:
		return u
	case <-time.After(60 * time.Second):
		t.Fatalf("no bot serving %s; stderr:\n%s", what, p.stderr)
	}
	return ""
}

// say sends text as the user of session ("": a new one) over a connection
// of its own to the bot at url, and returns the bot's first answer.
func say(t *testing.T, url, session, text string) string {
	t.Helper()
	if session != "" {
		url += "?session_id=" + session
	}
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteJSON(map[string]string{"action": "user_message", "message": text}); err != nil {
		t.Fatal(err)
	}
	var f struct{ Action, Message string }
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	return f.Message
}

// testsPass runs botgen test on paths, wants n tests passed and none
// failed, and returns what it printed.
func testsPass(t *testing.T, n int, paths ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := botgen(t, append([]string{"test"}, paths...)...)
	if code != 0 || !strings.HasSuffix(stdout, fmt.Sprintf("%d passed, 0 failed\n", n)) {
		t.Fatalf("botgen test: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	return stdout, stderr
}

// chat is a conversation with a running bot over one WebSocket connection.
type chat struct {
	t  *testing.T
	ws *websocket.Conn
}

// chatWith opens a conversation with the bot at url, closed with the test.
func chatWith(t *testing.T, url string) *chat {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return &chat{t: t, ws: ws}
}

// say sends a message as the user.
func (c *chat) say(text string) {
	c.t.Helper()
	if err := c.ws.WriteJSON(map[string]string{"action": "user_message", "message": text}); err != nil {
		c.t.Fatal(err)
	}
}

// next returns the message of the next frame (10 s at most).
func (c *chat) next() string {
	c.t.Helper()
	var f struct{ Message string }
	c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := c.ws.ReadJSON(&f); err != nil {
		c.t.Fatal(err)
	}
	return f.Message
}

// serve starts a bot binary on a free loopback port.
func serve(t *testing.T, bin string, args ...string) *serving {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--host", "127.0.0.1", "--port", "0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Read when the bot fails to start, while its output may still arrive.
	stderr := &testlog.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &serving{cmd: cmd, done: make(chan error, 1), stderr: stderr}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		cmd.Process.Kill()
		t.Fatalf("%s printed nothing; stderr:\n%s", bin, stderr.String())
	}
	m := servingLine.FindStringSubmatch(lines.Text())
	if m == nil {
		cmd.Process.Kill()
		t.Fatalf("unexpected first line %q", lines.Text())
	}
	s.url = m[1]
	go func() {
		for lines.Scan() {
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
	})
	return s
}

// stop sends SIGTERM and returns the exit error.
func (s *serving) stop(t *testing.T) error {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("the bot did not stop within 20s of SIGTERM")
	}
	return nil
}

// TestExamplesOverTheWire builds every example into a real binary, serves
// it on a free port and runs its test blocks over WebSocket from a second
// process, in both dialects.
func TestExamplesOverTheWire(t *testing.T) {
	// urfave/cli keeps its help flag in a package variable, so the CLI runs
	// one at a time; the built bots then run in parallel.
	bins := map[string]string{}
	for _, name := range examples {
		bins[name] = buildExample(t, name)
	}
	for _, name := range examples {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bin := bins[name]
			for _, dialect := range []string{"bbf", "baf"} {
				s := serve(t, bin, "--protocol", dialect)
				out, err := exec.Command(bin, "test", "--protocol", dialect, "--url", s.url).CombinedOutput()
				if err != nil {
					t.Errorf("%s test in %s: %v\n%s", name, dialect, err, out)
				}
				if !regexp.MustCompile(`(?m)^[1-9][0-9]* passed, 0 failed$`).Match(out) {
					t.Errorf("%s test in %s: no passing summary:\n%s", name, dialect, out)
				}
				if err := s.stop(t); err != nil {
					t.Errorf("%s exited with %v after SIGTERM, want 0", name, err)
				}
			}
		})
	}
}

func TestBotgenTestCommand(t *testing.T) {
	if len(examples) == 0 {
		t.Fatal("no examples found")
	}
	var paths []string
	tests := 0
	for _, name := range examples {
		paths = append(paths, examplePath(name))
		bot, diags := dsl.Load(examplePath(name), dsl.CheckOptions{})
		if diags.HasErrors() {
			t.Fatalf("%s: %v", name, diags)
		}
		tests += len(bot.Tests)
	}
	code, stdout, stderr := botgen(t, append([]string{"test"}, paths...)...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if want := fmt.Sprintf("%d passed, 0 failed\n", tests); !strings.HasSuffix(stdout, want) {
		t.Errorf("want %q at the end; got:\n%s", want, stdout)
	}
}

func TestBotgenTestReportsAFailure(t *testing.T) {
	dir := t.TempDir()
	src := `bot failing
intent hello { "hello" }
initial state s0 {
    on hello -> s1
}
state s1 {
    reply "Hi!"
    go s0
}
test "expects the wrong text" {
    user "hello"
    bot "Hello!"
}
`
	path := filepath.Join(dir, "failing.bot")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.xml")
	code, stdout, _ := botgen(t, "test", "--junit", report, examplePath("greetings"), path)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{`expected str "Hello!"`, `got str "Hi!"`, "failing.bot:12:5", "2 passed, 1 failed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// The JUnit report has a suite per bot, a case per test block.
	f, err := os.Open(report)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	j, err := bottest.ReadJUnit(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Suites) != 2 || j.Suites[0].Name != "greetings_bot" || j.Suites[0].Tests != 2 || j.Suites[0].Failures != 0 ||
		j.Suites[1].Name != "failing" || j.Suites[1].Failures != 1 || j.Suites[1].Cases[0].Failure == nil ||
		!strings.Contains(j.Suites[1].Cases[0].Failure.Message, `expected str "Hello!"`) {
		t.Errorf("JUnit report: %+v", j)
	}
}

// TestShutdownClosesWith1001 checks that SIGTERM closes live connections
// with "going away" and that the bot exits 0.
func TestShutdownClosesWith1001(t *testing.T) {
	bin := buildExample(t, "help_desk")
	s := serve(t, bin)
	conn, _, err := websocket.DefaultDialer.Dial(s.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, msg, err := conn.ReadMessage(); err != nil || !strings.Contains(string(msg), "Waiting...") {
		t.Fatalf("greeting: %s, %v", msg, err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.stop(t) }()
	_, _, err = conn.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("read after SIGTERM: %v, want close 1001", err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("exit: %v, want 0", err)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.bot")
	os.WriteFile(bad, []byte("bot bad\ninitial state s0 {\n    go nowhere\n}\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", examplePath("weather")}, 0, ""},
		{[]string{"check", bad}, 1, `bad.bot:3:8: unknown state "nowhere"`},
		{[]string{"check", filepath.Join(dir, "missing.bot")}, 1, "no such file"},
		{[]string{"build"}, 2, "give a .bot file"},
		{[]string{"build", "a.bot", "b.bot"}, 2, "give one .bot file"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"build", "--no-such-flag", "a.bot"}, 2, "no-such-flag"},
	}
	for _, c := range cases {
		code, stdout, stderr := botgen(t, c.args...)
		if code != c.code {
			t.Errorf("botgen %v: exit %d, want %d\n%s%s", c.args, code, c.code, stdout, stderr)
		}
		if !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("botgen %v: output lacks %q:\n%s%s", c.args, c.want, stdout, stderr)
		}
	}
}

// TestGenerateBuildsStandalone checks that `botgen generate` writes a module
// that builds with the plain Go toolchain.
func TestGenerateBuildsStandalone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "weather")
	code, _, stderr := botgen(t, "generate", examplePath("weather"), "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	bin := filepath.Join(t.TempDir(), "weather")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in the generated module: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "weather_bot built by botgen v") {
		t.Errorf("version: %v\n%s", err, out)
	}
}

func TestChatShowsEveryKind(t *testing.T) {
	bin := buildExample(t, "showcase")
	cmd := exec.Command(bin, "chat")
	cmd.Stdin = strings.NewReader("table\ncompare revenue\ndocument\nupload\n/file " + exampleAsset("sales.csv") + "\n/quit\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"[table] [team] [chart]",
		"    region  quarter  revenue\n    ------  -------  -------\n    North   Q1       120.5\n",
		"(chart: Revenue by quarter)",
		"(file terms.txt, text/plain, 83 bytes)",
		"bot> Thanks! I got sales.csv (79 bytes)",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
}

func TestChatInTerminal(t *testing.T) {
	bin := buildExample(t, "greetings")
	cmd := exec.Command(bin, "chat")
	cmd.Stdin = strings.NewReader("hello\nfine\n/quit\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"bot> Hi! How are you?", "bot> I am glad to hear that!"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunPassesFlagsToTheBot(t *testing.T) {
	code, stdout, stderr := botgen(t, "run", examplePath("greetings"), "--", "version")
	if code != 0 || !strings.Contains(stdout, "greetings_bot built by botgen v") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestInstalledBinaryOffline builds botgen itself, then uses that binary
// from outside the checkout, with the module proxy switched off and an empty
// botgen cache, to build a bot.
func TestInstalledBinaryOffline(t *testing.T) {
	dir := t.TempDir()
	botgenBin := botgenBinary(t)
	src, err := filepath.Abs(examplePath("greetings"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	cmd := exec.Command(botgenBin, "build", "-o", "greetings", src)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GOPROXY=off", "BOTGEN_CACHE="+filepath.Join(dir, "cache"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("offline build from an installed botgen: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(work, "greetings"), "test").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "2 passed, 0 failed") {
		t.Errorf("greetings test: %v\n%s", err, out)
	}
}

func TestBotFlags(t *testing.T) {
	bin := buildExample(t, "greetings")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--set", "websocket.port=abc"}, 1, `config key websocket.port: "abc" is not an integer`},
		{[]string{"--set", "nonsense"}, 2, "expected key=value"},
		{[]string{"--set", "no.such.key=1"}, 1, `unknown config key "no.such.key"`},
		{[]string{"--protocol", "xmpp"}, 1, `must be "bbf" or "baf"`},
		{[]string{"--log-format", "yaml"}, 1, `must be "text" or "json"`},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"version"}, 0, "greetings_bot built by botgen v"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, c.args...)
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		if code != c.code || !strings.Contains(string(out), c.want) {
			t.Errorf("%v: exit %d, want %d with %q; output:\n%s", c.args, code, c.code, c.want, out)
		}
	}
}

func TestJSONLogs(t *testing.T) {
	bin := buildExample(t, "greetings")
	cmd := exec.Command(bin, "--host", "127.0.0.1", "--port", "0", "--log-format", "json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	bufio.NewScanner(stdout).Scan()
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	first, _, _ := strings.Cut(stderr.String(), "\n")
	if !strings.HasPrefix(first, `{"time":`) || !strings.Contains(first, `"msg":"serving"`) {
		t.Errorf("first log line is not JSON: %q", first)
	}
}

// TestReadmeTour keeps the README's tour bot true: it must check, and its
// test block must pass.
func TestReadmeTour(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "\nbot hello_bot\n")
	if start < 0 {
		t.Fatal("the README has no tour bot")
	}
	end := strings.Index(text[start:], "\n```")
	path := filepath.Join(t.TempDir(), "hello.bot")
	if err := os.WriteFile(path, []byte(text[start+1:start+end+1]), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := botgen(t, "test", path)
	if code != 0 || !strings.HasSuffix(stdout, "1 passed, 0 failed\n") {
		t.Errorf("tour bot: exit %d\n%s%s", code, stdout, stderr)
	}

	// The typo the README walks through gives the diagnostics it shows.
	lines := strings.Split(text[start+1:start+end+1], "\n")
	if !strings.Contains(lines[19], "-> forecast") {
		t.Fatalf("line 20 of the tour bot is %q, not the transition the README mistypes", lines[19])
	}
	lines[19] = strings.Replace(lines[19], "-> forecast", "-> forcast", 1)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, stderr = botgen(t, "check", path)
	i := strings.Index(text, "it says:\n\n```\n")
	if i < 0 {
		t.Fatal("the README does not show the check's output")
	}
	shown := text[i+len("it says:\n\n```\n"):]
	shown = shown[:strings.Index(shown, "```")]
	got := strings.ReplaceAll(stderr, path, "hello.bot")
	if !strings.HasPrefix(got, shown) {
		t.Errorf("botgen check with the typo says:\n%s\nthe README shows:\n%s", got, shown)
	}
}

// TestExamplesMatchShared keeps testdata/examples an exact copy of the
// reference bots and their assets in ../shared/examples.
func TestExamplesMatchShared(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "examples")
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI has ../shared beside the checkout, but: %v", err)
		}
		t.Skip("../shared/examples is not beside this checkout")
	}
	err := filepath.WalkDir(shared, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(shared, path)
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join("..", "..", "testdata", "examples", rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("testdata/examples/%s differs from ../shared/examples/%s (copy it again)", rel, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConfigFile runs a bot with a BESSER-style config.ini: its settings
// apply, keys of other platforms are warned about and ignored, the
// environment overrides the file, and a bad file stops the bot with every
// bad line named.
func TestConfigFile(t *testing.T) {
	bin := buildExample(t, "greetings")
	dir := t.TempDir()
	good := filepath.Join(dir, "config.ini")
	if err := os.WriteFile(good, []byte("[websocket_platform]\nwebsocket.host = 127.0.0.1\nwebsocket.port = 0\nstreamlit.port = 5000\nprotocol = baf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// firstLine starts the bot, returns what it printed first, and stops it.
	firstLine := func(env []string, args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		lines.Scan()
		first := lines.Text()
		cmd.Process.Signal(syscall.SIGTERM)
		for lines.Scan() {
		}
		cmd.Wait()
		return first, stderr.String()
	}
	first, stderr := firstLine(nil, "--config", good)
	if !regexp.MustCompile(`^greetings_bot serving on ws://127\.0\.0\.1:\d+/ \(protocol baf\)$`).MatchString(first) {
		t.Errorf("--config: first line %q", first)
	}
	if !strings.Contains(stderr, `greetings_bot: warning: `+good+`:4: unknown config key "streamlit.port", ignored`) {
		t.Errorf("no warning for the unknown key; stderr:\n%s", stderr)
	}
	if first, _ := firstLine([]string{"BOTGEN_CONFIG=" + good, "BOTGEN_PROTOCOL=bbf"}); !strings.HasSuffix(first, "(protocol bbf)") {
		t.Errorf("BOTGEN_CONFIG with BOTGEN_PROTOCOL: first line %q, want protocol bbf", first)
	}

	// baf's config.yaml, with the keys of baf's documented example.
	yml := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(yml, []byte("agent:\n  check_transitions_delay: 5\nnlp:\n  language: en\n  region: US\n  timezone: Europe/Madrid\n  pre_processing: True\n  intent_threshold: 0.4\nplatforms:\n  websocket:\n    host: 127.0.0.1\n    port: 0\n    streamlit:\n      port: 5000\n  telegram:\n    token: YOUR-BOT-TOKEN\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	first, stderr = firstLine([]string{"BOTGEN_PROTOCOL=baf"}, "--config", yml)
	if !regexp.MustCompile(`^greetings_bot serving on ws://127\.0\.0\.1:\d+/ \(protocol baf\)$`).MatchString(first) {
		t.Errorf("--config config.yaml: first line %q", first)
	}
	for _, w := range []string{yml + ":1: agent is not a setting", yml + ":5: nlp.region is not a setting", yml + ":13: platforms.websocket.streamlit is not a setting", yml + ":15: platforms.telegram is not a setting"} {
		if !strings.Contains(stderr, "greetings_bot: warning: "+w) {
			t.Errorf("config.yaml: no warning %q; stderr:\n%s", w, stderr)
		}
	}

	bad := filepath.Join(dir, "bad.ini")
	if err := os.WriteFile(bad, []byte("websocket.port = 99999\nprotocol\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		want []string
	}{
		{bad, []string{
			"greetings_bot: " + bad + ":1: config key websocket.port: must be between 0 and 65535",
			"greetings_bot: " + bad + `:2: expected key = value, found "protocol"`,
		}},
		{filepath.Join(dir, "missing.ini"), []string{"greetings_bot: --config: open " + filepath.Join(dir, "missing.ini") + ": no such file or directory"}},
	} {
		out, err := exec.Command(bin, "--config", c.file).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || strings.TrimSpace(string(out)) != strings.Join(c.want, "\n") {
			t.Errorf("--config %s: %v\n%s\nwant exit 1 and:\n%s", c.file, err, out, strings.Join(c.want, "\n"))
		}
	}
}

// TestSessionsSurviveRestart: with session.store set, a bot binary stopped
// and started again resumes a conversation in the state it was in.
func TestSessionsSurviveRestart(t *testing.T) {
	bin := buildExample(t, "greetings")
	store := filepath.Join(t.TempDir(), "sessions")
	s := serve(t, bin, "--protocol", "baf", "--set", "session.store="+store)
	if got := say(t, s.url, "e2e", "hello"); got != "Hi! How are you?" {
		t.Fatalf("hello: %q", got)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	s = serve(t, bin, "--protocol", "baf", "--set", "session.store="+store)
	// "fine" is only understood in hello_state, where the session was left.
	if got := say(t, s.url, "e2e", "fine"); got != "I am glad to hear that!" {
		t.Errorf("after the restart: %q, want the answer of hello_state", got)
	}
	s.stop(t)

	out, err := exec.Command(bin, "--set", "session.store="+filepath.Join(bin, "x")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "config key session.store: session store:") {
		t.Errorf("a store under a file: %v\n%s", err, out)
	}
}
