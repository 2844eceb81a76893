package console_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
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

// TestTheTranscriptShowsEvidenceAndHidesPIIFromClients writes an
// interaction with kept turns and checks what each role is shown.
func TestTheTranscriptShowsEvidenceAndHidesPIIFromClients(t *testing.T) {
	s := newSite(t)
	o := storetest.RealisticOutcome(storetest.Acme, 500, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	o.Turns = []schemas.Turn{
		{Speaker: schemas.Customer, Text: "我的电话是13812345678，包裹丢了", StartMS: 0},
		{Speaker: schemas.Agent, Text: "非常抱歉给您带来不便", StartMS: 65_000},
	}
	f := &o.Results[0].Findings[0]
	f.Verdict, f.Evidence = schemas.Fail, []schemas.Evidence{{Turn: 1, Start: 0, End: 4, Quote: "非常抱歉", OffsetMS: 65_000}}
	if err := s.store.Write(t.Context(), []store.Outcome{o}); err != nil {
		t.Fatal(err)
	}
	id := o.InteractionID
	for user, phone := range map[string]string{"qa": "13812345678", "client-acme": "[PHONE]"} {
		c := s.login(t, user)
		code, page := get(t, c, s.srv.URL+"/interactions/"+id+"?lang=en")
		mark := `<mark title="` + f.Item + `" data-items="` + f.Item + `">非常抱歉</mark>给您带来不便`
		if code != 200 || !strings.Contains(page, "Transcript") || !strings.Contains(page, mark) ||
			!strings.Contains(page, `href="#turn-`+storetest.Acme+`-1"`) || !strings.Contains(page, `id="turn-`+storetest.Acme+`-1"`) ||
			!strings.Contains(page, "1:05") {
			t.Errorf("%s: page %d without the transcript, its evidence or its link", user, code)
		}
		_, body := get(t, c, s.srv.URL+"/api/v1/interactions/"+id)
		var in struct {
			Transcripts []struct {
				Tenant string         `json:"tenant"`
				Turns  []schemas.Turn `json:"turns"`
			} `json:"transcripts"`
		}
		if err := json.Unmarshal([]byte(body), &in); err != nil || len(in.Transcripts) != 1 || len(in.Transcripts[0].Turns) != 2 {
			t.Fatalf("%s: API %s", user, body)
		}
		if got := in.Transcripts[0].Turns[0].Text; got != "我的电话是"+phone+"，包裹丢了" {
			t.Errorf("%s: first turn %q, want the phone as %s", user, got, phone)
		}
		if strings.Contains(page, "13812345678") != (phone == "13812345678") {
			t.Errorf("%s: the page shows the phone number: %v", user, strings.Contains(page, "13812345678"))
		}
	}
	// Interactions without kept turns say so.
	_, page := get(t, s.login(t, "qa"), s.srv.URL+"/interactions/"+storetest.RealisticOutcome(storetest.Acme, 1, time.Now()).InteractionID+"?lang=en")
	if !strings.Contains(page, "No transcript was kept") {
		t.Error("no word of the missing transcript")
	}
}

// TestAReviewRecordsTheMachineVerdict checks that the reviewed finding's
// verdict is stored with the review, whatever the body says, and that an
// item without a finding is refused.
func TestAReviewRecordsTheMachineVerdict(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "qa")
	e, _ := queue(t, c, s.srv.URL, "tenant="+storetest.Acme)
	post := func(body string) (int, string) {
		req, _ := http.NewRequest("POST", s.srv.URL+"/api/v1/interactions/"+e[0].InteractionID+"/reviews", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf(t, c, s.srv.URL))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := post(`{"scorecard":"` + e[0].Scorecard + `","item":"` + e[0].FailedItems[0] + `","decision":"overturn","verdict":"pass","ai_verdict":"pass"}`)
	var rv store.Review
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &rv) != nil || rv.AIVerdict != schemas.Fail || rv.Tenant != storetest.Acme {
		t.Fatalf("review: %d %s; want 201 with ai_verdict fail", code, body)
	}
	code, body = post(`{"scorecard":"` + e[0].Scorecard + `","item":"no_such_item","decision":"confirm","verdict":"fail"}`)
	if code != http.StatusBadRequest || !strings.Contains(body, "no_such_item") {
		t.Errorf("review of an unknown item: %d %s", code, body)
	}
}

