package storetest

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// BenchRowsEnv sets how many interactions BenchConsole loads.
const BenchRowsEnv = "ZHIJIAN_BENCH_ROWS"

// BenchRunsEnv sets how many times BenchConsole runs each query shape
// (DefaultBenchRuns when unset).
const BenchRunsEnv = "ZHIJIAN_BENCH_RUNS"

// DefaultBenchRows is how many interactions BenchConsole loads when
// BenchRowsEnv is unset: a size `make bench` loads in seconds. The
// product's target is measured with BenchRowsEnv=1000000.
const DefaultBenchRows = 50_000

// DefaultBenchRuns is how many times BenchConsole runs each query shape
// when BenchRunsEnv is unset.
const DefaultBenchRuns = 100

// benchWarmup is how many runs of each shape go before the measured ones:
// the first reads of a store just loaded fill caches.
const benchWarmup = 3

// benchDays is how many days the benchmark's interactions span, from
// benchStart; benchVersion is their scorecards' version.
const (
	benchDays    = 60
	benchVersion = "2026.01"
)

var benchStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// benchTenant is one client of the contact center the benchmark loads.
type benchTenant struct {
	name      string
	share     int // percent of the interactions
	scorecard string
	items     []benchItem
	loc       *time.Location
	lang      string
	channels  []weighted[schemas.Channel]
	// agents are agent-<agent0> … agent-<agent0+agents-1>, who work for
	// this tenant only.
	agent0, agents int
}

// benchItem is a scorecard item with the rates its verdicts come at.
type benchItem struct {
	item
	fail, na float64 // shares of fail and na, before agent and call factors
}

type weighted[T any] struct {
	v T
	w int
}

func pick[T any](u float64, ws []weighted[T]) T {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := int(u * float64(total))
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return ws[len(ws)-1].v
}

// Fail rates: critical items rarely fail, major ones sometimes, minor ones
// more often, and a few soft skills and procedures fail a lot; na is for
// items that only apply to some calls. Agents fail at 0.4 to 1.6 times the
// rate (one in twenty at 3 times), and 15 % of calls are hard ones, at 3
// times too: about one result in six is flagged, one in eight auto-failed.
var (
	rates = map[string]float64{schemas.Critical: 0.02, schemas.Major: 0.05, schemas.Minor: 0.07}
	hard  = map[string]float64{"empathy": 0.18, "summarize": 0.15, "hold_notice": 0.12, "active_listening": 0.10,
		"offer_compensation": 0.14, "explain_delay_reason": 0.12, "response_time": 0.10, "apology": 0.10}
	notApplicable = map[string]float64{"offer_redelivery": 0.4, "offer_self_pickup": 0.6, "offer_compensation": 0.6,
		"escalate_correctly": 0.7, "set_callback": 0.5, "hold_notice": 0.5, "data_consent": 0.2, "offer_refund": 0.5,
		"offer_replacement": 0.6, "payment_card_safety": 0.6, "no_long_silence": 0.1, "no_overtalk": 0.1}
)

func benchItems(items []item) []benchItem {
	out := make([]benchItem, len(items))
	for i, it := range items {
		fail, ok := hard[it.id]
		if !ok {
			fail = rates[it.severity]
		}
		na, ok := notApplicable[it.id]
		if !ok {
			na = 0.03
		}
		out[i] = benchItem{it, fail, na}
	}
	return out
}

// ecommerceItems is the 25-item ecommerce-en scorecard.
var ecommerceItems = []item{
	{"opening", "greeting", "rule", schemas.Minor, 2},
	{"opening", "verify_identity", "rule", schemas.Critical, 5},
	{"opening", "confirm_order", "rule", schemas.Major, 3},
	{"understanding", "restate_issue", "llm", schemas.Minor, 3},
	{"understanding", "check_order_status", "rule", schemas.Major, 3},
	{"understanding", "ask_clarifying", "llm", schemas.Minor, 2},
	{"resolution", "offer_refund", "llm", schemas.Major, 3},
	{"resolution", "offer_replacement", "llm", schemas.Minor, 2},
	{"resolution", "correct_policy", "llm", schemas.Major, 3},
	{"resolution", "no_false_promise", "llm", schemas.Critical, 5},
	{"resolution", "escalate_correctly", "llm", schemas.Critical, 5},
	{"resolution", "confirm_solution", "llm", schemas.Major, 3},
	{"compliance", "no_rude_language", "rule", schemas.Critical, 5},
	{"compliance", "privacy_masking", "rule", schemas.Critical, 5},
	{"compliance", "payment_card_safety", "rule", schemas.Critical, 5},
	{"compliance", "data_consent", "rule", schemas.Major, 3},
	{"soft_skills", "empathy", "llm", schemas.Minor, 2},
	{"soft_skills", "apology", "rule", schemas.Minor, 2},
	{"soft_skills", "clear_language", "llm", schemas.Minor, 2},
	{"soft_skills", "positive_tone", "llm", schemas.Minor, 2},
	{"timing", "response_time", "rule", schemas.Minor, 2},
	{"timing", "hold_notice", "rule", schemas.Minor, 2},
	{"closing", "summarize", "llm", schemas.Minor, 2},
	{"closing", "ask_other_needs", "rule", schemas.Minor, 2},
	{"closing", "closing_thanks", "rule", schemas.Minor, 1},
}

