package store

import (
	"errors"
	"fmt"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/schemas"
)

// This file holds the types of what the console reads and writes: the
// review queue and reviews (QA team), trends (client dashboards), coaching
// examples (trainers) and the agent view.

// Review decisions: the reviewer agrees with the machine's verdict, or
// holds it to be another.
const (
	Confirm  = "confirm"
	Overturn = "overturn"
)

// Review statuses of an interaction under one scorecard.
const (
	ReviewOpen     = "open"      // no review yet
	ReviewInReview = "in_review" // reviews, none of them Done
	ReviewDone     = "done"      // a Done review
)

// MaxReviewComment is how long a review's comment may be, in bytes.
const MaxReviewComment = 10_000

// Review is one reviewer's decision on one finding. Reviews are
// append-only: never updated or deleted.
type Review struct {
	Tenant        string `json:"tenant"`
	InteractionID string `json:"interaction_id"`
	Scorecard     string `json:"scorecard"`
	Item          string `json:"item"`
	Reviewer      string `json:"reviewer"`
	Decision      string `json:"decision"` // Confirm or Overturn
	// Verdict is what the reviewer holds the verdict to be: pass, fail or na.
	Verdict schemas.Verdict `json:"verdict"`
	// AIVerdict is the machine's verdict on the finding when it was
	// reviewed: the console sets it from the stored result.
	AIVerdict schemas.Verdict `json:"ai_verdict"`
	Comment   string          `json:"comment"`
	Done      bool            `json:"done"` // the reviewer finished the interaction with this review
	At        time.Time       `json:"at"`
}

