package rulefmt

import (
	"math"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds condition nesting, so a hostile pack cannot exhaust the stack.
const maxDepth = 32

// conditionKinds lists every condition key, for error messages.
var conditionKinds = []string{"all", "any", "context", "duration", "hold", "metadata", "not",
	"overtalk", "ref", "response_time", "scenario", "sentiment", "silence", "speech_rate",
	"talk_ratio", "text"}

func (p *parser) condition(n *yaml.Node, what string) *Condition {
	return p.cond(n, what, 0)
}

func (p *parser) cond(n *yaml.Node, what string, depth int) *Condition {
	n = resolve(n)
	c := &Condition{Pos: pos(n)}
	if depth > maxDepth {
		p.errorf(pos(n), "%s: conditions nest deeper than %d levels", what, maxDepth)
		return c
	}
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		p.errorf(pos(n), "%s: a condition is a mapping with exactly one of: %s", what, strings.Join(conditionKinds, ", "))
		return c
	}
	k, v := n.Content[0], resolve(n.Content[1])
	c.Kind, c.Pos = k.Value, pos(k)
	sub := func(v *yaml.Node) *Condition { return p.cond(v, what, depth+1) }
	subs := func(v *yaml.Node) []*Condition {
		var out []*Condition
		p.list(v, c.Kind, func(x *yaml.Node) { out = append(out, sub(x)) })
		if len(out) == 0 {
			p.errorf(pos(v), "%s: %s needs at least one condition", what, c.Kind)
		}
		return out
	}
	switch c.Kind {
	case "text":
		c.Text = p.text(v)
	case "sentiment":
		c.Sentiment = p.sentimentCond(v)
	case "context":
		c.Context = p.context(v, sub)
	case "all":
		c.All = subs(v)
	case "any":
		c.Any = subs(v)
	case "not":
		c.Not = sub(v)
	case "ref":
		c.Ref = p.name(v, "ref")
	case "scenario":
		c.Scenario = p.name(v, "scenario")
	case "silence":
		s := &Silence{MinCount: 1}
		p.fields(v, "silence", map[string]func(*yaml.Node){
			"min_seconds": func(v *yaml.Node) { s.MinSeconds = p.float(v, "silence.min_seconds", 0, 86400) },
			"min_count":   func(v *yaml.Node) { s.MinCount = p.int(v, "silence.min_count", 1) },
		})
		c.Silence = s
	case "hold":
		h := &Hold{}
		p.fields(v, "hold", map[string]func(*yaml.Node){
			"min_seconds": func(v *yaml.Node) { h.MinSeconds = p.float(v, "hold.min_seconds", 0, 86400) },
		})
		c.Hold = h
	case "overtalk":
		o := &Overtalk{MinCount: 1}
		p.fields(v, "overtalk", map[string]func(*yaml.Node){
			"by":          func(v *yaml.Node) { o.By = p.speaker(v, "overtalk.by") },
			"min_seconds": func(v *yaml.Node) { o.MinSeconds = p.float(v, "overtalk.min_seconds", 0, 86400) },
			"min_count":   func(v *yaml.Node) { o.MinCount = p.int(v, "overtalk.min_count", 1) },
		})
		c.Overtalk = o
	case "speech_rate":
		c.SpeechRate = p.bound(v, "speech_rate", 0, 100000)
	case "talk_ratio":
		c.TalkRatio = p.bound(v, "talk_ratio", 0, 1)
	case "duration":
		d := &Duration{}
		p.fields(v, "duration", map[string]func(*yaml.Node){
			"above_seconds": func(v *yaml.Node) { d.AboveSeconds = ptr(p.float(v, "duration.above_seconds", 0, math.MaxInt32)) },
			"below_seconds": func(v *yaml.Node) { d.BelowSeconds = ptr(p.float(v, "duration.below_seconds", 0, math.MaxInt32)) },
		})
		if d.AboveSeconds == nil && d.BelowSeconds == nil {
			p.errorf(pos(v), "duration needs above_seconds or below_seconds")
		}
		c.Duration = d
	case "response_time":
		r := &ResponseTime{Which: "each", Responders: []string{"agent"}}
		seenAbove := false
		p.fields(v, "response_time", map[string]func(*yaml.Node){
			"which": func(v *yaml.Node) {
				r.Which = p.str(v, "response_time.which")
				if r.Which != "first" && r.Which != "each" && r.Which != "average" {
					p.errorf(pos(v), "response_time.which %q is not one of first, each, average", r.Which)
				}
			},
			"above_seconds": func(v *yaml.Node) {
				seenAbove = true
				r.AboveSeconds = p.float(v, "response_time.above_seconds", 0, 86400*30)
			},
			"responders": func(v *yaml.Node) { r.Responders = p.speakers(v, "response_time.responders") },
		})
		if !seenAbove {
			p.errorf(pos(v), "response_time needs above_seconds")
		}
		c.ResponseTime = r
	case "metadata":
		c.Metadata = p.metadata(v)
	default:
		p.errorf(pos(k), "%s: unknown condition %q (known: %s)", what, c.Kind, strings.Join(conditionKinds, ", "))
	}
	return c
}

