//go:build cgo

package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/zhijian-qa/zhijian/store"
)

// table is a stored table, its staging copy and the columns appended to
// it, in the order the append functions give them.
type table struct {
	name, stage, cols string
}

var (
	outcomesTable = table{"outcomes", "stage_outcomes",
		"tenant, interaction_id, day, status, reason, received_at, turns"}
	resultsTable = table{"results", "stage_results",
		"result_id, tenant, interaction_id, scorecard, scorecard_version, day, received_at, " +
			"channel, language, queue, agent_id, team, started_at, processed_at, " +
			"score, passed, auto_failed, flagged, flag_reasons, coverage, scenarios, risks, " +
			"duration_ms, engine_version, result_s2, severity_rank, failed_items"}
	findingsTable = table{"finding_rows", "stage_finding_rows",
		"result_id, item_id, verdict, points, max_points, confidence"}
	itemsTable = table{"items", "",
		"item_id, scorecard, scorecard_version, item, section, kind, severity"}
)

// match returns "a.k = b.k AND …" over the key columns.
func match(a, b string, key ...string) string {
	conds := make([]string, len(key))
	for i, k := range key {
		conds[i] = a + "." + k + " = " + b + "." + k
	}
	return strings.Join(conds, " AND ")
}

var (
	outcomeMatch = match("o", "s", "tenant", "interaction_id")
	resultMatch  = match("r", "s", "tenant", "interaction_id", "scorecard", "scorecard_version")

	// insertNew adds the staged outcomes of interactions not stored yet.
	// When it adds them all, no result of the batch has a stored
	// counterpart: results and findings are appended to their tables.
	// Otherwise they are staged too and merged by redelivered.
	insertNew = `INSERT INTO outcomes (` + outcomesTable.cols + `) SELECT ` + outcomesTable.cols +
		` FROM stage_outcomes ON CONFLICT DO NOTHING`

	// Newer outcomes replace stored ones; staged results older than the
	// stored result of their key are dropped; the others replace theirs,
	// failed_counts included. The replaced results' finding_rows stay,
	// unreferenced: every read joins finding_rows to results on result_id,
	// and deleting them would keep about 256 KB per row group of
	// finding_rows they sit in (re-deliveries are spread over all of
	// them) in memory until the next checkpoint.
	redelivered = []string{
		`UPDATE outcomes AS o SET day = s.day, status = s.status, reason = s.reason, received_at = s.received_at, turns = s.turns
		 FROM stage_outcomes AS s WHERE ` + outcomeMatch + ` AND s.received_at > o.received_at`,
		`DELETE FROM stage_results AS s USING results AS r WHERE ` + resultMatch + ` AND r.received_at > s.received_at`,
		countFailed("-", `SELECT r.* FROM results AS r JOIN stage_results AS s ON `+resultMatch),
		`DELETE FROM results AS r USING stage_results AS s WHERE ` + resultMatch,
		`INSERT INTO results (` + resultsTable.cols + `) SELECT ` + resultsTable.cols + ` FROM stage_results`,
		countFailed("", `SELECT * FROM stage_results`),
		`INSERT INTO finding_rows (` + findingsTable.cols + `) SELECT ` + findingsTable.cols +
			` FROM stage_finding_rows WHERE result_id IN (SELECT result_id FROM stage_results)`,
		`DROP TABLE stage_results`,
		`DROP TABLE stage_finding_rows`,
	}

	nextResultIDs = `SELECT nextval('result_ids') FROM range(?)`
)

// countFailed returns the statement adding (sign "") or subtracting (sign
// "-") the failed items of the results rs selects to failed_counts.
func countFailed(sign, rs string) string {
	return `INSERT INTO failed_counts (tenant, day, scorecard, item, failures)
		SELECT tenant, day, scorecard, item, ` + sign + `count(*)
		FROM (SELECT tenant, day, scorecard, unnest(failed_items) AS item FROM (` + rs + `))
		GROUP BY tenant, day, scorecard, item
		ON CONFLICT DO UPDATE SET failures = failures + excluded.failures`
}

// createStage returns the statement creating t's empty staging table.
func createStage(t table) string {
	return `CREATE OR REPLACE TEMP TABLE ` + t.stage + ` AS SELECT ` + t.cols + ` FROM ` + t.name + ` LIMIT 0`
}

// Write stores a batch in one transaction; see the package documentation.
func (s *Store) Write(ctx context.Context, batch []store.Outcome) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("duckdb: write: %w", err)
	}
	if len(batch) == 0 {
		return nil
	}
	b, err := prepare(batch)
	if err != nil {
		return fmt.Errorf("duckdb: write: %w", err)
	}
	b.encoded = encodeAll(b.results)
	defer b.encoded() //nolint:errcheck // merge reports it; this only waits
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	err = s.merge(ctx, b)
	if err != nil && outOfMemory(err) {
		// What DuckDB keeps of the changes since the last checkpoint
		// (version and undo data) may fill the memory limit; a checkpoint
		// releases it. Once: the batch may need more than the limit.
		if _, cerr := s.db.ExecContext(ctx, `CHECKPOINT`); cerr != nil {
			err = errors.Join(err, fmt.Errorf("checkpoint: %w", cerr))
		} else {
			err = s.merge(ctx, b)
		}
	}
	if err != nil {
		return fmt.Errorf("duckdb: write %d outcomes: %w", len(b.outcomes), err)
	}
	return nil
}

