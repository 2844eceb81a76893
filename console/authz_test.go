package console_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/console"
	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

// This file tests who may use which handler: every route of the console's
// mux for every kind of caller (the route table below, which a test keeps
// in step with the routes the console registers), tenant isolation, CSRF
// and API tokens. What Require promises (console/auth/middleware.go):
// anonymous callers get 401 under /api/ and a 303 to /login elsewhere; a
// signed-in caller whose role lacks the route's action gets 404, not 403,
// so the console does not confirm that anything is there; an unsafe method
// on a cookie session without the session's CSRF token gets 403.

// authzCallers are the callers of the matrix: "" is anonymous, the others
// are newSite's users.
var authzCallers = []string{"", "admin", "qa", "trainer", "client-acme"}

// allowedTo are the callers Require lets through, per action
// (console/auth/role.go), written out here rather than asked of the auth
// package so that a change there shows.
var allowedTo = map[auth.Action][]string{
	auth.Read:   {"admin", "qa", "trainer", "client-acme"},
	auth.Review: {"admin", "qa"},
	auth.Coach:  {"admin", "qa", "trainer"},
}

// authzFixture names things in the Acme tenant the routes are called with.
type authzFixture struct {
	interaction, scorecard, item, agent string
}

// acmeFixture picks a flagged Acme interaction from the store.
func acmeFixture(t *testing.T, st store.Store) authzFixture {
	t.Helper()
	return tenantFixture(t, st, storetest.Acme)
}

