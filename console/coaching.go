package console

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

func coachingFilter(r *http.Request) (store.CoachingFilter, bool, error) {
	f, ok, err := filter(r)
	q := r.URL.Query()
	cf := store.CoachingFilter{Filter: f, Scorecard: q.Get("scorecard"), Item: q.Get("item"),
		Verdict: schemas.Verdict(q.Get("verdict")), Agent: q.Get("agent"), Team: q.Get("team")}
	if cf.Verdict == "" {
		cf.Verdict = schemas.Pass
	}
	if err == nil {
		cf.Limit, err = intParam(q.Get("limit"), "limit")
	}
	if err == nil && cf.Item != "" {
		err = cf.Validate()
	}
	return cf, ok, err
}

// example is a coaching example with the turns around its first evidence:
// the one before, the evidence's and the one after.
type example struct {
	store.Example
	Snippet []schemas.Turn `json:"snippet"`
	Lines   []line         `json:"-"` // Snippet on the page, evidence highlighted
}

// loadCoaching finds the examples; with no item chosen yet there are none.
func (s *Server) loadCoaching(w http.ResponseWriter, r *http.Request, api bool) ([]example, bool) {
	cf, ok, err := coachingFilter(r)
	if api && err == nil && cf.Item == "" {
		err = cf.Validate()
	}
	if s.refuse(w, r, api, ok, err) {
		return nil, false
	}
	if cf.Item == "" {
		return nil, true
	}
	es, err := s.cfg.Store.Coaching(r.Context(), cf)
	if s.storeFailed(w, r, api, err) {
		return nil, false
	}
	pii := auth.From(r.Context()).Can(auth.SeePII)
	out := make([]example, len(es))
	for i, e := range es {
		if !pii {
			redactFinding(&e.Finding)
		}
		turns, err := s.cfg.Store.Transcript(r.Context(), cf.Filter, e.Tenant, e.InteractionID)
		if s.storeFailed(w, r, api, err) {
			return nil, false
		}
		if !pii {
			redactTurns(turns)
		}
		out[i] = snippet(e, turns)
	}
	return out, true
}

// snippet cuts turns down to those around e's first evidence in them.
func snippet(e store.Example, turns []schemas.Turn) example {
	x := example{Example: e, Snippet: []schemas.Turn{}}
	for _, ev := range e.Finding.Evidence {
		if ev.Turn < 0 || ev.Turn >= len(turns) {
			continue
		}
		from, to := max(ev.Turn-1, 0), min(ev.Turn+2, len(turns))
		x.Snippet = turns[from:to]
		r := &schemas.Result{Tenant: e.Tenant, Findings: []schemas.Finding{e.Finding}}
		x.Lines = newTranscript(e.Tenant, turns, []*schemas.Result{r}).Lines[from:to]
		break
	}
	return x
}

func (s *Server) coaching(w http.ResponseWriter, r *http.Request) {
	if es, ok := s.loadCoaching(w, r, false); ok {
		q := r.URL.Query()
		q.Del("lang")
		s.render(w, r, "coaching", map[string]any{"Examples": es, "Query": r.URL.Query(),
			// Built here: the template would escape the query's & and =.
			"CSV": template.URL("/coaching/export/csv?" + q.Encode()), "JSONL": template.URL("/coaching/export/jsonl?" + q.Encode())})
	}
}

// coachingExport writes the examples as CSV or JSON Lines, for trainers'
// own material.
func (s *Server) coachingExport(w http.ResponseWriter, r *http.Request) {
	if f := r.PathValue("format"); f != "csv" && f != "jsonl" {
		http.NotFound(w, r)
		return
	}
	es, ok := s.loadCoaching(w, r, true)
	if !ok {
		return
	}
	format := r.PathValue("format")
	name := "coaching-" + r.URL.Query().Get("item") + "." + format
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(name))
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		io.WriteString(w, "\ufeff") //nolint:errcheck // a BOM so spreadsheet programs read UTF-8
		writeCSV(w, es)
	default:
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, e := range es {
			enc.Encode(e) //nolint:errcheck // the client went away
		}
	}
}

func writeCSV(w io.Writer, es []example) {
	c := csv.NewWriter(w)
	c.Write([]string{"tenant", "interaction_id", "scorecard", "agent_id", "team", "started_at", "score", //nolint:errcheck // flushed below
		"item", "verdict", "confidence", "quote", "offset_ms", "rationale", "snippet"})
	for _, e := range es {
		quote, offset := "", ""
		if len(e.Finding.Evidence) > 0 {
			quote, offset = e.Finding.Evidence[0].Quote, strconv.FormatInt(e.Finding.Evidence[0].OffsetMS, 10)
		}
		c.Write([]string{e.Tenant, e.InteractionID, e.Scorecard, e.AgentID, e.Team, e.StartedAt.Format(time.RFC3339), //nolint:errcheck // flushed below
			fmt.Sprintf("%.1f", e.Score), e.Finding.Item, string(e.Finding.Verdict),
			fmt.Sprintf("%.2f", e.Finding.Confidence), quote, offset, e.Finding.Rationale, snippetText(e.Snippet)})
	}
	c.Flush()
}

func (s *Server) agent(w http.ResponseWriter, r *http.Request) {
	f, ok, err := filter(r)
	if s.refuse(w, r, false, ok, err) {
		return
	}
	v, err := s.cfg.Store.Agent(r.Context(), f, r.PathValue("id"))
	if s.storeFailed(w, r, false, err) {
		return
	}
	if len(v.Days) == 0 {
		http.NotFound(w, r)
		return
	}
	t := translator(language(w, r))
	days := make([]time.Time, len(v.Days))
	scores, rates := make([]float64, len(v.Days)), make([]float64, len(v.Days))
	for i, d := range v.Days {
		days[i], scores[i], rates[i] = d.Day, d.AvgScore, percent(d.Passed, d.Results)
	}
	chart := barChart(t("agent_chart")+" "+v.Agent, t("dash_chart_desc"), days, 100, "%.1f",
		bars{t("avg_score"), "avg_score", scores}, bars{t("pass_rate"), "pass_rate_over", rates})
	s.render(w, r, "agent", map[string]any{"A": v, "Chart": chart})
}

// snippetText is a snippet as plain text, a turn a line: "speaker: text".
func snippetText(turns []schemas.Turn) string {
	lines := make([]string, len(turns))
	for i, t := range turns {
		lines[i] = string(t.Speaker) + ": " + t.Text
	}
	return strings.Join(lines, "\n")
}
