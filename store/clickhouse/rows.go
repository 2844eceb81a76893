package clickhouse

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// The range of ClickHouse's Date and DateTime on every release from 18.16.
var (
	minTime = time.Unix(0, 0).UTC()
	maxTime = time.Date(2105, 12, 31, 23, 59, 59, 0, time.UTC)
)

// rows is a validated batch with one row per key: the latest ReceivedAt of
// a key wins, and of equal ones the last in the batch.
type rows struct {
	outcomes []outcomeRow
	results  []resultRow
	findings int // how many findings the results hold
}

type outcomeRow struct {
	o   *store.Outcome
	day time.Time
}

type resultRow struct {
	r          *schemas.Result
	day        time.Time
	receivedAt time.Time
	json       string
	findings   []*schemas.Finding // one per item, the last of an item
}

type outcomeKey struct{ tenant, id string }

type resultKey struct{ tenant, id, scorecard, version string }

// prepare validates batch and keeps the winning row of every key. Nothing
// of an invalid batch is written.
func prepare(batch []store.Outcome) (*rows, error) {
	var errs []error
	for i := range batch {
		if err := validate(&batch[i]); err != nil {
			errs = append(errs, fmt.Errorf("outcome %d (%s/%s): %w", i, batch[i].Tenant, batch[i].InteractionID, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	b := &rows{}
	outcomes := make(map[outcomeKey]int, len(batch))
	results := make(map[resultKey]int, len(batch))
	for i := range batch {
		o := &batch[i]
		day := store.DayOf(o.Day)
		k := outcomeKey{o.Tenant, o.InteractionID}
		if j, ok := outcomes[k]; !ok {
			outcomes[k] = len(b.outcomes)
			b.outcomes = append(b.outcomes, outcomeRow{o, day})
		} else if !b.outcomes[j].o.ReceivedAt.After(o.ReceivedAt) {
			b.outcomes[j] = outcomeRow{o, day}
		}
		for _, r := range o.Results {
			row := resultRow{r: r, day: day, receivedAt: o.ReceivedAt}
			k := resultKey{r.Tenant, r.InteractionID, r.Scorecard, r.ScorecardVersion}
			if j, ok := results[k]; !ok {
				results[k] = len(b.results)
				b.results = append(b.results, row)
			} else if !b.results[j].receivedAt.After(o.ReceivedAt) {
				b.results[j] = row
			}
		}
	}
	for i := range b.results {
		row := &b.results[i]
		js, err := json.Marshal(row.r)
		if err != nil {
			return nil, fmt.Errorf("result %s/%s %s %s: encode: %w", row.r.Tenant, row.r.InteractionID, row.r.Scorecard, row.r.ScorecardVersion, err)
		}
		row.json = string(js)
		row.findings = lastPerItem(row.r.Findings)
		b.findings += len(row.findings)
	}
	return b, nil
}

func validate(o *store.Outcome) error {
	var errs []error
	if o.Tenant == "" {
		errs = append(errs, errors.New("no tenant"))
	}
	if o.InteractionID == "" {
		errs = append(errs, errors.New("no interaction id"))
	}
	switch o.Status {
	case store.Full, store.Partial, store.Failed:
	default:
		errs = append(errs, fmt.Errorf("status %q is not full, partial or failed", o.Status))
	}
	if d := store.DayOf(o.Day); d.Before(minTime) || d.After(maxTime) {
		errs = append(errs, fmt.Errorf("day %s is outside %s to %s", d.Format(time.DateOnly), minTime.Format(time.DateOnly), maxTime.Format(time.DateOnly)))
	}
	if o.ReceivedAt.Before(minTime) || o.ReceivedAt.After(maxTime) {
		errs = append(errs, fmt.Errorf("received_at %s is outside %s to %s", o.ReceivedAt.Format(time.RFC3339), minTime.Format(time.DateOnly), maxTime.Format(time.DateOnly)))
	}
	for i, r := range o.Results {
		switch {
		case r == nil:
			errs = append(errs, fmt.Errorf("result %d is nil", i))
		case r.Tenant != o.Tenant || r.InteractionID != o.InteractionID:
			errs = append(errs, fmt.Errorf("result %d is for %s/%s", i, r.Tenant, r.InteractionID))
		case r.Scorecard == "":
			errs = append(errs, fmt.Errorf("result %d has no scorecard", i))
		}
	}
	return errors.Join(errs...)
}

// lastPerItem returns fs with one finding per item, the last of each, in
// the order of first appearance.
func lastPerItem(fs []schemas.Finding) []*schemas.Finding {
	out := make([]*schemas.Finding, 0, len(fs))
	seen := make(map[string]int, len(fs))
	for i := range fs {
		f := &fs[i]
		if j, ok := seen[f.Item]; ok {
			out[j] = f
			continue
		}
		seen[f.Item] = len(out)
		out = append(out, f)
	}
	return out
}

// dateTime returns t for a DateTime column: times outside its range, such
// as an unset started_at, become 1970-01-01, ClickHouse's zero. The exact
// time stays in result_json.
func dateTime(t time.Time) time.Time {
	if t.Before(minTime) || t.After(maxTime) {
		return minTime
	}
	return t.UTC()
}

// flag is a boolean as the UInt8 that 18.16 stores it in.
func flag(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// nonNil keeps an absent list an empty array.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