func tenantFixture(t *testing.T, st store.Store, tenant string) authzFixture {
	t.Helper()
	es, _, err := st.Queue(t.Context(), store.QueueFilter{Filter: store.Filter{Tenants: []string{tenant}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Tenant != tenant {
			t.Fatalf("queue of %s returned %s", tenant, e.Tenant)
		}
		// An id of one tenant only: shared-0001 is newScopedSite's own test.
		if e.InteractionID != sharedID && len(e.FailedItems) > 0 {
			return authzFixture{interaction: e.InteractionID, scorecard: e.Scorecard, item: e.FailedItems[0], agent: e.AgentID}
		}
	}
	t.Fatalf("%s has no flagged interaction to test with", tenant)
	return authzFixture{}
}

// authzWant is a status and, for redirects, where to.
type authzWant struct {
	code     int
	location string
}

// authzRoute is one route of the console and a request that reaches it.
type authzRoute struct {
	pattern        string // as registered with the mux
	method, target string // the request: path and query
	// action is what Require asks of the caller; for routes without
	// Require, public says what each caller ("" anonymous) gets instead.
	action auth.Action
	public map[string]authzWant
	// ok is what an allowed caller gets (200 when zero) and ctype the
	// start of its Content-Type.
	ok    authzWant
	ctype string
	// body is what an unsafe request sends, as user (or "" anonymous).
	body func(user string) (contentType, body string)
}

func (rt authzRoute) api() bool { return strings.HasPrefix(rt.target, "/api/") }

// want is what caller gets from the route.
func (rt authzRoute) want(caller string) authzWant {
	switch {
	case rt.public != nil:
		w, ok := rt.public[caller]
		if !ok {
			panic("authz table: " + rt.pattern + " says nothing of " + strconv.Quote(caller))
		}
		return w
	case caller == "" && rt.api():
		return authzWant{code: http.StatusUnauthorized}
	case caller == "":
		return authzWant{code: http.StatusSeeOther, location: loginLocation(rt.method, rt.target)}
	case slices.Contains(allowedTo[rt.action], caller):
		if rt.ok.code == 0 {
			return authzWant{code: http.StatusOK}
		}
		return rt.ok
	}
	return authzWant{code: http.StatusNotFound}
}

// loginLocation is where Require sends an anonymous browser: back to the
// page after login for GET, to "/" otherwise.
func loginLocation(method, target string) string {
	if method != http.MethodGet || target == "/" {
		return "/login"
	}
	return "/login?" + url.Values{"next": {target}}.Encode()
}

// every gives all callers w, and anonymous callers anon.
func every(anon, w authzWant) map[string]authzWant {
	m := map[string]authzWant{"": anon}
	for _, c := range authzCallers[1:] {
		m[c] = w
	}
	return m
}

// authzRoutes lists every route the console registers (pages, API and the
// auth package's), each with a request that reaches it. When you add a
// route to the console, add a row: TestAuthzTableListsEveryRoute fails
// until you do.
func authzRoutes(fx authzFixture) []authzRoute {
	form := "application/x-www-form-urlencoded"
	reviewForm := func(string) (string, string) {
		return form, url.Values{"scorecard": {fx.scorecard}, "item": {fx.item}, "decision": {store.Confirm},
			"verdict": {"fail"}, "comment": {"authz matrix"}}.Encode()
	}
	reviewJSON := func(string) (string, string) {
		b, _ := json.Marshal(store.Review{Scorecard: fx.scorecard, Item: fx.item, Decision: store.Confirm,
			Verdict: schemas.Fail, Comment: "authz matrix"})
		return "application/json", string(b)
	}
	loginForm := func(user string) (string, string) {
		if user == "" { // a stranger with a wrong password
			return form, url.Values{"user": {"admin"}, "password": {"not the password"}}.Encode()
		}
		return form, url.Values{"user": {user}, "password": {password}}.Encode()
	}
	empty := func(string) (string, string) { return form, "" }
	interaction := "/interactions/" + fx.interaction
	export := "?verdict=fail&item=" + url.QueryEscape(fx.item)
	return []authzRoute{
		// The auth package's routes and the public ones.
		{pattern: "GET /static/", method: "GET", target: "/static/console.css",
			public: every(authzWant{code: 200}, authzWant{code: 200}), ctype: "text/css"},
		{pattern: "GET /login", method: "GET", target: "/login",
			public: every(authzWant{code: 200}, authzWant{code: 303, location: "/"}), ctype: "text/html"},
		{pattern: "POST /login", method: "POST", target: "/login", body: loginForm,
			public: every(authzWant{code: 303, location: "/login?error=invalid"}, authzWant{code: 303, location: "/"})},
		{pattern: "POST /logout", method: "POST", target: "/logout", body: empty,
			public: every(authzWant{code: 303, location: "/login"}, authzWant{code: 303, location: "/login"})},
		{pattern: "GET /api/v1/me", method: "GET", target: "/api/v1/me", action: auth.Read, ctype: "application/json"},

		// Dashboard.
		{pattern: "GET /{$}", method: "GET", target: "/?lang=en", action: auth.Read, ctype: "text/html"},
		{pattern: "GET /api/v1/dashboard", method: "GET", target: "/api/v1/dashboard", action: auth.Read, ctype: "application/json"},

		// Review queue, interactions and reviews.
		{pattern: "GET /queue", method: "GET", target: "/queue", action: auth.Review, ctype: "text/html"},
		{pattern: "GET /api/v1/queue", method: "GET", target: "/api/v1/queue", action: auth.Review, ctype: "application/json"},
		{pattern: "GET /interactions/{id}", method: "GET", target: interaction, action: auth.Read, ctype: "text/html"},
		{pattern: "GET /api/v1/interactions/{id}", method: "GET", target: "/api/v1" + interaction, action: auth.Read, ctype: "application/json"},
		{pattern: "POST /interactions/{id}/reviews", method: "POST", target: interaction + "/reviews", body: reviewForm,
			action: auth.Review, ok: authzWant{code: 303, location: interaction + "?saved=1"}},
		{pattern: "POST /api/v1/interactions/{id}/reviews", method: "POST", target: "/api/v1" + interaction + "/reviews", body: reviewJSON,
			action: auth.Review, ok: authzWant{code: 201}, ctype: "application/json"},

		// Calibration: how far reviewers agree with the machine.
		{pattern: "GET /calibration", method: "GET", target: "/calibration", action: auth.Review, ctype: "text/html"},
		{pattern: "GET /api/v1/calibration", method: "GET", target: "/api/v1/calibration", action: auth.Review, ctype: "application/json"},

		// Coaching and the agent view.
		{pattern: "GET /coaching", method: "GET", target: "/coaching", action: auth.Coach, ctype: "text/html"},
		{pattern: "GET /coaching/export/{format}", method: "GET", target: "/coaching/export/csv" + export, action: auth.Coach, ctype: "text/csv"},
		{pattern: "GET /coaching/export/{format}", method: "GET", target: "/coaching/export/jsonl" + export, action: auth.Coach, ctype: "application/x-ndjson"},
		{pattern: "GET /agents/{id}", method: "GET", target: "/agents/" + fx.agent, action: auth.Coach, ctype: "text/html"},
	}
}

// TestAuthzTableListsEveryRoute fails when the console registers a route
// the table above lacks, or when a row's request does not reach the route
// it names. The registered routes are read from the source of the console
// and its auth package: every Handle and HandleFunc call there must name
// its pattern as a string literal, or this test says so.
func TestAuthzTableListsEveryRoute(t *testing.T) {
	s := newSite(t)
	srv, ok := s.srv.Config.Handler.(*console.Server)
	if !ok {
		t.Fatalf("the test server serves a %T", s.srv.Config.Handler)
	}
	listed := map[string]bool{}
	for _, rt := range authzRoutes(acmeFixture(t, s.store)) {
		listed[rt.pattern] = true
		if (rt.public == nil) == (allowedTo[rt.action] == nil) {
			t.Errorf("%s %s: give the row either an action of allowedTo or public answers", rt.method, rt.target)
		}
		if got := srv.RoutePattern(httptest.NewRequest(rt.method, rt.target, nil)); got != rt.pattern {
			t.Errorf("%s %s reaches route %q, not %q", rt.method, rt.target, got, rt.pattern)
		}
	}
	registered := registeredPatterns(t)
	for _, p := range []string{"GET /{$}", "POST /login", "GET /api/v1/me"} {
		if !slices.Contains(registered, p) {
			t.Fatalf("the source scan misses %q (found %q): fix registeredPatterns", p, registered)
		}
	}
	for _, p := range registered {
		if !listed[p] {
			t.Errorf("the console registers %q but authzRoutes has no row for it: add one, with who may use it", p)
		}
	}
}

// registeredPatterns returns the patterns of the Handle and HandleFunc calls
// in the non-test Go files under the console's directory (this package,
// console/auth and any package added below them).
func registeredPatterns(t *testing.T) []string {
	t.Helper()
	var patterns []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "e2e", "web", "testdata":
				return filepath.SkipDir
			}
			if path != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a route whose pattern is not a string literal: list it in authzRoutes and teach registeredPatterns to find it",
					fset.Position(call.Pos()))
				return true
			}
			p, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Errorf("%s: %v", fset.Position(lit.Pos()), err)
				return true
			}
			patterns = append(patterns, p)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return patterns
}

