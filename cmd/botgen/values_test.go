package main

import (
	"bytes"
	"debug/elf"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// v2Examples are the reference bots of the language's second version, each
// in a folder of its own with its Go code.
var v2Examples = []string{"forecast", "orders"}

// sharedExamples returns ../shared/examples beside this checkout, skipping
// the test when it is not there.
func sharedExamples(t *testing.T) string {
	t.Helper()
	shared := filepath.Join("..", "..", "..", "shared", "examples")
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI has ../shared beside the checkout, but: %v", err)
		}
		t.Skip("../shared/examples is not beside this checkout")
	}
	return shared
}

// copyMissing copies the files of folder src that dst lacks into dst, so
// that the project's own tests have the shared examples without ../shared.
// A file dst has already is left alone: TestExamplesMatchShared compares
// them.
func copyMissing(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		to := filepath.Join(dst, e.Name())
		if _, err := os.Stat(to); err == nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("copied %s into %s", e.Name(), dst)
	}
}

// The reference bots of the language's second version build unchanged
// from ../shared, with the Go files beside them, and their tests pass over
// the bot's real WebSocket endpoint, hermetically: they mock get and the
// Go functions.
func TestSharedV2ExamplesPass(t *testing.T) {
	shared := sharedExamples(t)
	var paths []string
	for _, name := range v2Examples {
		copyMissing(t, filepath.Join(shared, name), filepath.Join("..", "..", "testdata", "examples", name))
		paths = append(paths, filepath.Join(shared, name, name+".bot"))
	}
	testsPass(t, 6, paths...)
}

// The orders bot, whose tests mock nothing, built into a binary from the
// copy in testdata/examples (no ../shared needed), passes its tests run by
// a second process against its endpoint, in both dialects.
func TestOrdersOverTheWire(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "examples", "orders", "orders.bot")
	bin := filepath.Join(t.TempDir(), "orders")
	if code, _, stderr := botgen(t, "build", "-o", bin, path); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	for _, dialect := range []string{"bbf", "baf"} {
		s := serve(t, bin, "--protocol", dialect)
		out, err := exec.Command(bin, "test", "--protocol", dialect, "--url", s.url).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("3 passed, 0 failed")) {
			t.Errorf("test in %s: %v\n%s", dialect, err, out)
		}
		if err := s.stop(t); err != nil {
			t.Errorf("exited with %v after SIGTERM, want 0", err)
		}
	}
}

// A Go function that returns an error in a state without on error, and a
// number that is not whole passed to an int parameter: the fallback
// answers, and the log names the .bot position and what failed.
func TestGoFunctionFailures(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "funcs.go"), `package main

import "errors"

func lookup(city string) (string, error) { return "", errors.New("no such city") }

func twice(n int) int { return 2 * n }
`)
	path := filepath.Join(dir, "failing.bot")
	writeFile(t, path, `bot failing

intent look { "look" }
intent half { "half" }

initial state s {
    reply "ready"
    on look -> look
    on half -> half
}

state look {
    reply "found {lookup(\"x\")}"
    go s
}

state half {
    reply "twice {twice(2.5)}"
    go s
}

fallback { reply "sorry" }

test "a failure without on error answers with the fallback" {
    bot "ready"
    user "look"
    bot "sorry"
    user "half"
    bot "sorry"
    user "hello"
    bot "sorry"
}
`)
	_, stderr := testsPass(t, 1, path)
	for _, want := range []string{
		"state look, at failing.bot:13:19: no such city",
		"state half, at failing.bot:18:19: argument 1 (n) of twice: 2.5 is not a whole number (Go int)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the log does not say %q:\n%s", want, stderr)
		}
	}
}

// botgen generate writes the Go files beside the bot into the module, which
// then builds on its own.
func TestGenerateCopiesGoFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "orders")
	path := filepath.Join("..", "..", "testdata", "examples", "orders", "orders.bot")
	if code, _, stderr := botgen(t, "generate", path, "-o", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "testdata", "examples", "orders", "orders.go"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "orders.go")); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("orders.go not copied (%v)", err)
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "orders"), ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in the generated module: %v\n%s", err, out)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The generator's bot of every v2 form that needs no Go code builds, and
// its tests (of records, lists, loops, mocked requests, the error path and
// the string built-ins) pass over the wire.
func TestValuesBotPasses(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "generator", "values.bot")
	testsPass(t, 4, path)
}

