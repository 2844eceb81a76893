package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
)

// OutcomeRow is the winning outcome of one interaction in a batch.
type OutcomeRow struct {
	O   *Outcome
	Day time.Time // DayOf(O.Day)
	// Turns is O.Turns as JSON; "" when there are none.
	Turns string
}

// ResultRow is the winning result of one (interaction, scorecard, version).
type ResultRow struct {
	R          *schemas.Result
	Day        time.Time // its outcome's day
	ReceivedAt time.Time // its outcome's ReceivedAt
	Findings   []*schemas.Finding
	// SeverityRank is the worst SeverityRank of the failed findings (0
	// when none failed), and FailedItems are their items, in the order of
	// Findings (the scorecard's). The review queue filters on both.
	SeverityRank int
	FailedItems  []string
}

// maxListed is how many invalid outcomes an error lists.
const maxListed = 10

// Prepare validates a batch for Write and keeps one row per key: the latest
// ReceivedAt wins, and of equal ones the last in the batch. A result keeps
// one finding per item, the last of an item. limits, when not nil, adds a
// store's own checks (the range of its dates, say). An invalid batch gives
// an error wrapping ErrInvalid, and nothing of it may be written.
func Prepare(batch []Outcome, limits func(*Outcome) error) ([]OutcomeRow, []ResultRow, error) {
	var errs []error
	invalid := 0
	for i := range batch {
		err := validate(&batch[i])
		if limits != nil {
			err = errors.Join(err, limits(&batch[i]))
		}
		if err != nil {
			if invalid++; invalid <= maxListed {
				errs = append(errs, fmt.Errorf("outcome %d (%s/%s): %w", i, batch[i].Tenant, batch[i].InteractionID, err))
			}
		}
	}
	if invalid > maxListed {
		errs = append(errs, fmt.Errorf("and %d more invalid outcomes", invalid-maxListed))
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	type outcomeKey struct{ tenant, id string }
	type resultKey struct{ tenant, id, scorecard, version string }
	var outs []OutcomeRow
	var results []ResultRow
	outIdx := make(map[outcomeKey]int, len(batch))
	resIdx := make(map[resultKey]int, len(batch))
	for i := range batch {
		o := &batch[i]
		day := DayOf(o.Day)
		k := outcomeKey{o.Tenant, o.InteractionID}
		if j, ok := outIdx[k]; !ok {
			outIdx[k] = len(outs)
			outs = append(outs, OutcomeRow{O: o, Day: day})
		} else if !outs[j].O.ReceivedAt.After(o.ReceivedAt) {
			outs[j] = OutcomeRow{O: o, Day: day}
		}
		for _, r := range o.Results {
			row := ResultRow{R: r, Day: day, ReceivedAt: o.ReceivedAt}
			k := resultKey{r.Tenant, r.InteractionID, r.Scorecard, r.ScorecardVersion}
			if j, ok := resIdx[k]; !ok {
				resIdx[k] = len(results)
				results = append(results, row)
			} else if !results[j].ReceivedAt.After(o.ReceivedAt) {
				results[j] = row
			}
		}
	}
	for i := range outs {
		if ts := outs[i].O.Turns; len(ts) > 0 {
			js, err := json.Marshal(ts)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: outcome %s/%s: turns: %w", ErrInvalid, outs[i].O.Tenant, outs[i].O.InteractionID, err)
			}
			outs[i].Turns = string(js)
		}
	}
	for i := range results {
		row := &results[i]
		row.Findings = lastPerItem(row.R.Findings)
		row.FailedItems = []string{}
		for _, f := range row.Findings {
			if f.Verdict == schemas.Fail {
				row.FailedItems = append(row.FailedItems, f.Item)
				row.SeverityRank = max(row.SeverityRank, SeverityRank(f.Severity))
			}
		}
	}
	return outs, results, nil
}

func validate(o *Outcome) error {
	var errs []error
	if o.Tenant == "" {
		errs = append(errs, errors.New("no tenant"))
	}
	if o.InteractionID == "" {
		errs = append(errs, errors.New("no interaction id"))
	}
	switch o.Status {
	case Full, Partial, Failed:
	default:
		errs = append(errs, fmt.Errorf("status %q is not full, partial or failed", o.Status))
	}
	for i, r := range o.Results {
		switch {
		case r == nil:
			errs = append(errs, fmt.Errorf("result %d is nil", i))
		case r.Tenant != o.Tenant || r.InteractionID != o.InteractionID:
			errs = append(errs, fmt.Errorf("result %d is for %s/%s", i, r.Tenant, r.InteractionID))
		case r.Scorecard == "":
			errs = append(errs, fmt.Errorf("result %d has no scorecard", i))
		default:
			for j, f := range r.Findings {
				switch f.Verdict {
				case schemas.Pass, schemas.Fail, schemas.NA, schemas.NotEvaluated:
				default:
					errs = append(errs, fmt.Errorf("result %d finding %d (%s): verdict %q is not pass, fail, na or not_evaluated", i, j, f.Item, f.Verdict))
				}
			}
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

// DecodeTurns reads turns a store kept as JSON (see OutcomeRow.Turns);
// "" is none.
func DecodeTurns(js string) ([]schemas.Turn, error) {
	if js == "" {
		return nil, nil
	}
	var ts []schemas.Turn
	if err := json.Unmarshal([]byte(js), &ts); err != nil {
		return nil, fmt.Errorf("stored turns: %w", err)
	}
	return ts, nil
}
