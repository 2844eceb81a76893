//go:build cgo

package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// where returns the conditions of f (an empty string or one starting with
// " AND ") and their arguments, for any table or view with tenant and
// day columns.
func where(f store.Filter) (string, []any) {
	var (
		b    strings.Builder
		args []any
	)
	if len(f.Tenants) > 0 {
		b.WriteString(" AND tenant IN (?" + strings.Repeat(", ?", len(f.Tenants)-1) + ")")
		for _, t := range f.Tenants {
			args = append(args, t)
		}
	}
	if !f.From.IsZero() {
		b.WriteString(" AND day >= CAST(? AS DATE)")
		args = append(args, store.DayOf(f.From).Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		b.WriteString(" AND day <= CAST(? AS DATE)")
		args = append(args, store.DayOf(f.To).Format(time.DateOnly))
	}
	return b.String(), args
}

const countStatuses = `count(*),
	count(*) FILTER (WHERE status = 'full'),
	count(*) FILTER (WHERE status = 'partial'),
	count(*) FILTER (WHERE status = 'failed')`

// Coverage returns per-tenant, per-day accounting, by tenant then day.
func (s *Store) Coverage(ctx context.Context, f store.Filter) ([]store.Coverage, error) {
	cond, args := where(f)
	rows, err := s.db.QueryContext(ctx, `SELECT tenant, day, `+countStatuses+`
		FROM outcomes WHERE true`+cond+` GROUP BY tenant, day ORDER BY tenant, day`, args...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: coverage: %w", err)
	}
	defer rows.Close()
	var out []store.Coverage
	for rows.Next() {
		var c store.Coverage
		if err := rows.Scan(&c.Tenant, &c.Day, &c.Received, &c.Full, &c.Partial, &c.Failed); err != nil {
			return nil, fmt.Errorf("duckdb: coverage: %w", err)
		}
		c.Day = c.Day.UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: coverage: %w", err)
	}
	return out, nil
}

// Summary totals f's outcomes and results, from one snapshot.
func (s *Store) Summary(ctx context.Context, f store.Filter, limit int) (store.Summary, error) {
	var sum store.Summary
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return sum, fmt.Errorf("duckdb: summary: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if err := summarize(ctx, tx, f, limit, &sum); err != nil {
		return store.Summary{}, fmt.Errorf("duckdb: summary: %w", err)
	}
	return sum, nil
}

func summarize(ctx context.Context, tx *sql.Tx, f store.Filter, limit int, sum *store.Summary) error {
	cond, args := where(f)
	err := tx.QueryRowContext(ctx, `SELECT `+countStatuses+` FROM outcomes WHERE true`+cond, args...).
		Scan(&sum.Received, &sum.Full, &sum.Partial, &sum.Failed)
	if err != nil {
		return fmt.Errorf("outcomes: %w", err)
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE flagged), count(*) FILTER (WHERE passed),
		coalesce(avg(score), 0) FROM results WHERE true`+cond, args...).
		Scan(&sum.Results, &sum.Flagged, &sum.Passed, &sum.AvgScore)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if limit <= 0 {
		return nil
	}
	// failed_counts holds the failed items of the results per tenant and
	// day (see migration 0004): a few rows per day instead of a list per
	// result. Counts of replaced results can be 0.
	rows, err := tx.QueryContext(ctx, `SELECT scorecard, item, CAST(sum(failures) AS BIGINT) AS n
		FROM failed_counts WHERE true`+cond+`
		GROUP BY scorecard, item HAVING sum(failures) > 0 ORDER BY n DESC, scorecard, item LIMIT ?`, append(args, limit)...)
	if err != nil {
		return fmt.Errorf("top failing: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c store.ItemCount
		if err := rows.Scan(&c.Scorecard, &c.Item, &c.Failures); err != nil {
			return fmt.Errorf("top failing: %w", err)
		}
		sum.TopFailing = append(sum.TopFailing, c)
	}
	return rows.Err()
}

// Results returns an interaction's results in f, by scorecard then version.
func (s *Store) Results(ctx context.Context, f store.Filter, interactionID string) ([]*schemas.Result, error) {
	cond, args := where(f)
	rows, err := s.db.QueryContext(ctx, `SELECT result_s2 FROM results WHERE interaction_id = ?`+cond+`
		ORDER BY scorecard, scorecard_version, tenant`, append([]any{interactionID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: results %s: %w", interactionID, err)
	}
	defer rows.Close()
	var out []*schemas.Result
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("duckdb: results %s: %w", interactionID, err)
		}
		r, err := decodeResult(doc)
		if err != nil {
			return nil, fmt.Errorf("duckdb: results %s: decode: %w", interactionID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: results %s: %w", interactionID, err)
	}
	return out, nil
}
