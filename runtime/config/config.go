// Package config holds a bot's settings: the defaults, the values written in
// the bot's config block, and the overrides given on the command line or in
// the environment, all applied through Set so they are validated one way,
// in the one order Resolve keeps.
package config

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the complete, validated configuration of a running bot.
type Config struct {
	Host         string        // websocket.host
	Port         int           // websocket.port
	MaxSize      int64         // websocket.max_size, bytes of one inbound frame
	Origins      []string      // websocket.origins; empty: see server rules
	PingInterval time.Duration // websocket.ping_interval, seconds
	WriteTimeout time.Duration // websocket.write_timeout, seconds
	SendQueue    int           // websocket.send_queue, frames buffered per connection
	// websocket.send_queue_bytes: bytes buffered per connection (a larger
	// frame goes alone)
	SendQueueBytes int64
	// websocket.read_budget: bytes of inbound frames held at once across all
	// connections
	ReadBudget int64
	// websocket.compression: accept permessage-deflate when a client offers it
	Compression bool
	// websocket.idle_timeout: a connection whose client sends no message
	// for this long is closed (1000, "idle"); 0: never
	ConnIdleTimeout time.Duration
	// websocket.max_messages_per_second and websocket.message_burst: the
	// rate of messages one connection may send, on average and at once;
	// past it the connection is closed (1008); a rate of 0: no limit
	MessageRate  float64
	MessageBurst int

	MaxConnections      int           // server.max_connections: chat connections at once; 0: no limit
	MaxConnectionsPerIP int           // server.max_connections_per_ip: chat connections per peer address (loopback not counted); 0: no limit
	IdleTimeout         time.Duration // server.idle_timeout, seconds an idle HTTP keep-alive connection is kept

	Protocol string // protocol: "bbf" or "baf"

	Language        string  // nlp.language
	IntentThreshold float64 // nlp.intent_threshold
	LLMFallback     bool    // nlp.llm_fallback: the language model chooses when no intent is understood
	PreProcessing   bool    // nlp.pre_processing (stemming)
	Timezone        string  // nlp.timezone

	SessionTTL     time.Duration // session.ttl, seconds a session without connections is kept
	SessionHistory int           // session.history, messages kept for replay
	HistoryBytes   int64         // session.history_bytes: bytes of messages kept per session
	SessionMax     int           // session.max: sessions held in memory; beyond it the longest idle is evicted; 0: no limit
	SessionMemory  int64         // session.memory: bytes of sessions held in memory; beyond it the longest idle is evicted; 0: no limit
	// session.max_variable_bytes: the longest string a client may set a
	// variable to with user_set_variable
	MaxVariableBytes int
	// session.store: where resumable sessions are kept across restarts, a
	// folder or a redis:// or rediss:// URL (whose password is never
	// shown: see StoreSchemes); empty: memory only
	SessionStore string
	StoreBytes   int64         // session.store_bytes: bytes the store's files may take; 0: no limit
	StoreTimeout time.Duration // session.store_timeout: how long one call to the store may take
	LeaseTTL     time.Duration // session.lease_ttl: how long a turn's lease on a shared store lasts unless renewed

	RandomSeed int64 // random.seed; 0 seeds each session from the system

	HTTPTimeout  time.Duration // http.timeout, seconds one HTTP call of the bot (get, post) may take
	HTTPMaxBytes int64         // http.max_bytes: the largest answer an HTTP call reads

	// The language model the bot asks (any OpenAI-compatible endpoint).
	LLMURL         string        // llm.url: the endpoint's base URL
	LLMModel       string        // llm.model: the model's name at that endpoint
	LLMAPIKey      string        // llm.api_key: a secret, never logged or shown (see Secret)
	LLMTimeout     time.Duration // llm.timeout: how long one request may take
	LLMTemperature float64       // llm.temperature
	LLMMaxTokens   int           // llm.max_tokens: the longest answer, in tokens
	LLMSystem      string        // llm.system: the system prompt of every request
	LLMHistory     int           // llm.history: past turns of the session sent with each request

	// Settings are the values of the bot's own settings by name, in their
	// text form, checked against their kind (see Setting); nil when it
	// declares none.
	Settings map[string]string

	ActionsTimeout time.Duration // actions.timeout: how long a call to a Go function may take
	MaxIterations  int           // actions.max_iterations: loop iterations per turn

	MetricsEnabled bool // metrics.enabled: serve GET /metrics and GET /graph

	TLSCert string // tls.cert: PEM certificate (chain) file; with TLSKey, serve wss:// and https://
	TLSKey  string // tls.key: PEM private key file

	LogFormat string // log.format: "text" or "json"
	LogLevel  string // log.level: debug, info, warn, error

	UIEnabled     bool   // ui.enabled: serve the web chat page at GET /
	UITitle       string // ui.title; empty: the bot's name
	UIThemeColor  string // ui.theme_color: CSS hex colour of the page's accent
	UIAvatar      string // ui.avatar: image beside the bot's messages (embedded at build time)
	UIPlaceholder string // ui.placeholder: hint in the empty message box
	// ui.frame_ancestors: CSP sources allowed to embed the page in a frame
	UIFrameAncestors []string
}

