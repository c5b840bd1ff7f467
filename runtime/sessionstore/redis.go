package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Redis keeps sessions in Redis, where several bot processes can reach
// them. A session is three keys under Options.Prefix, named by the hash of
// its id (see Hash) in braces, so that Redis Cluster keeps them in one slot:
//
//	<prefix>{<hash>}:state    string: JSON {"botgen_session":1,"id","started","state","returns"}
//	<prefix>{<hash>}:vars     hash: variable name → its JSON value
//	<prefix>{<hash>}:history  list: one JSON entry per message, oldest first
//	<prefix>{<hash>}:version  string: the fencing token of the last turn written
//
// and the keys of its lease (see redis_shared.go).
//
// A turn is written by one Lua script, so Redis applies all of it or none:
// the state, the variables it set or removed, the entries it added, the
// history trimmed to what the session keeps, and every key's expiry set to
// the TTL again. Reading a session back is one script too, which refuses a
// session larger than Options.ReadLimit before sending it.
type Redis struct {
	c      *redis.Client
	opt    Options
	target string // redacted, for errors
}

// OpenRedis returns a store on the Redis server target names
// (redis://[user:password@]host:port/db, or rediss:// for TLS). It does not
// connect: the first call does, and every call after a failure tries again
// (see Ping). Errors never show the password.
func OpenRedis(target string, opt Options) (*Redis, error) {
	o, err := redis.ParseURL(target)
	if err != nil {
		return nil, fmt.Errorf("session store %s: %s", Redact(target), hidePassword(err.Error(), target))
	}
	if opt.Timeout > 0 {
		o.DialTimeout, o.ReadTimeout, o.WriteTimeout = opt.Timeout, opt.Timeout, opt.Timeout
	}
	// Every call is bounded by its context (session.store_timeout).
	o.ContextTimeoutEnabled = true
	// A turn's write is not retried by the client: a retry after a write
	// that Redis applied but whose answer was lost would add the turn's
	// messages twice. A failed write makes the next one write the session
	// whole instead.
	o.MaxRetries = -1
	// Neither is needed, and both are commands a managed Redis may refuse.
	o.DisableIdentity = true
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return &Redis{c: redis.NewClient(o), opt: opt, target: Redact(target)}, nil
}

// hidePassword removes the password of target's URL from msg.
func hidePassword(msg, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "not a valid URL"
	}
	if p, ok := u.User.Password(); ok && p != "" {
		msg = strings.ReplaceAll(msg, p, "xxxxx")
	}
	return msg
}

// keys returns the keys of the session with id: state, vars, history and
// version.
func (r *Redis) keys(id string) []string {
	base := r.opt.Prefix + "{" + Hash(id) + "}:"
	return []string{base + "state", base + "vars", base + "history", base + "version"}
}

// leaseKeys returns the keys of the lease of the session with id: the
// lease, the counter of fencing tokens, and the version.
func (r *Redis) leaseKeys(id string) []string {
	base := r.opt.Prefix + "{" + Hash(id) + "}:"
	return []string{base + "lease", base + "fence", base + "version"}
}

// channel is the pub/sub channel of the bot's events.
func (r *Redis) channel() string { return r.opt.Prefix + "events" }

// The scripts' own errors start with these words.
const (
	errGone    = "BOTGEN_GONE"
	errTooBig  = "BOTGEN_TOOBIG"
	errBadType = "BOTGEN_WRONGTYPE"
	errFenced  = "BOTGEN_FENCED"
)

// loadScript reads a session: an empty array when its state key is missing; an error
// when a key is of another type, or when the session is larger than
// ARGV[2] bytes, before anything is sent. ARGV[1] is how many history
// entries to read, the newest.
var loadScript = redis.NewScript(`
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then return {} end
if t ~= 'string' then return redis.error_reply('` + errBadType + ` state is a ' .. t) end
t = redis.call('TYPE', KEYS[2]).ok
if t ~= 'none' and t ~= 'hash' then return redis.error_reply('` + errBadType + ` vars is a ' .. t) end
t = redis.call('TYPE', KEYS[3]).ok
if t ~= 'none' and t ~= 'list' then return redis.error_reply('` + errBadType + ` history is a ' .. t) end
local max = tonumber(ARGV[2])
local state = redis.call('GET', KEYS[1])
local total = #state
local vars = redis.call('HGETALL', KEYS[2])
for i = 1, #vars do total = total + #vars[i] end
if total > max then return redis.error_reply('` + errTooBig + ` ' .. total) end
local history = {}
local n = tonumber(ARGV[1])
if n > 0 then history = redis.call('LRANGE', KEYS[3], -n, -1) end
for i = 1, #history do total = total + #history[i] end
if total > max then return redis.error_reply('` + errTooBig + ` ' .. total) end
return {state, vars, history, redis.call('GET', KEYS[4]) or '0'}
`)

