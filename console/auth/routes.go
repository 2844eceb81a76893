package auth

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxLoginBody bounds a login request's body.
const maxLoginBody = 64 << 10

// Routes mounts the sign-in handlers on mux:
//
//   - POST /login: form fields user, password, next → 303 to next (a local
//     path, else "/"), or 303 to /login?error=invalid&next=… on a wrong
//     password; with Content-Type application/json, a body
//     {"user","password"} → 200 {"user","role","csrf_token"} or 401. Both
//     set the session cookie on success and answer 429 with Retry-After
//     when locked out. Cross-origin browser posts are refused (403).
//   - POST /logout: ends the session (CSRF-checked) → 303 to /login, or 204
//     when the request is JSON or accepts only JSON.
//   - GET /api/v1/me → {"user","role","tenants","all_tenants","csrf_token"};
//     tenants is null when the caller may see all of them.
func (a *Auth) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /login", a.handleLogin)
	mux.HandleFunc("POST /logout", a.handleLogout)
	mux.Handle("GET /api/v1/me", a.Require(Read, http.HandlerFunc(a.handleMe)))
}

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

type loginResponse struct {
	User      string `json:"user"`
	Role      Role   `json:"role"`
	CSRFToken string `json:"csrf_token"`
}

func (a *Auth) handleLogin(w http.ResponseWriter, r *http.Request) {
	asJSON := isJSON(r)
	if err := a.origin.Check(r); err != nil {
		fail(w, r, http.StatusForbidden, "cross-origin login refused")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
	var in loginRequest
	var next string
	if asJSON {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			fail(w, r, http.StatusBadRequest, "body is not {\"user\": …, \"password\": …}")
			return
		}
	} else {
		if err := r.ParseMultipartForm(maxLoginBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			fail(w, r, http.StatusBadRequest, "unreadable login form")
			return
		}
		in.User, in.Password = r.PostForm.Get("user"), r.PostForm.Get("password")
		next = r.PostForm.Get("next")
		if next == "" {
			next = r.URL.Query().Get("next")
		}
		next = SafeNext(next)
	}

	p, csrf, err := a.Login(w, r, in.User, in.Password)
	var tooMany *TooManyError
	switch {
	case errors.As(err, &tooMany):
		secs := int((tooMany.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		if asJSON {
			writeJSON(w, http.StatusTooManyRequests, errorBody{Error: "too many failed logins", RetryAfter: secs})
		} else {
			http.Error(w, "too many failed logins; try again in "+wait(secs), http.StatusTooManyRequests)
		}
	case err != nil:
		if asJSON {
			writeJSON(w, http.StatusUnauthorized, errorBody{Error: "wrong user or password"})
		} else {
			http.Redirect(w, r, loginURL(next, "invalid"), http.StatusSeeOther)
		}
	case asJSON:
		writeJSON(w, http.StatusOK, loginResponse{User: p.User, Role: p.Role, CSRFToken: csrf})
	default:
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (a *Auth) handleLogout(w http.ResponseWriter, r *http.Request) {
	if s, ok := a.session(r); ok && !csrfMatches(r, s.csrf) {
		// A cross-site form must not sign the user out. Without a live
		// session there is nothing to protect.
		fail(w, r, http.StatusForbidden, "missing or wrong CSRF token")
		return
	}
	a.Logout(w, r)
	if isJSON(r) || acceptsOnlyJSON(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type meResponse struct {
	User       string   `json:"user"`
	Role       Role     `json:"role"`
	Tenants    []string `json:"tenants"`
	AllTenants bool     `json:"all_tenants"`
	CSRFToken  string   `json:"csrf_token"`
}

func (a *Auth) handleMe(w http.ResponseWriter, r *http.Request) {
	p := From(r.Context())
	writeJSON(w, http.StatusOK, meResponse{
		User:       p.User,
		Role:       p.Role,
		Tenants:    p.Tenants(),
		AllTenants: p.AllTenants(),
		CSRFToken:  a.CSRF(r),
	})
}

// wait says secs for people: "40 seconds", "15 minutes".
func wait(secs int) string {
	if secs < 60 {
		return strconv.Itoa(secs) + " seconds"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}

func acceptsOnlyJSON(r *http.Request) bool {
	acc := r.Header.Get("Accept")
	return strings.Contains(acc, "application/json") && !strings.Contains(acc, "text/html")
}
