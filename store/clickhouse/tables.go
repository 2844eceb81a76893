package clickhouse

import (
	"strings"
	"time"
)

// table is the rows of one INSERT, column by column.
type table struct {
	name    string
	rows    int
	columns []column
}

// column is one column's values: a slice of the Go type clickhouse-go
// appends to the column's type ([]string for String, []time.Time for Date
// and DateTime, [][]string for Array(String), …).
type column struct {
	name   string
	values any
}

// insert returns t's INSERT statement. The column list is explicit: 18.16
// needs it, and it keeps the statement right whatever the table's order.
func (t table) insert() string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	return "INSERT INTO " + t.name + " (" + strings.Join(names, ", ") + ")"
}

// tables returns b's rows in the order Write inserts them.
func (b *rows) tables(seq uint64) []table {
	return []table{b.findingsTable(seq), b.resultsTable(seq), b.outcomesTable(seq)}
}

func (b *rows) outcomesTable(seq uint64) table {
	n := len(b.outcomes)
	var (
		tenant, id, status, reason = strs(n), strs(n), strs(n), strs(n)
		turns                      = strs(n)
		day, at                    = times(n), times(n)
		ns, seqs                   = make([]uint64, 0, n), make([]uint64, 0, n)
	)
	for _, row := range b.outcomes {
		o := row.O
		tenant, id = append(tenant, o.Tenant), append(id, o.InteractionID)
		day = append(day, row.Day)
		status, reason = append(status, string(o.Status)), append(reason, o.Reason)
		turns = append(turns, row.Turns)
		at, ns, seqs = append(at, o.ReceivedAt.UTC()), append(ns, uint64(o.ReceivedAt.UnixNano())), append(seqs, seq)
	}
	return table{name: "outcomes", rows: n, columns: []column{
		{"tenant", tenant}, {"interaction_id", id}, {"day", day}, {"status", status}, {"reason", reason},
		{"received_at", at}, {"received_ns", ns}, {"seq", seqs}, {"turns", turns},
	}}
}

func (b *rows) resultsTable(seq uint64) table {
	n := len(b.results)
	var (
		tenant, id, scorecard, version        = strs(n), strs(n), strs(n), strs(n)
		channel, language, queue, agent, team = strs(n), strs(n), strs(n), strs(n), strs(n)
		coverage, engine, js                  = strs(n), strs(n), strs(n)
		day, at, started, processed           = times(n), times(n), times(n), times(n)
		ns, seqs                              = make([]uint64, 0, n), make([]uint64, 0, n)
		score                                 = make([]float64, 0, n)
		passed, autoFailed, flagged           = make([]uint8, 0, n), make([]uint8, 0, n), make([]uint8, 0, n)
		flagReasons, scenarios, risks         = make([][]string, 0, n), make([][]string, 0, n), make([][]string, 0, n)
		duration                              = make([]int64, 0, n)
		severity                              = make([]uint8, 0, n)
		failedItems                           = make([][]string, 0, n)
	)
	for _, row := range b.results {
		r := row.R
		tenant, id = append(tenant, r.Tenant), append(id, r.InteractionID)
		scorecard, version = append(scorecard, r.Scorecard), append(version, r.ScorecardVersion)
		day, at = append(day, row.Day), append(at, row.ReceivedAt.UTC())
		ns, seqs = append(ns, uint64(row.ReceivedAt.UnixNano())), append(seqs, seq)
		channel, language, queue = append(channel, string(r.Channel)), append(language, r.Language), append(queue, r.Queue)
		agent, team = append(agent, r.AgentID), append(team, r.Team)
		started, processed = append(started, dateTime(r.StartedAt)), append(processed, dateTime(r.ProcessedAt))
		score = append(score, r.Score)
		passed, autoFailed, flagged = append(passed, flag(r.Passed)), append(autoFailed, flag(r.AutoFailed)), append(flagged, flag(r.Flagged))
		flagReasons, scenarios = append(flagReasons, nonNil(r.FlagReasons)), append(scenarios, nonNil(r.Scenarios))
		ids := make([]string, 0, len(r.Risks))
		for _, k := range r.Risks {
			ids = append(ids, k.ID)
		}
		risks = append(risks, ids)
		var d int64
		if r.Metrics != nil {
			d = r.Metrics.DurationMS
		}
		duration = append(duration, d)
		coverage, engine, js = append(coverage, r.Coverage), append(engine, r.EngineVersion), append(js, row.json)
		severity, failedItems = append(severity, uint8(row.SeverityRank)), append(failedItems, row.FailedItems)
	}
	return table{name: "results", rows: n, columns: []column{
		{"tenant", tenant}, {"interaction_id", id}, {"scorecard", scorecard}, {"scorecard_version", version},
		{"day", day}, {"received_at", at}, {"received_ns", ns}, {"seq", seqs},
		{"channel", channel}, {"language", language}, {"queue", queue}, {"agent_id", agent}, {"team", team},
		{"started_at", started}, {"processed_at", processed}, {"score", score},
		{"passed", passed}, {"auto_failed", autoFailed}, {"flagged", flagged},
		{"flag_reasons", flagReasons}, {"coverage", coverage}, {"scenarios", scenarios}, {"risks", risks},
		{"duration_ms", duration}, {"engine_version", engine}, {"result_json", js},
		{"severity_rank", severity}, {"failed_items", failedItems},
	}}
}

func (b *rows) findingsTable(seq uint64) table {
	n := b.findings
	var (
		tenant, id, scorecard, version, item = strs(n), strs(n), strs(n), strs(n), strs(n)
		section, kind, verdict, severity     = strs(n), strs(n), strs(n), strs(n)
		day, at                              = times(n), times(n)
		ns, seqs                             = make([]uint64, 0, n), make([]uint64, 0, n)
		points, maxPoints, confidence        = make([]float64, 0, n), make([]float64, 0, n), make([]float64, 0, n)
		fjs                                  = strs(n)
	)
	for _, row := range b.results {
		r := row.R
		rat, rns := row.ReceivedAt.UTC(), uint64(row.ReceivedAt.UnixNano())
		fjs = append(fjs, row.findings...)
		for _, f := range row.Findings {
			tenant, id = append(tenant, r.Tenant), append(id, r.InteractionID)
			scorecard, version, item = append(scorecard, r.Scorecard), append(version, r.ScorecardVersion), append(item, f.Item)
			day, at, ns, seqs = append(day, row.Day), append(at, rat), append(ns, rns), append(seqs, seq)
			section, kind, verdict = append(section, f.Section), append(kind, f.Kind), append(verdict, string(f.Verdict))
			points, maxPoints = append(points, f.Points), append(maxPoints, f.MaxPoints)
			severity, confidence = append(severity, f.Severity), append(confidence, f.Confidence)
		}
	}
	return table{name: "findings", rows: n, columns: []column{
		{"tenant", tenant}, {"interaction_id", id}, {"scorecard", scorecard}, {"scorecard_version", version}, {"item", item},
		{"day", day}, {"received_at", at}, {"received_ns", ns}, {"seq", seqs},
		{"section", section}, {"kind", kind}, {"verdict", verdict},
		{"points", points}, {"max_points", maxPoints}, {"severity", severity}, {"confidence", confidence},
		{"finding_json", fjs},
	}}
}

func strs(n int) []string     { return make([]string, 0, n) }
func times(n int) []time.Time { return make([]time.Time, 0, n) }
