package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// Run runs the conformance suite. open must return a new, empty store for
// each subtest; Run migrates it and closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"MigrateTwiceIsNoOp", testMigrateTwice},
		{"ResultsRoundTrip", testRoundTrip},
		{"SameOutcomeTwiceInOneBatchCountsOnce", testSameBatchTwice},
		{"SameOutcomeInSeparateBatchesCountsOnce", testSeparateBatchesTwice},
		{"LaterDeliveryReplacesOutcome", testLaterDeliveryWins},
		{"EarlierDeliveryIsIgnored", testEarlierDeliveryIgnored},
		{"LaterResultReplacesResultAndFindings", testLaterResultReplaces},
		{"ScorecardVersionsKeptApart", testVersionsKeptApart},
		{"FailedOutcomesCountAsReceived", testFailedCounts},
		{"CoveragePerTenantAndDay", testCoverageFilters},
		{"TenantIsolation", testTenantIsolation},
		{"SummaryAggregates", testSummary},
		{"ConcurrentWrites", testConcurrentWrites},
		{"EmptyBatch", testEmptyBatch},
		{"CanceledContext", testCanceledContext},
		{"InvalidInputRejected", testInvalidInput},
	}
	tests = append(tests, consoleTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			tt.fn(t, s)
		})
	}
}

func testMigrateTwice(t *testing.T, s store.Store) {
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	write(t, s, outcome(Acme, "call-0001", day1, received, scored(Acme, "call-0001", Logistics, "2026.03", 90)))
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate after a write: %v", err)
	}
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 1/1/0/0")
	if got := results(t, s, store.Filter{}, "call-0001"); len(got) != 1 {
		t.Errorf("after migrating again, Results returned %d results, want 1", len(got))
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	a := fullResult(Acme, "call-0001", Logistics, "2026.03")
	b := fullResult(Acme, "call-0001", "compliance-zh", "2026.01")
	b.Score, b.Passed, b.AutoFailed, b.Flagged = 100, true, false, false
	b.FlagReasons, b.Coverage = []string{}, schemas.CoverageFull
	b.Language, b.Queue, b.AgentID, b.Team = "", "", "", ""
	b.Scenarios, b.Risks, b.Sentiment, b.Metrics = nil, nil, nil, nil
	b.TranscriptSource, b.EngineVersion = "", ""
	b.Scorers = map[string]schemas.ScorerStatus{"rules": {Status: schemas.ScorerOK}}
	b.Findings = b.Findings[:1]
	b.StartedAt = b.StartedAt.Add(789 * time.Millisecond)
	write(t, s, outcome(Acme, "call-0001", day1, received, a, b))

	for _, f := range []store.Filter{{}, {Tenants: []string{Acme}}, {Tenants: []string{Shopfast, Acme}, From: day1, To: day1}} {
		got := results(t, s, f, "call-0001")
		if len(got) != 2 {
			t.Fatalf("Results(%+v) returned %d results, want 2", f, len(got))
		}
		sameResult(t, got[0], b) // compliance-zh sorts before logistics-zh
		sameResult(t, got[1], a)
	}
	if got := results(t, s, store.Filter{Tenants: []string{Acme}}, "call-9999"); len(got) != 0 {
		t.Errorf("Results of an unknown interaction returned %d results", len(got))
	}
}

func testSameBatchTwice(t *testing.T, s store.Store) {
	o := outcome(Acme, "call-0001", day1, received, scored(Acme, "call-0001", Logistics, "2026.03", 70,
		check{"greeting", schemas.Fail}, check{"apology", schemas.Pass}))
	write(t, s, o, o)
	wantCountedOnce(t, s)
}

func testSeparateBatchesTwice(t *testing.T, s store.Store) {
	o := outcome(Acme, "call-0001", day1, received, scored(Acme, "call-0001", Logistics, "2026.03", 70,
		check{"greeting", schemas.Fail}, check{"apology", schemas.Pass}))
	write(t, s, o)
	write(t, s, o)
	wantCountedOnce(t, s)
}

