package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/internal/apicall"
	"github.com/zhijian-qa/zhijian/rules/match"
	"github.com/zhijian-qa/zhijian/schemas"
)

// rawAnswer is the model's answer as decoded, before any check.
type rawAnswer struct {
	Items   *[]rawItem `json:"items"`
	Intents []string   `json:"intents"`
	Summary string     `json:"summary"`
}

type rawItem struct {
	ID         string        `json:"id"`
	Verdict    string        `json:"verdict"`
	Confidence number        `json:"confidence"`
	Evidence   []rawEvidence `json:"evidence"`
	Rationale  string        `json:"rationale"`
}

type rawEvidence struct {
	Turn  number `json:"turn"`
	Quote string `json:"quote"`
}

// number is a JSON number that json_object answers sometimes write as a
// string ("0.9", "3"); set is false when it was missing, null or not a
// number, which the checks then treat as such.
type number struct {
	v   float64
	set bool
}

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (n *number) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if len(s) >= 2 && s[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return nil
		}
		s = strings.TrimSpace(s)
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		n.v, n.set = v, true
	}
	return nil
}

// errMalformed marks an answer that is not the JSON asked for.
var errMalformed = errors.New("llm: malformed answer")

// parseAnswer decodes an answer's content. It tolerates what models
// around JSON mode commonly add: a <think> block, a Markdown code fence, a
// sentence before or after the object.
func parseAnswer(content string) (*rawAnswer, error) {
	s := strings.TrimSpace(content)
	if strings.HasPrefix(s, "<think>") {
		if i := strings.Index(s, "</think>"); i >= 0 {
			s = strings.TrimSpace(s[i+len("</think>"):])
		}
	}
	if !strings.HasPrefix(s, "{") {
		if i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}'); i >= 0 && j > i {
			s = s[i : j+1]
		}
	}
	if s == "" {
		return nil, fmt.Errorf("%w: empty content", errMalformed)
	}
	var a rawAnswer
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil, fmt.Errorf("%w: %v in %q", errMalformed, err, apicall.Snippet([]byte(s)))
	}
	if a.Items == nil {
		return nil, fmt.Errorf("%w: no \"items\" in %q", errMalformed, apicall.Snippet([]byte(s)))
	}
	return &a, nil
}

// judgement is an answer checked against the spec and the interaction.
type judgement struct {
	findings   []schemas.Finding
	intents    []string
	summary    string
	quotes     int
	unverified int
	missing    int
	unknown    int
}

// Review notes added to a rationale.
const (
	noVerdict     = "the model gave no verdict"
	reviewCeiling = 0.5 // below the scorecards' low-confidence threshold (0.6): the result goes to review
)

// judge turns an answer into findings, in spec order. Unknown and
// repeated item ids are ignored, verdicts outside pass|fail|na and items
// left out become not_evaluated, confidence is clamped to [0, 1], and
// every quote is verified against the turn it cites.
func (s *Scorer) judge(turns []schemas.Turn, redacted []string, a *rawAnswer) judgement {
	j := judgement{findings: make([]schemas.Finding, len(s.spec.Items))}
	answered := make([]bool, len(s.spec.Items))
	var v verifier
	for _, ri := range *a.Items {
		i, ok := s.itemIndex[strings.TrimSpace(ri.ID)]
		if !ok || answered[i] {
			j.unknown++
			continue
		}
		answered[i] = true
		it := &s.spec.Items[i]
		f := schemas.Finding{Item: it.ID, Section: it.Section, Kind: "llm", MaxPoints: it.Points,
			Severity: it.Severity, Evidence: []schemas.Evidence{}}
		switch verdict := strings.ToLower(strings.TrimSpace(ri.Verdict)); verdict {
		case "pass", "fail", "na":
			f.Verdict = schemas.Verdict(verdict)
		case "n/a":
			f.Verdict = schemas.NA
		default:
			f.Verdict = schemas.NotEvaluated
			f.Rationale = fmt.Sprintf("the model gave an invalid verdict %q", clip(ri.Verdict))
			j.missing++
			j.findings[i] = f
			continue
		}
		if f.Verdict == schemas.Pass {
			f.Points = it.Points
		}
		f.Confidence = reviewCeiling // unknown confidence goes to review
		if ri.Confidence.set {
			f.Confidence = min(max(ri.Confidence.v, 0), 1)
		}
		var notes []string
		for _, re := range ri.Evidence {
			j.quotes++
			ev, note := v.verify(turns, redacted, re)
			if note != "" {
				j.unverified++
				notes = append(notes, note)
				continue
			}
			f.Evidence = append(f.Evidence, ev)
		}
		if len(notes) > 0 {
			f.Confidence = min(f.Confidence, reviewCeiling)
		}
		if f.Verdict == schemas.Fail && len(f.Evidence) == 0 {
			f.Confidence = min(f.Confidence, reviewCeiling)
			notes = append(notes, "no verified evidence for a fail")
		}
		f.Rationale = strings.TrimSpace(ri.Rationale)
		if len(notes) > 0 {
			f.Rationale = strings.TrimSpace(f.Rationale + " [" + strings.Join(notes, "; ") + "]")
		}
		j.findings[i] = f
	}
	for i, ok := range answered {
		if !ok {
			j.missing++
			j.findings[i] = s.notEvaluated(i, noVerdict)
		}
	}
	j.summary = strings.TrimSpace(a.Summary)
	j.intents = s.allowedIntents(a.Intents)
	return j
}

