// Package auth decides who may see what in the console: users and roles,
// tenancy, sessions, CSRF, API tokens and the HTTP middleware that enforces
// them. It uses the standard library and golang.org/x/crypto/bcrypt only.
//
// # Roles and actions
//
// Four roles exist. An admin may do everything, for every tenant. A qa
// reviewer reviews and coaches, for every tenant or the assigned ones. A
// trainer works in the coaching library, for every tenant or the assigned
// ones. A client (the BPO's customer) reads exactly one tenant and never
// sees unredacted personal data. Handlers ask for an Action (Read, Review,
// Coach, Administer, SeePII) with [Auth.Require] or [Principal.Can].
//
// # Tenancy
//
// A [Principal] carries the tenants it may see; nil means all of them. Every
// query a handler runs goes through [Principal.Scope], whose result is the
// store.Filter's Tenants: nil there means "all" and is only ever returned to
// a principal that may see all tenants. When nothing is left the handler
// answers 404 or an empty result, never another tenant's data. Everything
// fails closed: a nil principal, an unknown role, a client without its
// tenant see nothing.
//
// # Sessions
//
// Login checks the password with bcrypt (against a dummy hash for unknown
// users, so that the answer takes as long either way) and starts a session:
// a random 32-byte id in the cookie "zhijian_session" (HttpOnly,
// SameSite=Lax, Path=/, Secure when configured) that expires after
// Config.SessionTTL. Sessions live in memory, keyed by the SHA-256 of their
// id; past Config.MaxSessions the oldest are dropped. A restart signs
// everyone out. Logging in ends the session the request came with, so a
// planted session id is never promoted.
//
// # CSRF
//
// Each session has its own random CSRF token ([Auth.CSRF]). Unsafe methods
// (anything but GET, HEAD and OPTIONS) on a cookie session must send it in
// the X-CSRF-Token header or the csrf_token form field; requests with an API
// token need none, since a browser never adds that header on its own. The
// login form has no session yet: it is guarded by
// [net/http.CrossOriginProtection] instead.
//
// # API tokens
//
// Machines send "Authorization: Bearer TOKEN". The configuration holds only
// the hex SHA-256 of each token ([HashToken]); a request with an unknown
// token is anonymous, even when it also carries a valid session cookie.
// Other Authorization schemes (a proxy's Basic auth) are ignored.
//
// # Rate limiting
//
// Failed logins are counted per (user name as typed, client IP) over
// Config.LoginWindow (15 minutes). At Config.LoginLimit failures Login
// answers [ErrTooMany] without looking at the password, until the oldest
// counted failure leaves the window; a success clears the count. Attempts in
// flight count too, so parallel guesses cannot overshoot the limit. The
// client IP is r.RemoteAddr's host unless Config.ClientIP says otherwise:
// X-Forwarded-For is not trusted by default.
//
// # HTTP answers
//
// [Auth.Require] answers an anonymous caller 401 (JSON) under /api/ and a
// 303 redirect to /login?next=… elsewhere; an authenticated caller without
// the action 404, never 403, so the console never confirms that something
// exists to someone who may not see it; a cookie session's unsafe request
// without the right CSRF token 403.
//
// # Concurrency
//
// An [Auth] is safe for concurrent use. It starts no goroutines: expired
// sessions and stale login counts are dropped as new ones come in.
package auth