func wantCountedOnce(t *testing.T, s store.Store) {
	t.Helper()
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 1/1/0/0")
	wantSummary(t, s, store.Filter{}, 10, "received=1 full=1 partial=0 failed=0 results=1 flagged=1 passed=0 avg=70.000 top=[logistics-zh/greeting=1]")
	if got := results(t, s, store.Filter{}, "call-0001"); len(got) != 1 {
		t.Errorf("Results returned %d results, want 1", len(got))
	}
}

func testLaterDeliveryWins(t *testing.T, s store.Store) {
	failed := outcome(Acme, "call-0001", day1, received)
	full := outcome(Acme, "call-0001", day1, received.Add(time.Minute), scored(Acme, "call-0001", Logistics, "2026.03", 85))
	write(t, s, failed)
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 1/0/0/1")
	write(t, s, full)
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 1/1/0/0")
	wantSummary(t, s, store.Filter{}, 10, "received=1 full=1 partial=0 failed=0 results=1 flagged=0 passed=1 avg=85.000 top=[]")

	// In one batch, the latest ReceivedAt wins whatever the order.
	p := scored(Acme, "call-0002", Logistics, "2026.03", 75, check{"empathy", schemas.NotEvaluated})
	partial := outcome(Acme, "call-0002", day1, received.Add(2*time.Minute), p)
	write(t, s, partial, outcome(Acme, "call-0002", day1, received))
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 2/1/1/0")
}

func testEarlierDeliveryIgnored(t *testing.T, s store.Store) {
	late := scored(Acme, "call-0001", Logistics, "2026.03", 85, check{"greeting", schemas.Pass})
	write(t, s, outcome(Acme, "call-0001", day1, received.Add(time.Hour), late))
	write(t, s, outcome(Acme, "call-0001", day1, received))
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 1/1/0/0")

	early := scored(Acme, "call-0001", Logistics, "2026.03", 40, check{"greeting", schemas.Fail})
	write(t, s, outcome(Acme, "call-0001", day1, received, early))
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 1/1/0/0")
	wantSummary(t, s, store.Filter{}, 10, "received=1 full=1 partial=0 failed=0 results=1 flagged=0 passed=1 avg=85.000 top=[]")
	got := results(t, s, store.Filter{}, "call-0001")
	if len(got) != 1 {
		t.Fatalf("Results returned %d results, want 1", len(got))
	}
	sameResult(t, got[0], late)
}

func testLaterResultReplaces(t *testing.T, s store.Store) {
	first := scored(Acme, "call-0001", Logistics, "2026.03", 60,
		check{"greeting", schemas.Fail}, check{"verify_identity", schemas.Fail}, check{"apology", schemas.Pass})
	write(t, s, outcome(Acme, "call-0001", day1, received, first))
	wantSummary(t, s, store.Filter{}, 10, "received=1 full=1 partial=0 failed=0 results=1 flagged=1 passed=0 avg=60.000 top=[logistics-zh/greeting=1 logistics-zh/verify_identity=1]")

	rescored := scored(Acme, "call-0001", Logistics, "2026.03", 90,
		check{"greeting", schemas.Pass}, check{"apology", schemas.Fail})
	write(t, s, outcome(Acme, "call-0001", day1, received.Add(time.Minute), rescored))
	wantSummary(t, s, store.Filter{}, 10, "received=1 full=1 partial=0 failed=0 results=1 flagged=0 passed=1 avg=90.000 top=[logistics-zh/apology=1]")
	got := results(t, s, store.Filter{}, "call-0001")
	if len(got) != 1 {
		t.Fatalf("Results returned %d results, want 1", len(got))
	}
	sameResult(t, got[0], rescored)
}

