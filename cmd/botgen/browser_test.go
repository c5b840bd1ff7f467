package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/gorilla/websocket"

	"github.com/botgen-dev/botgen/internal/openaitest"
)

// The browser tests drive the bots' web chat page in a real headless
// Chromium. Each saves screenshots in its artifact folder (kept with
// go test -artifacts); -screenshot also writes the main one to a path, which
// is how docs/screenshot.png is refreshed:
//
//	go test ./cmd/botgen -run Browser -screenshot ../../docs/screenshot.png
var screenshotPath = flag.String("screenshot", "", "also write the browser test's main screenshot to this path")

// chromium finds the browser: $BOTGEN_CHROMIUM, else the usual names on
// PATH. Without one the test is skipped, except under CI where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BOTGEN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found for the browser tests: install it (Debian: apt-get install -y chromium) or set BOTGEN_CHROMIUM to its path"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser is a headless Chromium tab with the page's console errors
// collected.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromium(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" {
				b.mu.Lock()
				b.errors = append(b.errors, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// consoleErrors returns the errors and exceptions the page logged so far.
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.fail("%s: %v", what, err)
	}
}

// fail saves a screenshot of the page, then fails the test.
func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	if png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot()); err == nil {
		p := filepath.Join(b.t.ArtifactDir(), "failure.png")
		if os.WriteFile(p, png, 0o644) == nil {
			b.t.Logf("screenshot of the failure: %s", p)
		}
	}
	b.t.Fatalf(format, args...)
}

// eval evaluates a JavaScript expression and returns its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail("evaluating %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript expression until it is truthy.
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[any](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		b.fail("waiting for %s (%s): %v", what, expr, err)
	}
}

func (b *browser) botMessages() int {
	return eval[int](b, `document.querySelectorAll("#log .msg.from-bot").length`)
}

// say types text into the message box, sends it with Enter, and waits for
// the bot's next message.
func (b *browser) say(text string) {
	b.t.Helper()
	n := b.botMessages()
	b.do("typing "+text, chromedp.SendKeys("#input", text+kb.Enter))
	b.waitFor("a reply to "+text, fmt.Sprintf(`document.querySelectorAll("#log .msg.from-bot").length > %d`, n))
}

// last is a selector for an element inside the last bot message.
func last(sel string) string {
	return `document.querySelector("#log .msg.from-bot:last-child .bubble` + sel + `")`
}

func (b *browser) screenshot(name string) []byte {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fail("screenshot: %v", err)
	}
	p := filepath.Join(b.t.ArtifactDir(), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
	return png
}

// pageURL turns the ws:// address a bot prints into its page's http:// one.
func pageURL(s *serving) string {
	return "http://" + strings.TrimPrefix(s.url, "ws://")
}

