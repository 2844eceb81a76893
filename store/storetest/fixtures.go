package storetest

import (
	"fmt"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// Tenants and scorecards of the fixtures.
const (
	Acme     = "acme-express" // a courier, Mandarin voice calls
	Shopfast = "shopfast"     // an online shop, English chats
	Other    = "nordwind"     // a tenant with no data

	Logistics = "logistics-zh"
	Ecommerce = "ecommerce-en"
)

var (
	shanghai = time.FixedZone("CST", 8*3600)
	newYork  = time.FixedZone("EST", -5*3600)

	// Days of the fixtures, as store.DayOf gives them.
	day1 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	day2 = time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	day3 = time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)

	// received is when the fixtures' first deliveries arrived.
	received = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
)

// item is one scorecard item of a fixture scorecard.
type item struct {
	section, id, kind, severity string
	points                      float64
}

// logisticsItems is the 38-item logistics-zh scorecard.
var logisticsItems = []item{
	{"opening", "greeting", "rule", schemas.Minor, 2},
	{"opening", "self_introduction", "rule", schemas.Minor, 2},
	{"opening", "confirm_caller", "rule", schemas.Minor, 2},
	{"opening", "verify_identity", "rule", schemas.Critical, 5},
	{"opening", "confirm_waybill", "rule", schemas.Major, 3},
	{"understanding", "restate_issue", "llm", schemas.Minor, 3},
	{"understanding", "ask_pickup_address", "rule", schemas.Minor, 2},
	{"understanding", "ask_delivery_window", "rule", schemas.Minor, 2},
	{"understanding", "check_tracking", "rule", schemas.Major, 3},
	{"understanding", "explain_delay_reason", "llm", schemas.Major, 3},
	{"resolution", "offer_redelivery", "llm", schemas.Major, 3},
	{"resolution", "offer_self_pickup", "llm", schemas.Minor, 2},
	{"resolution", "offer_compensation", "llm", schemas.Major, 3},
	{"resolution", "escalate_correctly", "llm", schemas.Critical, 5},
	{"resolution", "set_callback", "rule", schemas.Minor, 2},
	{"resolution", "confirm_solution", "llm", schemas.Major, 3},
	{"resolution", "no_false_promise", "llm", schemas.Critical, 5},
	{"resolution", "correct_policy", "llm", schemas.Major, 3},
	{"compliance", "no_rude_language", "rule", schemas.Critical, 5},
	{"compliance", "no_blame_customer", "llm", schemas.Major, 3},
	{"compliance", "privacy_masking", "rule", schemas.Critical, 5},
	{"compliance", "no_personal_contact", "rule", schemas.Major, 3},
	{"compliance", "recording_notice", "rule", schemas.Major, 3},
	{"compliance", "data_consent", "rule", schemas.Major, 3},
	{"soft_skills", "empathy", "llm", schemas.Minor, 2},
	{"soft_skills", "apology", "rule", schemas.Minor, 2},
	{"soft_skills", "patience", "llm", schemas.Minor, 2},
	{"soft_skills", "active_listening", "llm", schemas.Minor, 2},
	{"soft_skills", "clear_language", "llm", schemas.Minor, 2},
	{"soft_skills", "no_jargon", "rule", schemas.Minor, 1},
	{"soft_skills", "positive_tone", "audio", schemas.Minor, 2},
	{"timing", "no_long_silence", "audio", schemas.Major, 3},
	{"timing", "hold_notice", "rule", schemas.Minor, 2},
	{"timing", "no_overtalk", "audio", schemas.Minor, 2},
	{"timing", "response_time", "rule", schemas.Minor, 2},
	{"closing", "summarize", "llm", schemas.Minor, 2},
	{"closing", "ask_other_needs", "rule", schemas.Minor, 2},
	{"closing", "closing_thanks", "rule", schemas.Minor, 1},
}

var quotes = []string{
	"您好，这里是顺达快递，请问有什么可以帮您？",
	"我的包裹三天了还没到，单号是SF1234567890。",
	"非常抱歉给您带来不便，我马上帮您查询。",
	"您的快递目前在转运中心，预计明天送达。",
}

// quote returns a transcript line that differs per interaction and turn,
// so that compression sees text as varied as real transcripts.
func quote(n, i int) string {
	return fmt.Sprintf("%s（%d号，%02d:%02d）", quotes[(n+i)%len(quotes)], 1_000_003*n+i*7919, (n+i)%24, (n*i)%60)
}

