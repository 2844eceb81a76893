package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
)

func TestReviewValidate(t *testing.T) {
	good := Review{Tenant: "acme", InteractionID: "c1", Scorecard: "qa", Item: "greeting", Reviewer: "li",
		Decision: Confirm, Verdict: schemas.Fail, AIVerdict: schemas.Fail, At: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid review: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(r *Review)
		wants []string
	}{
		{"nothing set", func(r *Review) { *r = Review{} }, []string{"`tenant` is required", "`interaction_id` is required",
			"`scorecard` is required", "`item` is required", "`reviewer` is required", "`decision` (\"\")", "`verdict` (\"\")", "`ai_verdict` (\"\")", "`at` is required"}},
		{"decision", func(r *Review) { r.Decision = "agree" }, []string{"`decision` (\"agree\") must be confirm or overturn"}},
		{"not evaluated", func(r *Review) { r.Verdict = schemas.NotEvaluated }, []string{"`verdict` (\"not_evaluated\") must be pass, fail or na"}},
		{"long comment", func(r *Review) { r.Comment = strings.Repeat("x", MaxReviewComment+1) }, []string{"`comment` (10001 bytes)"}},
		{"bad utf-8", func(r *Review) { r.Comment = "ok\xff" }, []string{"`comment` is not valid UTF-8"}},
	}
	for _, tt := range tests {
		r := good
		tt.edit(&r)
		err := r.Validate()
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", tt.name, err)
			continue
		}
		for _, w := range tt.wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
	for _, ok := range []func(r *Review){
		func(r *Review) { r.Decision, r.Verdict = Overturn, schemas.Pass },
		func(r *Review) { r.Verdict = schemas.NA },
		func(r *Review) { r.Comment = strings.Repeat("x", MaxReviewComment) },
	} {
		r := good
		ok(&r)
		if err := r.Validate(); err != nil {
			t.Errorf("Validate(%+v): %v", r, err)
		}
	}
}

func TestQueueFilter(t *testing.T) {
	tests := []struct {
		f     QueueFilter
		limit int
		err   string
	}{
		{f: QueueFilter{}, limit: DefaultQueueLimit},
		{f: QueueFilter{Limit: 1, Offset: 10}, limit: 1},
		{f: QueueFilter{Limit: MaxQueueLimit}, limit: MaxQueueLimit},
		{f: QueueFilter{Limit: MaxQueueLimit + 1}, limit: MaxQueueLimit},
		{f: QueueFilter{Severity: schemas.Critical, Status: ReviewDone}, limit: DefaultQueueLimit},
		{f: QueueFilter{Severity: "severe"}, err: "`severity` (\"severe\") must be minor, major or critical"},
		{f: QueueFilter{Status: "closed"}, err: "`status` (\"closed\") must be open, in_review or done"},
		{f: QueueFilter{Limit: -1}, err: "`limit` (-1) must not be negative"},
		{f: QueueFilter{Offset: -5}, err: "`offset` (-5) must not be negative"},
	}
	for _, tt := range tests {
		err := tt.f.Validate()
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("Validate(%+v): %v", tt.f, err)
		case tt.err != "" && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Validate(%+v) = %v, want ErrInvalid with %q", tt.f, err, tt.err)
		case tt.err == "" && tt.f.EffectiveLimit() != tt.limit:
			t.Errorf("EffectiveLimit(%+v) = %d, want %d", tt.f, tt.f.EffectiveLimit(), tt.limit)
		}
	}
}

func TestCoachingFilter(t *testing.T) {
	tests := []struct {
		f     CoachingFilter
		limit int
		err   string
	}{
		{f: CoachingFilter{Item: "empathy", Verdict: schemas.Pass}, limit: DefaultCoachingLimit},
		{f: CoachingFilter{Item: "empathy", Verdict: schemas.Fail, Limit: 3}, limit: 3},
		{f: CoachingFilter{Item: "empathy", Verdict: schemas.Fail, Limit: 10_000}, limit: MaxCoachingLimit},
		{f: CoachingFilter{Verdict: schemas.Pass}, err: "`item` is required"},
		{f: CoachingFilter{Item: "empathy", Verdict: schemas.NA}, err: "`verdict` (\"na\") must be pass or fail"},
		{f: CoachingFilter{Item: "empathy", Verdict: schemas.Pass, Limit: -2}, err: "`limit` (-2)"},
	}
	for _, tt := range tests {
		err := tt.f.Validate()
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("Validate(%+v): %v", tt.f, err)
		case tt.err != "" && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Validate(%+v) = %v, want ErrInvalid with %q", tt.f, err, tt.err)
		case tt.err == "" && tt.f.EffectiveLimit() != tt.limit:
			t.Errorf("EffectiveLimit(%+v) = %d, want %d", tt.f, tt.f.EffectiveLimit(), tt.limit)
		}
	}
}

