//go:build cgo

package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// The console's reads. Every table holds one row per key (Write replaces
// rows instead of adding them), so nothing here needs to pick the latest
// delivery: re-delivered interactions are counted once by construction.

// conds builds " AND …" conditions and their arguments.
type conds struct {
	b    strings.Builder
	args []any
}

// filter starts conds with f's tenants and days (see where).
func filter(f store.Filter) *conds {
	c := new(conds)
	cond, args := where(f)
	c.b.WriteString(cond)
	c.args = args
	return c
}

func (c *conds) add(cond string, args ...any) {
	c.b.WriteString(" AND " + cond)
	c.args = append(c.args, args...)
}

// eq adds col = v, unless v is empty.
func (c *conds) eq(col, v string) {
	if v != "" {
		c.add(col+" = ?", v)
	}
}

func (c *conds) String() string { return c.b.String() }

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

// reviewed is the review count and whether one was done, per interaction
// and scorecard, of tenants (all when nil).
func reviewed(tenants []string) (string, []any) {
	c := filter(store.Filter{Tenants: tenants})
	return `SELECT tenant, interaction_id, scorecard, count(*) AS n, bool_or(done) AS done
		FROM reviews WHERE true` + c.String() + ` GROUP BY tenant, interaction_id, scorecard`, c.args
}

const queueCols = `tenant, interaction_id, scorecard, scorecard_version, day, started_at, channel, queue,
	agent_id, team, score, passed, auto_failed, flag_reasons, severity_rank, failed_items`

// Queue returns a page of flagged results for review; see store.Store.
func (s *Store) Queue(ctx context.Context, f store.QueueFilter) ([]store.QueueEntry, int64, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, fmt.Errorf("duckdb: queue: %w", err)
	}
	c := filter(f.Filter)
	c.add("flagged")
	c.eq("agent_id", f.Agent)
	c.eq("team", f.Team)
	c.eq("channel", f.Channel)
	c.eq("queue", f.Queue)
	if f.Severity != "" {
		c.add("severity_rank >= ?", store.SeverityRank(f.Severity))
	}
	if len(f.Items) > 0 {
		c.add("list_has_any(failed_items, ["+placeholders(len(f.Items))+"])", strArgs(f.Items)...)
	}
	if f.Status != "" {
		// The status as a condition on the result's key: done when a
		// review is done, in review when reviewed and none is, open when
		// not reviewed; the count and the page need no join then.
		rc := filter(store.Filter{Tenants: f.Tenants})
		keys := `(tenant, interaction_id, scorecard) IN (SELECT tenant, interaction_id, scorecard FROM reviews WHERE true` + rc.String()
		switch f.Status {
		case store.ReviewDone:
			c.add(keys+` AND done)`, rc.args...)
		case store.ReviewInReview:
			c.add(keys+` GROUP BY tenant, interaction_id, scorecard HAVING NOT bool_or(done))`, rc.args...)
		default:
			c.add(`NOT `+keys+`)`, rc.args...)
		}
	}
	rv, rvArgs := reviewed(f.Tenants)
	base := `SELECT ` + queueCols + ` FROM results WHERE true` + c.String()
	withReviews := func(from string) string {
		return `SELECT ` + queueCols + `, coalesce(v.n, 0) AS reviews,
				CASE WHEN v.done THEN 'done' WHEN v.n > 0 THEN 'in_review' ELSE 'open' END AS status
			FROM (` + from + `) AS r LEFT JOIN (` + rv + `) AS v USING (tenant, interaction_id, scorecard)`
	}
	const order = ` ORDER BY severity_rank DESC, started_at DESC, interaction_id, tenant, scorecard, scorecard_version`
	// The page is chosen from the results alone; only its entries are
	// joined to their reviews.
	countQ, countArgs := `SELECT count(*) FROM results WHERE true`+c.String(), c.args
	pageQ := withReviews(base+order+` LIMIT ? OFFSET ?`) + order
	pageArgs := append(append(append([]any{}, c.args...), f.EffectiveLimit(), f.Offset), rvArgs...)

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("duckdb: queue: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	var total int64
	if err := tx.QueryRowContext(ctx, countQ, countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("duckdb: queue: count: %w", err)
	}
	rows, err := tx.QueryContext(ctx, pageQ, pageArgs...)
	if err != nil {
		return nil, 0, fmt.Errorf("duckdb: queue: %w", err)
	}
	defer rows.Close()
	var out []store.QueueEntry
	for rows.Next() {
		var (
			e              store.QueueEntry
			reasons, items duck.Composite[[]string]
			rank           int
		)
		if err := rows.Scan(&e.Tenant, &e.InteractionID, &e.Scorecard, &e.ScorecardVersion, &e.Day, &e.StartedAt,
			&e.Channel, &e.Queue, &e.AgentID, &e.Team, &e.Score, &e.Passed, &e.AutoFailed, &reasons, &rank, &items,
			&e.Reviews, &e.Status); err != nil {
			return nil, 0, fmt.Errorf("duckdb: queue: %w", err)
		}
		e.Day, e.StartedAt = e.Day.UTC(), e.StartedAt.UTC()
		e.FlagReasons, e.FailedItems = nonNil(reasons.Get()), nonNil(items.Get())
		e.Severity = store.SeverityName(rank)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("duckdb: queue: %w", err)
	}
	return out, total, nil
}

