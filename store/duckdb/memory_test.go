//go:build cgo

package duckdb

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

// TestRedeliveriesKeepWithinMemory writes re-deliveries spread over a whole
// checkpointed file under a memory limit scaled down to the file's size.
// Write used to delete the replaced results' finding_rows, which pinned
// about 256 KB per row group of finding_rows it touched until the next
// checkpoint: a few such Writes (or one large one) ran out of the limit,
// and every Write failed after that until the file was reopened.
func TestRedeliveriesKeepWithinMemory(t *testing.T) {
	const (
		n     = 12_000 // interactions stored: 456,000 finding rows, 28 row groups
		batch = 1_000
		step  = 24 // every step-th interaction re-delivered, 500 a Write
	)
	defer func(l string) { memoryLimit = l }(memoryLimit)
	memoryLimit = "32MB"
	path := filepath.Join(t.TempDir(), "zhijian.duckdb")
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	s := openT(t, path)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	for lo := 0; lo < n; lo += batch {
		b := make([]store.Outcome, 0, batch)
		for i := lo; i < lo+batch; i++ {
			b = append(b, storetest.RealisticOutcome(storetest.Acme, i, at))
		}
		if err := s.Write(t.Context(), b); err != nil {
			t.Fatalf("load at %d: %v", lo, err)
		}
	}
	// Reopen: the rows are checkpointed, as in a long-running file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, path)
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	for w := range step {
		again := at.Add(time.Duration(w+1) * time.Minute)
		var b []store.Outcome
		for i := w; i < n; i += step {
			b = append(b, storetest.RealisticOutcome(storetest.Acme, i, again))
		}
		if err := s.Write(t.Context(), b); err != nil {
			t.Fatalf("re-delivery write %d of %d: %v", w+1, step, err)
		}
		// Deleting the findings pinned 9 MB here.
		if mb := pinnedMB(t, s); mb > 4 {
			t.Fatalf("after re-delivery write %d of %d, DuckDB cannot free %d MB", w+1, step, mb)
		}
	}
	if err := s.Write(t.Context(), []store.Outcome{storetest.RealisticOutcome(storetest.Acme, n, at)}); err != nil {
		t.Fatalf("new interaction after the re-deliveries: %v", err)
	}
	sum, err := s.Summary(t.Context(), store.Filter{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Received != n+1 || sum.Results != n+1 {
		t.Errorf("Summary: %d received, %d results; want %d each", sum.Received, sum.Results, n+1)
	}
	want := storetest.RealisticOutcome(storetest.Acme, step-1, at.Add(step*time.Minute))
	rs, err := s.Results(t.Context(), store.Filter{}, want.InteractionID)
	if err != nil || len(rs) != 1 || len(rs[0].Findings) != len(want.Results[0].Findings) {
		t.Fatalf("Results of a re-delivered interaction: %d results, err %v", len(rs), err)
	}
}

// pinnedMB returns, within a megabyte, how much memory DuckDB cannot free:
// the lowest memory limit it accepts (it refuses one it cannot evict down
// to). It restores memoryLimit.
func pinnedMB(t *testing.T, s *Store) int {
	t.Helper()
	lo, hi := 0, 64
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if _, err := s.db.Exec(`SET memory_limit = '` + strconv.Itoa(m) + `MB'`); err != nil {
			lo = m
		} else {
			hi = m
		}
	}
	if _, err := s.db.Exec(`SET memory_limit = '` + memoryLimit + `'`); err != nil {
		t.Fatal(err)
	}
	return hi
}
