package runtime

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/runtime/bottest"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/graph"
	"github.com/botgen-dev/botgen/runtime/reply"
	"github.com/botgen-dev/botgen/runtime/server"
	"github.com/botgen-dev/botgen/runtime/sessionstore"
	"github.com/botgen-dev/botgen/runtime/version"
	"github.com/botgen-dev/botgen/runtime/webui"
)

// Program is everything generated code hands to the runtime.
type Program struct {
	Bot   *engine.Bot
	Tests []bottest.Case
	// Avatar is the image named by ui.avatar, embedded at build time (a
	// JPEG); nil when the bot has none.
	Avatar []byte
	// Graph is the bot's state diagram, which it draws at GET /graph; nil:
	// none (a program generated before there was one).
	Graph *graph.Graph
}

// Main runs the bot's command line with the process's arguments and exits.
func Main(p *Program) {
	os.Exit(Run(context.Background(), p, os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes of the bot's command line.
const (
	exitOK    = 0
	exitInput = 1 // bad configuration, a failing test, a server that cannot start
	exitUsage = 2
)

// exitError carries an exit code through urfave/cli.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, err: fmt.Errorf(format, args...)}
}

// Run is Main without the exit: args[0] is the program name.
func Run(ctx context.Context, p *Program, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := p.Bot.Name
	flags := func() []cli.Flag {
		return []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "read settings from this file (key = value lines; a BESSER config.ini works as it is)", EnvVars: []string{config.FileEnv}},
			&cli.StringFlag{Name: "host", Usage: "address to listen on (websocket.host)"},
			&cli.IntFlag{Name: "port", Usage: "port to listen on, 0 for any free one (websocket.port)", Value: -1, DefaultText: "8765"},
			&cli.StringFlag{Name: "protocol", Usage: `wire dialect, "bbf" or "baf" (protocol)`},
			&cli.StringSliceFlag{Name: "set", Usage: "set any config key: --set key=value (repeatable)"},
			&cli.StringFlag{Name: "log-format", Usage: `"text" or "json" (log.format)`},
			&cli.BoolFlag{Name: "no-ui", Usage: "do not serve the web chat page (ui.enabled=false)"},
		}
	}
	app := &cli.App{
		Name:            name,
		Usage:           "a chat bot built by botgen from " + p.Bot.Source,
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideVersion:     true,
		HideHelpCommand: true,
		Flags:           flags(),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fail(exitUsage, "unknown command %q (commands: serve, chat, test, version)", c.Args().First())
			}
			return serve(c, p)
		},
		Commands: []*cli.Command{
			{Name: "serve", Usage: "serve the WebSocket endpoint (the default)", Flags: flags(), Action: func(c *cli.Context) error { return serve(c, p) }},
			{Name: "chat", Usage: "chat with the bot in this terminal (no network)", Flags: flags(), Action: func(c *cli.Context) error { return chat(c, p) }},
			{Name: "test", Usage: "run the bot's test blocks against its real WebSocket endpoint", Flags: append(flags(),
				&cli.StringFlag{Name: "url", Usage: "test the bot already serving at this ws:// URL instead of starting one"},
				&cli.StringFlag{Name: "junit", Usage: "also write the results to this file as a JUnit XML report"},
			), Action: func(c *cli.Context) error { return runTests(c, p) }},
			{Name: "version", Usage: "print the botgen version and the source hash", Action: func(c *cli.Context) error {
				fmt.Fprintf(c.App.Writer, "%s built by botgen v%s from %s (sha256 %s)\n", name, version.Version, p.Bot.Source, p.Bot.SourceHash)
				return nil
			}},
		},
		OnUsageError: func(c *cli.Context, err error, isSub bool) error {
			return fail(exitUsage, "%v", err)
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	err := app.RunContext(ctx, args)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if msg := ee.err.Error(); msg != "" {
			// One line per error, each naming the program, like the first.
			fmt.Fprintf(stderr, "%s: %s\n", name, strings.ReplaceAll(msg, "\n", "\n"+name+": "))
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return exitUsage
}

// configure builds the configuration from the bot's config block and the
// command line's sources (see config.Resolve), showing the config file's
// warnings.
func configure(c *cli.Context, p *Program) (config.Resolved, error) {
	src := config.Sources{Block: p.Bot.Config, Settings: p.Bot.Settings, Env: os.LookupEnv, Set: c.StringSlice("set")}
	if path := c.String("config"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return config.Resolved{}, fail(exitInput, "--config: %v", err)
		}
		src.File = &config.File{Name: path, Data: data}
	}
	// c.String reads --port, an int flag, as its text.
	for _, f := range []struct{ flag, key string }{{"host", "websocket.host"}, {"port", "websocket.port"}, {"protocol", "protocol"}, {"log-format", "log.format"}} {
		if c.IsSet(f.flag) {
			src.Flags = append(src.Flags, config.Flag{Name: "--" + f.flag, Key: f.key, Value: c.String(f.flag)})
		}
	}
	if c.Bool("no-ui") {
		src.Flags = append(src.Flags, config.Flag{Name: "--no-ui", Key: "ui.enabled", Value: "false"})
	}
	r, err := config.Resolve(src)
	for _, w := range r.Warnings {
		fmt.Fprintf(c.App.ErrWriter, "%s: warning: %s\n", c.App.Name, w)
	}
	switch {
	case errors.Is(err, config.ErrNotKeyValue):
		return r, fail(exitUsage, "%v", err)
	case err != nil:
		return r, fail(exitInput, "%v", err)
	}
	return r, nil
}