// AddReview appends r to the reviews if r's interaction has a result of
// r's scorecard in r's tenant; see store.Store. The check and the insert
// are one statement.
func (s *Store) AddReview(ctx context.Context, r store.Review) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("duckdb: add review: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO reviews
			(tenant, interaction_id, scorecard, item, day, reviewer, decision, verdict, ai_verdict, comment, done, reviewed_at)
		SELECT CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), arg_max(day, received_at),
			CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),
			CAST(? AS BOOLEAN), CAST(? AS TIMESTAMP)
		FROM results WHERE tenant = ? AND interaction_id = ? AND scorecard = ?
		HAVING count(*) > 0`,
		r.Tenant, r.InteractionID, r.Scorecard, r.Item,
		r.Reviewer, r.Decision, string(r.Verdict), string(r.AIVerdict), r.Comment, r.Done, r.At.UTC(),
		r.Tenant, r.InteractionID, r.Scorecard)
	if err != nil {
		return fmt.Errorf("duckdb: add review: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("duckdb: add review: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("duckdb: add review: interaction %s/%s scorecard %s: %w", r.Tenant, r.InteractionID, r.Scorecard, store.ErrNotFound)
	}
	return nil
}

// Reviews returns an interaction's reviews in f, oldest first.
func (s *Store) Reviews(ctx context.Context, f store.Filter, interactionID string) ([]store.Review, error) {
	c := filter(f)
	rows, err := s.db.QueryContext(ctx, `SELECT tenant, interaction_id, scorecard, item, reviewer, decision, verdict,
			ai_verdict, comment, done, reviewed_at
		FROM reviews WHERE interaction_id = ?`+c.String()+` ORDER BY reviewed_at, review_id`,
		append([]any{interactionID}, c.args...)...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: reviews %s: %w", interactionID, err)
	}
	defer rows.Close()
	var out []store.Review
	for rows.Next() {
		var (
			r           store.Review
			verdict, ai string
		)
		if err := rows.Scan(&r.Tenant, &r.InteractionID, &r.Scorecard, &r.Item, &r.Reviewer, &r.Decision, &verdict,
			&ai, &r.Comment, &r.Done, &r.At); err != nil {
			return nil, fmt.Errorf("duckdb: reviews %s: %w", interactionID, err)
		}
		r.Verdict, r.AIVerdict, r.At = schemas.Verdict(verdict), schemas.Verdict(ai), r.At.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: reviews %s: %w", interactionID, err)
	}
	return out, nil
}

// Transcript returns the turns kept with an interaction's outcome.
func (s *Store) Transcript(ctx context.Context, f store.Filter, tenant, interactionID string) ([]schemas.Turn, error) {
	if len(f.Tenants) > 0 && !slices.Contains(f.Tenants, tenant) {
		return nil, nil
	}
	c := filter(store.Filter{From: f.From, To: f.To})
	var js string
	err := s.db.QueryRowContext(ctx, `SELECT turns FROM outcomes WHERE tenant = ? AND interaction_id = ?`+c.String(),
		append([]any{tenant, interactionID}, c.args...)...).Scan(&js)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("duckdb: transcript %s/%s: %w", tenant, interactionID, err)
	}
	return store.DecodeTurns(js)
}

// Agreement counts machine and reviewer verdicts of the latest review of
// every reviewed finding in f.
func (s *Store) Agreement(ctx context.Context, f store.Filter) ([]store.VerdictPairs, error) {
	c := filter(f)
	rows, err := s.db.QueryContext(ctx, `SELECT scorecard, item, ai_verdict, verdict, count(*) AS n FROM (
			SELECT scorecard, item, ai_verdict, verdict FROM reviews WHERE true`+c.String()+`
			QUALIFY row_number() OVER (PARTITION BY tenant, interaction_id, scorecard, item
				ORDER BY reviewed_at DESC, review_id DESC) = 1)
		WHERE ai_verdict <> ''
		GROUP BY ALL ORDER BY scorecard, item, ai_verdict, verdict`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: agreement: %w", err)
	}
	defer rows.Close()
	var out []store.VerdictPairs
	for rows.Next() {
		var (
			p         store.VerdictPairs
			ai, human string
		)
		if err := rows.Scan(&p.Scorecard, &p.Item, &ai, &human, &p.N); err != nil {
			return nil, fmt.Errorf("duckdb: agreement: %w", err)
		}
		p.AI, p.Human = schemas.Verdict(ai), schemas.Verdict(human)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: agreement: %w", err)
	}
	return out, nil
}

// Trend returns f's totals per day; see store.Day.
func (s *Store) Trend(ctx context.Context, f store.TrendFilter) ([]store.Day, error) {
	rc := filter(f.Filter)
	rc.eq("channel", f.Channel)
	rc.eq("queue", f.Queue)
	rc.eq("team", f.Team)
	dims := f.Channel != "" || f.Queue != "" || f.Team != ""

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("duckdb: trend: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	days := store.Days{}
	var rows *sql.Rows
	if !dims {
		oc := filter(f.Filter)
		rows, err = tx.QueryContext(ctx, `SELECT day, count(*), count(*) FILTER (WHERE status <> 'failed'),
				count(*) FILTER (WHERE status = 'failed')
			FROM outcomes WHERE true`+oc.String()+` GROUP BY day`, oc.args...)
	} else {
		// The interactions with a matching result, on their results' day
		// (the outcome's), and which of them failed since: joining the
		// failed outcomes only is much cheaper than joining them all.
		oc := filter(store.Filter{Tenants: f.Tenants})
		rows, err = tx.QueryContext(ctx, `SELECT m.day, count(*), count(*) FILTER (WHERE o.interaction_id IS NULL),
				count(o.interaction_id)
			FROM (SELECT DISTINCT tenant, interaction_id, day FROM results WHERE true`+rc.String()+`) AS m
			LEFT JOIN (SELECT tenant, interaction_id FROM outcomes WHERE status = 'failed'`+oc.String()+`) AS o
				USING (tenant, interaction_id)
			GROUP BY m.day`, append(rc.args, oc.args...)...)
	}
	if err != nil {
		return nil, fmt.Errorf("duckdb: trend: outcomes: %w", err)
	}
	err = scanDays(rows, days, func(d *store.Day) []any { return []any{&d.Received, &d.Scored, &d.Failed} })
	if err != nil {
		return nil, fmt.Errorf("duckdb: trend: outcomes: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT day, `+resultTotals+`
		FROM results WHERE true`+rc.String()+` GROUP BY day`, rc.args...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: trend: results: %w", err)
	}
	if err := scanDays(rows, days, resultTotalsDest); err != nil {
		return nil, fmt.Errorf("duckdb: trend: results: %w", err)
	}
	return days.Sorted(), nil
}