func testVersionsKeptApart(t *testing.T, s store.Store) {
	v2 := scored(Acme, "call-0001", Logistics, "2026.02", 70, check{"greeting", schemas.Fail})
	v3 := scored(Acme, "call-0001", Logistics, "2026.03", 85, check{"greeting", schemas.Fail})
	en := scored(Acme, "call-0001", Ecommerce, "7", 95) // sorts by scorecard first
	write(t, s, outcome(Acme, "call-0001", day1, received, v3, en, v2))
	wantSummary(t, s, store.Filter{}, 10, "received=1 full=1 partial=0 failed=0 results=3 flagged=1 passed=2 avg=83.333 top=[logistics-zh/greeting=2]")
	got := results(t, s, store.Filter{}, "call-0001")
	if len(got) != 3 {
		t.Fatalf("Results returned %d results, want 3", len(got))
	}
	sameResult(t, got[0], en)
	sameResult(t, got[1], v2)
	sameResult(t, got[2], v3)

	// A later delivery of one version replaces that version only.
	v3b := scored(Acme, "call-0001", Logistics, "2026.03", 95, check{"greeting", schemas.Pass})
	write(t, s, outcome(Acme, "call-0001", day1, received.Add(time.Minute), v3b))
	got = results(t, s, store.Filter{}, "call-0001")
	if len(got) != 3 {
		t.Fatalf("after rescoring 2026.03, Results returned %d results, want 3", len(got))
	}
	sameResult(t, got[1], v2)
	sameResult(t, got[2], v3b)
	wantSummary(t, s, store.Filter{}, 10, "received=1 full=1 partial=0 failed=0 results=3 flagged=1 passed=2 avg=86.667 top=[logistics-zh/greeting=1]")
}

func testFailedCounts(t *testing.T, s store.Store) {
	failed := outcome(Acme, "call-0002", day1, received)
	if failed.Reason == "" || len(failed.Results) != 0 {
		t.Fatal("fixture: a failed outcome has a reason and no results")
	}
	write(t, s,
		outcome(Acme, "call-0001", day1, received, scored(Acme, "call-0001", Logistics, "2026.03", 80)),
		failed,
		outcome(Acme, "call-0003", day1, received, scored(Acme, "call-0003", Logistics, "2026.03", 50, check{"empathy", schemas.NotEvaluated})),
	)
	wantCoverage(t, s, store.Filter{}, "acme-express 2026-03-02 3/1/1/1")
	wantSummary(t, s, store.Filter{}, 10, "received=3 full=1 partial=1 failed=1 results=2 flagged=1 passed=1 avg=65.000 top=[]")
	if got := results(t, s, store.Filter{}, "call-0002"); len(got) != 0 {
		t.Errorf("Results of a failed interaction returned %d results", len(got))
	}
}

func testCoverageFilters(t *testing.T, s store.Store) {
	r := func(tenant, id string, cov string) *schemas.Result {
		sc := Logistics
		if tenant == Shopfast {
			sc = Ecommerce
		}
		x := scored(tenant, id, sc, "1", 80)
		x.Coverage = cov
		return x
	}
	write(t, s,
		outcome(Acme, "a1", day1, received, r(Acme, "a1", schemas.CoverageFull)),
		outcome(Acme, "a2", day1, received, r(Acme, "a2", schemas.CoveragePartial)),
		outcome(Acme, "a3", day1, received),
		outcome(Acme, "a4", day2, received, r(Acme, "a4", schemas.CoverageFull)),
		outcome(Shopfast, "s1", day1, received),
		outcome(Shopfast, "s2", day3, received, r(Shopfast, "s2", schemas.CoveragePartial)),
	)
	write(t, s, outcome(Acme, "a5", day2, received, r(Acme, "a5", schemas.CoverageFull)))

	wantCoverage(t, s, store.Filter{},
		"acme-express 2026-03-02 3/1/1/1", "acme-express 2026-03-03 2/2/0/0",
		"shopfast 2026-03-02 1/0/0/1", "shopfast 2026-03-04 1/0/1/0")
	wantCoverage(t, s, store.Filter{Tenants: []string{Shopfast}},
		"shopfast 2026-03-02 1/0/0/1", "shopfast 2026-03-04 1/0/1/0")
	wantCoverage(t, s, store.Filter{Tenants: []string{Shopfast, Acme}, From: day2},
		"acme-express 2026-03-03 2/2/0/0", "shopfast 2026-03-04 1/0/1/0")
	wantCoverage(t, s, store.Filter{To: day1},
		"acme-express 2026-03-02 3/1/1/1", "shopfast 2026-03-02 1/0/0/1")
	wantCoverage(t, s, store.Filter{From: day2, To: day2}, "acme-express 2026-03-03 2/2/0/0")
	wantCoverage(t, s, store.Filter{Tenants: []string{Other}})
	wantCoverage(t, s, store.Filter{From: day3.AddDate(0, 0, 1)})
	wantSummary(t, s, store.Filter{Tenants: []string{Acme}}, 10, "received=5 full=3 partial=1 failed=1 results=4 flagged=0 passed=4 avg=80.000 top=[]")
	wantSummary(t, s, store.Filter{From: day1, To: day1}, 10, "received=4 full=1 partial=1 failed=2 results=2 flagged=0 passed=2 avg=80.000 top=[]")
}