// TestEveryRouteForEveryCaller calls every route as every kind of caller,
// each with a fresh session, and checks the status, where redirects go and
// that a client never gets the other tenant's names or ids.
func TestEveryRouteForEveryCaller(t *testing.T) {
	s := newSite(t)
	fx := acmeFixture(t, s.store)
	secrets := shopfastSecrets(nil)
	for _, rt := range authzRoutes(fx) {
		for _, caller := range authzCallers {
			t.Run(rt.method+" "+rt.target+" as "+callerName(caller), func(t *testing.T) {
				c, csrfToken := noRedirects(), ""
				if caller != "" {
					c = s.login(t, caller)
					csrfToken = csrf(t, c, s.srv.URL)
				}
				var ctype, body string
				if rt.body != nil {
					ctype, body = rt.body(caller)
				}
				hdr := map[string]string{}
				if rt.method == http.MethodPost {
					hdr["Origin"] = s.srv.URL
					if csrfToken != "" {
						// Valid CSRF, so that whatever is refused is
						// refused for the role, not the token.
						hdr[auth.CSRFHeader] = csrfToken
					}
				}
				resp, got := call(t, c, rt.method, s.srv.URL+rt.target, hdr, ctype, body)
				want := rt.want(caller)
				if resp.StatusCode != want.code || resp.Header.Get("Location") != want.location {
					t.Fatalf("%d to %q, want %d to %q; body %.300q", resp.StatusCode, resp.Header.Get("Location"), want.code, want.location, got)
				}
				switch {
				case want.code == http.StatusUnauthorized:
					if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") || !isJSONError(got) {
						t.Errorf("401 without a Bearer challenge or JSON error: %q %q", resp.Header.Get("WWW-Authenticate"), got)
					}
				case want.code == http.StatusNotFound && rt.api():
					if !isJSONError(got) {
						t.Errorf("404 is not a JSON error: %q", got)
					}
				case want.code == http.StatusNotFound:
					if strings.Contains(got, "<html") || strings.Contains(got, fx.interaction) {
						t.Errorf("404 shows a page: %.300q", got)
					}
				case rt.public == nil && want.code < 300:
					if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
						t.Errorf("Cache-Control %q on a caller's view", cc)
					}
				}
				if want.code < 300 && rt.ctype != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), rt.ctype) {
					t.Errorf("Content-Type %q, want %s", resp.Header.Get("Content-Type"), rt.ctype)
				}
				if want.code == http.StatusCreated {
					var rv store.Review
					if err := json.Unmarshal([]byte(got), &rv); err != nil || rv.Tenant != storetest.Acme ||
						rv.InteractionID != fx.interaction || rv.Reviewer != caller {
						t.Errorf("review saved as %+v (%v)", rv, err)
					}
				}
				if caller == "client-acme" {
					if leak := findSecret(got, secrets); leak != "" {
						t.Errorf("client-acme gets %q of shopfast: %.300q", leak, got)
					}
				}
			})
		}
	}
}

func callerName(caller string) string {
	if caller == "" {
		return "anonymous"
	}
	return caller
}

