package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// The console's part of the suite: review queue, reviews, trends, coaching
// examples and the agent view.

// consoleTests are run by Run.
var consoleTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"QueueOrderAndFilters", testQueue},
	{"QueuePagination", testQueuePagination},
	{"QueueRejectsBadFilters", testQueueInvalid},
	{"ReviewStatusOpenInReviewDone", testReviewStatus},
	{"ReviewsAppendOnlyInOrder", testReviewsOrdered},
	{"AddReviewOutsideTenantNotFound", testAddReviewNotFound},
	{"AddReviewRejectsBadFields", testAddReviewInvalid},
	{"TrendHandComputed", testTrend},
	{"TrendByChannelQueueTeam", testTrendDims},
	{"CoachingOrderAndFilters", testCoaching},
	{"CoachingRejectsBadFilters", testCoachingInvalid},
	{"AgentView", testAgent},
	{"TranscriptLatestDeliveryPerTenant", testTranscript},
	{"AgreementLatestReviewPerFinding", testAgreement},
	{"ConsoleTenantIsolation", testConsoleIsolation},
	{"ConsoleCanceledContext", testConsoleCanceled},
}

// at returns hour o'clock of day (see store.DayOf) in Shanghai.
func at(day time.Time, hour int) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, hour, 0, 0, 0, shanghai)
}

// fnd returns a finding of item with evidence.
func fnd(item, severity string, v schemas.Verdict, confidence float64) schemas.Finding {
	f := schemas.Finding{
		Item: item, Section: "main", Kind: "llm", Verdict: v, MaxPoints: 2, Severity: severity, Confidence: confidence,
		Evidence: []schemas.Evidence{{Turn: 3, Start: 0, End: 8, Quote: "非常理解您的心情（" + item + "）", OffsetMS: 12_400}},
	}
	switch v {
	case schemas.Pass:
		f.Points = 2
	case schemas.Fail:
		f.Rationale = "坐席未做到：" + item
	}
	return f
}

// res returns a logistics-zh result of a voice call of agent a1, team
// east, queue delivery, started at started; passed, auto-failed and
// flagged as the scorecard would (below 80 or a failed critical item).
// Callers change fields as they need.
func res(tenant, id string, started time.Time, score float64, fs ...schemas.Finding) *schemas.Result {
	r := &schemas.Result{
		InteractionID: id, Tenant: tenant, Channel: schemas.Voice, Language: "zh-CN", Queue: "delivery",
		AgentID: "a1", Team: "east", StartedAt: started, Scorecard: Logistics, ScorecardVersion: "2026.03",
		Score: score, FlagReasons: []string{}, Coverage: schemas.CoverageFull,
		Scorers:  map[string]schemas.ScorerStatus{"llm": {Status: schemas.ScorerOK}},
		Findings: fs, ProcessedAt: started.Add(10 * time.Minute),
	}
	for _, f := range fs {
		if f.Verdict == schemas.Fail && f.Severity == schemas.Critical {
			r.AutoFailed = true
		}
	}
	if r.AutoFailed {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagCriticalFailure)
	}
	if score < 80 {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagBelowPassMark)
	}
	r.Passed = score >= 80 && !r.AutoFailed
	r.Flagged = len(r.FlagReasons) > 0
	return r
}

// set changes r with fn and returns it.
func set(r *schemas.Result, fn func(r *schemas.Result)) *schemas.Result {
	fn(r)
	return r
}

// deliver wraps results of one interaction into an outcome of their day.
func deliver(received time.Time, rs ...*schemas.Result) store.Outcome {
	return outcome(rs[0].Tenant, rs[0].InteractionID, store.DayOf(rs[0].StartedAt), received, rs...)
}

// queueFixtures writes the review queue's fixtures: acme-express q1…q7
// (q6 not flagged, q7 re-delivered) and shopfast's q1.
func queueFixtures(t *testing.T, s store.Store) {
	t.Helper()
	minor, major, critical := schemas.Minor, schemas.Major, schemas.Critical
	fail, pass := schemas.Fail, schemas.Pass
	write(t, s,
		deliver(received, set(res(Acme, "q1", at(day1, 9), 40, fnd("greeting", minor, fail, 0.9), fnd("apology", minor, pass, 1),
			fnd("verify_identity", critical, fail, 0.95)), func(r *schemas.Result) { r.Queue = "claims" })),
		deliver(received, set(res(Acme, "q2", at(day1, 10), 60, fnd("no_long_silence", major, fail, 0.8)),
			func(r *schemas.Result) { r.AgentID, r.Team = "a2", "west" })),
		deliver(received, set(res(Acme, "q3", at(day2, 11), 70, fnd("apology", minor, fail, 0.7)), func(r *schemas.Result) {
			r.Scorecard, r.ScorecardVersion, r.Channel = Ecommerce, "7", schemas.Chat
		})),
		deliver(received, set(res(Acme, "q4", at(day2, 12), 50, fnd("verify_identity", critical, fail, 0.9), fnd("apology", minor, fail, 0.6)),
			func(r *schemas.Result) { r.AgentID, r.Queue = "a2", "claims" })),
		deliver(received, set(res(Acme, "q5", at(day2, 8), 85, fnd("greeting", minor, pass, 0.4)), func(r *schemas.Result) {
			r.Flagged, r.FlagReasons = true, []string{schemas.FlagLowConfidence}
		})),
		deliver(received, res(Acme, "q6", at(day2, 13), 90, fnd("greeting", minor, pass, 1))),
		deliver(received, set(res(Acme, "q7", at(day3, 9), 30, fnd("verify_identity", critical, fail, 1)),
			func(r *schemas.Result) { r.AgentID = "a3" })),
		deliver(received, set(res(Shopfast, "q1", at(day3, 20), 10, fnd("refund_policy", critical, fail, 1)), func(r *schemas.Result) {
			r.Scorecard, r.ScorecardVersion, r.Channel = Ecommerce, "7", schemas.Chat
		})),
	)
	// q7 is scored again: only the later result may show.
	write(t, s, deliver(received.Add(time.Minute), set(res(Acme, "q7", at(day3, 9), 75, fnd("verify_identity", critical, pass, 1),
		fnd("greeting", minor, fail, 0.5)), func(r *schemas.Result) { r.AgentID = "a3" })))
}

