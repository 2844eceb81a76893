package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

func TestConformance(t *testing.T) {
	serverURL(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), freshURL(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		url, db, err string
	}{
		{url: "clickhouse://default@127.0.0.1:9000/qa", db: "qa"},
		{url: "clickhouse://u:secret@127.0.0.1:9000", db: DefaultDatabase},
		{url: "tcp://127.0.0.1:9000/qa_2026?dial_timeout=5s", db: "qa_2026"},
		{url: "http://127.0.0.1:8123/qa", err: `scheme "http" is not clickhouse://`},
		{url: "clickhouse://127.0.0.1:9000/qa;drop", err: `database "qa;drop" must match`},
		{url: "clickhouse://u:secret@127.0.0.1:9000/a`b", err: "must match"},
		{url: "clickhouse://u:secret@127.0.0.1:9000/qa?dial_timeout=soon", err: "dial timeout"},
		{url: "clickhouse://u:secret@[::1", err: "missing ']' in host"},
	}
	for _, tt := range tests {
		_, db, err := parseURL(tt.url)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("parseURL(%q): %v", tt.url, err)
		case tt.err == "" && db != tt.db:
			t.Errorf("parseURL(%q) database = %q, want %q", tt.url, db, tt.db)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("parseURL(%q) error = %v, want one containing %q", tt.url, err, tt.err)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("parseURL(%q) error shows the password: %v", tt.url, err)
		}
	}
}

func TestOpenFailsWhenServerIsDown(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there.
	if s, err := Open(ctx, "clickhouse://127.0.0.1:1/qa?dial_timeout=1s"); err == nil {
		s.Close()
		t.Fatal("Open of a server that is down returned nil")
	}
}