// appendScript writes a turn. KEYS: state, vars, history, version (the
// token of the last turn written), lease, and the counter of fencing
// tokens. ARGV: whole (1: replace the session), TTL in milliseconds, the
// state, how many history entries to keep, reset (1: wipe the history
// first), the turn's fencing token (0: not fenced), the lease's owner to
// release ("": none), the channel and the event to publish ("": none), the
// number of variables set then their names and values, the number removed
// then their names, then the entries to add. The event is published and
// the lease released after the write, in the same script. A fenced turn
// fails with BOTGEN_FENCED, before writing, when a newer token was written
// or only handed out: another holder took the lease after this turn's
// expired, and its turn, which read the session before this one, would
// overwrite this one's. A turn that is not whole
// fails with BOTGEN_GONE when the session is no longer there (expired), or
// its keys are of other types, before writing.
var appendScript = redis.NewScript(`
local fence = tonumber(ARGV[6])
if fence > 0 then
  local last = tonumber(redis.call('GET', KEYS[4]) or '0') or 0
  local issued = tonumber(redis.call('GET', KEYS[6]) or '0') or 0
  if fence < last or fence < issued then return redis.error_reply('` + errFenced + `') end
end
local whole = ARGV[1] == '1'
if not whole then
  if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('` + errGone + `') end
  local t = redis.call('TYPE', KEYS[2]).ok
  local h = redis.call('TYPE', KEYS[3]).ok
  if (t ~= 'none' and t ~= 'hash') or (h ~= 'none' and h ~= 'list') then return redis.error_reply('` + errGone + `') end
end
if whole then
  redis.call('DEL', KEYS[2], KEYS[3])
elseif ARGV[5] == '1' then
  redis.call('DEL', KEYS[3])
end
local ttl = ARGV[2]
redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl)
local i = 11
for _ = 1, tonumber(ARGV[10]) do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
local n = tonumber(ARGV[i])
i = i + 1
for _ = 1, n do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
while i <= #ARGV do
  redis.call('RPUSH', KEYS[3], ARGV[i])
  i = i + 1
end
local keep = tonumber(ARGV[4])
if keep > 0 then
  redis.call('LTRIM', KEYS[3], -keep, -1)
else
  redis.call('DEL', KEYS[3])
end
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
if fence > 0 then
  redis.call('SET', KEYS[4], fence, 'PX', ttl)
else
  redis.call('PEXPIRE', KEYS[4], ttl)
end
if ARGV[9] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
if ARGV[7] ~= '' and redis.call('GET', KEYS[5]) == ARGV[7] then redis.call('DEL', KEYS[5]) end
return 1
`)

// Load implements Store.
func (r *Redis) Load(ctx context.Context, id string) (*Saved, error) {
	res, err := loadScript.Run(ctx, r.c, r.keys(id), r.opt.History, r.opt.readLimit()).Result()
	switch {
	case err != nil && scriptError(err, errTooBig):
		n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(err.Error(), errTooBig)), 10, 64)
		return nil, corrupt("%d bytes or more, over the %d a session may take", n, r.opt.readLimit())
	case err != nil && scriptError(err, errBadType):
		return nil, corrupt("%s", strings.TrimPrefix(err.Error(), errBadType+" "))
	case err != nil:
		return nil, r.fail("reading a session", err)
	}
	parts, ok := res.([]any)
	if ok && len(parts) == 0 {
		return nil, nil
	}
	if !ok || len(parts) != 4 {
		return nil, corrupt("unexpected answer %T", res)
	}
	version, err := strconv.ParseInt(fmt.Sprint(parts[3]), 10, 64)
	if err != nil {
		return nil, corrupt("version: %v", err)
	}
	state, ok := parts[0].(string)
	flat, ok2 := parts[1].([]any)
	list, ok3 := parts[2].([]any)
	if !ok || !ok2 || !ok3 || len(flat)%2 != 0 {
		return nil, corrupt("unexpected answer")
	}
	vars := make(map[string][]byte, len(flat)/2)
	for i := 0; i < len(flat); i += 2 {
		name, ok := flat[i].(string)
		v, ok2 := flat[i+1].(string)
		if !ok || !ok2 {
			return nil, corrupt("unexpected answer")
		}
		vars[name] = []byte(v)
	}
	history := make([][]byte, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, corrupt("unexpected answer")
		}
		history[i] = []byte(s)
	}
	sv, err := decode(id, []byte(state), vars, history)
	if err != nil {
		return nil, err
	}
	sv.Version = version
	return sv, nil
}