func testTenantIsolation(t *testing.T, s store.Store) {
	acme := scored(Acme, "call-0001", Logistics, "2026.03", 60, check{"greeting", schemas.Fail})
	shop := scored(Shopfast, "call-0001", Ecommerce, "2", 90, check{"refund_policy", schemas.Fail}, check{"greeting", schemas.Pass})
	write(t, s,
		outcome(Acme, "call-0001", day1, received, acme),
		outcome(Shopfast, "call-0001", day1, received, shop),
		outcome(Acme, "call-0002", day1, received, scored(Acme, "call-0002", Logistics, "2026.03", 70)),
	)
	got := results(t, s, store.Filter{Tenants: []string{Shopfast}}, "call-0001")
	if len(got) != 1 {
		t.Fatalf("Results for shopfast returned %d results, want 1", len(got))
	}
	sameResult(t, got[0], shop)
	for _, tc := range []struct {
		tenants []string
		id      string
	}{{[]string{Other}, "call-0001"}, {[]string{Shopfast}, "call-0002"}, {[]string{Other, Shopfast}, "call-0002"}} {
		if got := results(t, s, store.Filter{Tenants: tc.tenants}, tc.id); len(got) != 0 {
			t.Errorf("Results(%v, %s) returned %d results of another tenant", tc.tenants, tc.id, len(got))
		}
	}
	wantSummary(t, s, store.Filter{Tenants: []string{Shopfast}}, 10, "received=1 full=1 partial=0 failed=0 results=1 flagged=0 passed=1 avg=90.000 top=[ecommerce-en/refund_policy=1]")
	wantSummary(t, s, store.Filter{Tenants: []string{Acme}}, 10, "received=2 full=2 partial=0 failed=0 results=2 flagged=2 passed=0 avg=65.000 top=[logistics-zh/greeting=1]")
	wantSummary(t, s, store.Filter{Tenants: []string{Other}}, 10, "received=0 full=0 partial=0 failed=0 results=0 flagged=0 passed=0 avg=0.000 top=[]")
}

func testSummary(t *testing.T, s store.Store) {
	fail, pass, na, ne := schemas.Fail, schemas.Pass, schemas.NA, schemas.NotEvaluated
	r1 := scored(Acme, "c1", Logistics, "2026.03", 90, check{"greeting", fail}, check{"apology", pass}, check{"hold_notice", na})
	r2 := scored(Acme, "c2", Logistics, "2026.03", 60, check{"greeting", fail}, check{"verify_identity", fail}, check{"apology", fail}, check{"empathy", ne})
	r3 := scored(Acme, "c3", Logistics, "2026.03", 75, check{"greeting", fail}, check{"apology", fail})
	r3.Passed, r3.FlagReasons = true, []string{schemas.FlagCalibrationSample}
	r4 := scored(Acme, "c4", Ecommerce, "1", 40, check{"refund_policy", fail}, check{"courtesy", fail}, check{"greeting", pass})
	r4.AutoFailed, r4.FlagReasons = true, []string{schemas.FlagCriticalFailure, schemas.FlagBelowPassMark}
	r5 := scored(Acme, "c5", Ecommerce, "1", 85, check{"refund_policy", fail}, check{"empathy", ne})
	later := scored(Acme, "c6", Logistics, "2026.03", 10, check{"greeting", fail})
	write(t, s,
		outcome(Acme, "c1", day1, received, r1), outcome(Acme, "c2", day1, received, r2),
		outcome(Acme, "c3", day1, received, r3), outcome(Acme, "c4", day1, received, r4),
		outcome(Acme, "c5", day1, received, r5), outcome(Acme, "c6", day2, received, later),
		outcome(Shopfast, "s1", day1, received, scored(Shopfast, "s1", Ecommerce, "1", 0, check{"refund_policy", fail})),
	)
	f := store.Filter{Tenants: []string{Acme}, To: day1}
	base := "received=5 full=3 partial=2 failed=0 results=5 flagged=3 passed=3 avg=70.000 "
	// Most failures first; ties by scorecard, then item.
	wantSummary(t, s, f, 10, base+"top=[logistics-zh/greeting=3 ecommerce-en/refund_policy=2 logistics-zh/apology=2 ecommerce-en/courtesy=1 logistics-zh/verify_identity=1]")
	wantSummary(t, s, f, 3, base+"top=[logistics-zh/greeting=3 ecommerce-en/refund_policy=2 logistics-zh/apology=2]")
	wantSummary(t, s, f, 1, base+"top=[logistics-zh/greeting=3]")
	wantSummary(t, s, f, 0, base+"top=[]")
	wantSummary(t, s, store.Filter{}, 2, "received=7 full=5 partial=2 failed=0 results=7 flagged=5 passed=3 avg=51.429 top=[logistics-zh/greeting=4 ecommerce-en/refund_policy=3]")
}