// TestTheAgentViewShowsTheStoresDays checks the agent page's chart and
// table against Store.Agent.
func TestTheAgentViewShowsTheStoresDays(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "trainer")
	e, _ := queue(t, s.login(t, "qa"), s.srv.URL, "tenant="+storetest.Acme)
	agent := e[0].AgentID
	v, err := s.store.Agent(t.Context(), store.Filter{}, agent)
	if err != nil || len(v.Days) == 0 {
		t.Fatalf("Agent(%s): %+v, %v", agent, v, err)
	}
	code, page := get(t, c, s.srv.URL+"/agents/"+agent+"?lang=en")
	if code != 200 || !strings.Contains(page, `role="img"`) || !strings.Contains(page, "Average score and pass rate by day: "+agent) {
		t.Fatalf("agent page %d without its chart", code)
	}
	for _, d := range v.Days {
		row := fmt.Sprintf("<td>%s</td><td>%d</td><td>%.1f</td><td>%d</td>", d.Day.Format(time.DateOnly), d.Results, d.AvgScore, d.Passed)
		if !strings.Contains(page, row) {
			t.Errorf("no row %s", row)
		}
	}
	for _, it := range v.TopFailing {
		if !strings.Contains(page, ">"+it.Item+"</a></td><td>"+fmt.Sprint(it.Failures)+"<") {
			t.Errorf("top failing %s (%d) not shown", it.Item, it.Failures)
		}
	}
	if code, _ := get(t, c, s.srv.URL+"/agents/no-such-agent"); code != 404 {
		t.Errorf("an unknown agent: %d", code)
	}
}

// TestCoachingExamplesCarryTheTurnsAroundTheEvidence checks the snippet of
// an example on the page and in both exports.
func TestCoachingExamplesCarryTheTurnsAroundTheEvidence(t *testing.T) {
	s := newSite(t)
	o := storetest.RealisticOutcome(storetest.Acme, 600, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	o.Turns = []schemas.Turn{
		{Speaker: schemas.Agent, Text: "您好"},
		{Speaker: schemas.Customer, Text: "我要投诉，包裹三天没动了"},
		{Speaker: schemas.Agent, Text: "这个不归我们管"},
		{Speaker: schemas.Customer, Text: "那归谁管？"},
		{Speaker: schemas.Agent, Text: "再见"},
	}
	f := &o.Results[0].Findings[0]
	f.Item, f.Verdict, f.Confidence = "snippet_probe", schemas.Fail, 0.99
	f.Evidence = []schemas.Evidence{{Turn: 2, Start: 0, End: 4, Quote: "这个不归"}}
	if err := s.store.Write(t.Context(), []store.Outcome{o}); err != nil {
		t.Fatal(err)
	}
	c := s.login(t, "trainer")
	q := "?item=snippet_probe&verdict=fail&lang=en"
	_, page := get(t, c, s.srv.URL+"/coaching"+q)
	if !strings.Contains(page, `<ol class="snippet">`) || !strings.Contains(page, `">这个不归</mark>我们管`) ||
		!strings.Contains(page, "那归谁管？") || strings.Contains(page, "再见") {
		t.Errorf("the page's snippet is not turns 1 to 3 with the evidence marked")
	}
	_, body := get(t, c, s.srv.URL+"/coaching/export/jsonl"+q)
	var e struct {
		InteractionID string         `json:"interaction_id"`
		Snippet       []schemas.Turn `json:"snippet"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(body, "\n", 2)[0]), &e); err != nil || e.InteractionID != o.InteractionID ||
		len(e.Snippet) != 3 || e.Snippet[0].Text != "我要投诉，包裹三天没动了" || e.Snippet[2].Text != "那归谁管？" {
		t.Errorf("JSONL example: %s", body)
	}
	_, body = get(t, c, s.srv.URL+"/coaching/export/csv"+q)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][13] != "snippet" ||
		rows[1][13] != "customer: 我要投诉，包裹三天没动了\nagent: 这个不归我们管\ncustomer: 那归谁管？" {
		t.Errorf("CSV: %q, %v", rows, err)
	}
}
