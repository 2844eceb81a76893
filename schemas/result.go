package schemas

import "time"

// Verdict is a finding's outcome.
type Verdict string

// Verdicts. NA (the item does not apply) and NotEvaluated (it applies, but its
// scorer did not run or could not decide) are different: coverage must never
// be overstated.
const (
	Pass         Verdict = "pass"
	Fail         Verdict = "fail"
	NA           Verdict = "na"
	NotEvaluated Verdict = "not_evaluated"
)

// Severities of scorecard items. A failed critical item auto-fails the interaction.
const (
	Minor    = "minor"
	Major    = "major"
	Critical = "critical"
)

// Flag reasons.
const (
	FlagCriticalFailure   = "critical_failure"
	FlagBelowPassMark     = "below_pass_mark"
	FlagEscalationRisk    = "escalation_risk"
	FlagLowConfidence     = "low_confidence"
	FlagCalibrationSample = "calibration_sample"
)

// Coverage says how completely an interaction was scored.
const (
	CoverageFull    = "full"    // every applicable item was evaluated
	CoveragePartial = "partial" // some items are not_evaluated
	CoverageNone    = "none"    // nothing could be evaluated
)

// Result is one interaction scored against one scorecard version.
type Result struct {
	InteractionID    string     `json:"interaction_id"`
	Tenant           string     `json:"tenant"`
	Channel          Channel    `json:"channel"`
	Language         string     `json:"language,omitempty"`
	Queue            string     `json:"queue,omitempty"`
	AgentID          string     `json:"agent_id,omitempty"`
	Team             string     `json:"team,omitempty"`
	StartedAt        time.Time  `json:"started_at"`
	Scorecard        string     `json:"scorecard"`
	ScorecardVersion string     `json:"scorecard_version"`
	Score            float64    `json:"score"`
	Passed           bool       `json:"passed"`
	AutoFailed       bool       `json:"auto_failed"`
	Flagged          bool       `json:"flagged"`
	FlagReasons      []string   `json:"flag_reasons"`
	Coverage         string     `json:"coverage"`
	Scenarios        []string   `json:"scenarios,omitempty"`
	Risks            []Risk     `json:"risks,omitempty"`
	Sentiment        *Sentiment `json:"sentiment,omitempty"`
	Metrics          *Metrics   `json:"metrics,omitempty"`
	// Summary (two sentences) and Intents come from the LLM scorer.
	Summary          string                  `json:"summary,omitempty"`
	Intents          []string                `json:"intents,omitempty"`
	LLM              *LLMUsage               `json:"llm,omitempty"`
	TranscriptSource string                  `json:"transcript_source,omitempty"`
	Scorers          map[string]ScorerStatus `json:"scorers"`
	Findings         []Finding               `json:"findings"`
	EngineVersion    string                  `json:"engine_version,omitempty"`
	ProcessedAt      time.Time               `json:"processed_at"`
}

// Scorer statuses.
const (
	ScorerOK      = "ok"
	ScorerSkipped = "skipped"
	ScorerError   = "error"
)

// ScorerStatus says whether a scorer ran, and why not.
type ScorerStatus struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Finding is the outcome of one scorecard item.
type Finding struct {
	Item       string     `json:"item"`
	Section    string     `json:"section"`
	Kind       string     `json:"kind"` // rule | llm | audio
	Verdict    Verdict    `json:"verdict"`
	Points     float64    `json:"points"`
	MaxPoints  float64    `json:"max_points"`
	Severity   string     `json:"severity"`
	Confidence float64    `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
	Rationale  string     `json:"rationale,omitempty"`
}

// Evidence points at what a finding rests on. Start and End are code-point
// offsets into the turn's text; a timing hit (silence, overtalk) has no quote
// and gives its length in DurationMS.
type Evidence struct {
	Turn       int    `json:"turn"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Quote      string `json:"quote"`
	OffsetMS   int64  `json:"offset_ms"`
	DurationMS int64  `json:"duration_ms,omitempty"`
}

// Risk is an escalation-risk detector that fired.
type Risk struct {
	ID       string     `json:"id"`
	Evidence []Evidence `json:"evidence"`
}

// Sentiment summarises the customer's emotion from the pack's lexicons.
type Sentiment struct {
	Negative int `json:"negative"`
	Positive int `json:"positive"`
	// Score is (positive - negative) / (positive + negative), 0 when neither.
	Score float64 `json:"score"`
}

// LLMUsage is what the LLM scorer spent on an interaction, and how far
// its evidence held up.
type LLMUsage struct {
	Model         string `json:"model"`
	PromptVersion string `json:"prompt_version"`
	// Cached is true when the answer came from the cache: nothing was spent.
	Cached           bool    `json:"cached,omitempty"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	Cost             float64 `json:"cost"`
	// Quotes the model gave as evidence, and how many were not found in
	// the turns they cite.
	Quotes           int `json:"quotes"`
	UnverifiedQuotes int `json:"unverified_quotes,omitempty"`
}