func TestSeverityRank(t *testing.T) {
	for _, s := range []string{schemas.Minor, schemas.Major, schemas.Critical} {
		if got := SeverityName(SeverityRank(s)); got != s {
			t.Errorf("SeverityName(SeverityRank(%q)) = %q", s, got)
		}
	}
	if SeverityRank(schemas.Minor) >= SeverityRank(schemas.Major) || SeverityRank(schemas.Major) >= SeverityRank(schemas.Critical) {
		t.Error("severities are not ranked minor < major < critical")
	}
	if SeverityRank("") != 0 || SeverityRank("Critical") != 0 || SeverityName(0) != "" || SeverityName(7) != "" {
		t.Error("unknown severities should rank 0 and have no name")
	}
}

func TestPrepareFailedItems(t *testing.T) {
	r := &schemas.Result{Tenant: "acme", InteractionID: "c1", Scorecard: "qa", Findings: []schemas.Finding{
		{Item: "greeting", Verdict: schemas.Fail, Severity: schemas.Minor},
		{Item: "verify", Verdict: schemas.Pass, Severity: schemas.Critical},
		{Item: "silence", Verdict: schemas.Fail, Severity: schemas.Major},
		{Item: "empathy", Verdict: schemas.NotEvaluated, Severity: schemas.Critical},
		{Item: "greeting", Verdict: schemas.Pass, Severity: schemas.Minor}, // the last of an item wins
		{Item: "odd", Verdict: schemas.Fail, Severity: "custom"},
	}}
	_, rows, err := Prepare([]Outcome{{Tenant: "acme", InteractionID: "c1", Status: Full, Results: []*schemas.Result{r}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0]; strings.Join(got.FailedItems, " ") != "silence odd" || got.SeverityRank != 2 {
		t.Errorf("failed items %q, severity rank %d; want [silence odd], 2", got.FailedItems, got.SeverityRank)
	}
	clean := &schemas.Result{Tenant: "acme", InteractionID: "c2", Scorecard: "qa"}
	_, rows, err = Prepare([]Outcome{{Tenant: "acme", InteractionID: "c2", Status: Full, Results: []*schemas.Result{clean}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].FailedItems == nil || len(rows[0].FailedItems) != 0 || rows[0].SeverityRank != 0 {
		t.Errorf("a result without failures: %q, %d; want an empty list and 0", rows[0].FailedItems, rows[0].SeverityRank)
	}
}

func TestDays(t *testing.T) {
	d1 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	ds := Days{}
	if ds.Sorted() != nil {
		t.Error("no days should be nil")
	}
	ds.Add(Day{Day: d2, Results: 2, Passed: 1, AvgScore: 70})
	ds.Add(Day{Day: d1, Received: 3, Scored: 2, Failed: 1})
	ds.Add(Day{Day: d2, Received: 1, Scored: 1})
	got := ds.Sorted()
	want := []Day{{Day: d1, Received: 3, Scored: 2, Failed: 1}, {Day: d2, Received: 1, Scored: 1, Results: 2, Passed: 1, AvgScore: 70}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Sorted() = %+v, want %+v", got, want)
	}
}

func TestExampleOf(t *testing.T) {
	started := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	r := &schemas.Result{Tenant: "acme", InteractionID: "c1", Scorecard: "qa", ScorecardVersion: "1", AgentID: "a1", Team: "east",
		StartedAt: started, Score: 75, Findings: []schemas.Finding{
			{Item: "empathy", Verdict: schemas.Fail, Rationale: "first"},
			{Item: "greeting", Verdict: schemas.Pass},
			{Item: "empathy", Verdict: schemas.Pass, Rationale: "last", Evidence: []schemas.Evidence{{Turn: 2, Quote: "非常理解"}}},
		}}
	e, ok := ExampleOf(r, "empathy")
	if !ok || e.Finding.Rationale != "last" || len(e.Finding.Evidence) != 1 || e.AgentID != "a1" || e.Team != "east" ||
		e.Score != 75 || e.ScorecardVersion != "1" || !e.StartedAt.Equal(started) || e.StartedAt.Location() != time.UTC {
		t.Errorf("ExampleOf = %+v, %v", e, ok)
	}
	if _, ok := ExampleOf(r, "apology"); ok {
		t.Error("ExampleOf of a missing item returned ok")
	}
}
