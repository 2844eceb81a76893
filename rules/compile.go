package rules

import (
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/rules/match"
	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
)

// Program is a compiled pack.
type Program struct {
	Pack    *rulefmt.Pack
	matcher *match.Matcher
	phrases []string // normalized, unique; index = phrase id

	named     []node // named conditions, by index
	scenarios []namedNode
	risks     []namedNode
	items     []itemNode
	cardItems int // the scorecard's items, the LLM scorer's included

	// literals is the phrase id of the first regex literal (see turnLits).
	literals int32

	// textRefs[textStart[id]:textStart[id+1]] are the text nodes that
	// look for phrase id; texts is the number of text nodes.
	textStart []int32
	textRefs  []int32
	texts     int

	sentiment *sentimentSpec
	zh        bool
}

type namedNode struct {
	name string
	n    node
}

type itemNode struct {
	def                   *rulefmt.Item
	section               string
	when, require, forbid node
}

type sentimentSpec struct {
	kind   []uint8 // per phrase id: 0 none, 1 negative, 2 positive, 4 negator (bits)
	window int
}

const (
	sentNeg = 1 << iota
	sentPos
	sentNegator
)

type compiler struct {
	prog     *Program
	ids      map[string]int32
	lexicons map[string][]int32
	named    map[string]int
	scen     map[string]int
	errs     rulefmt.Errors
	texts    []*textNode
	regexes  []*regex
}