// Kind is the type of a config key's value.
type Kind int

// The value kinds.
const (
	String Kind = iota
	Int
	Float
	Bool
	List // comma-separated strings
)

func (k Kind) String() string {
	return [...]string{"string", "integer", "number", "bool", "list of strings"}[k]
}

// Key describes one config key.
type Key struct {
	Name    string
	Kind    Kind
	Default string
	Doc     string
	// Secret keys hold credentials: nothing botgen writes (logs, errors,
	// /metrics, the page) shows their value.
	Secret bool
	set    func(c *Config, v parsed) error
}

type parsed struct {
	s    string
	i    int64
	f    float64
	b    bool
	list []string
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

var keys = []Key{
	{Name: "websocket.host", Kind: String, Default: "localhost", Doc: "address to listen on", set: func(c *Config, v parsed) error { c.Host = v.s; return nil }},
	{Name: "websocket.port", Kind: Int, Default: "8765", Doc: "port to listen on (0 picks a free one)", set: intIn(0, 65535, func(c *Config) *int { return &c.Port })},
	{Name: "websocket.max_size", Kind: Int, Default: "67108864", Doc: "largest inbound frame in bytes (files arrive base64-encoded: 64 MiB holds a 48 MB file); a larger one is answered with a message saying so, then the connection is closed with 1009", set: bytesFrom(1024, func(c *Config) *int64 { return &c.MaxSize })},
	{Name: "websocket.origins", Kind: List, Default: "", Doc: "allowed Origin values; when empty, any origin on a loopback address, same-origin otherwise", set: func(c *Config, v parsed) error { c.Origins = v.list; return nil }},
	{Name: "websocket.ping_interval", Kind: Float, Default: "30", Doc: "seconds between keepalive pings", set: positiveSeconds(func(c *Config) *time.Duration { return &c.PingInterval })},
	{Name: "websocket.write_timeout", Kind: Float, Default: "10", Doc: "seconds a write may take before the connection is dropped", set: positiveSeconds(func(c *Config) *time.Duration { return &c.WriteTimeout })},
	{Name: "websocket.send_queue", Kind: Int, Default: "256", Doc: "frames queued per connection before a slow client is dropped", set: intIn(1, math.MaxInt32, func(c *Config) *int { return &c.SendQueue })},
	{Name: "server.max_connections", Kind: Int, Default: "10000", Doc: "chat connections served at once; beyond it a handshake is answered 503 (0: no limit)", set: intIn(0, math.MaxInt32, func(c *Config) *int { return &c.MaxConnections })},
	{Name: "server.max_connections_per_ip", Kind: Int, Default: "256", Doc: "chat connections at once from one address, loopback not counted (behind a proxy on another host, raise it or set 0: no limit)", set: intIn(0, math.MaxInt32, func(c *Config) *int { return &c.MaxConnectionsPerIP })},
	{Name: "server.idle_timeout", Kind: Float, Default: "60", Doc: "seconds an idle HTTP keep-alive connection is kept open", set: positiveSeconds(func(c *Config) *time.Duration { return &c.IdleTimeout })},
	{Name: "websocket.send_queue_bytes", Kind: Int, Default: "8388608", Doc: "bytes queued per connection before the bot waits for the client to read (a larger reply goes alone); a client that reads nothing for websocket.write_timeout is dropped", set: bytesFrom(1024, func(c *Config) *int64 { return &c.SendQueueBytes })},
	{Name: "websocket.read_budget", Kind: Int, Default: "268435456", Doc: "bytes of inbound frames held at once across all connections; a frame that finds no room waits, and is dropped with a reply after websocket.write_timeout (at least websocket.max_size is used)", set: bytesFrom(1024, func(c *Config) *int64 { return &c.ReadBudget })},
	{Name: "websocket.idle_timeout", Kind: Float, Default: "3600", Doc: "seconds a chat connection may go without a message from its client before it is closed with 1000 (idle); 0: never", set: func(c *Config, v parsed) error {
		if v.f < 0 {
			return fmt.Errorf("must be 0 or more")
		}
		c.ConnIdleTimeout = seconds(v.f)
		return nil
	}},
	{Name: "websocket.max_messages_per_second", Kind: Float, Default: "20", Doc: "messages one chat connection may send per second on average; past it (and its burst) the connection is closed with 1008; 0: no limit", set: func(c *Config, v parsed) error {
		if v.f < 0 {
			return fmt.Errorf("must be 0 or more")
		}
		c.MessageRate = v.f
		return nil
	}},
	{Name: "websocket.message_burst", Kind: Int, Default: "60", Doc: "messages one chat connection may send at once, above websocket.max_messages_per_second", set: intIn(1, math.MaxInt32, func(c *Config) *int { return &c.MessageBurst })},
	{Name: "websocket.compression", Kind: Bool, Default: "true", Doc: "compress frames (permessage-deflate) with clients that offer it, as browsers do", set: func(c *Config, v parsed) error { c.Compression = v.b; return nil }},
	{Name: "protocol", Kind: String, Default: "bbf", Doc: `wire dialect: "bbf" (bot_reply_*) or "baf" (agent_reply_*)`, set: oneOf(func(c *Config) *string { return &c.Protocol }, "bbf", "baf")},
	{Name: "nlp.language", Kind: String, Default: "en", Doc: "language of the training sentences (en, es, fr, de, it, pt)", set: func(c *Config, v parsed) error {
		switch v.s {
		case "en", "es", "fr", "de", "it", "pt":
			c.Language = v.s
			return nil
		}
		return fmt.Errorf("unsupported language %q (supported: en, es, fr, de, it, pt)", v.s)
	}},
	{Name: "nlp.intent_threshold", Kind: Float, Default: "0.4", Doc: "lowest score that counts as understood", set: func(c *Config, v parsed) error {
		if v.f < 0 || v.f > 1 {
			return fmt.Errorf("must be between 0 and 1")
		}
		c.IntentThreshold = v.f
		return nil
	}},
	{Name: "nlp.llm_fallback", Kind: Bool, Default: "false", Doc: "when no intent of the state reaches the threshold, the language model chooses among them (or none)", set: func(c *Config, v parsed) error { c.LLMFallback = v.b; return nil }},
	{Name: "nlp.pre_processing", Kind: Bool, Default: "true", Doc: "stem words before matching", set: func(c *Config, v parsed) error { c.PreProcessing = v.b; return nil }},
	{Name: "nlp.timezone", Kind: String, Default: "UTC", Doc: "time zone for dates and times in messages", set: func(c *Config, v parsed) error {
		if _, err := time.LoadLocation(v.s); err != nil {
			return fmt.Errorf("unknown time zone %q", v.s)
		}
		c.Timezone = v.s
		return nil
	}},
	{Name: "session.ttl", Kind: Float, Default: "86400", Doc: "seconds a session without connections is kept", set: positiveSeconds(func(c *Config) *time.Duration { return &c.SessionTTL })},
	{Name: "session.history", Kind: Int, Default: "1000", Doc: "messages per session kept for replay", set: intIn(0, math.MaxInt32, func(c *Config) *int { return &c.SessionHistory })},
	{Name: "session.history_bytes", Kind: Int, Default: "262144", Doc: "bytes of messages kept per session for replay: the oldest go first, and a message over a quarter of it is kept cut short", set: bytesFrom(1024, func(c *Config) *int64 { return &c.HistoryBytes })},
	{Name: "session.max", Kind: Int, Default: "10000", Doc: "sessions held in memory; to make room for a new one, the session idle the longest (without a connection) is dropped, and a stored one is read back from session.store when its key returns (0: no limit)", set: intIn(0, math.MaxInt32, func(c *Config) *int { return &c.SessionMax })},
	{Name: "session.memory", Kind: Int, Default: "1073741824", Doc: "bytes the sessions held in memory may take (their history and variables); to make room for a new session, those idle the longest are dropped, as for session.max (0: no limit)", set: bytesFrom(0, func(c *Config) *int64 { return &c.SessionMemory })},
	{Name: "session.max_variable_bytes", Kind: Int, Default: "65536", Doc: "longest string a client may set a variable to (user_set_variable); a longer one is refused", set: intIn(1, math.MaxInt32, func(c *Config) *int { return &c.MaxVariableBytes })},
	{Name: "session.store_bytes", Kind: Int, Default: "1073741824", Doc: "bytes the files of session.store may take; beyond it the sessions written least recently are removed (0: no limit)", set: bytesFrom(0, func(c *Config) *int64 { return &c.StoreBytes })},
	{Name: "session.store", Kind: String, Default: "", Doc: "where sessions with a client-chosen id are kept, so that they survive a restart of the bot: a folder, or Redis as redis://[user:password@]host:port/db (rediss:// for TLS; the password is never logged or shown); empty: in memory only", set: setStore},
	{Name: "session.store_timeout", Kind: Float, Default: "3", Doc: "seconds one call to session.store may take (reading a session back, writing a turn); a turn that cannot be stored in time is not answered, and the user is told so", set: positiveSeconds(func(c *Config) *time.Duration { return &c.StoreTimeout })},
	{Name: "session.lease_ttl", Kind: Float, Default: "10", Doc: "seconds a turn's lease on a shared session.store (Redis) lasts unless renewed (every third of it while the turn runs): how long a session waits for an instance that died in the middle of one of its turns; from 0.5 to 3600", set: func(c *Config, v parsed) error {
		if v.f < 0.5 || v.f > 3600 {
			return fmt.Errorf("must be from 0.5 to 3600 seconds")
		}
		c.LeaseTTL = seconds(v.f)
		return nil
	}},
	{Name: "http.timeout", Kind: Float, Default: "10", Doc: "seconds an HTTP call of the bot (get, post) may take, answer included; a slower one fails and takes the state's error path", set: positiveSeconds(func(c *Config) *time.Duration { return &c.HTTPTimeout })},
	{Name: "llm.url", Kind: String, Default: "http://localhost:11434/v1", Doc: "base URL of the OpenAI-compatible endpoint the bot asks (Ollama's by default; llama.cpp's server, vLLM or a cloud one); empty: none, and answers from knowledge quote the documents", set: func(c *Config, v parsed) error {
		if strings.TrimSpace(v.s) == "" {
			c.LLMURL = ""
			return nil
		}
		u, err := url.Parse(strings.TrimSpace(v.s))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an http or https URL", v.s)
		}
		c.LLMURL = strings.TrimSuffix(u.String(), "/")
		return nil
	}},
	{Name: "llm.model", Kind: String, Default: "llama3.2", Doc: "name of the model at the endpoint", set: func(c *Config, v parsed) error { c.LLMModel = strings.TrimSpace(v.s); return nil }},
	{Name: "llm.api_key", Kind: String, Default: "", Secret: true, Doc: "the endpoint's API key; also read from OPENAI_API_KEY; never logged, never shown", set: func(c *Config, v parsed) error { c.LLMAPIKey = strings.TrimSpace(v.s); return nil }},
	{Name: "llm.timeout", Kind: Float, Default: "60", Doc: "seconds one request to the model may take, its answer included", set: positiveSeconds(func(c *Config) *time.Duration { return &c.LLMTimeout })},
	{Name: "llm.temperature", Kind: Float, Default: "0.2", Doc: "sampling temperature, 0 to 2", set: func(c *Config, v parsed) error {
		if v.f < 0 || v.f > 2 || math.IsNaN(v.f) {
			return fmt.Errorf("%v is not between 0 and 2", v.f)
		}
		c.LLMTemperature = v.f
		return nil
	}},
	{Name: "llm.max_tokens", Kind: Int, Default: "512", Doc: "longest answer the model may give, in tokens", set: intIn(1, 1<<20, func(c *Config) *int { return &c.LLMMaxTokens })},
	{Name: "llm.system", Kind: String, Default: "", Doc: "system prompt sent first with every request; empty: none", set: func(c *Config, v parsed) error { c.LLMSystem = v.s; return nil }},
	{Name: "llm.history", Kind: Int, Default: "6", Doc: "past turns of the session sent with each request (0: none)", set: intIn(0, 100, func(c *Config) *int { return &c.LLMHistory })},
	{Name: "http.max_bytes", Kind: Int, Default: "1048576", Doc: "largest answer in bytes an HTTP call of the bot reads; a larger one fails and takes the state's error path", set: bytesFrom(1024, func(c *Config) *int64 { return &c.HTTPMaxBytes })},
	{Name: "random.seed", Kind: Int, Default: "0", Doc: "seed for `one of` and random(); 0 seeds every session from the system", set: func(c *Config, v parsed) error { c.RandomSeed = v.i; return nil }},
	{Name: "actions.timeout", Kind: Float, Default: "10", Doc: "seconds a call to a Go function beside the bot may take: its context is cancelled then", set: positiveSeconds(func(c *Config) *time.Duration { return &c.ActionsTimeout })},
	{Name: "actions.max_iterations", Kind: Int, Default: "1000", Doc: "iterations of for loops one turn may run; past it the body fails and takes the error path", set: intIn(1, math.MaxInt32, func(c *Config) *int { return &c.MaxIterations })},
	{Name: "metrics.enabled", Kind: Bool, Default: "true", Doc: "serve counters and turn durations at GET /metrics, in the Prometheus text format, and the state diagram at GET /graph", set: func(c *Config, v parsed) error { c.MetricsEnabled = v.b; return nil }},
	{Name: "log.format", Kind: String, Default: "text", Doc: `"text" or "json"`, set: oneOf(func(c *Config) *string { return &c.LogFormat }, "text", "json")},
	{Name: "log.level", Kind: String, Default: "info", Doc: "debug, info, warn or error", set: oneOf(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error")},
	{Name: "tls.cert", Kind: String, Default: "", Doc: "PEM file of the certificate (and chain) to serve wss:// and https:// with; set with tls.key", set: func(c *Config, v parsed) error { c.TLSCert = strings.TrimSpace(v.s); return nil }},
	{Name: "tls.key", Kind: String, Default: "", Doc: "PEM file of the private key of tls.cert", set: func(c *Config, v parsed) error { c.TLSKey = strings.TrimSpace(v.s); return nil }},
	{Name: "ui.enabled", Kind: Bool, Default: "true", Doc: "serve the web chat page at GET / (the --no-ui flag turns it off)", set: func(c *Config, v parsed) error { c.UIEnabled = v.b; return nil }},
	{Name: "ui.title", Kind: String, Default: "", Doc: "title of the web chat page; empty: the bot's name", set: func(c *Config, v parsed) error { c.UITitle = strings.TrimSpace(v.s); return nil }},
	{Name: "ui.theme_color", Kind: String, Default: "#2563eb", Doc: "accent colour of the web chat page, a CSS hex colour (#rgb or #rrggbb)", set: func(c *Config, v parsed) error {
		if !isHexColor(v.s) {
			return fmt.Errorf("%q is not a CSS hex colour such as #2563eb", v.s)
		}
		c.UIThemeColor = v.s
		return nil
	}},
	{Name: "ui.avatar", Kind: String, Default: "", Doc: "image (PNG, JPEG or GIF) beside the bot's messages, relative to the .bot file and embedded at build time", set: func(c *Config, v parsed) error { c.UIAvatar = v.s; return nil }},
	{Name: "ui.frame_ancestors", Kind: List, Default: "'self'", Doc: "sites allowed to embed the web chat page in a frame, as CSP sources ('self', 'none', https://example.com, *.example.com)", set: func(c *Config, v parsed) error {
		for _, s := range v.list {
			if !frameSourceRE.MatchString(s) {
				return fmt.Errorf("%q is not a CSP source such as 'self' or https://example.com", s)
			}
		}
		c.UIFrameAncestors = v.list
		return nil
	}},
	{Name: "ui.placeholder", Kind: String, Default: "Type a message…", Doc: "hint shown in the empty message box", set: func(c *Config, v parsed) error { c.UIPlaceholder = v.s; return nil }},
}

// StoreSchemes are the URL schemes session.store takes; any other value is
// a folder.
var StoreSchemes = []string{"redis", "rediss"}

// setStore checks session.store: a value written as a URL must be one of
// StoreSchemes with a host; anything else is a folder (C:\x, ./x, x:y).
// Messages show the scheme and host, never the rest: a URL may hold a
// password.
func setStore(c *Config, v parsed) error {
	s := strings.TrimSpace(v.s)
	scheme, _, ok := strings.Cut(s, "://")
	if !ok || !IsScheme(scheme) {
		c.SessionStore = s
		return nil
	}
	known := "session.store takes a folder, or a URL of Redis: " + strings.Join(StoreSchemes, ":// or ") + "://"
	if !slices.Contains(StoreSchemes, strings.ToLower(scheme)) {
		return fmt.Errorf("unknown scheme %q: %s", scheme, known)
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a valid %s:// URL: %s", scheme, known)
	}
	if u.Host == "" {
		return fmt.Errorf("%s has no host: write %s://[user:password@]host:port/db", u.Redacted(), scheme)
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		if n, err := strconv.Atoi(db); err != nil || n < 0 {
			return fmt.Errorf("%s: the path must be a database number, such as /0", u.Redacted())
		}
	}
	c.SessionStore = s
	return nil
}

// IsScheme reports whether s is written as a URL scheme (RFC 3986: a
// letter, then letters, digits, +, - or .) of more than one letter, so
// that a Windows drive (C:) is never taken for one.
func IsScheme(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// positiveSeconds stores a positive number of seconds as a duration.
func positiveSeconds(field func(*Config) *time.Duration) func(*Config, parsed) error {
	return func(c *Config, v parsed) error {
		if v.f <= 0 {
			return fmt.Errorf("must be positive")
		}
		*field(c) = seconds(v.f)
		return nil
	}
}

// bytesFrom stores a number of bytes of at least lo.
func bytesFrom(lo int64, field func(*Config) *int64) func(*Config, parsed) error {
	return func(c *Config, v parsed) error {
		switch {
		case v.i < lo && lo == 0:
			return fmt.Errorf("must not be negative")
		case v.i < lo:
			return fmt.Errorf("must be at least %d", lo)
		}
		*field(c) = v.i
		return nil
	}
}

// intIn stores an integer within [lo, hi].
func intIn(lo, hi int64, field func(*Config) *int) func(*Config, parsed) error {
	return func(c *Config, v parsed) error {
		switch {
		case hi != math.MaxInt32 && (v.i < lo || v.i > hi):
			return fmt.Errorf("must be between %d and %d", lo, hi)
		case v.i < lo && lo == 0:
			return fmt.Errorf("must not be negative")
		case v.i < lo:
			return fmt.Errorf("must be at least %d", lo)
		case v.i > hi:
			return fmt.Errorf("must be at most %d", hi)
		}
		*field(c) = int(v.i)
		return nil
	}
}

// oneOf stores a string that must be one of allowed.
func oneOf(field func(*Config) *string, allowed ...string) func(*Config, parsed) error {
	return func(c *Config, v parsed) error {
		for _, a := range allowed {
			if v.s == a {
				*field(c) = v.s
				return nil
			}
		}
		quoted := make([]string, len(allowed))
		for i, a := range allowed {
			quoted[i] = strconv.Quote(a)
		}
		if len(quoted) == 2 {
			return fmt.Errorf("must be %s or %s", quoted[0], quoted[1])
		}
		return fmt.Errorf("must be one of %s", strings.Join(quoted, ", "))
	}
}

// isHexColor reports whether s is #rgb or #rrggbb.
func isHexColor(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// frameSourceRE is what one ui.frame_ancestors source may be: a keyword, a
// scheme, or a host with an optional scheme, port and path; nothing that
// could end the directive or add another.
var frameSourceRE = regexp.MustCompile(`^(?:'self'|'none'|\*|[A-Za-z][A-Za-z0-9+.\-]*:|(?:[A-Za-z][A-Za-z0-9+.\-]*://)?(?:\*\.)?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*(?::(?:[0-9]{1,5}|\*))?(?:/[A-Za-z0-9._~!$&()*+=:@%/\-]*)?)$`)

// Keys returns every known key, sorted by name.
func Keys() []Key {
	out := append([]Key(nil), keys...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the key named name.
func Lookup(name string) (Key, bool) {
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Default returns the configuration with every key at its default.
func Default() Config {
	var c Config
	for _, k := range keys {
		if err := c.Set(k.Name, k.Default); err != nil {
			panic("config: bad default for " + k.Name + ": " + err.Error())
		}
	}
	return c
}

// Set parses value as the text form of key's kind and stores it. The error
// names the key and says what is wrong.
func (c *Config) Set(key, value string) error {
	k, ok := Lookup(key)
	if !ok {
		return fmt.Errorf("unknown config key %q", key)
	}
	v, err := parse(k.Kind, value)
	if err == nil {
		err = k.set(c, v)
	}
	if err != nil {
		return fmt.Errorf("config key %s: %w", key, err)
	}
	return nil
}

// Check reports whether value is a valid text form of kind.
func Check(kind Kind, value string) error {
	_, err := parse(kind, value)
	return err
}

func parse(kind Kind, value string) (parsed, error) {
	var p parsed
	var err error
	switch kind {
	case String:
		p.s = value
	case Int:
		p.i, err = strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil {
			return p, fmt.Errorf("%q is not an integer", value)
		}
	case Float:
		p.f, err = strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || math.IsNaN(p.f) || math.IsInf(p.f, 0) {
			return p, fmt.Errorf("%q is not a number", value)
		}
	case Bool:
		p.b, err = strconv.ParseBool(strings.TrimSpace(value))
		if err != nil {
			return p, fmt.Errorf("%q is not true or false", value)
		}
	case List:
		for _, s := range strings.Split(value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				p.list = append(p.list, s)
			}
		}
	}
	return p, nil
}

// Entry is one key = value setting, as written in a bot's config block.
type Entry struct {
	Key   string
	Value string
}

// Apply sets every entry in order and returns the first error.
func (c *Config) Apply(entries []Entry) error {
	for _, e := range entries {
		if err := c.Set(e.Key, e.Value); err != nil {
			return err
		}
	}
	return nil
}
