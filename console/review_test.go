package console_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

// csrf returns the session's CSRF token.
func csrf(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	_, body := get(t, c, base+"/api/v1/me")
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.CSRF == "" {
		t.Fatalf("me: %s", body)
	}
	return me.CSRF
}

func queue(t *testing.T, c *http.Client, base, query string) (entries []store.QueueEntry, total int64) {
	t.Helper()
	code, body := get(t, c, base+"/api/v1/queue?"+query)
	var q struct {
		Entries []store.QueueEntry `json:"entries"`
		Total   int64              `json:"total"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &q) != nil {
		t.Fatalf("queue %s: %d %s", query, code, body)
	}
	return q.Entries, q.Total
}

func TestReviewingAFindingMovesTheInteractionThroughTheQueue(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "qa")
	entries, total := queue(t, c, s.srv.URL, "tenant="+storetest.Acme)
	if len(entries) == 0 || total < int64(len(entries)) {
		t.Fatalf("queue: %d entries of %d", len(entries), total)
	}
	for i := 1; i < len(entries); i++ {
		if store.SeverityRank(entries[i].Severity) > store.SeverityRank(entries[i-1].Severity) {
			t.Fatalf("queue not most severe first: %s after %s", entries[i].Severity, entries[i-1].Severity)
		}
	}
	e := entries[0]
	if e.Status != store.ReviewOpen || len(e.FailedItems) == 0 {
		t.Fatalf("first entry %+v", e)
	}
	code, page := get(t, c, s.srv.URL+"/interactions/"+e.InteractionID+"?lang=en")
	if code != 200 || !strings.Contains(page, `data-item="`+e.FailedItems[0]+`"`) || !strings.Contains(page, `name="csrf_token"`) {
		t.Fatalf("detail page: %d", code)
	}
	post := func(done bool) *http.Response {
		form := url.Values{"csrf_token": {csrf(t, c, s.srv.URL)}, "scorecard": {e.Scorecard}, "item": {e.FailedItems[0]},
			"decision": {"overturn"}, "verdict": {"pass"}, "comment": {"the customer had already been verified"}}
		if done {
			form.Set("done", "1")
		}
		resp, err := c.PostForm(s.srv.URL+"/interactions/"+e.InteractionID+"/reviews", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post(false); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("review: %d", resp.StatusCode)
	}
	_, page = get(t, c, s.srv.URL+"/interactions/"+e.InteractionID+"?saved=1&lang=en")
	if !strings.Contains(page, "the customer had already been verified") || !strings.Contains(page, "Review saved") {
		t.Error("the review does not show on the page")
	}
	if es, _ := queue(t, c, s.srv.URL, "status=in_review"); len(es) != 1 || es[0].InteractionID != e.InteractionID || es[0].Reviews != 1 {
		t.Errorf("in review: %+v", es)
	}
	post(true)
	if es, _ := queue(t, c, s.srv.URL, "status=done"); len(es) != 1 || es[0].Reviews != 2 {
		t.Errorf("done: %+v", es)
	}
	// A review without the CSRF token is refused.
	resp, err := c.PostForm(s.srv.URL+"/interactions/"+e.InteractionID+"/reviews", url.Values{"scorecard": {e.Scorecard}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d", resp.StatusCode)
	}
}

func TestClientsReadTheirTenantOnly(t *testing.T) {
	s := newSite(t)
	qa := s.login(t, "qa")
	acme, _ := queue(t, qa, s.srv.URL, "tenant="+storetest.Acme)
	shop, _ := queue(t, qa, s.srv.URL, "tenant="+storetest.Shopfast)
	if len(acme) == 0 || len(shop) == 0 {
		t.Fatal("fixtures lack flagged results")
	}
	c := s.login(t, "client-acme")
	if code, _ := get(t, c, s.srv.URL+"/interactions/"+acme[0].InteractionID); code != 200 {
		t.Errorf("own interaction: %d", code)
	}
	for _, u := range []string{"/interactions/" + shop[0].InteractionID, "/api/v1/interactions/" + shop[0].InteractionID,
		"/queue", "/api/v1/queue", "/coaching", "/interactions/no-such-id"} {
		if code, body := get(t, c, s.srv.URL+u); code != 404 || strings.Contains(body, storetest.Shopfast) {
			t.Errorf("client-acme %s: %d", u, code)
		}
	}
	// A client may not review, even with a valid CSRF token.
	form := url.Values{"csrf_token": {csrf(t, c, s.srv.URL)}, "scorecard": {acme[0].Scorecard}, "item": {"x"}, "decision": {"confirm"}, "verdict": {"pass"}}
	resp, err := c.PostForm(s.srv.URL+"/interactions/"+acme[0].InteractionID+"/reviews", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("client review: %d", resp.StatusCode)
	}
}

func TestCoachingExamplesExportAsCSV(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "trainer")
	entries, _ := queue(t, s.login(t, "qa"), s.srv.URL, "")
	item := entries[0].FailedItems[0]
	code, page := get(t, c, s.srv.URL+"/coaching?lang=en&verdict=fail&item="+item)
	if code != 200 || !strings.Contains(page, "Export CSV") {
		t.Fatalf("coaching page: %d", code)
	}
	code, body := get(t, c, s.srv.URL+"/coaching/export/csv?verdict=fail&item="+item)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if code != 200 || err != nil || len(rows) < 2 || rows[0][0] != "tenant" {
		t.Fatalf("csv: %d %v %q", code, err, body)
	}
	for _, r := range rows[1:] {
		if r[7] != item || r[8] != "fail" {
			t.Errorf("row %v is not a failed %s", r, item)
		}
	}
	if code, _ := get(t, c, s.srv.URL+"/coaching/export/xml?verdict=fail&item="+item); code != 404 {
		t.Errorf("unknown format: %d", code)
	}
	if code, _ := get(t, c, s.srv.URL+"/api/v1/queue"); code != 404 {
		t.Errorf("a trainer reads the review queue: %d", code)
	}
	if code, _ := get(t, c, s.srv.URL+"/agents/"+entries[0].AgentID); code != 200 {
		t.Errorf("agent view: %d", code)
	}
}