// benchTenants are four clients of one BPO: two couriers on the 38-item
// logistics-zh scorecard, mostly voice, and two shops on the 25-item
// ecommerce-en one, mostly chat and email; 400 agents in all.
var benchTenants = func() []benchTenant {
	logistics, ecommerce := benchItems(logisticsItems), benchItems(ecommerceItems)
	zh := []weighted[schemas.Channel]{{schemas.Voice, 85}, {schemas.Chat, 15}}
	en := []weighted[schemas.Channel]{{schemas.Chat, 60}, {schemas.Email, 25}, {schemas.Voice, 15}}
	return []benchTenant{
		{Acme, 40, Logistics, logistics, shanghai, "zh-CN", zh, 0, 160},
		{Shopfast, 30, Ecommerce, ecommerce, newYork, "en-US", en, 160, 120},
		{"swiftship", 20, Logistics, logistics, shanghai, "zh-CN", zh, 280, 80},
		{"cloudmall", 10, Ecommerce, ecommerce, newYork, "en-US", en, 360, 40},
	}
}()

var (
	benchTeams  = []string{"south-china", "east-china", "north-china", "overseas"}
	benchQueues = []weighted[string]{{"delivery", 45}, {"returns", 25}, {"claims", 20}, {"billing", 10}}
)

// tenantOf returns the tenant of interaction i: by share, interleaved.
func tenantOf(i int) *benchTenant {
	n := i % 100
	for k := range benchTenants {
		if n < benchTenants[k].share {
			return &benchTenants[k]
		}
		n -= benchTenants[k].share
	}
	return &benchTenants[0]
}

func agentID(n int) string { return fmt.Sprintf("agent-%04d", n) }

// teamOf returns the team of agent n: agents stay in their team.
func teamOf(n int) string { return benchTeams[n%len(benchTeams)] }

// skill returns how often agent n fails items, relative to the rates.
func skill(n int) float64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(agentID(n)))
	u := float64(h.Sum32()%1000) / 1000
	if u < 0.05 {
		return 3
	}
	return 0.4 + 1.2*u
}

// BenchOutcome returns the i-th of n interactions the console benchmark
// loads, and whether its result is flagged: interactions of BenchConsole's
// four tenants (40/30/20/10 %), spread evenly over 60 days from 2026-01-05
// in the order they happen, 8:00 to 22:00 in the tenant's time zone, by
// 400 agents in 4 teams, on 4 queues and 3 channels. 1.5 % fail before
// scoring; the others have one result of every finding of their tenant's
// scorecard (38 or 25 items), with evidence, at fail rates that vary by
// item, agent and call. received is when it is delivered.
func BenchOutcome(i, n int, received time.Time) (o store.Outcome, flagged bool) {
	rng := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	t := tenantOf(i)
	dayIndex := int(int64(i) * benchDays / int64(max(n, 1)))
	d := benchStart.AddDate(0, 0, dayIndex)
	started := time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, t.loc).
		Add(time.Duration(rng.Float64() * float64(14*time.Hour))).Truncate(time.Millisecond)
	id := fmt.Sprintf("call-%08d", i)
	o = store.Outcome{Tenant: t.name, InteractionID: id, Day: store.DayOf(started), ReceivedAt: received}
	if rng.IntN(1000) < 15 {
		o.Status, o.Reason = store.Failed, "asr: transcript timed out"
		return o, false
	}
	agent := t.agent0 + rng.IntN(t.agents)
	factor := skill(agent)
	if rng.IntN(100) < 15 {
		factor *= 3 // a hard call
	}
	r := &schemas.Result{
		InteractionID:    id,
		Tenant:           t.name,
		Channel:          pick(rng.Float64(), t.channels),
		Language:         t.lang,
		Queue:            pick(rng.Float64(), benchQueues),
		AgentID:          agentID(agent),
		Team:             teamOf(agent),
		StartedAt:        started,
		Scorecard:        t.scorecard,
		ScorecardVersion: benchVersion,
		ProcessedAt:      started.Add(7*time.Minute + time.Duration(rng.IntN(300_000))*time.Millisecond),
	}
	scoredCall(r, "2026.01-1a2b")
	var got, possible float64
	r.Findings = make([]schemas.Finding, 0, len(t.items))
	for j, it := range t.items {
		f := schemas.Finding{Item: it.id, Section: it.section, Kind: it.kind, Severity: it.severity, MaxPoints: it.points}
		switch it.kind {
		case "rule":
			f.Confidence = 0.9 + float64(rng.IntN(11))/100
		case "audio":
			f.Confidence = 0.7 + float64(rng.IntN(31))/100
		default:
			f.Confidence = 0.5 + float64(rng.IntN(50))/100
		}
		switch u := rng.Float64(); {
		case it.kind == "llm" && u < 0.004:
			f.Verdict = schemas.NotEvaluated
			r.Coverage = schemas.CoveragePartial
		case u < 0.004+it.na:
			f.Verdict = schemas.NA
		case u < 0.004+it.na+min(it.fail*factor, 0.9)*(1-it.na):
			f.Verdict = schemas.Fail
			f.Rationale = "坐席未按规范执行该项。"
			f.Evidence = []schemas.Evidence{{Turn: j % 20, Start: 0, End: 12, Quote: quote(i, j), OffsetMS: int64(j) * 4100}}
		default:
			f.Verdict = schemas.Pass
			f.Points = it.points
			f.Evidence = []schemas.Evidence{{Turn: j % 20, Start: 0, End: 12, Quote: quote(i, j), OffsetMS: int64(j) * 4100}}
		}
		if f.Verdict == schemas.Pass || f.Verdict == schemas.Fail {
			got += f.Points
			possible += f.MaxPoints
		}
		if f.Verdict == schemas.Fail && it.severity == schemas.Critical {
			r.AutoFailed = true
		}
		r.Findings = append(r.Findings, f)
	}
	if possible > 0 {
		r.Score = math.Floor(got/possible*1000) / 10
	}
	r.Passed = r.Score >= 80 && !r.AutoFailed
	if r.AutoFailed {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagCriticalFailure)
	}
	if r.Score < 80 {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagBelowPassMark)
	}
	r.Flagged = len(r.FlagReasons) > 0
	o.Status, o.Results = store.StatusOf(r), []*schemas.Result{r}
	return o, r.Flagged
}

