package calibrate

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/zhijian-qa/zhijian/schemas"
)

// AllItems is the Item of a scorecard's overall row.
const AllItems = "(all)"

// Categories are the verdicts compared, in the order of Confusion's rows
// and columns.
var Categories = [3]schemas.Verdict{schemas.Pass, schemas.Fail, schemas.NA}

// category returns v's index in Categories, or -1.
func category(v schemas.Verdict) int {
	switch v {
	case schemas.Pass:
		return 0
	case schemas.Fail:
		return 1
	case schemas.NA:
		return 2
	}
	return -1
}

// Pair is one item of one interaction judged by both a human and the AI,
// or N such items judged alike (the console's review counts).
type Pair struct {
	Scorecard, Item string
	Human, AI       schemas.Verdict
	// N is how many items the pair stands for; 0 means 1.
	N int
}

// Report is the agreement on one scorecard item (or, with Item AllItems, on
// all the items of a scorecard pooled).
type Report struct {
	Scorecard, Item string
	// N is the number of pairs compared: those whose AI verdict is pass,
	// fail or na.
	N int
	// NotEvaluated counts the pairs whose AI verdict was not_evaluated (or
	// missing): left out of N, Agreement, Kappa and Confusion.
	NotEvaluated int
	// Agreement is the share of N where the verdicts agree; NaN when N is 0.
	Agreement float64
	// Kappa is Cohen's kappa over pass/fail/na; NaN when undefined (see the
	// package doc).
	Kappa float64
	// Confusion counts pairs: rows human, columns AI, in Categories order.
	Confusion [3][3]int
}

// Compare computes one Report per (scorecard, item), sorted by scorecard and
// item, each scorecard followed by its overall row (Item AllItems).
func Compare(pairs []Pair) []Report {
	type key struct{ scorecard, item string }
	byItem := map[key]*Report{}
	for _, p := range pairs {
		h := category(p.Human)
		if h < 0 {
			continue // not a human verdict; ReadLabels never yields one
		}
		k := key{p.Scorecard, p.Item}
		r := byItem[k]
		if r == nil {
			r = &Report{Scorecard: p.Scorecard, Item: p.Item}
			byItem[k] = r
		}
		n := max(p.N, 1)
		if a := category(p.AI); a >= 0 {
			r.Confusion[h][a] += n
		} else {
			r.NotEvaluated += n
		}
	}
	items := make([]*Report, 0, len(byItem))
	for _, r := range byItem {
		items = append(items, r)
	}
	slices.SortFunc(items, func(a, b *Report) int {
		return cmp.Or(cmp.Compare(a.Scorecard, b.Scorecard), cmp.Compare(a.Item, b.Item))
	})
	var out []Report
	for i := 0; i < len(items); {
		all := Report{Scorecard: items[i].Scorecard, Item: AllItems}
		for ; i < len(items) && items[i].Scorecard == all.Scorecard; i++ {
			r := items[i]
			r.finish()
			out = append(out, *r)
			all.NotEvaluated += r.NotEvaluated
			for h := range 3 {
				for a := range 3 {
					all.Confusion[h][a] += r.Confusion[h][a]
				}
			}
		}
		all.finish()
		out = append(out, all)
	}
	return out
}

// finish fills N, Agreement and Kappa from Confusion.
func (r *Report) finish() {
	r.N, r.Agreement, r.Kappa = 0, math.NaN(), Kappa(r.Confusion)
	diag := 0
	for h := range 3 {
		for a := range 3 {
			r.N += r.Confusion[h][a]
		}
		diag += r.Confusion[h][h]
	}
	if r.N > 0 {
		r.Agreement = float64(diag) / float64(r.N)
	}
}

// Kappa is Cohen's kappa of a confusion matrix, (po - pe) / (1 - pe), with po
// the observed and pe the chance agreement from the row and column totals.
// It is NaN when the matrix is empty or pe is 1.
func Kappa(c [3][3]int) float64 {
	var n, diag float64
	var rows, cols [3]float64
	for h := range 3 {
		for a := range 3 {
			v := float64(c[h][a])
			n += v
			rows[h] += v
			cols[a] += v
		}
		diag += float64(c[h][h])
	}
	if n == 0 {
		return math.NaN()
	}
	po := diag / n
	pe := 0.0
	for k := range 3 {
		pe += rows[k] / n * (cols[k] / n)
	}
	// pe is 1 exactly when all pairs share one category on both sides;
	// compare with a tolerance for the rounding of the sum.
	if pe > 1-1e-12 {
		return math.NaN()
	}
	return (po - pe) / (1 - pe)
}

