package rules

import (
	"math"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/rules/match"
	"github.com/zhijian-qa/zhijian/schemas"
)

// tri is a three-valued truth: a condition may be undecidable from the data.
type tri uint8

const (
	no tri = iota
	yes
	unknown
)

// hit is one piece of evidence. Text hits have a byte span of the turn's
// text (start >= 0); timing hits span turns and milliseconds.
type hit struct {
	turn, turnTo   int32
	start, end     int32 // byte offsets in the turn's text; -1 for timing hits
	startMS, endMS int64
}

// outcome is a condition's value and the hits behind it. measure, when not
// NaN, is the value a bound condition measured (for the rationale).
type outcome struct {
	val     tri
	hits    []hit
	measure float64
	unit    string
}

type node interface {
	eval(s *state) outcome
}

// state is the per-interaction scratch space, pooled by the Program.
type state struct {
	p       *Program
	in      *schemas.Interaction
	m       *schemas.Metrics
	hasText bool

	scan    match.Scanner // normalizes and matches a turn
	hits    []match.Hit
	matches []tmatch // every phrase match, by turn, then end
	ord     []int32  // ordinal of each turn among its speaker's turns
	valid   []bool   // whether each turn's text is valid UTF-8
	// runeMarks[i] is the last place of turn i's text counted (see runeIndex).
	runeMarks []runeMark
	spk       []uint8 // each turn's speaker bit
	count     [16]int32
	arena     []hit
	locs      [][2]int
	bt        backtracker
	cands     []int32
	// turnFirst[i] is the index in matches of turn i's first match;
	// turnFirst[len(turns)] is len(matches).
	turnFirst []int32
	// The regex literals found (see turnLits), apart from the phrases:
	// turn i's are lits[litFirst[i]:litFirst[i+1]], the set of their
	// numbers litPresent[i*litWords:(i+1)*litWords], and where the last
	// of each present one begins litLast[i*nlits:(i+1)*nlits].
	lits       []litMatch
	litFirst   []int32
	litPresent []uint64
	litLast    []int32
	litWords   int
	nlits      int
	// The matches that text node n looks for, in order: textLinks[i].match
	// from i = textHead[n] on, through next, to -1.
	textHead  []int32
	textLinks []textLink

	named    []outcome
	namedSet []bool
	scen     []outcome
	scenSet  []bool

	sentDone bool
	sentHits []sentHit

	// evidenceChunk is where this evaluation's evidence is cut from; it
	// belongs to the results, so a pooled state drops it. evHits are the
	// hits it is made of (see giveEvidence).
	evidenceChunk []schemas.Evidence
	evHits        [][]hit

	// replies caches response waits by responder set (speaker bits).
	replies    [16][]schemas.Response
	repliesSet uint16
	replyBuf   []schemas.Response // where replies are cut from
}

// responses returns the waits for replies by any of responders, computed
// once per interaction for each set of responders.
func (s *state) responses(responders []schemas.Speaker) []schemas.Response {
	var mask uint8
	for _, r := range responders {
		mask |= speakerBit(r)
	}
	if s.repliesSet&(1<<mask) == 0 {
		start := len(s.replyBuf)
		s.replyBuf = appendResponses(s.replyBuf, s.in.Turns, responders, s.m.DurationMS)
		s.replies[mask] = s.replyBuf[start:len(s.replyBuf):len(s.replyBuf)]
		s.repliesSet |= 1 << mask
	}
	return s.replies[mask]
}

type tmatch struct {
	phrase       int32
	turn         int32
	nstart, nend int32 // normalized code points
	ostart, oend int32 // original bytes
}

type sentHit struct {
	negative bool
	h        hit
}

var statePool = sync.Pool{New: func() any { return &state{} }}

