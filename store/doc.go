// Package store owns where scored interactions live: the Store interface
// that the pipeline writes to and the console reads from, the coverage
// accounting behind every dashboard, and the versioned migrations applied
// to a store.
//
// Besides coverage and summaries, a Store answers what the console needs
// (console.go): the review queue of flagged results and the reviews QA
// adds to it (append-only), trends by day, coaching examples per item and
// verdict, and one agent's view. Every read keeps to Filter.Tenants: an
// interaction of another tenant is, to the caller, one that does not
// exist.
//
// Two implementations pass one conformance suite (store/storetest):
// store/duckdb, the embedded default (one file, no server), and
// store/clickhouse for production. Their DDL lives in schemas/sql.
package store