// noRedirects is a client without cookies that reports redirects instead of
// following them.
func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// call sends one request and returns the response with its body read.
func call(t *testing.T, c *http.Client, method, u string, hdr map[string]string, ctype, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func isJSONError(body string) bool {
	var e struct {
		Error string `json:"error"`
	}
	return json.Unmarshal([]byte(body), &e) == nil && e.Error != ""
}

// shopfastSecrets are strings only Shopfast's data holds: the tenant's name
// and the ids of its interactions and agents in newSite (and those of
// newScopedSite's extra results, if given).
func shopfastSecrets(extra []string) []string {
	received := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	acme := map[string]bool{}
	for i := range 30 {
		o := storetest.RealisticOutcome(storetest.Acme, i, received)
		acme[o.InteractionID], acme[o.Results[0].AgentID] = true, true
	}
	secrets := []string{storetest.Shopfast}
	for i := 100; i < 112; i++ {
		o := storetest.RealisticOutcome(storetest.Shopfast, i, received)
		for _, s := range []string{o.InteractionID, o.Results[0].AgentID} {
			if !acme[s] {
				secrets = append(secrets, s)
			}
		}
	}
	return append(secrets, extra...)
}

// findSecret returns the first secret in body, "" when none is.
func findSecret(body string, secrets []string) string {
	for _, s := range secrets {
		if strings.Contains(body, s) {
			return s
		}
	}
	return ""
}

// Tenant isolation needs more than newSite has: callers confined to one
// tenant in every role, API tokens, and an interaction id both tenants use.
const (
	sharedID     = "shared-0001"           // an interaction id of both tenants
	shopMarker   = "SHOPFAST-ONLY-SUMMARY" // in shopfast's shared-0001
	shopAgent    = "agent-shopfast-shared" // shopfast's shared-0001 agent
	shopComment  = "SHOPFAST-ONLY-REVIEW"  // a review admin writes on shopfast's shared-0001
	acmePhone    = "13812345678"           // personal data in acme's shared-0001 summary
	acmeEmail    = "li.wei@example.com"    // personal data in acme's shared-0001 evidence
	tokenQA      = "zj_authz-test-token-qa-all-tenants-000000000"
	tokenQAAcme  = "zj_authz-test-token-qa-acme-only-00000000000"
	tokenClient  = "zj_authz-test-token-client-acme-000000000000"
	acmeReceived = 31 // newSite's 30 and shared-0001
	shopReceived = 13 // newSite's 12 and shared-0001
)

// scopedSecrets are the strings only Shopfast's data holds in newScopedSite.
var scopedSecrets = shopfastSecrets([]string{shopMarker, shopAgent, shopComment, storetest.Ecommerce})

// newScopedSite is newSite's data and users plus: shared-0001 in both
// tenants (acme-express under the logistics scorecard, with a phone number
// and an e-mail address in it, shopfast under the e-commerce one); qa-acme and trainer-acme, assigned to acme-express only;
// and the API-token users bot-qa (qa, every tenant), bot-qa-acme (qa,
// acme-express) and bot-client-acme (client of acme-express).
func newScopedSite(t *testing.T) *site {
	t.Helper()
	acme := storetest.RealisticOutcome(storetest.Acme, 200, siteReceived)
	acme.InteractionID, acme.Results[0].InteractionID = sharedID, sharedID
	acme.Results[0].Summary = "客户手机" + acmePhone + "，坐席承诺回电。"
	acme.Results[0].Findings[0].Evidence[0].Quote = "邮箱" + acmeEmail
	shop := storetest.RealisticOutcome(storetest.Shopfast, 201, siteReceived)
	shop.InteractionID, shop.Results[0].InteractionID = sharedID, sharedID
	shop.Results[0].Scorecard, shop.Results[0].AgentID, shop.Results[0].Summary = storetest.Ecommerce, shopAgent, shopMarker
	return startSite(t, []store.Outcome{acme, shop}, []auth.User{
		{Name: "qa-acme", Role: auth.QA, Tenants: []string{storetest.Acme}},
		{Name: "trainer-acme", Role: auth.Trainer, Tenants: []string{storetest.Acme}},
		{Name: "bot-qa", Role: auth.QA, TokenHashes: []string{auth.HashToken(tokenQA)}},
		{Name: "bot-qa-acme", Role: auth.QA, Tenants: []string{storetest.Acme}, TokenHashes: []string{auth.HashToken(tokenQAAcme)}},
		{Name: "bot-client-acme", Role: auth.Client, Tenants: []string{storetest.Acme}, TokenHashes: []string{auth.HashToken(tokenClient)}},
	})
}

// authzAs is a caller of newScopedSite: a session (with its CSRF token) or
// an API token.
type authzAs struct {
	name  string
	c     *http.Client
	hdr   map[string]string // Authorization, or the session's CSRF token
	token bool
}

func sessionCaller(t *testing.T, s *site, user string) authzAs {
	t.Helper()
	c := s.login(t, user)
	return authzAs{name: user, c: c, hdr: map[string]string{auth.CSRFHeader: csrf(t, c, s.srv.URL)}}
}

func tokenCaller(name, token string) authzAs {
	return authzAs{name: name, c: noRedirects(), hdr: map[string]string{"Authorization": "Bearer " + token}, token: true}
}

func (a authzAs) get(t *testing.T, s *site, target string) (int, string) {
	t.Helper()
	resp, body := call(t, a.c, "GET", s.srv.URL+target, a.hdr, "", "")
	return resp.StatusCode, body
}

// postReview posts a review as JSON to the API, or as a form to the page
// route, with the caller's CSRF token or API token.
func (a authzAs) postReview(t *testing.T, s *site, api bool, id string, rv store.Review) (*http.Response, string) {
	t.Helper()
	if api {
		b, _ := json.Marshal(rv)
		return call(t, a.c, "POST", s.srv.URL+"/api/v1/interactions/"+id+"/reviews", a.hdr, "application/json", string(b))
	}
	form := url.Values{"scorecard": {rv.Scorecard}, "item": {rv.Item}, "decision": {rv.Decision}, "verdict": {string(rv.Verdict)},
		"comment": {rv.Comment}}
	if rv.Tenant != "" { // no such field: the handler must not read one
		form.Set("tenant", rv.Tenant)
	}
	return call(t, a.c, "POST", s.srv.URL+"/interactions/"+id+"/reviews", a.hdr, "application/x-www-form-urlencoded", form.Encode())
}

// reviewOf is a review of fx's failed item.
func reviewOf(fx authzFixture, comment string) store.Review {
	return store.Review{Scorecard: fx.scorecard, Item: fx.item, Decision: store.Confirm, Verdict: schemas.Fail, Comment: comment}
}

// reviewsIn returns the reviews the store holds for an interaction id in
// one tenant.
func reviewsIn(t *testing.T, st store.Store, tenant, id string) []store.Review {
	t.Helper()
	rs, err := st.Reviews(t.Context(), store.Filter{Tenants: []string{tenant}}, id)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// confined are newScopedSite's callers that may see acme-express only.
func confined(t *testing.T, s *site) []authzAs {
	return []authzAs{
		sessionCaller(t, s, "client-acme"), sessionCaller(t, s, "qa-acme"), sessionCaller(t, s, "trainer-acme"),
		tokenCaller("bot-qa-acme", tokenQAAcme), tokenCaller("bot-client-acme", tokenClient),
	}
}

// TestForeignIDsAnswerLikeMissingOnes: a caller confined to acme-express
// asking for a shopfast interaction, to read it or to review it, gets the
// very answer a nonexistent id gets, and nothing is written.
func TestForeignIDsAnswerLikeMissingOnes(t *testing.T) {
	s := newScopedSite(t)
	acme, shop := acmeFixture(t, s.store), tenantFixture(t, s.store, storetest.Shopfast)
	review := reviewOf(shop, "foreign")
	for _, a := range confined(t, s) {
		for _, page := range []string{"/interactions/", "/api/v1/interactions/"} {
			code, body := a.get(t, s, page+shop.interaction)
			missingCode, missing := a.get(t, s, page+"no-such-id")
			if code != 404 || code != missingCode || body != missing {
				t.Errorf("%s %s<shopfast id>: %d %q; a missing id: %d %q", a.name, page, code, body, missingCode, missing)
			}
			if code, _ := a.get(t, s, page+acme.interaction); code != 200 {
				t.Errorf("%s %s<own id>: %d", a.name, page, code)
			}
		}
		for _, api := range []bool{false, true} {
			resp, body := a.postReview(t, s, api, shop.interaction, review)
			missingResp, missing := a.postReview(t, s, api, "no-such-id", review)
			if resp.StatusCode != 404 || resp.StatusCode != missingResp.StatusCode || body != missing {
				t.Errorf("%s reviews a shopfast id (api %v): %d %q; a missing id: %d %q", a.name, api, resp.StatusCode, body, missingResp.StatusCode, missing)
			}
		}
	}
	if rs := reviewsIn(t, s.store, storetest.Shopfast, shop.interaction); len(rs) != 0 {
		t.Errorf("reviews written into shopfast: %+v", rs)
	}
	// Not vacuous: the id is there for those who may see shopfast.
	admin := sessionCaller(t, s, "admin")
	if code, _ := admin.get(t, s, "/api/v1/interactions/"+shop.interaction); code != 200 {
		t.Errorf("admin reads the shopfast id: %d", code)
	}
}

// TestASharedIDShowsOnlyOwnTenant: both tenants have an interaction
// shared-0001; confined callers see their tenant's result and reviews only.
func TestASharedIDShowsOnlyOwnTenant(t *testing.T) {
	s := newScopedSite(t)
	admin := sessionCaller(t, s, "admin")
	resp, body := admin.postReview(t, s, true, sharedID, store.Review{Scorecard: storetest.Ecommerce, Item: "greeting",
		Decision: store.Overturn, Verdict: schemas.Pass, Comment: shopComment})
	var rv store.Review
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rv) != nil || rv.Tenant != storetest.Shopfast {
		t.Fatalf("admin reviews shopfast's %s: %d %s", sharedID, resp.StatusCode, body)
	}
	var in struct {
		Results []struct {
			Tenant string `json:"tenant"`
		} `json:"results"`
		Reviews []store.Review `json:"reviews"`
	}
	if code, body := admin.get(t, s, "/api/v1/interactions/"+sharedID); code != 200 || json.Unmarshal([]byte(body), &in) != nil ||
		len(in.Results) != 2 || len(in.Reviews) != 1 {
		t.Fatalf("admin sees %s: %d %s", sharedID, code, body)
	}
	for _, a := range confined(t, s) {
		code, body := a.get(t, s, "/api/v1/interactions/"+sharedID)
		in.Results, in.Reviews = nil, nil
		if code != 200 || json.Unmarshal([]byte(body), &in) != nil || len(in.Results) != 1 || in.Results[0].Tenant != storetest.Acme || len(in.Reviews) != 0 {
			t.Errorf("%s API: %d %s", a.name, code, body)
		}
		if leak := findSecret(body, scopedSecrets); leak != "" {
			t.Errorf("%s API gets %q", a.name, leak)
		}
		code, page := a.get(t, s, "/interactions/"+sharedID+"?lang=en")
		if leak := findSecret(page, scopedSecrets); code != 200 || leak != "" {
			t.Errorf("%s page: %d, shows %q", a.name, code, leak)
		}
	}
}

// tenantQuery is what ?tenant= does for one caller and route: naming only
// the other tenant answers 404; naming both, or none, shows only the
// caller's.
type tenantQuery struct {
	caller authzAs
	path   string                   // ending in "?" or a query of its own
	check  func(body string) string // a fault in an own-tenant answer, "" when none
}

// unechoed is body without the caller's own ?tenant=shopfast, which pages
// repeat in their links.
func unechoed(body string) string {
	return strings.ReplaceAll(body, "tenant="+storetest.Shopfast, "")
}

// Checks of answers holding one tenant's data only.
func dashboardOf(received int64, choices ...string) func(string) string {
	return func(body string) string {
		var d struct {
			Summary store.Summary `json:"summary"`
			Tenants []string      `json:"tenants"`
		}
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			return err.Error()
		}
		// Tenants are those the caller may choose.
		if d.Summary.Received != received || !slices.Equal(d.Tenants, choices) {
			return fmt.Sprintf("received %d, tenants %q; want %d, %q", d.Summary.Received, d.Tenants, received, choices)
		}
		return ""
	}
}