func ptr[T any](v T) *T { return &v }

func (p *parser) scope(s *Scope, prefix string) map[string]func(*yaml.Node) {
	return map[string]func(*yaml.Node){
		"speaker":       func(v *yaml.Node) { s.Speakers = p.speakers(v, prefix+".speaker") },
		"first_turns":   func(v *yaml.Node) { s.FirstTurns = p.int(v, prefix+".first_turns", 1) },
		"last_turns":    func(v *yaml.Node) { s.LastTurns = p.int(v, prefix+".last_turns", 1) },
		"first_seconds": func(v *yaml.Node) { s.FirstSeconds = p.float(v, prefix+".first_seconds", 0, 86400) },
		"last_seconds":  func(v *yaml.Node) { s.LastSeconds = p.float(v, prefix+".last_seconds", 0, 86400) },
		"first_percent": func(v *yaml.Node) { s.FirstPercent = p.float(v, prefix+".first_percent", 0, 100) },
		"last_percent":  func(v *yaml.Node) { s.LastPercent = p.float(v, prefix+".last_percent", 0, 100) },
	}
}

func (p *parser) text(n *yaml.Node) *Text {
	t := &Text{MinHits: 1}
	h := p.scope(&t.Scope, "text")
	h["phrases"] = func(v *yaml.Node) { t.Phrases = p.phrases(v, "text.phrases") }
	h["lexicon"] = func(v *yaml.Node) { t.Lexicons = append(t.Lexicons, p.name(v, "text.lexicon")) }
	h["lexicons"] = func(v *yaml.Node) {
		p.list(v, "text.lexicons", func(c *yaml.Node) { t.Lexicons = append(t.Lexicons, p.name(c, "text.lexicons")) })
	}
	h["regex"] = func(v *yaml.Node) { t.Regex, t.RegexPos = p.str(v, "text.regex"), pos(v) }
	h["match"] = func(v *yaml.Node) {
		switch m := p.str(v, "text.match"); m {
		case "any":
		case "all":
			t.MatchAll = true
		default:
			p.errorf(pos(v), "text.match %q is not one of any, all", m)
		}
	}
	h["min_hits"] = func(v *yaml.Node) { t.MinHits = p.int(v, "text.min_hits", 0) }
	h["max_hits"] = func(v *yaml.Node) { t.MaxHits = ptr(p.int(v, "text.max_hits", 0)) }
	h["negate"] = func(v *yaml.Node) { t.Negate = p.bool(v, "text.negate") }
	if p.fields(n, "text", h) && len(t.Phrases) == 0 && len(t.Lexicons) == 0 && t.Regex == "" {
		p.errorf(pos(n), "text needs phrases, lexicon(s) or regex")
	}
	if t.MaxHits != nil && *t.MaxHits < t.MinHits {
		p.errorf(pos(n), "text.max_hits (%d) is below min_hits (%d)", *t.MaxHits, t.MinHits)
	}
	return t
}