// loadTLS reads the certificate and key that tls.cert and tls.key name; nil
// when neither is set (plain ws:// and http://).
func loadTLS(cfg config.Config) (*tls.Config, error) {
	if cfg.TLSCert == "" && cfg.TLSKey == "" {
		return nil, nil
	}
	if cfg.TLSCert == "" || cfg.TLSKey == "" {
		return nil, errors.New("config keys tls.cert and tls.key go together: set both, or neither")
	}
	pair, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("config keys tls.cert and tls.key: %v", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(c *cli.Context, p *Program) error {
	r, err := configure(c, p)
	if err != nil {
		return err
	}
	cfg := r.Config
	logger := newLogger(cfg, c.App.ErrWriter)
	eng, err := engine.New(p.Bot, cfg)
	if err != nil {
		return fail(exitInput, "%v", err)
	}
	tlsCfg, err := loadTLS(cfg)
	if err != nil {
		return fail(exitInput, "%v", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return fail(exitInput, "cannot listen: %v", err)
	}
	ws, web := "ws", "http"
	if tlsCfg != nil {
		ws, web = "wss", "https"
	}
	srv := server.New(eng, cfg, logger)
	srv.TLS = tlsCfg
	srv.Graph = p.Graph
	if cfg.SessionStore != "" {
		if sessionstore.IsURL(cfg.SessionStore) {
			sessionstore.LogRedisTo(logger)
		}
		st, err := sessionstore.Open(cfg.SessionStore, sessionstore.OptionsFor(cfg, p.Bot.Name))
		if err != nil {
			ln.Close()
			return fail(exitInput, "config key session.store: %v", err)
		}
		defer st.Close()
		srv.Store = st
		logger.Info("session store", "store", sessionstore.Redact(cfg.SessionStore))
	}
	if cfg.UIEnabled {
		page, err := newPage(p, cfg)
		if err != nil {
			ln.Close()
			return fail(exitInput, "%v", err)
		}
		srv.Page = page
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A signal cancels the calls turns are making, so that they end (on
	// their error path) and the server's wait for them is short.
	eng.SetShutdown(ctx)

	addr := ln.Addr().String()
	fmt.Fprintf(c.App.Writer, "%s serving on %s://%s/ (protocol %s)\n", p.Bot.Name, ws, addr, cfg.Protocol)
	if srv.Page != nil {
		fmt.Fprintf(c.App.Writer, "chat page: open %s://%s/ in a browser\n", web, browseAddr(cfg.Host, ln.Addr()))
	}
	logger.Info("serving", "bot", p.Bot.Name, "address", addr, "protocol", cfg.Protocol, "version", version.Version)
	if m := eng.Model(); m != nil {
		logger.Info("language model", "model", m.Name(), "endpoint", m.Endpoint(), "intent_fallback", cfg.LLMFallback)
	} else if eng.AsksModel() {
		logger.Warn("no language model: llm.url is empty, so replies of the model fail and answers quote the documents")
	}

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		if err != nil {
			return fail(exitInput, "server stopped: %v", err)
		}
		return nil
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "error", err)
	}
	<-done
	logger.Info("stopped")
	return nil
}

// runTests serves the bot on a loopback port inside this process and runs
// the test blocks against it over real WebSocket connections.
func runTests(c *cli.Context, p *Program) error {
	r, err := configure(c, p)
	if err != nil {
		return err
	}
	cfg := r.Config
	// Quiet logs, unless the command line asks for them.
	if !c.IsSet("log-format") && r.From("log.level") < config.FromSet {
		cfg.LogLevel = "error"
	}
	url := c.String("url")
	opts := bottest.Options{Dialect: cfg.Protocol}
	if url == "" {
		// The tests' own server serves one runner that sends as fast as
		// the bot answers, no person.
		cfg.MessageRate = 0
		eng, err := engine.New(p.Bot, cfg)
		if err != nil {
			return fail(exitInput, "%v", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fail(exitInput, "cannot listen: %v", err)
		}
		srv := server.New(eng, cfg, newLogger(cfg, c.App.ErrWriter))
		mocker := bottest.NewMocker(eng)
		srv.NewSession, opts.Prepare = mocker.Attach, mocker.Prepare
		go srv.Serve(ln)
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
		}()
		url = "ws://" + ln.Addr().String() + "/"
	}
	results := bottest.Run(c.Context, url, p.Tests, opts)
	tally := bottest.Report(c.App.Writer, results)
	if path := c.String("junit"); path != "" {
		report := bottest.JUnit{Suites: []bottest.JUnitSuite{bottest.NewJUnitSuite(p.Bot.Name, results)}}
		if err := report.WriteFile(path); err != nil {
			return fail(exitInput, "--junit: %v", err)
		}
	}
	if tally.Failed > 0 {
		return &exitError{code: exitInput, err: errors.New("")}
	}
	return nil
}

// chat talks to the bot in the terminal through the same engine, without a
// network. Lines starting with / are commands.
func chat(c *cli.Context, p *Program) error {
	r, err := configure(c, p)
	if err != nil {
		return err
	}
	cfg := r.Config
	eng, err := engine.New(p.Bot, cfg)
	if err != nil {
		return fail(exitInput, "%v", err)
	}
	out := c.App.Writer
	fmt.Fprintf(out, "Chatting with %s. Commands: /file PATH, /reset, /quit\n", p.Bot.Name)
	s := eng.NewSession("terminal")
	show := func(rs []reply.Reply, err error) {
		for _, r := range rs {
			fmt.Fprintf(out, "bot> %s\n", describeReply(r))
		}
		if err != nil {
			fmt.Fprintf(c.App.ErrWriter, "(turn error: %v)\n", err)
		}
	}
	show(s.Start(), nil)
	in := bufio.NewScanner(c.App.Reader)
	in.Buffer(make([]byte, 64*1024), 1<<20)
	for {
		fmt.Fprint(out, "you> ")
		if !in.Scan() {
			fmt.Fprintln(out)
			return in.Err()
		}
		line := strings.TrimSpace(in.Text())
		switch {
		case line == "":
			continue
		case line == "/quit" || line == "/exit":
			return nil
		case line == "/reset":
			show(s.Handle(engine.Input{Kind: engine.Reset}))
		case strings.HasPrefix(line, "/file "):
			path := strings.TrimSpace(strings.TrimPrefix(line, "/file "))
			data, err := os.ReadFile(path)
			if err != nil {
				fmt.Fprintf(out, "(cannot read %s: %v)\n", path, err)
				continue
			}
			typ := reply.MIMEType(path, data)
			show(s.Handle(engine.Input{Kind: engine.File, File: &engine.UploadedFile{Name: filepath.Base(path), Type: typ, Data: data}}))
		default:
			show(s.Handle(engine.Input{Kind: engine.Text, Text: line}))
		}
	}
}

// describeReply renders a reply as terminal text.
func describeReply(r reply.Reply) string {
	switch r.Kind {
	case reply.Str, reply.Markdown, reply.HTML:
		return r.Text
	case reply.Options:
		var m map[string]string
		_ = json.Unmarshal([]byte(r.Text), &m)
		labels := make([]string, 0, len(m))
		for i := 0; i < len(m); i++ {
			labels = append(labels, fmt.Sprintf("[%s]", m[strconv.Itoa(i)]))
		}
		return strings.Join(labels, " ")
	case reply.DataFrame:
		return renderTable(r.Text)
	case reply.Plotly:
		var fig struct {
			Layout struct {
				Title struct {
					Text string `json:"text"`
				} `json:"title"`
			} `json:"layout"`
		}
		_ = json.Unmarshal([]byte(r.Text), &fig)
		if fig.Layout.Title.Text != "" {
			return fmt.Sprintf("(chart: %s)", fig.Layout.Title.Text)
		}
		return "(chart)"
	case reply.Image:
		n, _ := base64.StdEncoding.DecodeString(r.Text)
		return fmt.Sprintf("(image, %d bytes of JPEG)", len(n))
	case reply.File:
		n, _ := base64.StdEncoding.DecodeString(r.File.Base64)
		return fmt.Sprintf("(file %s, %s, %d bytes)", r.File.Name, r.File.Type, len(n))
	case reply.Audio:
		n, _ := base64.StdEncoding.DecodeString(r.Audio.File.Base64)
		return fmt.Sprintf("(sound %s, %s, %d bytes)", r.Audio.File.Name, r.Audio.File.Type, len(n))
	case reply.Location:
		return fmt.Sprintf("(location %v, %v)", r.Location.Latitude, r.Location.Longitude)
	}
	return fmt.Sprintf("(%s)", r.Kind)
}

// newPage builds the web chat page from the bot and its configuration. The
// avatar is the image embedded at build time; a ui.avatar set at run time
// (--set, environment) to another path is read from disk instead.
func newPage(p *Program, cfg config.Config) (*webui.Handler, error) {
	avatar := p.Avatar
	built := ""
	for _, e := range p.Bot.Config {
		if e.Key == "ui.avatar" {
			built = e.Value
		}
	}
	if cfg.UIAvatar != built {
		avatar = nil
		if cfg.UIAvatar != "" {
			data, err := os.ReadFile(cfg.UIAvatar)
			if err != nil {
				return nil, fmt.Errorf("ui.avatar: %v", err)
			}
			avatar = data
		}
	}
	return webui.New(webui.Settings{
		BotName:     p.Bot.Name,
		Title:       cfg.UITitle,
		ThemeColor:  cfg.UIThemeColor,
		Placeholder: cfg.UIPlaceholder,
		Avatar:      avatar,
		Dialect:     cfg.Protocol,

		FrameAncestors: cfg.UIFrameAncestors,
		MaxFrame:       cfg.MaxSize,
		Graph:          cfg.MetricsEnabled && p.Graph != nil,
	})
}

// browseAddr is the address to show for the page: the configured host
// (localhost, say), or localhost when listening on every interface.
func browseAddr(host string, addr net.Addr) string {
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

// renderTable lays out a column-major table (the dataframe wire form) as
// aligned text, keeping the column order of the JSON.
func renderTable(text string) string {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var cols []string
	var cells [][]string
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "(table)"
	}
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return "(table)"
		}
		var col map[string]any
		if err := dec.Decode(&col); err != nil {
			return "(table)"
		}
		cols = append(cols, fmt.Sprint(name))
		column := make([]string, len(col))
		for i := range column {
			if v, ok := col[strconv.Itoa(i)]; ok && v != nil {
				column[i] = fmt.Sprint(v)
			}
		}
		cells = append(cells, column)
	}
	widths := make([]int, len(cols))
	rows := 0
	for i, c := range cols {
		widths[i] = len([]rune(c))
		for _, v := range cells[i] {
			widths[i] = max(widths[i], len([]rune(v)))
		}
		rows = max(rows, len(cells[i]))
	}
	var b strings.Builder
	line := func(get func(i int) string) {
		var l strings.Builder
		for i := range cols {
			v := get(i)
			l.WriteString(v + strings.Repeat(" ", widths[i]-len([]rune(v))+2))
		}
		b.WriteString("\n    " + strings.TrimRight(l.String(), " "))
	}
	b.WriteString("(table)")
	line(func(i int) string { return cols[i] })
	line(func(i int) string { return strings.Repeat("-", widths[i]) })
	for r := 0; r < rows; r++ {
		line(func(i int) string {
			if r < len(cells[i]) {
				return cells[i][r]
			}
			return ""
		})
	}
	return b.String()
}
