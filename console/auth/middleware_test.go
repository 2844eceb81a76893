package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestRequireAllowsEachRoleItsActions(t *testing.T) {
	// Written out rather than derived from Can, so the two check each other.
	allowed := map[string]map[Action]bool{
		"ada":   {Read: true, Review: true, Coach: true, Administer: true, SeePII: true},
		"quinn": {Read: true, Review: true, Coach: true, Administer: false, SeePII: true},
		"tess":  {Read: true, Review: false, Coach: true, Administer: false, SeePII: true},
		"cleo":  {Read: true, Review: false, Coach: false, Administer: false, SeePII: false},
	}
	a, _ := newAuth(t, nil)
	for user, actions := range allowed {
		c, _ := login(t, a, user, user+"-pw")
		for _, action := range Actions() {
			for _, path := range []string{"/api/v1/thing", "/thing"} {
				w := httptest.NewRecorder()
				a.Require(action, echoUser).ServeHTTP(w, request("GET", path, c))
				want := http.StatusNotFound
				if actions[action] {
					want = http.StatusOK
				}
				if w.Code != want {
					t.Errorf("%s %s %s: %d, want %d", user, action, path, w.Code, want)
				}
				if w.Code == http.StatusOK && w.Body.String() != user {
					t.Errorf("%s %s: handler saw %q", user, action, w.Body)
				}
				if w.Code == http.StatusNotFound && strings.HasPrefix(path, "/api/") && !strings.Contains(w.Body.String(), `"error":"not found"`) {
					t.Errorf("%s %s: API 404 body %q", user, action, w.Body)
				}
			}
		}
	}
}

func TestRequireAnswersAnonymousAPIWith401(t *testing.T) {
	a, _ := newAuth(t, nil)
	for _, method := range []string{"GET", "POST"} {
		w := httptest.NewRecorder()
		a.Require(Read, echoUser).ServeHTTP(w, request(method, "/api/v1/results?tenant=a", nil))
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("%s: %d, want 401", method, w.Code)
		}
		var body map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["error"] == "" {
			t.Errorf("%s: body %q is not a JSON error", method, w.Body)
		}
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
		}
	}
}

func TestRequireRedirectsAnonymousPagesToLogin(t *testing.T) {
	a, _ := newAuth(t, nil)
	for _, tc := range []struct{ method, target, want string }{
		{"GET", "/review?tenant=a&sort=severity", "/login?next=" + url.QueryEscape("/review?tenant=a&sort=severity")},
		{"GET", "/", "/login"},
		{"POST", "/review/42/verdict", "/login"},
	} {
		w := httptest.NewRecorder()
		a.Require(Read, echoUser).ServeHTTP(w, request(tc.method, tc.target, nil))
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want {
			t.Errorf("%s %s: %d Location %q, want 303 %q", tc.method, tc.target, w.Code, w.Header().Get("Location"), tc.want)
		}
	}
}

