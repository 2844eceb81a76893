package rules

import (
	"math/bits"
	"regexp"
	"regexp/syntax"
	"slices"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/rules/match"
)

// regex is a text condition's regular expression, run by the backtracker
// (see program) with accelerations derived from its syntax tree:
//
//   - needs, sets of literals of which every match contains one of each: a
//     turn that lacks one set cannot match and is not searched, and no
//     match begins after the last literal of a set. For an alternation of
//     branches that each have needs, a match meets the needs of one branch
//     (an email address holds "@", a street address digits);
//   - run, a number of consecutive characters of an ASCII class that every
//     match holds (a waybill number's digits): one scan of the bytes rules
//     out the turns without;
//   - starts, literals with which every match must begin: a search tries
//     only the places where one of them occurs, instead of every position
//     of the text;
//   - skip, classes of characters a match may begin with a run of (\d+
//     then a unit, say): when no match begins at a character of the run,
//     none begins later in it, so a search tries a run of digits once.
//
// This keeps unanchored alternations, the usual shape of a pack's regexes,
// cheap on the many turns they do not concern.
//
// Once attached (see attach), the literals are found by the pack's scanner
// together with the phrases, so a turn's needs and start positions mostly
// come for free from its matches.
type regex struct {
	re   *regexp.Regexp
	prog *program // nil: the regexp package runs re
	// needs are alternatives: a match contains a literal of each set of
	// one of them.
	needs  [][]*litSet
	run    *asciiRun // nil, or a run of characters every match holds
	starts *litSet   // nil: matches may begin anywhere
	skip   []charSet // the classes of leading runs (see leadRuns)
}

// litSet is a set of literals. Unattached, it finds them in the original
// text. Attached, ids holds their numbers among the scanner's regex
// literals (see attach), and raw those the scanner cannot find, looked for
// in the original text.
type litSet struct {
	all      *literals
	attached bool
	ids      bitset
	raw      *literals // nil: none
}

func newRegex(re *regexp.Regexp) *regex {
	r := &regex{re: re, prog: compileProgram(re.String())}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return r
	}
	tree = tree.Simplify()
	for _, alt := range branchNeeds(tree) {
		var sets []*litSet
		var seen [][]string
		for _, f := range alt {
			if !slices.ContainsFunc(seen, func(g []string) bool { return slices.Equal(f, g) }) {
				seen = append(seen, f)
				sets = append(sets, &litSet{all: newLiterals(f)})
			}
		}
		r.needs = append(r.needs, sets)
	}
	if a, ok := run(tree); ok && a.n >= 2 {
		r.run = &a
	}
	for _, pairs := range leadRuns(tree) {
		r.skip = append(r.skip, pairSet(pairs))
	}
	if r.prog == nil || r.prog.atStart {
		return r // one try at position 0 needs no starts
	}
	if st, ok := prefixes(tree); ok && len(st) > 0 && !slices.Contains(st, "") {
		r.starts = &litSet{all: newLiterals(st)}
	}
	return r
}

// turnLits is what the automaton found of the regexes' literals in a
// turn: where each occurs, and the set of those that do. Literals are
// numbered from 0; literal n is the pack's phrase Program.literals+n.
type turnLits struct {
	lits    []litMatch
	present bitset
	// last[n] is where the last literal n begins, if n is present.
	last []int32
}

// litMatch is a regex literal, number n, found at byte ostart of a turn.
type litMatch struct {
	n, ostart int32
}