// notEvaluated is item i's finding when it could not be judged.
func (s *Scorer) notEvaluated(i int, why string) schemas.Finding {
	it := &s.spec.Items[i]
	return schemas.Finding{Item: it.ID, Section: it.Section, Kind: "llm", Verdict: schemas.NotEvaluated,
		MaxPoints: it.Points, Severity: it.Severity, Evidence: []schemas.Evidence{}, Rationale: why}
}

// allowedIntents keeps the intents of the spec's list (matched without
// regard to case and spacing, written as the spec writes them), once each.
func (s *Scorer) allowedIntents(in []string) []string {
	var out []string
	for _, x := range in {
		canon, ok := s.intents[strings.ToLower(strings.TrimSpace(x))]
		if ok && !contains(out, canon) {
			out = append(out, canon)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// verifier finds quotes in turns; it keeps its buffers between quotes.
type verifier struct {
	turn match.Text
}

// verify checks that a quote is in the turn it cites. It returns the
// evidence, or a note saying why the quote is not verified.
//
// The quote is looked for as written, then normalized (match.Normalize:
// width, case, punctuation and spacing do not count) in the original turn,
// whose span it maps back to exactly; then in the redacted text the model
// saw (a quote can include a redaction placeholder), where the span is the
// whole turn and the quote is the model's.
func (v *verifier) verify(turns []schemas.Turn, redacted []string, re rawEvidence) (schemas.Evidence, string) {
	quote := strings.TrimSpace(re.Quote)
	switch n := re.Turn.v; {
	case quote == "":
		return schemas.Evidence{}, "unverified quote: it is empty"
	case !re.Turn.set || n != math.Trunc(n) || n < 0 || n >= float64(len(turns)):
		return schemas.Evidence{}, fmt.Sprintf("unverified quote %q: it cites turn %s, which does not exist", clip(quote), turnName(re.Turn))
	}
	t := int(re.Turn.v)
	text := turns[t].Text
	ev := schemas.Evidence{Turn: t, OffsetMS: turns[t].StartMS}
	if i := strings.Index(text, quote); i >= 0 {
		return span(ev, text, i, i+len(quote)), ""
	}
	nq := match.NormalizeString(quote)
	if nq == "" {
		return schemas.Evidence{}, fmt.Sprintf("unverified quote %q: nothing to match once normalized", clip(quote))
	}
	if start, end, ok := v.find(text, nq); ok {
		return span(ev, text, start, end), ""
	}
	if red := redacted[t]; red != text && (strings.Contains(red, quote) || strings.Contains(match.NormalizeString(red), nq)) {
		ev.End, ev.Quote = utf8.RuneCountInString(text), quote
		return ev, ""
	}
	for k := range turns {
		if k == t {
			continue
		}
		if _, _, ok := v.find(turns[k].Text, nq); ok {
			return schemas.Evidence{}, fmt.Sprintf("unverified quote %q: not in turn %d (it is in turn %d)", clip(quote), t, k)
		}
	}
	return schemas.Evidence{}, fmt.Sprintf("unverified quote %q: not in turn %d", clip(quote), t)
}

// find looks for the normalized quote nq in text and returns the span of
// text (byte offsets) it came from.
func (v *verifier) find(text, nq string) (start, end int, ok bool) {
	v.turn.Reset()
	match.Normalize(&v.turn, text)
	i := bytes.Index(v.turn.Norm, []byte(nq))
	if i < 0 {
		return 0, 0, false
	}
	last := int(v.turn.Orig[i+len(nq)-1])
	_, n := utf8.DecodeRuneInString(text[last:])
	return int(v.turn.Orig[i]), last + n, true
}

// span fills in ev for text[start:end], in code points.
func span(ev schemas.Evidence, text string, start, end int) schemas.Evidence {
	ev.Start = utf8.RuneCountInString(text[:start])
	ev.End = ev.Start + utf8.RuneCountInString(text[start:end])
	ev.Quote = text[start:end]
	return ev
}

func turnName(n number) string {
	if !n.set {
		return "(none)"
	}
	return strconv.FormatFloat(n.v, 'f', -1, 64)
}

// clip shortens a model's text for a note.
func clip(s string) string {
	const n = 40
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
