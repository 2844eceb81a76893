package console

import (
	"math"
	"net/http"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers/calibrate"
)

// agreement is how far the machine's verdicts on one scorecard item (or,
// with Item "(all)", on all of a scorecard's items) agree with reviewers'.
// It is computed from the latest review of every reviewed finding.
type agreement struct {
	Scorecard    string `json:"scorecard"`
	Item         string `json:"item"`
	N            int    `json:"n"`
	NotEvaluated int    `json:"not_evaluated"`
	// Agreement is the share of N where both said the same, and Kappa is
	// Cohen's kappa; both null when undefined.
	Agreement *float64 `json:"agreement"`
	Kappa     *float64 `json:"kappa"`
	// Confusion counts findings: rows the reviewer's verdict, columns the
	// machine's, both in the order pass, fail, na.
	Confusion [3][3]int `json:"confusion"`
}

// calibrationData is what the calibration page and API show.
type calibrationData struct {
	Verdicts [3]schemas.Verdict `json:"verdicts"`
	Items    []agreement        `json:"items"`
}

func (s *Server) loadCalibration(w http.ResponseWriter, r *http.Request, api bool) (*calibrationData, bool) {
	f, ok, err := filter(r)
	if s.refuse(w, r, api, ok, err) {
		return nil, false
	}
	counts, err := s.cfg.Store.Agreement(r.Context(), f)
	if s.storeFailed(w, r, api, err) {
		return nil, false
	}
	pairs := make([]calibrate.Pair, len(counts))
	for i, c := range counts {
		pairs[i] = calibrate.Pair{Scorecard: c.Scorecard, Item: c.Item, Human: c.Human, AI: c.AI, N: int(c.N)}
	}
	d := &calibrationData{Verdicts: calibrate.Categories, Items: []agreement{}}
	for _, rep := range calibrate.Compare(pairs) {
		d.Items = append(d.Items, agreement{Scorecard: rep.Scorecard, Item: rep.Item, N: rep.N, NotEvaluated: rep.NotEvaluated,
			Agreement: defined(rep.Agreement), Kappa: defined(rep.Kappa), Confusion: rep.Confusion})
	}
	return d, true
}

// defined is v, or nil when v is NaN.
func defined(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func (s *Server) calibration(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.loadCalibration(w, r, false); ok {
		s.render(w, r, "calibration", map[string]any{"C": d, "Query": r.URL.Query()})
	}
}

func (s *Server) calibrationAPI(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.loadCalibration(w, r, true); ok {
		writeJSON(w, d)
	}
}
