package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func newMux(t *testing.T, edit func(*Config)) (*http.ServeMux, *Auth) {
	a, _ := newAuth(t, edit)
	mux := http.NewServeMux()
	a.Routes(mux)
	return mux, a
}

func jsonLogin(mux http.Handler, user, pw string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"user": user, "password": pw})
	r := httptest.NewRequest("POST", "/login", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

func TestJSONLoginThenMe(t *testing.T) {
	mux, _ := newMux(t, nil)
	w := jsonLogin(mux, "quinn", "quinn-pw")
	if w.Code != http.StatusOK {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	var in struct {
		User, Role string
		CSRFToken  string `json:"csrf_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &in); err != nil {
		t.Fatal(err)
	}
	if in.User != "quinn" || in.Role != "qa" || in.CSRFToken == "" {
		t.Fatalf("login body %s", w.Body)
	}
	c := sessionCookie(t, w)
	if c == nil {
		t.Fatal("no cookie")
	}

	w = httptest.NewRecorder()
	mux.ServeHTTP(w, request("GET", "/api/v1/me", c))
	if w.Code != http.StatusOK {
		t.Fatalf("me: %d %s", w.Code, w.Body)
	}
	var me struct {
		User       string
		Role       string
		Tenants    []string
		AllTenants bool   `json:"all_tenants"`
		CSRFToken  string `json:"csrf_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil {
		t.Fatal(err)
	}
	if me.User != "quinn" || me.Role != "qa" || strings.Join(me.Tenants, ",") != "a,c" || me.AllTenants || me.CSRFToken != in.CSRFToken {
		t.Errorf("me = %s", w.Body)
	}
}

func TestMeOfAnAdminShowsAllTenants(t *testing.T) {
	mux, _ := newMux(t, nil)
	c := sessionCookie(t, jsonLogin(mux, "ada", "ada-pw"))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, request("GET", "/api/v1/me", c))
	if !strings.Contains(w.Body.String(), `"tenants":null,"all_tenants":true`) {
		t.Errorf("me = %s", w.Body)
	}
}

func TestMeWithAnAPIToken(t *testing.T) {
	mux, _ := newMux(t, nil)
	r := request("GET", "/api/v1/me", nil)
	r.Header.Set("Authorization", "Bearer "+botToken)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"user":"bot"`) || !strings.Contains(w.Body.String(), `"csrf_token":""`) {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestMeAnonymousIs401(t *testing.T) {
	mux, _ := newMux(t, nil)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, request("GET", "/api/v1/me", nil))
	if w.Code != http.StatusUnauthorized {
		t.Errorf("%d", w.Code)
	}
}

func TestJSONLoginFailures(t *testing.T) {
	mux, _ := newMux(t, nil)
	if w := jsonLogin(mux, "quinn", "wrong"); w.Code != http.StatusUnauthorized || sessionCookie(t, w) != nil || !strings.Contains(w.Body.String(), `"error"`) {
		t.Errorf("wrong password: %d %s", w.Code, w.Body)
	}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(`{"user":`))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest {
		t.Errorf("bad JSON: %d %s", w.Code, w.Body)
	}
	r = httptest.NewRequest("POST", "/login", strings.NewReader(`{"user":"ada","password":"`+strings.Repeat("x", 100<<10)+`"}`))
	r.Header.Set("Content-Type", "application/json")
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest {
		t.Errorf("huge body: %d", w.Code)
	}
}

func TestFormLoginRedirectsToNextOnlyWhenLocal(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/review?tenant=a", "/review?tenant=a"},
		{"", "/"},
		{"//evil.example/x", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/./../evil.example", "/evil.example"},
	} {
		mux, _ := newMux(t, nil)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, formRequest("/login", url.Values{"user": {"tess"}, "password": {"tess-pw"}, "next": {tc.next}}, nil))
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want {
			t.Errorf("next %q: %d Location %q, want %q", tc.next, w.Code, w.Header().Get("Location"), tc.want)
		}
		if sessionCookie(t, w) == nil {
			t.Errorf("next %q: no cookie", tc.next)
		}
	}
}

func TestFormLoginTakesNextFromTheQuery(t *testing.T) {
	mux, _ := newMux(t, nil)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, formRequest("/login?next=%2Fcoaching", url.Values{"user": {"tess"}, "password": {"tess-pw"}}, nil))
	if w.Header().Get("Location") != "/coaching" {
		t.Errorf("Location %q", w.Header().Get("Location"))
	}
}

func TestFormLoginWithAWrongPasswordGoesBackToTheLoginPage(t *testing.T) {
	mux, _ := newMux(t, nil)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, formRequest("/login", url.Values{"user": {"tess"}, "password": {"x"}, "next": {"/coaching"}}, nil))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?error=invalid&next=%2Fcoaching" || sessionCookie(t, w) != nil {
		t.Errorf("%d Location %q", w.Code, w.Header().Get("Location"))
	}
}

func TestLoginLockedOutAnswers429WithRetryAfter(t *testing.T) {
	mux, _ := newMux(t, func(c *Config) { c.LoginLimit = 2 })
	for range 2 {
		jsonLogin(mux, "cleo", "x")
	}
	w := jsonLogin(mux, "cleo", "cleo-pw")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "900" || sessionCookie(t, w) != nil {
		t.Fatalf("JSON: %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	if !strings.Contains(w.Body.String(), `"retry_after":900`) {
		t.Errorf("JSON body %s", w.Body)
	}
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, formRequest("/login", url.Values{"user": {"cleo"}, "password": {"cleo-pw"}}, nil))
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "900" || !strings.Contains(w.Body.String(), "15 minutes") {
		t.Fatalf("form: %d Retry-After %q %q", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
}

func TestCrossOriginLoginIsRefused(t *testing.T) {
	mux, _ := newMux(t, nil)
	r := formRequest("/login", url.Values{"user": {"ada"}, "password": {"ada-pw"}}, nil)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden || sessionCookie(t, w) != nil {
		t.Fatalf("%d", w.Code)
	}
	r = formRequest("/login", url.Values{"user": {"ada"}, "password": {"ada-pw"}}, nil)
	r.Header.Set("Origin", "https://evil.example")
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Fatalf("Origin: %d", w.Code)
	}
}

func TestLogoutRouteChecksCSRF(t *testing.T) {
	mux, a := newMux(t, nil)
	c, csrf := login(t, a, "ada", "ada-pw")

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, formRequest("/logout", url.Values{}, c))
	if w.Code != http.StatusForbidden || a.Authenticate(request("GET", "/", c)) == nil {
		t.Fatalf("without a token: %d, session live %v", w.Code, a.Authenticate(request("GET", "/", c)) != nil)
	}

	w = httptest.NewRecorder()
	mux.ServeHTTP(w, formRequest("/logout", url.Values{CSRFField: {csrf}}, c))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Fatalf("with the token: %d %q", w.Code, w.Header().Get("Location"))
	}
	if cleared := sessionCookie(t, w); cleared == nil || cleared.MaxAge >= 0 {
		t.Errorf("cookie not cleared: %+v", cleared)
	}
	if a.Authenticate(request("GET", "/", c)) != nil {
		t.Error("session lives on after logout")
	}
}

func TestLogoutRouteAnswersJSONCallersWith204(t *testing.T) {
	mux, a := newMux(t, nil)
	c, csrf := login(t, a, "ada", "ada-pw")
	r := request("POST", "/logout", c)
	r.Header.Set(CSRFHeader, csrf)
	r.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent || a.Authenticate(request("GET", "/", c)) != nil {
		t.Fatalf("%d", w.Code)
	}
}