func queue(t *testing.T, s store.Store, f store.QueueFilter) ([]store.QueueEntry, int64) {
	t.Helper()
	es, total, err := s.Queue(t.Context(), f)
	if err != nil {
		t.Fatalf("Queue(%+v): %v", f, err)
	}
	return es, total
}

// wantQueue compares Queue's entries, as "tenant/id severity status
// reviews", and its total.
func wantQueue(t *testing.T, s store.Store, f store.QueueFilter, total int64, want ...string) {
	t.Helper()
	es, n := queue(t, s, f)
	got := make([]string, len(es))
	for i, e := range es {
		got[i] = fmt.Sprintf("%s/%s %s %s %d", e.Tenant, e.InteractionID, orNone(e.Severity), e.Status, e.Reviews)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || n != total {
		t.Errorf("Queue(%+v)\n got: %q total %d\nwant: %q total %d", f, got, n, want, total)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func testQueue(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	acme := store.Filter{Tenants: []string{Acme}}
	all := []string{
		"acme-express/q4 critical open 0", "acme-express/q1 critical open 0", "acme-express/q2 major open 0",
		"acme-express/q7 minor open 0", "acme-express/q3 minor open 0", "acme-express/q5 none open 0",
	}
	// Most severe first, then the latest start: q6 is not flagged, and q7
	// shows its later result only.
	wantQueue(t, s, store.QueueFilter{Filter: acme}, 6, all...)
	wantQueue(t, s, store.QueueFilter{}, 7, append([]string{"shopfast/q1 critical open 0"}, all...)...)
	wantQueue(t, s, store.QueueFilter{Filter: store.Filter{Tenants: []string{Shopfast}}}, 1, "shopfast/q1 critical open 0")
	wantQueue(t, s, store.QueueFilter{Filter: store.Filter{Tenants: []string{Other}}}, 0)

	for _, tc := range []struct {
		name string
		f    store.QueueFilter
		want []string
	}{
		{"item", store.QueueFilter{Filter: acme, Items: []string{"verify_identity"}}, []string{"acme-express/q4", "acme-express/q1"}},
		{"items", store.QueueFilter{Filter: acme, Items: []string{"apology", "no_long_silence"}}, []string{"acme-express/q4", "acme-express/q2", "acme-express/q3"}},
		{"passed item", store.QueueFilter{Filter: acme, Items: []string{"q5-none", "greeting"}}, []string{"acme-express/q1", "acme-express/q7"}},
		{"critical", store.QueueFilter{Filter: acme, Severity: schemas.Critical}, []string{"acme-express/q4", "acme-express/q1"}},
		{"major", store.QueueFilter{Filter: acme, Severity: schemas.Major}, []string{"acme-express/q4", "acme-express/q1", "acme-express/q2"}},
		{"minor", store.QueueFilter{Filter: acme, Severity: schemas.Minor}, []string{"acme-express/q4", "acme-express/q1", "acme-express/q2", "acme-express/q7", "acme-express/q3"}},
		{"agent", store.QueueFilter{Filter: acme, Agent: "a1"}, []string{"acme-express/q1", "acme-express/q3", "acme-express/q5"}},
		{"team", store.QueueFilter{Filter: acme, Team: "west"}, []string{"acme-express/q2"}},
		{"channel", store.QueueFilter{Filter: acme, Channel: "chat"}, []string{"acme-express/q3"}},
		{"queue", store.QueueFilter{Filter: acme, Queue: "claims"}, []string{"acme-express/q4", "acme-express/q1"}},
		{"days", store.QueueFilter{Filter: store.Filter{Tenants: []string{Acme}, From: day2, To: day2}}, []string{"acme-express/q4", "acme-express/q3", "acme-express/q5"}},
		{"from", store.QueueFilter{Filter: store.Filter{From: day3}}, []string{"shopfast/q1", "acme-express/q7"}},
		{"combined", store.QueueFilter{Filter: acme, Severity: schemas.Minor, Team: "east", Queue: "delivery"}, []string{"acme-express/q7", "acme-express/q3"}},
		{"open", store.QueueFilter{Filter: acme, Status: store.ReviewOpen, Queue: "claims"}, []string{"acme-express/q4", "acme-express/q1"}},
		{"in review", store.QueueFilter{Filter: acme, Status: store.ReviewInReview}, nil},
		{"nothing", store.QueueFilter{Filter: acme, Agent: "a9"}, nil},
	} {
		es, total := queue(t, s, tc.f)
		var got []string
		for _, e := range es {
			got = append(got, e.Tenant+"/"+e.InteractionID)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") || total != int64(len(tc.want)) {
			t.Errorf("Queue by %s (%+v)\n got: %v total %d\nwant: %v", tc.name, tc.f, got, total, tc.want)
		}
	}

	// Every field of an entry.
	es, _ := queue(t, s, store.QueueFilter{Filter: acme, Queue: "claims", Limit: 2})
	if len(es) != 2 {
		t.Fatalf("Queue by queue claims returned %d entries, want 2", len(es))
	}
	want := store.QueueEntry{
		Tenant: Acme, InteractionID: "q1", Scorecard: Logistics, ScorecardVersion: "2026.03",
		Day: day1, StartedAt: at(day1, 9).UTC(), Channel: "voice", Queue: "claims", AgentID: "a1", Team: "east",
		Score: 40, AutoFailed: true, FlagReasons: []string{schemas.FlagCriticalFailure, schemas.FlagBelowPassMark},
		Severity: schemas.Critical, FailedItems: []string{"greeting", "verify_identity"}, Status: store.ReviewOpen,
	}
	if got := fmt.Sprintf("%+v", es[1]); got != fmt.Sprintf("%+v", want) {
		t.Errorf("queue entry of q1\n got: %s\nwant: %+v", got, want)
	}
	if got := es[0].FailedItems; strings.Join(got, " ") != "verify_identity apology" {
		t.Errorf("q4 failed items %q, want scorecard order [verify_identity apology]", got)
	}
}

func testQueuePagination(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	acme := store.Filter{Tenants: []string{Acme}}
	for _, tc := range []struct {
		limit, offset int
		want          string
	}{
		{0, 0, "q4 q1 q2 q7 q3 q5"},
		{2, 0, "q4 q1"},
		{2, 2, "q2 q7"},
		{2, 4, "q3 q5"},
		{10, 4, "q3 q5"},
		{3, 5, "q5"},
		{2, 6, ""},
		{1, 100, ""},
	} {
		es, total := queue(t, s, store.QueueFilter{Filter: acme, Limit: tc.limit, Offset: tc.offset})
		var got []string
		for _, e := range es {
			got = append(got, e.InteractionID)
		}
		if strings.Join(got, " ") != tc.want || total != 6 {
			t.Errorf("Queue page limit %d offset %d: %v total %d, want [%s] total 6", tc.limit, tc.offset, got, total, tc.want)
		}
	}
	// The total follows the filter, not the page.
	if _, total := queue(t, s, store.QueueFilter{Filter: acme, Severity: schemas.Major, Limit: 1}); total != 3 {
		t.Errorf("Queue of major or worse, limit 1: total %d, want 3", total)
	}
}

func testQueueInvalid(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	for _, f := range []store.QueueFilter{
		{Severity: "high"}, {Severity: "Critical"}, {Status: "closed"}, {Limit: -1}, {Offset: -1},
	} {
		if _, _, err := s.Queue(t.Context(), f); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Queue(%+v): error %v, want store.ErrInvalid", f, err)
		}
	}
}

// review returns a valid review of a finding of acme-express's q1.
func review(item string, done bool, at time.Time) store.Review {
	return store.Review{Tenant: Acme, InteractionID: "q1", Scorecard: Logistics, Item: item, Reviewer: "qa-li",
		Decision: store.Confirm, Verdict: schemas.Fail, AIVerdict: schemas.Fail, Comment: "确认：未核实身份", Done: done, At: at}
}

func addReview(t *testing.T, s store.Store, r store.Review) {
	t.Helper()
	if err := s.AddReview(t.Context(), r); err != nil {
		t.Fatalf("AddReview(%+v): %v", r, err)
	}
}

func reviews(t *testing.T, s store.Store, f store.Filter, id string) []store.Review {
	t.Helper()
	rs, err := s.Reviews(t.Context(), f, id)
	if err != nil {
		t.Fatalf("Reviews(%+v, %s): %v", f, id, err)
	}
	return rs
}

func testReviewStatus(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	// q1 is scored under a second version too: a review's status is its
	// interaction's under the scorecard, whatever the version.
	write(t, s, deliver(received.Add(time.Hour),
		set(res(Acme, "q1", at(day1, 9), 40, fnd("greeting", schemas.Minor, schemas.Fail, 0.9), fnd("apology", schemas.Minor, schemas.Pass, 1),
			fnd("verify_identity", schemas.Critical, schemas.Fail, 0.95)), func(r *schemas.Result) { r.Queue = "claims" }),
		set(res(Acme, "q1", at(day1, 9), 45, fnd("verify_identity", schemas.Critical, schemas.Fail, 0.95)), func(r *schemas.Result) {
			r.Queue, r.ScorecardVersion = "claims", "2026.04"
		})))
	acme := store.Filter{Tenants: []string{Acme}}
	claims := store.QueueFilter{Filter: acme, Queue: "claims"}
	wantQueue(t, s, claims, 3, "acme-express/q4 critical open 0", "acme-express/q1 critical open 0", "acme-express/q1 critical open 0")

	t0 := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	addReview(t, s, review("greeting", false, t0))
	wantQueue(t, s, claims, 3, "acme-express/q4 critical open 0", "acme-express/q1 critical in_review 1", "acme-express/q1 critical in_review 1")
	wantQueue(t, s, store.QueueFilter{Filter: acme, Status: store.ReviewInReview}, 2, "acme-express/q1 critical in_review 1", "acme-express/q1 critical in_review 1")
	wantQueue(t, s, store.QueueFilter{Filter: acme, Status: store.ReviewOpen, Queue: "claims"}, 1, "acme-express/q4 critical open 0")

	addReview(t, s, review("verify_identity", true, t0.Add(time.Minute)))
	wantQueue(t, s, store.QueueFilter{Filter: acme, Status: store.ReviewDone}, 2, "acme-express/q1 critical done 2", "acme-express/q1 critical done 2")
	wantQueue(t, s, store.QueueFilter{Filter: acme, Status: store.ReviewInReview}, 0)

	// A later review that is not done leaves it done.
	addReview(t, s, review("greeting", false, t0.Add(2*time.Minute)))
	wantQueue(t, s, claims, 3, "acme-express/q4 critical open 0", "acme-express/q1 critical done 3", "acme-express/q1 critical done 3")
	// shopfast's q1 is another interaction.
	wantQueue(t, s, store.QueueFilter{Filter: store.Filter{Tenants: []string{Shopfast}}}, 1, "shopfast/q1 critical open 0")
	wantQueue(t, s, store.QueueFilter{Status: store.ReviewOpen, Severity: schemas.Critical}, 2, "shopfast/q1 critical open 0", "acme-express/q4 critical open 0")
}

func testReviewsOrdered(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	t0 := time.Date(2026, 3, 5, 9, 0, 0, 123_456_000, time.FixedZone("CST", 8*3600))
	first := review("greeting", false, t0)
	second := review("verify_identity", false, t0.Add(90*time.Second))
	second.Decision, second.Verdict, second.Comment, second.Reviewer = store.Overturn, schemas.Pass, "", "qa-wang"
	third := review("greeting", true, t0.Add(90*time.Second)) // the same instant: kept in the order added
	third.Verdict = schemas.NA
	// Added out of time order: Reviews sorts them by At.
	addReview(t, s, second)
	addReview(t, s, third)
	addReview(t, s, first)
	want := []store.Review{first, second, third}
	for _, f := range []store.Filter{{}, {Tenants: []string{Acme}}, {Tenants: []string{Other, Acme}, From: day1, To: day1}} {
		got := reviews(t, s, f, "q1")
		if len(got) != len(want) {
			t.Fatalf("Reviews(%+v) returned %d reviews, want %d", f, len(got), len(want))
		}
		for i := range want {
			w := want[i]
			w.At = w.At.UTC().Truncate(time.Microsecond)
			g := got[i]
			g.At = g.At.Truncate(time.Microsecond)
			if g.At.Location() != time.UTC {
				t.Errorf("review %d: At %v is not in UTC", i, got[i].At)
			}
			if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
				t.Errorf("Reviews(%+v)[%d]\n got: %+v\nwant: %+v", f, i, g, w)
			}
		}
	}
	// Reviews are kept: adding more changes none of these.
	addReview(t, s, review("apology", true, t0.Add(time.Hour)))
	if got := reviews(t, s, store.Filter{}, "q1"); len(got) != 4 || got[0].Item != "greeting" || got[3].Item != "apology" {
		t.Errorf("after a fourth review: %+v", got)
	}
	for _, tc := range []struct {
		f  store.Filter
		id string
	}{
		{store.Filter{Tenants: []string{Shopfast}}, "q1"},
		{store.Filter{Tenants: []string{Other}}, "q1"},
		{store.Filter{Tenants: []string{Acme}, From: day2}, "q1"},
		{store.Filter{}, "q2"},
		{store.Filter{}, "nope"},
	} {
		if got := reviews(t, s, tc.f, tc.id); len(got) != 0 {
			t.Errorf("Reviews(%+v, %s) returned %d reviews, want none", tc.f, tc.id, len(got))
		}
	}
}

func testAddReviewNotFound(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	write(t, s, outcome(Acme, "failed-1", day1, received)) // received, never scored
	for name, r := range map[string]store.Review{
		"another tenant's interaction": func() store.Review { r := review("greeting", false, received); r.Tenant = Shopfast; return r }(),
		"a tenant without data":        func() store.Review { r := review("greeting", false, received); r.Tenant = Other; return r }(),
		"an unknown interaction":       func() store.Review { r := review("greeting", false, received); r.InteractionID = "q99"; return r }(),
		"an interaction never scored":  func() store.Review { r := review("greeting", false, received); r.InteractionID = "failed-1"; return r }(),
		"another scorecard":            func() store.Review { r := review("greeting", false, received); r.Scorecard = Ecommerce; return r }(),
		"shopfast's id in acme": func() store.Review {
			r := review("greeting", false, received)
			r.InteractionID = "q3"
			r.Tenant = Shopfast
			return r
		}(),
	} {
		if err := s.AddReview(t.Context(), r); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AddReview of %s: error %v, want store.ErrNotFound", name, err)
		}
	}
	if got := reviews(t, s, store.Filter{}, "q1"); len(got) != 0 {
		t.Errorf("rejected reviews were stored: %+v", got)
	}
	wantQueue(t, s, store.QueueFilter{Filter: store.Filter{Tenants: []string{Shopfast}}}, 1, "shopfast/q1 critical open 0")
}