// TestReadsAgreeWithMerges checks that forcing every merge (OPTIMIZE …
// FINAL) changes no answer: reads pick the same row of each key as the
// engine keeps, and findings of replaced results stay uncounted.
func TestReadsAgreeWithMerges(t *testing.T) {
	s := openFresh(t)
	ctx := t.Context()
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	res := func(id string, score float64, verdicts ...schemas.Verdict) *schemas.Result {
		r := &schemas.Result{InteractionID: id, Tenant: "acme", Scorecard: "qa", ScorecardVersion: "1",
			Score: score, Coverage: schemas.CoverageFull, ProcessedAt: at}
		for i, v := range verdicts {
			r.Findings = append(r.Findings, schemas.Finding{Item: "item" + string(rune('a'+i)), Verdict: v})
		}
		return r
	}
	out := func(id string, received time.Time, rs ...*schemas.Result) store.Outcome {
		st := store.Full
		if len(rs) == 0 {
			st = store.Failed
		}
		return store.Outcome{Tenant: "acme", InteractionID: id, Day: day, Status: st, ReceivedAt: received, Results: rs}
	}
	fail, pass := schemas.Fail, schemas.Pass
	writes := [][]store.Outcome{
		// c1: rescored later with one item fewer; the old itemc failure must vanish.
		{out("c1", at, res("c1", 10, fail, fail, fail))},
		{out("c1", at.Add(time.Minute), res("c1", 90, pass, fail))},
		// c2: a late, earlier delivery is ignored.
		{out("c2", at.Add(time.Hour), res("c2", 80, pass, pass))},
		{out("c2", at, res("c2", 20, fail, fail))},
		// c3: the same ReceivedAt written twice: the later write wins.
		{out("c3", at, res("c3", 30, fail))},
		{out("c3", at, res("c3", 70, pass))},
		// c4: failed after being scored; the result stays.
		{out("c4", at, res("c4", 50, fail))},
		{out("c4", at.Add(time.Minute))},
	}
	for _, w := range writes {
		if err := s.Write(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	const want = "received=4 full=3 failed=1 results=4 avg=72.50 top=[qa/itema=1 qa/itemb=1]"
	if got := summarize(t, s); got != want {
		t.Fatalf("before merges:\n got: %s\nwant: %s", got, want)
	}
	for _, table := range []string{"outcomes", "results", "findings"} {
		if err := s.conn.Exec(ctx, "OPTIMIZE TABLE "+table+" FINAL"); err != nil {
			t.Fatalf("optimize %s: %v", table, err)
		}
	}
	if got := summarize(t, s); got != want {
		t.Fatalf("after merges:\n got: %s\nwant: %s", got, want)
	}
	rs, err := s.Results(ctx, store.Filter{}, "c3")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Score != 70 {
		t.Errorf("after merges, c3 has results %+v, want the one scored 70", rs)
	}
}

func summarize(t *testing.T, s *Store) string {
	t.Helper()
	sum, err := s.Summary(t.Context(), store.Filter{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var top []string
	for _, c := range sum.TopFailing {
		top = append(top, fmt.Sprintf("%s/%s=%d", c.Scorecard, c.Item, c.Failures))
	}
	return fmt.Sprintf("received=%d full=%d failed=%d results=%d avg=%.2f top=[%s]",
		sum.Received, sum.Full, sum.Failed, sum.Results, sum.AvgScore, strings.Join(top, " "))
}

// TestFilterValuesAreBound checks that tenants and ids reach the server as
// values, whatever characters they hold.
func TestFilterValuesAreBound(t *testing.T) {
	s := openFresh(t)
	ctx := t.Context()
	const tenant, id = `o'brien?\ "x" -- ;`, `id'?`
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	r := &schemas.Result{InteractionID: id, Tenant: tenant, Scorecard: "qa?", ScorecardVersion: "1'", Score: 50,
		Coverage: schemas.CoverageFull, ProcessedAt: at,
		Findings: []schemas.Finding{{Item: "it'em?", Verdict: schemas.Fail}}}
	o := store.Outcome{Tenant: tenant, InteractionID: id, Day: store.DayOf(at), Status: store.Full, ReceivedAt: at, Results: []*schemas.Result{r}}
	if err := s.Write(ctx, []store.Outcome{o}); err != nil {
		t.Fatal(err)
	}
	f := store.Filter{Tenants: []string{"other", tenant}, From: at, To: at}
	cs, err := s.Coverage(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Tenant != tenant || cs[0].Full != 1 {
		t.Errorf("Coverage = %+v, want one full interaction of %q", cs, tenant)
	}
	sum, err := s.Summary(ctx, f, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.TopFailing) != 1 || sum.TopFailing[0].Item != "it'em?" {
		t.Errorf("TopFailing = %+v, want it'em?", sum.TopFailing)
	}
	rs, err := s.Results(ctx, f, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Tenant != tenant {
		t.Errorf("Results = %+v, want the result of %q", rs, tenant)
	}
}

// TestOutOfRangeTimesRejected checks the limits of ClickHouse's Date and
// DateTime: outcomes outside them fail the batch, and nothing is stored.
func TestOutOfRangeTimesRejected(t *testing.T) {
	s := openFresh(t)
	ctx := t.Context()
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	good := store.Outcome{Tenant: "acme", InteractionID: "c1", Day: store.DayOf(at), Status: store.Failed, ReceivedAt: at}
	for name, breakIt := range map[string]func(o *store.Outcome){
		"day before 1970":  func(o *store.Outcome) { o.Day = time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC) },
		"day after 2105":   func(o *store.Outcome) { o.Day = time.Date(2106, 1, 1, 0, 0, 0, 0, time.UTC) },
		"no received time": func(o *store.Outcome) { o.ReceivedAt = time.Time{} },
	} {
		o := good
		breakIt(&o)
		if err := s.Write(ctx, []store.Outcome{good, o}); err == nil {
			t.Errorf("Write of an outcome with %s returned nil", name)
		}
	}
	sum, err := s.Summary(ctx, store.Filter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Received != 0 {
		t.Errorf("rejected batches stored %d outcomes", sum.Received)
	}
	// An unset started_at is stored (as 1970 in the flat column) and read back unchanged.
	r := &schemas.Result{InteractionID: "c2", Tenant: "acme", Scorecard: "qa", Coverage: schemas.CoverageFull}
	o := store.Outcome{Tenant: "acme", InteractionID: "c2", Day: store.DayOf(at), Status: store.Full, ReceivedAt: at, Results: []*schemas.Result{r}}
	if err := s.Write(ctx, []store.Outcome{o}); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Results(ctx, store.Filter{}, "c2")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !rs[0].StartedAt.IsZero() {
		t.Errorf("Results = %+v, want one result with a zero started_at", rs)
	}
}

// TestConsoleMigrationOnOldRows checks that results stored before
// migrations 0002 and 0003 get their worst failed severity and failed items from
// the new columns' defaults, that coaching reads their findings from
// result_json, and that both can be applied again after an interruption
// (18.16 has no ADD COLUMN IF NOT EXISTS).
func TestConsoleMigrationOnOldRows(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, freshURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.createDatabase(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := store.LoadMigrations(schemas.SQL(), dialect)
	if err != nil {
		t.Fatal(err)
	}
	m := migrator{s.conn}
	if _, err := m.Applied(ctx); err != nil { // creates schema_migrations
		t.Fatal(err)
	}
	if err := m.Apply(ctx, all[0]); err != nil {
		t.Fatal(err)
	}
	// Rows as the writer of 0001 stored them, without the new columns.
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	res := func(id string, fs ...schemas.Finding) store.Outcome {
		r := &schemas.Result{InteractionID: id, Tenant: "acme", Scorecard: "qa", ScorecardVersion: "1", Score: 50, Flagged: true,
			FlagReasons: []string{schemas.FlagBelowPassMark}, Coverage: schemas.CoverageFull, ProcessedAt: at, StartedAt: at.Add(-time.Hour), Findings: fs}
		return store.Outcome{Tenant: "acme", InteractionID: id, Day: store.DayOf(at), Status: store.Full, ReceivedAt: at, Results: []*schemas.Result{r}}
	}
	f := func(item, severity string, v schemas.Verdict) schemas.Finding {
		return schemas.Finding{Item: item, Section: "main", Kind: "rule", Verdict: v, MaxPoints: 2, Severity: severity, Confidence: 0.5,
			Evidence: []schemas.Evidence{{Turn: 1, Quote: `"verdict":"fail" 引号`}}, Rationale: `"severity":"critical"`}
	}
	b, err := prepare([]store.Outcome{
		res("c1", f("greeting", schemas.Minor, schemas.Fail), f("apology", schemas.Critical, schemas.Pass),
			f("verify_identity", schemas.Major, schemas.Fail), f("empathy", schemas.Critical, schemas.NA)),
		res("c2", f("greeting", schemas.Minor, schemas.Pass)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range b.tables(1) {
		var cols []column
		for _, c := range tb.columns {
			if !slices.Contains([]string{"severity_rank", "failed_items", "finding_json", "turns"}, c.name) {
				cols = append(cols, c)
			}
		}
		tb.columns = cols
		if err := s.insert(ctx, tb); err != nil {
			t.Fatalf("insert %s: %v", tb.name, err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// As if interrupted before they were recorded: applying 0002 and 0003
	// again works.
	for _, mig := range all[1:] {
		if err := m.Apply(ctx, mig); err != nil {
			t.Fatalf("applying %04d again: %v", mig.Version, err)
		}
	}
	check := func(when string) {
		t.Helper()
		es, total, err := s.Queue(ctx, store.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(es) != 2 {
			t.Fatalf("%s: Queue returned %d of %d entries, want 2", when, len(es), total)
		}
		if e := es[0]; e.InteractionID != "c1" || e.Severity != schemas.Major || strings.Join(e.FailedItems, " ") != "greeting verify_identity" {
			t.Errorf("%s: c1 has severity %q, failed items %q; want major, [greeting verify_identity]", when, e.Severity, e.FailedItems)
		}
		if e := es[1]; e.InteractionID != "c2" || e.Severity != "" || len(e.FailedItems) != 0 {
			t.Errorf("%s: c2 has severity %q, failed items %q; want none", when, e.Severity, e.FailedItems)
		}
	}
	check("before merges")
	if err := s.conn.Exec(ctx, "OPTIMIZE TABLE results FINAL"); err != nil {
		t.Fatal(err)
	}
	check("after merges")
	// A coaching example of an old finding reads it from result_json.
	es, err := s.Coaching(ctx, store.CoachingFilter{Item: "verify_identity", Verdict: schemas.Fail})
	if err != nil {
		t.Fatal(err)
	}
	if want := f("verify_identity", schemas.Major, schemas.Fail); len(es) != 1 || es[0].InteractionID != "c1" ||
		fmt.Sprintf("%+v", es[0].Finding) != fmt.Sprintf("%+v", want) {
		t.Errorf("Coaching of an old finding = %+v, want c1 with %+v", es, want)
	}
}