func (p *Program) newState(in *schemas.Interaction, m *schemas.Metrics) *state {
	s := statePool.Get().(*state)
	s.p, s.in, s.m = p, in, m
	s.hasText = len(in.Turns) > 0
	s.matches, s.arena, s.sentHits, s.sentDone = s.matches[:0], s.arena[:0], s.sentHits[:0], false
	s.turnFirst, s.lits, s.litFirst = s.turnFirst[:0], s.lits[:0], s.litFirst[:0]
	s.repliesSet, s.replyBuf = 0, s.replyBuf[:0]
	s.named = resize(s.named, len(p.named))
	s.namedSet = resizeBool(s.namedSet, len(p.named))
	s.scen = resize(s.scen, len(p.scenarios))
	s.scenSet = resizeBool(s.scenSet, len(p.scenarios))
	s.count = [16]int32{}
	s.ord = resize(s.ord, len(in.Turns))
	s.valid = resize(s.valid, len(in.Turns))
	s.runeMarks = resize(s.runeMarks, len(in.Turns))
	clear(s.runeMarks)
	s.spk = resize(s.spk, len(in.Turns))
	s.nlits = len(p.phrases) - int(p.literals)
	s.litWords = (s.nlits + 63) / 64
	s.litPresent = resize(s.litPresent, len(in.Turns)*s.litWords)
	clear(s.litPresent)
	s.litLast = resize(s.litLast, len(in.Turns)*s.nlits)
	for i := range in.Turns {
		s.matchTurn(i)
	}
	s.litFirst = append(s.litFirst, int32(len(s.lits)))
	s.turnFirst = append(s.turnFirst, int32(len(s.matches)))
	s.sortMatches()
	return s
}

// matchTurn normalizes turn i and finds the pack's phrases and the regexes'
// literals in it.
func (s *state) matchTurn(i int) {
	p, t := s.p, &s.in.Turns[i]
	b := speakerBit(t.Speaker)
	s.spk[i] = b
	s.ord[i] = s.count[b]
	s.count[b]++
	s.turnFirst = append(s.turnFirst, int32(len(s.matches)))
	s.litFirst = append(s.litFirst, int32(len(s.lits)))
	var valid bool
	s.hits, valid = s.scan.Scan(p.matcher, t.Text, s.hits[:0])
	s.valid[i] = valid
	present := bitset(s.litPresent[i*s.litWords : (i+1)*s.litWords])
	last := s.litLast[i*s.nlits : (i+1)*s.nlits]
	for _, h := range s.hits {
		if n := h.Phrase - p.literals; n >= 0 { // a regex literal
			w, bit := n>>6, uint64(1)<<(n&63)
			if present[w]&bit == 0 {
				present[w] |= bit
				last[n] = h.Start
			} else {
				last[n] = max(last[n], h.Start)
			}
			s.lits = append(s.lits, litMatch{n: n, ostart: h.Start})
			continue
		}
		size := seqWidth[t.Text[h.Last]>>4]
		if !valid {
			_, n := utf8.DecodeRuneInString(t.Text[h.Last:])
			size = int32(n)
		}
		s.matches = append(s.matches, tmatch{phrase: h.Phrase, turn: int32(i),
			nstart: h.NStart, nend: h.NEnd, ostart: h.Start, oend: h.Last + size})
	}
}

// seqWidth[b>>4] is the width of the UTF-8 sequence led by byte b, in
// valid text.
var seqWidth = [16]int32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4}

// sortMatches hands every text node the matches of its phrases, in order:
// a list for each node, made from the last match to the first.
func (s *state) sortMatches() {
	p, matches := s.p, s.matches
	refs, start := p.textRefs, p.textStart
	head := resize(s.textHead, p.texts)
	for n := range head {
		head[n] = -1
	}
	links := s.textLinks[:0]
	for k := int32(len(matches)) - 1; k >= 0; k-- {
		id := matches[k].phrase
		for _, n := range refs[start[id]:start[id+1]] {
			links = append(links, textLink{match: k, next: head[n]})
			head[n] = int32(len(links) - 1)
		}
	}
	s.textHead, s.textLinks = head, links
}

