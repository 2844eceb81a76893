package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// The console's reads, like the others, take the latest row of every key
// with argMax (see read.go), and filter on the latest row's values: a
// result re-delivered with another agent, say, counts for the new one only.

// latestOf returns "argMax(col, latest) AS alias" for each col/alias pair.
func latestOf(pairs ...string) string {
	cols := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		cols = append(cols, `argMax(`+pairs[i]+`, `+latest+`) AS `+pairs[i+1])
	}
	return strings.Join(cols, ", ")
}

// conds collects conditions and their arguments.
type conds struct {
	list []string
	args []any
}

func (c *conds) add(cond string, args ...any) {
	c.list = append(c.list, cond)
	c.args = append(c.args, args...)
}

// eq adds col = v, unless v is empty.
func (c *conds) eq(col, v string) {
	if v != "" {
		c.add(col+" = ?", v)
	}
}

func (c *conds) where() string { return where(c.list...) }

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func strArgs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// latestResults returns a query of the latest result of every key in f,
// with the key columns, r_day and cols (see latestOf), and its arguments.
// key, when set, holds conditions on key columns only (tenant,
// interaction_id, scorecard, scorecard_version): they pick keys, never
// rows of a key. narrow, when set, is a condition on stored rows that
// picks which keys to read: a key is read, all its rows, when any of its
// rows passes narrow. It saves reading every result without changing which
// row of a key wins; the caller filters on the latest values. Use it for
// selective conditions only (one agent): building the set of keys costs
// more than it saves when it holds most of them.
func latestResults(f store.Filter, cols string, key, narrow *conds) (string, []any) {
	tc, targs := inDays("results", f)
	inner := conds{list: tc, args: targs}
	if key != nil {
		inner.list = append(inner.list, key.list...)
		inner.args = append(inner.args, key.args...)
	}
	if narrow != nil && len(narrow.list) > 0 {
		keys := conds{list: append(append([]string{}, inner.list...), narrow.list...), args: append(append([]any{}, inner.args...), narrow.args...)}
		inner.add(`(tenant, interaction_id, scorecard, scorecard_version) IN (
			SELECT tenant, interaction_id, scorecard, scorecard_version FROM results`+keys.where()+`)`, keys.args...)
	}
	dc, dargs := days(f, "r_day")
	q := `SELECT tenant, interaction_id, scorecard, scorecard_version, argMax(day, ` + latest + `) AS r_day, ` + cols + `
		FROM results` + inner.where() + ` GROUP BY tenant, interaction_id, scorecard, scorecard_version`
	return `SELECT * FROM (` + q + `)` + where(dc...), append(inner.args, dargs...)
}

// reviewCounts returns a query of the review count (rv_n) and whether one
// was done (rv_done) per interaction and scorecard, with key conditions.
func reviewCounts(key conds) (string, []any) {
	return `SELECT tenant, interaction_id, scorecard, count() AS rv_n, max(done) AS rv_done
		FROM reviews` + key.where() + ` GROUP BY tenant, interaction_id, scorecard`, key.args
}

const reviewStatus = `multiIf(rv_done = 1, 'done', rv_n > 0, 'in_review', 'open')`

var queueCols = latestOf("started_at", "r_started", "channel", "r_channel", "queue", "r_queue", "agent_id", "r_agent",
	"team", "r_team", "score", "r_score", "passed", "r_passed", "auto_failed", "r_auto",
	"flag_reasons", "r_reasons", "severity_rank", "r_sev", "failed_items", "r_items")

// queueKey is a result's key.
type queueKey struct{ tenant, id, scorecard, version string }