// scriptError reports whether err is the error reply of a script that
// starts with word.
func scriptError(err error, word string) bool {
	var re redis.Error
	return errors.As(err, &re) && strings.Contains(err.Error(), word)
}

// fail wraps an error of the Redis client, naming the store without its
// password.
func (r *Redis) fail(doing string, err error) error {
	return fmt.Errorf("session store %s: %s: %w", r.target, doing, err)
}

// Append implements Store.
func (r *Redis) Append(ctx context.Context, id string, m *Mark, t Turn) error {
	err := r.append(ctx, id, m, t, m.whole())
	if err != nil && scriptError(err, errFenced) {
		*m = Mark{}
		return r.fail("writing a turn", fmt.Errorf("%w (token %d)", ErrFenced, t.Fence))
	}
	if err != nil && scriptError(err, errGone) {
		// Expired while the session was held in memory, or overwritten:
		// write it whole.
		err = r.append(ctx, id, m, t, true)
	}
	if err != nil {
		*m = Mark{}
		return r.fail("writing a turn", err)
	}
	return nil
}

func (r *Redis) append(ctx context.Context, id string, m *Mark, t Turn, whole bool) error {
	et, err := encodeTurn(id, m, t, whole)
	if err != nil {
		return err
	}
	args := make([]any, 0, 11+2*len(et.set)+len(et.unset)+len(et.added))
	args = append(args, flag(et.whole), max(r.opt.TTL.Milliseconds(), 1), et.state, et.keep, flag(et.reset), t.Fence, t.Release, r.channel(), t.Event, len(et.set))
	for name, v := range et.set {
		args = append(args, name, v)
	}
	args = append(args, len(et.unset))
	for _, name := range et.unset {
		args = append(args, name)
	}
	for _, e := range et.added {
		args = append(args, e)
	}
	lk := r.leaseKeys(id)
	keys := append(r.keys(id), lk[0], lk[1])
	if err := appendScript.Run(ctx, r.c, keys, args...).Err(); err != nil {
		return err
	}
	m.written(et)
	return nil
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Remove implements Store.
func (r *Redis) Remove(ctx context.Context, id string) error {
	if err := r.c.Del(ctx, r.keys(id)...).Err(); err != nil {
		return r.fail("removing a session", err)
	}
	return nil
}

// Sweep implements Store: Redis expires sessions itself, so a sweep only
// renews the expiry of the live sessions (held in memory, which expire by
// their own clock), as a turn would.
func (r *Redis) Sweep(ctx context.Context, live []string) (Swept, error) {
	if len(live) == 0 {
		return Swept{}, nil
	}
	ttl := r.opt.TTL
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range live {
			for _, k := range r.keys(id) {
				p.PExpire(ctx, k, ttl)
			}
			p.PExpire(ctx, r.leaseKeys(id)[1], ttl)
		}
		return nil
	})
	if err != nil {
		return Swept{}, r.fail("renewing sessions", err)
	}
	return Swept{}, nil
}

// Ping implements Store.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.c.Ping(ctx).Err(); err != nil {
		return r.fail("ping", err)
	}
	return nil
}

// Close implements Store.
func (r *Redis) Close() error { return r.c.Close() }

// LogRedisTo sends what the Redis client reports of its own (a dial that
// failed, a connection pool's trouble) to log at warning level, rather than
// to the standard error the client writes to by default. The client has one
// logger for the whole process: the program calls this once, at start-up.
func LogRedisTo(log *slog.Logger) { redis.SetLogger(redisLog{log}) }

// redisLog adapts a slog.Logger to the Redis client's logger.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
}