// attach registers the literals with the automaton through id, which
// returns a literal's number: a literal of one ASCII character as it
// stands, found in the original text; else the stable normal form of each
// literal that has one (see match.Stable), found in the normalized text;
// else the literal itself when it is one code point, found in the
// original text. The others stay in raw. With a nil id, attach only calls
// each.
func (r *regex) attach(id func(lit string, original bool) int32, each func(lit string, original bool)) {
	var sets []*litSet
	for _, alt := range r.needs {
		sets = append(sets, alt...)
	}
	if r.starts != nil {
		sets = append(sets, r.starts)
	}
	for _, set := range sets {
		var raw []string
		for _, l := range set.all.list {
			lit, original := l, false
			if len(l) == 1 && l[0] < utf8.RuneSelf {
				// One ASCII character (a digit of [0-9], say): found as
				// it stands in the text, as the regex reads it, and
				// more cheaply than through the automaton.
				original = true
			} else if n, ok := match.Stable(l); ok && utf8.RuneCountInString(n) <= match.MaxRunes {
				lit = n
			} else if utf8.RuneCountInString(l) == 1 {
				original = true
			} else {
				raw = append(raw, l)
				continue
			}
			if id == nil {
				each(lit, original)
				continue
			}
			set.ids.add(id(lit, original))
		}
		if id != nil {
			if raw != nil {
				set.raw = newLiterals(raw)
			}
			set.attached = true
		}
	}
}

// last returns the last position of text where one of the literals may
// begin, or -1 when none occurs; tl is what the automaton found there.
func (l *litSet) last(text string, tl *turnLits) int {
	raw, at := l.all, -1
	if l.attached {
		for w, ids := range l.ids[:min(len(l.ids), len(tl.present))] {
			for m := ids & tl.present[w]; m != 0; m &= m - 1 {
				at = max(at, int(tl.last[w<<6|bits.TrailingZeros64(m)]))
			}
		}
		raw = l.raw
	}
	if raw != nil {
		at = max(at, raw.lastIndex(text))
	}
	return at
}

// positions appends to dst, unsorted, every position of text up to limit
// where one of the literals begins (or more: a normal form stands for
// several spellings); tl is what the automaton found there.
func (l *litSet) positions(text string, tl *turnLits, limit int32, dst []int32) []int32 {
	raw := l.all
	if l.attached {
		for _, x := range tl.lits {
			if x.ostart <= limit && l.ids.has(x.n) {
				dst = append(dst, x.ostart)
			}
		}
		raw = l.raw
	}
	for at := 0; raw != nil; at++ {
		if at = raw.index(text, at); at < 0 || at > int(limit) {
			break
		}
		dst = append(dst, int32(at))
	}
	return dst
}

// mayBeIn reports whether a turn whose literals are present can hold a
// match, as far as the literal sets found by the automaton alone tell.
func (r *regex) mayBeIn(present bitset) bool {
	if len(r.needs) == 0 {
		return true
	}
alts:
	for _, alt := range r.needs {
		for _, set := range alt {
			if set.attached && set.raw == nil && !set.ids.meets(present) {
				continue alts
			}
		}
		return true
	}
	return false
}

// mayMatch reports whether s can contain a match, from the needs and the
// run alone.
func (r *regex) mayMatch(s string) bool {
	if r.run != nil && !r.run.in(s) {
		return false
	}
	if len(r.needs) == 0 {
		return true
	}
alts:
	for _, alt := range r.needs {
		for _, set := range alt {
			if set.all.index(s, 0) < 0 {
				continue alts
			}
		}
		return true
	}
	return false
}

// limit returns the last position where a match may begin, as far as the
// needs tell (the earliest last literal of a set, in the best
// alternative), or -1 when none can.
func (r *regex) limit(text string, tl *turnLits) int {
	if len(r.needs) == 0 {
		return len(text)
	}
	best := -1
	for _, alt := range r.needs {
		limit := len(text)
		for _, set := range alt {
			if limit = min(limit, set.last(text, tl)); limit < 0 {
				break
			}
		}
		best = max(best, limit)
	}
	return best
}

// find appends to dst the matches of r in text, where the automaton found
// tl; cands is scratch space for start positions, returned for reuse.
//
// The run, one scan of the bytes, is tested first. A match contains a
// literal of each needed set, so it begins at the latest where the last
// literal of every set begins: no start literal after that is tried.
func (r *regex) find(b *backtracker, text string, tl *turnLits, cands []int32, dst [][2]int) ([][2]int, []int32) {
	if r.run != nil && !r.run.in(text) {
		return dst, cands
	}
	limit := len(text)
	if r.starts != nil {
		limit = r.limit(text, tl)
	}
	if limit < 0 {
		return dst, cands
	}
	if r.starts != nil {
		cands = r.starts.positions(text, tl, int32(limit), cands[:0])
		if len(cands) == 0 {
			return dst, cands
		}
		if !slices.IsSorted(cands) { // found in the order of the text, mostly
			slices.Sort(cands)
		}
		return r.findAll(b, text, cands, dst), cands
	}
	return r.findAll(b, text, nil, dst), cands
}

