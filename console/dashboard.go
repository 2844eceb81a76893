package console

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/console/auth"
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

// dayRow is one day of the coverage dashboard, over the filter's tenants.
type dayRow struct {
	Day                             time.Time
	Received, Full, Partial, Failed int64
}

func (d dayRow) Scored() int64 { return d.Full + d.Partial }

// Coverage is the share scored, in percent.
func (d dayRow) Coverage() float64 { return percent(d.Scored(), d.Received) }

func percent(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// dashboardData is what the dashboard page and API show.
type dashboardData struct {
	Summary store.Summary `json:"summary"`
	Days    []dayRow      `json:"days"`
	Tenants []string      `json:"tenants"`
}

func (s *Server) loadDashboard(r *http.Request, f store.Filter) (*dashboardData, error) {
	sum, err := s.cfg.Store.Summary(r.Context(), f, 10)
	if err != nil {
		return nil, err
	}
	cov, err := s.cfg.Store.Coverage(r.Context(), f)
	if err != nil {
		return nil, err
	}
	d := &dashboardData{Summary: sum}
	byDay := map[time.Time]*dayRow{}
	for _, c := range cov {
		row := byDay[c.Day]
		if row == nil {
			row = &dayRow{Day: c.Day}
			byDay[c.Day] = row
		}
		row.Received += c.Received
		row.Full += c.Full
		row.Partial += c.Partial
		row.Failed += c.Failed
		if !slices.Contains(d.Tenants, c.Tenant) {
			d.Tenants = append(d.Tenants, c.Tenant)
		}
	}
	for _, row := range byDay {
		d.Days = append(d.Days, *row)
	}
	slices.SortFunc(d.Days, func(a, b dayRow) int { return a.Day.Compare(b.Day) })
	slices.Sort(d.Tenants)
	return d, nil
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	f, ok, err := filter(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	d, err := s.loadDashboard(r, f)
	if err != nil {
		s.cfg.Log.Sugar().Warnw("dashboard", "error", err)
		http.Error(w, "the store did not answer; try again", http.StatusServiceUnavailable)
		return
	}
	lang := language(w, r)
	s.render(w, r, "dashboard", map[string]any{
		"D": d, "Filter": f, "Query": r.URL.Query(),
		"Chart": coverageChart(d.Days, translator(lang)("chart_coverage")),
	})
}

func (s *Server) dashboardAPI(w http.ResponseWriter, r *http.Request) {
	f, ok, err := filter(r)
	switch {
	case err != nil:
		apiError(w, http.StatusBadRequest, err.Error())
		return
	case !ok:
		apiError(w, http.StatusNotFound, "not found")
		return
	}
	d, err := s.loadDashboard(r, f)
	if err != nil {
		apiError(w, http.StatusServiceUnavailable, "the store did not answer; try again")
		return
	}
	writeJSON(w, d)
}

// coverageChart draws received (light) and scored (dark) bars per day as
// SVG, with a title for screen readers; the table under it holds the
// same numbers.
func coverageChart(days []dayRow, label string) template.HTML {
	const w, h, pad = 720, 200, 24
	var top int64 = 1
	for _, d := range days {
		top = max(top, d.Received)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, w, h+pad, template.HTMLEscapeString(label), template.HTMLEscapeString(label))
	if len(days) > 0 {
		bw := float64(w-2*pad) / float64(len(days))
		for i, d := range days {
			x := float64(pad) + float64(i)*bw
			rh := float64(h-pad) * float64(d.Received) / float64(top)
			sh := float64(h-pad) * float64(d.Scored()) / float64(top)
			fmt.Fprintf(&b, `<rect class="received" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
				x, float64(h)-rh, bw*0.8, rh, d.Day.Format(time.DateOnly), d.Received)
			fmt.Fprintf(&b, `<rect class="scored" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
				x+bw*0.2, float64(h)-sh, bw*0.6, sh, d.Day.Format(time.DateOnly), d.Scored())
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text><text x="%d" y="%d" text-anchor="end">%s</text>`,
			pad, h+pad-6, days[0].Day.Format(time.DateOnly), w-pad, h+pad-6, days[len(days)-1].Day.Format(time.DateOnly))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built here from numbers and escaped text
}
