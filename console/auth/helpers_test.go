package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	hashOnce sync.Map // password → bcrypt hash at MinCost, so tests stay fast
)

func hash(t testing.TB, pw string) string {
	t.Helper()
	if h, ok := hashOnce.Load(pw); ok {
		return h.(string)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	hashOnce.Store(pw, string(h))
	return string(h)
}

const botToken = "zj_bot-token-for-tests"

// testUsers has one user per role, a qa reviewer restricted to tenants a and
// c, and a machine user that only has an API token.
func testUsers(t testing.TB) []User {
	return []User{
		{Name: "ada", Role: Admin, PasswordHash: hash(t, "ada-pw")},
		{Name: "quinn", Role: QA, Tenants: []string{"a", "c"}, PasswordHash: hash(t, "quinn-pw")},
		{Name: "tess", Role: Trainer, PasswordHash: hash(t, "tess-pw")},
		{Name: "cleo", Role: Client, Tenants: []string{"a"}, PasswordHash: hash(t, "cleo-pw")},
		{Name: "bot", Role: QA, TokenHashes: []string{HashToken(botToken)}},
	}
}

// newAuth returns an Auth over testUsers with a fake clock; edit changes
// the config first.
func newAuth(t testing.TB, edit func(*Config)) (*Auth, *clock) {
	t.Helper()
	clk := newClock()
	cfg := Config{Users: testUsers(t), Now: clk.Now}
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a, clk
}

// login signs user in from 192.0.2.1 and returns the session cookie and
// CSRF token.
func login(t testing.TB, a *Auth, user, pw string) (*http.Cookie, string) {
	t.Helper()
	w := httptest.NewRecorder()
	_, csrf, err := a.Login(w, httptest.NewRequest("POST", "/login", nil), user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	c := sessionCookie(t, w)
	if c == nil {
		t.Fatalf("login %s set no session cookie", user)
	}
	return c, csrf
}

// sessionCookie returns the session cookie a response set, nil if none.
func sessionCookie(t testing.TB, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	return nil
}

// request builds a request with the cookie (when not nil).
func request(method, target string, c *http.Cookie) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

// formRequest builds a form POST with the cookie (when not nil).
func formRequest(target string, form url.Values, c *http.Cookie) *http.Request {
	r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

// echoUser is a handler that answers 200 with the caller's name.
var echoUser = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p := From(r.Context())
	if p == nil {
		http.Error(w, "no principal in context", http.StatusInternalServerError)
		return
	}
	w.Write([]byte(p.User))
})
