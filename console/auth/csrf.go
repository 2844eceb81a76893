package auth

import (
	"crypto/subtle"
	"mime"
	"net/http"
)

// CSRF header and form field names.
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf_token"
)

// CSRF returns the CSRF token of the request's session, for forms and for
// the X-CSRF-Token header of scripts. It is empty when the request has no
// session, or comes with an API token.
func (a *Auth) CSRF(r *http.Request) string {
	if _, s := a.authenticate(r); s != nil {
		return s.csrf
	}
	return ""
}

// CheckCSRF reports whether r may go ahead as far as CSRF is concerned:
// safe methods (GET, HEAD, OPTIONS) and API-token requests always may; an
// unsafe request on a cookie session must carry the session's token in the
// X-CSRF-Token header or the csrf_token form field (compared in constant
// time); an anonymous unsafe request may not.
func (a *Auth) CheckCSRF(r *http.Request) bool {
	if safeMethod(r.Method) {
		return true
	}
	p, s := a.authenticate(r)
	if p.ViaToken() {
		return true
	}
	return s != nil && csrfMatches(r, s.csrf)
}

func csrfMatches(r *http.Request, want string) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" && isForm(r) {
		// Body only: a token in the URL would leak into logs and Referer.
		got = r.PostFormValue(CSRFField)
	}
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// safeMethod reports whether m is a method that changes nothing. Unknown
// methods count as unsafe.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}
