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
// RealisticOutcome builds the kind of outcome the pipeline writes (one
// result of 38 findings) for benchmarks.
package storetest