func TestCSRFRequiredForUnsafeMethodsOnCookieSessions(t *testing.T) {
	a, _ := newAuth(t, nil)
	c, csrf := login(t, a, "quinn", "quinn-pw")
	other, otherCSRF := login(t, a, "ada", "ada-pw")
	_ = other
	for _, tc := range []struct {
		name string
		r    func() *http.Request
		want int
	}{
		{"GET needs none", func() *http.Request { return request("GET", "/review", c) }, 200},
		{"HEAD needs none", func() *http.Request { return request("HEAD", "/review", c) }, 200},
		{"POST without a token", func() *http.Request { return request("POST", "/review", c) }, 403},
		{"PUT without a token", func() *http.Request { return request("PUT", "/review", c) }, 403},
		{"PATCH without a token", func() *http.Request { return request("PATCH", "/review", c) }, 403},
		{"DELETE without a token", func() *http.Request { return request("DELETE", "/review", c) }, 403},
		{"unknown method without a token", func() *http.Request { return request("PURGE", "/review", c) }, 403},
		{"POST with a wrong header", func() *http.Request {
			r := request("POST", "/review", c)
			r.Header.Set(CSRFHeader, csrf[:len(csrf)-1]+"x")
			return r
		}, 403},
		{"POST with another session's token", func() *http.Request {
			r := request("POST", "/review", c)
			r.Header.Set(CSRFHeader, otherCSRF)
			return r
		}, 403},
		{"POST with the token only in the query", func() *http.Request {
			return formRequest("/review?csrf_token="+url.QueryEscape(csrf), url.Values{"verdict": {"fail"}}, c)
		}, 403},
		{"POST with a wrong form field", func() *http.Request {
			return formRequest("/review", url.Values{CSRFField: {"nope"}}, c)
		}, 403},
		{"POST with the right header", func() *http.Request {
			r := request("POST", "/review", c)
			r.Header.Set(CSRFHeader, csrf)
			return r
		}, 200},
		{"DELETE with the right header", func() *http.Request {
			r := request("DELETE", "/review", c)
			r.Header.Set(CSRFHeader, csrf)
			return r
		}, 200},
		{"POST with the right form field", func() *http.Request {
			return formRequest("/review", url.Values{CSRFField: {csrf}, "verdict": {"fail"}}, c)
		}, 200},
		{"POST with an API token needs none", func() *http.Request {
			r := request("POST", "/api/v1/review", nil)
			r.Header.Set("Authorization", "Bearer "+botToken)
			return r
		}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			a.Require(Review, echoUser).ServeHTTP(w, tc.r())
			if w.Code != tc.want {
				t.Fatalf("%d, want %d: %s", w.Code, tc.want, w.Body)
			}
			if got := a.CheckCSRF(tc.r()); got != (tc.want == 200) {
				t.Errorf("CheckCSRF = %v", got)
			}
		})
	}
}

func TestFormFieldStaysReadableAfterTheCSRFCheck(t *testing.T) {
	a, _ := newAuth(t, nil)
	c, csrf := login(t, a, "quinn", "quinn-pw")
	var verdict string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { verdict = r.PostFormValue("verdict") })
	a.Require(Review, h).ServeHTTP(httptest.NewRecorder(), formRequest("/review", url.Values{CSRFField: {csrf}, "verdict": {"overturn"}}, c))
	if verdict != "overturn" {
		t.Fatalf("handler read verdict %q", verdict)
	}
}

func TestCheckCSRFRefusesAnonymousUnsafeRequests(t *testing.T) {
	a, _ := newAuth(t, nil)
	r := request("POST", "/x", nil)
	r.Header.Set(CSRFHeader, "anything")
	if a.CheckCSRF(r) {
		t.Error("anonymous POST passes")
	}
	if !a.CheckCSRF(request("GET", "/x", nil)) {
		t.Error("anonymous GET fails")
	}
}

func TestRequireChecksTheActionBeforeCSRF(t *testing.T) {
	// A client posting to an admin page learns nothing: 404, not 403.
	a, _ := newAuth(t, nil)
	c, _ := login(t, a, "cleo", "cleo-pw")
	w := httptest.NewRecorder()
	a.Require(Administer, echoUser).ServeHTTP(w, request("POST", "/admin/users", c))
	if w.Code != http.StatusNotFound {
		t.Fatalf("%d, want 404", w.Code)
	}
}

func TestRequireMarksResponsesNoStore(t *testing.T) {
	a, _ := newAuth(t, nil)
	c, _ := login(t, a, "cleo", "cleo-pw")
	w := httptest.NewRecorder()
	a.Require(Read, echoUser).ServeHTTP(w, request("GET", "/dashboard", c))
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", w.Header().Get("Cache-Control"))
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "/",
		"/":                             "/",
		"/review?id=1&tenant=a":         "/review?id=1&tenant=a",
		"/coaching#item-3":              "/coaching#item-3",
		"//evil.example":                "/",
		"//evil.example/x":              "/",
		"/\\evil.example":               "/",
		"/\t/evil.example":              "/",
		"/\n/evil.example":              "/",
		"/a\\b":                         "/",
		"https://evil.example/":         "/",
		"http:/evil.example":            "/",
		"javascript:alert(1)":           "/",
		"evil.example":                  "/",
		"review":                        "/",
		" /review":                      "/",
		"/" + strings.Repeat("a", 3000): "/",
		"/%2F%2Fevil.example":           "/%2F%2Fevil.example",
	} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
