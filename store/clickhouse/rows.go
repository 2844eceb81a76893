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

// rows is a validated batch (see store.Prepare) with each result's JSON.
type rows struct {
	outcomes []store.OutcomeRow
	results  []resultRow
	findings int // how many findings the results hold
}

type resultRow struct {
	store.ResultRow
	json     string
	findings []string // each finding's JSON, for findings.finding_json
}

// prepare validates batch, adding the limits of ClickHouse's dates, and
// keeps the winning row of every key. Nothing of an invalid batch is written.
func prepare(batch []store.Outcome) (*rows, error) {
	outs, results, err := store.Prepare(batch, dateLimits)
	if err != nil {
		return nil, err
	}
	b := &rows{outcomes: outs, results: make([]resultRow, len(results))}
	var buf []byte
	for i, r := range results {
		js, err := json.Marshal(r.R)
		if err != nil {
			return nil, fmt.Errorf("%w: result %s/%s %s %s: encode: %w", store.ErrInvalid, r.R.Tenant, r.R.InteractionID, r.R.Scorecard, r.R.ScorecardVersion, err)
		}
		row := resultRow{ResultRow: r, json: string(js), findings: make([]string, len(r.Findings))}
		for j, f := range r.Findings {
			if buf, err = schemas.AppendFindingsJSON(buf[:0], []schemas.Finding{*f}); err != nil {
				return nil, fmt.Errorf("%w: result %s/%s %s %s: finding %s: encode: %w", store.ErrInvalid, r.R.Tenant, r.R.InteractionID, r.R.Scorecard, r.R.ScorecardVersion, f.Item, err)
			}
			row.findings[j] = string(buf[1 : len(buf)-1]) // the object, without the list's brackets
		}
		b.results[i] = row
		b.findings += len(r.Findings)
	}
	return b, nil
}

// dateLimits rejects days and times a Date or DateTime column cannot hold.
func dateLimits(o *store.Outcome) error {
	var errs []error
	if d := store.DayOf(o.Day); d.Before(minTime) || d.After(maxTime) {
		errs = append(errs, fmt.Errorf("day %s is outside %s to %s", d.Format(time.DateOnly), minTime.Format(time.DateOnly), maxTime.Format(time.DateOnly)))
	}
	if o.ReceivedAt.Before(minTime) || o.ReceivedAt.After(maxTime) {
		errs = append(errs, fmt.Errorf("received_at %s is outside %s to %s", o.ReceivedAt.Format(time.RFC3339), minTime.Format(time.DateOnly), maxTime.Format(time.DateOnly)))
	}
	return errors.Join(errs...)
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
