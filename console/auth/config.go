package auth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Config configures an Auth. Zero fields take the defaults in withDefaults.
type Config struct {
	Users []User
	// SessionTTL is how long a session lasts from login. Default 12h.
	SessionTTL time.Duration
	// SecureCookie sets Secure on cookies: set it when serving over TLS.
	SecureCookie bool
	// LoginLimit is the number of failed logins per user and client IP
	// within LoginWindow after which logins are refused. Default 5.
	LoginLimit int
	// LoginWindow is the window failed logins are counted over. Default 15m.
	LoginWindow time.Duration
	// MaxSessions bounds the sessions kept: past it the oldest are dropped.
	// Default 100000.
	MaxSessions int
	// ClientIP names the client of a request for rate limiting. Default:
	// the host of r.RemoteAddr. Behind a trusted proxy the wiring may read
	// its header instead; X-Forwarded-For is not trusted by default.
	ClientIP func(r *http.Request) string
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Defaults.
const (
	DefaultSessionTTL  = 12 * time.Hour
	DefaultLoginLimit  = 5
	DefaultLoginWindow = 15 * time.Minute
	DefaultMaxSessions = 100_000
)

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.SessionTTL == 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.LoginLimit == 0 {
		c.LoginLimit = DefaultLoginLimit
	}
	if c.LoginWindow == 0 {
		c.LoginWindow = DefaultLoginWindow
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.ClientIP == nil {
		c.ClientIP = remoteHost
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate checks the users (see Validate) and the limits. Zero limits are
// fine (they take defaults); negative ones are not. It never changes c.
func (c Config) Validate() error {
	errs := []error{Validate(c.Users)}
	if c.SessionTTL < 0 {
		errs = append(errs, fmt.Errorf("console.session_ttl (%s) must not be negative", c.SessionTTL))
	} else if c.SessionTTL > 0 && c.SessionTTL < time.Second {
		errs = append(errs, fmt.Errorf("console.session_ttl (%s) must be at least 1s", c.SessionTTL))
	}
	if c.LoginLimit < 0 {
		errs = append(errs, fmt.Errorf("console.login_limit (%d) must not be negative", c.LoginLimit))
	}
	if c.LoginWindow < 0 {
		errs = append(errs, fmt.Errorf("console.login_window (%s) must not be negative", c.LoginWindow))
	}
	if c.MaxSessions < 0 {
		errs = append(errs, fmt.Errorf("console.max_sessions (%d) must not be negative", c.MaxSessions))
	}
	return errors.Join(errs...)
}

// remoteHost returns the host of r.RemoteAddr, or all of it when it has no port.
func remoteHost(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