// The Go files beside a bot may declare any name: the generated program
// takes others (bot, tests, the functions it compiles from states, the
// adapters of Go functions, the runtime's package names), and a Go
// function taking a defined type or a context gets what it declares.
func TestGoNamesDoNotCollide(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "names.go"), `package main

import (
	"context"
	"strings"
	"time"
)

// Names the generated program would otherwise declare or import.
var (
	bot, tests, botFallback, nluModel = 1, 2, 3, 4
	stateStartBody, callDouble, callShout = 5, 6, 7
	reply, value, engine, builtin, rt = 8, 9, 10, 11, 12
)

// Celsius is a temperature.
type Celsius float64

// at would be hidden by a local of the same name in an adapter.
type at int8

func double(n at) int { return 2 * int(n) }

func shout(ctx context.Context, s string, c Celsius, d time.Duration) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return strings.ToUpper(s) + " " + d.String(), nil
}
`)
	path := filepath.Join(dir, "names.bot")
	writeFile(t, path, `bot names

initial state start {
    reply "{double(21)} {shout(\"hi\", 21.5, 1000000000)}"
}

fallback { reply "sorry" }

test "the names do not collide" {
    bot "42 HI 1s"
}

test "a mock answers in place of the function" {
    mock double returns 7
    bot "7 HI 1s"
}
`)
	testsPass(t, 2, path)
}

// botgen run --watch rebuilds a bot when one of the Go files beside it
// changes.
func TestWatchedFilesHoldTheGoFiles(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "examples", "orders", "orders.bot")
	files := referencedFiles(path, &ir.Bot{})
	if want := filepath.Join(filepath.Dir(path), "orders.go"); !slices.Contains(files, want) {
		t.Errorf("watched %v, not %s", files, want)
	}
}

// Go values of every kind a bot passes and gets back: bool, float32 and
// unsigned parameters, a map read by key, a slice looped over; a mocked
// record that leaves fields out gets them at their zero values, in the
// struct's order.
func TestGoValuesAndMocks(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "stock.go"), `package main

import "fmt"

// Item is a line of the stock.
type Item struct {
	Name  string   `+"`json:\"name\"`"+`
	Count uint16   `+"`json:\"count\"`"+`
	Tags  []string `+"`json:\"tags\"`"+`
}

func prices() map[string]float64 { return map[string]float64{"tea": 2.5, "milk": 1} }

func item(name string, count uint16, fresh bool, weight float32) (Item, error) {
	if !fresh {
		return Item{}, fmt.Errorf("%s is not fresh", name)
	}
	return Item{Name: name, Count: count, Tags: []string{fmt.Sprint(weight)}}, nil
}
`)
	path := filepath.Join(dir, "stock.bot")
	writeFile(t, path, `bot stock

intent stale { "stale" }
intent many { "many" }

initial state start {
    set p = prices()
    set i = item("tea", 3, true, 0.5)
    reply "{p[\"tea\"]} {p.milk} {len(p)} {str(i)}"
    for tag in i.tags { reply "tag {tag}" }
    on stale -> stale
    on many -> many
}

state stale {
    set i = item("milk", 1, false, 1)
    go start
    on error -> sorry
}

state many {
    set i = item("milk", 70000, true, 1)
    go start
}

state sorry {
    reply "sorry: {error}"
}

fallback { reply "fallback" }

test "values from Go" {
    bot "2.5 1 2 {\"name\":\"tea\",\"count\":3,\"tags\":[\"0.5\"]}"
    bot "tag 0.5"
    user "many"
    bot "fallback"
    user "stale"
    bot "sorry: milk is not fresh"
}

test "a mocked record gets the fields it leaves out" {
    mock item returns {tags: ["x"], name: "mocked"}
    mock prices returns {tea: 9, milk: 0}
    bot "9 0 2 {\"name\":\"mocked\",\"count\":0,\"tags\":[\"x\"]}"
    bot "tag x"
}
`)
	_, stderr := testsPass(t, 2, path)
	if !strings.Contains(stderr, "at stock.bot:22:13: argument 2 (count) of item: 70000 does not fit in Go uint16") {
		t.Errorf("the log does not name the argument that does not fit:\n%s", stderr)
	}
}