// resultTotals are the per-day result columns of store.Day, scanned by
// resultTotalsDest.
const resultTotals = `count(*), count(*) FILTER (WHERE passed), count(*) FILTER (WHERE severity_rank = 3),
	coalesce(avg(score), 0)`

func resultTotalsDest(d *store.Day) []any {
	return []any{&d.Results, &d.Passed, &d.Critical, &d.AvgScore}
}

// scanDays adds rows of a day and the columns cols gives into days, and
// closes rows.
func scanDays(rows *sql.Rows, days store.Days, cols func(*store.Day) []any) error {
	defer rows.Close()
	for rows.Next() {
		var d store.Day
		if err := rows.Scan(append([]any{&d.Day}, cols(&d)...)...); err != nil {
			return err
		}
		days.Add(d)
	}
	return rows.Err()
}

// Coaching returns examples of one item's verdict; see store.CoachingFilter.
func (s *Store) Coaching(ctx context.Context, f store.CoachingFilter) ([]store.Example, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("duckdb: coaching: %w", err)
	}
	rc := filter(f.Filter)
	rc.eq("scorecard", f.Scorecard)
	rc.eq("agent_id", f.Agent)
	rc.eq("team", f.Team)
	ic := new(conds)
	ic.eq("scorecard", f.Scorecard)
	score := "r.score DESC"
	if f.Verdict == schemas.Fail {
		score = "r.score ASC"
	}
	order := `f.confidence DESC, ` + score + `, r.started_at DESC, r.tenant, r.interaction_id, r.scorecard, r.scorecard_version`
	// The documents are read for the chosen results only.
	q := `WITH top AS (
			SELECT r.result_id, f.confidence, r.score, r.started_at, r.tenant, r.interaction_id, r.scorecard, r.scorecard_version
			FROM finding_rows AS f
			JOIN (SELECT result_id, score, started_at, tenant, interaction_id, scorecard, scorecard_version
				FROM results WHERE true` + rc.String() + `) AS r ON r.result_id = f.result_id
			WHERE f.verdict = CAST(? AS verdict) AND f.item_id IN (SELECT item_id FROM items WHERE item = ?` + ic.String() + `)
			ORDER BY ` + order + ` LIMIT ?)
		SELECT r.result_s2 FROM top AS f JOIN results AS r USING (result_id) ORDER BY ` + order
	args := append(rc.args, string(f.Verdict), f.Item)
	args = append(append(args, ic.args...), f.EffectiveLimit())
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: coaching: %w", err)
	}
	defer rows.Close()
	var out []store.Example
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("duckdb: coaching: %w", err)
		}
		r, err := decodeResult(doc)
		if err != nil {
			return nil, fmt.Errorf("duckdb: coaching: decode: %w", err)
		}
		if e, ok := store.ExampleOf(r, f.Item); ok {
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: coaching: %w", err)
	}
	return out, nil
}

