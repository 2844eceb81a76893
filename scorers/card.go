package scorers

import (
	"hash/fnv"
	"math"

	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
)

// Card is a scorecard's structure: what aggregation needs to know.
type Card struct {
	ID, Version     string
	Language        string
	PassMark        float64
	LowConfidence   float64
	CalibrationRate float64
	Sections        []Section
}

// Section is a weighted group of items.
type Section struct {
	ID     string
	Weight float64
	Items  []Item
}

// Item is one scorecard line.
type Item struct {
	ID       string
	Points   float64
	Severity string
	// Kind is rule or llm: who evaluates the item.
	Kind string
}

// CardOf returns the scorecard of a parsed pack.
func CardOf(p *rulefmt.Pack) Card {
	sc := p.Scorecard
	c := Card{ID: p.Meta.ID, Version: p.Meta.Version, Language: p.Meta.Language, PassMark: sc.PassMark,
		LowConfidence: sc.LowConfidence, CalibrationRate: sc.CalibrationRate}
	for _, s := range sc.Sections {
		sec := Section{ID: s.ID, Weight: s.Weight}
		for _, it := range s.Items {
			kind := "rule"
			if it.LLM != "" {
				kind = "llm"
			}
			sec.Items = append(sec.Items, Item{ID: it.ID, Points: it.Points, Severity: it.Severity, Kind: kind})
		}
		c.Sections = append(c.Sections, sec)
	}
	return c
}

// aggregate fills the score, verdict summary and flags of r from its findings.
func (c *Card) aggregate(r *schemas.Result) {
	var weighted, weights float64
	evaluated, notEvaluated := 0, 0
	lowConf := false
	i := 0
	for _, s := range c.Sections {
		var earned, possible float64
		for range s.Items {
			f := &r.Findings[i]
			i++
			switch f.Verdict {
			case schemas.Pass, schemas.Fail:
				evaluated++
				earned += f.Points
				possible += f.MaxPoints
				if f.Verdict == schemas.Fail && f.Severity == schemas.Critical {
					r.AutoFailed = true
				}
				if f.Confidence < c.LowConfidence {
					lowConf = true
				}
			case schemas.NotEvaluated:
				notEvaluated++
			}
		}
		if possible > 0 {
			weighted += s.Weight * earned / possible
			weights += s.Weight
		}
	}
	switch {
	case evaluated == 0 && notEvaluated > 0:
		r.Coverage = schemas.CoverageNone
	case notEvaluated > 0:
		r.Coverage = schemas.CoveragePartial
	default:
		r.Coverage = schemas.CoverageFull
	}
	raw := 0.0
	if weights > 0 {
		raw = math.Round(weighted/weights*1000) / 10
	}
	r.Score = raw
	if r.AutoFailed {
		r.Score = 0
	}
	r.Passed = !r.AutoFailed && raw >= c.PassMark && r.Coverage != schemas.CoverageNone

	r.FlagReasons = []string{}
	if r.AutoFailed {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagCriticalFailure)
	}
	if raw < c.PassMark && evaluated > 0 {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagBelowPassMark)
	}
	if len(r.Risks) > 0 {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagEscalationRisk)
	}
	if lowConf {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagLowConfidence)
	}
	if InSample(r.InteractionID, c.CalibrationRate) {
		r.FlagReasons = append(r.FlagReasons, schemas.FlagCalibrationSample)
	}
	r.Flagged = len(r.FlagReasons) > 0
}

// InSample reports whether id falls in a calibration sample of the given
// rate. The choice depends on the id alone.
func InSample(id string, rate float64) bool {
	if rate <= 0 {
		return false
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	// FNV's high bits barely change between ids that differ in their last
	// characters (c-001, c-002): mix them (the splitmix64 finalizer).
	x := h.Sum64()
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x)/math.MaxUint64 < rate
}