// Queue returns a page of flagged results for review; see store.Store.
// It finds the page's keys over the columns the filter and the order need,
// then reads the page's results and reviews. Its queries do not share a
// snapshot: a write landing between them can show in some only.
func (s *Store) Queue(ctx context.Context, f store.QueueFilter) ([]store.QueueEntry, int64, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, fmt.Errorf("clickhouse: queue: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("clickhouse: queue: %w", err)
	}
	pairs := []string{"flagged", "r_flagged", "severity_rank", "r_sev", "started_at", "r_started"}
	c := conds{list: []string{"r_flagged = 1"}}
	for _, d := range []struct{ col, alias, v string }{
		{"agent_id", "r_agent", f.Agent}, {"team", "r_team", f.Team}, {"channel", "r_channel", f.Channel}, {"queue", "r_queue", f.Queue},
	} {
		if d.v != "" {
			pairs = append(pairs, d.col, d.alias)
			c.eq(d.alias, d.v)
		}
	}
	if f.Severity != "" {
		c.add("r_sev >= ?", store.SeverityRank(f.Severity))
	}
	if len(f.Items) > 0 {
		pairs = append(pairs, "failed_items", "r_items")
		c.add("hasAny(r_items, ["+placeholders(len(f.Items))+"])", strArgs(f.Items)...)
	}
	narrow := new(conds)
	narrow.eq("agent_id", f.Agent)
	sub, args := latestResults(f.Filter, latestOf(pairs...), nil, narrow)
	q := `SELECT tenant, interaction_id, scorecard, scorecard_version, r_sev, r_started FROM (` + sub + `)`
	if f.Status != "" {
		tc, targs := tenants(f.Filter)
		rv, rvArgs := reviewCounts(conds{list: tc, args: targs})
		q = `SELECT tenant, interaction_id, scorecard, scorecard_version, r_sev, r_started, ` + reviewStatus + ` AS status
			FROM (` + sub + `) ANY LEFT JOIN (` + rv + `) USING (tenant, interaction_id, scorecard)`
		args = append(args, rvArgs...)
		c.add("status = ?", f.Status)
	}
	q += c.where()
	args = append(args, c.args...)

	var total uint64
	if err := s.conn.QueryRow(ctx, `SELECT count() FROM (`+q+`)`, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("clickhouse: queue: count: %w", err)
	}
	if total == 0 || f.Offset >= int(total) {
		return nil, int64(total), nil
	}
	rows, err := s.conn.Query(ctx, `SELECT tenant, interaction_id, scorecard, scorecard_version FROM (`+q+`)
		ORDER BY r_sev DESC, r_started DESC, interaction_id, tenant, scorecard, scorecard_version
		LIMIT `+strconv.Itoa(f.Offset)+`, `+strconv.Itoa(f.EffectiveLimit()), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("clickhouse: queue: %w", err)
	}
	var page []queueKey
	for rows.Next() {
		var k queueKey
		if err := rows.Scan(&k.tenant, &k.id, &k.scorecard, &k.version); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("clickhouse: queue: %w", err)
		}
		page = append(page, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("clickhouse: queue: %w", err)
	}
	entries, err := s.queueEntries(ctx, page)
	if err != nil {
		return nil, 0, fmt.Errorf("clickhouse: queue: %w", err)
	}
	return entries, int64(total), nil
}

