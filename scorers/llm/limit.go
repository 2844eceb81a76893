package llm

import (
	"fmt"
	"sync"
	"time"
)

// bucket is a token bucket holding a minute's worth of a rate: full, a
// minute's worth may go at once, then it refills continuously. Takers
// reserve first and wait after, so the level can go below zero: the
// debt is what later takers wait for (first come, first served).
type bucket struct {
	mu       sync.Mutex
	perSec   float64
	capacity float64
	level    float64
	last     time.Time
}

func newBucket(perMinute int, now time.Time) *bucket {
	return &bucket{perSec: float64(perMinute) / 60, capacity: float64(perMinute), level: float64(perMinute), last: now}
}

// take reserves n (at most the capacity, so that one large request can
// still go) and returns how long the taker must wait for it.
func (b *bucket) take(n float64, now time.Time) time.Duration {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.level -= min(n, b.capacity)
	if b.level >= 0 {
		return 0
	}
	return time.Duration(-b.level / b.perSec * float64(time.Second))
}

// adjust adds n back (a refund, or the reported usage being less than the
// estimate) or, when n is negative, charges more.
func (b *bucket) adjust(n float64, now time.Time) {
	if b == nil || n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.level = min(b.capacity, b.level+n)
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.level = min(b.capacity, b.level+now.Sub(b.last).Seconds()*b.perSec)
		b.last = now
	}
}

// outcome is how a request ended, as the breaker sees it.
type outcome int

const (
	succeeded outcome = iota // the service answered
	failed                   // the request failed after its retries
	neutral                  // says nothing about the service: the caller gave up, or the request itself was bad
)

// breaker is a circuit breaker over interactions: after threshold
// requests in a row failed it rejects requests for cooldown, then lets
// one trial through (half-open); the trial's outcome closes or reopens it.
type breaker struct {
	mu        sync.Mutex
	threshold int
	cooldown  time.Duration
	failures  int
	openedAt  time.Time
	trial     bool // a half-open trial is in flight
}

// allow reports whether a request may go, and whether it is the trial.
// Every allowed request must be followed by done.
func (b *breaker) allow(now time.Time) (trial bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.threshold {
		return false, nil
	}
	if wait := b.openedAt.Add(b.cooldown).Sub(now); wait > 0 {
		return false, fmt.Errorf("llm: circuit open after %d failures; next try in %s", b.failures, roundUp(wait))
	}
	if b.trial {
		return false, fmt.Errorf("llm: circuit open after %d failures; a trial request is in flight", b.failures)
	}
	b.trial = true
	return true, nil
}

// done records the outcome of an allowed request.
func (b *breaker) done(trial bool, o outcome, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if trial {
		b.trial = false
	}
	switch o {
	case succeeded:
		b.failures = 0
	case failed:
		b.failures++
		if b.failures >= b.threshold {
			b.openedAt = now
		}
	}
}

// roundUp rounds d up to a whole second, or to a millisecond below one.
func roundUp(d time.Duration) time.Duration {
	if d < time.Second {
		return (d + time.Millisecond - 1).Truncate(time.Millisecond)
	}
	return (d + time.Second - 1).Truncate(time.Second)
}
