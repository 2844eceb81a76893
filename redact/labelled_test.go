package redact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

type labelledItem struct {
	Kind Kind   `json:"kind"`
	Text string `json:"text"`
}

type labelledLine struct {
	Text string         `json:"text"`
	PII  []labelledItem `json:"pii"`
}

// loadLabelled reads testdata/pii/labelled.jsonl and places each labelled
// item in its text: the n-th label with the same text is its n-th occurrence.
func loadLabelled(t *testing.T, name string) (lines []labelledLine, spans [][]Span) {
	t.Helper()
	f, err := os.Open("../testdata/pii/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for no := 1; sc.Scan(); no++ {
		var l labelledLine
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("%s:%d: %v", name, no, err)
		}
		var want []Span
		from := map[string]int{}
		for _, it := range l.PII {
			if it.Kind.Placeholder() == "[REDACTED]" {
				t.Fatalf("%s:%d: unknown kind %q", name, no, it.Kind)
			}
			k := strings.Index(l.Text[from[it.Text]:], it.Text)
			if k < 0 {
				t.Fatalf("%s:%d: %q not in the text (or not that often)", name, no, it.Text)
			}
			start := from[it.Text] + k
			from[it.Text] = start + len(it.Text)
			want = append(want, Span{Start: start, End: start + len(it.Text), Kind: it.Kind})
		}
		lines = append(lines, l)
		spans = append(spans, want)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines, spans
}

func overlapsKind(sp Span, in []Span) bool {
	for _, o := range in {
		if o.Kind == sp.Kind && sp.Start < o.End && o.Start < sp.End {
			return true
		}
	}
	return false
}

type prCounts struct{ predicted, correct, labelled, found int }

func (c prCounts) precision() float64 {
	if c.predicted == 0 {
		return 1
	}
	return float64(c.correct) / float64(c.predicted)
}

func (c prCounts) recall() float64 {
	if c.labelled == 0 {
		return 1
	}
	return float64(c.found) / float64(c.labelled)
}

// score runs Find over a labelled file and logs a table per kind: a
// predicted span is right when it overlaps a labelled span of the same
// kind, and a labelled span is found when a predicted span of its kind
// overlaps it.
func score(t *testing.T, name string) (per map[Kind]*prCounts, all prCounts, lines int) {
	t.Helper()
	ls, labels := loadLabelled(t, name)
	per = map[Kind]*prCounts{}
	for _, k := range Kinds() {
		per[k] = &prCounts{}
	}
	var misses []string
	for i, l := range ls {
		got := Find(l.Text)
		for _, sp := range got {
			c := per[sp.Kind]
			c.predicted++
			all.predicted++
			if overlapsKind(sp, labels[i]) {
				c.correct++
				all.correct++
			} else {
				misses = append(misses, fmt.Sprintf("false %s %q in %q", sp.Kind, l.Text[sp.Start:sp.End], l.Text))
			}
		}
		for _, sp := range labels[i] {
			c := per[sp.Kind]
			c.labelled++
			all.labelled++
			if overlapsKind(sp, got) {
				c.found++
				all.found++
			} else {
				misses = append(misses, fmt.Sprintf("missed %s %q in %q", sp.Kind, l.Text[sp.Start:sp.End], l.Text))
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d utterances\n%-10s %9s %9s %9s %9s\n", name, len(ls), "kind", "labelled", "predicted", "precision", "recall")
	for _, k := range Kinds() {
		c := per[k]
		fmt.Fprintf(&b, "%-10s %9d %9d %9.3f %9.3f\n", k, c.labelled, c.predicted, c.precision(), c.recall())
	}
	fmt.Fprintf(&b, "%-10s %9d %9d %9.3f %9.3f", "overall", all.labelled, all.predicted, all.precision(), all.recall())
	t.Log("\n" + b.String())
	for _, m := range misses {
		t.Log(m)
	}
	return per, all, len(ls)
}

// TestPrecisionAndRecallOnTheLabelledSet scores Find against the
// hand-labelled utterances of testdata/pii/labelled.jsonl.
func TestPrecisionAndRecallOnTheLabelledSet(t *testing.T) {
	per, all, lines := score(t, "labelled.jsonl")
	if lines < 150 {
		t.Fatalf("labelled set has %d lines, want at least 150", lines)
	}
	if p := all.precision(); p < 0.97 {
		t.Errorf("overall precision %.3f, want at least 0.97", p)
	}
	if r := all.recall(); r < 0.95 {
		t.Errorf("overall recall %.3f, want at least 0.95", r)
	}
	for _, k := range Kinds() {
		if r := per[k].recall(); r < 0.9 {
			t.Errorf("%s recall %.3f, want at least 0.9", k, r)
		}
	}
}

// TestPrecisionAndRecallOnTheHoldoutSet scores Find on utterances written
// and labelled after the detectors were tuned on labelled.jsonl (see
// testdata/pii/README.md); its figures estimate how the detectors do on
// text they were not fitted to.
func TestPrecisionAndRecallOnTheHoldoutSet(t *testing.T) {
	_, all, _ := score(t, "holdout.jsonl")
	if p := all.precision(); p < 0.9 {
		t.Errorf("overall precision %.3f, want at least 0.9", p)
	}
	if r := all.recall(); r < 0.85 {
		t.Errorf("overall recall %.3f, want at least 0.85", r)
	}
}
