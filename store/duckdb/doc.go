// Package duckdb owns the embedded store: store.Store on one DuckDB file
// (or in memory), with no server to run. It is the default store; its DDL
// is schemas/sql/duckdb, applied by Migrate.
//
// # Tables
//
// outcomes holds one row per (tenant, interaction_id); results one per
// (tenant, interaction_id, scorecard, scorecard_version), with flat columns
// for dashboards and the full result as S2-compressed JSON (result_s2) for
// Results. Findings are kept as numbers: finding_rows (result_id, item_id,
// verdict, points…) with items naming each distinct scorecard item; the
// findings view joins them back into one row per (tenant, interaction_id,
// scorecard, scorecard_version, item) with section, kind, verdict, points,
// max_points, severity and confidence. Days are DATE, times UTC TIMESTAMP.
//
// For the review queue, results also keep severity_rank (the worst
// severity among the failed findings, store.SeverityRank) and
// failed_items (the failed items in scorecard order), so that the queue,
// the agent view, Summary's TopFailing and their filters never read
// findings (a million results have 38 million). reviews holds the
// reviews, append-only, one row each, with the interaction's day.
//
// # Reads
//
// Every key has one row (Write replaces rows instead of adding them), so
// reads need no de-duplication. A read of several queries (Summary, Queue,
// Trend, Agent) runs them in one transaction: one snapshot. The review
// queue joins the results to a count of reviews per interaction and
// scorecard; coaching examples pick findings by item and verdict and read
// the S2 documents of the chosen results only.
//
// # Writes
//
// Write serialises batches on one connection. A batch is validated and
// deduplicated in memory (the latest ReceivedAt of a key wins), its results
// encoded in parallel, and written in one transaction with the DuckDB
// appender: Write returns nil only after the transaction committed. The
// outcomes go through a staging table first; when none of them is stored
// yet (the common case), results and findings are appended to their tables
// directly. A batch holding re-deliveries stages them too, replaces the
// stored rows of their keys and drops staged rows older than stored ones;
// that path scans the stored tables.
//
// A result replaces only the stored result of its own key, so results of
// other scorecard versions written earlier are kept, and a later failed
// outcome does not remove results already stored.
//
// One Store must own a file: result ids come from a sequence, but the
// writer caches the items table.
//
// # Errors
//
// Input that cannot be stored (no tenant or interaction id, an unknown
// status or verdict, a nil result, a result of another interaction, a
// result that does not encode as JSON) fails the whole batch before
// anything is written; retrying it cannot succeed.
package duckdb
