package llm

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/zhijian-qa/zhijian/rules/rulefmt"
)

// Item is one LLM-judged scorecard item, as the pack defines it.
type Item struct {
	ID, Name string
	// Question is what to judge, with pass / fail / na criteria, in the
	// pack's language.
	Question string
	Points   float64
	Section  string
	Severity string
}

// Spec is what a pack gives the scorer.
type Spec struct {
	Pack, PromptVersion string
	// Language is the pack's language ("zh-CN", "en-US"): the fixed
	// instructions are Chinese for zh-*, English otherwise.
	Language string
	// System is the pack's system prompt: role and policy.
	System string
	Items  []Item
	// Intents are the labels the model may classify the interaction with.
	Intents []string
}

// SpecOf returns the LLM part of a parsed pack: its llm section and the
// items that have an llm question, in scorecard order. ok is false when the
// pack has no LLM items.
func SpecOf(p *rulefmt.Pack) (spec Spec, ok bool) {
	if p == nil || p.LLM == nil {
		return Spec{}, false
	}
	spec = Spec{Pack: p.Meta.ID, PromptVersion: p.LLM.PromptVersion, Language: p.Meta.Language,
		System: p.LLM.System, Intents: p.LLM.Intents}
	for _, s := range p.Scorecard.Sections {
		for _, it := range s.Items {
			if it.LLM != "" {
				spec.Items = append(spec.Items, Item{ID: it.ID, Name: it.Name, Question: it.LLM,
					Points: it.Points, Section: s.ID, Severity: it.Severity})
			}
		}
	}
	return spec, len(spec.Items) > 0
}

// validate reports every problem of a spec.
func (s *Spec) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(s.PromptVersion) == "" {
		bad("prompt version is required: results and cached answers are keyed by it")
	}
	if len(s.Items) == 0 {
		bad("no items to judge")
	}
	ids := map[string]bool{}
	for i, it := range s.Items {
		switch {
		case strings.TrimSpace(it.ID) == "":
			bad("items[%d]: id is required", i)
		case ids[it.ID]:
			bad("items[%d]: id %q is repeated", i, it.ID)
		}
		ids[it.ID] = true
		if strings.TrimSpace(it.Question) == "" {
			bad("item %q: question is required", it.ID)
		}
		if it.Points < 0 || math.IsNaN(it.Points) || math.IsInf(it.Points, 0) {
			bad("item %q: points (%v) must be a finite number, 0 or more", it.ID, it.Points)
		}
	}
	seen := map[string]bool{}
	for i, in := range s.Intents {
		switch {
		case strings.TrimSpace(in) == "":
			bad("intents[%d] is empty", i)
		case seen[in]:
			bad("intents[%d] (%q) is repeated", i, in)
		}
		seen[in] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("llm spec of pack %q: %w", s.Pack, err)
	}
	return nil
}

// chinese reports whether the pack's instructions are Chinese.
func (s *Spec) chinese() bool {
	l := strings.ToLower(s.Language)
	return l == "zh" || strings.HasPrefix(l, "zh-") || strings.HasPrefix(l, "zh_")
}