// BenchConsole loads a store with realistic scored interactions (see
// BenchOutcome; 1 % of them delivered twice, 1 in 40 flagged results
// reviewed) and reports the latency of the console's reads over varied
// filters as p50-ms, p95-ms and max-ms, per shape:
//
//   - dashboard: one dashboard request, every store call it makes
//     (console.loadDashboard: Summary with TopFailing, Trend, Queue's
//     total when a channel, queue or team narrows it, and Coverage over
//     the caller's tenants); summary-p95-ms, trend-p95-ms and
//     coverage-p95-ms are its calls'
//   - queue: the review queue's first page, no filter but tenants and days
//   - queue-filtered: the queue with the filters QA leads use (severity,
//     item, status, agent, team, queue, channel) and a page of 1 to 3
//   - coaching: coaching examples of an item's verdict
//   - agent: an agent's view
//
// Loading is the Load sub-benchmark's (load-s, outcomes/s). Each shape
// runs BenchRunsEnv times (DefaultBenchRuns) after benchWarmup unmeasured
// runs; b.N repeats them. It loads BenchRowsEnv interactions
// (DefaultBenchRows when unset), in Writes of batchSize outcomes, unless
// the store holds as many already (a store kept from an earlier run).
// Run it once per shape:
//
//	ZHIJIAN_BENCH_ROWS=1000000 go test ./store/duckdb -run '^$' -bench ConsoleQueries -benchtime 1x -timeout 60m
func BenchConsole(b *testing.B, open func(b *testing.B) store.Store, batchSize int) {
	n := envInt(b, BenchRowsEnv, DefaultBenchRows)
	runs := envInt(b, BenchRunsEnv, DefaultBenchRuns)
	s := open(b)
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	sum, err := s.Summary(b.Context(), store.Filter{}, 0)
	if err != nil {
		b.Fatal(err)
	}
	held := sum.Received >= int64(n) // a store kept from an earlier run
	ran := false
	ok := b.Run("Load", func(b *testing.B) {
		ran = true
		if held {
			b.Skipf("the store holds %d interactions already", sum.Received)
		}
		start := time.Now()
		loadBench(b, s, n, batchSize)
		secs := time.Since(start).Seconds()
		b.ReportMetric(secs, "load-s")
		b.ReportMetric(float64(n)/secs, "outcomes/s")
	})
	if !ok {
		b.FailNow()
	}
	if !ran && !held { // -bench left Load out: load all the same
		loadBench(b, s, n, batchSize)
	}
	if sum, err := s.Summary(b.Context(), store.Filter{}, 0); err == nil {
		b.Logf("%d interactions: %d results, %d flagged, %d passed, average score %.1f",
			sum.Received, sum.Results, sum.Flagged, sum.Passed, sum.AvgScore)
	}
	ctx := b.Context()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, q := range []struct {
		name string
		// run makes one request's calls; parts, when set, gets each call's
		// latency by name.
		run func(parts map[string]time.Duration) error
	}{
		{"dashboard", func(parts map[string]time.Duration) error {
			return benchDashboard(ctx, s, rng, parts)
		}},
		{"queue", func(map[string]time.Duration) error {
			_, _, err := s.Queue(ctx, store.QueueFilter{Filter: benchFilter(rng)})
			return err
		}},
		{"queue-filtered", func(map[string]time.Duration) error {
			_, _, err := s.Queue(ctx, benchQueueFilter(rng))
			return err
		}},
		{"coaching", func(map[string]time.Duration) error {
			_, err := s.Coaching(ctx, benchCoachingFilter(rng))
			return err
		}},
		{"agent", func(map[string]time.Duration) error {
			f := benchFilter(rng)
			t := benchTenantIn(rng, f)
			_, err := s.Agent(ctx, f, agentID(t.agent0+rng.IntN(t.agents)))
			return err
		}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for range benchWarmup {
				if err := q.run(nil); err != nil {
					b.Fatal(err)
				}
			}
			var lat []time.Duration
			parts := map[string][]time.Duration{}
			for b.Loop() {
				for range runs {
					p := map[string]time.Duration{}
					start := time.Now()
					if err := q.run(p); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
					for k, d := range p {
						parts[k] = append(parts[k], d)
					}
				}
			}
			reportLatency(b, "", lat)
			for k, l := range parts {
				b.ReportMetric(ms(percentile(l, 95)), k+"-p95-ms")
			}
		})
	}
}

