package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLoginSetsASessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			a, _ := newAuth(t, func(c *Config) { c.SecureCookie = secure })
			w := httptest.NewRecorder()
			p, csrf, err := a.Login(w, httptest.NewRequest("POST", "/login", nil), "quinn", "quinn-pw")
			if err != nil {
				t.Fatal(err)
			}
			if p.User != "quinn" || p.Role != QA || !p.CanSee("a") || p.CanSee("b") {
				t.Errorf("principal = %+v", p)
			}
			if len(csrf) < 40 {
				t.Errorf("csrf token %q is too short", csrf)
			}
			c := sessionCookie(t, w)
			if c == nil {
				t.Fatal("no session cookie")
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || c.MaxAge != 12*3600 {
				t.Errorf("cookie = %+v", c)
			}
			if len(c.Value) != sessionIDLen {
				t.Errorf("session id %q has %d characters", c.Value, len(c.Value))
			}
			got := a.Authenticate(request("GET", "/", c))
			if got == nil || got.User != "quinn" || got.ViaToken() {
				t.Fatalf("Authenticate = %+v", got)
			}
			if a.CSRF(request("GET", "/", c)) != csrf {
				t.Error("CSRF(r) is not the token Login returned")
			}
		})
	}
}

func TestFailedLoginSetsNoCookie(t *testing.T) {
	a, _ := newAuth(t, nil)
	long := strings.Repeat("x", 72)
	a2, _ := newAuth(t, func(c *Config) {
		c.Users = append(c.Users, User{Name: "long", Role: QA, PasswordHash: hash(t, long)})
	})
	for _, tc := range []struct {
		name, user, pw string
		a              *Auth
	}{
		{"wrong password", "quinn", "nope", a},
		{"unknown user", "mallory", "quinn-pw", a},
		{"empty password", "quinn", "", a},
		{"another user's password", "ada", "quinn-pw", a},
		{"user name in other case", "Quinn", "quinn-pw", a},
		{"token-only user without a password", "bot", "", a},
		{"token-only user with its token", "bot", botToken, a},
		{"password past bcrypt's 72 bytes", "long", long + "anything", a2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			p, csrf, err := tc.a.Login(w, httptest.NewRequest("POST", "/login", nil), tc.user, tc.pw)
			if !errors.Is(err, ErrInvalid) || p != nil || csrf != "" {
				t.Fatalf("Login = %v, %q, %v; want ErrInvalid", p, csrf, err)
			}
			if h := w.Header().Values("Set-Cookie"); len(h) != 0 {
				t.Errorf("Set-Cookie: %q", h)
			}
		})
	}
	if _, _, err := a2.Login(httptest.NewRecorder(), httptest.NewRequest("POST", "/login", nil), "long", long); err != nil {
		t.Errorf("72-byte password: %v", err)
	}
}

