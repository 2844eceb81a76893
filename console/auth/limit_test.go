package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// tryLogin logs user in from ip and returns the error.
func tryLogin(a *Auth, user, pw, ip string) error {
	r := httptest.NewRequest("POST", "/login", nil)
	r.RemoteAddr = ip + ":40000"
	_, _, err := a.Login(httptest.NewRecorder(), r, user, pw)
	return err
}

func TestLoginLockedOutAfterLimitFailures(t *testing.T) {
	a, clk := newAuth(t, func(c *Config) { c.LoginLimit = 3 })
	for i := range 3 {
		if err := tryLogin(a, "quinn", "guess", "203.0.113.9"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("failure %d: %v", i, err)
		}
		clk.Advance(time.Minute)
	}
	// The right password no longer helps, and no cookie is set.
	r := httptest.NewRequest("POST", "/login", nil)
	r.RemoteAddr = "203.0.113.9:40000"
	w := httptest.NewRecorder()
	_, _, err := a.Login(w, r, "quinn", "quinn-pw")
	var tm *TooManyError
	if !errors.Is(err, ErrTooMany) || !errors.As(err, &tm) {
		t.Fatalf("after 3 failures: %v, want ErrTooMany", err)
	}
	if len(w.Header().Values("Set-Cookie")) != 0 {
		t.Error("locked-out login set a cookie")
	}
	// The first failure leaves the window 15m after it, 3m have passed.
	if tm.RetryAfter != 12*time.Minute {
		t.Errorf("RetryAfter = %s, want 12m", tm.RetryAfter)
	}

	// Only this user from this IP is locked out.
	if err := tryLogin(a, "quinn", "quinn-pw", "203.0.113.10"); err != nil {
		t.Errorf("same user, other IP: %v", err)
	}
	if err := tryLogin(a, "tess", "tess-pw", "203.0.113.9"); err != nil {
		t.Errorf("other user, same IP: %v", err)
	}

	// When the first failure leaves the window, one more try is allowed.
	clk.Advance(12*time.Minute - time.Second)
	if err := tryLogin(a, "quinn", "quinn-pw", "203.0.113.9"); !errors.Is(err, ErrTooMany) {
		t.Fatalf("1s before the window ends: %v", err)
	}
	clk.Advance(time.Second)
	if err := tryLogin(a, "quinn", "quinn-pw", "203.0.113.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestSuccessfulLoginClearsTheFailures(t *testing.T) {
	a, _ := newAuth(t, func(c *Config) { c.LoginLimit = 3 })
	for range 2 {
		tryLogin(a, "cleo", "guess", "192.0.2.7")
	}
	if err := tryLogin(a, "cleo", "cleo-pw", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := tryLogin(a, "cleo", "guess", "192.0.2.7"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("failure %d after a success: %v", i, err)
		}
	}
	if err := tryLogin(a, "cleo", "cleo-pw", "192.0.2.7"); err != nil {
		t.Fatalf("2 failures after a success locked out: %v", err)
	}
	if n := a.limiter.len(); n != 0 {
		t.Errorf("limiter keeps %d keys after successes", n)
	}
}

func TestUnknownUsersAreLimitedToo(t *testing.T) {
	// Otherwise the lockout would tell which names exist.
	a, _ := newAuth(t, func(c *Config) { c.LoginLimit = 2 })
	for range 2 {
		tryLogin(a, "mallory", "x", "192.0.2.8")
	}
	if err := tryLogin(a, "mallory", "x", "192.0.2.8"); !errors.Is(err, ErrTooMany) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestDefaultLimitIsFiveFailures(t *testing.T) {
	a, _ := newAuth(t, nil)
	for i := range 5 {
		if err := tryLogin(a, "ada", "x", "192.0.2.9"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if err := tryLogin(a, "ada", "ada-pw", "192.0.2.9"); !errors.Is(err, ErrTooMany) {
		t.Fatalf("after 5 failures: %v", err)
	}
}

func TestParallelGuessesCannotOvershootTheLimit(t *testing.T) {
	a, _ := newAuth(t, func(c *Config) { c.LoginLimit = 3 })
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		checked int
	)
	for range 40 {
		wg.Go(func() {
			err := tryLogin(a, "ada", "guess", "192.0.2.10")
			if errors.Is(err, ErrInvalid) {
				mu.Lock()
				checked++
				mu.Unlock()
			} else if !errors.Is(err, ErrTooMany) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if checked > 3 {
		t.Errorf("%d passwords checked, limit is 3", checked)
	}
}

func TestAttemptsInFlightCount(t *testing.T) {
	l := newLimiter(2, time.Minute)
	now := time.Unix(0, 0)
	for range 2 {
		if err := l.begin("k", now); err != nil {
			t.Fatal(err)
		}
	}
	err := l.begin("k", now)
	var tm *TooManyError
	if !errors.As(err, &tm) || tm.RetryAfter != time.Second {
		t.Fatalf("third attempt in flight: %v", err)
	}
	l.end("k", now, false)
	l.end("k", now, true)
	if err := l.begin("k", now); err != nil {
		t.Fatalf("after the attempts ended: %v", err)
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	a, clk := newAuth(t, func(c *Config) { c.LoginLimit = 2 })
	a.limiter.max = 3
	for _, u := range []string{"u1", "u2", "u3", "u4", "u5"} {
		tryLogin(a, u, "x", "192.0.2.11")
		clk.Advance(time.Second)
	}
	if n := a.limiter.len(); n != 3 {
		t.Fatalf("%d keys, bound is 3", n)
	}
	// Keys whose failures left the window are dropped first.
	clk.Advance(time.Hour)
	tryLogin(a, "u6", "x", "192.0.2.11")
	if n := a.limiter.len(); n != 1 {
		t.Errorf("%d keys after the window, want 1", n)
	}
}

func TestClientIPIsRemoteAddrNotForwardedFor(t *testing.T) {
	a, _ := newAuth(t, func(c *Config) { c.LoginLimit = 1 })
	r := httptest.NewRequest("POST", "/login", nil)
	r.RemoteAddr = "192.0.2.12:1111"
	a.Login(httptest.NewRecorder(), r, "ada", "x")
	r = httptest.NewRequest("POST", "/login", nil)
	r.RemoteAddr = "192.0.2.12:2222"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	if _, _, err := a.Login(httptest.NewRecorder(), r, "ada", "ada-pw"); !errors.Is(err, ErrTooMany) {
		t.Fatalf("X-Forwarded-For escaped the lockout: %v", err)
	}

	// The wiring may name the client otherwise.
	a, _ = newAuth(t, func(c *Config) {
		c.LoginLimit = 1
		c.ClientIP = func(r *http.Request) string { return r.Header.Get("X-Real-IP") }
	})
	r = httptest.NewRequest("POST", "/login", nil)
	r.Header.Set("X-Real-IP", "198.51.100.1")
	a.Login(httptest.NewRecorder(), r, "ada", "x")
	r = httptest.NewRequest("POST", "/login", nil)
	r.Header.Set("X-Real-IP", "198.51.100.2")
	if _, _, err := a.Login(httptest.NewRecorder(), r, "ada", "ada-pw"); err != nil {
		t.Fatalf("other client: %v", err)
	}
}
