// Package sessionstore keeps the sessions clients can resume (those with a
// session id of the client's choosing) outside the bot's memory, so that
// they outlive the process: a folder of files, Redis, or memory (for tests
// and a single process). The server writes each turn before its replies are
// sent and reads a session back when its id returns; every store behaves
// the same way, which one conformance suite checks.
package sessionstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// Store keeps resumable sessions. Its methods are safe for concurrent use
// on different sessions; the caller runs one session's calls one at a time
// (the server holds the session's turn lock).
type Store interface {
	// Load reads the session with id. It returns nil and no error when
	// the store has none, or one not written to for the TTL. An error
	// wrapping ErrCorrupt means the store holds something that is not a
	// session (the caller starts a new one, which overwrites it); any
	// other error means the store could not be asked.
	Load(ctx context.Context, id string) (*Saved, error)
	// Append writes one turn of the session with id, atomically: after a
	// crash the store holds the session as it was before the turn or
	// after it. m is what the store knows it wrote of the session (the
	// Mark of Load, or the zero Mark for a new session), updated on
	// success; after an error the next Append writes the session whole.
	// A session the store no longer holds (expired, removed) is written
	// whole.
	Append(ctx context.Context, id string, m *Mark, t Turn) error
	// Remove deletes the session with id; deleting none is no error.
	Remove(ctx context.Context, id string) error
	// Sweep removes the sessions not written to for the TTL, then, for a
	// store bounded in bytes, those written least recently while it holds
	// more. The sessions with the ids in live (held in memory, which
	// expire by their own clock) are kept, and their TTL renewed.
	Sweep(ctx context.Context, live []string) (Swept, error)
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	// Close releases what the store holds (connections).
	Close() error
}

// Shared is a store that several instances of one bot use at once (Redis).
// Besides keeping sessions, it serialises each session's turns across the
// instances with a lease per turn, and carries the events one instance
// sends to the connections another holds. Its turns are fenced: Append
// refuses a Turn whose Fence is older than that of the last turn written
// (ErrFenced), so that an instance that lost its lease while it was paused
// cannot overwrite a newer turn.
type Shared interface {
	Store
	// Lease takes the lease of the session with id for ttl, waiting while
	// another holder has it, until ctx ends (ErrLeaseBusy). The lease
	// carries a fencing token, newer than every other of the session, and
	// the token of the last turn written (the session's version). owner
	// is unique to this holding, written <instance>:<n>: a lease left by
	// the same instance (whose answer was lost) is taken over, since an
	// instance runs one turn of a session at a time.
	Lease(ctx context.Context, id, owner string, ttl time.Duration) (Lease, error)
	// Renew extends a lease the caller still holds to ttl from now;
	// ErrLeaseLost when it expired and someone else may hold it.
	Renew(ctx context.Context, id string, l Lease, ttl time.Duration) error
	// Release gives a lease back, if it is still the caller's.
	Release(ctx context.Context, id string, l Lease) error
	// Version returns the token of the last turn written of the session
	// with id; 0 when it has none.
	Version(ctx context.Context, id string) (int64, error)
	// Publish sends an event to every instance's Subscribe.
	Publish(ctx context.Context, event []byte) error
	// Subscribe calls deliver with each event published, in the order of
	// each publisher's calls, until ctx ends. It calls lost when events
	// may have been missed (the subscription was lost and is back, or it
	// has just begun): the caller catches up from the sessions as stored.
	// deliver and lost must not block.
	Subscribe(ctx context.Context, deliver func(event []byte), lost func()) error
}

// Lease is one turn's hold on a session of a Shared store.
type Lease struct {
	Owner   string // who holds it: unique to this holding
	Token   int64  // the fencing token: Turn.Fence of the turn's write
	Version int64  // the token of the last turn written before this lease
}

// ErrLeaseBusy is wrapped by the error of Lease when another holder kept
// the lease until the caller's context ended.
var ErrLeaseBusy = errors.New("the session's lease is held by another instance")

// ErrLeaseLost is returned by Renew when the lease is no longer the
// caller's.
var ErrLeaseLost = errors.New("the session's lease was lost")

// ErrFenced is wrapped by the error of Append for a turn whose fencing
// token is older than that of the last turn written: another instance took
// the session's lease and wrote since.
var ErrFenced = errors.New("a newer turn of the session was written by another holder of its lease")

// ErrCorrupt is wrapped by the errors of Load for a session the store holds
// but that cannot be read back.
var ErrCorrupt = errors.New("stored session unreadable")

// corrupt returns an error wrapping ErrCorrupt that says what is wrong.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// Swept counts the sessions a Sweep removed, by reason.
type Swept struct {
	Expired int // not written to for the TTL
	Evicted int // the store was over its bound in bytes
}

