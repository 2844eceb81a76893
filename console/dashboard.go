package console

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// filter reads the tenants and day range a request asks for, narrowed to
// the caller's tenants; ok is false when none is left.
func filter(r *http.Request) (store.Filter, bool, error) {
	q := r.URL.Query()
	var asked []string
	for _, t := range q["tenant"] {
		if t = strings.TrimSpace(t); t != "" {
			asked = append(asked, t)
		}
	}
	tenants, ok := auth.From(r.Context()).Scope(asked)
	f := store.Filter{Tenants: tenants}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return f, ok, fmt.Errorf("%s: %q is not a date (YYYY-MM-DD)", name, v)
			}
			*dst = d
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, ok, fmt.Errorf("to (%s) is before from (%s)", q.Get("to"), q.Get("from"))
	}
	return f, ok, nil
}

// dashFilter reads what a dashboard asks for: filter's tenants and days,
// and a channel, queue and team.
func dashFilter(r *http.Request) (store.TrendFilter, bool, error) {
	f, ok, err := filter(r)
	q := r.URL.Query()
	tf := store.TrendFilter{Filter: f, Channel: strings.TrimSpace(q.Get("channel")),
		Queue: strings.TrimSpace(q.Get("queue")), Team: strings.TrimSpace(q.Get("team"))}
	if err != nil {
		return tf, ok, err
	}
	switch schemas.Channel(tf.Channel) {
	case "", schemas.Voice, schemas.Chat, schemas.Email:
	default:
		return tf, ok, fmt.Errorf("channel: %q is not voice, chat or email", tf.Channel)
	}
	return tf, ok, nil
}

// dayRow is one day of the dashboard's trend.
type dayRow store.Day

// Coverage is the share of received interactions scored, in percent.
func (d dayRow) Coverage() float64 { return percent(d.Scored, d.Received) }

// PassRate is the share of results passed, in percent.
func (d dayRow) PassRate() float64 { return percent(d.Passed, d.Results) }

func percent(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// kpis are the dashboard's headline numbers, over every filter. Without a
// channel, queue or team they are the store's Summary but for Critical,
// the sum of the days'; with one, which Summary cannot narrow to, they
// are the sums of the days (AvgScore weighted by Results) but for
// Flagged, the review queue's total for the same filter.
type kpis struct {
	Received int64   `json:"received"`
	Scored   int64   `json:"scored"`
	Failed   int64   `json:"failed"`
	Coverage float64 `json:"coverage_pct"` // Scored of Received
	Results  int64   `json:"results"`
	Passed   int64   `json:"passed"`
	PassRate float64 `json:"pass_rate_pct"` // Passed of Results
	AvgScore float64 `json:"avg_score"`
	// Critical counts the results with a failed critical item.
	Critical int64 `json:"critical"`
	Flagged  int64 `json:"flagged"`
}

// dashboardData is what the dashboard page shows and /api/v1/dashboard
// answers.
type dashboardData struct {
	KPIs kpis `json:"kpis"`
	// Days is the store's Trend for every filter, by day ascending.
	Days []dayRow `json:"days"`
	// Summary is the store's Summary for the tenants and days only:
	// Narrowed says a channel, queue or team was asked for, which it and
	// its TopFailing do not narrow to.
	Summary  store.Summary `json:"summary"`
	Narrowed bool          `json:"narrowed"`
	// Tenants are those the caller may choose, with outcomes in the days.
	Tenants []string `json:"tenants"`
}

func (s *Server) loadDashboard(r *http.Request, f store.TrendFilter) (*dashboardData, error) {
	ctx, st := r.Context(), s.cfg.Store
	sum, err := st.Summary(ctx, f.Filter, 10)
	if err != nil {
		return nil, err
	}
	trend, err := st.Trend(ctx, f)
	if err != nil {
		return nil, err
	}
	d := &dashboardData{Summary: sum, Narrowed: f.Channel != "" || f.Queue != "" || f.Team != "",
		Days: make([]dayRow, len(trend)), Tenants: []string{}}
	k := &d.KPIs
	for i, day := range trend {
		d.Days[i] = dayRow(day)
		k.Received += day.Received
		k.Scored += day.Scored
		k.Failed += day.Failed
		k.Results += day.Results
		k.Passed += day.Passed
		k.Critical += day.Critical
		k.AvgScore += day.AvgScore * float64(day.Results)
	}
	if k.Results > 0 {
		k.AvgScore /= float64(k.Results)
	}
	if d.Narrowed {
		_, k.Flagged, err = st.Queue(ctx, store.QueueFilter{Filter: f.Filter, Channel: f.Channel, Queue: f.Queue, Team: f.Team, Limit: 1})
		if err != nil {
			return nil, err
		}
	} else {
		k.Received, k.Scored, k.Failed = sum.Received, sum.Full+sum.Partial, sum.Failed
		k.Results, k.Passed, k.AvgScore, k.Flagged = sum.Results, sum.Passed, sum.AvgScore, sum.Flagged
	}
	k.Coverage, k.PassRate = percent(k.Scored, k.Received), percent(k.Passed, k.Results)

	scope, _ := auth.From(ctx).Scope(nil)
	if len(scope) == 1 {
		// A caller of one tenant has nothing to choose: no query.
		d.Tenants = scope
		return d, nil
	}
	cov, err := st.Coverage(ctx, store.Filter{Tenants: scope, From: f.From, To: f.To})
	if err != nil {
		return nil, err
	}
	for _, c := range cov {
		if !slices.Contains(d.Tenants, c.Tenant) {
			d.Tenants = append(d.Tenants, c.Tenant)
		}
	}
	slices.Sort(d.Tenants)
	return d, nil
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.dashboardOf(w, r, false); ok {
		s.render(w, r, "dashboard", map[string]any{
			"D": d, "Query": r.URL.Query(), "Charts": charts(d.Days, translator(language(w, r))),
		})
	}
}

func (s *Server) dashboardAPI(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.dashboardOf(w, r, true); ok {
		writeJSON(w, d)
	}
}

// dashboardOf reads the request's filters and loads the dashboard, or
// answers the request itself: ok is false then.
func (s *Server) dashboardOf(w http.ResponseWriter, r *http.Request, api bool) (*dashboardData, bool) {
	f, ok, err := dashFilter(r)
	if s.refuse(w, r, api, ok, err) {
		return nil, false
	}
	d, err := s.loadDashboard(r, f)
	if s.storeFailed(w, r, api, err) {
		return nil, false
	}
	return d, true
}

// charts draws the dashboard's charts of its days, with t's words; the
// tables under them hold the same numbers.
func charts(days []dayRow, t func(string) string) map[string]template.HTML {
	at := make([]time.Time, len(days))
	var received, scored, passRate, avgScore []float64
	for i, d := range days {
		at[i] = d.Day
		received = append(received, float64(d.Received))
		scored = append(scored, float64(d.Scored))
		passRate = append(passRate, d.PassRate())
		avgScore = append(avgScore, d.AvgScore)
	}
	desc := t("dash_chart_desc")
	return map[string]template.HTML{
		"Coverage": barChart(t("chart_coverage"), desc, at, 0, "%.0f",
			bars{t("received"), "received", received}, bars{t("scored"), "scored", scored}),
		"PassRate": barChart(t("dash_chart_pass_rate"), desc, at, 100, "%.1f%%", bars{t("pass_rate"), "pass_rate", passRate}),
		"AvgScore": barChart(t("dash_chart_avg_score"), desc, at, 100, "%.1f", bars{t("avg_score"), "avg_score", avgScore}),
	}
}