// findAll returns what r.re.FindAllStringIndex(s, -1) returns. cands,
// when not nil, are the sorted positions where start literals occur;
// otherwise they are searched for here.
func (r *regex) findAll(b *backtracker, s string, cands []int32, dst [][2]int) [][2]int {
	if r.prog == nil || !b.fits(r.prog, s, 0) {
		for _, loc := range r.re.FindAllStringIndex(s, -1) {
			dst = append(dst, [2]int{loc[0], loc[1]})
		}
		return dst
	}
	if r.prog.atStart {
		// One match at most, at 0: the next search would start past it.
		if one := r.prog.oneRune; one != nil {
			if c, w := runeAt(s, 0); one.has(c) {
				dst = append(dst, [2]int{0, w})
			}
			return dst
		}
		b.reset(r.prog, s, 0)
		if end, ok := b.try(r.prog, s, 0); ok {
			dst = append(dst, [2]int{0, end})
		}
		return dst
	}
	// As regexp's allMatches: an empty match right after a match is
	// dropped, and the next search starts one character further.
	prevEnd, next := -1, 0
	for pos := 0; pos <= len(s); {
		start, end, ok := r.search(b, s, pos, cands, &next)
		if !ok {
			break
		}
		accept := true
		if end == pos {
			accept = start != prevEnd
			pos += max(runeWidth(s, pos), 1)
		} else {
			pos = end
		}
		prevEnd = end
		if accept {
			dst = append(dst, [2]int{start, end})
		}
	}
	return dst
}

// search returns the leftmost match that begins at or after pos. cands,
// when not nil, are the start positions, of which those before *next are
// passed; search passes those it tries.
func (r *regex) search(b *backtracker, s string, pos int, cands []int32, next *int) (start, end int, ok bool) {
	b.reset(r.prog, s, pos)
	first := r.prog.first
	for at := pos; at <= len(s); at = r.next(s, at) {
		if r.starts != nil {
			if at = r.nextStart(s, at, cands, next); at < 0 {
				break
			}
		} else if first != nil {
			// No match begins with another character: skip to one.
			for at < len(s) {
				c, w := runeAt(s, at)
				if first.has(c) {
					break
				}
				at += w
			}
			if at == len(s) {
				break
			}
		}
		if end, ok := b.try(r.prog, s, at); ok {
			return at, end, true
		}
	}
	return 0, 0, false
}

// next returns the position to try after at, where no match begins: the
// next character's, or the end of the run at at of one of the skip
// classes.
func (r *regex) next(s string, at int) int {
	if at == len(s) {
		return at + 1
	}
	c, w := runeAt(s, at)
	for i := range r.skip {
		if class := &r.skip[i]; class.has(c) {
			for at += w; at < len(s); at += w {
				if c, w = runeAt(s, at); !class.has(c) {
					break
				}
			}
			return at
		}
	}
	return at + w
}

// nextStart returns the first position at or after at where a start
// literal begins, or -1: the next of cands, when not nil, at or after at.
func (r *regex) nextStart(s string, at int, cands []int32, next *int) int {
	if cands == nil {
		return r.starts.all.index(s, at)
	}
	i := *next
	for i < len(cands) && int(cands[i]) < at {
		i++
	}
	*next = i
	if i == len(cands) {
		return -1
	}
	return int(cands[i])
}

// runeWidth is the width of the character at s[pos:], 0 at the end.
func runeWidth(s string, pos int) int {
	if pos >= len(s) {
		return 0
	}
	if s[pos] < utf8.RuneSelf {
		return 1
	}
	_, w := utf8.DecodeRuneInString(s[pos:])
	return w
}