func testAddReviewInvalid(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	for field, breakIt := range map[string]func(r *store.Review){
		"tenant":         func(r *store.Review) { r.Tenant = "" },
		"interaction_id": func(r *store.Review) { r.InteractionID = "" },
		"scorecard":      func(r *store.Review) { r.Scorecard = "" },
		"item":           func(r *store.Review) { r.Item = "" },
		"reviewer":       func(r *store.Review) { r.Reviewer = "" },
		"decision":       func(r *store.Review) { r.Decision = "maybe" },
		"verdict":        func(r *store.Review) { r.Verdict = schemas.NotEvaluated },
		"ai_verdict":     func(r *store.Review) { r.AIVerdict = "" },
		"comment":        func(r *store.Review) { r.Comment = strings.Repeat("长", store.MaxReviewComment) },
		"at":             func(r *store.Review) { r.At = time.Time{} },
	} {
		r := review("greeting", true, received)
		breakIt(&r)
		err := s.AddReview(t.Context(), r)
		if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "`"+field+"`") {
			t.Errorf("AddReview with a bad %s: error %v, want store.ErrInvalid naming `%s`", field, err, field)
		}
	}
	if got := reviews(t, s, store.Filter{}, "q1"); len(got) != 0 {
		t.Errorf("invalid reviews were stored: %+v", got)
	}
	if err := s.AddReview(t.Context(), review("greeting", true, received)); err != nil {
		t.Errorf("AddReview of a valid review: %v", err)
	}
}

