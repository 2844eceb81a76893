//go:build cgo

package duckdb

import (
	"errors"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

func openT(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openT(t, "") })
}

func TestConformanceFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openT(t, filepath.Join(t.TempDir(), "zhijian.duckdb"))
	})
}

func TestDataSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhijian.duckdb")
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	s := openT(t, path)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	batch := []store.Outcome{storetest.RealisticOutcome(storetest.Acme, 1, at), storetest.RealisticOutcome(storetest.Shopfast, 2, at)}
	if err := s.Write(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	before, err := s.Summary(t.Context(), store.Filter{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openT(t, path)
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate on reopen: %v", err)
	}
	after, err := s.Summary(t.Context(), store.Filter{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if before.Received != 2 || before.Results != 2 || len(before.TopFailing) == 0 {
		t.Fatalf("before close: %+v", before)
	}
	if after.Received != before.Received || after.Results != before.Results || after.AvgScore != before.AvgScore ||
		len(after.TopFailing) != len(before.TopFailing) || after.TopFailing[0] != before.TopFailing[0] {
		t.Errorf("after reopen\n got %+v\nwant %+v", after, before)
	}
	rs, err := s.Results(t.Context(), store.Filter{Tenants: []string{storetest.Shopfast}}, batch[1].InteractionID)
	if err != nil || len(rs) != 1 || len(rs[0].Findings) != 38 {
		t.Errorf("Results after reopen: %d results, err %v", len(rs), err)
	}
}

func TestMigrationsRecorded(t *testing.T) {
	s := openT(t, "")
	defer s.Close()
	for range 2 {
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	var name string
	err := s.db.QueryRowContext(t.Context(), `SELECT count(*), string_agg(name, ' ' ORDER BY version) FROM schema_migrations WHERE applied_at IS NOT NULL`).Scan(&n, &name)
	if err != nil || n != 4 || name != "init console transcripts failed_counts" {
		t.Errorf("schema_migrations: %d rows, names %q, err %v; want 4 rows, init console transcripts failed_counts", n, name, err)
	}
}

// TestFailedCountsFollowResults checks that the failed_counts rollup
// equals the failed items of the stored results after new results,
// re-deliveries that replace them (in batches with new ones, and alone),
// late deliveries that do not, and a re-delivery moving a result's day.
func TestFailedCountsFollowResults(t *testing.T) {
	s := openT(t, "")
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	const n = 300
	var batch []store.Outcome
	for i := range n {
		o, _ := storetest.BenchOutcome(i, n, at)
		batch = append(batch, o)
	}
	write := func(b []store.Outcome) {
		t.Helper()
		if err := s.Write(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	write(batch[:100])
	// New results with re-deliveries of earlier ones, some of them now
	// scored otherwise (another interaction's findings and day).
	again := append([]store.Outcome{}, batch[100:200]...)
	for i := 0; i < 100; i += 7 {
		o, _ := storetest.BenchOutcome(i+150, n, at.Add(time.Hour))
		o.InteractionID, o.Results[0].InteractionID, o.Tenant, o.Results[0].Tenant = batch[i].InteractionID, batch[i].InteractionID, batch[i].Tenant, batch[i].Tenant
		again = append(again, o)
	}
	write(again)
	// Late deliveries (ignored) and a batch of re-deliveries alone.
	var late []store.Outcome
	for i := 0; i < 200; i += 11 {
		o, _ := storetest.BenchOutcome(i, n, at.Add(-time.Hour))
		late = append(late, o)
	}
	write(late)
	var only []store.Outcome
	for i := 100; i < 200; i += 3 {
		o, _ := storetest.BenchOutcome(i, n, at.Add(2*time.Hour))
		only = append(only, o)
	}
	write(only)
	write(batch[200:])
	var diff, total int
	err := s.db.QueryRowContext(t.Context(), `WITH want AS (
			SELECT tenant, day, scorecard, item, count(*) AS n
			FROM (SELECT tenant, day, scorecard, unnest(failed_items) AS item FROM results) GROUP BY ALL),
		got AS (SELECT tenant, day, scorecard, item, failures AS n FROM failed_counts WHERE failures <> 0)
		SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM got)) +
			(SELECT count(*) FROM (SELECT * FROM got EXCEPT SELECT * FROM want)), (SELECT sum(n) FROM want)`).Scan(&diff, &total)
	if err != nil {
		t.Fatal(err)
	}
	if diff != 0 || total == 0 {
		t.Errorf("failed_counts differs from the results' failed items in %d rows (%d failures stored)", diff, total)
	}
}

func TestWriteBeforeMigrateFails(t *testing.T) {
	s := openT(t, "")
	defer s.Close()
	err := s.Write(t.Context(), []store.Outcome{storetest.RealisticOutcome(storetest.Acme, 1, time.Now())})
	if err == nil || !strings.Contains(err.Error(), "duckdb: write") {
		t.Errorf("Write before Migrate: %v", err)
	}
}

func TestClosedStore(t *testing.T) {
	s := openT(t, "")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Write(t.Context(), []store.Outcome{storetest.RealisticOutcome(storetest.Acme, 1, time.Now())}); err == nil {
		t.Error("Write after Close returned nil")
	}
	if _, err := s.Coverage(t.Context(), store.Filter{}); err == nil {
		t.Error("Coverage after Close returned nil")
	}
}

// Dashboards read the flat columns: check they hold what the JSON holds.
func TestFlatColumns(t *testing.T) {
	s := openT(t, "")
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	o := storetest.RealisticOutcome(storetest.Acme, 3, time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	if err := s.Write(t.Context(), []store.Outcome{o}); err != nil {
		t.Fatal(err)
	}
	r := o.Results[0]
	var (
		day, started          time.Time
		score                 float64
		team, coverage        string
		duration, nFindings   int64
		nFailed, nFlagReasons int64
	)
	err := s.db.QueryRowContext(t.Context(), `SELECT r.day, r.started_at, r.score, r.team, r.coverage, r.duration_ms,
		len(r.flag_reasons), (SELECT count(*) FROM findings), (SELECT count(*) FROM findings WHERE verdict = 'fail')
		FROM results r`).Scan(&day, &started, &score, &team, &coverage, &duration, &nFlagReasons, &nFindings, &nFailed)
	if err != nil {
		t.Fatal(err)
	}
	var wantFailed int64
	for _, f := range r.Findings {
		if f.Verdict == "fail" {
			wantFailed++
		}
	}
	if !day.Equal(store.DayOf(r.StartedAt)) || !started.Equal(r.StartedAt) || score != r.Score || team != r.Team ||
		coverage != r.Coverage || duration != r.Metrics.DurationMS || nFlagReasons != int64(len(r.FlagReasons)) ||
		nFindings != 38 || nFailed != wantFailed {
		t.Errorf("flat columns: day %v started %v score %v team %s coverage %s duration %d flags %d findings %d failed %d; result %+v",
			day, started, score, team, coverage, duration, nFlagReasons, nFindings, nFailed, r)
	}
}

func TestOpenFailsOnBadPath(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "missing", "dir", "zhijian.duckdb"))
	if err == nil {
		s.Close()
		t.Fatal("Open of a file in a missing directory returned nil")
	}
	if !strings.Contains(err.Error(), "duckdb: open") {
		t.Errorf("error %q lacks context", err)
	}
}

func TestOpenPathWithQuote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o'brien; DROP TABLE x.duckdb")
	s := openT(t, path)
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(t.Context(), []store.Outcome{storetest.RealisticOutcome(storetest.Acme, 1, time.Now())}); err != nil {
		t.Fatal(err)
	}
}

func TestUnencodableResultIsInvalid(t *testing.T) {
	s := openT(t, "")
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	o := storetest.RealisticOutcome(storetest.Acme, 1, time.Now())
	o.Results[0].Score = math.NaN()
	err := s.Write(t.Context(), []store.Outcome{storetest.RealisticOutcome(storetest.Acme, 2, time.Now()), o})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Write of a NaN score: %v, want store.ErrInvalid", err)
	}
	if sum, err := s.Summary(t.Context(), store.Filter{}, 0); err != nil || sum.Received != 0 {
		t.Errorf("after a rejected batch: %+v, %v; want nothing stored", sum, err)
	}
}

// TestConsoleMigrationBackfills checks that migration 0002 gives results
// stored before it their worst failed severity and failed items.
func TestConsoleMigrationBackfills(t *testing.T) {
	ctx := t.Context()
	s := openT(t, "")
	defer s.Close()
	init, err := fs.ReadFile(schemas.SQL(), "duckdb/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{"duckdb/0001_init.sql": {Data: init}}
	if err := store.ApplyMigrations(ctx, old, dialect, migrator{s.db}); err != nil {
		t.Fatal(err)
	}
	// Rows as the writer of 0001 stored them: c1 failed greeting (minor)
	// and verify_identity (critical), in that order; c2 failed nothing.
	for _, q := range []string{
		`INSERT INTO items VALUES (1, 'qa', '1', 'verify_identity', 's', 'rule', 'critical'),
			(2, 'qa', '1', 'greeting', 's', 'rule', 'minor'), (3, 'qa', '1', 'apology', 's', 'rule', 'major')`,
		`INSERT INTO results SELECT i, 'acme', 'c' || i, 'qa', '1', DATE '2026-03-02', TIMESTAMP '2026-03-04 10:00:00',
			'voice', 'zh-CN', 'claims', 'a1', 'east', TIMESTAMP '2026-03-02 01:00:00' + i * INTERVAL 1 HOUR,
			TIMESTAMP '2026-03-02 02:00:00', 50, false, i = 1, true, ['below_pass_mark'], 'full', [], [], 0, '0.4.0', ''::BLOB
			FROM range(1, 3) AS r(i)`,
		`INSERT INTO finding_rows VALUES (1, 2, 'fail', 0, 2, 1), (1, 3, 'pass', 3, 3, 1), (1, 1, 'fail', 0, 5, 1),
			(2, 3, 'pass', 3, 3, 1), (2, 1, 'na', 0, 5, 1)`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	es, total, err := s.Queue(ctx, store.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(es) != 2 {
		t.Fatalf("Queue after migrating: %d of %d entries, want 2", len(es), total)
	}
	if e := es[0]; e.InteractionID != "c1" || e.Severity != "critical" || strings.Join(e.FailedItems, " ") != "greeting verify_identity" {
		t.Errorf("c1 after migrating: severity %q, failed items %q; want critical, [greeting verify_identity]", e.Severity, e.FailedItems)
	}
	if e := es[1]; e.InteractionID != "c2" || e.Severity != "" || e.FailedItems == nil || len(e.FailedItems) != 0 {
		t.Errorf("c2 after migrating: severity %q, failed items %q; want none", e.Severity, e.FailedItems)
	}
}