// textLink is one of a text node's matches, and the place of its next.
type textLink struct {
	match, next int32
}

// regexFind returns the matches of r in turn i.
func (s *state) regexFind(r *regex, i int) [][2]int {
	if r.prog != nil && r.prog.atStart && r.prog.oneRune != nil {
		// One character at the start ('(?s)^.' for any turn, say): no
		// search to prepare.
		if c, w := runeAt(s.in.Turns[i].Text, 0); r.prog.oneRune.has(c) {
			s.locs = append(s.locs[:0], [2]int{0, w})
			return s.locs
		}
		return nil
	}
	w := s.litWords
	present := bitset(s.litPresent[i*w : (i+1)*w])
	if !r.mayBeIn(present) {
		return nil
	}
	tl := turnLits{lits: s.lits[s.litFirst[i]:s.litFirst[i+1]], present: present,
		last: s.litLast[i*s.nlits : (i+1)*s.nlits]}
	s.locs, s.cands = r.find(&s.bt, s.in.Turns[i].Text, &tl, s.cands, s.locs[:0])
	return s.locs
}

func (s *state) release() {
	s.p, s.in, s.m, s.evidenceChunk = nil, nil, nil, nil
	statePool.Put(s)
}

// resize returns b with length n, reusing its array when it is long
// enough (the elements are then left as they were).
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

