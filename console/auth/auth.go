package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// CookieName is the session cookie's name.
const CookieName = "zhijian_session"

// ErrInvalid is returned by Login for an unknown user or a wrong password;
// it does not say which.
var ErrInvalid = errors.New("unknown user or wrong password")

// maxSessionCookies bounds the session cookies of one request looked at.
const maxSessionCookies = 4

// Auth authenticates console requests. It is safe for concurrent use.
type Auth struct {
	cfg      Config
	users    map[string]*account
	tokens   map[string]*account // by lower-case hex sha256 of the token
	dummy    []byte              // bcrypt hash compared against for unknown users
	sessions *sessions
	limiter  *limiter
	origin   *http.CrossOriginProtection
}

// account is a configured user, ready for checks.
type account struct {
	user User
	hash []byte // nil: no password login
}

func (a *account) principal() *Principal { return NewPrincipal(a.user) }

// New checks cfg and returns an Auth for it.
func New(cfg Config) (*Auth, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	a := &Auth{
		cfg:      cfg,
		users:    map[string]*account{},
		tokens:   map[string]*account{},
		sessions: newSessions(cfg.MaxSessions),
		limiter:  newLimiter(cfg.LoginLimit, cfg.LoginWindow),
		origin:   http.NewCrossOriginProtection(),
	}
	cost := 0
	for _, u := range cfg.Users {
		u.Tenants = append([]string(nil), u.Tenants...)
		u.TokenHashes = append([]string(nil), u.TokenHashes...)
		acc := &account{user: u}
		if u.PasswordHash != "" {
			acc.hash = []byte(u.PasswordHash)
			c, _ := bcrypt.Cost(acc.hash) // Validate parsed it
			cost = max(cost, c)
		}
		a.users[u.Name] = acc
		for _, h := range u.TokenHashes {
			a.tokens[strings.ToLower(h)] = acc
		}
	}
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	// The dummy costs as much as the dearest known hash, so an unknown user
	// is not answered faster than a known one.
	var pw [16]byte
	rand.Read(pw[:])
	dummy, err := bcrypt.GenerateFromPassword(pw[:], cost)
	if err != nil {
		return nil, fmt.Errorf("dummy password hash: %w", err)
	}
	a.dummy = dummy
	return a, nil
}

// Login checks user's password and, on success, starts a session: it sets
// the session cookie on w and returns the principal and the session's CSRF
// token. It returns ErrInvalid for an unknown user or a wrong password
// (taking as long either way), and a *TooManyError (errors.Is ErrTooMany)
// without checking the password when too many logins failed for the user
// from the request's client IP. A session the request already had is ended.
func (a *Auth) Login(w http.ResponseWriter, r *http.Request, user, password string) (*Principal, string, error) {
	key := limitKey(user, a.cfg.ClientIP(r))
	if err := a.limiter.begin(key, a.cfg.Now()); err != nil {
		return nil, "", err
	}
	acc := a.users[user]
	ok := a.checkPassword(acc, password)
	a.limiter.end(key, a.cfg.Now(), ok)
	if !ok {
		return nil, "", ErrInvalid
	}

	a.endSessions(r)
	id, s := a.sessions.create(acc.user.Name, a.cfg.Now(), a.cfg.SessionTTL)
	http.SetCookie(w, a.cookie(id, int(a.cfg.SessionTTL.Seconds())))
	return acc.principal(), s.csrf, nil
}

// checkPassword compares password with acc's hash, or with the dummy hash
// when there is no such user or it has no password, so that every failure
// costs one bcrypt comparison.
func (a *Auth) checkPassword(acc *account, password string) bool {
	hash := a.dummy
	known := acc != nil && acc.hash != nil
	if known {
		hash = acc.hash
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	// bcrypt ignores bytes past the 72nd: refuse such passwords rather than
	// accept any suffix.
	return known && err == nil && password != "" && len(password) <= maxPasswordLen
}

// Logout ends the request's session, if any, and clears the cookie.
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) {
	a.endSessions(r)
	http.SetCookie(w, a.cookie("", -1))
}

// endSessions ends every session the request's cookies name.
func (a *Auth) endSessions(r *http.Request) {
	for i, c := range r.CookiesNamed(CookieName) {
		if i == maxSessionCookies {
			break
		}
		a.sessions.end(c.Value)
	}
}

func (a *Auth) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   a.cfg.SecureCookie,
		SameSite: http.SameSiteLaxMode,
	}
}

// Authenticate returns the caller of r: the owner of a Bearer token, else
// the user of the session cookie; nil when anonymous. A Bearer token that
// is not configured makes the request anonymous whatever cookies it has.
func (a *Auth) Authenticate(r *http.Request) *Principal {
	p, _ := a.authenticate(r)
	return p
}

// authenticate returns the caller and, for a cookie session, the session.
func (a *Auth) authenticate(r *http.Request) (*Principal, *session) {
	if token, ok := bearer(r.Header.Get("Authorization")); ok {
		acc := a.tokens[HashToken(token)]
		if acc == nil {
			return nil, nil
		}
		p := acc.principal()
		p.token = true
		return p, nil
	}
	s, ok := a.session(r)
	if !ok {
		return nil, nil
	}
	acc := a.users[s.user]
	if acc == nil {
		return nil, nil
	}
	return acc.principal(), &s
}

// session returns the first live session the request's cookies name.
func (a *Auth) session(r *http.Request) (session, bool) {
	now := a.cfg.Now()
	for i, c := range r.CookiesNamed(CookieName) {
		if i == maxSessionCookies {
			break
		}
		if s, ok := a.sessions.get(c.Value, now); ok {
			return s, true
		}
	}
	return session{}, false
}

// bearer returns the token of an "Authorization: Bearer TOKEN" header. ok
// is false for other schemes (a proxy's Basic auth), which are ignored; an
// empty Bearer token is returned as such and matches no user.
func bearer(h string) (token string, ok bool) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(rest), true
}