// Options are what every store is told of the bot's settings.
type Options struct {
	// TTL is how long a session not written to is kept (session.ttl).
	TTL time.Duration
	// History is how many history entries a session keeps
	// (session.history); 0 keeps none.
	History int
	// MaxBytes bounds what the file and memory stores hold
	// (session.store_bytes); 0: no bound. Redis is bounded by its own
	// maxmemory.
	MaxBytes int64
	// ReadLimit bounds what one session read back may take, in bytes of
	// its encoded form: a larger one is refused as corrupt (Redis and
	// memory; a file is bounded by MaxBytes). 0: DefaultReadLimit.
	ReadLimit int64
	// Timeout bounds the connection's dial, read and write (Redis).
	Timeout time.Duration
	// Prefix starts the name of every key (Redis).
	Prefix string
}

// DefaultReadLimit is the ReadLimit when none is given.
const DefaultReadLimit = 256 << 20

func (o Options) readLimit() int64 {
	if o.ReadLimit > 0 {
		return o.ReadLimit
	}
	return DefaultReadLimit
}

// OptionsFor returns the options cfg sets for the bot named bot.
func OptionsFor(cfg config.Config, bot string) Options {
	read := int64(DefaultReadLimit)
	if cfg.SessionMemory > 0 {
		read = min(read, cfg.SessionMemory)
	}
	return Options{
		TTL:       cfg.SessionTTL,
		History:   cfg.SessionHistory,
		MaxBytes:  cfg.StoreBytes,
		ReadLimit: read,
		Timeout:   cfg.StoreTimeout,
		Prefix:    "botgen:" + bot + ":",
	}
}

// Open returns the store target names: a redis:// or rediss:// URL, or a
// folder (created when missing). Errors never show the URL's password.
func Open(target string, opt Options) (Store, error) {
	if IsURL(target) {
		return OpenRedis(target, opt)
	}
	return OpenFiles(target, opt)
}

// IsURL reports whether target is written as a URL (scheme://...) rather
// than a folder.
func IsURL(target string) bool {
	scheme, _, ok := strings.Cut(target, "://")
	return ok && config.IsScheme(scheme)
}

// Redact returns target with the password of a URL replaced, for logs and
// errors.
func Redact(target string) string {
	if !IsURL(target) {
		return target
	}
	u, err := url.Parse(target)
	if err != nil {
		scheme, _, _ := strings.Cut(target, "://")
		return scheme + "://(invalid URL)"
	}
	return u.Redacted()
}

// Saved is what a store holds of one session.
type Saved struct {
	Started  bool            // the initial body has run
	History  []Entry         // oldest first, at most Options.History
	Snapshot engine.Snapshot // state, go back stack, variables
	Mark     Mark            // for the session's next Append
	// Seq counts the entries the session ever recorded, the last of
	// History included, as the last Turn said (0: not kept; then
	// len(History)). Shared stores keep it, so that every instance numbers
	// a session's entries alike.
	Seq uint64
	// Version is the fencing token of the last turn written (Shared
	// stores; 0 otherwise).
	Version int64
}

// Turn is what one turn of a session changed, and what the store needs to
// write the session whole instead.
type Turn struct {
	// Reset: the history was wiped before Added.
	Reset bool
	// Started: the session's initial body has run.
	Started bool
	// Added are the entries recorded since the last Append, oldest first.
	Added []Entry
	// Keep is how many entries the session's history holds after the
	// turn: the store keeps as many of the newest (the server bounds the
	// history by count and by bytes).
	Keep int
	// History returns the whole history as the session holds it, oldest
	// first; called only when the store writes the session whole.
	History func() []Entry
	// Snapshot is the session after the turn.
	Snapshot engine.Snapshot
	// Seq counts the entries the session ever recorded, after the turn
	// (see Saved.Seq).
	Seq uint64
	// Fence is the fencing token of the lease the turn ran under (Shared
	// stores); 0: not fenced.
	Fence int64
	// Release is the owner of the lease the turn ran under, given back
	// with the write (Shared stores; "": kept). Event, when not empty, is
	// published with it, as Publish would. Both happen only if the write
	// does: a turn is stored, told to the other instances and its lease
	// released in one call, so its events are in the order of its turns
	// and none is published of a turn that was not stored.
	Release string
	Event   []byte
}

// Mark is what a store knows of what it wrote of one session, kept by the
// caller beside the session. The zero Mark makes the next Append write the
// session whole.
type Mark struct {
	vars map[string]any // the variables as the store holds them
	// lines counts the turn lines of a session file; 0 with vars nil: the
	// next Append writes the session whole.
	lines int
	size  int64 // bytes of the file
	base  int64 // bytes of the file just after it was last rewritten
}

// whole reports whether the next Append must write the session whole.
func (m *Mark) whole() bool { return m.vars == nil }

// Entry is one message of a session's history, as stored: a user message,
// a user's upload (its name, type and size) or a bot reply.
type Entry struct {
	At      time.Time    `json:"at"`
	User    bool         `json:"user,omitempty"`
	Message any          `json:"message,omitempty"`
	File    *File        `json:"file,omitempty"`
	Reply   *reply.Reply `json:"reply,omitempty"`
}

// File is what the history keeps of an upload.
type File struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
}

// Hash names the session with id in a store: ids are chosen by clients and
// may be secrets, so files and keys carry the start of their SHA-256, never
// the id itself.
func Hash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}
