package console_test

import (
	"encoding/json"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

// dashboard is the part of /api/v1/dashboard the tests read.
type dashboard struct {
	KPIs struct {
		Received, Scored, Failed, Results, Passed, Critical, Flagged int64
		AvgScore                                                     float64 `json:"avg_score"`
		PassRate                                                     float64 `json:"pass_rate_pct"`
	} `json:"kpis"`
	Days     []json.RawMessage `json:"days"`
	Narrowed bool              `json:"narrowed"`
}

func dashboardAPI(t *testing.T, s *site, user string, q url.Values) dashboard {
	t.Helper()
	code, body := get(t, s.login(t, user), s.srv.URL+"/api/v1/dashboard?"+q.Encode())
	var d dashboard
	if code != 200 || json.Unmarshal([]byte(body), &d) != nil {
		t.Fatalf("%s: %d %s", q.Encode(), code, body)
	}
	return d
}

func TestDashboardKPIsAreTheStoresTrendAndSummary(t *testing.T) {
	s := newSite(t)
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tf := range []store.TrendFilter{
		{},
		{Filter: store.Filter{Tenants: []string{storetest.Acme}, From: day, To: day}},
		{Queue: "delivery"},
		{Filter: store.Filter{Tenants: []string{storetest.Shopfast}}, Channel: "voice", Team: "east-china"},
	} {
		q := url.Values{"tenant": tf.Tenants, "channel": {tf.Channel}, "queue": {tf.Queue}, "team": {tf.Team}}
		if !tf.From.IsZero() {
			q.Set("from", tf.From.Format(time.DateOnly))
			q.Set("to", tf.To.Format(time.DateOnly))
		}
		got := dashboardAPI(t, s, "admin", q)
		trend, err := s.store.Trend(t.Context(), tf)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := s.store.Summary(t.Context(), tf.Filter, 10)
		if err != nil {
			t.Fatal(err)
		}
		var want store.Day
		for _, d := range trend {
			want.Received += d.Received
			want.Scored += d.Scored
			want.Results += d.Results
			want.Passed += d.Passed
			want.Critical += d.Critical
		}
		narrowed := tf.Channel != "" || tf.Queue != "" || tf.Team != ""
		if !narrowed {
			want.Received, want.Scored, want.Results, want.Passed = sum.Received, sum.Full+sum.Partial, sum.Results, sum.Passed
			if got.KPIs.AvgScore != sum.AvgScore || got.KPIs.Flagged != sum.Flagged {
				t.Errorf("%s: avg %v flagged %d, the summary's %v %d", q.Encode(), got.KPIs.AvgScore, got.KPIs.Flagged, sum.AvgScore, sum.Flagged)
			}
		}
		k := got.KPIs
		if k.Received != want.Received || k.Scored != want.Scored || k.Results != want.Results || k.Passed != want.Passed ||
			k.Critical != want.Critical || len(got.Days) != len(trend) || got.Narrowed != narrowed {
			t.Errorf("%s: got %+v (%d days), want %+v (%d days)", q.Encode(), k, len(got.Days), want, len(trend))
		}
		if want.Results == 0 || k.Critical == 0 {
			t.Errorf("%s: no results or no critical ones to compare", q.Encode())
		}
		if pr := 100 * float64(k.Passed) / float64(k.Results); k.PassRate != pr {
			t.Errorf("%s: pass rate %v, want %v", q.Encode(), k.PassRate, pr)
		}
		// The page shows the API's numbers.
		_, page := get(t, s.login(t, "admin"), s.srv.URL+"/?lang=en&"+q.Encode())
		for kpi, v := range map[string]string{"received": itoa(k.Received), "critical": itoa(k.Critical), "flagged": itoa(k.Flagged)} {
			if !strings.Contains(page, `data-kpi="`+kpi+`">`+v+`<`) {
				t.Errorf("%s: %s is not %s on the page", q.Encode(), kpi, v)
			}
		}
	}
}

func TestAChannelQueueOrTeamNarrowsTheDashboard(t *testing.T) {
	s := newSite(t)
	all := dashboardAPI(t, s, "qa", nil)
	voice := dashboardAPI(t, s, "qa", url.Values{"channel": {"voice"}})
	chat := dashboardAPI(t, s, "qa", url.Values{"channel": {"chat"}})
	delivery := dashboardAPI(t, s, "qa", url.Values{"queue": {"delivery"}})
	// Every stored interaction is a scored voice call.
	v, a := voice.KPIs, all.KPIs
	if v.Received != a.Received || v.Scored != a.Scored || v.Results != a.Results || v.Passed != a.Passed ||
		v.Critical != a.Critical || v.Flagged != a.Flagged || math.Abs(v.AvgScore-a.AvgScore) > 1e-9 || !voice.Narrowed || all.Narrowed {
		t.Errorf("voice %+v, all %+v", voice.KPIs, all.KPIs)
	}
	if chat.KPIs.Received != 0 || chat.KPIs.Results != 0 || len(chat.Days) != 0 {
		t.Errorf("chat %+v", chat.KPIs)
	}
	if d := delivery.KPIs; d.Received == 0 || d.Received >= all.KPIs.Received || d.Results >= all.KPIs.Results || d.Flagged > all.KPIs.Flagged {
		t.Errorf("delivery %+v, all %+v", d, all.KPIs)
	}
}

func TestBadDashboardFiltersAre400(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "client-acme")
	for q, name := range map[string]string{
		"channel=fax": "channel", "from=2026-13-01": "from", "to=yesterday": "to", "from=2026-03-05&to=2026-03-01": "to",
	} {
		for _, path := range []string{"/?", "/api/v1/dashboard?"} {
			if code, body := get(t, c, s.srv.URL+path+q); code != 400 || !strings.Contains(body, name) {
				t.Errorf("%s%s: %d %s", path, q, code, body)
			}
		}
	}
}

func TestDashboardChartsAreAccessible(t *testing.T) {
	s := newSite(t)
	_, page := get(t, s.login(t, "client-shop"), s.srv.URL+"/?lang=en")
	for _, label := range []string{"Bar chart of interactions received and scored per day", "Bar chart of the pass rate per day", "Bar chart of the average score per day"} {
		svg := `<svg class="chart" viewBox="0 0 720 224" role="img" aria-label="` + label + `"><title>` + label + `</title><desc>`
		if !strings.Contains(page, svg) {
			t.Errorf("no chart %q with role, label, title and desc", label)
		}
	}
	for _, table := range []string{"coverage", "pass_rate", "avg_score"} {
		if !strings.Contains(page, `<table class="data" data-chart="`+table+`">`) {
			t.Errorf("no table under the %s chart", table)
		}
	}
	if strings.Contains(page, `name="tenant"`) {
		t.Error("a client of one tenant is offered a choice of tenants")
	}
}
