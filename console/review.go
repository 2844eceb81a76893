package console

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// queueFilter reads the review queue's filters from a request.
func queueFilter(r *http.Request) (store.QueueFilter, bool, error) {
	f, ok, err := filter(r)
	q := r.URL.Query()
	qf := store.QueueFilter{Filter: f, Severity: q.Get("severity"), Agent: q.Get("agent"), Team: q.Get("team"),
		Channel: q.Get("channel"), Queue: q.Get("queue"), Status: q.Get("status")}
	if it := strings.TrimSpace(q.Get("item")); it != "" {
		qf.Items = []string{it}
	}
	if err == nil {
		qf.Offset, err = intParam(q.Get("offset"), "offset")
	}
	if err == nil {
		qf.Limit, err = intParam(q.Get("limit"), "limit")
	}
	if err == nil {
		err = qf.Validate()
	}
	return qf, ok, err
}

func intParam(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errors.New(name + ": " + strconv.Quote(v) + " is not a whole number")
	}
	return n, nil
}

// queuePage is the review queue, as the page and the API show it.
type queuePage struct {
	Entries []store.QueueEntry `json:"entries"`
	Total   int64              `json:"total"`
	Offset  int                `json:"offset"`
	Limit   int                `json:"limit"`
}

func (s *Server) loadQueue(w http.ResponseWriter, r *http.Request, api bool) (*queuePage, bool) {
	qf, ok, err := queueFilter(r)
	if s.refuse(w, r, api, ok, err) {
		return nil, false
	}
	es, total, err := s.cfg.Store.Queue(r.Context(), qf)
	if s.storeFailed(w, r, api, err) {
		return nil, false
	}
	return &queuePage{Entries: es, Total: total, Offset: qf.Offset, Limit: qf.EffectiveLimit()}, true
}

func (s *Server) queue(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadQueue(w, r, false); ok {
		s.render(w, r, "queue", map[string]any{"Q": p, "Query": r.URL.Query()})
	}
}

func (s *Server) queueAPI(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadQueue(w, r, true); ok {
		writeJSON(w, p)
	}
}

// interaction is one interaction's results and reviews.
type interaction struct {
	ID      string            `json:"interaction_id"`
	Results []*schemas.Result `json:"results"`
	Reviews []store.Review    `json:"reviews"`
	// Transcripts are the turns kept for the interaction, one per tenant
	// holding the id (almost always one); none when none were kept.
	Transcripts []transcript `json:"transcripts"`
}

// TurnsOf returns the turns kept for tenant's interaction; nil if none.
func (in *interaction) TurnsOf(tenant string) []schemas.Turn {
	for _, t := range in.Transcripts {
		if t.Tenant == tenant {
			return t.Turns
		}
	}
	return nil
}

// loadInteraction reads an interaction within the caller's tenants; an id
// outside them answers 404, the same as one that does not exist.
func (s *Server) loadInteraction(w http.ResponseWriter, r *http.Request, api bool) (*interaction, bool) {
	p := auth.From(r.Context())
	tenants, ok := p.Scope(nil)
	f := store.Filter{Tenants: tenants}
	id := r.PathValue("id")
	if !ok || id == "" {
		s.notFound(w, r, api)
		return nil, false
	}
	rs, err := s.cfg.Store.Results(r.Context(), f, id)
	if s.storeFailed(w, r, api, err) {
		return nil, false
	}
	if len(rs) == 0 {
		s.notFound(w, r, api)
		return nil, false
	}
	reviews, err := s.cfg.Store.Reviews(r.Context(), f, id)
	if s.storeFailed(w, r, api, err) {
		return nil, false
	}
	pii := p.Can(auth.SeePII)
	if !pii {
		for _, res := range rs {
			redactResult(res)
		}
	}
	in := &interaction{ID: id, Results: rs, Reviews: reviews, Transcripts: []transcript{}}
	var seen []string
	for _, res := range rs {
		if slices.Contains(seen, res.Tenant) {
			continue
		}
		seen = append(seen, res.Tenant)
		turns, err := s.cfg.Store.Transcript(r.Context(), f, res.Tenant, id)
		if s.storeFailed(w, r, api, err) {
			return nil, false
		}
		if len(turns) == 0 {
			continue
		}
		if !pii {
			redactTurns(turns)
		}
		in.Transcripts = append(in.Transcripts, newTranscript(res.Tenant, turns, rs))
	}
	return in, true
}