// The library example: Go functions beside the bot read a SQLite database
// built into the binary through the example's own go.mod (modernc.org/
// sqlite). Its tests pass, and the binary is static: no interpreter, no
// shared library.
func TestLibraryExample(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "examples", "library", "library.bot")
	testsPass(t, 4, path)
	bin := filepath.Join(t.TempDir(), "library")
	if code, _, stderr := botgen(t, "build", "-o", bin, path); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Skipf("not an ELF binary: %v", err)
	}
	defer f.Close()
	libs, _ := f.ImportedLibraries()
	if f.Section(".interp") != nil || len(libs) > 0 {
		t.Errorf("the binary is dynamic: interpreter %v, libraries %v", f.Section(".interp") != nil, libs)
	}
}

// The README's tour step: the forecast bot asks a real HTTP API on loopback,
// its URL given on the command line (--set weather_api=...), unmocked.
func TestForecastAgainstALoopbackAPI(t *testing.T) {
	var asked atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Store(r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"current": {"temperature_2m": 23.5, "wind_speed_10m": 9}}`))
	}))
	defer api.Close()
	path := filepath.Join("..", "..", "testdata", "examples", "forecast", "forecast.bot")
	bin := filepath.Join(t.TempDir(), "forecast")
	if code, _, stderr := botgen(t, "build", "-o", bin, path); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	s := serve(t, bin, "--set", "weather_api="+api.URL+"/forecast.json")
	defer s.stop(t)
	c := chatWith(t, s.url)
	c.next() // the greeting
	c.say("weather in Barcelona")
	if got, want := c.next(), "In Barcelona it is 23.5°C, wind 9 km/h."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if q, _ := asked.Load().(string); !strings.Contains(q, "latitude=41.39") || !strings.Contains(q, "current=temperature_2m%2Cwind_speed_10m") {
		t.Errorf("the API was asked %q", q)
	}
}

// today(), weekday() and days_until() read dates in nlp.timezone; a text
// that is no date takes the error path.
func TestDateFunctions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dates.bot")
	writeFile(t, path, `bot dates

config {
    nlp.timezone = "Europe/Madrid"
}

intent bad { "bad date" }

initial state start {
    reply "{weekday(\"2026-11-30\")} {days_until(today())} {weekday(\"2026-11-30T23:30:00-05:00\")} {days_until(\"2000-01-01\") < 0}"
    on bad -> bad
}

state bad {
    set d = days_until("soon")
    go start
    on error -> sorry
}

state sorry {
    reply "Sorry: {error}"
    go start
}

test "dates" {
    bot "Monday 0 Tuesday true"
    user "bad date"
    bot "Sorry: \"soon\" is not a date (write 2026-11-30, or a time as now() writes it)"
    bot "Monday 0 Tuesday true"
}
`)
	testsPass(t, 1, path)
}

// A Go function that takes a context sees it cancelled when the bot is
// stopped: the turn making the call ends on its error path, and the bot
// exits at once instead of waiting for the call.
func TestShutdownCancelsCalls(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "wait.go"), `package main

import "context"

// wait blocks until its context ends.
func wait(ctx context.Context) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}
`)
	path := filepath.Join(dir, "waiter.bot")
	writeFile(t, path, `bot waiter

config {
    actions.timeout = 60
}

intent slow { "slow" }

initial state start {
    reply "ready"
    on slow -> slow
}

state slow {
    set x = wait()
    reply "done {x}"
    go start
    on error -> stopped
}

state stopped {
    reply "stopped: {error}"
    go start
}
`)
	bin := filepath.Join(t.TempDir(), "waiter")
	if code, _, stderr := botgen(t, "build", "-o", bin, path); code != 0 {
		t.Fatalf("botgen build: exit %d\n%s", code, stderr)
	}
	s := serve(t, bin)
	c := chatWith(t, s.url)
	c.next() // ready
	c.say("slow")
	time.Sleep(300 * time.Millisecond) // the call is under way
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := c.next(); got != "stopped: context canceled" {
		t.Errorf("reply %q, want the error path with context canceled", got)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the bot did not stop within 10 s of SIGTERM")
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start))
}