// RealisticOutcome returns the n-th outcome of a stream like the
// pipeline's: one logistics-zh result with 38 findings of every verdict,
// evidence, metrics and scorer statuses. Interaction ids are unique per n.
func RealisticOutcome(tenant string, n int, receivedAt time.Time) store.Outcome {
	started := time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai).Add(time.Duration(n) * 1531 * time.Millisecond)
	r := &schemas.Result{
		InteractionID:    fmt.Sprintf("call-%08d", n),
		Tenant:           tenant,
		Channel:          schemas.Voice,
		Language:         "zh-CN",
		Queue:            []string{"delivery", "returns", "claims"}[n%3],
		AgentID:          fmt.Sprintf("agent-%04d", n%250),
		Team:             []string{"south-china", "east-china", "north-china"}[n%3],
		StartedAt:        started,
		Scorecard:        Logistics,
		ScorecardVersion: "2026.03",
		ProcessedAt:      started.Add(7*time.Minute + 312*time.Millisecond),
	}
	scoredCall(r, "2026.03-1a2b")
	var got, possible float64
	for i, it := range logisticsItems {
		f := schemas.Finding{
			Item: it.id, Section: it.section, Kind: it.kind, Severity: it.severity,
			MaxPoints: it.points, Confidence: 0.55 + float64((n+i)%45)/100,
			Evidence: []schemas.Evidence{{Turn: i % 20, Start: 0, End: 12, Quote: quote(n, i), OffsetMS: int64(i) * 4100}},
		}
		switch (n*7 + i*13) % 19 {
		case 0, 1:
			f.Verdict = schemas.Fail
			f.Rationale = "坐席未按规范执行该项。"
		case 2:
			f.Verdict = schemas.NA
		case 3:
			if it.kind == "llm" {
				f.Verdict = schemas.NotEvaluated
				r.Coverage = schemas.CoveragePartial
				break
			}
			fallthrough
		default:
			f.Verdict = schemas.Pass
			f.Points = it.points
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
		r.Score = float64(int(got/possible*1000)) / 10
	}
	r.Passed = r.Score >= 80 && !r.AutoFailed
	if r.AutoFailed {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagCriticalFailure)
	}
	if r.Score < 80 {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagBelowPassMark)
	}
	r.Flagged = len(r.FlagReasons) > 0
	return store.Outcome{
		Tenant: tenant, InteractionID: r.InteractionID, Day: store.DayOf(started),
		Status: store.StatusOf(r), ReceivedAt: receivedAt, Results: []*schemas.Result{r},
	}
}

// scoredCall sets what every realistic result shares: full coverage, a
// delivery-delay call's scenario, sentiment, metrics, LLM summary and
// usage, and scorer statuses.
func scoredCall(r *schemas.Result, promptVersion string) {
	r.Coverage, r.FlagReasons, r.Scenarios = schemas.CoverageFull, []string{}, []string{"delivery_delay"}
	r.Sentiment = &schemas.Sentiment{Negative: 2, Positive: 1, Score: -1.0 / 3}
	r.Metrics = metrics()
	r.Summary, r.Intents = "客户催件，包裹三天未更新。坐席核实后承诺24小时内回电。", []string{"催件"}
	r.LLM = &schemas.LLMUsage{Model: "qwen-plus", PromptVersion: promptVersion, PromptTokens: 1840,
		CompletionTokens: 412, Cost: 0.0021, Quotes: 6, UnverifiedQuotes: 1}
	r.TranscriptSource = "asr"
	r.Scorers = map[string]schemas.ScorerStatus{
		"rules": {Status: schemas.ScorerOK}, "llm": {Status: schemas.ScorerOK}, "audio": {Status: schemas.ScorerOK},
	}
	r.EngineVersion = "0.4.0"
}

func metrics() *schemas.Metrics {
	return &schemas.Metrics{
		Source: "audio", DurationMS: 412_000, AgentTalkMS: 201_500, CustomerTalkMS: 150_250,
		AgentTalkRatio: 0.5728, LongestSilenceMS: 9_200, TimedTurns: 42,
		Silences:  []schemas.Segment{{StartMS: 120_000, EndMS: 129_200, Turn: 17}},
		Overtalks: []schemas.Overtalk{{Segment: schemas.Segment{StartMS: 60_100, EndMS: 61_300, Turn: 9}, By: "agent"}},
		Holds:     []schemas.Segment{{StartMS: 200_000, EndMS: 245_000, Turn: 25}},
		AgentRate: 251.5, CustomerRate: 238.25, RateUnit: "chars",
		Responses: []schemas.Response{{Asked: 3, Turn: 4, WaitMS: 1_800, Responder: "agent"}, {Asked: 40, Turn: -1, WaitMS: 12_000, Responder: "agent"}},
	}
}

