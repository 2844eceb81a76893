//go:build cgo

package duckdb

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

const benchBatch = 500

// BenchmarkWrite writes batches of 500 outcomes of one 38-finding result
// each, the pipeline's shape. redelivered is the share of each batch that
// repeats interactions of the previous batch (the slower merge path).
func BenchmarkWrite(b *testing.B) {
	for _, bc := range []struct {
		name        string
		file        bool
		redelivered int // per batch
	}{
		{"memory", false, 0},
		{"file", true, 0},
		{"file-redelivered-5pct", true, benchBatch / 20},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := ""
			if bc.file {
				path = filepath.Join(b.TempDir(), "bench.duckdb")
			}
			s, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
			next, written := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				batch := make([]store.Outcome, 0, benchBatch)
				for j := range benchBatch - bc.redelivered {
					batch = append(batch, storetest.RealisticOutcome(storetest.Acme, next+j, at))
				}
				for j := range bc.redelivered {
					if next > 0 {
						batch = append(batch, storetest.RealisticOutcome(storetest.Acme, next-1-j, at.Add(time.Second)))
					}
				}
				next += benchBatch - bc.redelivered
				written += len(batch)
				b.StartTimer()
				if err := s.Write(b.Context(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(written)/b.Elapsed().Seconds(), "results/s")
		})
	}
}

// BenchmarkEncodeResult encodes one result of 38 findings as Write stores
// it: most of Write's CPU time outside DuckDB.
func BenchmarkEncodeResult(b *testing.B) {
	r := storetest.RealisticOutcome(storetest.Acme, 7, time.Now()).Results[0]
	e := newEncoder()
	var n int
	b.ReportAllocs()
	for b.Loop() {
		doc, err := e.encode(r)
		if err != nil {
			b.Fatal(err)
		}
		n = len(doc)
	}
	b.ReportMetric(float64(n), "stored-bytes")
}

// BenchmarkConsoleQueries loads a file store with realistic scored
// interactions and reports the latency (p50, p95, max) of the console's
// reads per query shape; see storetest.BenchConsole. ZHIJIAN_BENCH_ROWS
// sets how many (50,000 by default); ZHIJIAN_BENCH_DB names a file to keep
// the store in, loaded once and reused by later runs; by default it is
// temporary. The figures in doc.go come from:
//
//	ZHIJIAN_BENCH_ROWS=1000000 go test ./store/duckdb -run '^$' -bench ConsoleQueries -benchtime 1x -timeout 60m
func BenchmarkConsoleQueries(b *testing.B) {
	storetest.BenchConsole(b, func(b *testing.B) store.Store {
		path := os.Getenv("ZHIJIAN_BENCH_DB")
		if path == "" {
			path = filepath.Join(b.TempDir(), "bench.duckdb")
		}
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, consoleBenchBatch)
}

// consoleBenchBatch is how many outcomes one Write of the console
// benchmark's load holds.
const consoleBenchBatch = 10_000
