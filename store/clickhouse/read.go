package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// Every read goes through the latest row of each key: argMax by
// (received_ns, seq), the order in which ReplacingMergeTree keeps rows
// (see the package documentation). It does not depend on merges having
// run, nor on FINAL, which collapses rows only within a partition.
//
// latest is that pair as 16 bytes that compare as it does: each number
// big-endian, its top bit set so that reinterpretAsString keeps all 8
// bytes (it drops trailing zero bytes), which keeps their order since
// both are below 2^63 (received_ns is of a ReceivedAt Write accepts, seq
// of the clock). 18.16 compares a tuple through generic values, row by
// row: over a million results this string makes argMax twice as fast.
const latest = `concat(reverse(reinterpretAsString(bitOr(received_ns, 9223372036854775808))), ` +
	`reverse(reinterpretAsString(bitOr(seq, 9223372036854775808))))`

// tenants returns the condition "tenant IN (…)" of f and its arguments, or
// nothing when f does not filter by tenant.
func tenants(f store.Filter) ([]string, []any) {
	if len(f.Tenants) == 0 {
		return nil, nil
	}
	args := make([]any, len(f.Tenants))
	for i, t := range f.Tenants {
		args[i] = t
	}
	return []string{"tenant IN (?" + strings.Repeat(", ?", len(f.Tenants)-1) + ")"}, args
}

