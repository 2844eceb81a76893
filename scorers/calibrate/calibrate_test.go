package calibrate

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/zhijian-qa/zhijian/schemas"
)

const (
	P  = schemas.Pass
	F  = schemas.Fail
	NA = schemas.NA
	NE = schemas.NotEvaluated
)

// pairs builds n pairs of one item with the given verdicts.
func pairs(item string, human, ai schemas.Verdict, n int) []Pair {
	out := make([]Pair, n)
	for i := range out {
		out[i] = Pair{Scorecard: "sc", Item: item, Human: human, AI: ai}
	}
	return out
}

func TestKappaTextbookExamples(t *testing.T) {
	for _, tc := range []struct {
		name             string
		c                [3][3]int
		agreement, kappa float64
	}{
		{
			// 50 items, 2 categories (pass/fail):
			//              AI pass  AI fail | rows
			//   human pass    20       5    |  25
			//   human fail    10      15    |  25
			//   cols          30      20    |  50
			// po = (20+15)/50 = 0.70
			// pe = (25/50)(30/50) + (25/50)(20/50) = 0.30 + 0.20 = 0.50
			// kappa = (0.70-0.50)/(1-0.50) = 0.40
			name:      "2x2 agreement 0.70 kappa 0.40",
			c:         [3][3]int{{20, 5, 0}, {10, 15, 0}},
			agreement: 0.70, kappa: 0.40,
		},
		{
			// 100 items, 3 categories:
			//              p   f   n | rows
			//   human p   40   5   5 |  50
			//   human f    5  20   5 |  30
			//   human n    5   5  10 |  20
			//   cols      50  30  20 | 100
			// po = (40+20+10)/100 = 0.70
			// pe = .5*.5 + .3*.3 + .2*.2 = 0.25 + 0.09 + 0.04 = 0.38
			// kappa = (0.70-0.38)/(1-0.38) = 0.32/0.62 = 0.516129...
			name:      "3x3 agreement 0.70 kappa 0.516",
			c:         [3][3]int{{40, 5, 5}, {5, 20, 5}, {5, 5, 10}},
			agreement: 0.70, kappa: 0.32 / 0.62,
		},
		{
			name:      "perfect agreement over three categories",
			c:         [3][3]int{{7, 0, 0}, {0, 3, 0}, {0, 0, 2}},
			agreement: 1, kappa: 1,
		},
		{
			// Every cell 25: po = 0.5, pe = .5*.5 + .5*.5 = 0.5, kappa = 0.
			name:      "chance level",
			c:         [3][3]int{{25, 25, 0}, {25, 25, 0}},
			agreement: 0.5, kappa: 0,
		},
		{
			// po = 0, pe = .5*.5 + .5*.5 = 0.5, kappa = (0-0.5)/0.5 = -1.
			name:      "systematic disagreement",
			c:         [3][3]int{{0, 10, 0}, {10, 0, 0}},
			agreement: 0, kappa: -1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Report{Confusion: tc.c}
			r.finish()
			if math.Abs(r.Agreement-tc.agreement) > 1e-9 {
				t.Errorf("agreement = %v, want %v", r.Agreement, tc.agreement)
			}
			if math.Abs(r.Kappa-tc.kappa) > 1e-9 {
				t.Errorf("kappa = %v, want %v", r.Kappa, tc.kappa)
			}
		})
	}
}

func TestKappaUndefinedIsNaN(t *testing.T) {
	for name, c := range map[string][3][3]int{
		"no pairs":                      {},
		"both sides only ever say pass": {{12, 0, 0}},
		"both sides only ever say na":   {2: {0, 0, 4}},
	} {
		if k := Kappa(c); !math.IsNaN(k) {
			t.Errorf("%s: kappa = %v, want NaN", name, k)
		}
	}
	// One side constant but the other not: pe < 1, kappa is defined (0).
	if k := Kappa([3][3]int{{6, 4, 0}}); k != 0 {
		t.Errorf("human all pass, AI mixed: kappa = %v, want 0", k)
	}
}

