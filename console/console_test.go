package console_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zhijian-qa/zhijian/console"
	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/duckdb"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

const password = "correct horse"

// site is a console over a DuckDB store holding two tenants' results.
type site struct {
	srv   *httptest.Server
	store store.Store
}

func newSite(t *testing.T) *site { return startSite(t, nil, nil) }

// siteReceived is when the site's outcomes were received.
var siteReceived = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// startSite starts a console over a DuckDB store holding 30 results of
// acme and 12 of shopfast, and more; its users are admin, qa, trainer,
// client-acme and client-shop (all with password), and more (users
// without a password hash or token get password).
func startSite(t *testing.T, more []store.Outcome, moreUsers []auth.User) *site {
	t.Helper()
	st, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var batch []store.Outcome
	for i := range 30 {
		batch = append(batch, storetest.RealisticOutcome(storetest.Acme, i, siteReceived))
	}
	for i := 100; i < 112; i++ {
		batch = append(batch, storetest.RealisticOutcome(storetest.Shopfast, i, siteReceived))
	}
	if err := st.Write(t.Context(), append(batch, more...)); err != nil {
		t.Fatal(err)
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	users := append([]auth.User{
		{Name: "admin", Role: auth.Admin}, {Name: "qa", Role: auth.QA}, {Name: "trainer", Role: auth.Trainer},
		{Name: "client-acme", Role: auth.Client, Tenants: []string{storetest.Acme}},
		{Name: "client-shop", Role: auth.Client, Tenants: []string{storetest.Shopfast}},
	}, moreUsers...)
	for i := range users {
		if users[i].PasswordHash == "" && len(users[i].TokenHashes) == 0 {
			users[i].PasswordHash = string(hash)
		}
	}
	a, err := auth.New(auth.Config{Users: users})
	if err != nil {
		t.Fatal(err)
	}
	c, err := console.New(console.Config{Store: st, Auth: a})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return &site{srv: srv, store: st}
}

// login returns a client with user's session.
func (s *site) login(t *testing.T, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", s.srv.URL+"/login", strings.NewReader(url.Values{"user": {user}, "password": {password}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login %s: %d to %q", user, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEveryRoleSeesTheDashboardOfItsTenants(t *testing.T) {
	s := newSite(t)
	for user, want := range map[string]int64{"admin": 42, "qa": 42, "trainer": 42, "client-acme": 30, "client-shop": 12} {
		c := s.login(t, user)
		code, page := get(t, c, s.srv.URL+"/?lang=en")
		if code != 200 || !strings.Contains(page, `data-kpi="received">`+itoa(want)+`<`) {
			t.Errorf("%s: %d, received not %d in the page", user, code, want)
		}
		code, body := get(t, c, s.srv.URL+"/api/v1/dashboard")
		var d struct{ Summary store.Summary }
		if code != 200 || json.Unmarshal([]byte(body), &d) != nil || d.Summary.Received != want {
			t.Errorf("%s: API %d %s", user, code, body)
		}
	}
}

func TestDashboardNumbersAreTheStoresForTheFilter(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "qa")
	want, err := s.store.Summary(t.Context(), store.Filter{Tenants: []string{storetest.Shopfast}}, 10)
	if err != nil {
		t.Fatal(err)
	}
	_, page := get(t, c, s.srv.URL+"/?lang=en&tenant="+storetest.Shopfast)
	for kpi, v := range map[string]string{"received": itoa(want.Received), "flagged": itoa(want.Flagged)} {
		if !regexp.MustCompile(`data-kpi="` + kpi + `">` + v + `<`).MatchString(page) {
			t.Errorf("%s is not %s on the page", kpi, v)
		}
	}
	if !strings.Contains(page, "<svg") || !strings.Contains(page, `role="img"`) || !strings.Contains(page, "<table") {
		t.Error("no accessible chart with its table")
	}
}

func TestAClientNeverSeesAnotherTenant(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "client-acme")
	for _, u := range []string{"/?tenant=" + storetest.Shopfast, "/api/v1/dashboard?tenant=" + storetest.Shopfast} {
		if code, body := get(t, c, s.srv.URL+u); code != 404 || strings.Contains(body, storetest.Shopfast) {
			t.Errorf("%s: %d %q", u, code, body)
		}
	}
	// Asking for both tenants shows only its own.
	_, body := get(t, c, s.srv.URL+"/api/v1/dashboard?tenant="+storetest.Acme+"&tenant="+storetest.Shopfast)
	if !strings.Contains(body, `"received":30`) || strings.Contains(body, storetest.Shopfast) {
		t.Errorf("mixed request: %s", body)
	}
}

func TestAnonymousCallersAreSentToLogin(t *testing.T) {
	s := newSite(t)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, _ := get(t, c, s.srv.URL+"/api/v1/dashboard"); code != 401 {
		t.Errorf("API: %d", code)
	}
	code, page := get(t, c, s.srv.URL+"/login?lang=zh")
	if code != 200 || !strings.Contains(page, "登录") || !strings.Contains(page, `name="password"`) {
		t.Errorf("login page: %d", code)
	}
}

func TestBadFiltersAreNamed(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "admin")
	for _, q := range []string{"from=yesterday", "from=2026-03-05&to=2026-03-01"} {
		if code, body := get(t, c, s.srv.URL+"/api/v1/dashboard?"+q); code != 400 || !strings.Contains(body, strings.SplitN(q, "=", 2)[0]) {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
}

func TestUITextInBothLanguages(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "qa")
	_, en := get(t, c, s.srv.URL+"/?lang=en")
	_, zh := get(t, c, s.srv.URL+"/?lang=zh")
	if !strings.Contains(en, "Coverage by day") || !strings.Contains(zh, "每日覆盖") {
		t.Error("the language switch does not change the words")
	}
}

func itoa(n int64) string { return jsonNum(n) }

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }
