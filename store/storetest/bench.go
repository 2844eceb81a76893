package storetest

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// BenchRowsEnv sets how many interactions BenchConsole loads.
const BenchRowsEnv = "ZHIJIAN_BENCH_ROWS"

// BenchRunsEnv sets how many times BenchConsole runs each query (200 when
// unset).
const BenchRunsEnv = "ZHIJIAN_BENCH_RUNS"

// DefaultBenchRows is how many interactions BenchConsole loads when
// BenchRowsEnv is unset.
const DefaultBenchRows = 1_000_000

// benchTenants share the benchmark's interactions, round robin.
var benchTenants = []string{Acme, Shopfast, "swiftship", "cloudmall"}

// BenchConsole loads a store with scored interactions (RealisticOutcome:
// one 38-finding result each, about half of them flagged, spread over 18
// days, 250 agents, 3 teams and queues, 4 tenants; 1 % delivered twice,
// 1 % reviewed)
// and reports the p95 latency of the console's reads over varied filters,
// 200 runs each, as "p95-ms" (and p50-ms, max-ms). Loading is reported by
// the Load sub-benchmark as load-s and outcomes/s.
//
// It loads BenchRowsEnv interactions (DefaultBenchRows when unset) unless
// the store holds as many already (a store kept from an earlier run), and
// skips unless BenchRowsEnv is set or the -bench pattern contains name,
// so that -bench=. does not load a million rows by surprise. batchSize is
// how many interactions one Write takes. Run it once:
//
//	go test -run '^$' -bench BenchmarkConsoleQueries -benchtime 1x ./store/duckdb
func BenchConsole(b *testing.B, name string, open func(b *testing.B) store.Store, batchSize int) {
	n := DefaultBenchRows
	env := os.Getenv(BenchRowsEnv)
	if env != "" {
		v, err := strconv.Atoi(env)
		if err != nil || v < 1 {
			b.Fatalf("%s=%q: want a positive number of interactions", BenchRowsEnv, env)
		}
		n = v
	} else if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), name) {
		b.Skipf("loads %d interactions: set %s or name %s in -bench", n, BenchRowsEnv, name)
	}
	s := open(b)
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Run("Load", func(b *testing.B) {
		if sum, err := s.Summary(b.Context(), store.Filter{}, 0); err != nil {
			b.Fatal(err)
		} else if sum.Received >= int64(n) {
			b.Skipf("the store holds %d interactions already", sum.Received)
		}
		start := time.Now()
		loadBench(b, s, n, batchSize)
		secs := time.Since(start).Seconds()
		b.ReportMetric(secs, "load-s")
		b.ReportMetric(float64(n)/secs, "outcomes/s")
	})
	rng := rand.New(rand.NewPCG(1, 2))
	queries := []struct {
		name string
		run  func() error
	}{
		{"Summary", func() error {
			_, err := s.Summary(b.Context(), benchFilter(rng), 10)
			return err
		}},
		{"Trend", func() error {
			f := store.TrendFilter{Filter: benchFilter(rng)}
			switch rng.IntN(4) {
			case 0:
				f.Team = []string{"south-china", "east-china", "north-china"}[rng.IntN(3)]
			case 1:
				f.Queue = []string{"delivery", "returns", "claims"}[rng.IntN(3)]
			case 2:
				f.Channel = "voice"
			}
			_, err := s.Trend(b.Context(), f)
			return err
		}},
		{"QueueFirstPage", func() error {
			_, _, err := s.Queue(b.Context(), store.QueueFilter{Filter: benchFilter(rng)})
			return err
		}},
		{"QueueFilteredPage", func() error {
			f := store.QueueFilter{Filter: benchFilter(rng), Offset: 50 * rng.IntN(3)}
			switch rng.IntN(5) {
			case 0:
				f.Severity = schemas.Critical
			case 1:
				f.Agent = fmt.Sprintf("agent-%04d", rng.IntN(250))
			case 2:
				f.Team, f.Severity = []string{"south-china", "east-china", "north-china"}[rng.IntN(3)], schemas.Major
			case 3:
				f.Items = []string{logisticsItems[rng.IntN(len(logisticsItems))].id}
			case 4:
				f.Queue, f.Status = "claims", store.ReviewOpen
			}
			_, _, err := s.Queue(b.Context(), f)
			return err
		}},
		{"Coaching", func() error {
			v := schemas.Pass
			if rng.IntN(2) == 0 {
				v = schemas.Fail
			}
			f := store.CoachingFilter{Filter: benchFilter(rng), Item: logisticsItems[rng.IntN(len(logisticsItems))].id, Verdict: v}
			if rng.IntN(2) == 0 {
				f.Team = []string{"south-china", "east-china", "north-china"}[rng.IntN(3)]
			}
			_, err := s.Coaching(b.Context(), f)
			return err
		}},
		{"Agent", func() error {
			_, err := s.Agent(b.Context(), benchFilter(rng), fmt.Sprintf("agent-%04d", rng.IntN(250)))
			return err
		}},
	}
	runs := 200
	if env := os.Getenv(BenchRunsEnv); env != "" {
		v, err := strconv.Atoi(env)
		if err != nil || v < 1 {
			b.Fatalf("%s=%q: want a positive number of runs", BenchRunsEnv, env)
		}
		runs = v
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				lat = lat[:0]
				for range runs {
					start := time.Now()
					if err := q.run(); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
				}
			}
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms")
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
		})
	}
}