// TestBrowserShowcase converses with the showcase bot through its own web
// page in Chromium: every reply kind renders as the right element, options
// are buttons, a file uploads, and a reload resumes the conversation.
func TestBrowserShowcase(t *testing.T) {
	b := newBrowser(t)
	bin := buildExample(t, "showcase")
	bot := serve(t, bin)
	b.do("opening the page", chromedp.Navigate(pageURL(bot)))

	b.waitFor("the greeting", `document.querySelector("#log .msg.from-bot[data-kind=options] button.option")`)
	b.waitFor("the online state", `document.querySelector("#status").dataset.state === "online"`)
	if got := eval[string](b, `document.title`); got != "showcase" {
		t.Errorf("title %q, want the bot's name", got)
	}
	// Markdown is rendered into elements.
	if got := eval[string](b, `document.querySelector("#log [data-kind=markdown] .bubble strong")?.textContent ?? ""`); got != "Welcome!" {
		t.Errorf("markdown: <strong> holds %q", got)
	}
	if got := eval[int](b, `document.querySelectorAll("#log [data-kind=markdown] .bubble li").length`); got != 2 {
		t.Errorf("markdown: %d list items, want 2", got)
	}
	if got := eval[int](b, `document.querySelectorAll("#log [data-kind=options] button.option:not([disabled])").length`); got != 9 {
		t.Errorf("options: %d enabled buttons, want 9", got)
	}

	// Shift+Enter breaks the line instead of sending.
	b.do("Shift+Enter", chromedp.SendKeys("#input", "one"), chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(kb.ModifierShift)), chromedp.SendKeys("#input", "two"))
	if got := eval[string](b, `document.querySelector("#input").value`); got != "one\ntwo" {
		t.Errorf("after Shift+Enter the box holds %q, want two lines", got)
	}
	b.do("clearing the box", chromedp.Evaluate[chromedp.Void](`document.querySelector("#input").value = ""; document.querySelector("#input").dispatchEvent(new Event("input"))`))

	// Keyboard only: Tab reaches the first option, Enter picks it; picking
	// sends its label and uses the group up.
	n := b.botMessages()
	focused := `document.activeElement?.matches("#log [data-kind=options] button.option:first-child")`
	for i := 0; i < 10 && !eval[bool](b, focused); i++ {
		b.do("pressing Tab", chromedp.KeyEvent(kb.Tab))
	}
	if !eval[bool](b, focused) {
		b.fail("Tab never reaches the first option; focus is on %s", eval[string](b, `document.activeElement?.outerHTML.slice(0, 80) ?? ""`))
	}
	b.do("pressing Enter on the table option", chromedp.KeyEvent(kb.Enter))
	b.waitFor("the table", fmt.Sprintf(`document.querySelectorAll("#log .msg.from-bot").length > %d`, n))
	if got := eval[string](b, `document.activeElement?.id ?? ""`); got != "input" {
		t.Errorf("after picking an option the focus is on %q, want the message box", got)
	}
	if got := eval[string](b, `[...document.querySelectorAll("#log .msg.from-user .bubble")].at(-1)?.textContent ?? ""`); got != "table" {
		t.Errorf("the option sent %q, want its label", got)
	}
	if got := eval[int](b, `document.querySelectorAll("#log [data-kind=options] button.option:not([disabled])").length`); got != 0 {
		t.Errorf("%d option buttons still enabled after a choice", got)
	}
	if got := eval[string](b, `[...`+last(` table thead`)+`.querySelectorAll("th")].map(th => th.textContent).join(",")`); got != "region,quarter,revenue" {
		t.Errorf("table header %q", got)
	}
	if got := eval[int](b, last(` table tbody`)+`.rows.length`); got != 4 {
		t.Errorf("table: %d rows, want 4", got)
	}

	b.say("who is on the team?")
	if got := eval[string](b, `[...`+last(` table`)+`.querySelectorAll("th")].map(th => th.textContent).join(",")`); got != "name,role" {
		t.Errorf("team table header %q, want name,role", got)
	}

	b.say("chart")
	b.waitFor("an interactive Plotly chart", last(` .chart.js-plotly-plot svg.main-svg`))
	b.say("compare revenue")
	b.waitFor("a bar chart", last(` .chart.js-plotly-plot svg.main-svg`)+` && `+last(` .chart`)+`.querySelectorAll(".bars path, .point path").length >= 3`)

	b.say("picture")
	b.waitFor("a decoded image", last(` img.picture`)+`?.naturalWidth > 0`)
	if got := eval[string](b, last(` img.picture`)+`.getAttribute("src").slice(0, 23)`); got != "data:image/jpeg;base64," {
		t.Errorf("image src starts %q", got)
	}

	b.say("document")
	if got := eval[string](b, last(` a.file`)+`?.getAttribute("download") ?? ""`); got != "terms.txt" {
		t.Errorf("file: download name %q", got)
	}
	if got := eval[string](b, last(` a.file`)+`.textContent`); !strings.Contains(got, "terms.txt") || !strings.Contains(got, " B") {
		t.Errorf("file: link text %q lacks the name and size", got)
	}
	if got := eval[string](b, last(` a.file`)+`.href.slice(0, 5)`); got != "blob:" {
		t.Errorf("file: href starts %q, want a blob: URL", got)
	}

	b.say("location")
	if got := eval[string](b, last(` .coords`)+`?.textContent ?? ""`); got != "49.6116, 6.1319" {
		t.Errorf("location: coordinates %q", got)
	}
	if got := eval[string](b, last(` a.map-link`)+`?.href ?? ""`); !strings.HasPrefix(got, "https://www.openstreetmap.org/?mlat=49.6116&mlon=6.1319") {
		t.Errorf("location: map link %q", got)
	}

	b.say("html")
	if got := eval[string](b, last(` b`)+`?.textContent ?? ""`); got != "HTML" {
		t.Errorf("html: <b> holds %q", got)
	}

	// Upload: the showcase asks for a CSV and reports what it got.
	b.say("upload")
	csv, err := filepath.Abs(exampleAsset("sales.csv"))
	if err != nil {
		t.Fatal(err)
	}
	n = b.botMessages()
	b.do("choosing a file", chromedp.SetUploadFiles("#file", []string{csv}))
	b.waitFor("the upload's reply", fmt.Sprintf(`document.querySelectorAll("#log .msg.from-bot").length > %d`, n))
	if got := eval[string](b, last(``)+`.textContent`); got != "Thanks! I got sales.csv (79 bytes)" {
		t.Errorf("after the upload the bot said %q", got)
	}
	if got := eval[string](b, `[...document.querySelectorAll("#log .msg.from-user")].at(-1)?.querySelector(".file-name")?.textContent ?? ""`); got != "sales.csv" {
		t.Errorf("the sent file is not shown: %q", got)
	}

	// Reload: the page resumes the same session and shows it again, once.
	transcript := `[...document.querySelectorAll("#log .msg")].map(m => m.dataset.kind + ":" + m.querySelector(".bubble").textContent).join("\n")`
	before := eval[string](b, transcript)
	b.do("reloading", chromedp.Reload())
	b.waitFor("the replayed conversation", `document.querySelectorAll("#log .msg").length > 20 && document.querySelector("#status").dataset.state === "online"`)
	b.do("settling", chromedp.Sleep(500*time.Millisecond))
	after := eval[string](b, transcript)
	if after != before {
		t.Errorf("after a reload the conversation differs:\n--- before\n%s\n--- after\n%s", before, after)
	}
	if got := eval[int](b, `document.querySelectorAll("#log [data-kind=options] button.option:not([disabled])").length`); got != 0 {
		t.Errorf("after a reload %d used options are enabled again", got)
	}
	b.say("location")
	if got := eval[string](b, last(` .coords`)+`?.textContent ?? ""`); got != "49.6116, 6.1319" {
		t.Errorf("after a reload the conversation does not go on: %q", got)
	}

	// Reset starts over: the greeting again, and nothing else.
	b.do("reset", chromedp.Click("#reset"))
	b.waitFor("the new greeting", `document.querySelectorAll("#log .msg").length === 2 && document.querySelector("#log [data-kind=options] button.option:not([disabled])")`)

	// A short conversation for the screenshot in the docs.
	n = b.botMessages()
	b.do("clicking the chart option", chromedp.Click(`#log [data-kind=options] button.option:nth-child(3)`))
	b.waitFor("the chart drawn", fmt.Sprintf(`document.querySelectorAll("#log .msg.from-bot").length > %d && `, n)+last(` .chart.js-plotly-plot svg.main-svg`))
	b.say("where are you?")
	b.say("send me the terms")
	b.do("a taller window", chromedp.EmulateViewport(1200, 1240), chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 2, 2), chromedp.Sleep(600*time.Millisecond))
	png := b.screenshot("conversation.png")
	if *screenshotPath != "" {
		if err := os.WriteFile(*screenshotPath, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Phone-sized and dark: nothing sticks out sideways.
	b.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	}))
	b.say("team")
	b.say("picture")
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390px screen the page is %dpx wide", w)
	}
	if bg := eval[string](b, `getComputedStyle(document.querySelector(".app")).backgroundColor`); bg == "rgb(255, 255, 255)" {
		t.Errorf("dark mode: the page stays white")
	}
	b.do("settling", chromedp.Sleep(400*time.Millisecond))
	b.screenshot("phone-dark.png")

	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestBrowserReconnects drops the page's connection while the bot keeps
