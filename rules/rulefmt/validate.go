package rulefmt

import (
	"regexp"
	"strings"
)

// validate checks what needs the whole pack: ids, references, cycles,
// regular expressions. It runs only on a pack that parsed cleanly.
func (p *parser) validate(pk *Pack) {
	m := pk.Meta
	if !namePattern.MatchString(m.ID) {
		p.errorf(m.Pos, "pack.id %q must match %s", m.ID, namePattern)
	}
	if m.Version == "" {
		p.errorf(m.Pos, "pack.version is required")
	}
	if m.Language == "" {
		p.errorf(m.Pos, "pack.language is required (zh-CN, en-US, ...)")
	}

	lexicons := map[string]bool{}
	for _, l := range pk.Lexicons {
		lexicons[l.Name] = true
		if len(l.Phrases) == 0 {
			p.errorf(l.Pos, "lexicon %q is empty", l.Name)
		}
	}
	checkLexicon := func(r Ref) {
		if r.Name != "" && !lexicons[r.Name] {
			p.errorf(r.Pos, "undefined lexicon %q", r.Name)
		}
	}
	if s := pk.Sentiment; s != nil {
		for _, r := range append(append([]Ref{}, s.Negative...), s.Positive...) {
			checkLexicon(r)
		}
		checkLexicon(s.Negators)
	}

	g := &graph{p: p, pack: pk, edges: map[string][]edge{}}
	conds := map[string]bool{}
	for _, c := range pk.Conditions {
		conds[c.Name] = true
	}
	scenarios := map[string]bool{}
	for _, s := range pk.Scenarios {
		scenarios[s.Name] = true
	}
	visit := func(owner string, c *Condition) {
		Walk(c, func(c *Condition) {
			switch c.Kind {
			case "ref":
				if !conds[c.Ref.Name] {
					p.errorf(c.Ref.Pos, "undefined condition %q", c.Ref.Name)
				} else {
					g.edges[owner] = append(g.edges[owner], edge{"condition " + c.Ref.Name, c.Ref.Pos})
				}
			case "scenario":
				if !scenarios[c.Scenario.Name] {
					p.errorf(c.Scenario.Pos, "undefined scenario %q", c.Scenario.Name)
				} else {
					g.edges[owner] = append(g.edges[owner], edge{"scenario " + c.Scenario.Name, c.Scenario.Pos})
				}
			case "text":
				for _, r := range c.Text.Lexicons {
					checkLexicon(r)
				}
				if c.Text.Regex != "" {
					if _, err := regexp.Compile(c.Text.Regex); err != nil {
						p.errorf(c.Text.RegexPos, "bad regex: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
					}
				}
			case "sentiment":
				if pk.Sentiment == nil {
					p.errorf(c.Pos, "sentiment condition needs the pack's sentiment section")
				}
			}
		})
	}
	for _, c := range pk.Conditions {
		visit("condition "+c.Name, c.Cond)
	}
	for _, s := range pk.Scenarios {
		visit("scenario "+s.Name, s.Cond)
	}
	for _, r := range pk.Risks {
		visit("risk "+r.Name, r.Cond)
	}

	if l := pk.LLM; l != nil {
		if l.PromptVersion == "" {
			p.errorf(l.Pos, "llm: prompt_version is required: results and cached answers are keyed by it")
		}
		if strings.TrimSpace(l.System) == "" {
			p.errorf(l.Pos, "llm: system (the instructions and policy the model judges by) is required")
		}
	}

	sc := pk.Scorecard
	if len(sc.Sections) == 0 {
		p.errorf(sc.Pos, "scorecard needs at least one section")
	}
	sections, items := map[string]bool{}, map[string]Pos{}
	for _, s := range sc.Sections {
		if !namePattern.MatchString(s.ID) {
			p.errorf(s.Pos, "section id %q must match %s", s.ID, namePattern)
		} else if sections[s.ID] {
			p.errorf(s.Pos, "duplicate section id %q", s.ID)
		}
		sections[s.ID] = true
		if len(s.Items) == 0 {
			p.errorf(s.Pos, "section %q has no items", s.ID)
		}
		for _, it := range s.Items {
			switch {
			case !namePattern.MatchString(it.ID):
				p.errorf(it.Pos, "item id %q must match %s", it.ID, namePattern)
			case items[it.ID] != Pos{}:
				first := items[it.ID]
				p.errorf(it.Pos, "duplicate item id %q (first at line %d)", it.ID, first.Line)
			default:
				items[it.ID] = it.Pos
			}
			if it.Severity != "minor" && it.Severity != "major" && it.Severity != "critical" {
				p.errorf(it.Pos, "item %q: severity %q is not one of minor, major, critical", it.ID, it.Severity)
			}
			switch {
			case it.LLM != "" && (it.When != nil || it.Require != nil || it.Forbid != nil):
				p.errorf(it.Pos, "item %q: an llm item has no when, require or forbid (the model answers na when it does not apply)", it.ID)
			case it.LLM != "" && pk.LLM == nil:
				p.errorf(it.Pos, "item %q is judged by a language model, but the pack has no llm section (prompt_version, system)", it.ID)
			case it.LLM == "" && it.Require == nil && it.Forbid == nil:
				p.errorf(it.Pos, "item %q needs require, forbid or both (or llm)", it.ID)
			}
			for _, c := range []*Condition{it.When, it.Require, it.Forbid} {
				if c != nil {
					visit("item "+it.ID, c)
				}
			}
		}
	}
	g.cycles()
}

// Walk calls fn on c and every condition nested in it, depth first.
func Walk(c *Condition, fn func(*Condition)) {
	if c == nil {
		return
	}
	fn(c)
	for _, x := range c.All {
		Walk(x, fn)
	}
	for _, x := range c.Any {
		Walk(x, fn)
	}
	Walk(c.Not, fn)
	if c.Context != nil {
		Walk(c.Context.Anchor, fn)
		Walk(c.Context.Find, fn)
	}
}

type edge struct {
	to string
	at Pos
}

// graph holds references between named conditions and scenarios.
type graph struct {
	p     *parser
	pack  *Pack
	edges map[string][]edge
}

// cycles reports each reference cycle once, at the reference that closes it.
func (g *graph) cycles() {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var dfs func(n string)
	dfs = func(n string) {
		state[n] = active
		stack = append(stack, n)
		for _, e := range g.edges[n] {
			switch state[e.to] {
			case active:
				i := len(stack) - 1
				for stack[i] != e.to {
					i--
				}
				cycle := append(append([]string{}, stack[i:]...), e.to)
				g.p.errorf(e.at, "reference cycle: %s", strings.Join(cycle, " → "))
			case unseen:
				dfs(e.to)
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
	}
	for _, c := range g.pack.Conditions {
		if state["condition "+c.Name] == unseen {
			dfs("condition " + c.Name)
		}
	}
	for _, s := range g.pack.Scenarios {
		if state["scenario "+s.Name] == unseen {
			dfs("scenario " + s.Name)
		}
	}
}