func testConcurrentWrites(t *testing.T, s store.Store) {
	const writers, batches, size = 6, 5, 20
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				batch := []store.Outcome{RealisticOutcome(Acme, 1_000_000, received)} // written by everyone
				for i := range size {
					batch = append(batch, RealisticOutcome(Acme, (w*batches+b)*size+i, received))
				}
				if err := s.Write(t.Context(), batch); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Write: %v", err)
	}
	sum := summary(t, s, store.Filter{}, 1)
	if want := int64(writers*batches*size + 1); sum.Received != want || sum.Results != want {
		t.Errorf("after concurrent writes, received %d and results %d, want %d of each", sum.Received, sum.Results, want)
	}
	if got := results(t, s, store.Filter{Tenants: []string{Acme}}, "call-01000000"); len(got) != 1 {
		t.Errorf("the outcome every writer wrote has %d results, want 1", len(got))
	}
}

func testEmptyBatch(t *testing.T, s store.Store) {
	for _, b := range [][]store.Outcome{nil, {}} {
		if err := s.Write(t.Context(), b); err != nil {
			t.Errorf("Write(%#v): %v", b, err)
		}
	}
	wantCoverage(t, s, store.Filter{})
	wantSummary(t, s, store.Filter{}, 5, "received=0 full=0 partial=0 failed=0 results=0 flagged=0 passed=0 avg=0.000 top=[]")
}

func testCanceledContext(t *testing.T, s store.Store) {
	write(t, s, RealisticOutcome(Acme, 1, received))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Write(ctx, []store.Outcome{RealisticOutcome(Acme, 2, received)}); err == nil || errors.Is(err, store.ErrInvalid) {
		t.Errorf("Write with a canceled context: error %v, want one worth retrying (not store.ErrInvalid)", err)
	}
	if _, err := s.Coverage(ctx, store.Filter{}); err == nil {
		t.Error("Coverage with a canceled context returned nil")
	}
	if _, err := s.Summary(ctx, store.Filter{}, 5); err == nil {
		t.Error("Summary with a canceled context returned nil")
	}
	if _, err := s.Results(ctx, store.Filter{}, "call-00000001"); err == nil {
		t.Error("Results with a canceled context returned nil")
	}
	// The store still works.
	write(t, s, RealisticOutcome(Acme, 3, received))
	if got := summary(t, s, store.Filter{}, 0); got.Received < 2 {
		t.Errorf("after canceled calls, received %d, want at least 2", got.Received)
	}
}