func resizeBool(b []bool, n int) []bool {
	if cap(b) < n {
		b = make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// join returns a slice of the arena holding every list of lists, in order.
func (s *state) join(lists [][]hit) []hit {
	start := len(s.arena)
	for _, hs := range lists {
		s.arena = append(s.arena, hs...)
	}
	return s.arena[start:len(s.arena):len(s.arena)]
}

func (s *state) textHit(m *tmatch) hit {
	t := &s.in.Turns[m.turn]
	return hit{turn: m.turn, turnTo: m.turn, start: m.ostart, end: m.oend, startMS: t.StartMS, endMS: max(t.EndMS, t.StartMS)}
}

// scope selects turns.
type scope struct {
	speakers              uint8
	speakersOnly          bool // no bound but the speakers
	firstTurns, lastTurns int
	firstMS, lastMS       int64
	firstPct, lastPct     float64
}

func (sc *scope) admits(s *state, i int) bool {
	return (sc.speakers == 0 || sc.speakers&s.spk[i] != 0) && (sc.speakersOnly || sc.bounds(s, i))
}

// bounds reports whether turn i lies within the scope's bounds but the
// speakers.
func (sc *scope) bounds(s *state, i int) bool {
	t := &s.in.Turns[i]
	if sc.firstTurns > 0 || sc.lastTurns > 0 {
		ord, n := sc.ordinal(s, i)
		if sc.firstTurns > 0 && ord >= int32(sc.firstTurns) {
			return false
		}
		if sc.lastTurns > 0 && ord < n-int32(sc.lastTurns) {
			return false
		}
	}
	dur := s.m.DurationMS
	if sc.firstMS > 0 && t.StartMS >= sc.firstMS {
		return false
	}
	if sc.lastMS > 0 && t.StartMS < dur-sc.lastMS {
		return false
	}
	if sc.firstPct > 0 || sc.lastPct > 0 {
		// Position in the call: by time when known, else by turn index.
		pos := float64(i) / float64(max(len(s.in.Turns)-1, 1))
		if dur > 0 {
			pos = float64(t.StartMS) / float64(dur)
		}
		if sc.firstPct > 0 && pos > sc.firstPct {
			return false
		}
		if sc.lastPct > 0 && pos < 1-sc.lastPct {
			return false
		}
	}
	return true
}

// ordinal returns turn i's place among the turns the scope counts (those
// of its speakers, or all) and their number.
func (sc *scope) ordinal(s *state, i int) (ord, n int32) {
	if sc.speakers == 0 {
		return int32(i), int32(len(s.in.Turns))
	}
	ord = s.ord[i]
	for bit := uint8(1); bit <= 8; bit <<= 1 {
		if sc.speakers&bit != 0 {
			n += s.count[bit]
		}
	}
	if sc.speakers&(sc.speakers-1) != 0 { // several speakers: count turns of any of them
		ord = 0
		for j := 0; j < i; j++ {
			if sc.speakers&s.spk[j] != 0 {
				ord++
			}
		}
	}
	return ord, n
}

type textNode struct {
	scope    scope
	id       int              // which of state.textMatches are the node's
	group    map[int32]uint16 // phrase id → group (1-based), kept for match: all
	groups   int
	re       *regex
	matchAll bool
	min, max int
	negate   bool
}

func (n *textNode) eval(s *state) outcome {
	if !s.hasText {
		return outcome{val: unknown, measure: math.NaN()}
	}
	var seen [64]bool
	var seenMore []bool
	if n.groups > len(seen) {
		seenMore = make([]bool, n.groups+1)
	}
	mark := func(g int) {
		if seenMore != nil {
			seenMore[g] = true
		} else if g < len(seen) {
			seen[g] = true
		}
	}
	start := len(s.arena)
	for l := s.textHead[n.id]; l >= 0; l = s.textLinks[l].next {
		m := &s.matches[s.textLinks[l].match]
		if !n.scope.admits(s, int(m.turn)) {
			continue
		}
		if n.matchAll {
			mark(int(n.group[m.phrase]))
		}
		s.arena = append(s.arena, s.textHit(m))
	}
	if n.re != nil {
		for i := range s.in.Turns {
			if !n.scope.admits(s, i) {
				continue
			}
			t := &s.in.Turns[i]
			for _, loc := range s.regexFind(n.re, i) {
				if loc[1] == loc[0] {
					continue
				}
				mark(n.groups)
				s.arena = append(s.arena, hit{turn: int32(i), turnTo: int32(i), start: int32(loc[0]), end: int32(loc[1]),
					startMS: t.StartMS, endMS: max(t.EndMS, t.StartMS)})
			}
		}
	}
	hits := s.arena[start:len(s.arena):len(s.arena)]
	holds := len(hits) >= n.min && (n.max < 0 || len(hits) <= n.max)
	if n.matchAll {
		for g := 1; g <= n.groups; g++ {
			ok := g < len(seen) && seen[g]
			if seenMore != nil {
				ok = seenMore[g]
			}
			holds = holds && ok
		}
	}
	if n.negate {
		holds = !holds
	}
	return outcome{val: boolTri(holds), hits: hits, measure: math.NaN()}
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}

type sentimentNode struct {
	scope    scope
	positive bool
	min      int
}

func (n *sentimentNode) eval(s *state) outcome {
	if !s.hasText {
		return outcome{val: unknown, measure: math.NaN()}
	}
	s.sentiment()
	start := len(s.arena)
	for _, h := range s.sentHits {
		if h.negative != n.positive && n.scope.admits(s, int(h.h.turn)) {
			s.arena = append(s.arena, h.h)
		}
	}
	hits := s.arena[start:len(s.arena):len(s.arena)]
	return outcome{val: boolTri(len(hits) >= n.min), hits: hits, measure: math.NaN()}
}

// sentiment finds the emotion hits of every turn once. A phrase inside a
// longer emotion phrase does not count on its own ("满意" in "不满意"). A
// negator ending at most window characters before a phrase, with no
// punctuation between, negates it: a negated negative phrase is no hit
// ("不生气"), a negated positive one counts as negative ("not happy").
func (s *state) sentiment() {
	if s.sentDone {
		return
	}
	s.sentDone = true
	spec := s.p.sentiment
	if spec == nil {
		return
	}
	isEmotion := func(m *tmatch) bool { return spec.kind[m.phrase]&(sentNeg|sentPos) != 0 }
	for i := range s.matches {
		m := &s.matches[i]
		if !isEmotion(m) || s.insideLonger(i, isEmotion) {
			continue
		}
		k := spec.kind[m.phrase]
		negated := false
		text := s.in.Turns[m.turn].Text
		for j := i - 1; j >= 0 && s.matches[j].turn == m.turn; j-- {
			x := &s.matches[j]
			if spec.kind[x.phrase]&sentNegator == 0 || x.nend > m.nstart || x.oend > m.ostart {
				continue
			}
			between := text[x.oend:m.ostart]
			if utf8.RuneCountInString(between) <= spec.window && !hasBreak(between) {
				negated = true
				break
			}
		}
		negative := k&sentNeg != 0
		if negated {
			if k&sentPos == 0 {
				continue
			}
			negative = true
		}
		s.sentHits = append(s.sentHits, sentHit{negative: negative, h: s.textHit(m)})
	}
}

// insideLonger reports whether match i lies within a longer match of the
// same turn that keep accepts.
func (s *state) insideLonger(i int, keep func(*tmatch) bool) bool {
	m := &s.matches[i]
	for j := s.turnFirst[m.turn]; j < s.turnFirst[m.turn+1]; j++ {
		x := &s.matches[j]
		if int(j) == i || !keep(x) {
			continue
		}
		if x.nstart <= m.nstart && x.nend >= m.nend && x.nend-x.nstart > m.nend-m.nstart {
			return true
		}
	}
	return false
}

// hasBreak reports whether s holds punctuation: negation does not reach
// across it ("没有了，谢谢").
func hasBreak(s string) bool {
	for _, r := range s {
		if unicode.IsPunct(r) {
			return true
		}
	}
	return false
}

type boolNode struct {
	any  bool
	kids []node
}

func (n *boolNode) eval(s *state) outcome {
	// The hits of the true children, joined in the arena at the end: the
	// children add to the arena while they are evaluated.
	var few [8][]hit
	collected := few[:0]
	sawUnknown, sawYes := false, false
	for _, k := range n.kids {
		o := k.eval(s)
		switch {
		case o.val == unknown:
			sawUnknown = true
		case o.val == no && !n.any:
			return outcome{val: no, hits: o.hits, measure: o.measure, unit: o.unit}
		case o.val == yes:
			// any: every true child's hits count, e.g. as context anchors.
			sawYes = true
			collected = append(collected, o.hits)
		}
	}
	switch {
	case n.any && sawYes:
		return outcome{val: yes, hits: s.join(collected), measure: math.NaN()}
	case sawUnknown:
		return outcome{val: unknown, measure: math.NaN()}
	case n.any:
		return outcome{val: no, measure: math.NaN()}
	}
	return outcome{val: yes, hits: s.join(collected), measure: math.NaN()}
}

type notNode struct{ kid node }

func (n *notNode) eval(s *state) outcome {
	o := n.kid.eval(s)
	switch o.val {
	case yes:
		o.val = no
	case no:
		o.val = yes
	}
	return o
}

type refNode struct{ index int }

func (n *refNode) eval(s *state) outcome {
	if !s.namedSet[n.index] {
		s.named[n.index] = s.p.named[n.index].eval(s)
		s.namedSet[n.index] = true
	}
	return s.named[n.index]
}

type scenarioNode struct {
	index int
	name  string
}

func (n *scenarioNode) eval(s *state) outcome {
	o := s.scenario(n.index)
	if o.val != yes && s.in.Metadata["scenario"] == n.name {
		return outcome{val: yes, measure: math.NaN()}
	}
	return o
}

func (s *state) scenario(i int) outcome {
	if !s.scenSet[i] {
		s.scen[i] = s.p.scenarios[i].n.eval(s)
		s.scenSet[i] = true
	}
	return s.scen[i]
}