// InterLabeller compares the first and the second label wherever both exist
// for the same interaction, scorecard and item. In the reports Human is the
// first labeller (rows) and AI the second (columns).
func InterLabeller(labels []Label) []Report {
	type key struct{ interaction, scorecard, item string }
	first := map[key]schemas.Verdict{}
	for _, l := range labels {
		if !l.Second {
			first[key{l.InteractionID, l.Scorecard, l.Item}] = l.Verdict
		}
	}
	var pairs []Pair
	for _, l := range labels {
		if !l.Second {
			continue
		}
		if v, ok := first[key{l.InteractionID, l.Scorecard, l.Item}]; ok {
			pairs = append(pairs, Pair{Scorecard: l.Scorecard, Item: l.Item, Human: v, AI: l.Verdict})
		}
	}
	return Compare(pairs)
}

// Join pairs every first label with the AI verdict on the same item in
// results, matched by interaction id and scorecard. A label whose interaction
// has no result for its scorecard, or whose result has no finding for the
// item, pairs with not_evaluated. When results hold the same interaction and
// scorecard twice, the later one is used.
func Join(labels []Label, results []schemas.Result) []Pair {
	type key struct{ interaction, scorecard string }
	found := map[key]map[string]schemas.Verdict{}
	for _, r := range results {
		m := make(map[string]schemas.Verdict, len(r.Findings))
		for _, f := range r.Findings {
			m[f.Item] = f.Verdict
		}
		found[key{r.InteractionID, r.Scorecard}] = m
	}
	var pairs []Pair
	for _, l := range labels {
		if l.Second {
			continue
		}
		ai, ok := found[key{l.InteractionID, l.Scorecard}][l.Item]
		if !ok {
			ai = schemas.NotEvaluated
		}
		pairs = append(pairs, Pair{Scorecard: l.Scorecard, Item: l.Item, Human: l.Verdict, AI: ai})
	}
	return pairs
}

// Write prints reports as an aligned text table (see the package doc).
func Write(w io.Writer, reports []Report) error {
	// Every number of the confusion matrices gets the same width.
	cw := 2
	for _, r := range reports {
		for h := range 3 {
			for a := range 3 {
				cw = max(cw, len(strconv.Itoa(r.Confusion[h][a])))
			}
		}
	}
	grid := func(cell func(h, a int) string) string {
		var b strings.Builder
		for h := range 3 {
			if h > 0 {
				b.WriteString(" /")
			}
			for a := range 3 {
				if h > 0 || a > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%*s", cw, cell(h, a))
			}
		}
		return b.String()
	}
	names := [3]string{"p", "f", "n"}
	rows := [][]string{{"scorecard", "item", "n", "agree", "kappa", "not_eval",
		grid(func(h, a int) string { return names[h] + names[a] })}}
	for _, r := range reports {
		agree, kappa := "-", "-"
		if !math.IsNaN(r.Agreement) && r.N > 0 {
			agree = fmt.Sprintf("%.1f%%", 100*r.Agreement)
		}
		if !math.IsNaN(r.Kappa) {
			kappa = fmt.Sprintf("%.2f", r.Kappa)
		}
		rows = append(rows, []string{r.Scorecard, r.Item, strconv.Itoa(r.N), agree, kappa,
			strconv.Itoa(r.NotEvaluated), grid(func(h, a int) string { return strconv.Itoa(r.Confusion[h][a]) })})
	}
	// Text columns are left-aligned, numbers right-aligned; the last column
	// is not padded, so lines carry no trailing blanks.
	right := []bool{false, false, true, true, true, true, false}
	widths := make([]int, len(right))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], len(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			switch {
			case right[i]:
				fmt.Fprintf(&b, "%*s", widths[i], cell)
			case i == len(row)-1:
				b.WriteString(cell)
			default:
				fmt.Fprintf(&b, "%-*s", widths[i], cell)
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