// Compile builds a Program from a parsed pack.
func Compile(pack *rulefmt.Pack) (*Program, error) {
	p := &Program{Pack: pack, zh: isChinese(pack.Meta.Language)}
	c := &compiler{prog: p, ids: map[string]int32{}, lexicons: map[string][]int32{},
		named: map[string]int{}, scen: map[string]int{}}
	for _, l := range pack.Lexicons {
		ids := make([]int32, 0, len(l.Phrases))
		for _, ph := range l.Phrases {
			if id, ok := c.phrase(ph); ok && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		c.lexicons[l.Name] = ids
	}
	if s := pack.Sentiment; s != nil {
		spec := &sentimentSpec{window: s.Window}
		mark := func(refs []rulefmt.Ref, bit uint8) {
			for _, r := range refs {
				for _, id := range c.lexicons[r.Name] {
					for int(id) >= len(spec.kind) {
						spec.kind = append(spec.kind, 0)
					}
					spec.kind[id] |= bit
				}
			}
		}
		mark(s.Negative, sentNeg)
		mark(s.Positive, sentPos)
		if s.Negators.Name != "" {
			mark([]rulefmt.Ref{s.Negators}, sentNegator)
		}
		p.sentiment = spec
	}
	// Named conditions and scenarios are referenced by index, so they can
	// refer to each other in any order (rulefmt has ruled out cycles).
	for i, n := range pack.Conditions {
		c.named[n.Name] = i
	}
	for i, s := range pack.Scenarios {
		c.scen[s.Name] = i
	}
	p.named = make([]node, len(pack.Conditions))
	for i, n := range pack.Conditions {
		p.named[i] = c.node(n.Cond)
	}
	for _, s := range pack.Scenarios {
		p.scenarios = append(p.scenarios, namedNode{s.Name, c.node(s.Cond)})
	}
	for _, r := range pack.Risks {
		p.risks = append(p.risks, namedNode{r.Name, c.node(r.Cond)})
	}
	for si := range pack.Scorecard.Sections {
		sec := &pack.Scorecard.Sections[si]
		for ii := range sec.Items {
			it := &sec.Items[ii]
			p.cardItems++
			if it.LLM != "" {
				continue // the LLM scorer's
			}
			p.items = append(p.items, itemNode{def: it, section: sec.ID,
				when: c.node(it.When), require: c.node(it.Require), forbid: c.node(it.Forbid)})
		}
	}
	// Regex literals go last: they match anywhere, not as whole words;
	// last of all those looked for in the original text.
	anywhere := len(p.phrases)
	p.literals = int32(anywhere)
	number, original := p.literalNumbers(c.regexes)
	for _, re := range c.regexes {
		re.attach(func(lit string, original bool) int32 { return number[litKey{lit, original}] }, nil)
	}
	if p.sentiment != nil {
		for len(p.sentiment.kind) < len(p.phrases) {
			p.sentiment.kind = append(p.sentiment.kind, 0)
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	p.indexTexts(c.texts)
	m, err := match.CompileWith(p.phrases, match.Options{Anywhere: anywhere, Original: original})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pack.File, err)
	}
	p.matcher = m
	return p, nil
}

// litKey is a regex literal as the automaton looks for it.
type litKey struct {
	lit      string
	original bool
}

// literalNumbers appends the regexes' literals to the phrases, those
// looked for in the normalized text first, and returns their numbers
// (phrase id - p.literals) and the phrase id of the first of the others.
func (p *Program) literalNumbers(regexes []*regex) (map[litKey]int32, int) {
	number := map[litKey]int32{}
	var originals []string
	for _, re := range regexes {
		re.attach(nil, func(lit string, original bool) {
			k := litKey{lit, original}
			if _, ok := number[k]; ok {
				return
			}
			number[k] = -1
			if original {
				originals = append(originals, lit)
				return
			}
			number[k] = int32(len(p.phrases)) - p.literals
			p.phrases = append(p.phrases, lit)
		})
	}
	first := len(p.phrases)
	for _, lit := range originals {
		number[litKey{lit, true}] = int32(len(p.phrases)) - p.literals
		p.phrases = append(p.phrases, lit)
	}
	return number, first
}

// indexTexts lists, for every phrase, the text nodes that look for it, so
// that evaluation hands each node its own matches.
func (p *Program) indexTexts(texts []*textNode) {
	p.texts = len(texts)
	count := make([]int32, len(p.phrases)+1)
	for _, t := range texts {
		for id := range t.group {
			count[id+1]++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	p.textStart = count
	p.textRefs = make([]int32, count[len(count)-1])
	next := slices.Clone(count)
	for _, t := range texts { // in node order, so each list is sorted
		for id := range t.group {
			p.textRefs[next[id]] = int32(t.id)
			next[id]++
		}
		if !t.matchAll {
			t.group = nil // only match: all asks which group a phrase is in
		}
	}
}

func (c *compiler) errorf(at rulefmt.Pos, format string, args ...any) {
	c.errs = append(c.errs, &rulefmt.Error{File: c.prog.Pack.File, Pos: at, Msg: fmt.Sprintf(format, args...)})
}

// phrase returns the id of a phrase's normalized form.
func (c *compiler) phrase(ph rulefmt.Phrase) (int32, bool) {
	n := match.NormalizeString(ph.Text)
	if n == "" {
		c.errorf(ph.Pos, "phrase %q is empty once punctuation is removed", ph.Text)
		return 0, false
	}
	if utf8.RuneCountInString(n) > match.MaxRunes {
		c.errorf(ph.Pos, "phrase is longer than %d characters", match.MaxRunes)
		return 0, false
	}
	id, ok := c.ids[n]
	if !ok {
		id = int32(len(c.prog.phrases))
		c.prog.phrases = append(c.prog.phrases, n)
		c.ids[n] = id
	}
	return id, true
}

func (c *compiler) node(d *rulefmt.Condition) node {
	if d == nil {
		return nil
	}
	switch d.Kind {
	case "text":
		return c.text(d.Text)
	case "sentiment":
		return &sentimentNode{scope: c.scope(d.Sentiment.Scope), positive: d.Sentiment.Positive, min: d.Sentiment.MinHits}
	case "context":
		x := d.Context
		n := &contextNode{anchor: c.node(x.Anchor), find: c.node(x.Find), relation: x.Relation,
			turnsOf: schemas.Speaker(x.TurnsOf), missing: x.Missing, withinTurns: -1, withinMS: -1}
		if x.WithinTurns != nil {
			n.withinTurns = *x.WithinTurns
		}
		if x.WithinSeconds != nil {
			n.withinMS = int64(*x.WithinSeconds * 1000)
		}
		return n
	case "all", "any":
		list := d.All
		if d.Kind == "any" {
			list = d.Any
		}
		n := &boolNode{any: d.Kind == "any"}
		for _, x := range list {
			n.kids = append(n.kids, c.node(x))
		}
		return n
	case "not":
		return &notNode{c.node(d.Not)}
	case "ref":
		return &refNode{c.named[d.Ref.Name]}
	case "scenario":
		return &scenarioNode{index: c.scen[d.Scenario.Name], name: d.Scenario.Name}
	case "silence":
		return &segmentNode{kind: "silence", minMS: int64(d.Silence.MinSeconds * 1000), minCount: d.Silence.MinCount}
	case "hold":
		return &segmentNode{kind: "hold", minMS: int64(d.Hold.MinSeconds * 1000), minCount: 1}
	case "overtalk":
		return &segmentNode{kind: "overtalk", by: schemas.Speaker(d.Overtalk.By),
			minMS: int64(d.Overtalk.MinSeconds * 1000), minCount: d.Overtalk.MinCount}
	case "speech_rate":
		return &boundNode{kind: "speech_rate", speaker: schemas.Speaker(d.SpeechRate.Speaker), above: d.SpeechRate.Above, below: d.SpeechRate.Below}
	case "talk_ratio":
		return &boundNode{kind: "talk_ratio", speaker: schemas.Speaker(d.TalkRatio.Speaker), above: d.TalkRatio.Above, below: d.TalkRatio.Below}
	case "duration":
		return &boundNode{kind: "duration", above: d.Duration.AboveSeconds, below: d.Duration.BelowSeconds}
	case "response_time":
		r := d.ResponseTime
		n := &responseNode{which: r.Which, aboveMS: int64(r.AboveSeconds * 1000)}
		for _, s := range r.Responders {
			n.responders = append(n.responders, schemas.Speaker(s))
		}
		return n
	case "metadata":
		return &metadataNode{def: d.Metadata}
	}
	c.errorf(d.Pos, "unknown condition %q", d.Kind)
	return nil
}

func (c *compiler) text(t *rulefmt.Text) node {
	n := &textNode{id: len(c.texts), scope: c.scope(t.Scope), matchAll: t.MatchAll, min: t.MinHits, max: -1, negate: t.Negate}
	if t.MaxHits != nil {
		n.max = *t.MaxHits
	}
	c.texts = append(c.texts, n)
	n.group = map[int32]uint16{}
	addGroup := func(ids []int32) {
		n.groups++
		for _, id := range ids {
			if _, dup := n.group[id]; !dup {
				n.group[id] = uint16(n.groups)
			}
		}
	}
	for _, ph := range t.Phrases {
		if id, ok := c.phrase(ph); ok {
			addGroup([]int32{id})
		}
	}
	for _, l := range t.Lexicons {
		addGroup(c.lexicons[l.Name])
	}
	if t.Regex != "" {
		re, err := regexp.Compile(t.Regex)
		if err != nil {
			c.errorf(t.RegexPos, "bad regex: %v", err)
		}
		if re != nil {
			n.re = newRegex(re)
			c.regexes = append(c.regexes, n.re)
		}
		n.groups++
	}
	return n
}

func (c *compiler) scope(s rulefmt.Scope) scope {
	sc := scope{firstTurns: s.FirstTurns, lastTurns: s.LastTurns,
		firstMS: int64(s.FirstSeconds * 1000), lastMS: int64(s.LastSeconds * 1000),
		firstPct: s.FirstPercent / 100, lastPct: s.LastPercent / 100}
	for _, sp := range s.Speakers {
		sc.speakers |= speakerBit(schemas.Speaker(sp))
	}
	sc.speakersOnly = sc.firstTurns == 0 && sc.lastTurns == 0 && sc.firstMS == 0 && sc.lastMS == 0 &&
		sc.firstPct == 0 && sc.lastPct == 0
	return sc
}

func speakerBit(s schemas.Speaker) uint8 {
	switch s {
	case schemas.Agent:
		return 1
	case schemas.Customer:
		return 2
	case schemas.Bot:
		return 4
	case schemas.System:
		return 8
	}
	return 0
}

// Phrases returns the pack's normalized phrases, one per automaton
// pattern (the regexes' literals last).
func (p *Program) Phrases() []string { return slices.Clone(p.phrases) }
