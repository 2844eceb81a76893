package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext checks that no next parameter sends a browser to another
// host, also after a browser drops tabs and newlines and reads backslashes
// as slashes.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/review?id=1", "//evil.example", "/\\evil.example", "/\t/evil.example",
		"https://evil.example", "/%2F%2Fevil", "/..//evil", "\\\\evil", "/@evil.example", "/;//evil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://console.example/login")
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next)
		if got != "/" && got != next {
			t.Fatalf("SafeNext(%q) = %q: neither next nor /", next, got)
		}
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		u, err := base.Parse(browser)
		if err != nil {
			t.Fatalf("SafeNext(%q) = %q does not parse: %v", next, got, err)
		}
		if u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("SafeNext(%q) = %q leads to %s", next, got, u)
		}
	})
}

// FuzzLoginRequest sends arbitrary login bodies, next parameters and
// cookies: nothing panics, and no redirect leaves the console's host.
func FuzzLoginRequest(f *testing.F) {
	f.Add("user=ada&password=ada-pw&next=%2Freview", "", "application/x-www-form-urlencoded", "")
	f.Add("user=ada&password=x", "//evil.example", "application/x-www-form-urlencoded", "zhijian_session=abc")
	f.Add(`{"user":"ada","password":"ada-pw"}`, "", "application/json", "")
	f.Add("--b\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nada\r\n--b--", "/x", "multipart/form-data; boundary=b", "")
	f.Add("%zz&&==;", "/\t/evil", "application/x-www-form-urlencoded; charset=\xff", "zhijian_session=\"\x00\"; zhijian_session=;;")
	a, _ := newAuth(f, nil)
	mux := http.NewServeMux()
	a.Routes(mux)
	f.Fuzz(func(t *testing.T, body, next, contentType, cookie string) {
		r := httptest.NewRequest("POST", "/login?next="+url.QueryEscape(next), strings.NewReader(body))
		r.Host = "console.example"
		r.Header.Set("Content-Type", contentType)
		r.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if loc := w.Header().Get("Location"); loc != "" {
			base, _ := url.Parse("http://console.example/login")
			u, err := base.Parse(strings.ReplaceAll(loc, "\\", "/"))
			if err != nil || u.Host != "console.example" {
				t.Fatalf("Location %q leaves the console", loc)
			}
		}
		if c := sessionCookie(t, w); c != nil && c.Value != "" && a.Authenticate(request("GET", "/", c)) == nil {
			t.Fatal("a session cookie that does not authenticate")
		}
		a.Authenticate(r)
		a.CSRF(r)
		a.CheckCSRF(r)
	})
}