// queueEntries reads the entries of page's results, in page's order.
func (s *Store) queueEntries(ctx context.Context, page []queueKey) ([]store.QueueEntry, error) {
	if len(page) == 0 {
		return nil, nil
	}
	var ts, ids []any
	seen := map[string]bool{}
	for _, k := range page {
		if !seen["t"+k.tenant] {
			seen["t"+k.tenant] = true
			ts = append(ts, k.tenant)
		}
		if !seen["i"+k.id] {
			seen["i"+k.id] = true
			ids = append(ids, k.id)
		}
	}
	// tenant and interaction_id lead the tables' order: these read only
	// the parts of the page's interactions.
	key := conds{list: []string{"tenant IN (" + placeholders(len(ts)) + ")", "interaction_id IN (" + placeholders(len(ids)) + ")"}}
	key.args = append(append(key.args, ts...), ids...)
	sub, args := latestResults(store.Filter{}, queueCols, &key, nil)
	rv, rvArgs := reviewCounts(key)
	rows, err := s.conn.Query(ctx, `SELECT tenant, interaction_id, scorecard, scorecard_version, r_day, r_started, r_channel, r_queue,
			r_agent, r_team, r_score, r_passed, r_auto, r_reasons, r_sev, r_items, rv_n, `+reviewStatus+` AS status
		FROM (`+sub+`) ANY LEFT JOIN (`+rv+`) USING (tenant, interaction_id, scorecard)`, append(args, rvArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	defer rows.Close()
	byKey := make(map[queueKey]store.QueueEntry, len(page))
	for rows.Next() {
		var (
			e                      store.QueueEntry
			passed, auto, sev      uint8
			reviews                uint64
			reasons, items         []string
			channel, status, queue string
		)
		if err := rows.Scan(&e.Tenant, &e.InteractionID, &e.Scorecard, &e.ScorecardVersion, &e.Day, &e.StartedAt,
			&channel, &queue, &e.AgentID, &e.Team, &e.Score, &passed, &auto, &reasons, &sev, &items, &reviews, &status); err != nil {
			return nil, fmt.Errorf("entries: %w", err)
		}
		e.Day, e.StartedAt = store.DayOf(e.Day.UTC()), e.StartedAt.UTC()
		e.Channel, e.Queue, e.Status = channel, queue, status
		e.Passed, e.AutoFailed = passed == 1, auto == 1
		e.FlagReasons, e.FailedItems = nonNil(reasons), nonNil(items)
		e.Severity, e.Reviews = store.SeverityName(int(sev)), int(reviews)
		byKey[queueKey{e.Tenant, e.InteractionID, e.Scorecard, e.ScorecardVersion}] = e
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	out := make([]store.QueueEntry, 0, len(page))
	for _, k := range page {
		if e, ok := byKey[k]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// AddReview appends r to the reviews if r's interaction has a result of
// r's scorecard in r's tenant; see store.Store. Results are never deleted,
// so the check cannot go stale before the insert.
func (s *Store) AddReview(ctx context.Context, r store.Review) error {
	err := r.Validate()
	if err == nil && (r.At.Before(minTime) || r.At.After(maxTime)) {
		err = fmt.Errorf("%w: review: `at` (%s) is outside %s to %s", store.ErrInvalid, r.At.Format(time.RFC3339),
			minTime.Format(time.DateOnly), maxTime.Format(time.DateOnly))
	}
	if err != nil {
		return fmt.Errorf("clickhouse: add review: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("clickhouse: add review: %w", err)
	}
	var (
		n   uint64
		day time.Time
	)
	if err := s.conn.QueryRow(ctx, `SELECT count(), argMax(day, `+latest+`) FROM results
		WHERE tenant = ? AND interaction_id = ? AND scorecard = ?`, r.Tenant, r.InteractionID, r.Scorecard).Scan(&n, &day); err != nil {
		return fmt.Errorf("clickhouse: add review: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("clickhouse: add review: interaction %s/%s scorecard %s: %w", r.Tenant, r.InteractionID, r.Scorecard, store.ErrNotFound)
	}
	s.mu.Lock()
	seq := s.nextSeq()
	s.mu.Unlock()
	t := table{name: "reviews", rows: 1, columns: []column{
		{"tenant", []string{r.Tenant}}, {"interaction_id", []string{r.InteractionID}}, {"scorecard", []string{r.Scorecard}},
		{"item", []string{r.Item}}, {"day", []time.Time{store.DayOf(day.UTC())}}, {"reviewer", []string{r.Reviewer}},
		{"decision", []string{r.Decision}}, {"verdict", []string{string(r.Verdict)}},
		{"ai_verdict", []string{string(r.AIVerdict)}}, {"comment", []string{r.Comment}},
		{"done", []uint8{flag(r.Done)}}, {"reviewed_at", []time.Time{r.At.UTC()}}, {"reviewed_ns", []int64{r.At.UnixNano()}},
		{"seq", []uint64{seq}},
	}}
	if err := s.insert(ctx, t); err != nil {
		return fmt.Errorf("clickhouse: add review: %w", err)
	}
	return nil
}

// Reviews returns an interaction's reviews in f, oldest first.
func (s *Store) Reviews(ctx context.Context, f store.Filter, interactionID string) ([]store.Review, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reviews %s: %w", interactionID, err)
	}
	tc, targs := tenants(f)
	dc, dargs := days(f, "day")
	c := conds{list: append(append([]string{"interaction_id = ?"}, tc...), dc...)}
	c.args = append(append([]any{interactionID}, targs...), dargs...)
	rows, err := s.conn.Query(ctx, `SELECT tenant, interaction_id, scorecard, item, reviewer, decision, verdict, ai_verdict, comment, done, reviewed_ns
		FROM reviews`+c.where()+` ORDER BY reviewed_ns, seq`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: reviews %s: %w", interactionID, err)
	}
	defer rows.Close()
	var out []store.Review
	for rows.Next() {
		var (
			r           store.Review
			verdict, ai string
			done        uint8
			ns          int64
		)
		if err := rows.Scan(&r.Tenant, &r.InteractionID, &r.Scorecard, &r.Item, &r.Reviewer, &r.Decision, &verdict,
			&ai, &r.Comment, &done, &ns); err != nil {
			return nil, fmt.Errorf("clickhouse: reviews %s: %w", interactionID, err)
		}
		r.Verdict, r.AIVerdict = schemas.Verdict(verdict), schemas.Verdict(ai)
		r.Done, r.At = done == 1, time.Unix(0, ns).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reviews %s: %w", interactionID, err)
	}
	return out, nil
}

// Transcript returns the turns kept with the latest outcome of an
// interaction.
func (s *Store) Transcript(ctx context.Context, f store.Filter, tenant, interactionID string) ([]schemas.Turn, error) {
	if len(f.Tenants) > 0 && !slices.Contains(f.Tenants, tenant) {
		return nil, nil
	}
	dc, dargs := days(f, "o_day")
	rows, err := s.conn.Query(ctx, `SELECT o_turns FROM (
		SELECT argMax(day, `+latest+`) AS o_day, argMax(turns, `+latest+`) AS o_turns
		FROM outcomes WHERE tenant = ? AND interaction_id = ?)`+where(dc...),
		append([]any{tenant, interactionID}, dargs...)...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: transcript %s/%s: %w", tenant, interactionID, err)
	}
	defer rows.Close()
	var js string
	for rows.Next() {
		if err := rows.Scan(&js); err != nil {
			return nil, fmt.Errorf("clickhouse: transcript %s/%s: %w", tenant, interactionID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: transcript %s/%s: %w", tenant, interactionID, err)
	}
	return store.DecodeTurns(js)
}

// Agreement counts machine and reviewer verdicts of the latest review of
// every reviewed finding in f; (reviewed_ns, seq) orders reviews.
func (s *Store) Agreement(ctx context.Context, f store.Filter) ([]store.VerdictPairs, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: agreement: %w", err)
	}
	tc, targs := tenants(f)
	dc, dargs := days(f, "day")
	rows, err := s.conn.Query(ctx, `SELECT scorecard, item, ai, human, count() AS n FROM (
			SELECT scorecard, item, argMax(ai_verdict, (reviewed_ns, seq)) AS ai, argMax(verdict, (reviewed_ns, seq)) AS human
			FROM reviews`+where(append(tc, dc...)...)+`
			GROUP BY tenant, interaction_id, scorecard, item)
		WHERE ai != ''
		GROUP BY scorecard, item, ai, human ORDER BY scorecard, item, ai, human`, append(targs, dargs...)...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: agreement: %w", err)
	}
	defer rows.Close()
	var out []store.VerdictPairs
	for rows.Next() {
		var (
			p         store.VerdictPairs
			ai, human string
			n         uint64
		)
		if err := rows.Scan(&p.Scorecard, &p.Item, &ai, &human, &n); err != nil {
			return nil, fmt.Errorf("clickhouse: agreement: %w", err)
		}
		p.AI, p.Human, p.N = schemas.Verdict(ai), schemas.Verdict(human), int64(n)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: agreement: %w", err)
	}
	return out, nil
}

// resultTotals are the per-day result columns of store.Day over a query
// of latestResults with r_passed, r_score and r_sev.
const resultTotals = `count(), sum(r_passed), countIf(r_sev = 3), avg(r_score)`

var trendCols = latestOf("passed", "r_passed", "score", "r_score", "severity_rank", "r_sev",
	"channel", "r_channel", "queue", "r_queue", "team", "r_team")

// Trend returns f's totals per day; see store.Day. Its two queries do not
// share a snapshot.
func (s *Store) Trend(ctx context.Context, f store.TrendFilter) ([]store.Day, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: trend: %w", err)
	}
	dims := new(conds)
	for _, d := range []struct{ col, v string }{{"channel", f.Channel}, {"queue", f.Queue}, {"team", f.Team}} {
		dims.eq("r_"+d.col, d.v)
	}
	days := store.Days{}

	var (
		q    string
		args []any
	)
	if len(dims.list) == 0 {
		sub, sargs := winningOutcomes(f.Filter)
		q, args = `SELECT o_day, count(), countIf(o_status != 'failed'), countIf(o_status = 'failed') FROM (`+sub+`) GROUP BY o_day`, sargs
	} else {
		// The interactions with a matching result, on their results' day
		// (the outcome's), and which of them failed since.
		// An interaction whose latest outcome failed has a failed row: only
		// those (few) are read.
		rs, rargs := latestResults(f.Filter, trendCols, nil, nil)
		tc, targs := tenants(f.Filter)
		failed := conds{list: tc, args: targs}
		failed.add(`(tenant, interaction_id) IN (SELECT tenant, interaction_id FROM outcomes`+
			where(append([]string{"status = 'failed'"}, tc...)...)+`)`, targs...)
		q = `SELECT r_day, count(), countIf(o_failed = 0), countIf(o_failed = 1) FROM (
				SELECT DISTINCT tenant, interaction_id, r_day FROM (` + rs + `)` + dims.where() + `
			) ANY LEFT JOIN (
				SELECT tenant, interaction_id, toUInt8(1) AS o_failed FROM (
					SELECT tenant, interaction_id, argMax(status, ` + latest + `) AS o_status
					FROM outcomes` + failed.where() + ` GROUP BY tenant, interaction_id)
				WHERE o_status = 'failed'
			) USING (tenant, interaction_id) GROUP BY r_day`
		args = append(append(rargs, dims.args...), failed.args...)
	}
	err := s.scanDays(ctx, q, args, days, func(d *store.Day) []any {
		return []any{&d.Received, &d.Scored, &d.Failed}
	})
	if err != nil {
		return nil, fmt.Errorf("clickhouse: trend: outcomes: %w", err)
	}
	sub, args := latestResults(f.Filter, trendCols, nil, nil)
	q = `SELECT r_day, ` + resultTotals + ` FROM (` + sub + `)` + dims.where() + ` GROUP BY r_day`
	if err := s.scanDays(ctx, q, append(args, dims.args...), days, resultTotalsDest); err != nil {
		return nil, fmt.Errorf("clickhouse: trend: results: %w", err)
	}
	return days.Sorted(), nil
}

// resultTotalsDest scans resultTotals.
func resultTotalsDest(d *store.Day) []any {
	return []any{&d.Results, &d.Passed, &d.Critical, &d.AvgScore}
}

// scanDays runs q, whose rows are a day and the columns cols gives, and
// adds them into days. Counts come back as UInt64, sums of UInt8 too.
func (s *Store) scanDays(ctx context.Context, q string, args []any, days store.Days, cols func(*store.Day) []any) error {
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d store.Day
		ptrs := cols(&d)
		dest := make([]any, 0, len(ptrs)+1)
		dest = append(dest, &d.Day)
		counts := make([]uint64, len(ptrs))
		for i, p := range ptrs {
			if _, ok := p.(*int64); ok {
				dest = append(dest, &counts[i])
			} else {
				dest = append(dest, p)
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, p := range ptrs {
			if n, ok := p.(*int64); ok {
				*n = int64(counts[i])
			}
		}
		if math.IsNaN(d.AvgScore) {
			d.AvgScore = 0
		}
		days.Add(d)
	}
	return rows.Err()
}

// Coaching returns examples of one item's verdict; see store.CoachingFilter.
// An example's finding comes from findings.finding_json; only findings
// stored before that column existed read their result's JSON.
func (s *Store) Coaching(ctx context.Context, f store.CoachingFilter) ([]store.Example, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("clickhouse: coaching: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: coaching: %w", err)
	}
	tc, targs := tenants(f.Filter)
	fc := conds{list: append([]string{"item = ?", "verdict = ?"}, tc...), args: append([]any{f.Item, string(f.Verdict)}, targs...)}
	fc.eq("scorecard", f.Scorecard)
	key, narrow := new(conds), new(conds)
	key.eq("scorecard", f.Scorecard)
	narrow.eq("agent_id", f.Agent)
	rs, rargs := latestResults(f.Filter, `max(received_ns) AS w_ns, argMax(seq, `+latest+`) AS w_seq, `+
		latestOf("score", "r_score", "started_at", "r_started", "agent_id", "r_agent", "team", "r_team"), key, narrow)
	rc := new(conds)
	rc.eq("r_agent", f.Agent)
	rc.eq("r_team", f.Team)
	score := "r_score DESC"
	if f.Verdict == schemas.Fail {
		score = "r_score ASC"
	}
	// A finding counts only with the latest result of its key: its
	// (received_ns, seq) is the result's.
	q := `SELECT tenant, interaction_id, scorecard, scorecard_version, r_agent, r_team, r_started, r_score, f_json FROM (
			SELECT tenant, interaction_id, scorecard, scorecard_version, received_ns AS w_ns, seq AS w_seq,
				confidence AS f_conf, finding_json AS f_json
			FROM findings` + fc.where() + `
		) ANY INNER JOIN (SELECT * FROM (` + rs + `)` + rc.where() + `) USING (tenant, interaction_id, scorecard, scorecard_version, w_ns, w_seq)
		ORDER BY f_conf DESC, ` + score + `, r_started DESC, tenant, interaction_id, scorecard, scorecard_version
		LIMIT ` + strconv.Itoa(f.EffectiveLimit())
	args := append(append(fc.args, rargs...), rc.args...)
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: coaching: %w", err)
	}
	defer rows.Close()
	var (
		out []store.Example
		old []int // examples whose finding has no finding_json
		fjs string
		ids []any // their interactions
	)
	for rows.Next() {
		var e store.Example
		if err := rows.Scan(&e.Tenant, &e.InteractionID, &e.Scorecard, &e.ScorecardVersion, &e.AgentID, &e.Team,
			&e.StartedAt, &e.Score, &fjs); err != nil {
			return nil, fmt.Errorf("clickhouse: coaching: %w", err)
		}
		e.StartedAt = e.StartedAt.UTC()
		if fjs == "" {
			old = append(old, len(out))
			ids = append(ids, e.InteractionID)
		} else if err := json.Unmarshal([]byte(fjs), &e.Finding); err != nil {
			return nil, fmt.Errorf("clickhouse: coaching: decode %s/%s %s: %w", e.Tenant, e.InteractionID, f.Item, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: coaching: %w", err)
	}
	if len(old) > 0 {
		if err := s.oldExamples(ctx, f, out, old, ids); err != nil {
			return nil, fmt.Errorf("clickhouse: coaching: %w", err)
		}
	}
	return out, nil
}

// oldExamples fills in the findings of out[old…] from their results' JSON.
func (s *Store) oldExamples(ctx context.Context, f store.CoachingFilter, out []store.Example, old []int, ids []any) error {
	tc, targs := tenants(f.Filter)
	c := conds{list: append([]string{"interaction_id IN (" + placeholders(len(ids)) + ")"}, tc...), args: append(ids, targs...)}
	rows, err := s.conn.Query(ctx, `SELECT tenant, interaction_id, scorecard, scorecard_version, argMax(result_json, `+latest+`)
		FROM results`+c.where()+` GROUP BY tenant, interaction_id, scorecard, scorecard_version`, c.args...)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer rows.Close()
	type key struct{ tenant, id, scorecard, version string }
	docs := make(map[key]string, len(old))
	for rows.Next() {
		var (
			k  key
			js string
		)
		if err := rows.Scan(&k.tenant, &k.id, &k.scorecard, &k.version, &js); err != nil {
			return fmt.Errorf("results: %w", err)
		}
		docs[k] = js
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	for _, i := range old {
		e := &out[i]
		r := new(schemas.Result)
		if err := json.Unmarshal([]byte(docs[key{e.Tenant, e.InteractionID, e.Scorecard, e.ScorecardVersion}]), r); err != nil {
			return fmt.Errorf("decode %s/%s: %w", e.Tenant, e.InteractionID, err)
		}
		if x, ok := store.ExampleOf(r, f.Item); ok {
			e.Finding = x.Finding
		}
	}
	return nil
}

var agentCols = latestOf("agent_id", "r_agent", "passed", "r_passed", "score", "r_score", "severity_rank", "r_sev",
	"failed_items", "r_items")

// Agent returns one agent's results in f per day and the items they failed
// most. Its two queries do not share a snapshot.
func (s *Store) Agent(ctx context.Context, f store.Filter, agentID string) (store.AgentView, error) {
	v := store.AgentView{Agent: agentID}
	if agentID == "" {
		return v, fmt.Errorf("clickhouse: agent: %w: `agent` is required", store.ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return v, fmt.Errorf("clickhouse: agent %s: %w", agentID, err)
	}
	narrow := new(conds)
	narrow.eq("agent_id", agentID)
	sub, args := latestResults(f, agentCols, nil, narrow)
	sub = `SELECT * FROM (` + sub + `) WHERE r_agent = ?`
	args = append(args, agentID)
	days := store.Days{}
	if err := s.scanDays(ctx, `SELECT r_day, `+resultTotals+` FROM (`+sub+`) GROUP BY r_day`, args, days, resultTotalsDest); err != nil {
		return v, fmt.Errorf("clickhouse: agent %s: %w", agentID, err)
	}
	v.Days = days.Sorted()
	rows, err := s.conn.Query(ctx, `SELECT scorecard, item, count() AS failures
		FROM (SELECT scorecard, r_items FROM (`+sub+`)) ARRAY JOIN r_items AS item
		GROUP BY scorecard, item ORDER BY failures DESC, scorecard, item LIMIT `+strconv.Itoa(store.AgentTopFailing), args...)
	if err != nil {
		return v, fmt.Errorf("clickhouse: agent %s: top failing: %w", agentID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c store.ItemCount
			n uint64
		)
		if err := rows.Scan(&c.Scorecard, &c.Item, &n); err != nil {
			return v, fmt.Errorf("clickhouse: agent %s: top failing: %w", agentID, err)
		}
		c.Failures = int64(n)
		v.TopFailing = append(v.TopFailing, c)
	}
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("clickhouse: agent %s: top failing: %w", agentID, err)
	}
	return v, nil
}
