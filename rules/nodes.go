package rules

import (
	"math"
	"slices"

	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
)

type contextNode struct {
	anchor, find node
	relation     string
	turnsOf      schemas.Speaker
	missing      bool
	withinTurns  int   // -1: no bound
	withinMS     int64 // -1: no bound
}

func (n *contextNode) eval(s *state) outcome {
	a := n.anchor.eval(s)
	if a.val == unknown {
		return a
	}
	if len(a.hits) == 0 {
		return outcome{val: no, measure: math.NaN()}
	}
	f := n.find.eval(s)
	if f.val == unknown {
		return f
	}
	// The hits go straight to the arena: a and f are done with it.
	start := len(s.arena)
	for _, ah := range a.hits {
		found := false
		for _, fh := range f.hits {
			if n.within(s, ah, fh) {
				found = true
				if !n.missing && !slices.Contains(s.arena[start:], fh) {
					s.arena = append(s.arena, fh)
				}
			}
		}
		if n.missing && !found {
			s.arena = append(s.arena, ah)
		}
	}
	out := s.arena[start:len(s.arena):len(s.arena)]
	return outcome{val: boolTri(len(out) > 0), hits: out, measure: math.NaN()}
}

func (n *contextNode) within(s *state, a, f hit) bool {
	switch n.relation {
	case "after":
		return n.after(s, a, f)
	case "before":
		return n.before(s, a, f)
	}
	return n.after(s, a, f) || n.before(s, a, f)
}

// after: the find starts in the anchor's last turn or later (within that
// turn, not before the anchor's own text).
func (n *contextNode) after(s *state, a, f hit) bool {
	if f.turn == a.turnTo && a.turn == a.turnTo && f.start >= 0 && a.start >= 0 && f.start < a.start {
		return false
	}
	return f.turn >= a.turnTo &&
		(n.withinTurns < 0 || n.turnsBetween(s, a.turnTo, f.turn) <= n.withinTurns) &&
		(n.withinMS < 0 || f.startMS >= a.startMS && f.startMS-a.endMS <= n.withinMS)
}

// before: the find lies in the anchor's first turn or earlier (within that
// turn, ahead of the anchor's own text).
func (n *contextNode) before(s *state, a, f hit) bool {
	if f.turn == a.turn && a.turn == a.turnTo && f.start >= 0 && a.start >= 0 && f.start >= a.start {
		return false
	}
	return f.turn <= a.turn &&
		(n.withinTurns < 0 || n.turnsBetween(s, f.turn, a.turn) <= n.withinTurns) &&
		(n.withinMS < 0 || f.startMS <= a.startMS && a.startMS-f.endMS <= n.withinMS)
}

// turnsBetween counts the turns in (from, to] that the window counts.
func (n *contextNode) turnsBetween(s *state, from, to int32) int {
	if n.turnsOf == "" {
		return int(to - from)
	}
	c := 0
	for i := from + 1; i <= to; i++ {
		if s.in.Turns[i].Speaker == n.turnsOf {
			c++
		}
	}
	return c
}

// segmentNode reads silence, hold or overtalk segments from the metrics.
type segmentNode struct {
	kind     string
	by       schemas.Speaker
	minMS    int64
	minCount int
}

func (n *segmentNode) eval(s *state) outcome {
	m := s.m
	var segs []schemas.Segment
	switch n.kind {
	case "silence":
		if m.Source == "turns" && !timed(m) {
			return outcome{val: unknown, measure: math.NaN()}
		}
		segs = m.Silences
	case "hold":
		if m.Source == "turns" && !s.hasText {
			return outcome{val: unknown, measure: math.NaN()}
		}
		segs = m.Holds
	case "overtalk":
		// A mono recording cannot tell who talked: its ratio is unknown too.
		if !timed(m) {
			return outcome{val: unknown, measure: math.NaN()}
		}
		start := len(s.arena)
		for _, o := range m.Overtalks {
			if (n.by == "" || o.By == n.by) && o.EndMS-o.StartMS >= n.minMS {
				s.arena = append(s.arena, segHit(s, o.Segment, o.Segment.Turn))
			}
		}
		hits := s.arena[start:len(s.arena):len(s.arena)]
		return outcome{val: boolTri(len(hits) >= n.minCount), hits: hits, measure: float64(len(hits)), unit: "times"}
	}
	start := len(s.arena)
	longest := int64(0)
	for _, g := range segs {
		if d := g.EndMS - g.StartMS; d >= n.minMS {
			longest = max(longest, d)
			s.arena = append(s.arena, segHit(s, g, g.Turn-1))
		}
	}
	hits := s.arena[start:len(s.arena):len(s.arena)]
	return outcome{val: boolTri(len(hits) >= n.minCount), hits: hits, measure: float64(longest) / 1000, unit: "s"}
}

func timed(m *schemas.Metrics) bool { return m.AgentTalkRatio >= 0 }