func queueOf(tenant string, total int64) func(string) string {
	return func(body string) string {
		var q struct {
			Entries []store.QueueEntry `json:"entries"`
			Total   int64              `json:"total"`
		}
		if err := json.Unmarshal([]byte(body), &q); err != nil {
			return err.Error()
		}
		if q.Total != total || len(q.Entries) == 0 {
			return fmt.Sprintf("%d entries of %d, want %d", len(q.Entries), q.Total, total)
		}
		for _, e := range q.Entries {
			if e.Tenant != tenant {
				return "an entry of " + e.Tenant
			}
		}
		return ""
	}
}

func csvOf(tenant string) func(string) string {
	return func(body string) string {
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) < 2 || rows[0][0] != "tenant" {
			return fmt.Sprintf("%d rows (%v)", len(rows), err)
		}
		for _, r := range rows[1:] {
			if r[0] != tenant {
				return "a row of " + r[0]
			}
		}
		return ""
	}
}

func jsonLinesOf(tenant string) func(string) string {
	return func(body string) string {
		n := 0
		for sc := bufio.NewScanner(strings.NewReader(body)); sc.Scan(); n++ {
			var e store.Example
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				return err.Error()
			}
			if e.Tenant != tenant {
				return "an example of " + e.Tenant
			}
		}
		if n == 0 {
			return "no examples"
		}
		return ""
	}
}

