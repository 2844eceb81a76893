package auth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Require wraps next so that it only runs for callers allowed the action:
//
//   - anonymous: 401 with a JSON error under /api/, else a 303 redirect to
//     /login?next=PATH;
//   - authenticated without the action: 404, never 403, so the console does
//     not confirm that something exists to those who may not see it;
//   - an unsafe method on a cookie session without the session's CSRF
//     token: 403.
//
// next finds the principal with From(r.Context()). Responses are marked
// Cache-Control: no-store, since they hold one caller's view; next may
// override that.
func (a *Auth) Require(action Action, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, s := a.authenticate(r)
		if p == nil {
			a.anonymous(w, r)
			return
		}
		if !p.Can(action) {
			notFound(w, r)
			return
		}
		if !safeMethod(r.Method) && !p.ViaToken() && (s == nil || !csrfMatches(r, s.csrf)) {
			fail(w, r, http.StatusForbidden, "missing or wrong CSRF token")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), p)))
	})
}

// anonymous answers a caller that has to sign in first.
func (a *Auth) anonymous(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zhijian"`)
		writeJSON(w, http.StatusUnauthorized, errorBody{Error: "sign-in required"})
		return
	}
	next := "/"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		next = SafeNext(r.URL.RequestURI())
	}
	http.Redirect(w, r, loginURL(next, ""), http.StatusSeeOther)
}

// loginURL is the login page's address, with next and an error code.
func loginURL(next, code string) string {
	q := url.Values{}
	if next != "/" && next != "" {
		q.Set("next", next)
	}
	if code != "" {
		q.Set("error", code)
	}
	if len(q) == 0 {
		return "/login"
	}
	return "/login?" + q.Encode()
}

// notFound answers as the console does for what does not exist, so that a
// refusal cannot be told from a missing page.
func notFound(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) || isJSON(r) {
		fail(w, r, http.StatusNotFound, "not found")
		return
	}
	http.NotFound(w, r)
}

// fail answers with status: a JSON error under /api/ or for JSON requests,
// plain text elsewhere.
func fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) || isJSON(r) {
		writeJSON(w, status, errorBody{Error: msg})
		return
	}
	http.Error(w, msg, status)
}

type errorBody struct {
	Error      string `json:"error"`
	RetryAfter int    `json:"retry_after,omitempty"` // seconds
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do then
}

func isAPI(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

// SafeNext returns next when it is a local path to send a browser to after
// login, and "/" otherwise. A local path starts with "/" but not "//" or
// "/\" (both of which browsers read as another host), has no backslashes or
// control characters (browsers drop tabs and newlines, turning "/\t/x" into
// "//x"), and parses as a URL without scheme or host.
func SafeNext(next string) string {
	if len(next) == 0 || len(next) > 2048 || next[0] != '/' {
		return "/"
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return next
}