func (s *Server) interactionPage(w http.ResponseWriter, r *http.Request) {
	if in, ok := s.loadInteraction(w, r, false); ok {
		s.render(w, r, "interaction", map[string]any{"I": in,
			"CanReview": auth.From(r.Context()).Can(auth.Review), "Saved": r.URL.Query().Get("saved") != ""})
	}
}

func (s *Server) interactionAPI(w http.ResponseWriter, r *http.Request) {
	if in, ok := s.loadInteraction(w, r, true); ok {
		writeJSON(w, in)
	}
}

// addReview appends a reviewer's decision on one finding: from the page's
// form (then back to the page) or as JSON from the API.
func (s *Server) addReview(w http.ResponseWriter, r *http.Request) {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	in, ok := s.loadInteraction(w, r, api)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var rv store.Review
	if api {
		if err := decodeJSON(r, &rv); err != nil {
			apiError(w, http.StatusBadRequest, err.Error())
			return
		}
	} else {
		rv = store.Review{Tenant: r.FormValue("tenant"), Scorecard: r.FormValue("scorecard"), Item: r.FormValue("item"),
			Decision: r.FormValue("decision"), Verdict: schemas.Verdict(r.FormValue("verdict")),
			Comment: r.FormValue("comment"), Done: r.FormValue("done") != ""}
	}
	// The reviewer and the time are the server's to say, and so are the
	// tenant (the one asked for, when the id is in several the caller
	// sees) and the machine's verdict under review: that of the item in the
	// scorecard's latest version.
	rv.InteractionID, rv.Reviewer, rv.At = in.ID, auth.From(r.Context()).User, s.cfg.Now().UTC()
	res, finding := reviewed(in.Results, rv.Tenant, rv.Scorecard, rv.Item)
	var err error
	switch {
	case res == nil:
		err = fmt.Errorf("%w: scorecard: %q has no result for this interaction", store.ErrInvalid, rv.Scorecard)
	case finding == nil:
		err = fmt.Errorf("%w: item: %q has no finding in scorecard %q", store.ErrInvalid, rv.Item, rv.Scorecard)
	default:
		rv.Tenant, rv.AIVerdict = res.Tenant, finding.Verdict
		err = s.cfg.Store.AddReview(r.Context(), rv)
	}
	switch {
	case errors.Is(err, store.ErrInvalid):
		if api {
			apiError(w, http.StatusBadRequest, err.Error())
		} else {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
		return
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r, api)
		return
	case s.storeFailed(w, r, api, err):
		return
	}
	if api {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		writeJSON(w, rv)
		return
	}
	http.Redirect(w, r, "/interactions/"+in.ID+"?saved=1", http.StatusSeeOther)
}

// reviewed returns the result of scorecard (of tenant, unless "") in rs,
// the one processed last when there are several versions, and its finding
// of item; nil when there is none.
func reviewed(rs []*schemas.Result, tenant, scorecard, item string) (*schemas.Result, *schemas.Finding) {
	var res *schemas.Result
	for _, r := range rs {
		if r.Scorecard == scorecard && (tenant == "" || r.Tenant == tenant) &&
			(res == nil || !r.ProcessedAt.Before(res.ProcessedAt)) {
			res = r
		}
	}
	if res == nil {
		return nil, nil
	}
	for i := len(res.Findings) - 1; i >= 0; i-- {
		if res.Findings[i].Item == item {
			return res, &res.Findings[i]
		}
	}
	return res, nil
}

// refuse answers a request whose filters are bad (400) or name no tenant
// the caller may see (404); it reports whether it answered.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, api, ok bool, err error) bool {
	switch {
	case err != nil && api:
		apiError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
	case !ok:
		s.notFound(w, r, api)
	default:
		return false
	}
	return true
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		apiError(w, http.StatusNotFound, "not found")
		return
	}
	http.NotFound(w, r)
}

// storeFailed answers a store error with 503; it reports whether it did.
func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, api bool, err error) bool {
	if err == nil {
		return false
	}
	s.cfg.Log.Sugar().Warnw("console: store", "path", r.URL.Path, "error", err)
	if api {
		apiError(w, http.StatusServiceUnavailable, "the store did not answer; try again")
	} else {
		http.Error(w, "the store did not answer; try again", http.StatusServiceUnavailable)
	}
	return true
}

// since formats how long ago t was, for the review history.
func since(t time.Time) string { return t.Format("2006-01-02 15:04") }
