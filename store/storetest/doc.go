// Package storetest owns the conformance suite every store.Store must pass,
// and the fixtures it is built from.
//
// An implementation runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := duckdb.Open("")
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// # Lifecycle
//
// Every subtest calls open for a new, empty store (migrated or not), calls
// Migrate itself, and closes the store when the subtest ends. open registers
// with t.Cleanup whatever else it needs removed (a database, a file).
//
// # What it checks
//
// Migrations are idempotent; results round trip through their JSON encoding
// (times compared at millisecond precision, in UTC); writes are idempotent
// within and across batches, and the latest ReceivedAt wins; scorecard
// versions are kept apart; failed outcomes count as received; Coverage and
// Summary follow the Filter's tenants and days and never leak other
// tenants' data; writes may run concurrently; empty batches are fine; bad
// input (no tenant or interaction id, an unknown status or verdict, a nil
// result, a result of another interaction) fails the whole batch with
// store.ErrInvalid, and a canceled context fails with another error.
//
// The console's methods are checked against hand-computed answers: the
// review queue's order (most severe, then latest) and each of its filters,
// its pages and total; review status from open to in_review to done;
// reviews kept in order, never changed; reviews of another tenant's
// interaction failing with store.ErrNotFound and bad fields with
// store.ErrInvalid; trends per day with and without a channel, queue or
// team; coaching examples in order, with their findings and evidence; the
// agent view. Every fixture has a re-delivered interaction that must count
// once, and tenant isolation is checked for every method, by filter and by
// id.
//
// RealisticOutcome builds the kind of outcome the pipeline writes (one
// result of 38 findings) for benchmarks. BenchConsole loads a store with
// BenchOutcome's interactions (several tenants and scorecards, 60 days,
// 400 agents, realistic fail rates, re-deliveries and reviews; 50,000 by
// default, a million for the product's figures) and reports the p50, p95
// and max latency of the console's reads per query shape.
package storetest
