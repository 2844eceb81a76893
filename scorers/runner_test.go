package scorers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/zhijian-qa/zhijian/schemas"
)

var testCard = Card{
	ID: "card", Version: "7", Language: "zh-CN", PassMark: 80, LowConfidence: 0.6,
	Sections: []Section{
		{ID: "a", Weight: 3, Items: []Item{{ID: "a1", Points: 5, Severity: "major"}, {ID: "a2", Points: 5, Severity: "minor"}}},
		{ID: "b", Weight: 1, Items: []Item{{ID: "b1", Points: 10, Severity: "critical"}, {ID: "b2", Points: 2, Severity: "major"}}},
	},
}

// verdicts returns a scorer that gives each listed item its verdict.
func verdicts(vs map[string]schemas.Verdict, conf float64) Scorer {
	return Func(func(context.Context, *Input) (*Output, error) {
		var out Output
		for _, s := range testCard.Sections {
			for _, it := range s.Items {
				v, ok := vs[it.ID]
				if !ok {
					continue
				}
				f := schemas.Finding{Item: it.ID, Section: s.ID, Kind: "rule", Verdict: v, MaxPoints: it.Points,
					Severity: it.Severity, Confidence: conf}
				if v == schemas.Pass {
					f.Points = it.Points
				}
				out.Findings = append(out.Findings, f)
			}
		}
		return &out, nil
	})
}

func score(t *testing.T, id string, scorers map[string]Scorer) *schemas.Result {
	t.Helper()
	var reg Registry
	for name, s := range scorers {
		if err := reg.Register(name, s); err != nil {
			t.Fatal(err)
		}
	}
	r := NewRunner(testCard, &reg, "test")
	in := &schemas.Interaction{ID: id, Tenant: "t", Channel: schemas.Chat, Turns: []schemas.Turn{{Speaker: schemas.Agent, Text: "x"}}}
	return r.Score(context.Background(), in, &schemas.Metrics{})
}

func TestScoreIsWeightedAndLeavesOutNA(t *testing.T) {
	res := score(t, "i1", map[string]Scorer{"r": verdicts(map[string]schemas.Verdict{
		"a1": schemas.Pass, "a2": schemas.Fail, "b1": schemas.Pass, "b2": schemas.NA}, 1)})
	// Section a: 5/10 with weight 3; section b: 10/10 (b2 na) with weight 1.
	if want := (3*0.5 + 1*1.0) / 4 * 100; res.Score != want {
		t.Errorf("score = %v, want %v", res.Score, want)
	}
	if res.Passed || res.AutoFailed || res.Coverage != schemas.CoverageFull {
		t.Errorf("passed=%v auto_failed=%v coverage=%s", res.Passed, res.AutoFailed, res.Coverage)
	}
	if !slices.Contains(res.FlagReasons, schemas.FlagBelowPassMark) || !res.Flagged {
		t.Errorf("flags = %v", res.FlagReasons)
	}
}

func TestCriticalFailureAutoFails(t *testing.T) {
	res := score(t, "i2", map[string]Scorer{"r": verdicts(map[string]schemas.Verdict{
		"a1": schemas.Pass, "a2": schemas.Pass, "b1": schemas.Fail, "b2": schemas.Pass}, 1)})
	if !res.AutoFailed || res.Score != 0 || res.Passed {
		t.Errorf("auto_failed=%v score=%v passed=%v", res.AutoFailed, res.Score, res.Passed)
	}
	if !slices.Contains(res.FlagReasons, schemas.FlagCriticalFailure) {
		t.Errorf("flags = %v", res.FlagReasons)
	}
}

func TestMissingAndFailedScorersLeaveItemsNotEvaluated(t *testing.T) {
	res := score(t, "i3", map[string]Scorer{
		"rules": verdicts(map[string]schemas.Verdict{"a1": schemas.Pass, "a2": schemas.Pass}, 1),
		"llm":   Func(func(context.Context, *Input) (*Output, error) { return nil, errors.New("endpoint down") }),
	})
	if res.Coverage != schemas.CoveragePartial {
		t.Errorf("coverage = %s, want partial", res.Coverage)
	}
	if st := res.Scorers["llm"]; st.Status != schemas.ScorerError || !strings.Contains(st.Reason, "endpoint down") {
		t.Errorf("llm status = %+v", st)
	}
	for _, f := range res.Findings {
		if (f.Item == "b1" || f.Item == "b2") && f.Verdict != schemas.NotEvaluated {
			t.Errorf("%s = %s, want not_evaluated", f.Item, f.Verdict)
		}
	}
	// Only what was evaluated counts: a is 10/10.
	if res.Score != 100 || !res.Passed {
		t.Errorf("score = %v passed = %v", res.Score, res.Passed)
	}
}

func TestNothingEvaluatedIsNoCoverage(t *testing.T) {
	res := score(t, "i4", map[string]Scorer{"r": verdicts(nil, 1)})
	if res.Coverage != schemas.CoverageNone || res.Passed {
		t.Errorf("coverage = %s passed = %v", res.Coverage, res.Passed)
	}
}

