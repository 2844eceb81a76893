// Package rule adapts the rule engine (package rules) to the Scorer
// interface: it evaluates a pack's rule items.
package rule

import (
	"context"

	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/scorers"
)

// Name is the rule scorer's registry name.
const Name = "rules"

// New returns a scorer for the rule items of prog.
func New(prog *rules.Program) scorers.Scorer {
	return scorers.Func(func(_ context.Context, in *scorers.Input) (*scorers.Output, error) {
		ev := prog.Evaluate(in.Interaction, in.Metrics)
		return &scorers.Output{Findings: ev.Findings, Scenarios: ev.Scenarios, Risks: ev.Risks, Sentiment: ev.Sentiment}, nil
	})
}