// merge writes b on the writer. s.mu must be held.
func (s *Store) merge(ctx context.Context, b *rows) error {
	c, items, err := s.writer(ctx)
	if err != nil {
		return err
	}
	if err := merge(ctx, c, items, b); err != nil {
		// Start over on a new connection, and reload the item cache.
		_ = s.dropWriter()
		return err
	}
	return nil
}

// outOfMemory reports whether err is DuckDB running out of its memory
// limit; a failed COMMIT reports it as a transaction error.
func outOfMemory(err error) bool {
	var de *duck.Error
	if errors.As(err, &de) && de.Type == duck.ErrorTypeOutOfMemory {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "failed to pin block") || strings.Contains(msg, "could not allocate block")
}

// merge writes b in one transaction.
func merge(ctx context.Context, c *duck.Conn, items *itemCache, b *rows) (err error) {
	tx, err := c.BeginTx(ctx, driver.TxOptions{})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	committing := false
	defer func() {
		// A failed COMMIT has rolled back already: the driver panics on a
		// Rollback after Commit.
		if err != nil && !committing {
			_ = tx.Rollback()
		}
	}()
	if err := assignResultIDs(ctx, c, b); err != nil {
		return err
	}
	if added := items.resolve(b); len(added) > 0 {
		if err := appendTo(c, false, itemsTable, appendItems(added)); err != nil {
			return err
		}
	}
	if _, err := exec(ctx, c, createStage(outcomesTable)); err != nil {
		return fmt.Errorf("stage outcomes: %w", err)
	}
	if err := appendTo(c, true, outcomesTable, b.appendOutcomes); err != nil {
		return err
	}
	res, err := exec(ctx, c, insertNew)
	if err != nil {
		return fmt.Errorf("insert outcomes: %w", err)
	}
	added, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("insert outcomes: %w", err)
	}
	staged := added < int64(len(b.outcomes))
	if staged {
		for _, t := range []table{resultsTable, findingsTable} {
			if _, err := exec(ctx, c, createStage(t)); err != nil {
				return fmt.Errorf("stage %s: %w", t.name, err)
			}
		}
	}
	if err := appendTo(c, staged, findingsTable, b.appendFindings); err != nil {
		return err
	}
	if err := b.encoded(); err != nil {
		return err
	}
	if err := appendTo(c, staged, resultsTable, b.appendResults); err != nil {
		return err
	}
	if !staged && len(b.results) > 0 {
		// The batch's results are the only ones with ids in its range.
		lo, hi := b.results[0].id, b.results[0].id
		for _, r := range b.results {
			lo, hi = min(lo, r.id), max(hi, r.id)
		}
		q := countFailed("", fmt.Sprintf(`SELECT * FROM results WHERE result_id BETWEEN %d AND %d`, lo, hi))
		if _, err := exec(ctx, c, q); err != nil {
			return fmt.Errorf("count failed items: %w", err)
		}
	}
	if staged {
		for _, q := range redelivered {
			if _, err := exec(ctx, c, q); err != nil {
				return fmt.Errorf("merge re-delivered: %w", err)
			}
		}
	}
	committing = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// assignResultIDs gives every result of b a new id from result_ids.
func assignResultIDs(ctx context.Context, c *duck.Conn, b *rows) error {
	if len(b.results) == 0 {
		return nil
	}
	rows, err := c.QueryContext(ctx, nextResultIDs, []driver.NamedValue{{Ordinal: 1, Value: int64(len(b.results))}})
	if err != nil {
		return fmt.Errorf("result ids: %w", err)
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	for i := range b.results {
		if err := rows.Next(v); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("result ids: %w", err)
		}
		id, ok := v[0].(int64)
		if !ok {
			return fmt.Errorf("result ids: unexpected %T", v[0])
		}
		b.results[i].id = id
	}
	return nil
}

// appendTo fills t, or its staging table, with fill and flushes it.
func appendTo(c *duck.Conn, staged bool, t table, fill func(*duck.Appender) error) error {
	catalog, schema, name := "", "", t.name
	if staged {
		catalog, schema, name = "temp", "main", t.stage
	}
	a, err := duck.NewAppender(c, catalog, schema, name)
	if err != nil {
		return fmt.Errorf("append %s: %w", name, err)
	}
	if err := fill(a); err != nil {
		_ = a.Close()
		return fmt.Errorf("append %s: %w", name, err)
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("append %s: %w", name, err)
	}
	return nil
}

// exec runs a statement without arguments on the writer.
func exec(ctx context.Context, c *duck.Conn, q string) (driver.Result, error) {
	return c.ExecContext(ctx, q, nil)
}