func TestCompareCountsConfusionAndLeavesOutNotEvaluated(t *testing.T) {
	var in []Pair
	in = append(in, pairs("b_item", P, P, 3)...)
	in = append(in, pairs("b_item", P, F, 1)...)
	in = append(in, pairs("b_item", F, F, 2)...)
	in = append(in, pairs("b_item", NA, P, 1)...)
	in = append(in, pairs("b_item", F, NE, 2)...)
	in = append(in, pairs("b_item", P, "", 1)...) // a missing AI verdict is not evaluated too
	in = append(in, pairs("a_item", NA, NA, 2)...)
	in = append(in, pairs("a_item", "bogus", P, 5)...) // not a human verdict: ignored
	in = append(in, Pair{Scorecard: "other", Item: "x", Human: P, AI: P})

	got := Compare(in)
	var names []string
	for _, r := range got {
		names = append(names, r.Scorecard+"/"+r.Item)
	}
	if want := "other/x other/(all) sc/a_item sc/b_item sc/(all)"; strings.Join(names, " ") != want {
		t.Fatalf("rows = %v, want %v", names, want)
	}
	b := got[3]
	if want := [3][3]int{{3, 1, 0}, {0, 2, 0}, {1, 0, 0}}; b.Confusion != want {
		t.Errorf("b_item confusion = %v, want %v", b.Confusion, want)
	}
	if b.N != 7 || b.NotEvaluated != 3 {
		t.Errorf("b_item N = %d, not evaluated = %d; want 7, 3", b.N, b.NotEvaluated)
	}
	if want := 5.0 / 7; math.Abs(b.Agreement-want) > 1e-9 {
		t.Errorf("b_item agreement = %v, want %v", b.Agreement, want)
	}
	a := got[2]
	if a.N != 2 || a.Agreement != 1 || !math.IsNaN(a.Kappa) {
		t.Errorf("a_item = %+v, want N 2, agreement 1, kappa NaN (na only)", a)
	}
	all := got[4]
	if want := [3][3]int{{3, 1, 0}, {0, 2, 0}, {1, 0, 2}}; all.Confusion != want {
		t.Errorf("(all) confusion = %v, want %v", all.Confusion, want)
	}
	if all.N != 9 || all.NotEvaluated != 3 {
		t.Errorf("(all) N = %d, not evaluated = %d; want 9, 3", all.N, all.NotEvaluated)
	}
	// Pooled: po = 7/9; rows 4,2,3 and cols 4,3,2 over 9:
	// pe = (4*4 + 2*3 + 3*2)/81 = 28/81; kappa = (63/81 - 28/81)/(53/81) = 35/53.
	if want := 35.0 / 53; math.Abs(all.Kappa-want) > 1e-9 {
		t.Errorf("(all) kappa = %v, want %v", all.Kappa, want)
	}
}

func TestCompareAllNotEvaluatedHasNoAgreement(t *testing.T) {
	got := Compare(pairs("llm_x", P, NE, 4))
	r := got[0]
	if r.N != 0 || r.NotEvaluated != 4 || !math.IsNaN(r.Agreement) || !math.IsNaN(r.Kappa) {
		t.Errorf("report = %+v, want N 0, 4 not evaluated, NaN agreement and kappa", r)
	}
	var b strings.Builder
	if err := Write(&b, got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "sc         llm_x  0      -      -         4") {
		t.Errorf("undefined agreement and kappa must print as -:\n%s", b.String())
	}
}

func TestInterLabellerComparesFirstWithSecond(t *testing.T) {
	labels := []Label{
		{InteractionID: "i1", Scorecard: "sc", Item: "a", Verdict: P, Labeller: "x"},
		{InteractionID: "i1", Scorecard: "sc", Item: "a", Verdict: F, Labeller: "y", Second: true},
		{InteractionID: "i2", Scorecard: "sc", Item: "a", Verdict: P, Labeller: "x"},
		{InteractionID: "i2", Scorecard: "sc", Item: "a", Verdict: P, Labeller: "y", Second: true},
		{InteractionID: "i3", Scorecard: "sc", Item: "a", Verdict: NA, Labeller: "x"}, // no second label
	}
	got := InterLabeller(labels)
	if len(got) != 2 {
		t.Fatalf("got %d reports, want the item and (all)", len(got))
	}
	if want := [3][3]int{{1, 1, 0}}; got[0].Confusion != want || got[0].N != 2 {
		t.Errorf("confusion = %v (N %d), want %v (N 2): rows first labeller, columns second", got[0].Confusion, got[0].N, want)
	}
}

func TestJoinMissingResultOrFindingIsNotEvaluated(t *testing.T) {
	labels := []Label{
		{InteractionID: "i1", Scorecard: "sc", Item: "a", Verdict: P},
		{InteractionID: "i1", Scorecard: "sc", Item: "b", Verdict: F},
		{InteractionID: "i2", Scorecard: "sc", Item: "a", Verdict: NA},
		{InteractionID: "i1", Scorecard: "sc", Item: "a", Verdict: F, Second: true},
	}
	results := []schemas.Result{{
		InteractionID: "i1", Scorecard: "sc",
		Findings: []schemas.Finding{{Item: "a", Verdict: F}},
	}}
	got := Join(labels, results)
	want := []Pair{
		{Scorecard: "sc", Item: "a", Human: P, AI: F},
		{Scorecard: "sc", Item: "b", Human: F, AI: NE},
		{Scorecard: "sc", Item: "a", Human: NA, AI: NE},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestComparePairsWithCountsEqualsRepeatedPairs(t *testing.T) {
	var one, counted []Pair
	for _, c := range []struct {
		h, a schemas.Verdict
		n    int
	}{{P, P, 5}, {P, F, 2}, {F, F, 4}, {NA, P, 1}, {F, NE, 3}} {
		one = append(one, pairs("item", c.h, c.a, c.n)...)
		counted = append(counted, Pair{Scorecard: "sc", Item: "item", Human: c.h, AI: c.a, N: c.n})
	}
	a, b := Compare(one), Compare(counted)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("with counts:\n%v\nrepeated:\n%v", b, a)
	}
	if a[0].N != 12 || a[0].NotEvaluated != 3 {
		t.Errorf("N %d, not evaluated %d; want 12, 3", a[0].N, a[0].NotEvaluated)
	}
}
