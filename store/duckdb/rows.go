//go:build cgo

package duckdb

import (
	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/zhijian-qa/zhijian/store"
)

// rows is a validated batch (see store.Prepare) and what DuckDB adds to
// its results.
type rows struct {
	outcomes []store.OutcomeRow
	results  []resultRow
	encoded  func() error // waits until every resultRow.doc is set
}

type resultRow struct {
	store.ResultRow
	id      int64   // result_id
	doc     []byte  // the result encoded; see codec.go
	itemIDs []int32 // the findings' item ids
}

// prepare validates batch and keeps the winning row of every key.
func prepare(batch []store.Outcome) (*rows, error) {
	outs, results, err := store.Prepare(batch, nil)
	if err != nil {
		return nil, err
	}
	b := &rows{outcomes: outs, results: make([]resultRow, len(results))}
	for i, r := range results {
		b.results[i].ResultRow = r
	}
	return b, nil
}

func (b *rows) appendOutcomes(a *duck.Appender) error {
	for _, r := range b.outcomes {
		o := r.O
		if err := a.AppendRow(o.Tenant, o.InteractionID, r.Day, string(o.Status), o.Reason, o.ReceivedAt.UTC(), r.Turns); err != nil {
			return err
		}
	}
	return nil
}

func (b *rows) appendResults(a *duck.Appender) error {
	for i := range b.results {
		row := &b.results[i]
		r := row.R
		var risks []string
		for _, k := range r.Risks {
			risks = append(risks, k.ID)
		}
		var duration int64
		if r.Metrics != nil {
			duration = r.Metrics.DurationMS
		}
		err := a.AppendRow(
			row.id, r.Tenant, r.InteractionID, r.Scorecard, r.ScorecardVersion, row.Day, row.ReceivedAt.UTC(),
			string(r.Channel), r.Language, r.Queue, r.AgentID, r.Team, r.StartedAt.UTC(), r.ProcessedAt.UTC(),
			r.Score, r.Passed, r.AutoFailed, r.Flagged, nonNil(r.FlagReasons), r.Coverage, nonNil(r.Scenarios), nonNil(risks),
			duration, r.EngineVersion, row.doc, uint8(row.SeverityRank), row.FailedItems,
		)
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *rows) appendFindings(a *duck.Appender) error {
	for i := range b.results {
		row := &b.results[i]
		for j, f := range row.Findings {
			if err := a.AppendRow(row.id, row.itemIDs[j], string(f.Verdict), f.Points, f.MaxPoints, f.Confidence); err != nil {
				return err
			}
		}
	}
	return nil
}

// nonNil keeps an absent list an empty list, not NULL.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