func testInvalidInput(t *testing.T, s store.Store) {
	good := func() store.Outcome { return RealisticOutcome(Acme, 7, received) }
	bad := map[string]func(o *store.Outcome){
		"no tenant":         func(o *store.Outcome) { o.Tenant = "" },
		"no interaction id": func(o *store.Outcome) { o.InteractionID = "" },
		"unknown status":    func(o *store.Outcome) { o.Status = "done" },
		"nil result":        func(o *store.Outcome) { o.Results = append(o.Results, nil) },
		"no scorecard":      func(o *store.Outcome) { o.Results[0].Scorecard = "" },
		"other tenant":      func(o *store.Outcome) { o.Results[0].Tenant = Shopfast },
		"other interaction": func(o *store.Outcome) { o.Results[0].InteractionID = "call-x" },
		"unknown verdict":   func(o *store.Outcome) { o.Results[0].Findings[3].Verdict = "maybe" },
	}
	for name, breakIt := range bad {
		o := good()
		breakIt(&o)
		err := s.Write(t.Context(), []store.Outcome{RealisticOutcome(Acme, 1, received), o})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Write of an outcome with %s: error %v, want store.ErrInvalid", name, err)
		}
	}
	wantCoverage(t, s, store.Filter{}) // nothing of a rejected batch is stored
}

// write writes one batch or fails the test.
func write(t *testing.T, s store.Store, batch ...store.Outcome) {
	t.Helper()
	if err := s.Write(t.Context(), batch); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func results(t *testing.T, s store.Store, f store.Filter, id string) []*schemas.Result {
	t.Helper()
	rs, err := s.Results(t.Context(), f, id)
	if err != nil {
		t.Fatalf("Results(%+v, %s): %v", f, id, err)
	}
	return rs
}

func summary(t *testing.T, s store.Store, f store.Filter, limit int) store.Summary {
	t.Helper()
	sum, err := s.Summary(t.Context(), f, limit)
	if err != nil {
		t.Fatalf("Summary(%+v, %d): %v", f, limit, err)
	}
	return sum
}

// wantCoverage compares Coverage with rows "tenant day received/full/partial/failed".
func wantCoverage(t *testing.T, s store.Store, f store.Filter, want ...string) {
	t.Helper()
	cs, err := s.Coverage(t.Context(), f)
	if err != nil {
		t.Fatalf("Coverage(%+v): %v", f, err)
	}
	var got []string
	for _, c := range cs {
		if y, m, d := c.Day.Date(); !c.Day.Equal(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("Coverage day %v is not midnight UTC (store.DayOf)", c.Day)
		}
		got = append(got, fmt.Sprintf("%s %s %d/%d/%d/%d", c.Tenant, c.Day.UTC().Format(time.DateOnly), c.Received, c.Full, c.Partial, c.Failed))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Coverage(%+v)\n got: %q\nwant: %q", f, got, want)
	}
}

func wantSummary(t *testing.T, s store.Store, f store.Filter, limit int, want string) {
	t.Helper()
	sum := summary(t, s, f, limit)
	top := make([]string, len(sum.TopFailing))
	for i, c := range sum.TopFailing {
		top[i] = fmt.Sprintf("%s/%s=%d", c.Scorecard, c.Item, c.Failures)
	}
	got := fmt.Sprintf("received=%d full=%d partial=%d failed=%d results=%d flagged=%d passed=%d avg=%.3f top=[%s]",
		sum.Received, sum.Full, sum.Partial, sum.Failed, sum.Results, sum.Flagged, sum.Passed, sum.AvgScore, strings.Join(top, " "))
	if got != want {
		t.Errorf("Summary(%+v, %d)\n got: %s\nwant: %s", f, limit, got, want)
	}
}

// sameResult compares JSON encodings, with times in UTC to the millisecond.
func sameResult(t *testing.T, got, want *schemas.Result) {
	t.Helper()
	g, w := encode(t, got), encode(t, want)
	if g != w {
		t.Errorf("result %s/%s %s differs\n got: %s\nwant: %s", want.Tenant, want.InteractionID, want.Scorecard, g, w)
	}
}

func encode(t *testing.T, r *schemas.Result) string {
	t.Helper()
	if r == nil {
		return "null"
	}
	c := *r
	c.StartedAt = c.StartedAt.UTC().Truncate(time.Millisecond)
	c.ProcessedAt = c.ProcessedAt.UTC().Truncate(time.Millisecond)
	b, err := json.Marshal(&c)
	if err != nil {
		t.Fatalf("encode result: %v", err)
	}
	return string(b)
}