// trendFixtures writes the trend's fixtures; see testTrend for the sums.
func trendFixtures(t *testing.T, s store.Store) {
	t.Helper()
	crit := fnd("verify_identity", schemas.Critical, schemas.Fail, 1)
	ok := fnd("greeting", schemas.Minor, schemas.Pass, 1)
	east := func(r *schemas.Result) { r.Team, r.Queue = "east", "claims" }
	west := func(r *schemas.Result) { r.Team, r.Queue, r.Channel = "west", "delivery", schemas.Chat }
	write(t, s,
		// day 1
		deliver(received, set(res(Acme, "t1", at(day1, 9), 80, ok), east)),
		deliver(received, set(res(Acme, "t2", at(day1, 10), 50, crit, fnd("empathy", schemas.Minor, schemas.NotEvaluated, 0)), func(r *schemas.Result) {
			west(r)
			r.Coverage = schemas.CoveragePartial
		})),
		outcome(Acme, "t3", day1, received),
		deliver(received, set(res(Acme, "t4", at(day1, 11), 90, ok), east)),
		// day 2
		deliver(received, set(res(Acme, "t5", at(day2, 9), 100, ok), east)),
		outcome(Acme, "t6", day2, received),
		// day 3: two scorecards
		deliver(received,
			set(res(Acme, "t7", at(day3, 9), 70, ok), func(r *schemas.Result) { r.Team, r.Queue = "west", "delivery" }),
			set(res(Acme, "t7", at(day3, 9), 90, ok), func(r *schemas.Result) { west(r); r.Scorecard, r.ScorecardVersion = Ecommerce, "7" })),
		// another tenant, day 1
		deliver(received, set(res(Shopfast, "t1", at(day1, 9), 10, crit), east)),
		outcome(Shopfast, "s2", day1, received),
	)
	// t4 is delivered again and scored lower, with a critical failure.
	write(t, s, deliver(received.Add(time.Minute), set(res(Acme, "t4", at(day1, 11), 60, crit), east)))
	// t8 is scored, then delivered again and failed: its result stays.
	write(t, s, deliver(received, set(res(Acme, "t8", at(day2, 10), 70, ok), east)))
	write(t, s, outcome(Acme, "t8", day2, received.Add(time.Minute)))
}

func wantTrend(t *testing.T, s store.Store, f store.TrendFilter, want ...string) {
	t.Helper()
	ds, err := s.Trend(t.Context(), f)
	if err != nil {
		t.Fatalf("Trend(%+v): %v", f, err)
	}
	if got := days(t, ds); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Trend(%+v)\n got: %q\nwant: %q", f, got, want)
	}
}