// Validate reports every field of r that cannot be stored, as one error
// wrapping ErrInvalid. It does not look at the store: whether r's
// interaction exists is AddReview's to say.
func (r Review) Validate() error {
	var errs []error
	for _, f := range []struct{ name, value string }{
		{"tenant", r.Tenant}, {"interaction_id", r.InteractionID}, {"scorecard", r.Scorecard},
		{"item", r.Item}, {"reviewer", r.Reviewer},
	} {
		if f.value == "" {
			errs = append(errs, fmt.Errorf("`%s` is required", f.name))
		}
	}
	switch r.Decision {
	case Confirm, Overturn:
	default:
		errs = append(errs, fmt.Errorf("`decision` (%q) must be %s or %s", r.Decision, Confirm, Overturn))
	}
	switch r.Verdict {
	case schemas.Pass, schemas.Fail, schemas.NA:
	default:
		errs = append(errs, fmt.Errorf("`verdict` (%q) must be pass, fail or na", r.Verdict))
	}
	switch r.AIVerdict {
	case schemas.Pass, schemas.Fail, schemas.NA, schemas.NotEvaluated:
	default:
		errs = append(errs, fmt.Errorf("`ai_verdict` (%q) must be pass, fail, na or not_evaluated", r.AIVerdict))
	}
	if len(r.Comment) > MaxReviewComment {
		errs = append(errs, fmt.Errorf("`comment` (%d bytes) must be at most %d bytes", len(r.Comment), MaxReviewComment))
	}
	if !utf8.ValidString(r.Comment) {
		errs = append(errs, errors.New("`comment` is not valid UTF-8"))
	}
	if r.At.IsZero() {
		errs = append(errs, errors.New("`at` is required"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: review: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// VerdictPairs counts the reviewed findings of one scorecard item where
// the machine said AI and the reviewer Human.
type VerdictPairs struct {
	Scorecard string          `json:"scorecard"`
	Item      string          `json:"item"`
	AI        schemas.Verdict `json:"ai"`
	Human     schemas.Verdict `json:"human"`
	N         int64           `json:"n"`
}

// SeverityRank orders the severities of scorecard items: critical 3,
// major 2, minor 1, anything else 0.
func SeverityRank(severity string) int {
	switch severity {
	case schemas.Critical:
		return 3
	case schemas.Major:
		return 2
	case schemas.Minor:
		return 1
	}
	return 0
}

// SeverityName is the severity of a rank (see SeverityRank); "" for 0.
func SeverityName(rank int) string {
	switch rank {
	case 3:
		return schemas.Critical
	case 2:
		return schemas.Major
	case 1:
		return schemas.Minor
	}
	return ""
}

// Queue page sizes.
const (
	DefaultQueueLimit = 50
	MaxQueueLimit     = 500
)

// QueueFilter narrows the review queue. Zero fields do not filter.
type QueueFilter struct {
	Filter // tenants; From and To are the interaction's day
	// Items keeps results with a failed finding of one of these items.
	Items []string
	// Severity keeps results whose worst failed finding is at least this
	// severe: minor, major or critical.
	Severity                    string
	Agent, Team, Channel, Queue string
	// Status is ReviewOpen, ReviewInReview or ReviewDone; "" is any.
	Status string
	// Limit is the page size: DefaultQueueLimit when 0, at most
	// MaxQueueLimit. Offset skips that many entries.
	Limit, Offset int
}

// Validate reports the fields of f no store can answer, as one error
// wrapping ErrInvalid.
func (f QueueFilter) Validate() error {
	var errs []error
	if f.Severity != "" && SeverityRank(f.Severity) == 0 {
		errs = append(errs, fmt.Errorf("`severity` (%q) must be minor, major or critical", f.Severity))
	}
	switch f.Status {
	case "", ReviewOpen, ReviewInReview, ReviewDone:
	default:
		errs = append(errs, fmt.Errorf("`status` (%q) must be %s, %s or %s", f.Status, ReviewOpen, ReviewInReview, ReviewDone))
	}
	if f.Limit < 0 {
		errs = append(errs, fmt.Errorf("`limit` (%d) must not be negative", f.Limit))
	}
	if f.Offset < 0 {
		errs = append(errs, fmt.Errorf("`offset` (%d) must not be negative", f.Offset))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: queue filter: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// EffectiveLimit is the page size f asks for: DefaultQueueLimit for 0,
// MaxQueueLimit at most.
func (f QueueFilter) EffectiveLimit() int {
	return effectiveLimit(f.Limit, DefaultQueueLimit, MaxQueueLimit)
}

// effectiveLimit is limit, or def when it is not positive, at most most.
func effectiveLimit(limit, def, most int) int {
	if limit <= 0 {
		return def
	}
	return min(limit, most)
}

// QueueEntry is one flagged result in the review queue.
type QueueEntry struct {
	Tenant           string    `json:"tenant"`
	InteractionID    string    `json:"interaction_id"`
	Scorecard        string    `json:"scorecard"`
	ScorecardVersion string    `json:"scorecard_version"`
	Day              time.Time `json:"day"` // see DayOf
	// StartedAt is in UTC; ClickHouse keeps it to the second.
	StartedAt   time.Time `json:"started_at"`
	Channel     string    `json:"channel"`
	Queue       string    `json:"queue"`
	AgentID     string    `json:"agent_id"`
	Team        string    `json:"team"`
	Score       float64   `json:"score"`
	Passed      bool      `json:"passed"`
	AutoFailed  bool      `json:"auto_failed"`
	FlagReasons []string  `json:"flag_reasons"`
	Severity    string    `json:"severity"`     // worst severity among failed findings; "" if none
	FailedItems []string  `json:"failed_items"` // failed item ids, in scorecard order
	// Status is the review status of the interaction under the scorecard
	// (any version), and Reviews how many reviews it has.
	Status  string `json:"status"`
	Reviews int    `json:"reviews"`
}

// TrendFilter narrows a trend. Zero fields do not filter.
type TrendFilter struct {
	Filter
	Channel, Queue, Team string
}

// Day is one day of a trend or an agent view. Days are those of the
// interactions (see DayOf).
//
// Received counts the interactions received that day, Scored those of
// them scored (full or partial coverage) and Failed those not scored, as
// their latest delivery says. With a channel, queue or team in the filter,
// they count only the interactions that have a result of that channel,
// queue or team (on the day their results were stored under, which is the
// interaction's): an interaction that failed before it was scored has no
// result, and is left out; one scored and then delivered again and failed
// counts as received and failed.
//
// Results counts the results of the day (one per interaction and
// scorecard version) that match the filter, Passed those that passed,
// Critical those with a failed finding of critical severity, and AvgScore
// is their mean score (0 without results). An agent view sets only these.
type Day struct {
	Day      time.Time `json:"day"`
	Received int64     `json:"received"`
	Scored   int64     `json:"scored"`
	Failed   int64     `json:"failed"`
	Results  int64     `json:"results"`
	Passed   int64     `json:"passed"`
	Critical int64     `json:"critical"`
	AvgScore float64   `json:"avg_score"`
}

// Coaching page sizes.
const (
	DefaultCoachingLimit = 20
	MaxCoachingLimit     = 500
)

// CoachingFilter chooses coaching examples: findings of Item with Verdict.
// Verdict pass gives the best examples, highest confidence first, then
// highest score; fail the worst, highest confidence first, then lowest
// score. Ties go to the latest StartedAt, then by tenant, interaction,
// scorecard and version.
type CoachingFilter struct {
	Filter
	Scorecard string // "" is any scorecard having Item
	Item      string // required
	Verdict   schemas.Verdict
	Agent     string
	Team      string
	// Limit is how many examples: DefaultCoachingLimit when 0, at most
	// MaxCoachingLimit.
	Limit int
}

// Validate reports the fields of f no store can answer, as one error
// wrapping ErrInvalid.
func (f CoachingFilter) Validate() error {
	var errs []error
	if f.Item == "" {
		errs = append(errs, errors.New("`item` is required"))
	}
	switch f.Verdict {
	case schemas.Pass, schemas.Fail:
	default:
		errs = append(errs, fmt.Errorf("`verdict` (%q) must be pass or fail", f.Verdict))
	}
	if f.Limit < 0 {
		errs = append(errs, fmt.Errorf("`limit` (%d) must not be negative", f.Limit))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: coaching filter: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// EffectiveLimit is how many examples f asks for: DefaultCoachingLimit
// for 0, MaxCoachingLimit at most.
func (f CoachingFilter) EffectiveLimit() int {
	return effectiveLimit(f.Limit, DefaultCoachingLimit, MaxCoachingLimit)
}

// Example is one coaching example: a finding with its evidence, and the
// result it belongs to.
type Example struct {
	Tenant           string          `json:"tenant"`
	InteractionID    string          `json:"interaction_id"`
	Scorecard        string          `json:"scorecard"`
	ScorecardVersion string          `json:"scorecard_version"`
	AgentID          string          `json:"agent_id"`
	Team             string          `json:"team"`
	StartedAt        time.Time       `json:"started_at"` // in UTC
	Score            float64         `json:"score"`
	Finding          schemas.Finding `json:"finding"`
}

// AgentTopFailing is how many items an agent view lists.
const AgentTopFailing = 10

// AgentView is one agent's results over a filter.
type AgentView struct {
	Agent string `json:"agent"`
	// Days holds, per day ascending, the agent's Results, Passed, Critical
	// and AvgScore.
	Days []Day `json:"days"`
	// TopFailing lists the items the agent failed most, most first, at
	// most AgentTopFailing.
	TopFailing []ItemCount `json:"top_failing"`
}

// Days collects the days of a trend or an agent view from the queries of
// a store, each of which sets some of a Day's fields.
type Days map[time.Time]*Day

// Add adds d's counts to those of its day. The queries a store merges set
// disjoint fields, so AvgScore is set by one of them only.
func (ds Days) Add(d Day) {
	day := DayOf(d.Day.UTC())
	x, ok := ds[day]
	if !ok {
		x = &Day{Day: day}
		ds[day] = x
	}
	x.Received += d.Received
	x.Scored += d.Scored
	x.Failed += d.Failed
	x.Results += d.Results
	x.Passed += d.Passed
	x.Critical += d.Critical
	x.AvgScore += d.AvgScore
}

// Sorted returns the days in ascending order; nil when there are none.
func (ds Days) Sorted() []Day {
	if len(ds) == 0 {
		return nil
	}
	out := make([]Day, 0, len(ds))
	for _, d := range ds {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day.Before(out[j].Day) })
	return out
}

// ExampleOf returns the coaching example of item in r: its finding (the
// last one of item, as Write keeps it) with its evidence. ok is false when
// r has no finding of item.
func ExampleOf(r *schemas.Result, item string) (e Example, ok bool) {
	for i := len(r.Findings) - 1; i >= 0; i-- {
		if r.Findings[i].Item == item {
			return Example{
				Tenant: r.Tenant, InteractionID: r.InteractionID, Scorecard: r.Scorecard, ScorecardVersion: r.ScorecardVersion,
				AgentID: r.AgentID, Team: r.Team, StartedAt: r.StartedAt.UTC(), Score: r.Score, Finding: r.Findings[i],
			}, true
		}
	}
	return Example{}, false
}