func TestSessionExpiresAfterTTL(t *testing.T) {
	a, clk := newAuth(t, func(c *Config) { c.SessionTTL = time.Hour })
	c, _ := login(t, a, "cleo", "cleo-pw")
	if c.MaxAge != 3600 {
		t.Errorf("MaxAge = %d", c.MaxAge)
	}
	clk.Advance(time.Hour - time.Second)
	if a.Authenticate(request("GET", "/", c)) == nil {
		t.Fatal("session ended before its TTL")
	}
	clk.Advance(time.Second)
	if p := a.Authenticate(request("GET", "/", c)); p != nil {
		t.Fatalf("expired session authenticates as %+v", p)
	}
	if a.sessions.len() != 0 {
		t.Errorf("expired session kept: %d sessions", a.sessions.len())
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	a, _ := newAuth(t, nil)
	c, _ := login(t, a, "ada", "ada-pw")
	other, _ := login(t, a, "ada", "ada-pw") // another browser
	w := httptest.NewRecorder()
	a.Logout(w, request("POST", "/logout", c))
	cleared := sessionCookie(t, w)
	if cleared == nil || cleared.Value != "" || cleared.MaxAge >= 0 || !cleared.HttpOnly || cleared.Path != "/" {
		t.Fatalf("logout cookie = %+v, want a cleared one", cleared)
	}
	if p := a.Authenticate(request("GET", "/", c)); p != nil {
		t.Fatalf("after logout Authenticate = %+v", p)
	}
	if a.Authenticate(request("GET", "/", other)) == nil {
		t.Error("logout ended the user's other session too")
	}
	// Logging out without a session clears the cookie and nothing else.
	w = httptest.NewRecorder()
	a.Logout(w, request("POST", "/logout", nil))
	if sessionCookie(t, w) == nil {
		t.Error("anonymous logout did not clear the cookie")
	}
}

func TestLoginEndsTheSessionTheRequestCameWith(t *testing.T) {
	a, _ := newAuth(t, nil)
	planted, _ := login(t, a, "cleo", "cleo-pw")
	w := httptest.NewRecorder()
	if _, _, err := a.Login(w, request("POST", "/login", planted), "ada", "ada-pw"); err != nil {
		t.Fatal(err)
	}
	if a.Authenticate(request("GET", "/", planted)) != nil {
		t.Error("the old session survived a new login")
	}
	fresh := sessionCookie(t, w)
	if fresh.Value == planted.Value {
		t.Error("login kept the session id")
	}
	if p := a.Authenticate(request("GET", "/", fresh)); p == nil || p.User != "ada" {
		t.Errorf("new session = %+v", p)
	}
}

func TestOldestSessionsDroppedPastTheBound(t *testing.T) {
	a, _ := newAuth(t, func(c *Config) { c.MaxSessions = 3 })
	var cookies []*http.Cookie
	for range 5 {
		c, _ := login(t, a, "tess", "tess-pw")
		cookies = append(cookies, c)
	}
	if n := a.sessions.len(); n != 3 {
		t.Fatalf("%d sessions kept, want 3", n)
	}
	for i, c := range cookies {
		live := a.Authenticate(request("GET", "/", c)) != nil
		if live != (i >= 2) {
			t.Errorf("session %d live = %v", i, live)
		}
	}
}

func TestForgedSessionCookiesAreAnonymous(t *testing.T) {
	a, _ := newAuth(t, nil)
	login(t, a, "ada", "ada-pw")
	for _, v := range []string{"", "x", strings.Repeat("A", sessionIDLen), strings.Repeat("A", 1000), "../../etc"} {
		if p := a.Authenticate(request("GET", "/", &http.Cookie{Name: CookieName, Value: v})); p != nil {
			t.Errorf("cookie %q authenticates as %+v", v, p)
		}
	}
}

func TestSecondSessionCookieIsTried(t *testing.T) {
	// A stale cookie for a narrower path may come first.
	a, _ := newAuth(t, nil)
	c, _ := login(t, a, "ada", "ada-pw")
	r := request("GET", "/", &http.Cookie{Name: CookieName, Value: strings.Repeat("A", sessionIDLen)})
	r.AddCookie(c)
	if p := a.Authenticate(r); p == nil || p.User != "ada" {
		t.Fatalf("Authenticate = %+v", p)
	}
}

func TestBearerTokenAuthenticatesItsUser(t *testing.T) {
	a, _ := newAuth(t, nil)
	for _, h := range []string{"Bearer " + botToken, "bearer " + botToken, "Bearer  " + botToken + " "} {
		r := request("GET", "/api/v1/results", nil)
		r.Header.Set("Authorization", h)
		p := a.Authenticate(r)
		if p == nil || p.User != "bot" || p.Role != QA || !p.ViaToken() || !p.AllTenants() {
			t.Errorf("%q: Authenticate = %+v", h, p)
		}
		if a.CSRF(r) != "" {
			t.Errorf("%q: a token request has a CSRF token", h)
		}
	}
}

func TestUnknownBearerTokenIsAnonymousEvenWithACookie(t *testing.T) {
	a, _ := newAuth(t, nil)
	c, _ := login(t, a, "ada", "ada-pw")
	for _, h := range []string{"Bearer nope", "Bearer ", "Bearer", "Bearer " + HashToken(botToken)} {
		r := request("GET", "/api/v1/results", c)
		r.Header.Set("Authorization", h)
		if p := a.Authenticate(r); p != nil {
			t.Errorf("%q: Authenticate = %+v", h, p)
		}
	}
}

func TestOtherAuthorizationSchemesAreIgnored(t *testing.T) {
	// A proxy in front of the console may use Basic auth.
	a, _ := newAuth(t, nil)
	c, _ := login(t, a, "ada", "ada-pw")
	r := request("GET", "/", c)
	r.SetBasicAuth("proxy", "secret")
	if p := a.Authenticate(r); p == nil || p.User != "ada" {
		t.Fatalf("Authenticate = %+v", p)
	}
}

func TestConcurrentLoginsAndRequests(t *testing.T) {
	a, _ := newAuth(t, func(c *Config) { c.MaxSessions = 50 })
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 10 {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("POST", "/login", nil)
				r.RemoteAddr = fmt.Sprintf("198.51.100.%d:1234", i)
				_, _, err := a.Login(w, r, "quinn", "quinn-pw")
				if err != nil {
					t.Error(err)
					return
				}
				c := sessionCookie(t, w)
				a.Authenticate(request("GET", "/", c))
				if j%3 == 0 {
					a.Logout(httptest.NewRecorder(), request("POST", "/logout", c))
				}
			}
		})
	}
	wg.Wait()
	if n := a.sessions.len(); n > 50 {
		t.Errorf("%d sessions, bound is 50", n)
	}
}