// benchFilter returns a filter like the console's: one tenant mostly
// (clients see their own), sometimes two or all (BPO staff); a week, a
// day or all days.
func benchFilter(rng *rand.Rand) store.Filter {
	var f store.Filter
	switch k := rng.IntN(10); {
	case k < 7:
		f.Tenants = []string{benchTenants[rng.IntN(len(benchTenants))]}
	case k < 9:
		f.Tenants = []string{benchTenants[0], benchTenants[1+rng.IntN(len(benchTenants)-1)]}
	}
	first := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	switch rng.IntN(3) {
	case 0:
		f.From = first.AddDate(0, 0, rng.IntN(12))
		f.To = f.From.AddDate(0, 0, 6)
	case 1:
		f.From = first.AddDate(0, 0, rng.IntN(18))
		f.To = f.From
	}
	return f
}

// loadBench writes n interactions in batches of size, each batch also
// re-delivering 1 % of an earlier one's interactions.
func loadBench(b *testing.B, s store.Store, n, size int) {
	received := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	batches := make(chan []store.Outcome, 2)
	go func() {
		defer close(batches)
		for start := 0; start < n; start += size {
			batch := make([]store.Outcome, 0, size+size/100)
			for i := start; i < min(start+size, n); i++ {
				batch = append(batch, RealisticOutcome(benchTenants[i%len(benchTenants)], i, received))
			}
			if start > 0 {
				for j := range size / 100 {
					i := (start - size) + j*97%size
					batch = append(batch, RealisticOutcome(benchTenants[i%len(benchTenants)], i, received.Add(time.Minute)))
				}
			}
			select {
			case batches <- batch:
			case <-b.Context().Done():
				return
			}
		}
	}()
	written := 0
	for batch := range batches {
		if err := s.Write(b.Context(), batch); err != nil {
			b.Fatalf("load after %d outcomes: %v", written, err)
		}
		written += len(batch)
	}
	// QA reviews 1 % of the interactions, finishing half of them.
	for i := 0; i < n; i += 100 {
		r := store.Review{Tenant: benchTenants[i%len(benchTenants)], InteractionID: fmt.Sprintf("call-%08d", i),
			Scorecard: Logistics, Item: logisticsItems[i%len(logisticsItems)].id, Reviewer: "qa-bench",
			Decision: store.Confirm, Verdict: schemas.Fail, Done: i%200 == 0, At: received.Add(time.Duration(i) * time.Second)}
		if err := s.AddReview(b.Context(), r); err != nil {
			b.Fatalf("review %s: %v", r.InteractionID, err)
		}
	}
}
