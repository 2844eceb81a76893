package store

import (
	"context"
	"errors"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
)

// Status is what became of one received interaction.
type Status string

// Statuses. A result's coverage decides between Full, Partial and Failed:
// an interaction where nothing could be evaluated counts as failed, so
// coverage is never overstated.
const (
	Full    Status = "full"    // scored, every applicable item evaluated
	Partial Status = "partial" // scored, some items not_evaluated
	Failed  Status = "failed"  // not scored: bad message (dead-lettered) or nothing evaluated
)

// Outcome records one received interaction. Every message whose id and
// tenant can be read becomes an Outcome, including those that go to the
// dead-letter topic, so that coverage counts them as received.
type Outcome struct {
	Tenant        string
	InteractionID string
	// Day is the calendar day the interaction belongs to: the date of its
	// started_at in its own offset, or the day it was received when
	// started_at cannot be read.
	Day    time.Time
	Status Status
	// Reason says why an interaction failed; empty otherwise.
	Reason string
	// ReceivedAt orders re-deliveries: the latest outcome of an
	// interaction wins.
	ReceivedAt time.Time
	// Results are the interaction's scorecard results; none when it failed.
	Results []*schemas.Result
	// Turns is the transcript kept with the outcome for the console (the
	// pipeline redacts it first when configured to); nil keeps none. The
	// latest delivery's replaces an earlier one's, as the rest does.
	Turns []schemas.Turn
}

// StatusOf returns the status a result's coverage implies.
func StatusOf(r *schemas.Result) Status {
	switch r.Coverage {
	case schemas.CoverageFull:
		return Full
	case schemas.CoveragePartial:
		return Partial
	}
	return Failed
}

// DayOf returns the calendar day of t in t's own location, as midnight UTC
// of that date, the form every store keeps days in.
func DayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Filter narrows a query. Zero fields do not filter. Tenants, when set,
// limits every query to those tenants: the console passes the caller's.
type Filter struct {
	Tenants []string
	// From and To are inclusive days (see DayOf).
	From, To time.Time
}

// Coverage is one tenant's accounting for one day.
type Coverage struct {
	Tenant   string
	Day      time.Time
	Received int64
	Full     int64
	Partial  int64
	Failed   int64
}

// Summary is what a QA lead looks at first, over a filter.
type Summary struct {
	Received int64 `json:"received"`
	Full     int64 `json:"full"`
	Partial  int64 `json:"partial"`
	Failed   int64 `json:"failed"`
	// Scored results (one per interaction and scorecard version).
	Results  int64   `json:"results"`
	Flagged  int64   `json:"flagged"`
	Passed   int64   `json:"passed"`
	AvgScore float64 `json:"avg_score"`
	// TopFailing lists the items that failed most often, most first.
	TopFailing []ItemCount `json:"top_failing"`
}

// ItemCount is how often a scorecard item failed.
type ItemCount struct {
	Scorecard string `json:"scorecard"`
	Item      string `json:"item"`
	Failures  int64  `json:"failures"`
}

// ErrInvalid marks an error caused by the input itself (a batch given to
// Write, a review, a filter), which no retry can fix; other errors are the
// store's and worth retrying.
var ErrInvalid = errors.New("invalid input")

// ErrNotFound marks an error about something the store does not hold, or
// holds only for tenants the caller may not see: the two are never told
// apart.
var ErrNotFound = errors.New("not found")

// Store keeps outcomes and results. Implementations are safe for
// concurrent use.
type Store interface {
	// Migrate applies the versioned DDL not yet recorded as applied.
	Migrate(ctx context.Context) error
	// Write stores a batch durably before returning nil. It is idempotent:
	// an interaction written again replaces its earlier outcome, and a
	// result with the same interaction, scorecard and version replaces the
	// earlier one, so reads never count it twice.
	Write(ctx context.Context, batch []Outcome) error
	// Coverage returns per-tenant, per-day accounting, by tenant then day.
	Coverage(ctx context.Context, f Filter) ([]Coverage, error)
	// Summary totals a filter's outcomes and results; TopFailing holds at
	// most limit items.
	Summary(ctx context.Context, f Filter, limit int) (Summary, error)
	// Results returns an interaction's results, by scorecard then version.
	// It returns none when the interaction is not in one of f's tenants.
	Results(ctx context.Context, f Filter, interactionID string) ([]*schemas.Result, error)

	// The console's reads and its one write; see console.go for the types.
	// Every one keeps to f.Tenants as the methods above do, and reads the
	// latest delivery of every interaction and result only.

	// Queue returns a page of flagged results for review, most severe first
	// (critical, major, minor, none), then the latest StartedAt, then by
	// interaction id, tenant, scorecard and version; total counts every
	// matching result, before Limit and Offset. A filter naming an unknown
	// severity or status fails with ErrInvalid.
	Queue(ctx context.Context, f QueueFilter) (entries []QueueEntry, total int64, err error)
	// AddReview appends a review durably. Invalid fields fail with
	// ErrInvalid (naming the field); a review of an interaction and
	// scorecard the store holds no result of, within r.Tenant, fails with
	// ErrNotFound. Reviews are never updated or deleted.
	AddReview(ctx context.Context, r Review) error
	// Reviews returns the reviews of an interaction in f, oldest first (of
	// equal At, in the order added); f's days are the interaction's.
	Reviews(ctx context.Context, f Filter, interactionID string) ([]Review, error)
	// Trend returns f's totals per day, by day ascending; see Day for what
	// each count means with and without a channel, queue or team.
	Trend(ctx context.Context, f TrendFilter) ([]Day, error)
	// Coaching returns examples of one item's verdict, each with its whole
	// finding; see CoachingFilter for the order. A filter without an item,
	// or with a verdict other than pass or fail, fails with ErrInvalid.
	Coaching(ctx context.Context, f CoachingFilter) ([]Example, error)
	// Transcript returns the turns kept with the latest outcome of one
	// interaction of tenant; none when it has none, or when tenant is not
	// one of f's tenants or the interaction's day is outside f's days.
	Transcript(ctx context.Context, f Filter, tenant, interactionID string) ([]schemas.Turn, error)
	// Agreement counts, per scorecard item, the pairs of machine and
	// reviewer verdicts of the latest review of every finding reviewed in
	// f (days are the interaction's), by scorecard, item, machine verdict
	// and reviewer verdict. Reviews without a machine verdict are left out.
	Agreement(ctx context.Context, f Filter) ([]VerdictPairs, error)
	// Agent returns one agent's results in f per day and the items they
	// failed most. An agent without results in f has an empty view; an
	// empty agentID fails with ErrInvalid.
	Agent(ctx context.Context, f Filter, agentID string) (AgentView, error)

	Close() error
}
