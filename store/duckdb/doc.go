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
// failed_counts (migration 0004) is a rollup of failed_items: per tenant,
// day, scorecard and item, how many stored results failed the item; it is
// what Summary's TopFailing reads.
//
// # Reads
//
// Every key has one row (Write replaces rows instead of adding them), so
// reads need no de-duplication. A read of several queries (Summary, Queue,
// Trend, Agent) runs them in one transaction: one snapshot. The review
// queue counts and picks its page from the results alone (a status filter
// is a condition on the result's key against reviews) and joins only the
// page's entries to their review counts; coaching examples pick findings
// by item and verdict and read the S2 documents of the chosen results
// only.
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
// that path scans the stored tables. The findings of a replaced result
// stay in finding_rows, unreferenced (see Performance).
//
// In the same transaction Write keeps failed_counts: it adds the failed
// items of the results it stores and, for re-deliveries, subtracts those
// of the results they replace (a count may reach 0; readers skip it).
//
// A result replaces only the stored result of its own key, so results of
// other scorecard versions written earlier are kept, and a later failed
// outcome does not remove results already stored.
//
// One Store must own a file: result ids come from a sequence, but the
// writer caches the items table.
//
// # Performance
//
// The console's reads over 1,000,000 interactions (storetest.BenchOutcome:
// 4 tenants, 2 scorecards, 60 days, 400 agents, 16 % flagged; 1 %
// re-delivered, 4,118 reviews), a file store as Open sets it (1 DuckDB
// thread, 128 MB), on a 2-core AMD EPYC shared with other work; 100 runs
// of each shape with varied tenants, days and filters, after 3 unmeasured
// ones, in ms:
//
//	shape           p50    p95    max
//	dashboard        74    241    326   Summary+Trend+Coverage (+Queue total when narrowed)
//	queue            37     78     96   first page
//	queue-filtered   56    262    545   severity, item, status, agent, team, queue, channel; pages 1-3
//	coaching        559   1745   3131
//	agent            21    103    116
//
// Before failed_counts and the status rewrite of the queue, dashboard's
// p95 was 531 ms (TopFailing alone about 250 ms) and queue-filtered's
// 365 ms. Coaching scans finding_rows (33 million rows) for the item and
// joins the matching results: it is the slow read. Loading the million
// takes about 4.5 minutes. Reproduce (ZHIJIAN_BENCH_DB=file keeps the
// store for later runs):
//
//	ZHIJIAN_BENCH_ROWS=1000000 go test ./store/duckdb -run '^$' -bench ConsoleQueries -benchtime 1x -timeout 60m
//
// make bench runs the same over 50,000 interactions.
//
// Re-deliveries do not wedge Write. DuckDB keeps about 256 KB in memory,
// until the next checkpoint, for every row group a DELETE touches, and
// re-delivered results are spread over the whole file: deleting their
// finding_rows (16,384 rows a group; 2,300 groups for a million results)
// pinned about 12 MB per Write of 500, ran out of the 128 MB limit after a
// few such Writes (or in one of 10,000), and then every Write failed until
// the file was reopened. Write no longer deletes the replaced results'
// finding_rows: they stay unreferenced (every read joins them to results),
// 38 rows per replaced result, about 1 % more rows at the benchmark's
// re-delivery rate. What the remaining DELETE of results and UPDATE of
// outcomes keep grew to 20 MB over 60 Writes of 500 re-deliveries spread
// over 200,000 results (106 MB pinned by the first Write before), until
// the WAL's checkpoint. Should a Write still run out of memory, it
// checkpoints, which releases that memory, and retries once on a new
// connection. TestRedeliveriesKeepWithinMemory reproduces it on 12,000
// interactions with a 32 MB limit.
//
// # Errors
//
// Input that cannot be stored (no tenant or interaction id, an unknown
// status or verdict, a nil result, a result of another interaction, a
// result that does not encode as JSON) fails the whole batch before
// anything is written; retrying it cannot succeed.
package duckdb