// Agent returns one agent's results in f per day and the items they failed
// most.
func (s *Store) Agent(ctx context.Context, f store.Filter, agentID string) (store.AgentView, error) {
	v := store.AgentView{Agent: agentID}
	if agentID == "" {
		return v, fmt.Errorf("duckdb: agent: %w: `agent` is required", store.ErrInvalid)
	}
	c := filter(f)
	c.add("agent_id = ?", agentID)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return v, fmt.Errorf("duckdb: agent %s: %w", agentID, err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	rows, err := tx.QueryContext(ctx, `SELECT day, `+resultTotals+`
		FROM results WHERE true`+c.String()+` GROUP BY day`, c.args...)
	if err != nil {
		return v, fmt.Errorf("duckdb: agent %s: %w", agentID, err)
	}
	days := store.Days{}
	if err := scanDays(rows, days, resultTotalsDest); err != nil {
		return v, fmt.Errorf("duckdb: agent %s: %w", agentID, err)
	}
	v.Days = days.Sorted()
	rows, err = tx.QueryContext(ctx, `SELECT scorecard, item, count(*) AS failures
		FROM (SELECT scorecard, unnest(failed_items) AS item FROM results WHERE true`+c.String()+`)
		GROUP BY scorecard, item ORDER BY failures DESC, scorecard, item LIMIT ?`, append(c.args, store.AgentTopFailing)...)
	if err != nil {
		return v, fmt.Errorf("duckdb: agent %s: top failing: %w", agentID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ic store.ItemCount
		if err := rows.Scan(&ic.Scorecard, &ic.Item, &ic.Failures); err != nil {
			return v, fmt.Errorf("duckdb: agent %s: top failing: %w", agentID, err)
		}
		v.TopFailing = append(v.TopFailing, ic)
	}
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("duckdb: agent %s: top failing: %w", agentID, err)
	}
	return v, nil
}
