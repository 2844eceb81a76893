// Package store owns where scored interactions live: the Store interface
// that the pipeline writes to and the console reads from, the coverage
// accounting behind every dashboard, and the versioned migrations applied
// to a store.
//
// Two implementations pass one conformance suite (store/storetest):
// store/duckdb, the embedded default (one file, no server), and
// store/clickhouse for production. Their DDL lives in schemas/sql.
package store
