package auth

import (
	"container/list"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrTooMany is returned by Login when too many logins failed for the user
// and client IP; the error is a *TooManyError carrying when to retry.
var ErrTooMany = errors.New("too many failed logins")

// TooManyError says how long a locked-out login has to wait.
type TooManyError struct {
	RetryAfter time.Duration
}

func (e *TooManyError) Error() string {
	return fmt.Sprintf("%v: retry in %s", ErrTooMany, e.RetryAfter.Round(time.Second))
}

// Unwrap makes errors.Is(err, ErrTooMany) hold.
func (e *TooManyError) Unwrap() error { return ErrTooMany }

// Bounds of the limiter's memory.
const (
	maxLimiterKeys = 100_000
	maxKeyUser     = 256 // bytes of the typed user name kept in a key
)

// limiter counts failed logins per key (user and client IP) over a window.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	max    int
	byKey  map[string]*list.Element // of *attempts
	order  list.List                // of *attempts, least recently failed first
}

type attempts struct {
	key      string
	fails    []time.Time // the last failures, oldest first, at most limit
	inflight int
}

func newLimiter(limit int, window time.Duration) *limiter {
	l := &limiter{limit: limit, window: window, max: maxLimiterKeys, byKey: map[string]*list.Element{}}
	l.order.Init()
	return l
}

func limitKey(user, ip string) string {
	if len(user) > maxKeyUser {
		user = user[:maxKeyUser]
	}
	return user + "\x00" + ip
}

// begin reserves an attempt for key, or returns a *TooManyError when the
// failures and the attempts in flight have reached the limit. Every nil
// return must be followed by one call to end.
func (l *limiter) begin(key string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byKey[key]
	if !ok {
		l.makeRoom(now)
		e = l.order.PushBack(&attempts{key: key})
		l.byKey[key] = e
	}
	a := e.Value.(*attempts)
	a.prune(now.Add(-l.window))
	if len(a.fails)+a.inflight >= l.limit {
		retry := time.Second // only attempts in flight: they end soon
		if len(a.fails) >= l.limit {
			retry = max(a.fails[len(a.fails)-l.limit].Add(l.window).Sub(now), time.Second)
		}
		return &TooManyError{RetryAfter: retry}
	}
	a.inflight++
	return nil
}

// end finishes an attempt begun for key: a success clears its failures.
func (l *limiter) end(key string, now time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, found := l.byKey[key]
	if !found {
		return // evicted meanwhile
	}
	a := e.Value.(*attempts)
	a.inflight--
	if ok {
		a.fails = nil
	} else {
		a.fails = append(a.fails, now)
		if len(a.fails) > l.limit {
			a.fails = append(a.fails[:0], a.fails[len(a.fails)-l.limit:]...)
		}
		l.order.MoveToBack(e)
	}
	if len(a.fails) == 0 && a.inflight <= 0 {
		l.remove(e)
	}
}

// makeRoom drops stale keys from the front and, when the map is full, the
// key that failed least recently. Evicting lets a flood of failed logins
// (each costing the attacker a bcrypt comparison's wait) reset one count;
// refusing new keys instead would let it lock everyone out.
func (l *limiter) makeRoom(now time.Time) {
	cutoff := now.Add(-l.window)
	for e := l.order.Front(); e != nil; e = l.order.Front() {
		a := e.Value.(*attempts)
		a.prune(cutoff)
		if len(a.fails) > 0 || a.inflight > 0 {
			break
		}
		l.remove(e)
	}
	for len(l.byKey) >= l.max {
		l.remove(l.order.Front())
	}
}

func (l *limiter) remove(e *list.Element) {
	delete(l.byKey, e.Value.(*attempts).key)
	l.order.Remove(e)
}

func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}

// prune forgets failures at or before cutoff.
func (a *attempts) prune(cutoff time.Time) {
	i := 0
	for i < len(a.fails) && !a.fails[i].After(cutoff) {
		i++
	}
	if i > 0 {
		a.fails = append(a.fails[:0], a.fails[i:]...)
	}
}