// days returns the conditions of f's days on the Date column col.
func days(f store.Filter, col string) ([]string, []any) {
	var (
		conds []string
		args  []any
	)
	if !f.From.IsZero() {
		conds = append(conds, col+" >= toDate(?)")
		args = append(args, store.DayOf(f.From).Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		conds = append(conds, col+" <= toDate(?)")
		args = append(args, store.DayOf(f.To).Format(time.DateOnly))
	}
	return conds, args
}

// where joins conditions into a WHERE clause, or returns "".
func where(conds ...string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// inDays returns f's tenant condition and, when f has days, a condition
// keeping the interactions with a row of table in those days, with their
// arguments. A key whose latest row is in f's days has a row there, so
// reading all the rows of these interactions only (the latest row of each
// key still filtered on its day) changes no answer; tenant and
// interaction_id lead the tables' order, so the index skips the others.
func inDays(table string, f store.Filter) ([]string, []any) {
	tc, targs := tenants(f)
	dc, dargs := days(f, "day")
	if len(dc) == 0 {
		return tc, targs
	}
	in := `(tenant, interaction_id) IN (SELECT tenant, interaction_id FROM ` + table + where(append(append([]string{}, tc...), dc...)...) + `)`
	return append(append([]string{}, tc...), in), append(append(append([]any{}, targs...), targs...), dargs...)
}

// winningOutcomes returns a query of the latest outcome of every
// interaction in f (tenant, interaction_id, o_day, o_status) and its
// arguments.
func winningOutcomes(f store.Filter) (string, []any) {
	tc, targs := inDays("outcomes", f)
	dc, dargs := days(f, "o_day")
	q := `SELECT tenant, interaction_id, argMax(day, ` + latest + `) AS o_day, argMax(status, ` + latest + `) AS o_status
		FROM outcomes` + where(tc...) + ` GROUP BY tenant, interaction_id`
	return `SELECT * FROM (` + q + `)` + where(dc...), append(targs, dargs...)
}

// winningResults returns a query of the latest result of every key in f,
// with the columns cols computed over each key's rows (use latest), and
// its arguments. It has the key columns and r_day besides.
func winningResults(f store.Filter, cols string) (string, []any) {
	tc, targs := inDays("results", f)
	dc, dargs := days(f, "r_day")
	q := `SELECT tenant, interaction_id, scorecard, scorecard_version, argMax(day, ` + latest + `) AS r_day, ` + cols + `
		FROM results` + where(tc...) + ` GROUP BY tenant, interaction_id, scorecard, scorecard_version`
	return `SELECT * FROM (` + q + `)` + where(dc...), append(targs, dargs...)
}

const countStatuses = `count(), countIf(o_status = 'full'), countIf(o_status = 'partial'), countIf(o_status = 'failed')`

// Coverage returns per-tenant, per-day accounting, by tenant then day.
func (s *Store) Coverage(ctx context.Context, f store.Filter) ([]store.Coverage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: coverage: %w", err)
	}
	sub, args := winningOutcomes(f)
	rows, err := s.conn.Query(ctx, `SELECT tenant, o_day, `+countStatuses+` FROM (`+sub+`)
		GROUP BY tenant, o_day ORDER BY tenant, o_day`, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: coverage: %w", err)
	}
	defer rows.Close()
	var out []store.Coverage
	for rows.Next() {
		var (
			c                               store.Coverage
			received, full, partial, failed uint64
		)
		if err := rows.Scan(&c.Tenant, &c.Day, &received, &full, &partial, &failed); err != nil {
			return nil, fmt.Errorf("clickhouse: coverage: %w", err)
		}
		c.Day = store.DayOf(c.Day.UTC())
		c.Received, c.Full, c.Partial, c.Failed = int64(received), int64(full), int64(partial), int64(failed)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: coverage: %w", err)
	}
	return out, nil
}

// Summary totals f's outcomes and results. The three queries it runs do
// not share a snapshot: a write landing between them can show in some
// totals only.
func (s *Store) Summary(ctx context.Context, f store.Filter, limit int) (store.Summary, error) {
	var sum store.Summary
	if err := ctx.Err(); err != nil {
		return sum, fmt.Errorf("clickhouse: summary: %w", err)
	}
	if err := s.summarize(ctx, f, limit, &sum); err != nil {
		return store.Summary{}, fmt.Errorf("clickhouse: summary: %w", err)
	}
	return sum, nil
}

func (s *Store) summarize(ctx context.Context, f store.Filter, limit int, sum *store.Summary) error {
	var received, full, partial, failed uint64
	sub, args := winningOutcomes(f)
	if err := s.conn.QueryRow(ctx, `SELECT `+countStatuses+` FROM (`+sub+`)`, args...).
		Scan(&received, &full, &partial, &failed); err != nil {
		return fmt.Errorf("outcomes: %w", err)
	}
	sum.Received, sum.Full, sum.Partial, sum.Failed = int64(received), int64(full), int64(partial), int64(failed)

	var (
		results, flagged, passed uint64
		avg                      float64
	)
	sub, args = winningResults(f, `argMax(flagged, `+latest+`) AS r_flagged, argMax(passed, `+latest+`) AS r_passed, argMax(score, `+latest+`) AS r_score`)
	if err := s.conn.QueryRow(ctx, `SELECT count(), sum(r_flagged), sum(r_passed), avg(r_score) FROM (`+sub+`)`, args...).
		Scan(&results, &flagged, &passed, &avg); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if results == 0 || math.IsNaN(avg) {
		avg = 0
	}
	sum.Results, sum.Flagged, sum.Passed, sum.AvgScore = int64(results), int64(flagged), int64(passed), avg

	if limit <= 0 {
		return nil
	}
	return s.topFailing(ctx, f, limit, sum)
}

// topFailing counts the failed items of f's winning results: a result's
// failed_items are those of its failed findings, so nothing of a replaced
// result is counted, and a list per result is read instead of every
// finding.
func (s *Store) topFailing(ctx context.Context, f store.Filter, limit int, sum *store.Summary) error {
	sub, args := winningResults(f, `argMax(failed_items, `+latest+`) AS r_items`)
	q := `SELECT scorecard, item, count() AS failures
		FROM (SELECT scorecard, r_items FROM (` + sub + `)) ARRAY JOIN r_items AS item
		GROUP BY scorecard, item ORDER BY failures DESC, scorecard, item LIMIT ` + strconv.Itoa(limit)
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("top failing: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c        store.ItemCount
			failures uint64
		)
		if err := rows.Scan(&c.Scorecard, &c.Item, &failures); err != nil {
			return fmt.Errorf("top failing: %w", err)
		}
		c.Failures = int64(failures)
		sum.TopFailing = append(sum.TopFailing, c)
	}
	return rows.Err()
}

// Results returns an interaction's results in f, by scorecard then version.
func (s *Store) Results(ctx context.Context, f store.Filter, interactionID string) ([]*schemas.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: results %s: %w", interactionID, err)
	}
	tc, targs := tenants(f)
	dc, dargs := days(f, "r_day")
	conds := append([]string{"interaction_id = ?"}, tc...)
	args := append(append([]any{interactionID}, targs...), dargs...)
	q := `SELECT r_json FROM (
		SELECT tenant, scorecard, scorecard_version, argMax(day, ` + latest + `) AS r_day, argMax(result_json, ` + latest + `) AS r_json
		FROM results` + where(conds...) + ` GROUP BY tenant, scorecard, scorecard_version)` + where(dc...) + `
		ORDER BY scorecard, scorecard_version, tenant`
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: results %s: %w", interactionID, err)
	}
	defer rows.Close()
	var out []*schemas.Result
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, fmt.Errorf("clickhouse: results %s: %w", interactionID, err)
		}
		r := new(schemas.Result)
		if err := json.Unmarshal([]byte(js), r); err != nil {
			return nil, fmt.Errorf("clickhouse: results %s: decode: %w", interactionID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: results %s: %w", interactionID, err)
	}
	return out, nil
}