// segHit is the evidence of a span: from turn `from` to the turn after it.
func segHit(s *state, g schemas.Segment, from int) hit {
	to := g.Turn
	if n := len(s.in.Turns); to >= n {
		to = n - 1
	}
	from = max(min(from, to), 0)
	return hit{turn: int32(from), turnTo: int32(max(to, 0)), start: -1, end: -1, startMS: g.StartMS, endMS: g.EndMS}
}

// boundNode compares one measured value with bounds.
type boundNode struct {
	kind         string
	speaker      schemas.Speaker
	above, below *float64
}

func (n *boundNode) eval(s *state) outcome {
	m := s.m
	var v float64
	unit := ""
	switch n.kind {
	case "speech_rate":
		v, unit = m.AgentRate, m.RateUnit
		if n.speaker == schemas.Customer {
			v = m.CustomerRate
		}
		if v <= 0 || !s.hasText {
			return outcome{val: unknown, measure: math.NaN()}
		}
	case "talk_ratio":
		v, unit = m.AgentTalkRatio, "of talk time"
		if v < 0 {
			return outcome{val: unknown, measure: math.NaN()}
		}
		if n.speaker == schemas.Customer {
			v = 1 - v
		}
	case "duration":
		v, unit = float64(m.DurationMS)/1000, "s"
		if m.DurationMS <= 0 {
			return outcome{val: unknown, measure: math.NaN()}
		}
	}
	holds := (n.above == nil || v > *n.above) && (n.below == nil || v < *n.below)
	var hits []hit
	if holds && n.kind == "speech_rate" {
		hits = n.fastTurns(s)
	}
	return outcome{val: boolTri(holds), hits: hits, measure: v, unit: unit}
}

// fastTurns gives, as evidence of a speech rate out of bounds, the
// speaker's turns whose own rate is out of bounds too.
func (n *boundNode) fastTurns(s *state) []hit {
	start := len(s.arena)
	for i := range s.in.Turns {
		t := &s.in.Turns[i]
		d := t.DurationMS()
		if t.Speaker != n.speaker || d < 1000 {
			continue
		}
		r := float64(SpeechUnits(t.Text)) / (float64(d) / 60000)
		if (n.above == nil || r > *n.above) && (n.below == nil || r < *n.below) {
			s.arena = append(s.arena, hit{turn: int32(i), turnTo: int32(i), start: 0, end: int32(len(t.Text)), startMS: t.StartMS, endMS: t.EndMS})
		}
	}
	return s.arena[start:len(s.arena):len(s.arena)]
}

type responseNode struct {
	which      string
	aboveMS    int64
	responders []schemas.Speaker
}

func (n *responseNode) eval(s *state) outcome {
	if !s.hasText {
		return outcome{val: unknown, measure: math.NaN()}
	}
	rs := s.responses(n.responders)
	if len(rs) == 0 {
		return outcome{val: no, measure: math.NaN()}
	}
	switch n.which {
	case "first":
		rs = rs[:1]
	case "average":
		var sum int64
		for _, r := range rs {
			sum += r.WaitMS
		}
		avg := sum / int64(len(rs))
		return outcome{val: boolTri(avg > n.aboveMS), measure: float64(avg) / 1000, unit: "s average wait"}
	}
	start := len(s.arena)
	longest := int64(0)
	for _, r := range rs {
		longest = max(longest, r.WaitMS)
		if r.WaitMS > n.aboveMS {
			to := r.Turn
			if to < 0 { // never answered
				to = r.Asked
			}
			s.arena = append(s.arena, hit{turn: int32(r.Asked), turnTo: int32(to), start: -1, end: -1,
				startMS: s.in.Turns[r.Asked].StartMS, endMS: s.in.Turns[r.Asked].StartMS + r.WaitMS})
		}
	}
	hits := s.arena[start:len(s.arena):len(s.arena)]
	return outcome{val: boolTri(len(hits) > 0), hits: hits, measure: float64(longest) / 1000, unit: "s longest wait"}
}

type metadataNode struct{ def *rulefmt.Metadata }

func (n *metadataNode) eval(s *state) outcome {
	v, ok := field(s.in, n.def.Field)
	d := n.def
	var holds bool
	switch {
	case d.Exists != nil:
		holds = ok == *d.Exists
	case d.Equals != nil:
		holds = ok && v == *d.Equals
	default:
		holds = ok && slices.Contains(d.In, v)
	}
	return outcome{val: boolTri(holds), measure: math.NaN()}
}

// field reads an interaction field named as in rulefmt.MetadataFields.
func field(in *schemas.Interaction, name string) (string, bool) {
	var v string
	switch name {
	case "channel":
		v = string(in.Channel)
	case "language":
		v = in.Language
	case "direction":
		v = in.Direction
	case "queue":
		v = in.Queue
	case "tenant":
		v = in.Tenant
	case "customer.tier":
		v = in.Customer.Tier
	case "customer.id":
		v = in.Customer.ID
	case "agent.id":
		v = in.Agent.ID
	case "agent.team":
		v = in.Agent.Team
	case "agent.site":
		v = in.Agent.Site
	default:
		x, ok := in.Metadata[name[len("metadata."):]]
		return x, ok
	}
	return v, v != ""
}
