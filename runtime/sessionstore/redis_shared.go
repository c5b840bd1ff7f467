package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The Redis store is Shared: several instances of a bot run the turns of
// one session one at a time, each under a lease, and tell each other's
// connections what they said through one pub/sub channel per bot. A
// session's lease is two more keys beside its others:
//
//	<prefix>{<hash>}:lease    string: who holds the lease, expiring after its TTL
//	<prefix>{<hash>}:fence    the counter of the session's fencing tokens
//	<prefix>{<hash>}:version  the token of the last turn written
//
// A lease rather than an owner per session: any instance serves any
// connection at once, an instance that dies holds its sessions at most
// one lease TTL, and nothing is rebalanced when instances come and go.

// leaseScript takes a lease: KEYS lease, fence, version; ARGV the holder,
// the lease's TTL and the session's TTL in milliseconds, and the holder's
// instance ("" for none). It answers the new fencing token and the version,
// or an empty array while another holds it. A lease held by the same
// instance is taken over: an instance runs one turn of a session at a
// time, so such a lease is one whose answer was lost (a timeout).
var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur or (ARGV[4] ~= '' and string.sub(cur, 1, #ARGV[4]) == ARGV[4]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  local token = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return {token, redis.call('GET', KEYS[3]) or '0'}
end
return {}
`)

// renewScript extends a lease its holder (ARGV[1]) still holds to ARGV[2]
// milliseconds; 0 when the lease is someone else's or gone.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// releaseScript deletes a lease its holder (ARGV[1]) still holds.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// leasePoll bounds the wait between two tries at a busy lease: a turn
// takes milliseconds, so the first tries come soon.
const leasePoll = 50 * time.Millisecond

// Lease implements Shared.
func (r *Redis) Lease(ctx context.Context, id, owner string, ttl time.Duration) (Lease, error) {
	instance := ""
	if i := strings.LastIndexByte(owner, ':'); i > 0 {
		instance = owner[:i+1]
	}
	wait := time.Millisecond
	for {
		res, err := leaseScript.Run(ctx, r.c, r.leaseKeys(id), owner, max(ttl.Milliseconds(), 1), max(r.opt.TTL.Milliseconds(), 1), instance).Slice()
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return Lease{}, r.fail("taking a lease", fmt.Errorf("%w: %w", ErrLeaseBusy, err))
			}
			return Lease{}, r.fail("taking a lease", err)
		}
		if len(res) == 2 {
			token, ok := res[0].(int64)
			version, err := strconv.ParseInt(fmt.Sprint(res[1]), 10, 64)
			if !ok || err != nil {
				return Lease{}, r.fail("taking a lease", fmt.Errorf("unexpected answer %v", res))
			}
			return Lease{Owner: owner, Token: token, Version: version}, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return Lease{}, r.fail("taking a lease", fmt.Errorf("%w: %w", ErrLeaseBusy, ctx.Err()))
		case <-t.C:
		}
		wait = min(2*wait, leasePoll)
	}
}

// Renew implements Shared.
func (r *Redis) Renew(ctx context.Context, id string, l Lease, ttl time.Duration) error {
	n, err := renewScript.Run(ctx, r.c, r.leaseKeys(id)[:1], l.Owner, max(ttl.Milliseconds(), 1)).Int()
	if err != nil {
		return r.fail("renewing a lease", err)
	}
	if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// Release implements Shared.
func (r *Redis) Release(ctx context.Context, id string, l Lease) error {
	if err := releaseScript.Run(ctx, r.c, r.leaseKeys(id)[:1], l.Owner).Err(); err != nil {
		return r.fail("releasing a lease", err)
	}
	return nil
}

// Version implements Shared.
func (r *Redis) Version(ctx context.Context, id string) (int64, error) {
	v, err := r.c.Get(ctx, r.leaseKeys(id)[2]).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, r.fail("reading a session's version", err)
	}
	return v, nil
}

// Publish implements Shared.
func (r *Redis) Publish(ctx context.Context, event []byte) error {
	if err := r.c.Publish(ctx, r.channel(), event).Err(); err != nil {
		return r.fail("publishing", err)
	}
	return nil
}

// subscribePing is how long a subscription waits for an event before it
// pings: a connection that died without a word is found then.
const subscribePing = 15 * time.Second

// Subscribe implements Shared. It holds one connection of its own, which
// the client dials again after a failure; lost is called each time the
// subscription is (re)established, since what was published in between
// never arrives.
func (r *Redis) Subscribe(ctx context.Context, deliver func([]byte), lost func()) error {
	ps := r.c.Subscribe(ctx, r.channel())
	defer ps.Close()
	// A receive waits on the connection; closing it ends the wait at once.
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	defer stop()
	wait := subscribeRetry
	for {
		msg, err := ps.ReceiveTimeout(ctx, subscribePing)
		if ctx.Err() != nil {
			return nil
		}
		var ne interface{ Timeout() bool }
		switch m := msg.(type) {
		case *redis.Message:
			deliver([]byte(m.Payload))
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				wait = subscribeRetry
				lost()
			}
		case *redis.Pong:
		default:
			if errors.As(err, &ne) && ne.Timeout() {
				// Quiet: make sure the connection is alive; a dead one
				// is dialled again by the next receive.
				_ = ps.Ping(ctx)
				continue
			}
			if err != nil {
				// The client dials and resubscribes on the next receive:
				// while Redis is away, less and less often.
				t := time.NewTimer(wait)
				select {
				case <-ctx.Done():
					t.Stop()
					return nil
				case <-t.C:
				}
				wait = min(2*wait, subscribeRetryMax)
			}
		}
	}
}

// subscribeRetry is the first wait before a lost subscription is dialled
// again, doubled at each failure up to subscribeRetryMax; the other calls
// fail fast while Redis is away, and the client's pool then dials once a
// second until it answers.
const (
	subscribeRetry    = 100 * time.Millisecond
	subscribeRetryMax = 5 * time.Second
)

var _ Shared = (*Redis)(nil)
