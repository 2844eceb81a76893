package console_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

// TestCalibrationCountsTheLatestReviewOfEachFinding reviews findings
// through the API and checks the agreement, kappa and confusion matrix the
// calibration API and page show against ones counted here.
func TestCalibrationCountsTheLatestReviewOfEachFinding(t *testing.T) {
	s := newSite(t)
	c := s.login(t, "qa")
	token := csrf(t, c, s.srv.URL)
	post := func(id, scorecard, item, decision, verdict string) {
		t.Helper()
		body := fmt.Sprintf(`{"scorecard":%q,"item":%q,"decision":%q,"verdict":%q}`, scorecard, item, decision, verdict)
		req, _ := http.NewRequest("POST", s.srv.URL+"/api/v1/interactions/"+id+"/reviews", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", token)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("review %s %s: %d %s", id, item, resp.StatusCode, b)
		}
	}
	// Review the first finding of acme's first eight results: confirm the
	// even ones, overturn the odd ones to the other of pass and fail.
	rs := acmeResults(t, s.store, 8)
	type key struct{ scorecard, item string }
	want := map[key]*[3][3]int{}
	idx := map[schemas.Verdict]int{schemas.Pass: 0, schemas.Fail: 1, schemas.NA: 2}
	for i, r := range rs {
		f := firstDecided(r)
		human := f.Verdict
		if i%2 == 1 {
			human = map[schemas.Verdict]schemas.Verdict{schemas.Pass: schemas.Fail, schemas.Fail: schemas.Pass}[f.Verdict]
			post(r.InteractionID, r.Scorecard, f.Item, "confirm", string(f.Verdict)) // replaced by the next
			post(r.InteractionID, r.Scorecard, f.Item, "overturn", string(human))
		} else {
			post(r.InteractionID, r.Scorecard, f.Item, "confirm", string(human))
		}
		k := key{r.Scorecard, f.Item}
		if want[k] == nil {
			want[k] = new([3][3]int)
		}
		want[k][idx[human]][idx[f.Verdict]]++
	}

	_, body := get(t, c, s.srv.URL+"/api/v1/calibration?tenant="+storetest.Acme)
	var d struct {
		Items []struct {
			Scorecard, Item string
			N               int
			Agreement       *float64
			Kappa           *float64
			Confusion       [3][3]int
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	seen := 0
	for _, it := range d.Items {
		if it.Item == "(all)" {
			continue
		}
		w := want[key{it.Scorecard, it.Item}]
		if w == nil {
			t.Errorf("an item never reviewed: %+v", it)
			continue
		}
		seen++
		if it.Confusion != *w {
			t.Errorf("%s/%s: confusion %v, want %v", it.Scorecard, it.Item, it.Confusion, *w)
		}
		n, diag := 0, 0
		for h := range 3 {
			for m := range 3 {
				n += w[h][m]
			}
			diag += w[h][h]
		}
		if it.N != n || it.Agreement == nil || math.Abs(*it.Agreement-float64(diag)/float64(n)) > 1e-9 {
			t.Errorf("%s/%s: n %d agreement %v; want %d, %d/%d", it.Scorecard, it.Item, it.N, it.Agreement, n, diag, n)
		}
	}
	if seen != len(want) {
		t.Errorf("%d items shown, %d reviewed", seen, len(want))
	}
	// Another tenant has no reviews; the page shows the rows and says so.
	_, body = get(t, c, s.srv.URL+"/api/v1/calibration?tenant="+storetest.Shopfast)
	if !strings.Contains(body, `"items":[]`) {
		t.Errorf("shopfast: %s", body)
	}
	code, page := get(t, c, s.srv.URL+"/calibration?lang=en")
	if code != 200 || strings.Count(page, "<table class=\"confusion\">") < len(want) || strings.Contains(page, "%!") {
		t.Errorf("page %d without a matrix per item, or with a formatting error", code)
	}
	for _, it := range d.Items {
		row := fmt.Sprintf(`<tr data-item="%s/%s"`, it.Scorecard, it.Item)
		kappa := `data-kappa=""`
		if it.Kappa != nil {
			kappa = fmt.Sprintf(`data-kappa="%.3f"`, *it.Kappa)
		}
		i := strings.Index(page, row)
		if i < 0 || !strings.Contains(page[i:], kappa) || strings.Index(page[i:], kappa) > strings.Index(page[i:], "</tr>") {
			t.Errorf("%s/%s: no row with %s", it.Scorecard, it.Item, kappa)
		}
	}
	if _, page = get(t, c, s.srv.URL+"/calibration?lang=en&tenant="+storetest.Shopfast); !strings.Contains(page, "No reviews in this range") {
		t.Error("an empty range does not say so")
	}
	if code, _ := get(t, c, s.srv.URL+"/api/v1/calibration?from=yesterday"); code != http.StatusBadRequest {
		t.Errorf("a bad date: %d", code)
	}
}

// acmeResults returns the first n results of acme's interactions, by id.
func acmeResults(t *testing.T, st store.Store, n int) []*schemas.Result {
	t.Helper()
	var out []*schemas.Result
	for i := 0; len(out) < n && i < 30; i++ {
		id := storetest.RealisticOutcome(storetest.Acme, i, time.Now()).InteractionID
		rs, err := st.Results(t.Context(), store.Filter{Tenants: []string{storetest.Acme}}, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if firstDecided(r) != nil {
				out = append(out, r)
			}
		}
	}
	if len(out) < n {
		t.Fatalf("%d results with a pass or fail finding, want %d", len(out), n)
	}
	return out[:n]
}

// firstDecided is r's first finding that passed or failed.
func firstDecided(r *schemas.Result) *schemas.Finding {
	for i := range r.Findings {
		if v := r.Findings[i].Verdict; v == schemas.Pass || v == schemas.Fail {
			return &r.Findings[i]
		}
	}
	return nil
}