// days formats days as "day received/scored/failed results=… passed=…
// critical=… avg=…".
func days(t *testing.T, ds []store.Day) []string {
	t.Helper()
	var out []string
	for _, d := range ds {
		if !d.Day.Equal(store.DayOf(d.Day)) || d.Day.Location() != time.UTC {
			t.Errorf("day %v is not midnight UTC (store.DayOf)", d.Day)
		}
		out = append(out, fmt.Sprintf("%s %d/%d/%d results=%d passed=%d critical=%d avg=%.3f", d.Day.Format(time.DateOnly),
			d.Received, d.Scored, d.Failed, d.Results, d.Passed, d.Critical, d.AvgScore))
	}
	return out
}

func testTrend(t *testing.T, s store.Store) {
	trendFixtures(t, s)
	acme := store.Filter{Tenants: []string{Acme}}
	// Day 1: t1-t4 received (t4 twice, counted once), t3 failed; results
	// t1 (80, passed), t2 (50, critical), t4 (60 now, critical).
	// Day 2: t5 (100, passed), t6 failed, t8 failed after it was scored
	// (70). Day 3: t7 under two scorecards (70; 90 passed).
	wantTrend(t, s, store.TrendFilter{Filter: acme},
		"2026-03-02 4/3/1 results=3 passed=1 critical=2 avg=63.333",
		"2026-03-03 3/1/2 results=2 passed=1 critical=0 avg=85.000",
		"2026-03-04 1/1/0 results=2 passed=1 critical=0 avg=80.000")
	wantTrend(t, s, store.TrendFilter{Filter: store.Filter{Tenants: []string{Acme}, From: day2}},
		"2026-03-03 3/1/2 results=2 passed=1 critical=0 avg=85.000",
		"2026-03-04 1/1/0 results=2 passed=1 critical=0 avg=80.000")
	wantTrend(t, s, store.TrendFilter{Filter: store.Filter{To: day1}},
		"2026-03-02 6/4/2 results=4 passed=1 critical=3 avg=50.000")
	wantTrend(t, s, store.TrendFilter{Filter: store.Filter{Tenants: []string{Shopfast}}},
		"2026-03-02 2/1/1 results=1 passed=0 critical=1 avg=10.000")
	wantTrend(t, s, store.TrendFilter{Filter: store.Filter{Tenants: []string{Other}}})
	wantTrend(t, s, store.TrendFilter{Filter: store.Filter{From: day3.AddDate(0, 0, 1)}})
}

func testTrendDims(t *testing.T, s store.Store) {
	trendFixtures(t, s)
	acme := store.Filter{Tenants: []string{Acme}}
	// Received counts the interactions with a matching result: the failed
	// t3 and t6 have none; t8, scored and then failed, counts as failed.
	wantTrend(t, s, store.TrendFilter{Filter: acme, Channel: "voice"},
		"2026-03-02 2/2/0 results=2 passed=1 critical=1 avg=70.000",
		"2026-03-03 2/1/1 results=2 passed=1 critical=0 avg=85.000",
		"2026-03-04 1/1/0 results=1 passed=0 critical=0 avg=70.000")
	wantTrend(t, s, store.TrendFilter{Filter: acme, Queue: "delivery"},
		"2026-03-02 1/1/0 results=1 passed=0 critical=1 avg=50.000",
		"2026-03-04 1/1/0 results=2 passed=1 critical=0 avg=80.000")
	wantTrend(t, s, store.TrendFilter{Filter: acme, Team: "east"},
		"2026-03-02 2/2/0 results=2 passed=1 critical=1 avg=70.000",
		"2026-03-03 2/1/1 results=2 passed=1 critical=0 avg=85.000")
	wantTrend(t, s, store.TrendFilter{Filter: acme, Team: "west", Channel: "chat"},
		"2026-03-02 1/1/0 results=1 passed=0 critical=1 avg=50.000",
		"2026-03-04 1/1/0 results=1 passed=1 critical=0 avg=90.000")
	wantTrend(t, s, store.TrendFilter{Filter: store.Filter{To: day1}, Team: "east"},
		"2026-03-02 3/3/0 results=3 passed=1 critical=2 avg=50.000")
	wantTrend(t, s, store.TrendFilter{Filter: store.Filter{Tenants: []string{Shopfast}}, Team: "west"})
	wantTrend(t, s, store.TrendFilter{Filter: acme, Queue: "nowhere"})
}

// coachingFixtures writes results with an empathy finding: see
// testCoaching for the orders.
func coachingFixtures(t *testing.T, s store.Store) {
	t.Helper()
	emp := func(v schemas.Verdict, confidence float64) schemas.Finding {
		return fnd("empathy", schemas.Minor, v, confidence)
	}
	pass, fail := schemas.Pass, schemas.Fail
	agent := func(a, team string) func(r *schemas.Result) {
		return func(r *schemas.Result) { r.AgentID, r.Team = a, team }
	}
	other := fnd("greeting", schemas.Minor, pass, 1)
	write(t, s,
		deliver(received, set(res(Acme, "e1", at(day1, 9), 90, other, emp(pass, 0.9)), agent("a1", "east"))),
		deliver(received, set(res(Acme, "e2", at(day1, 10), 70, emp(pass, 0.9)), agent("a2", "west"))),
		deliver(received, set(res(Acme, "e3", at(day2, 9), 95, emp(pass, 0.6)), agent("a1", "east"))),
		deliver(received, set(res(Acme, "e4", at(day1, 11), 40, emp(fail, 0.8)), agent("a2", "west"))),
		deliver(received, set(res(Acme, "e5", at(day1, 12), 30, emp(fail, 0.8)), agent("a1", "east"))),
		deliver(received, set(res(Acme, "e6", at(day1, 13), 20, emp(fail, 0.5)), agent("a1", "east"))),
		deliver(received, set(res(Acme, "e7", at(day1, 14), 85, emp(pass, 0.95)), func(r *schemas.Result) {
			r.AgentID, r.Scorecard, r.ScorecardVersion = "a3", Ecommerce, "7"
		})),
		deliver(received, set(res(Acme, "e8", at(day1, 15), 99, emp(pass, 0.99)), agent("a1", "east"))),
		deliver(received, set(res(Acme, "e9", at(day1, 16), 88, other), agent("a1", "east"))), // no empathy finding
		deliver(received, set(res(Shopfast, "e1", at(day1, 9), 100, emp(pass, 1)), agent("a1", "east"))),
	)
	// e8 is scored again: its earlier best example must not show.
	write(t, s, deliver(received.Add(time.Minute), set(res(Acme, "e8", at(day1, 15), 35, emp(fail, 0.7)), agent("a1", "east"))))
}