// fullResult returns a result with every field set, for round trips.
func fullResult(tenant, id, scorecard, version string) *schemas.Result {
	started := time.Date(2026, 3, 2, 9, 15, 30, 123_000_000, shanghai)
	return &schemas.Result{
		InteractionID: id, Tenant: tenant, Channel: schemas.Voice, Language: "zh-CN",
		Queue: "claims", AgentID: "agent-0042", Team: "south-china", StartedAt: started,
		Scorecard: scorecard, ScorecardVersion: version,
		Score: 62.5, AutoFailed: true, Flagged: true,
		FlagReasons: []string{schemas.FlagCriticalFailure, schemas.FlagEscalationRisk, schemas.FlagLowConfidence},
		Coverage:    schemas.CoveragePartial,
		Scenarios:   []string{"delivery_delay", "compensation_request"},
		Risks: []schemas.Risk{{ID: "complaint_threat", Evidence: []schemas.Evidence{
			{Turn: 12, Start: 0, End: 9, Quote: "我要去消费者协会投诉你们", OffsetMS: 95_400},
		}}},
		Sentiment:        &schemas.Sentiment{Negative: 5, Positive: 1, Score: -4.0 / 6},
		Metrics:          metrics(),
		Summary:          "Customer's parcel was lost; the agent filed a claim.",
		Intents:          []string{"丢件", "理赔"},
		LLM:              &schemas.LLMUsage{Model: "gpt-4o-mini", PromptVersion: "p1", Cached: true, Quotes: 3},
		TranscriptSource: "asr:paraformer-v2",
		Scorers: map[string]schemas.ScorerStatus{
			"rules": {Status: schemas.ScorerOK},
			"llm":   {Status: schemas.ScorerSkipped, Reason: "token budget exhausted"},
			"audio": {Status: schemas.ScorerError, Reason: "decode wav: unexpected EOF"},
		},
		Findings: []schemas.Finding{
			{Item: "greeting", Section: "opening", Kind: "rule", Verdict: schemas.Pass, Points: 2, MaxPoints: 2, Severity: schemas.Minor, Confidence: 1,
				Evidence: []schemas.Evidence{{Turn: 0, Start: 0, End: 5, Quote: "您好，这里", OffsetMS: 0}}},
			{Item: "verify_identity", Section: "opening", Kind: "rule", Verdict: schemas.Fail, MaxPoints: 5, Severity: schemas.Critical, Confidence: 0.97,
				Evidence: []schemas.Evidence{}, Rationale: "未核实寄件人手机号后四位。"},
			{Item: "explain_delay_reason", Section: "understanding", Kind: "llm", Verdict: schemas.NotEvaluated, MaxPoints: 3, Severity: schemas.Major,
				Evidence: []schemas.Evidence{}, Rationale: "llm skipped"},
			{Item: "hold_notice", Section: "timing", Kind: "rule", Verdict: schemas.NA, MaxPoints: 2, Severity: schemas.Minor, Confidence: 1,
				Evidence: []schemas.Evidence{}},
			{Item: "no_long_silence", Section: "timing", Kind: "audio", Verdict: schemas.Fail, MaxPoints: 3, Severity: schemas.Major, Confidence: 0.8,
				Evidence: []schemas.Evidence{{Turn: 17, OffsetMS: 120_000, DurationMS: 9_200}}},
		},
		EngineVersion: "0.4.0",
		ProcessedAt:   started.Add(3*time.Minute + 456*time.Millisecond),
	}
}

// check is a compact finding for aggregate tests: "item=verdict".
type check struct {
	item    string
	verdict schemas.Verdict
}

// scored returns a small result with the given score and findings.
func scored(tenant, id, scorecard, version string, score float64, checks ...check) *schemas.Result {
	loc, lang, ch := shanghai, "zh-CN", schemas.Voice
	if scorecard == Ecommerce {
		loc, lang, ch = newYork, "en-US", schemas.Chat
	}
	started := time.Date(2026, 3, 2, 14, 0, 0, 0, loc)
	r := &schemas.Result{
		InteractionID: id, Tenant: tenant, Channel: ch, Language: lang, StartedAt: started,
		Scorecard: scorecard, ScorecardVersion: version, Score: score, Passed: score >= 80,
		FlagReasons: []string{}, Coverage: schemas.CoverageFull,
		Scorers:     map[string]schemas.ScorerStatus{"rules": {Status: schemas.ScorerOK}},
		ProcessedAt: started.Add(time.Minute),
	}
	if score < 80 {
		r.Flagged, r.FlagReasons = true, []string{schemas.FlagBelowPassMark}
	}
	for _, c := range checks {
		f := schemas.Finding{Item: c.item, Section: "main", Kind: "rule", Verdict: c.verdict, MaxPoints: 2, Severity: schemas.Minor, Confidence: 1, Evidence: []schemas.Evidence{}}
		switch c.verdict {
		case schemas.Pass:
			f.Points = 2
		case schemas.NotEvaluated:
			r.Coverage = schemas.CoveragePartial
		}
		r.Findings = append(r.Findings, f)
	}
	return r
}

// outcome wraps results into an outcome of day, received at.
func outcome(tenant, id string, day, at time.Time, results ...*schemas.Result) store.Outcome {
	o := store.Outcome{Tenant: tenant, InteractionID: id, Day: day, ReceivedAt: at, Results: results, Status: store.Full}
	for _, r := range results {
		if s := store.StatusOf(r); s == store.Failed || (s == store.Partial && o.Status == store.Full) {
			o.Status = s
		}
	}
	if len(results) == 0 {
		o.Status, o.Reason = store.Failed, "asr: transcript timed out"
	}
	return o
}
