package scorers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
)

// Runner scores interactions against one scorecard with a set of scorers.
type Runner struct {
	card    Card
	reg     *Registry
	names   []string
	version string
	now     func() time.Time
	// ids are the card's items, in order; index gives each one's position.
	ids   []string
	index map[string]int
}

// NewRunner returns a runner for card. version is the engine version
// written in results.
func NewRunner(card Card, reg *Registry, version string) *Runner {
	r := &Runner{card: card, reg: reg, names: reg.Names(), version: version, now: time.Now,
		index: map[string]int{}}
	for _, s := range card.Sections {
		for _, it := range s.Items {
			r.index[it.ID] = len(r.ids)
			r.ids = append(r.ids, it.ID)
		}
	}
	return r
}

// Card returns the runner's scorecard.
func (r *Runner) Card() *Card { return &r.card }

// Score runs every scorer on in and aggregates a Result. m holds timing
// metrics; scorer failures do not fail the call: their items are
// not_evaluated and their status says why.
func (r *Runner) Score(ctx context.Context, in *schemas.Interaction, m *schemas.Metrics) *schemas.Result {
	input := &Input{Interaction: in, Metrics: m}
	var out [1]*Output // a single scorer's, on the stack
	var err [1]error
	outs, errs := out[:], err[:]
	if len(r.names) == 1 {
		outs[0], errs[0] = safeScore(ctx, r.reg.byName[r.names[0]], input)
	} else {
		outs, errs = r.scoreAll(ctx, input)
	}

	res := &schemas.Result{
		InteractionID: in.ID, Tenant: in.Tenant, Channel: in.Channel, Language: in.Language,
		Queue: in.Queue, AgentID: in.Agent.ID, Team: in.Agent.Team, StartedAt: in.StartedAt,
		Scorecard: r.card.ID, ScorecardVersion: r.card.Version, Metrics: m,
		Scorers: make(map[string]schemas.ScorerStatus, len(r.names)), EngineVersion: r.version,
		ProcessedAt: r.now().UTC(),
	}
	if len(in.Turns) > 0 {
		res.TranscriptSource = "supplied"
	}
	// A single scorer's findings, when they come in the card's order
	// with room for all its items, are laid out in place.
	adopt := len(r.names) == 1 && errs[0] == nil && r.spread(outs[0].Findings)
	if adopt {
		res.Findings = outs[0].Findings[:len(r.ids)]
	} else {
		res.Findings = make([]schemas.Finding, len(r.ids))
	}
	var why map[string]string // scorer → why its items were not evaluated
	for i, name := range r.names {
		if errs[i] != nil {
			res.Scorers[name] = schemas.ScorerStatus{Status: schemas.ScorerError, Reason: errs[i].Error()}
			if why == nil {
				why = map[string]string{}
			}
			why[name] = fmt.Sprintf("scorer %s failed: %v", name, errs[i])
			continue
		}
		res.Scorers[name] = schemas.ScorerStatus{Status: schemas.ScorerOK}
		o := outs[i]
		if !adopt {
			r.place(res.Findings, o.Findings)
		}
		res.Scenarios = append(res.Scenarios, o.Scenarios...)
		res.Risks = append(res.Risks, o.Risks...)
		if o.Sentiment != nil {
			res.Sentiment = o.Sentiment
		}
		if o.LLM != nil {
			res.Summary, res.Intents, res.LLM = o.Summary, o.Intents, o.LLM
		}
	}
	i := 0
	for _, s := range r.card.Sections {
		for _, it := range s.Items {
			if res.Findings[i].Item == "" { // nobody evaluated it
				res.Findings[i] = schemas.Finding{Item: it.ID, Section: s.ID, Kind: it.Kind, Verdict: schemas.NotEvaluated,
					MaxPoints: it.Points, Severity: it.Severity, Evidence: []schemas.Evidence{}, Rationale: r.whyNot(it.Kind, why)}
			}
			i++
		}
	}
	r.card.aggregate(res)
	return res
}

// place copies a scorer's findings to their places in the card's order.
func (r *Runner) place(dst, findings []schemas.Finding) {
	next := 0 // findings usually come in the card's order
	for k := range findings {
		f := &findings[k]
		i, ok := next, next < len(r.ids) && r.ids[next] == f.Item
		if !ok { // after another scorer's items, out of order, or not the card's
			i, ok = r.index[f.Item]
		}
		if ok {
			dst[i] = *f
			next = i + 1
		}
	}
}

// spread moves findings, in place, to their positions in the card's
// order, leaving the items without one zero, if the findings are some of
// the card's items in its order and have the capacity for all of them
// (and the card has at most 256 items); it reports whether it did.
func (r *Runner) spread(findings []schemas.Finding) bool {
	var at [256]uint8 // the position of each finding
	n := len(r.ids)
	if cap(findings) < n || n > len(at) {
		return false
	}
	j := 0
	for k := range findings { // a subsequence of the card's items?
		for j < len(r.ids) && r.ids[j] != findings[k].Item {
			j++
		}
		if j == len(r.ids) {
			return false
		}
		at[k] = uint8(j)
		j++
	}
	all := findings[:n]
	// From the last, as k <= at[k]: nothing is overwritten before it is
	// moved. next is the first position laid out.
	next := n
	for k := len(findings) - 1; k >= 0; k-- {
		j := int(at[k])
		clear(all[j+1 : next])
		if j != k {
			all[j] = all[k]
		}
		next = j
	}
	clear(all[:next])
	return true
}

// scoreAll runs every scorer at once.
func (r *Runner) scoreAll(ctx context.Context, input *Input) ([]*Output, []error) {
	outs, errs := make([]*Output, len(r.names)), make([]error, len(r.names))
	var wg sync.WaitGroup
	for i, name := range r.names {
		wg.Go(func() { outs[i], errs[i] = safeScore(ctx, r.reg.byName[name], input) })
	}
	wg.Wait()
	return outs, errs
}

// whyNot says why nobody evaluated an item of a kind: a scorer failed
// (the one named after the kind first: "rules", "llm"), or none is
// registered.
func (r *Runner) whyNot(kind string, failed map[string]string) string {
	for _, name := range r.names {
		if why, ok := failed[name]; ok && strings.HasPrefix(name, kind) {
			return why
		}
	}
	for _, name := range r.names {
		if why, ok := failed[name]; ok {
			return why
		}
	}
	if kind == "llm" {
		return "no LLM endpoint is configured (llm.url)"
	}
	return "no scorer evaluates this item"
}

// safeScore turns a scorer's panic into an error: one bad scorer must not
// take the worker down.
func safeScore(ctx context.Context, s Scorer, in *Input) (out *Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("scorer panicked: %v", p)
		}
	}()
	out, err = s.Score(ctx, in)
	if err == nil && out == nil {
		err = fmt.Errorf("scorer returned no output")
	}
	return out, err
}
