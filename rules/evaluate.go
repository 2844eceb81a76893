package rules

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/schemas"
)

// maxEvidence bounds the evidence kept per finding; the rationale gives the full count.
const maxEvidence = 5

// Evaluation is what a Program finds in one interaction.
type Evaluation struct {
	Findings  []schemas.Finding
	Scenarios []string
	Risks     []schemas.Risk
	Sentiment *schemas.Sentiment
}

// Evaluate scores in against every rule item of the pack. m holds the
// timing metrics (TurnMetrics(in) when no audio was measured).
func (p *Program) Evaluate(in *schemas.Interaction, m *schemas.Metrics) *Evaluation {
	s := p.newState(in, m)
	defer s.release()
	ev := &Evaluation{Findings: make([]schemas.Finding, 0, len(p.items))}
	conf := s.meanConfidence()
	for i := range p.scenarios {
		if s.scenario(i).val == yes || in.Metadata["scenario"] == p.scenarios[i].name {
			ev.Scenarios = append(ev.Scenarios, p.scenarios[i].name)
		}
	}
	for _, r := range p.risks {
		if o := r.n.eval(s); o.val == yes {
			ev.Risks = append(ev.Risks, schemas.Risk{ID: r.name, Evidence: s.evidence(o.hits)})
		}
	}
	if p.sentiment != nil && s.hasText {
		s.sentiment()
		st := &schemas.Sentiment{}
		for _, h := range s.sentHits {
			if in.Turns[h.h.turn].Speaker != schemas.Customer {
				continue
			}
			if h.negative {
				st.Negative++
			} else {
				st.Positive++
			}
		}
		if n := st.Negative + st.Positive; n > 0 {
			st.Score = math.Round(float64(st.Positive-st.Negative)/float64(n)*100) / 100
		}
		ev.Sentiment = st
	}
	for i := range p.items {
		ev.Findings = append(ev.Findings, s.item(&p.items[i], conf))
	}
	return ev
}

func (s *state) item(it *itemNode, meanConf float64) schemas.Finding {
	d := it.def
	f := schemas.Finding{Item: d.ID, Section: it.section, Kind: "rule", MaxPoints: d.Points,
		Severity: d.Severity, Confidence: 1, Evidence: []schemas.Evidence{}}
	if it.when != nil {
		switch o := it.when.eval(s); o.val {
		case unknown:
			f.Verdict, f.Rationale = schemas.NotEvaluated, "cannot tell whether the item applies: "+s.missingData()
			return f
		case no:
			f.Verdict, f.Rationale = schemas.NA, "does not apply"
			return f
		}
	}
	// An absent require holds and an absent forbid does not.
	req, forb := outcome{val: yes, measure: math.NaN()}, outcome{val: no, measure: math.NaN()}
	if it.require != nil {
		req = it.require.eval(s)
	}
	if it.forbid != nil && req.val != unknown {
		forb = it.forbid.eval(s)
	}
	if req.val == unknown || forb.val == unknown {
		f.Verdict, f.Rationale = schemas.NotEvaluated, "cannot be decided: "+s.missingData()
		return f
	}
	reqOK, forbOK := req.val == yes, forb.val == no
	var hits []hit
	switch {
	case !forbOK:
		f.Verdict, hits = schemas.Fail, forb.hits
		f.Rationale = describe("found what is forbidden", forb)
		if !reqOK {
			f.Rationale += "; " + describe("missed what is required", req)
		}
	case !reqOK:
		f.Verdict, hits = schemas.Fail, req.hits
		f.Rationale = describe("missed what is required", req)
	default:
		f.Verdict, f.Points, hits = schemas.Pass, d.Points, req.hits
		f.Rationale = describe("met", req)
	}
	// A failure says what the item asks, for the reviewer who reads it.
	if f.Verdict == schemas.Fail && d.Description != "" {
		f.Rationale = d.Description + ": " + f.Rationale
	}
	f.Evidence = s.evidence(hits)
	f.Confidence = s.confidence(hits, meanConf)
	return f
}

func describe(what string, o outcome) string {
	measured := !math.IsNaN(o.measure) && o.unit != ""
	if !measured && len(o.hits) <= maxEvidence {
		return what
	}
	var b strings.Builder
	b.WriteString(what)
	if measured {
		fmt.Fprintf(&b, " (measured %s %s)", trimFloat(o.measure), o.unit)
	}
	if n := len(o.hits); n > maxEvidence {
		fmt.Fprintf(&b, " (%d hits, first %d shown)", n, maxEvidence)
	}
	return b.String()
}

func trimFloat(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// missingData names what an unknown condition lacked.
func (s *state) missingData() string {
	switch {
	case !s.hasText:
		return "no transcript"
	case s.m.AgentTalkRatio < 0 && s.m.Source == "audio":
		return "a mono recording cannot tell the speakers apart"
	case s.m.AgentTalkRatio < 0:
		return "turn durations (end_ms) are missing"
	}
	return "not enough data"
}

func (s *state) evidence(hits []hit) []schemas.Evidence {
	out := make([]schemas.Evidence, 0, min(len(hits), maxEvidence))
	for _, h := range hits {
		if len(out) == maxEvidence {
			break
		}
		e := schemas.Evidence{Turn: int(h.turn), OffsetMS: h.startMS}
		if h.start >= 0 {
			text := s.in.Turns[h.turn].Text
			e.Start = utf8.RuneCountInString(text[:h.start])
			e.End = e.Start + utf8.RuneCountInString(text[h.start:h.end])
			e.Quote = text[h.start:h.end]
		} else {
			e.DurationMS = h.endMS - h.startMS
		}
		out = append(out, e)
	}
	return out
}

// confidence is the lowest ASR confidence among the evidence's turns, or
// the transcript's mean when there is no evidence; 1 for text without ASR.
func (s *state) confidence(hits []hit, mean float64) float64 {
	c, found := 1.0, false
	for _, h := range hits {
		// Spans of a recording without a transcript name no turn.
		for t := h.turn; t <= h.turnTo && int(t) < len(s.in.Turns); t++ {
			if x := s.in.Turns[t].Confidence; x != nil {
				c, found = min(c, *x), true
			}
		}
	}
	if !found {
		return mean
	}
	return c
}

func (s *state) meanConfidence() float64 {
	sum, n := 0.0, 0
	for i := range s.in.Turns {
		if c := s.in.Turns[i].Confidence; c != nil {
			sum += *c
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return math.Round(sum/float64(n)*1000) / 1000
}
