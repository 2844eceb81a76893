package scorers

import (
	"context"
	"fmt"
	"sort"

	"github.com/zhijian-qa/zhijian/schemas"
)

// Input is what a scorer reads.
type Input struct {
	Interaction *schemas.Interaction
	Metrics     *schemas.Metrics
}

// Output is what a scorer found. Only Findings is required.
type Output struct {
	Findings  []schemas.Finding
	Scenarios []string
	Risks     []schemas.Risk
	Sentiment *schemas.Sentiment
	// Summary, Intents and LLM come from the LLM scorer.
	Summary string
	Intents []string
	LLM     *schemas.LLMUsage
}

// Scorer evaluates some items of a scorecard for one interaction.
type Scorer interface {
	Score(ctx context.Context, in *Input) (*Output, error)
}

// Func adapts a function to Scorer.
type Func func(ctx context.Context, in *Input) (*Output, error)

// Score calls f.
func (f Func) Score(ctx context.Context, in *Input) (*Output, error) { return f(ctx, in) }

// Registry holds scorers by name.
type Registry struct {
	byName map[string]Scorer
}

// Register adds s under name; a name can be registered once.
func (r *Registry) Register(name string, s Scorer) error {
	if name == "" || s == nil {
		return fmt.Errorf("register scorer: name and scorer are required")
	}
	if _, dup := r.byName[name]; dup {
		return fmt.Errorf("register scorer: %q is already registered", name)
	}
	if r.byName == nil {
		r.byName = map[string]Scorer{}
	}
	r.byName[name] = s
	return nil
}

// Names lists the registered names in order.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
