package audio

import (
	"math"
	"slices"

	"github.com/zhijian-qa/zhijian/schemas"
)

// Thresholds of the timing metrics, the same as for metrics derived from
// turn offsets.
const (
	MinSilenceMS  = 3000  // both sides quiet this long is a silence
	MinHoldMS     = 10000 // a silence this long after the agent spoke is a hold
	MinOvertalkMS = 100   // shorter overlaps are not talking over
	turnSlackMS   = 1000  // how far a turn's start may be from the span it explains
)

// Metrics turns the analysis into the timing metrics rules read. turns,
// when known (supplied or transcribed), give each span the turn next to
// it, for evidence. Speech rates need the transcript; the rules package
// adds them. A mono recording cannot tell speakers apart: talk times,
// talk ratio and overtalk stay unknown (ratio -1).
func (a *Analysis) Metrics(turns []schemas.Turn) *schemas.Metrics {
	m := &schemas.Metrics{Source: "audio", DurationMS: a.DurationMS, AgentTalkRatio: -1}
	for i := range turns {
		if turns[i].EndMS > turns[i].StartMS {
			m.TimedTurns++
		}
	}
	var sound []Span
	for _, t := range a.Tracks {
		sound = append(sound, t.Talk...)
		sound = append(sound, t.Music...)
		for _, mu := range t.Music {
			m.Holds = append(m.Holds, schemas.Segment{StartMS: mu.StartMS, EndMS: mu.EndMS, Turn: turnAfter(turns, mu.EndMS)})
		}
	}
	ag, cu := a.track(schemas.Agent), a.track(schemas.Customer)
	if ag != nil && cu != nil {
		m.AgentTalkMS, m.CustomerTalkMS = total(ag.Talk), total(cu.Talk)
		if sum := m.AgentTalkMS + m.CustomerTalkMS; sum > 0 {
			m.AgentTalkRatio = float64(m.AgentTalkMS) / float64(sum)
		}
		m.AgentLevelDB, m.CustomerLevelDB = round1(ag.LevelDB), round1(cu.LevelDB)
		m.Overtalks = overtalks(ag.Talk, cu.Talk, turns)
	}
	for _, g := range gaps(sound) {
		seg := schemas.Segment{StartMS: g.StartMS, EndMS: g.EndMS, Turn: turnAfter(turns, g.EndMS)}
		m.Silences = append(m.Silences, seg)
		m.LongestSilenceMS = max(m.LongestSilenceMS, g.Len())
		if g.Len() >= MinHoldMS && a.agentSpokeLast(g.StartMS, turns) {
			m.Holds = append(m.Holds, seg)
		}
	}
	slices.SortFunc(m.Holds, func(x, y schemas.Segment) int { return int(x.StartMS - y.StartMS) })
	return m
}

// gaps returns the silences between sounds: at least MinSilenceMS with
// nothing on any channel, not counting before the first sound or after
// the last.
func gaps(sound []Span) []Span {
	slices.SortFunc(sound, func(x, y Span) int { return int(x.StartMS - y.StartMS) })
	var out []Span
	var end int64 = -1
	for _, s := range sound {
		if end >= 0 && s.StartMS-end >= MinSilenceMS {
			out = append(out, Span{end, s.StartMS})
		}
		end = max(end, s.EndMS)
	}
	return out
}

// agentSpokeLast reports whether the agent's talk is what ended at ms, the
// start of a silence. On a mono recording the turns tell, when there are
// any.
func (a *Analysis) agentSpokeLast(ms int64, turns []schemas.Turn) bool {
	if ag, cu := a.track(schemas.Agent), a.track(schemas.Customer); ag != nil && cu != nil {
		return lastEnd(ag.Talk, ms) >= lastEnd(cu.Talk, ms)
	}
	last := -1
	for i := range turns {
		if turns[i].StartMS <= ms {
			last = i
		}
	}
	return last >= 0 && turns[last].Speaker == schemas.Agent
}

// lastEnd is the latest end of a span that ends by ms, or -1.
func lastEnd(spans []Span, ms int64) int64 {
	var end int64 = -1
	for _, s := range spans {
		if s.EndMS <= ms {
			end = max(end, s.EndMS)
		}
	}
	return end
}

// overtalks finds where both talk at once; By is who started later, the
// one who talked over the other.
func overtalks(agent, customer []Span, turns []schemas.Turn) []schemas.Overtalk {
	var out []schemas.Overtalk
	i, j := 0, 0
	for i < len(agent) && j < len(customer) {
		a, c := agent[i], customer[j]
		start, end := max(a.StartMS, c.StartMS), min(a.EndMS, c.EndMS)
		if end-start >= MinOvertalkMS {
			by := schemas.Agent
			if c.StartMS > a.StartMS {
				by = schemas.Customer
			}
			out = append(out, schemas.Overtalk{
				Segment: schemas.Segment{StartMS: start, EndMS: end, Turn: turnOf(turns, by, start)},
				By:      by,
			})
		}
		if a.EndMS < c.EndMS {
			i++
		} else {
			j++
		}
	}
	return out
}

// turnAfter is the first turn that starts at or after ms (less some
// slack); len(turns) when none does.
func turnAfter(turns []schemas.Turn, ms int64) int {
	for i := range turns {
		if turns[i].StartMS >= ms-turnSlackMS {
			return i
		}
	}
	return len(turns)
}

// turnOf is the turn of speaker whose start is nearest to ms; without
// one near, the turn after ms.
func turnOf(turns []schemas.Turn, speaker schemas.Speaker, ms int64) int {
	best, dist := -1, int64(turnSlackMS*4)
	for i := range turns {
		if turns[i].Speaker != speaker {
			continue
		}
		d := turns[i].StartMS - ms
		if d < 0 {
			d = -d
		}
		if d < dist {
			best, dist = i, d
		}
	}
	if best < 0 {
		return turnAfter(turns, ms)
	}
	return best
}

func total(spans []Span) int64 {
	var n int64
	for _, s := range spans {
		n += s.Len()
	}
	return n
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