// calibrationOf checks that calibration counts reviews of one scorecard
// only: each tenant's reviews here are of a scorecard of its own.
func calibrationOf(scorecard string) func(string) string {
	return func(body string) string {
		var c struct {
			Items []struct {
				Scorecard string `json:"scorecard"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			return err.Error()
		}
		if len(c.Items) == 0 {
			return "no items"
		}
		for _, it := range c.Items {
			if it.Scorecard != scorecard {
				return "an item of " + it.Scorecard
			}
		}
		return ""
	}
}

func contains(s string) func(string) string {
	return func(body string) string {
		if !strings.Contains(body, s) {
			return "no " + strconv.Quote(s)
		}
		return ""
	}
}

// TestTenantQueryCannotWidenTheScope asks every route that takes ?tenant=
// for the other tenant, as every caller confined to acme-express whose role
// may use the route.
func TestTenantQueryCannotWidenTheScope(t *testing.T) {
	s := newScopedSite(t)
	acme := acmeFixture(t, s.store)
	qaAcme, trainerAcme, clientAcme := sessionCaller(t, s, "qa-acme"), sessionCaller(t, s, "trainer-acme"), sessionCaller(t, s, "client-acme")
	botQA, botClient := tokenCaller("bot-qa-acme", tokenQAAcme), tokenCaller("bot-client-acme", tokenClient)
	total := func(tenant string) int64 {
		_, n, err := s.store.Queue(t.Context(), store.QueueFilter{Filter: store.Filter{Tenants: []string{tenant}}})
		if err != nil || n == 0 {
			t.Fatalf("%s queue: %d (%v)", tenant, n, err)
		}
		return n
	}
	page := func(string) string { return "" } // secrets are checked in every answer
	// Reviews in both tenants, for calibration to count.
	if resp, body := sessionCaller(t, s, "admin").postReview(t, s, true, sharedID, store.Review{Tenant: storetest.Shopfast,
		Scorecard: storetest.Ecommerce, Item: "greeting", Decision: store.Overturn, Verdict: schemas.Fail, Comment: shopComment}); resp.StatusCode != 201 {
		t.Fatalf("admin reviews shopfast: %d %s", resp.StatusCode, body)
	}
	if resp, body := qaAcme.postReview(t, s, true, acme.interaction, reviewOf(acme, "acme review")); resp.StatusCode != 201 {
		t.Fatalf("qa-acme reviews acme: %d %s", resp.StatusCode, body)
	}
	export := "verdict=fail&item=" + url.QueryEscape(acme.item)
	for _, tc := range []tenantQuery{
		{clientAcme, "/?lang=en", page}, {clientAcme, "/api/v1/dashboard?", dashboardOf(acmeReceived, storetest.Acme)},
		{botClient, "/api/v1/dashboard?", dashboardOf(acmeReceived, storetest.Acme)},
		{qaAcme, "/?lang=en", page}, {qaAcme, "/api/v1/dashboard?", dashboardOf(acmeReceived, storetest.Acme)},
		{qaAcme, "/queue?lang=en", contains(acme.interaction)},
		{qaAcme, "/api/v1/queue?", queueOf(storetest.Acme, total(storetest.Acme))},
		{botQA, "/api/v1/queue?", queueOf(storetest.Acme, total(storetest.Acme))},
		{qaAcme, "/calibration?lang=en", contains(acme.item)},
		{qaAcme, "/api/v1/calibration?", calibrationOf(acme.scorecard)}, {botQA, "/api/v1/calibration?", calibrationOf(acme.scorecard)},
		{qaAcme, "/coaching?" + export, contains(acme.item)}, {qaAcme, "/coaching/export/csv?" + export, csvOf(storetest.Acme)},
		{trainerAcme, "/coaching?" + export, contains(acme.item)}, {trainerAcme, "/coaching/export/csv?" + export, csvOf(storetest.Acme)},
		{trainerAcme, "/coaching/export/jsonl?" + export, jsonLinesOf(storetest.Acme)},
		{trainerAcme, "/agents/" + acme.agent + "?", contains(acme.agent)}, {qaAcme, "/agents/" + acme.agent + "?", contains(acme.agent)},
	} {
		sep := "&"
		if strings.HasSuffix(tc.path, "?") {
			sep = ""
		}
		name := tc.caller.name + " " + tc.path
		if code, body := tc.caller.get(t, s, tc.path+sep+"tenant="+storetest.Shopfast); code != 404 || findSecret(unechoed(body), scopedSecrets) != "" {
			t.Errorf("%s%stenant=shopfast: %d %.200q", name, sep, code, body)
		}
		for _, q := range []string{"", sep + "tenant=" + storetest.Acme + "&tenant=" + storetest.Shopfast} {
			code, body := tc.caller.get(t, s, tc.path+q)
			if code != 200 {
				t.Errorf("%s%s: %d %.200q", name, q, code, body)
				continue
			}
			if leak := findSecret(unechoed(body), scopedSecrets); leak != "" {
				t.Errorf("%s%s shows %q: %.300q", name, q, leak, body)
			}
			if fault := tc.check(body); fault != "" {
				t.Errorf("%s%s: %s", name, q, fault)
			}
		}
	}
	// A shopfast agent is not found, not even without ?tenant=.
	for _, a := range []authzAs{qaAcme, trainerAcme} {
		code, shopBody := a.get(t, s, "/agents/"+shopAgent)
		_, missing := a.get(t, s, "/agents/no-such-agent")
		if code != 404 || shopBody != missing {
			t.Errorf("%s reads a shopfast agent: %d %.200q", a.name, code, shopBody)
		}
	}
	// Not vacuous: shopfast has what was refused above, for those who may
	// see it.
	admin := sessionCaller(t, s, "admin")
	shop := "tenant=" + storetest.Shopfast
	for path, check := range map[string]func(string) string{
		"/api/v1/dashboard?" + shop:                     dashboardOf(shopReceived, storetest.Acme, storetest.Shopfast),
		"/api/v1/queue?" + shop:                         queueOf(storetest.Shopfast, total(storetest.Shopfast)),
		"/coaching/export/csv?" + shop + "&" + export:   csvOf(storetest.Shopfast),
		"/coaching/export/jsonl?" + shop + "&" + export: jsonLinesOf(storetest.Shopfast),
		"/agents/" + shopAgent:                          contains(shopAgent),
		"/api/v1/calibration?" + shop:                   calibrationOf(storetest.Ecommerce),
	} {
		code, body := admin.get(t, s, path)
		if fault := check(body); code != 200 || fault != "" {
			t.Errorf("admin %s: %d %s", path, code, fault)
		}
	}
}

// TestAReviewCannotBeWrittenIntoAnotherTenant: the tenant, interaction,
// reviewer, time and machine verdict of a review are the server's to say,
// whatever the body names; a reviewer confined to acme-express cannot
// write into shopfast, not even on an interaction id both tenants use.
func TestAReviewCannotBeWrittenIntoAnotherTenant(t *testing.T) {
	s := newScopedSite(t)
	acme, shop := acmeFixture(t, s.store), tenantFixture(t, s.store, storetest.Shopfast)
	qaAcme, botQAAcme := sessionCaller(t, s, "qa-acme"), tokenCaller("bot-qa-acme", tokenQAAcme)

	// Forged fields on an own interaction change nothing but the caller's
	// own review.
	forgedAt := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range []authzAs{qaAcme, sessionCaller(t, s, "qa"), botQAAcme} {
		forged := reviewOf(acme, "forged fields")
		forged.InteractionID, forged.Reviewer, forged.AIVerdict, forged.At = shop.interaction, "someone-else", schemas.Pass, forgedAt
		resp, body := a.postReview(t, s, true, acme.interaction, forged)
		var rv store.Review
		if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rv) != nil {
			t.Fatalf("%s: %d %s", a.name, resp.StatusCode, body)
		}
		if rv.Tenant != storetest.Acme || rv.InteractionID != acme.interaction || rv.Reviewer != a.name ||
			rv.AIVerdict != schemas.Fail || rv.At.Equal(forgedAt) {
			t.Errorf("%s: saved as %+v", a.name, rv)
		}
		// The tenant, if named, picks among the interaction's results
		// the caller may see: naming the other one finds none.
		forged.Tenant, forged.Comment = storetest.Shopfast, "forged tenant"
		for _, api := range []bool{false, true} {
			if resp, body := a.postReview(t, s, api, acme.interaction, forged); resp.StatusCode != 400 && resp.StatusCode != 404 {
				t.Errorf("%s (api %v) names tenant shopfast on an acme id: %d %.300q", a.name, api, resp.StatusCode, body)
			}
		}
	}
	for _, id := range []string{acme.interaction, shop.interaction} {
		if rs := reviewsIn(t, s.store, storetest.Shopfast, id); len(rs) != 0 {
			t.Errorf("shopfast holds reviews on %s: %+v", id, rs)
		}
	}
	for _, rv := range reviewsIn(t, s.store, storetest.Acme, acme.interaction) {
		if rv.Comment != "forged fields" {
			t.Errorf("acme holds a review %+v", rv)
		}
	}

	// shared-0001: acme-express has it under the logistics scorecard,
	// shopfast under the e-commerce one. A confined reviewer naming
	// shopfast and its scorecard is refused, by form or API.
	cross := store.Review{Tenant: storetest.Shopfast, Scorecard: storetest.Ecommerce, Item: "greeting",
		Decision: store.Overturn, Verdict: schemas.Pass, Comment: "cross-tenant"}
	for _, tc := range []struct {
		a   authzAs
		api bool
	}{{qaAcme, false}, {qaAcme, true}, {botQAAcme, true}} {
		resp, body := tc.a.postReview(t, s, tc.api, sharedID, cross)
		if resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Errorf("%s (api %v) reviews shopfast's %s: %d %.300q", tc.a.name, tc.api, sharedID, resp.StatusCode, body)
		}
	}
	for _, tenant := range []string{storetest.Shopfast, storetest.Acme} {
		if rs := reviewsIn(t, s.store, tenant, sharedID); len(rs) != 0 {
			t.Errorf("%s's %s got reviews: %+v", tenant, sharedID, rs)
		}
	}
	// Not vacuous: the same request from a qa of every tenant lands in
	// shopfast.
	resp, body := sessionCaller(t, s, "qa").postReview(t, s, true, sharedID, cross)
	var rv store.Review
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rv) != nil || rv.Tenant != storetest.Shopfast {
		t.Errorf("qa reviews shopfast's %s: %d %s", sharedID, resp.StatusCode, body)
	}
	if rs := reviewsIn(t, s.store, storetest.Shopfast, sharedID); len(rs) != 1 || rs[0].Reviewer != "qa" {
		t.Errorf("shopfast's %s reviews: %+v", sharedID, rs)
	}
}

// TestWritesNeedTheSessionsCSRFToken: a session's unsafe requests without
// its CSRF token in the X-CSRF-Token header or the csrf_token form field are
// refused with 403 and change nothing; the role check comes first.
func TestWritesNeedTheSessionsCSRFToken(t *testing.T) {
	s := newScopedSite(t)
	fx := acmeFixture(t, s.store)
	before := len(reviewsIn(t, s.store, storetest.Acme, fx.interaction))
	fields := url.Values{"scorecard": {fx.scorecard}, "item": {fx.item}, "decision": {store.Confirm}, "verdict": {"fail"}, "comment": {"no csrf"}}
	jsonBody, _ := json.Marshal(reviewOf(fx, "no csrf"))
	page, api := s.srv.URL+"/interactions/"+fx.interaction+"/reviews", s.srv.URL+"/api/v1/interactions/"+fx.interaction+"/reviews"
	form := "application/x-www-form-urlencoded"

	for _, user := range []string{"qa", "admin", "qa-acme"} {
		c := s.login(t, user)
		own := csrf(t, c, s.srv.URL)
		other := csrf(t, s.login(t, user), s.srv.URL) // the same user's other session
		withField := func(token string) string {
			v := url.Values{}
			for k, vs := range fields {
				v[k] = vs
			}
			v.Set(auth.CSRFField, token)
			return v.Encode()
		}
		for name, req := range map[string]struct {
			u, ctype, body string
			hdr            map[string]string
		}{
			"form without a token":                  {page, form, fields.Encode(), nil},
			"form with an empty token":              {page, form, withField(""), nil},
			"form with a wrong token":               {page, form, withField("x" + own), nil},
			"form with another session's token":     {page, form, withField(other), nil},
			"form with the token in the URL":        {page + "?" + auth.CSRFField + "=" + url.QueryEscape(own), form, fields.Encode(), nil},
			"JSON without a token":                  {api, "application/json", string(jsonBody), nil},
			"JSON with a wrong header":              {api, "application/json", string(jsonBody), map[string]string{auth.CSRFHeader: own[:len(own)-1]}},
			"JSON with another session's header":    {api, "application/json", string(jsonBody), map[string]string{auth.CSRFHeader: other}},
			"JSON with the token in the URL":        {api + "?" + auth.CSRFField + "=" + url.QueryEscape(own), "application/json", string(jsonBody), nil},
			"JSON with the token as a JSON field":   {api, "application/json", `{"csrf_token":"` + own + `"}`, nil},
			"form to the API with the token in URL": {api + "?" + auth.CSRFField + "=" + url.QueryEscape(own), form, fields.Encode(), nil},
		} {
			if resp, body := call(t, c, "POST", req.u, req.hdr, req.ctype, req.body); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s, %s: %d %.200q", user, name, resp.StatusCode, body)
			}
		}
		if got := len(reviewsIn(t, s.store, storetest.Acme, fx.interaction)); got != before {
			t.Fatalf("%s: %d reviews written without a CSRF token", user, got-before)
		}
		// Not vacuous: with the token, both routes write.
		if resp, body := call(t, c, "POST", page, nil, form, withField(own)); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s, form with the token: %d %.200q", user, resp.StatusCode, body)
		}
		if resp, body := call(t, c, "POST", api, map[string]string{auth.CSRFHeader: own}, "application/json", string(jsonBody)); resp.StatusCode != http.StatusCreated {
			t.Errorf("%s, JSON with the token: %d %.200q", user, resp.StatusCode, body)
		}
		before += 2
		if got := len(reviewsIn(t, s.store, storetest.Acme, fx.interaction)); got != before {
			t.Fatalf("%s: %d reviews, want %d", user, got, before)
		}
	}

	// Callers the route is not for get 404 with or without a token.
	for _, user := range []string{"client-acme", "trainer", "trainer-acme"} {
		c := s.login(t, user)
		for _, u := range []string{page, api} {
			if resp, _ := call(t, c, "POST", u, nil, form, fields.Encode()); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s POST %s without a token: %d", user, u, resp.StatusCode)
			}
		}
	}

	// Logout is CSRF-checked too: without the token the session lives on.
	c := s.login(t, "qa")
	if resp, _ := call(t, c, "POST", s.srv.URL+"/logout", nil, form, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout without a token: %d", resp.StatusCode)
	}
	token := csrf(t, c, s.srv.URL) // fails the test when the session is gone
	if resp, _ := call(t, c, "POST", s.srv.URL+"/logout", nil, form, auth.CSRFField+"="+url.QueryEscape(token)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout with the token: %d", resp.StatusCode)
	}
	if code, _ := get(t, c, s.srv.URL+"/api/v1/me"); code != http.StatusUnauthorized {
		t.Errorf("after logout /api/v1/me answers %d", code)
	}
}

// TestAPITokensNeedNoCSRF: API-token callers write without a CSRF token,
// within their role and tenants; an unknown token makes a request anonymous
// whatever session cookie it has.
func TestAPITokensNeedNoCSRF(t *testing.T) {
	s := newScopedSite(t)
	acme, shop := acmeFixture(t, s.store), tenantFixture(t, s.store, storetest.Shopfast)
	review := func(fx authzFixture) store.Review { return reviewOf(fx, "by token") }
	botQA, botQAAcme, botClient := tokenCaller("bot-qa", tokenQA), tokenCaller("bot-qa-acme", tokenQAAcme), tokenCaller("bot-client-acme", tokenClient)

	code, body := botQA.get(t, s, "/api/v1/me")
	var me struct {
		User string `json:"user"`
		CSRF string `json:"csrf_token"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &me) != nil || me.User != "bot-qa" || me.CSRF != "" {
		t.Errorf("bot-qa /api/v1/me: %d %s", code, body)
	}
	for _, tc := range []struct {
		a    authzAs
		fx   authzFixture
		want int
	}{
		{botQA, acme, 201}, {botQA, shop, 201}, {botQAAcme, acme, 201},
		{botQAAcme, shop, 404}, // not its tenant
		{botClient, acme, 404}, // not its role
	} {
		resp, body := tc.a.postReview(t, s, true, tc.fx.interaction, review(tc.fx))
		if resp.StatusCode != tc.want {
			t.Errorf("%s reviews %s without CSRF: %d %.200q, want %d", tc.a.name, tc.fx.interaction, resp.StatusCode, body, tc.want)
		}
	}
	if resp, _ := botQA.postReview(t, s, false, acme.interaction, review(acme)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("bot-qa reviews by form without CSRF: %d", resp.StatusCode)
	}
	reviewedBy := func(tenant, id string) []string {
		var by []string
		for _, rv := range reviewsIn(t, s.store, tenant, id) {
			by = append(by, rv.Reviewer)
		}
		slices.Sort(by)
		return by
	}
	if got := reviewedBy(storetest.Acme, acme.interaction); !slices.Equal(got, []string{"bot-qa", "bot-qa", "bot-qa-acme"}) {
		t.Errorf("acme reviews by %q", got)
	}
	if got := reviewedBy(storetest.Shopfast, shop.interaction); !slices.Equal(got, []string{"bot-qa"}) {
		t.Errorf("shopfast reviews by %q", got)
	}

	// A client's token reads its tenant only.
	if code, body := botClient.get(t, s, "/api/v1/dashboard"); code != 200 || !strings.Contains(body, `"received":`+strconv.Itoa(acmeReceived)) ||
		findSecret(body, scopedSecrets) != "" {
		t.Errorf("bot-client-acme dashboard: %d %.300q", code, body)
	}

	// An unknown token makes the request anonymous, session or not.
	c := s.login(t, "qa")
	bad := map[string]string{"Authorization": "Bearer zj_not-a-token", auth.CSRFHeader: csrf(t, c, s.srv.URL)}
	if resp, _ := call(t, c, "GET", s.srv.URL+"/api/v1/queue", bad, "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown token with a session, API: %d", resp.StatusCode)
	}
	if resp, _ := call(t, c, "GET", s.srv.URL+"/queue", bad, "", ""); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("unknown token with a session, page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	b, _ := json.Marshal(review(acme))
	if resp, _ := call(t, c, "POST", s.srv.URL+"/api/v1/interactions/"+acme.interaction+"/reviews", bad, "application/json", string(b)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown token with a session, review: %d", resp.StatusCode)
	}
}

// TestClientsNeverSeePersonalData: SeePII is every role's but client's, and
// a client's view of an interaction is redacted however it asks.
func TestClientsNeverSeePersonalData(t *testing.T) {
	s := newScopedSite(t)
	for _, a := range []authzAs{sessionCaller(t, s, "client-acme"), tokenCaller("bot-client-acme", tokenClient),
		sessionCaller(t, s, "admin"), sessionCaller(t, s, "qa-acme"), sessionCaller(t, s, "trainer-acme"), tokenCaller("bot-qa-acme", tokenQAAcme)} {
		client := strings.Contains(a.name, "client")
		for _, path := range []string{"/api/v1/interactions/" + sharedID, "/interactions/" + sharedID + "?lang=en"} {
			code, body := a.get(t, s, path)
			if code != 200 {
				t.Errorf("%s %s: %d", a.name, path, code)
				continue
			}
			for _, pii := range []string{acmePhone, acmeEmail} {
				if strings.Contains(body, pii) == client {
					t.Errorf("%s %s: shows %s: %v", a.name, path, pii, client)
				}
			}
		}
	}
}

// TestARefusalLooksLikeAMissingPage checks that a role refused a page gets
// the very answer of a page that does not exist.
func TestARefusalLooksLikeAMissingPage(t *testing.T) {
	s := newScopedSite(t)
	client := sessionCaller(t, s, "client-acme")
	missingCode, missing := client.get(t, s, "/no-such-page")
	for _, target := range []string{"/queue", "/calibration", "/coaching", "/agents/a1"} {
		code, body := client.get(t, s, target)
		if code != missingCode || body != missing {
			t.Errorf("client on %s: %d %q; a missing page: %d %q", target, code, body, missingCode, missing)
		}
	}
}