// running (a frame over websocket.max_size closes that connection with
// 1009; the session stays) and checks that the page reconnects by itself and
// resumes the same conversation.
func TestBrowserReconnects(t *testing.T) {
	b := newBrowser(t)
	bot := serve(t, buildExample(t, "showcase"), "--set", "websocket.max_size=2048")
	b.do("opening the page", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the greeting", `document.querySelector("#log .msg.from-bot[data-kind=options] button.option")`)
	b.say("where are you?")
	b.say("upload")

	big := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(big, bytes.Repeat([]byte("a,b\n"), 2000), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("sending a file over the frame limit", chromedp.SetUploadFiles("#file", []string{big}))
	b.waitFor("the sent file", `document.querySelector("#log .msg.from-user[data-kind=file]")`)
	// The replay after the reconnection redraws the conversation, which
	// drops the upload (files are not part of the history).
	b.waitFor("a reconnection", `!document.querySelector("#log .msg.from-user[data-kind=file]") && document.querySelector("#status").dataset.state === "online"`)
	transcript := eval[string](b, `[...document.querySelectorAll("#log .msg")].map(m => m.dataset.kind).join(",")`)
	if want := "markdown,options,text,location,text,str"; transcript != want {
		t.Errorf("after the reconnection: %s, want %s", transcript, want)
	}
	// The same session goes on: it still waits for a CSV.
	n := b.botMessages()
	small := filepath.Join(t.TempDir(), "small.csv")
	if err := os.WriteFile(small, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("sending a small file", chromedp.SetUploadFiles("#file", []string{small}))
	b.waitFor("the reply", fmt.Sprintf(`document.querySelectorAll("#log .msg.from-bot").length > %d`, n))
	if got := eval[string](b, last(``)+`.textContent`); got != "Thanks! I got small.csv (8 bytes)" {
		t.Errorf("after the reconnection the bot said %q", got)
	}
}

// xssBot is a bot whose replies try every way to run script in the page.
const xssBot = `bot xss

initial state start {
    reply html """<p id="hello">hello</p><img id="evil" src="x" onerror="window.pwned = 'img'"><script>window.pwned = 'script'</script><a id="jslink" href="javascript:window.pwned='link'">click</a><svg><animate onbegin="window.pwned='svg'" attributeName="x" dur="1s"/></svg><iframe src="javascript:parent.pwned='iframe'"></iframe><form action="javascript:window.pwned='form'"><button id="go">go</button></form><div onmouseover="window.pwned='div'" style="width:10px;height:10px">x</div>"""
    reply markdown """**bold** [link](javascript:window.pwned='md') <img src=y onerror="window.pwned='mdimg'"> <script>window.pwned='mdscript'</script>"""
    reply "<img src=z onerror=\"window.pwned='text'\">"
}
`

// TestBrowserHTMLRunsNoScript serves a bot whose HTML and Markdown replies
// carry scripts, event handlers and javascript: URLs, and checks that none of
// it survives into the page or runs.
func TestBrowserHTMLRunsNoScript(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "xss.bot")
	if err := os.WriteFile(src, []byte(xssBot), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "xss")
	if code, _, stderr := botgen(t, "build", "-o", bin, src); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	bot := serve(t, bin)
	b.do("opening the page", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the replies", `document.querySelectorAll("#log .msg.from-bot").length === 3`)
	b.do("letting handlers fire", chromedp.Click("#jslink"), chromedp.Sleep(700*time.Millisecond))

	if got := eval[string](b, `String(window.pwned)`); got != "undefined" {
		t.Errorf("script ran: window.pwned = %s", got)
	}
	if got := eval[string](b, `document.querySelector("#hello")?.textContent ?? ""`); got != "hello" {
		t.Errorf("harmless HTML was not rendered: %q", got)
	}
	if got := eval[string](b, `document.querySelector("#log [data-kind=markdown] strong")?.textContent ?? ""`); got != "bold" {
		t.Errorf("Markdown was not rendered: %q", got)
	}
	checks := map[string]string{
		"event handler attributes": `[...document.querySelectorAll("#log *")].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith("on")).join(",")`,
		"script elements":          `[...document.querySelectorAll("#log script")].length ? "found" : ""`,
		"javascript: URLs":         `[...document.querySelectorAll("#log [href], #log [src], #log [action], #log [xlink\\:href]")].map(e => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action") || "").filter(u => /^\s*javascript:/i.test(u)).join(",")`,
		"frames and forms":         `[...document.querySelectorAll("#log iframe, #log form, #log button#go")].map(e => e.tagName).join(",")`,
	}
	for what, expr := range checks {
		if got := eval[string](b, expr); got != "" {
			t.Errorf("%s survived: %s", what, got)
		}
	}
	// A plain text reply is text, not markup.
	if got := eval[string](b, `document.querySelector("#log [data-kind=str] .bubble").textContent`); !strings.HasPrefix(got, "<img src=z") {
		t.Errorf("text reply shown as %q", got)
	}
	b.screenshot("xss.png")
}

// TestNoUIFlag checks that --no-ui (or ui.enabled=false) leaves GET / to 404 while the chat
// endpoint works.
func TestNoUIFlag(t *testing.T) {
	bin := buildExample(t, "greetings")
	for _, tc := range []struct {
		args []string
		want int
	}{{nil, 200}, {[]string{"--no-ui"}, 404}, {[]string{"--set", "ui.enabled=false"}, 404}} {
		bot := serve(t, bin, tc.args...)
		client := &http.Client{Timeout: 10 * time.Second}
		resp, err := client.Get(pageURL(bot))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%v: GET / = %d, want %d", tc.args, resp.StatusCode, tc.want)
		}
		ws, _, err := websocket.DefaultDialer.Dial(bot.url, nil)
		if err != nil {
			t.Fatalf("%v: the chat endpoint: %v", tc.args, err)
		}
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"user_message","message":"hello"}`)); err != nil {
			t.Fatal(err)
		}
		if _, reply, err := ws.ReadMessage(); err != nil || !bytes.Contains(reply, []byte("Hi! How are you?")) {
			t.Errorf("%v: no reply over WebSocket: %s %v", tc.args, reply, err)
		}
		ws.Close()
		if err := bot.stop(t); err != nil {
			t.Errorf("%v: stop: %v", tc.args, err)
		}
	}
}

// settingsBot sets every ui key and speaks the baf dialect.
const settingsBot = `bot settings
config {
    protocol = "baf"
    ui.title = "Help centre"
    ui.avatar = "logo.png"
    ui.theme_color = "#0f766e"
    ui.placeholder = "Ask the help centre"
}
intent hi { "hello", "hi" }
initial state start {
    reply "Welcome to the help centre"
    on hi -> greet
}
state greet {
    reply markdown "**Hello** again"
    go start
}
`

// TestBrowserUISettings checks the ui settings (title, avatar embedded from
// the bot's folder, colour, placeholder) and the page in the baf dialect,
// including resuming after a reload.
func TestBrowserUISettings(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	logo, err := os.ReadFile(exampleAsset("logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "settings.bot")
	if err := os.WriteFile(src, []byte(settingsBot), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logo.png"), logo, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "settings")
	if code, _, stderr := botgen(t, "build", "-o", bin, src); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	if err := os.Remove(filepath.Join(dir, "logo.png")); err != nil { // the binary needs no file
		t.Fatal(err)
	}
	bot := serve(t, bin)
	b.do("opening the page", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the greeting", `document.querySelector("#log .msg.from-bot[data-kind=str]")`)

	if got := eval[string](b, `document.title + "|" + document.querySelector("h1").textContent`); got != "Help centre|Help centre" {
		t.Errorf("title: %q", got)
	}
	if got := eval[string](b, `document.querySelector("#input").placeholder`); got != "Ask the help centre" {
		t.Errorf("placeholder: %q", got)
	}
	if got := eval[string](b, `getComputedStyle(document.body).getPropertyValue("--accent").trim()`); got != "#0f766e" {
		t.Errorf("accent colour: %q", got)
	}
	b.waitFor("the avatar in the header", `document.querySelector("header img.avatar")?.naturalWidth === 64`)
	b.waitFor("the avatar beside a message", `document.querySelector("#log .msg.from-bot img.avatar")?.naturalWidth === 64`)

	b.say("hello")
	b.waitFor("the greeting again", `document.querySelectorAll("#log .msg").length === 4`)
	if got := eval[string](b, `document.querySelector("#log [data-kind=markdown] strong")?.textContent ?? ""`); got != "Hello" {
		t.Errorf("markdown in baf: %q", got)
	}
	transcript := `[...document.querySelectorAll("#log .msg")].map(m => m.dataset.kind + ":" + m.querySelector(".bubble").textContent).join("\n")`
	before := eval[string](b, transcript)
	b.do("reloading", chromedp.Reload())
	b.waitFor("the replayed conversation", `document.querySelectorAll("#log .msg").length >= 4 && document.querySelector("#status").dataset.state === "online"`)
	b.do("settling", chromedp.Sleep(300*time.Millisecond))
	if after := eval[string](b, transcript); after != before {
		t.Errorf("after a reload:\n%s\nwant\n%s", after, before)
	}
	b.screenshot("settings.png")
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// tab opens another tab of b's browser: same profile, so same session.
func (b *browser) tab() *browser {
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	return &browser{t: b.t, ctx: ctx}
}

// transcript is the page's conversation, one "who: text" per message.
func (b *browser) transcript() string {
	return eval[string](b, `[...document.querySelectorAll("#log .msg")].map(m => (m.classList.contains("from-user") ? "user: " : "bot: ") + m.querySelector(".bubble").textContent.trim()).join("\n")`)
}

// TestBrowserTwoTabs: two tabs on one session each show the whole
// conversation, whichever tab the user types in.
func TestBrowserTwoTabs(t *testing.T) {
	a := newBrowser(t)
	bot := serve(t, buildExample(t, "greetings"))
	a.do("opening the first tab", chromedp.Navigate(pageURL(bot)))
	a.waitFor("the first tab online", `document.querySelector("#status").dataset.state === "online"`)
	b := a.tab()
	b.do("opening the second tab", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the second tab online", `document.querySelector("#status").dataset.state === "online"`)

	a.say("hello")
	b.waitFor("the first tab's turn in the second", `document.querySelectorAll("#log .msg").length >= 2`)
	b.say("fine")
	a.waitFor("the second tab's turn in the first", `document.querySelectorAll("#log .msg").length >= 4`)
	want := "user: hello\nbot: Hi! How are you?\nuser: fine\nbot: I am glad to hear that!"
	for name, tab := range map[string]*browser{"first": a, "second": b} {
		if got := tab.transcript(); got != want {
			t.Errorf("the %s tab shows:\n%s\nwant:\n%s", name, got, want)
		}
	}
}

// atBottom is true when the conversation is scrolled to its end.
const atBottom = `(s => s.scrollHeight > s.clientHeight && s.scrollHeight - s.scrollTop - s.clientHeight < 2)(document.querySelector("#scroller"))`

// scrollState is the conversation's scroll, for a failure's message.
const scrollState = `(s => [s.scrollHeight, s.scrollTop, s.clientHeight].join(" "))(document.querySelector("#scroller"))`

// TestBrowserStreamsAndAnswers talks to the bookshop bot through its page
// while a fake model answers: the model's reply shows as it is written, in
// a preview that grows, then once and whole as Markdown; an answer from
// the documents shows its sources folded, each unfolding to its passage;
// a reload shows the conversation again with no preview left behind.
func TestBrowserStreamsAndAnswers(t *testing.T) {
	b := newBrowser(t)
	model := openaitest.New(t)
	bin := filepath.Join(t.TempDir(), "bookshop")
	if code, _, stderr := botgen(t, "build", "-o", bin, filepath.Join("..", "..", "testdata", "examples", "bookshop", "bookshop.bot")); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	bot := serve(t, bin, "--set", "llm.url="+model.URL(), "--set", "llm.model=shop-model")
	// A phone's screen, which the conversation soon overflows.
	b.do("a phone's screen", chromedp.EmulateViewport(390, 560))
	b.do("opening the page", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the greeting", `document.querySelector("#log .msg.from-bot[data-kind=str]") && document.querySelector("#status").dataset.state === "online"`)

	b.say("hello") // enough to fill the screen: what follows must scroll

	// An order: the model looks it up with a tool, then writes its answer
	// slowly enough to be watched. Every text the preview shows is kept.
	const answer = "Order **A1001** has shipped and should arrive on Thursday."
	const shown = "Order A1001 has shipped and should arrive on Thursday."
	model.Queue(
		openaitest.Answer{ToolCalls: []openaitest.ToolCall{{ID: "call_1", Name: "orderStatus", Arguments: `{"number":"A1001"}`}}, FirstTokenDelay: 500 * time.Millisecond},
		openaitest.Answer{Text: answer, ChunkDelay: 150 * time.Millisecond},
	)
	b.do("watching the preview", chromedp.Evaluate[chromedp.Void](`window.previewTexts = [];
		new MutationObserver(() => {
			const t = document.querySelector("#log .bubble.streaming")?.textContent;
			if (t && window.previewTexts.at(-1) !== t) window.previewTexts.push(t);
		}).observe(document.querySelector("#log"), {subtree: true, childList: true, characterData: true})`))
	n := b.botMessages()
	b.do("asking about an order", chromedp.SendKeys("#input", "where is my order A1001"+kb.Enter))
	// While the model thinks, the typing indicator shows, its dots bouncing.
	b.waitFor("the typing indicator", `!document.querySelector("#typing").hidden`)
	if !eval[bool](b, `document.querySelector("#typing .dots span").getAnimations().some(a => a.effect.getKeyframes().some(k => (k.transform ?? "none") !== "none"))`) {
		t.Error("the typing indicator's dots do not move")
	}
	b.waitFor("the preview", `document.querySelector("#log .msg.from-bot[data-kind=stream] .bubble.streaming")?.textContent`)
	if eval[bool](b, `!document.querySelector("#typing").hidden`) {
		t.Error("the typing indicator shows beside the preview")
	}
	b.waitFor("the preview grown", `document.querySelector("#log .bubble.streaming").textContent.includes("shipped")`)
	if !eval[bool](b, atBottom) {
		t.Errorf("the growing preview is scrolled out of view: %s", eval[string](b, scrollState))
	}
	b.waitFor("the whole reply", fmt.Sprintf(`document.querySelectorAll("#log .msg.from-bot").length > %d && !document.querySelector("#log .streaming")`, n))
	texts := eval[[]string](b, `window.previewTexts`)
	if len(texts) < 2 {
		t.Errorf("the preview showed %q, want it to grow", texts)
	}
	for i, s := range texts {
		if !strings.HasPrefix(answer, s) || i > 0 && len(s) <= len(texts[i-1]) {
			t.Errorf("the preview showed %q, want ever longer beginnings of %q", texts, answer)
			break
		}
	}
	if got := eval[string](b, `[...document.querySelectorAll("#log .msg.from-bot")].slice(`+fmt.Sprint(n)+`).map(m => m.dataset.kind + ":" + m.querySelector(".bubble").textContent.trim()).join("\n")`); got != "markdown:"+shown {
		t.Errorf("after the reply the page shows:\n%s\nwant the reply once, as Markdown", got)
	}
	if got := eval[string](b, last(` strong`)+`?.textContent ?? ""`); got != "A1001" {
		t.Errorf("the reply's Markdown is not rendered: <strong> holds %q", got)
	}
	if eval[bool](b, `!document.querySelector("#typing").hidden`) {
		t.Error("the typing indicator shows after the reply")
	}
	if !eval[bool](b, atBottom) {
		t.Errorf("the reply is scrolled out of view: %s", eval[string](b, scrollState))
	}

	// What no intent catches: the model chooses none, and the bot answers
	// from its documents, citing them.
	model.Queue(
		openaitest.Answer{Text: `{"intent":"none","reason":"a question about delivery costs"}`},
		openaitest.Answer{Text: "Express delivery costs **9.90 EUR** [1]."},
	)
	b.say("how much is express delivery?")
	b.waitFor("the answer", last(` .answer`))
	if got := eval[string](b, last(` .answer`)+`.textContent.trim()`); got != "Express delivery costs 9.90 EUR [1]." {
		t.Errorf("the answer shows %q", got)
	}
	if !eval[bool](b, atBottom) {
		t.Errorf("the answer is scrolled out of view: %s", eval[string](b, scrollState))
	}
	sources := `[...` + last(``) + `.querySelectorAll("ol.sources > li")]`
	i := eval[int](b, sources+`.findIndex(li => li.querySelector("summary").textContent.startsWith("docs/shipping.md") && li.querySelector(".passage").textContent.includes("9.90 EUR"))`)
	if i < 0 {
		b.fail("no source names docs/shipping.md with its costs: %s", eval[string](b, sources+`.map(li => li.querySelector("summary").textContent).join(" | ")`))
	}
	source := fmt.Sprintf(`#log .msg.from-bot:last-child ol.sources > li:nth-child(%d)`, i+1)
	passage := `document.querySelector("` + source + ` .passage")`
	if eval[bool](b, passage+`.checkVisibility()`) {
		t.Error("a source's passage shows before it is unfolded")
	}
	b.do("unfolding the source", chromedp.Click(source+" summary"))
	b.waitFor("the passage", passage+`.checkVisibility()`)
	if got := eval[string](b, passage+`.textContent`); !strings.Contains(got, "Express delivery costs 9.90 EUR") {
		t.Errorf("the unfolded passage reads %q", got)
	}
	// Unfolded at the foot of the conversation, the passage scrolls into
	// view (to within a pixel: positions are fractional, scrolling is not).
	b.waitFor("the passage in view", `(p => { const r = p.getBoundingClientRect(), v = document.querySelector("#scroller").getBoundingClientRect(); return r.top >= v.top - 1 && r.bottom <= v.bottom + 1; })(`+passage+`)`)
	b.screenshot("bookshop.png")

	// A reload replays the conversation: the same messages, the sources
	// with them, and no preview.
	transcript := `[...document.querySelectorAll("#log .msg")].map(m => m.dataset.kind + ":" + m.querySelector(".bubble").textContent).join("\n")`
	before := eval[string](b, transcript)
	b.do("reloading", chromedp.Reload())
	b.waitFor("the replayed conversation", `document.querySelector("#log [data-kind=rag] ol.sources") && document.querySelector("#status").dataset.state === "online"`)
	b.do("settling", chromedp.Sleep(500*time.Millisecond))
	if after := eval[string](b, transcript); after != before {
		t.Errorf("after a reload the conversation differs:\n--- before\n%s\n--- after\n%s", before, after)
	}
	if got := eval[int](b, `document.querySelectorAll("#log .streaming, #log [data-kind=stream]").length`); got != 0 {
		t.Errorf("after a reload %d previews are left", got)
	}
	if got := eval[string](b, `[...document.querySelectorAll("#log [data-kind=rag] ol.sources summary")].map(s => s.textContent).join(" | ")`); !strings.Contains(got, "docs/shipping.md") {
		t.Errorf("after a reload the sources are %q", got)
	}
	if got := len(model.Requests()); got != 4 {
		t.Errorf("the model got %d requests, want 4: a reload asks it nothing", got)
	}
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestBrowserIdleClose lets the bot close the page's connection after a
// silence (websocket.idle_timeout): the page says so and does not retry on
// a timer, then reconnects as soon as the user types, to the same
// conversation.
func TestBrowserIdleClose(t *testing.T) {
	b := newBrowser(t)
	bot := serve(t, buildExample(t, "showcase"), "--set", "websocket.idle_timeout=1.5")
	b.do("opening the page", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the greeting", `document.querySelector("#log .msg.from-bot[data-kind=options] button.option")`)
	b.say("where are you?")
	b.waitFor("the idle close", `document.querySelector("#status").dataset.state === "offline" && /long silence/.test(document.querySelector("#status").textContent)`)
	time.Sleep(2 * time.Second) // no timer brings it back
	if state := eval[string](b, `document.querySelector("#status").dataset.state`); state != "offline" {
		t.Fatalf("after an idle close the page is %q without the user doing anything", state)
	}
	b.do("typing", chromedp.SendKeys("#input", "h"))
	b.waitFor("a reconnection", `document.querySelector("#status").dataset.state === "online"`)
	// The replay follows the reconnection: the conversation comes back.
	b.waitFor("the replayed conversation", `document.querySelectorAll("#log .msg.from-user").length === 1 && document.querySelectorAll("#log .msg.from-bot").length >= 2`)
}

// TestBrowserGraph follows the chat page's link to the bot's states: the
// state this conversation is in is highlighted, and moves as it moves; a
// viewer without the session's id sees none highlighted.
func TestBrowserGraph(t *testing.T) {
	b := newBrowser(t)
	bin := buildExample(t, "help_desk")
	bot := serve(t, bin)
	b.do("opening the page", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the online state", `document.querySelector("#status").dataset.state === "online"`)
	b.say("hello")

	href := eval[string](b, `document.querySelector("#graph-link").href`)
	session := eval[string](b, `localStorage.getItem("botgen.session.help_desk")`)
	if want := pageURL(bot) + "graph?session_id=" + session; session == "" || href != want {
		t.Fatalf("the link goes to %q, want %q", href, want)
	}
	current := func() string {
		return eval[string](b, `[...document.querySelectorAll("svg g.current")].map(g => g.dataset.state).join(",")`)
	}
	b.do("following the link", chromedp.Navigate(href))
	b.waitFor("the diagram", `document.querySelector("svg.bot-graph")`)
	if got := current(); got != "hello_state" {
		t.Errorf("highlighted %q, want hello_state", got)
	}
	if got := eval[string](b, `[...document.querySelectorAll("svg g.state")].map(g => g.dataset.state).join(",")`); got != "s0,hello_state,howareyou_state,bye_state,help_state" {
		t.Errorf("states drawn: %q", got)
	}
	// Drawn, not only present: the highlighted box has the accent's fill
	// and every label a width.
	if got := eval[string](b, `getComputedStyle(document.querySelector("svg g.current rect")).fill`); got != "rgb(37, 99, 235)" {
		t.Errorf("the current state's fill is %q", got)
	}
	if got := eval[int](b, `[...document.querySelectorAll("svg text")].filter(e => e.getBBox().width === 0 && e.textContent !== "").length`); got != 0 {
		t.Errorf("%d labels are not drawn", got)
	}
	for _, label := range []string{"hello", "go back", "help", "bye", "go"} {
		if !eval[bool](b, fmt.Sprintf(`[...document.querySelectorAll("svg g.edge text")].some(e => e.textContent === %q)`, label)) {
			t.Errorf("no edge labelled %q", label)
		}
	}
	b.screenshot("graph.png")

	b.do("back to the chat", chromedp.Navigate(pageURL(bot)))
	b.waitFor("the online state", `document.querySelector("#status").dataset.state === "online"`)
	b.say("bye")
	b.do("the diagram again", chromedp.Navigate(href))
	b.waitFor("the diagram", `document.querySelector("svg.bot-graph")`)
	if got := current(); got != "s0" {
		t.Errorf("after bye, highlighted %q, want s0", got)
	}
	b.do("the diagram without the session", chromedp.Navigate(pageURL(bot)+"graph"))
	b.waitFor("the diagram", `document.querySelector("svg.bot-graph")`)
	if got := current(); got != "" {
		t.Errorf("without the session's id, highlighted %q", got)
	}
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