func envInt(b *testing.B, name string, def int) int {
	env := os.Getenv(name)
	if env == "" {
		return def
	}
	v, err := strconv.Atoi(env)
	if err != nil || v < 1 {
		b.Fatalf("%s=%q: want a positive number", name, env)
	}
	return v
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentile returns the p-th percentile of lat (nearest rank), sorting it.
func percentile(lat []time.Duration, p int) time.Duration {
	slices.Sort(lat)
	k := (len(lat)*p + 99) / 100
	return lat[max(k-1, 0)]
}

func reportLatency(b *testing.B, prefix string, lat []time.Duration) {
	b.ReportMetric(ms(percentile(lat, 50)), prefix+"p50-ms")
	b.ReportMetric(ms(percentile(lat, 95)), prefix+"p95-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), prefix+"max-ms")
}

// timed runs fn, adding its latency to parts[name] when parts is set.
func timed(parts map[string]time.Duration, name string, fn func() error) error {
	start := time.Now()
	err := fn()
	if parts != nil {
		parts[name] += time.Since(start)
	}
	return err
}

// benchDashboard makes the store calls of one dashboard request, as
// console.loadDashboard does: a client sees their tenant; BPO staff all
// tenants, or one or two they pick.
func benchDashboard(ctx context.Context, s store.Store, rng *rand.Rand, parts map[string]time.Duration) error {
	f := store.TrendFilter{Filter: benchFilter(rng)}
	var scope []string // the caller's tenants; nil for all
	if len(f.Tenants) == 1 && rng.IntN(10) < 8 {
		scope = f.Tenants // a client
	}
	switch rng.IntN(10) {
	case 0:
		f.Team = benchTeams[rng.IntN(len(benchTeams))]
	case 1:
		f.Queue = pick(rng.Float64(), benchQueues)
	case 2:
		f.Channel = string([]schemas.Channel{schemas.Voice, schemas.Chat, schemas.Email}[rng.IntN(3)])
	}
	if err := timed(parts, "summary", func() error {
		_, err := s.Summary(ctx, f.Filter, 10)
		return err
	}); err != nil {
		return err
	}
	if err := timed(parts, "trend", func() error {
		_, err := s.Trend(ctx, f)
		return err
	}); err != nil {
		return err
	}
	if f.Channel != "" || f.Queue != "" || f.Team != "" {
		if err := timed(parts, "flagged", func() error {
			_, _, err := s.Queue(ctx, store.QueueFilter{Filter: f.Filter, Channel: f.Channel, Queue: f.Queue, Team: f.Team, Limit: 1})
			return err
		}); err != nil {
			return err
		}
	}
	return timed(parts, "coverage", func() error {
		_, err := s.Coverage(ctx, store.Filter{Tenants: scope, From: f.From, To: f.To})
		return err
	})
}

// benchFilter returns a filter like the console's: one tenant mostly
// (clients see their own), sometimes two or all (BPO staff); all days
// (the console's default), the last 30 days, a week or a day.
func benchFilter(rng *rand.Rand) store.Filter {
	var f store.Filter
	switch k := rng.IntN(10); {
	case k < 7:
		f.Tenants = []string{pick(rng.Float64(), tenantWeights)}
	case k < 9:
		f.Tenants = []string{benchTenants[0].name, benchTenants[1+rng.IntN(len(benchTenants)-1)].name}
	}
	last := benchStart.AddDate(0, 0, benchDays-1)
	switch k := rng.IntN(20); {
	case k < 6: // all days
	case k < 9:
		f.From, f.To = last.AddDate(0, 0, -29), last
	case k < 16:
		f.From = benchStart.AddDate(0, 0, rng.IntN(benchDays-6))
		f.To = f.From.AddDate(0, 0, 6)
	default:
		f.From = benchStart.AddDate(0, 0, rng.IntN(benchDays))
		f.To = f.From
	}
	return f
}

var tenantWeights = func() []weighted[string] {
	var ws []weighted[string]
	for _, t := range benchTenants {
		ws = append(ws, weighted[string]{t.name, t.share})
	}
	return ws
}()

// benchTenantIn returns one of f's tenants, by share when f has none.
func benchTenantIn(rng *rand.Rand, f store.Filter) *benchTenant {
	name := pick(rng.Float64(), tenantWeights)
	if len(f.Tenants) > 0 {
		name = f.Tenants[rng.IntN(len(f.Tenants))]
	}
	for k := range benchTenants {
		if benchTenants[k].name == name {
			return &benchTenants[k]
		}
	}
	return &benchTenants[0]
}

// benchQueueFilter returns a review queue filter as QA leads set them,
// with a page of 1 to 3.
func benchQueueFilter(rng *rand.Rand) store.QueueFilter {
	f := store.QueueFilter{Filter: benchFilter(rng), Offset: store.DefaultQueueLimit * rng.IntN(3)}
	t := benchTenantIn(rng, f.Filter)
	severities := []string{schemas.Critical, schemas.Major, schemas.Minor}
	statuses := []string{store.ReviewOpen, store.ReviewInReview, store.ReviewDone}
	switch rng.IntN(9) {
	case 0:
		f.Severity = schemas.Critical
	case 1:
		f.Severity = severities[rng.IntN(3)]
		f.Status = store.ReviewOpen
	case 2:
		f.Items = []string{t.items[rng.IntN(len(t.items))].id}
	case 3:
		f.Items = []string{t.items[rng.IntN(len(t.items))].id, t.items[rng.IntN(len(t.items))].id}
		f.Severity = schemas.Major
	case 4:
		f.Status = statuses[rng.IntN(3)]
	case 5:
		f.Agent = agentID(t.agent0 + rng.IntN(t.agents))
	case 6:
		f.Team, f.Severity = benchTeams[rng.IntN(len(benchTeams))], severities[rng.IntN(3)]
	case 7:
		f.Queue, f.Status = pick(rng.Float64(), benchQueues), store.ReviewOpen
	case 8:
		f.Channel = string(pick(rng.Float64(), t.channels))
		f.Severity = schemas.Critical
	}
	return f
}

// benchCoachingFilter returns a coaching filter as trainers set them: an
// item of a tenant's scorecard, its best or worst examples, for a team or
// an agent sometimes.
func benchCoachingFilter(rng *rand.Rand) store.CoachingFilter {
	f := store.CoachingFilter{Filter: benchFilter(rng), Verdict: schemas.Pass}
	t := benchTenantIn(rng, f.Filter)
	f.Item = t.items[rng.IntN(len(t.items))].id
	if rng.IntN(2) == 0 {
		f.Verdict = schemas.Fail
	}
	if rng.IntN(2) == 0 {
		f.Scorecard = t.scorecard
	}
	switch rng.IntN(5) {
	case 0, 1:
		f.Team = benchTeams[rng.IntN(len(benchTeams))]
	case 2:
		f.Agent = agentID(t.agent0 + rng.IntN(t.agents))
	}
	return f
}

// benchBatch is one Write's outcomes and the reviews to add after.
type benchBatch struct {
	outcomes []store.Outcome
	again    int // how many of outcomes are re-deliveries
	reviews  []store.Review
}

// benchReviewEvery is how many flagged results go by per reviewed one.
const benchReviewEvery = 40

// loadBench writes n interactions in batches of size, generated on every
// core while the previous batch is written; each batch also delivers 1 %
// of the previous one's again (a later ReceivedAt), as a stream does.
// Then it adds the reviews of 1 in benchReviewEvery flagged results: one
// review of a failed item, done for 60 % of them, overturned for 15 %.
func loadBench(b *testing.B, s store.Store, n, size int) {
	received := benchStart.AddDate(0, 0, benchDays).Add(10 * time.Hour)
	batches := make(chan benchBatch, 1)
	workers := runtime.GOMAXPROCS(0)
	ctx := b.Context()
	go func() {
		defer close(batches)
		for start := 0; start < n; start += size {
			batch := make([]store.Outcome, min(size, n-start))
			flagged := make([]bool, len(batch))
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for k := w; k < len(batch); k += workers {
						batch[k], flagged[k] = BenchOutcome(start+k, n, received)
					}
				})
			}
			wg.Wait()
			var reviews []store.Review
			for k, o := range batch {
				if !flagged[k] || (start+k)%benchReviewEvery != 0 {
					continue
				}
				reviews = append(reviews, benchReview(o, start+k))
			}
			// 1 % of the previous batch again, an hour later.
			fresh := len(batch)
			if start > 0 {
				for i := start - size + 37; i < start; i += 100 {
					o, _ := BenchOutcome(i, n, received.Add(time.Hour))
					batch = append(batch, o)
				}
			}
			select {
			case batches <- benchBatch{batch, len(batch) - fresh, reviews}:
			case <-ctx.Done():
				return
			}
		}
	}()
	written, redelivered := 0, 0
	var reviews []store.Review
	for batch := range batches {
		if err := s.Write(ctx, batch.outcomes); err != nil {
			b.Fatalf("load after %d outcomes: %v", written, err)
		}
		written += len(batch.outcomes)
		redelivered += batch.again
		reviews = append(reviews, batch.reviews...)
	}
	// Reviews, one at a time as reviewers add them, a few reviewers at once.
	work := make(chan store.Review)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for r := range work {
				if err := s.AddReview(ctx, r); err != nil {
					errs <- fmt.Errorf("review %s/%s: %w", r.Tenant, r.InteractionID, err)
					return
				}
			}
		})
	}
feed:
	for _, r := range reviews {
		select {
		case work <- r:
		case err := <-errs:
			b.Error(err)
			break feed
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.Logf("loaded %d outcomes, %d re-delivered, %d reviews", n, redelivered, len(reviews))
}

// benchReview returns the review of o's first failed finding.
func benchReview(o store.Outcome, i int) store.Review {
	r := o.Results[0]
	item := r.Findings[0].Item
	for _, f := range r.Findings {
		if f.Verdict == schemas.Fail {
			item = f.Item
			break
		}
	}
	rv := store.Review{Tenant: o.Tenant, InteractionID: o.InteractionID, Scorecard: r.Scorecard, Item: item,
		Reviewer: fmt.Sprintf("qa-%02d", i%12), Decision: store.Confirm, Verdict: schemas.Fail, AIVerdict: schemas.Fail,
		Done: i%5 < 3, At: o.ReceivedAt.Add(time.Duration(i%86400) * time.Second)}
	if i%20 < 3 {
		rv.Decision, rv.Verdict = store.Overturn, schemas.Pass
	}
	return rv
}