func coaching(t *testing.T, s store.Store, f store.CoachingFilter) []store.Example {
	t.Helper()
	es, err := s.Coaching(t.Context(), f)
	if err != nil {
		t.Fatalf("Coaching(%+v): %v", f, err)
	}
	return es
}

func testCoaching(t *testing.T, s store.Store) {
	coachingFixtures(t, s)
	acme := store.Filter{Tenants: []string{Acme}}
	cf := func(v schemas.Verdict) store.CoachingFilter {
		return store.CoachingFilter{Filter: acme, Item: "empathy", Verdict: v}
	}
	for _, tc := range []struct {
		name string
		f    store.CoachingFilter
		want string
	}{
		// Highest confidence first, then the highest score.
		{"best", cf(schemas.Pass), "acme-express/e7 acme-express/e1 acme-express/e2 acme-express/e3"},
		// Highest confidence first, then the lowest score.
		{"worst", cf(schemas.Fail), "acme-express/e5 acme-express/e4 acme-express/e8 acme-express/e6"},
		{"limit", func() store.CoachingFilter { f := cf(schemas.Pass); f.Limit = 2; return f }(), "acme-express/e7 acme-express/e1"},
		{"scorecard", func() store.CoachingFilter { f := cf(schemas.Pass); f.Scorecard = Logistics; return f }(), "acme-express/e1 acme-express/e2 acme-express/e3"},
		{"other scorecard", func() store.CoachingFilter { f := cf(schemas.Pass); f.Scorecard = Ecommerce; return f }(), "acme-express/e7"},
		{"agent", func() store.CoachingFilter { f := cf(schemas.Fail); f.Agent = "a1"; return f }(), "acme-express/e5 acme-express/e8 acme-express/e6"},
		{"team", func() store.CoachingFilter { f := cf(schemas.Pass); f.Team = "west"; return f }(), "acme-express/e2"},
		{"days", func() store.CoachingFilter { f := cf(schemas.Pass); f.From = day2; return f }(), "acme-express/e3"},
		{"all tenants", store.CoachingFilter{Item: "empathy", Verdict: schemas.Pass, Limit: 3}, "shopfast/e1 acme-express/e7 acme-express/e1"},
		{"shopfast", store.CoachingFilter{Filter: store.Filter{Tenants: []string{Shopfast}}, Item: "empathy", Verdict: schemas.Pass}, "shopfast/e1"},
		{"no tenant data", store.CoachingFilter{Filter: store.Filter{Tenants: []string{Other}}, Item: "empathy", Verdict: schemas.Pass}, ""},
		{"unknown item", store.CoachingFilter{Filter: acme, Item: "nope", Verdict: schemas.Pass}, ""},
		{"shopfast worst", store.CoachingFilter{Filter: store.Filter{Tenants: []string{Shopfast}}, Item: "empathy", Verdict: schemas.Fail}, ""},
	} {
		var got []string
		for _, e := range coaching(t, s, tc.f) {
			got = append(got, e.Tenant+"/"+e.InteractionID)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("Coaching %s (%+v)\n got: %v\nwant: [%s]", tc.name, tc.f, got, tc.want)
		}
	}

	// An example carries its result's fields and the whole finding.
	es := coaching(t, s, store.CoachingFilter{Filter: acme, Item: "empathy", Verdict: schemas.Pass, Agent: "a1", Limit: 1})
	if len(es) != 1 {
		t.Fatalf("Coaching of a1: %d examples, want 1", len(es))
	}
	want := store.Example{Tenant: Acme, InteractionID: "e1", Scorecard: Logistics, ScorecardVersion: "2026.03",
		AgentID: "a1", Team: "east", StartedAt: at(day1, 9).UTC(), Score: 90, Finding: fnd("empathy", schemas.Minor, schemas.Pass, 0.9)}
	g, w := mustJSON(t, es[0]), mustJSON(t, want)
	if g != w || es[0].StartedAt.Location() != time.UTC {
		t.Errorf("coaching example\n got: %s\nwant: %s", g, w)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testCoachingInvalid(t *testing.T, s store.Store) {
	coachingFixtures(t, s)
	for _, f := range []store.CoachingFilter{
		{Verdict: schemas.Pass},
		{Item: "empathy"},
		{Item: "empathy", Verdict: schemas.NA},
		{Item: "empathy", Verdict: schemas.Pass, Limit: -1},
	} {
		if _, err := s.Coaching(t.Context(), f); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Coaching(%+v): error %v, want store.ErrInvalid", f, err)
		}
	}
}

func testAgent(t *testing.T, s store.Store) {
	minor, critical := schemas.Minor, schemas.Critical
	fail, pass := schemas.Fail, schemas.Pass
	a := func(agent string) func(r *schemas.Result) { return func(r *schemas.Result) { r.AgentID = agent } }
	write(t, s,
		deliver(received, set(res(Acme, "r1", at(day1, 9), 80, fnd("greeting", minor, fail, 1), fnd("apology", minor, pass, 1)), a("a1"))),
		deliver(received, set(res(Acme, "r2", at(day1, 10), 60, fnd("greeting", minor, fail, 1), fnd("apology", critical, fail, 1)), a("a1"))),
		deliver(received, set(res(Acme, "r3", at(day2, 9), 90), a("a1"))),
		deliver(received, set(res(Acme, "r4", at(day2, 10), 20, fnd("verify_identity", critical, fail, 1), fnd("greeting", minor, fail, 1)), a("a1"))),
		deliver(received, set(res(Acme, "r5", at(day1, 11), 50, fnd("greeting", minor, fail, 1)), a("a2"))),
		deliver(received, set(res(Shopfast, "r1", at(day1, 9), 0, fnd("greeting", minor, fail, 1), fnd("refund_policy", minor, fail, 1)), func(r *schemas.Result) {
			r.AgentID, r.Scorecard, r.ScorecardVersion = "a1", Ecommerce, "7"
		})),
	)
	// r4 is scored again: only apology failed.
	write(t, s, deliver(received.Add(time.Minute), set(res(Acme, "r4", at(day2, 10), 70, fnd("verify_identity", critical, pass, 1),
		fnd("apology", minor, fail, 1)), a("a1"))))

	acme := store.Filter{Tenants: []string{Acme}}
	wantAgent(t, s, acme, "a1",
		"2026-03-02 0/0/0 results=2 passed=1 critical=1 avg=70.000 | 2026-03-03 0/0/0 results=2 passed=1 critical=0 avg=80.000",
		"logistics-zh/apology=2 logistics-zh/greeting=2")
	wantAgent(t, s, store.Filter{}, "a1",
		"2026-03-02 0/0/0 results=3 passed=1 critical=1 avg=46.667 | 2026-03-03 0/0/0 results=2 passed=1 critical=0 avg=80.000",
		"logistics-zh/apology=2 logistics-zh/greeting=2 ecommerce-en/greeting=1 ecommerce-en/refund_policy=1")
	wantAgent(t, s, store.Filter{Tenants: []string{Acme}, From: day2}, "a1",
		"2026-03-03 0/0/0 results=2 passed=1 critical=0 avg=80.000", "logistics-zh/apology=1")
	wantAgent(t, s, acme, "a2", "2026-03-02 0/0/0 results=1 passed=0 critical=0 avg=50.000", "logistics-zh/greeting=1")
	wantAgent(t, s, store.Filter{Tenants: []string{Shopfast}}, "a1",
		"2026-03-02 0/0/0 results=1 passed=0 critical=0 avg=0.000", "ecommerce-en/greeting=1 ecommerce-en/refund_policy=1")
	wantAgent(t, s, store.Filter{Tenants: []string{Shopfast}}, "a2", "", "")
	wantAgent(t, s, store.Filter{Tenants: []string{Other}}, "a1", "", "")
	wantAgent(t, s, acme, "a9", "", "")
	if _, err := s.Agent(t.Context(), acme, ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Agent without an id: error %v, want store.ErrInvalid", err)
	}
}

func wantAgent(t *testing.T, s store.Store, f store.Filter, agent, wantDays, wantTop string) {
	t.Helper()
	v, err := s.Agent(t.Context(), f, agent)
	if err != nil {
		t.Fatalf("Agent(%+v, %s): %v", f, agent, err)
	}
	var top []string
	for _, c := range v.TopFailing {
		top = append(top, fmt.Sprintf("%s/%s=%d", c.Scorecard, c.Item, c.Failures))
	}
	if got := strings.Join(days(t, v.Days), " | "); got != wantDays || v.Agent != agent {
		t.Errorf("Agent(%+v, %s) days\n got: %s (agent %q)\nwant: %s", f, agent, got, v.Agent, wantDays)
	}
	if got := strings.Join(top, " "); got != wantTop {
		t.Errorf("Agent(%+v, %s) top failing\n got: %s\nwant: %s", f, agent, got, wantTop)
	}
}

func transcript(t *testing.T, s store.Store, f store.Filter, tenant, id string) string {
	t.Helper()
	ts, err := s.Transcript(t.Context(), f, tenant, id)
	if err != nil {
		t.Fatalf("Transcript(%+v, %s, %s): %v", f, tenant, id, err)
	}
	var b strings.Builder
	for _, x := range ts {
		fmt.Fprintf(&b, "%s@%d-%d:%s;", x.Speaker, x.StartMS, x.EndMS, x.Text)
	}
	return b.String()
}

func testTranscript(t *testing.T, s store.Store) {
	turns := func(texts ...string) []schemas.Turn {
		var ts []schemas.Turn
		for i, x := range texts {
			sp := schemas.Agent
			if i%2 == 1 {
				sp = schemas.Customer
			}
			ts = append(ts, schemas.Turn{Speaker: sp, Text: x, StartMS: int64(i) * 1000, EndMS: int64(i)*1000 + 900})
		}
		return ts
	}
	withTurns := func(o store.Outcome, ts []schemas.Turn) store.Outcome { o.Turns = ts; return o }
	a := withTurns(deliver(received, res(Acme, "t1", at(day1, 9), 80)), turns("您好，请问有什么可以帮您？", "我的包裹丢了"))
	b := withTurns(deliver(received, res(Shopfast, "t1", at(day1, 9), 80)), turns("shopfast 的对话"))
	write(t, s, a, b, deliver(received, res(Acme, "t2", at(day1, 9), 80)))
	wantA := "agent@0-900:您好，请问有什么可以帮您？;customer@1000-1900:我的包裹丢了;"
	for _, tc := range []struct {
		f          store.Filter
		tenant, id string
		want       string
	}{
		{store.Filter{}, Acme, "t1", wantA},
		{store.Filter{Tenants: []string{Other, Acme}, From: day1, To: day1}, Acme, "t1", wantA},
		{store.Filter{}, Shopfast, "t1", "agent@0-900:shopfast 的对话;"},
		{store.Filter{Tenants: []string{Shopfast}}, Acme, "t1", ""},
		{store.Filter{Tenants: []string{Acme}, From: day2}, Acme, "t1", ""},
		{store.Filter{}, Acme, "t2", ""}, // kept no turns
		{store.Filter{}, Acme, "nope", ""},
	} {
		if got := transcript(t, s, tc.f, tc.tenant, tc.id); got != tc.want {
			t.Errorf("Transcript(%+v, %s, %s) = %q, want %q", tc.f, tc.tenant, tc.id, got, tc.want)
		}
	}
	// A later delivery replaces the turns, an earlier one does not.
	write(t, s, withTurns(deliver(received.Add(time.Minute), res(Acme, "t1", at(day1, 9), 80)), turns("重新转写")))
	write(t, s, withTurns(deliver(received.Add(-time.Minute), res(Acme, "t1", at(day1, 9), 80)), turns("更早的")))
	if got, want := transcript(t, s, store.Filter{}, Acme, "t1"), "agent@0-900:重新转写;"; got != want {
		t.Errorf("after re-deliveries: %q, want %q", got, want)
	}
}

func testAgreement(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	t0 := received.Add(time.Hour)
	rv := func(tenant, id, scorecard, item string, ai, human schemas.Verdict, at time.Time) {
		r := review(item, false, at)
		r.Tenant, r.InteractionID, r.Scorecard, r.AIVerdict, r.Verdict = tenant, id, scorecard, ai, human
		if ai != human {
			r.Decision = store.Overturn
		}
		addReview(t, s, r)
	}
	fail, pass, na := schemas.Fail, schemas.Pass, schemas.NA
	rv(Acme, "q1", Logistics, "greeting", fail, fail, t0)
	rv(Acme, "q1", Logistics, "greeting", fail, pass, t0.Add(time.Minute)) // the latest counts
	rv(Acme, "q1", Logistics, "verify_identity", fail, fail, t0)
	rv(Acme, "q4", Logistics, "verify_identity", fail, fail, t0)
	rv(Acme, "q4", Logistics, "apology", fail, na, t0.Add(time.Minute))
	rv(Acme, "q4", Logistics, "apology", fail, fail, t0) // older
	rv(Shopfast, "q1", Ecommerce, "refund_policy", fail, na, t0)
	for _, tc := range []struct {
		f    store.Filter
		want string
	}{
		{store.Filter{}, "ecommerce-en/refund_policy fail→na 1; logistics-zh/apology fail→na 1; logistics-zh/greeting fail→pass 1; logistics-zh/verify_identity fail→fail 2; "},
		{store.Filter{Tenants: []string{Acme}, From: day1, To: day1}, "logistics-zh/greeting fail→pass 1; logistics-zh/verify_identity fail→fail 1; "},
		{store.Filter{Tenants: []string{Shopfast}}, "ecommerce-en/refund_policy fail→na 1; "},
		{store.Filter{Tenants: []string{Other}}, ""},
	} {
		ps, err := s.Agreement(t.Context(), tc.f)
		if err != nil {
			t.Fatalf("Agreement(%+v): %v", tc.f, err)
		}
		var b strings.Builder
		for _, p := range ps {
			fmt.Fprintf(&b, "%s/%s %s→%s %d; ", p.Scorecard, p.Item, p.AI, p.Human, p.N)
		}
		if b.String() != tc.want {
			t.Errorf("Agreement(%+v)\n got: %s\nwant: %s", tc.f, b.String(), tc.want)
		}
	}
}

// testConsoleIsolation checks every console method with two tenants
// holding the same interaction ids, agent ids and items.
func testConsoleIsolation(t *testing.T, s store.Store) {
	f := fnd("empathy", schemas.Critical, schemas.Fail, 0.9)
	write(t, s,
		deliver(received, res(Acme, "c-1", at(day1, 9), 40, f)),
		deliver(received, res(Shopfast, "c-1", at(day1, 10), 30, f)),
		deliver(received, res(Shopfast, "c-2", at(day1, 11), 20, f)),
	)
	acme, shop := store.Filter{Tenants: []string{Acme}}, store.Filter{Tenants: []string{Shopfast}}
	r := review("empathy", true, received)
	r.InteractionID = "c-1"
	addReview(t, s, r)

	// By id: acme's review is acme's only.
	if got := reviews(t, s, shop, "c-1"); len(got) != 0 {
		t.Errorf("shopfast sees %d reviews of acme's c-1", len(got))
	}
	if got := reviews(t, s, acme, "c-1"); len(got) != 1 || got[0].Tenant != Acme {
		t.Errorf("acme's reviews of c-1: %+v", got)
	}
	// A review naming acme cannot reach shopfast's c-2.
	r.InteractionID = "c-2"
	if err := s.AddReview(t.Context(), r); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("acme reviewing shopfast's c-2: error %v, want store.ErrNotFound", err)
	}

	wantQueue(t, s, store.QueueFilter{Filter: shop}, 2, "shopfast/c-2 critical open 0", "shopfast/c-1 critical open 0")
	wantQueue(t, s, store.QueueFilter{Filter: acme}, 1, "acme-express/c-1 critical done 1")
	wantQueue(t, s, store.QueueFilter{Filter: shop, Status: store.ReviewDone}, 0)
	wantTrend(t, s, store.TrendFilter{Filter: acme}, "2026-03-02 1/1/0 results=1 passed=0 critical=1 avg=40.000")
	wantTrend(t, s, store.TrendFilter{Filter: shop, Team: "east"}, "2026-03-02 2/2/0 results=2 passed=0 critical=2 avg=25.000")
	for _, e := range coaching(t, s, store.CoachingFilter{Filter: acme, Item: "empathy", Verdict: schemas.Fail}) {
		if e.Tenant != Acme {
			t.Errorf("acme's coaching shows %s/%s", e.Tenant, e.InteractionID)
		}
	}
	if got := coaching(t, s, store.CoachingFilter{Filter: shop, Item: "empathy", Verdict: schemas.Fail}); len(got) != 2 {
		t.Errorf("shopfast's coaching: %d examples, want 2", len(got))
	}
	wantAgent(t, s, acme, "a1", "2026-03-02 0/0/0 results=1 passed=0 critical=1 avg=40.000", "logistics-zh/empathy=1")
	wantAgent(t, s, store.Filter{Tenants: []string{Other}}, "a1", "", "")
}

func testConsoleCanceled(t *testing.T, s store.Store) {
	queueFixtures(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(name string, err error) {
		if err == nil || errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s with a canceled context: error %v, want one worth retrying", name, err)
		}
	}
	_, _, err := s.Queue(ctx, store.QueueFilter{})
	check("Queue", err)
	check("AddReview", s.AddReview(ctx, review("greeting", false, received)))
	_, err = s.Reviews(ctx, store.Filter{}, "q1")
	check("Reviews", err)
	_, err = s.Trend(ctx, store.TrendFilter{})
	check("Trend", err)
	_, err = s.Coaching(ctx, store.CoachingFilter{Item: "greeting", Verdict: schemas.Pass})
	check("Coaching", err)
	_, err = s.Agent(ctx, store.Filter{}, "a1")
	check("Agent", err)
	_, err = s.Transcript(ctx, store.Filter{}, Acme, "q1")
	check("Transcript", err)
	_, err = s.Agreement(ctx, store.Filter{})
	check("Agreement", err)
	if got := reviews(t, s, store.Filter{}, "q1"); len(got) != 0 {
		t.Errorf("a review added with a canceled context was stored: %+v", got)
	}
}