func (p *parser) sentimentCond(n *yaml.Node) *SentimentCond {
	s := &SentimentCond{MinHits: 1}
	h := p.scope(&s.Scope, "sentiment")
	h["polarity"] = func(v *yaml.Node) {
		switch pol := p.str(v, "sentiment.polarity"); pol {
		case "negative":
		case "positive":
			s.Positive = true
		default:
			p.errorf(pos(v), "sentiment.polarity %q is not one of negative, positive", pol)
		}
	}
	h["min_hits"] = func(v *yaml.Node) { s.MinHits = p.int(v, "sentiment.min_hits", 1) }
	p.fields(n, "sentiment", h)
	if len(s.Speakers) == 0 {
		s.Speakers = []string{"customer"}
	}
	return s
}

func (p *parser) context(n *yaml.Node, sub func(*yaml.Node) *Condition) *Context {
	c := &Context{Relation: "after"}
	p.fields(n, "context", map[string]func(*yaml.Node){
		"anchor": func(v *yaml.Node) { c.Anchor = sub(v) },
		"find":   func(v *yaml.Node) { c.Find = sub(v) },
		"relation": func(v *yaml.Node) {
			c.Relation = p.str(v, "context.relation")
			if c.Relation != "before" && c.Relation != "after" && c.Relation != "around" {
				p.errorf(pos(v), "context.relation %q is not one of before, after, around", c.Relation)
			}
		},
		"within_turns":   func(v *yaml.Node) { c.WithinTurns = ptr(p.int(v, "context.within_turns", 0)) },
		"within_seconds": func(v *yaml.Node) { c.WithinSeconds = ptr(p.float(v, "context.within_seconds", 0, 86400)) },
		"turns_of":       func(v *yaml.Node) { c.TurnsOf = p.speaker(v, "context.turns_of") },
		"missing":        func(v *yaml.Node) { c.Missing = p.bool(v, "context.missing") },
	})
	if c.Anchor == nil || c.Find == nil {
		p.errorf(pos(n), "context needs both anchor and find")
	}
	return c
}

func (p *parser) bound(n *yaml.Node, what string, lo, hi float64) *Bound {
	b := &Bound{}
	p.fields(n, what, map[string]func(*yaml.Node){
		"speaker": func(v *yaml.Node) { b.Speaker = p.speaker(v, what+".speaker") },
		"above":   func(v *yaml.Node) { b.Above = ptr(p.float(v, what+".above", lo, hi)) },
		"below":   func(v *yaml.Node) { b.Below = ptr(p.float(v, what+".below", lo, hi)) },
	})
	if b.Above == nil && b.Below == nil {
		p.errorf(pos(n), "%s needs above or below", what)
	}
	if b.Speaker == "" {
		b.Speaker = "agent"
	}
	if b.Speaker != "agent" && b.Speaker != "customer" {
		p.errorf(pos(n), "%s.speaker must be agent or customer", what)
	}
	return b
}

// MetadataFields are the interaction fields a metadata condition can read,
// besides metadata.KEY.
var MetadataFields = []string{"channel", "language", "direction", "queue", "tenant",
	"customer.tier", "customer.id", "agent.id", "agent.team", "agent.site"}

func (p *parser) metadata(n *yaml.Node) *Metadata {
	m := &Metadata{}
	p.fields(n, "metadata", map[string]func(*yaml.Node){
		"field": func(v *yaml.Node) {
			m.Field = p.str(v, "metadata.field")
			if !strings.HasPrefix(m.Field, "metadata.") || len(m.Field) == len("metadata.") {
				found := false
				for _, f := range MetadataFields {
					found = found || f == m.Field
				}
				if !found {
					p.errorf(pos(v), "metadata.field %q is not one of %s or metadata.KEY", m.Field, strings.Join(MetadataFields, ", "))
				}
			}
		},
		"equals": func(v *yaml.Node) { m.Equals = ptr(p.str(v, "metadata.equals")) },
		"in":     func(v *yaml.Node) { m.In = p.strList(v, "metadata.in") },
		"exists": func(v *yaml.Node) { m.Exists = ptr(p.bool(v, "metadata.exists")) },
	})
	if m.Field == "" {
		p.errorf(pos(n), "metadata needs field")
	}
	set := 0
	for _, b := range []bool{m.Equals != nil, m.In != nil, m.Exists != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		p.errorf(pos(n), "metadata needs exactly one of equals, in, exists")
	}
	return m
}