func TestScorerPanicIsAnError(t *testing.T) {
	res := score(t, "i5", map[string]Scorer{"bad": Func(func(context.Context, *Input) (*Output, error) { panic("boom") })})
	if st := res.Scorers["bad"]; st.Status != schemas.ScorerError || !strings.Contains(st.Reason, "boom") {
		t.Errorf("status = %+v", st)
	}
}

func TestLowConfidenceFlags(t *testing.T) {
	res := score(t, "i6", map[string]Scorer{"r": verdicts(map[string]schemas.Verdict{
		"a1": schemas.Pass, "a2": schemas.Pass, "b1": schemas.Pass, "b2": schemas.Pass}, 0.5)})
	if !slices.Equal(res.FlagReasons, []string{schemas.FlagLowConfidence}) {
		t.Errorf("flags = %v", res.FlagReasons)
	}
}

func TestCalibrationSampleIsDeterministicAndNearTheRate(t *testing.T) {
	picked := 0
	for i := range 20000 {
		id := fmt.Sprintf("c-%d", i)
		in := InSample(id, 0.05)
		if in != InSample(id, 0.05) {
			t.Fatalf("%s picked once and not again", id)
		}
		if in {
			picked++
		}
	}
	if picked < 800 || picked > 1200 {
		t.Errorf("picked %d of 20000 at rate 0.05", picked)
	}
	if InSample("x", 0) {
		t.Error("rate 0 picks nothing")
	}
	// Ids that differ only at the end are spread, not picked in clumps.
	for w := 0; w < 20; w++ {
		n := 0
		for i := range 200 {
			if InSample(fmt.Sprintf("c-%05d", w*200+i), 0.05) {
				n++
			}
		}
		if n < 2 || n > 25 {
			t.Errorf("ids %d..%d: %d picked at rate 0.05", w*200, w*200+199, n)
		}
	}
}

func TestRegistryRejectsDuplicates(t *testing.T) {
	var reg Registry
	s := verdicts(nil, 1)
	if err := reg.Register("rules", s); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register("rules", s); err == nil {
		t.Error("duplicate name accepted")
	}
}

func TestRouterPicksByLanguage(t *testing.T) {
	zh, en := testCard, testCard
	zh.ID, en.ID, en.Language = "zh", "en", "en-US"
	var reg Registry
	router := NewRouter(NewRunner(zh, &reg, "t"), NewRunner(en, &reg, "t"))
	for lang, want := range map[string]string{"zh-CN": "zh", "zh-TW": "zh", "en-GB": "en", "EN-us": "en"} {
		r, err := router.For(&schemas.Interaction{Language: lang})
		if err != nil || r.Card().ID != want {
			t.Errorf("%s → %v, %v; want %s", lang, r, err, want)
		}
	}
	if _, err := router.For(&schemas.Interaction{Language: "fr-FR"}); err == nil {
		t.Error("fr-FR routed")
	}
}

// A single scorer's findings go to their places in the card's order,
// whether they are laid out in their own slice's room or copied.
func TestFindingsTakeTheCardsOrder(t *testing.T) {
	find := func(ids ...string) []schemas.Finding {
		var fs []schemas.Finding
		for _, id := range ids {
			fs = append(fs, schemas.Finding{Item: id, Verdict: schemas.Pass, Rationale: "by " + id})
		}
		return fs
	}
	for _, c := range []struct {
		name string
		fs   []schemas.Finding
	}{
		{"in order, room for all", append(make([]schemas.Finding, 0, 4), find("a2", "b2")...)},
		{"in order, room for all, first and last", append(make([]schemas.Finding, 0, 9), find("a1", "b2")...)},
		{"all of them", find("a1", "a2", "b1", "b2")},
		{"room holding others", find("a2", "a2", "b1", "b2")[:1]},
		{"in order, no room", slices.Clip(find("a2", "b1"))},
		{"out of order, room for all", append(make([]schemas.Finding, 0, 4), find("b1", "a1")...)},
		{"not the card's, room for all", append(make([]schemas.Finding, 0, 4), find("a1", "zz", "b1")...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want = map[string]bool{}
			for _, f := range c.fs {
				want[f.Item] = f.Item != "zz"
			}
			fs := c.fs
			res := score(t, "i1", map[string]Scorer{"r": Func(func(context.Context, *Input) (*Output, error) {
				return &Output{Findings: fs}, nil
			})})
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Item)
				if scored := f.Verdict == schemas.Pass && f.Rationale == "by "+f.Item; scored != want[f.Item] {
					t.Errorf("%s: verdict %s, rationale %q", f.Item, f.Verdict, f.Rationale)
				}
			}
			if !slices.Equal(got, []string{"a1", "a2", "b1", "b2"}) {
				t.Errorf("items %v", got)
			}
		})
	}
}
