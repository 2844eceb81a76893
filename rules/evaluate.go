package rules

import (
	"fmt"
	"math"
	"math/bits"
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
	// Room for every item of the scorecard: a runner can lay the
	// findings out in the card's order in place.
	ev := &Evaluation{Findings: make([]schemas.Finding, 0, p.cardItems)}
	conf := s.meanConfidence()
	for i := range p.scenarios {
		if s.scenario(i).val == yes || in.Metadata["scenario"] == p.scenarios[i].name {
			ev.Scenarios = append(ev.Scenarios, p.scenarios[i].name)
		}
	}
	// The hits behind each risk, then each finding, become evidence at
	// the end, all cut from one allocation.
	s.evHits = s.evHits[:0]
	for _, r := range p.risks {
		if o := r.n.eval(s); o.val == yes {
			ev.Risks = append(ev.Risks, schemas.Risk{ID: r.name})
			s.evHits = append(s.evHits, o.hits)
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
	ev.Findings = ev.Findings[:len(p.items)]
	for i := range p.items {
		s.evHits = append(s.evHits, s.item(&ev.Findings[i], &p.items[i], conf))
	}
	s.giveEvidence(ev)
	return ev
}

// giveEvidence turns the hits of s.evHits into the evidence of ev's risks
// and findings, in this order.
func (s *state) giveEvidence(ev *Evaluation) {
	n := 0
	for _, hits := range s.evHits {
		n += min(len(hits), maxEvidence)
	}
	s.evidenceChunk = make([]schemas.Evidence, 0, n)
	for i := range ev.Risks {
		ev.Risks[i].Evidence = s.evidence(s.evHits[i])
	}
	for i, hits := range s.evHits[len(ev.Risks):] {
		if hits != nil {
			ev.Findings[i].Evidence = s.evidence(hits)
		}
	}
}

// item evaluates an item into f, in place; its evidence, still to make,
// is the hits.
func (s *state) item(f *schemas.Finding, it *itemNode, meanConf float64) []hit {
	d := it.def
	*f = schemas.Finding{Item: d.ID, Section: it.section, Kind: "rule", MaxPoints: d.Points,
		Severity: d.Severity, Confidence: 1, Evidence: []schemas.Evidence{}}
	if it.when != nil {
		switch o := it.when.eval(s); o.val {
		case unknown:
			f.Verdict, f.Rationale = schemas.NotEvaluated, "cannot tell whether the item applies: "+s.missingData()
			return nil
		case no:
			f.Verdict, f.Rationale = schemas.NA, "does not apply"
			return nil
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
		return nil
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
	f.Confidence = s.confidence(hits, meanConf)
	return hits
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
	out := s.newEvidence(min(len(hits), maxEvidence))
	for _, h := range hits {
		if len(out) == maxEvidence {
			break
		}
		e := schemas.Evidence{Turn: int(h.turn), OffsetMS: h.startMS}
		if h.start >= 0 {
			e.Quote = s.in.Turns[h.turn].Text[h.start:h.end]
			e.Start = s.runeIndex(h.turn, h.start)
			if s.valid[h.turn] {
				e.End = e.Start + countValidRunes(e.Quote)
			} else {
				e.End = e.Start + utf8.RuneCountInString(e.Quote)
			}
		} else {
			e.DurationMS = h.endMS - h.startMS
		}
		out = append(out, e)
	}
	return out
}

// runeIndex returns the number of code points before byte b of turn t's
// text (b at a code point's start), counting from the place of the
// turn's last answer: evidence comes mostly in order.
func (s *state) runeIndex(t, b int32) int {
	text := s.in.Turns[t].Text
	count := utf8.RuneCountInString
	if s.valid[t] {
		count = countValidRunes
	}
	mark := &s.runeMarks[t]
	n := mark.runes
	if b >= mark.at {
		n += count(text[mark.at:b])
	} else {
		n -= count(text[b:mark.at])
	}
	mark.at, mark.runes = b, n
	return n
}

// runeMark is a byte of a text and the number of code points before it.
type runeMark struct {
	at    int32
	runes int
}

// countValidRunes is utf8.RuneCountInString for valid UTF-8: the number
// of bytes that do not continue a sequence, counted eight at a time.
func countValidRunes(s string) int {
	n := len(s)
	for ; len(s) >= 8; s = s[8:] {
		b := s[:8] // one bounds check, and one load of eight bytes
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		// A continuation byte is 10xxxxxx: bit 7 set, bit 6 (shifted to 7) clear.
		n -= bits.OnesCount64(w &^ (w << 1) & 0x8080808080808080)
	}
	for i := 0; i < len(s); i++ {
		n -= int(s[i]>>7) &^ int(s[i]>>6&1) // no branch on the text
	}
	return n
}

// newEvidence returns an empty slice with room for n pieces of evidence,
// cut from the chunk that the evidence of one evaluation shares.
func (s *state) newEvidence(n int) []schemas.Evidence {
	if n == 0 {
		return []schemas.Evidence{}
	}
	if cap(s.evidenceChunk)-len(s.evidenceChunk) < n {
		s.evidenceChunk = make([]schemas.Evidence, 0, n)
	}
	start := len(s.evidenceChunk)
	s.evidenceChunk = s.evidenceChunk[:start+n]
	return s.evidenceChunk[start : start : start+n]
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
