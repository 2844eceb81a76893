package scorers

import (
	"fmt"
	"strings"

	"github.com/zhijian-qa/zhijian/schemas"
)

// Router picks the runner for an interaction: the only one when there is
// one, else the one whose scorecard language matches the interaction's
// (zh-CN matches a zh-CN or zh scorecard; en-GB an en-US one by its prefix).
type Router struct {
	runners []*Runner
}

// NewRouter routes between runners, in order of preference.
func NewRouter(runners ...*Runner) *Router { return &Router{runners: runners} }

// For returns the runner for in, or an error that says why none fits.
func (r *Router) For(in *schemas.Interaction) (*Runner, error) {
	if len(r.runners) == 1 {
		return r.runners[0], nil
	}
	lang := strings.ToLower(in.Language)
	prefix, _, _ := strings.Cut(lang, "-")
	var byPrefix *Runner
	for _, rn := range r.runners {
		l := strings.ToLower(rn.card.Language)
		if l == lang {
			return rn, nil
		}
		if p, _, _ := strings.Cut(l, "-"); p == prefix && byPrefix == nil {
			byPrefix = rn
		}
	}
	if byPrefix != nil && prefix != "" {
		return byPrefix, nil
	}
	return nil, fmt.Errorf("no scorecard for language %q (have %s)", in.Language, r.languages())
}

func (r *Router) languages() string {
	var ls []string
	for _, rn := range r.runners {
		ls = append(ls, rn.card.ID+"="+rn.card.Language)
	}
	return strings.Join(ls, ", ")
}
