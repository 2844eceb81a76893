package calibrate

import (
	"errors"
	"strings"
	"testing"
)

func TestReadLabelsGoodFile(t *testing.T) {
	in := `{"interaction_id": "gold-zh-001", "scorecard": "logistics-zh", "item": "llm_empathy_quality", "verdict": "pass", "labeller": "qa-lead-1", "note": "具体回应了客户的着急"}

{"interaction_id": "gold-zh-001", "scorecard": "logistics-zh", "item": "llm_empathy_quality", "verdict": "fail", "labeller": "qa-analyst-2", "second": true}
  {"interaction_id": "gold-zh-001", "scorecard": "logistics-zh", "item": "no_shirking", "verdict": "na", "labeller": "qa-lead-1"}  
`
	got, err := ReadLabels(strings.NewReader(in), "labels.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := []Label{
		{InteractionID: "gold-zh-001", Scorecard: "logistics-zh", Item: "llm_empathy_quality", Verdict: P, Labeller: "qa-lead-1", Note: "具体回应了客户的着急", Line: 1},
		{InteractionID: "gold-zh-001", Scorecard: "logistics-zh", Item: "llm_empathy_quality", Verdict: F, Labeller: "qa-analyst-2", Second: true, Line: 3},
		{InteractionID: "gold-zh-001", Scorecard: "logistics-zh", Item: "no_shirking", Verdict: NA, Labeller: "qa-lead-1", Line: 4},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d labels, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("label %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadLabelsReportsEveryBadLineWithFileAndLine(t *testing.T) {
	lines := []string{
		/* 1 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "a", "verdict": "pass", "labeller": "x"}`,
		/* 2 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "b", "verdict": "maybe", "labeller": "x"}`,
		/* 3 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "c", "verdict": "not_evaluated", "labeller": "x"}`,
		/* 4 */ `{"interaction_id": "i1", "scorecard": "sc", "verdict": "fail"}`,
		/* 5 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "a", "verdict": "fail", "labeller": "y"}`,
		/* 6 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "a", "verdict": "pass", "labeller": "x", "second": true}`,
		/* 7 */ `{"interaction_id": "i2", "scorecard": "sc", "item": "a", "verdict": "pass", "labeller": "y", "second": true}`,
		/* 8 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "d", "verdict": "pass", "labeler": "x"}`,
		/* 9 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "e", "verdict": "pass", "labeller": "x"`,
		/* 10 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "f", "verdict": "PASS", "labeller": "x"} {}`,
		/* 11 */ `["not", "an", "object"]`,
		/* 12 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "g", "verdict": "na", "labeller": "x", "second": "yes"}`,
		/* 13 */ `{"interaction_id": "i1", "scorecard": "sc", "item": "h", "verdict": "na", "labeller": "x"}`,
	}
	labels, err := ReadLabels(strings.NewReader(strings.Join(lines, "\n")), "gold/labels.jsonl")
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`gold/labels.jsonl:2: unknown verdict "maybe": must be pass, fail or na`,
		`gold/labels.jsonl:3: verdict "not_evaluated" is for scorers`,
		`gold/labels.jsonl:4: missing item`,
		`gold/labels.jsonl:4: missing labeller`,
		`gold/labels.jsonl:5: duplicate first label for i1 sc a (earlier at line 1)`,
		`gold/labels.jsonl:6: second label for i1 sc a is by "x", who gave the first label (line 1)`,
		`gold/labels.jsonl:7: second label for i2 sc a has no first label`,
		`gold/labels.jsonl:8: unknown field "labeler"`,
		`gold/labels.jsonl:9: invalid JSON`,
		`gold/labels.jsonl:10: one JSON object per line`,
		`gold/labels.jsonl:11: a label is a JSON object, not array`,
		`gold/labels.jsonl:12: field second: string is not a bool`,
	}
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		got = append(got, e.Error())
		var le *LineError
		if !errors.As(e, &le) {
			t.Errorf("%v is not a *LineError", e)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range min(len(got), len(want)) {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
	// The good lines are returned with the error.
	if len(labels) != 2 || labels[0].Line != 1 || labels[1].Line != 13 {
		t.Errorf("labels = %+v, want lines 1 and 13", labels)
	}
}

func TestReadLabelsLineTooLong(t *testing.T) {
	in := `{"interaction_id": "i1", "scorecard": "sc", "item": "a", "verdict": "pass", "labeller": "x"}` + "\n" +
		`{"note": "` + strings.Repeat("x", MaxLabelLineBytes) + `"}` + "\n"
	_, err := ReadLabels(strings.NewReader(in), "l.jsonl")
	if err == nil || !strings.Contains(err.Error(), "l.jsonl:2: line longer than") {
		t.Errorf("err = %v, want l.jsonl:2: line longer than …", err)
	}
}

func FuzzReadLabels(f *testing.F) {
	f.Add(`{"interaction_id": "i1", "scorecard": "sc", "item": "a", "verdict": "pass", "labeller": "x"}`)
	f.Add(`{"interaction_id": "i1", "scorecard": "sc", "item": "a", "verdict": "fail", "labeller": "y", "second": true}` + "\n{")
	f.Fuzz(func(t *testing.T, in string) {
		labels, err := ReadLabels(strings.NewReader(in), "fuzz")
		for _, l := range labels {
			if l.Line < 1 || l.Verdict != P && l.Verdict != F && l.Verdict != NA {
				t.Errorf("bad label %+v", l)
			}
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz") {
			t.Errorf("error does not name the input: %v", err)
		}
	})
}
