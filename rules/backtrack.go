package rules

import (
	"regexp/syntax"
	"slices"
	"unicode"
	"unicode/utf8"
)

// program is a regular expression compiled as regexp.Compile compiles it
// (Perl syntax, simplified), then made cheaper to interpret: no-op and
// capture instructions are skipped (only the span of a match is needed),
// every character test becomes a bit set for ASCII plus ranges, visits
// are recorded only where paths join, and an alternation all of whose
// ways begin by reading a character first checks that character (a
// guard), which spares trying a whole pattern at every position of a run
// of digits, say.
//
// The regexp package spends some 150-250 ns setting up every search, which
// is most of the cost when a pack's regexes are tried at a few candidate
// positions of many short turns. The backtracker reuses its scratch space
// (one per evaluation state) and so costs only the steps it takes.
type program struct {
	inst  []btInst
	start uint32
	// atStart: every match begins at the start of the text (\A, or ^
	// without (?m)), so a search tries position 0 alone.
	atStart bool
	// oneRune, when not nil, is all the program does: read one of these
	// characters (as (?s)^. does, after the assertion).
	oneRune *charSet
	// first, when not nil, holds the character every match begins with.
	first *charSet
}

// btInst is one instruction: opAlt, opRune, opEmpty or opMatch.
type btInst struct {
	op uint8
	// check: the instruction can be reached along more than one edge, so
	// visits to it are recorded; one reached along a single edge is
	// visited at most once per position by construction.
	check bool
	// outGuard, argGuard: every way to a match from an opAlt's out (arg)
	// reads a character of runes (argRunes) before any other, so that
	// way is not taken at any other character (see markGuards).
	outGuard, argGuard bool
	// loop: an opAlt whose out reads one character and comes back, and
	// whose arg way either may not begin with any character the loop
	// reads (x+ then something else) or is a match (x+ at the end): a run
	// of x is read in one go, for it never stops halfway.
	loop     bool
	out, arg uint32         // next instruction; opAlt's second choice
	empty    syntax.EmptyOp // opEmpty: the assertions
	// runes are the characters an opRune accepts, or those an opAlt's
	// out way may begin with; argRunes those of its arg way.
	runes, argRunes charSet
}

// charSet is a set of characters: a bit set for ASCII, sorted lo, hi pairs
// for the others. Bit r%64 of spread is set for every character r of the
// pairs, so that most characters not in a small set (a few Chinese
// characters, say) are told apart at once.
type charSet struct {
	ascii  [2]uint64
	ranges []rune
	spread uint64
}

// newCharSet returns the set of ascii's characters and of ranges'.
func newCharSet(ascii [2]uint64, ranges []rune) charSet {
	cs := charSet{ascii: ascii, ranges: ranges}
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i+1]-ranges[i] >= 63 {
			cs.spread = ^uint64(0)
			break
		}
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			cs.spread |= 1 << (r & 63)
		}
	}
	return cs
}

const (
	opFail uint8 = iota
	opAlt
	opRune
	opEmpty
	opMatch
)

// maxVisited bounds the backtracker's visited set, in bits (instructions
// times positions); a longer text is left to the regexp package.
const maxVisited = 1 << 22

// compileProgram compiles expr, or returns nil when the backtracker cannot
// run it (an instruction regexp/syntax does not emit today).
func compileProgram(expr string) *program {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	p := &program{inst: make([]btInst, len(prog.Inst)),
		atStart: prog.StartCond()&syntax.EmptyBeginText != 0}
	// skip follows no-ops and captures, which neither read nor test.
	skip := func(pc uint32) uint32 {
		for n := 0; n <= len(prog.Inst); n++ {
			if op := prog.Inst[pc].Op; op != syntax.InstNop && op != syntax.InstCapture {
				return pc
			}
			pc = prog.Inst[pc].Out
		}
		return pc // a loop of no-ops: never the case
	}
	for pc := range prog.Inst {
		in := &prog.Inst[pc]
		x := &p.inst[pc]
		x.out = skip(in.Out)
		switch in.Op {
		case syntax.InstAlt:
			x.op, x.arg = opAlt, skip(in.Arg)
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			x.op = opRune
			x.runes = runeSet(in)
		case syntax.InstEmptyWidth:
			x.op, x.empty = opEmpty, syntax.EmptyOp(in.Arg)
		case syntax.InstMatch:
			x.op = opMatch
		case syntax.InstFail, syntax.InstNop, syntax.InstCapture:
			x.op = opFail // never jumped to (skipped) or never matches
		default: // InstAltMatch
			return nil
		}
	}
	p.start = skip(uint32(prog.Start))
	p.oneRune = p.readsOneRune()
	p.markJoins()
	p.markGuards()
	switch x := &p.inst[p.start]; {
	case x.op == opRune:
		p.first = &x.runes
	case x.op == opAlt && x.outGuard && x.argGuard:
		first := newCharSet([2]uint64{x.runes.ascii[0] | x.argRunes.ascii[0], x.runes.ascii[1] | x.argRunes.ascii[1]},
			mergePairs(append(slices.Clone(x.runes.ranges), x.argRunes.ranges...)))
		p.first = &first
	}
	return p
}

// readsOneRune returns the characters p reads when all p does, at the
// start of the text, is read one of them: assertions that hold there,
// then one character, then a match.
func (p *program) readsOneRune() *charSet {
	if !p.atStart {
		return nil
	}
	const atZero = syntax.EmptyBeginText | syntax.EmptyBeginLine
	x := &p.inst[p.start]
	for n := 0; x.op == opEmpty && x.empty&^atZero == 0 && n < len(p.inst); n++ {
		x = &p.inst[x.out]
	}
	if x.op == opRune && p.inst[x.out].op == opMatch {
		return &x.runes
	}
	return nil
}

// markJoins sets check on the instructions with more than one way in
// (the start counts as one).
func (p *program) markJoins() {
	in := make([]int, len(p.inst))
	in[p.start]++
	for pc := range p.inst {
		x := &p.inst[pc]
		switch x.op {
		case opAlt:
			in[x.out]++
			in[x.arg]++
		case opRune, opEmpty:
			in[x.out]++
		}
	}
	for pc := range p.inst {
		p.inst[pc].check = in[pc] > 1
	}
}

// maxGuardRanges bounds a guard's non-ASCII ranges; past it, a guard
// admits every non-ASCII character.
const maxGuardRanges = 16

// maxGuarded bounds the programs given guards: finding them takes time
// quadratic in the program's size.
const maxGuarded = 2000

// markGuards finds, for each way of each alternation, whether every path
// from it to a match begins by reading a character (perhaps after
// assertions), and the characters it may read. Such a way is not worth
// taking at any other character: a greedy loop over digits, say, does
// not try what follows it at each digit.
func (p *program) markGuards() {
	if len(p.inst) > maxGuarded {
		return
	}
	for pc := range p.inst {
		x := &p.inst[pc]
		if x.op != opAlt {
			continue
		}
		x.runes, x.outGuard = p.firsts(x.out)
		x.argRunes, x.argGuard = p.firsts(x.arg)
		body := &p.inst[x.out]
		x.loop = body.op == opRune && body.out == uint32(pc) &&
			(p.inst[x.arg].op == opMatch || x.argGuard && body.runes.disjoint(&x.argRunes))
	}
}

// disjoint reports whether cs and o have no character in common.
func (cs *charSet) disjoint(o *charSet) bool {
	return cs.ascii[0]&o.ascii[0] == 0 && cs.ascii[1]&o.ascii[1] == 0 && !pairsMeet(cs.ranges, o.ranges)
}

// pairsMeet reports whether two sets of lo, hi pairs share a character.
func pairsMeet(a, b []rune) bool {
	for i := 0; i+1 < len(a); i += 2 {
		for j := 0; j+1 < len(b); j += 2 {
			if a[i] <= b[j+1] && b[j] <= a[i+1] {
				return true
			}
		}
	}
	return false
}

// firsts returns the characters every path from pc to a match begins by
// reading, and false when some path reaches a match without reading one.
func (p *program) firsts(pc uint32) (charSet, bool) {
	var pairs []rune
	var ascii [2]uint64
	open := false
	seen := make([]bool, len(p.inst))
	var walk func(pc uint32)
	walk = func(pc uint32) {
		if seen[pc] || open {
			return
		}
		seen[pc] = true
		switch x := &p.inst[pc]; x.op {
		case opAlt:
			walk(x.out)
			walk(x.arg)
		case opRune:
			ascii[0] |= x.runes.ascii[0]
			ascii[1] |= x.runes.ascii[1]
			pairs = append(pairs, x.runes.ranges...)
		case opEmpty:
			walk(x.out) // an assertion reads nothing: the character is the next one's
		case opMatch:
			open = true // a match before any character
		}
	}
	walk(pc)
	if open {
		return charSet{}, false
	}
	ranges := mergePairs(pairs)
	if len(ranges) > 2*maxGuardRanges {
		ranges = []rune{utf8.RuneSelf, unicode.MaxRune}
	}
	return newCharSet(ascii, ranges), true
}

// mergePairs sorts lo, hi pairs and joins those that overlap or touch.
func mergePairs(p []rune) []rune {
	sortPairs(p)
	var out []rune
	for i := 0; i < len(p); i += 2 {
		if n := len(out); n > 0 && p[i] <= out[n-1]+1 {
			out[n-1] = max(out[n-1], p[i+1])
			continue
		}
		out = append(out, p[i], p[i+1])
	}
	return out
}

// runeSet returns the characters a rune instruction accepts, as regexp
// matches them: a one-rune instruction with (?i) accepts every case of it.
func runeSet(in *syntax.Inst) charSet {
	var pairs []rune
	switch in.Op {
	case syntax.InstRuneAny:
		pairs = []rune{0, unicode.MaxRune}
	case syntax.InstRuneAnyNotNL:
		pairs = []rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune}
	default:
		if len(in.Rune) == 1 {
			r0 := in.Rune[0]
			pairs = []rune{r0, r0}
			if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
				for r := unicode.SimpleFold(r0); r != r0; r = unicode.SimpleFold(r) {
					pairs = append(pairs, r, r)
				}
			}
		} else {
			pairs = in.Rune
		}
	}
	return pairSet(pairs)
}

// pairSet returns the set of the characters of lo, hi pairs.
func pairSet(pairs []rune) charSet {
	var ascii [2]uint64
	var ranges []rune
	for i := 0; i+1 < len(pairs); i += 2 {
		lo, hi := pairs[i], pairs[i+1]
		for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
			ascii[r/64] |= 1 << (r % 64)
		}
		if hi >= utf8.RuneSelf {
			ranges = append(ranges, max(lo, utf8.RuneSelf), hi)
		}
	}
	ranges = slices.Clip(ranges)
	sortPairs(ranges)
	return newCharSet(ascii, ranges)
}

// sortPairs sorts lo, hi pairs by lo (a few, from one instruction).
func sortPairs(p []rune) {
	for i := 2; i < len(p); i += 2 {
		for j := i; j >= 2 && p[j] < p[j-2]; j -= 2 {
			p[j], p[j+1], p[j-2], p[j-1] = p[j-2], p[j-1], p[j], p[j+1]
		}
	}
}

// hasASCII is has for r in ASCII, in line where it is called.
func (cs *charSet) hasASCII(r rune) bool {
	return cs.ascii[r>>6&1]>>(r&63)&1 != 0
}

// hasWide is has for r not in ASCII, with the test of spread in line.
func (cs *charSet) hasWide(r rune) bool {
	return cs.spread>>(uint32(r)&63)&1 != 0 && cs.inRanges(r)
}

// has reports whether r is in the set; -1, the end of the text, never is.
func (cs *charSet) has(r rune) bool {
	if uint32(r) < utf8.RuneSelf {
		return cs.hasASCII(r)
	}
	return cs.hasWide(r)
}

// inRanges reports whether r, not ASCII, is in the set.
func (cs *charSet) inRanges(r rune) bool {
	rs := cs.ranges
	if len(rs) <= 8 {
		for i := 0; i < len(rs); i += 2 {
			if r < rs[i] {
				return false
			}
			if r <= rs[i+1] {
				return true
			}
		}
		return false
	}
	lo, hi := 0, len(rs)/2
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case r < rs[2*m]:
			hi = m
		case r > rs[2*m+1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// backtracker runs programs the way the regexp package's backtracker does
// (the same leftmost-first result): a depth-first search in priority order
// that visits each (instruction, position) pair at most once. It is not
// safe for concurrent use.
type backtracker struct {
	visited []uint64 // bit (pos-base)*len(inst) + pc
	used    int      // visited[:used] may hold set bits
	jobs    []btJob
	base    int
}

type btJob struct {
	pc  uint32
	arg bool // an opAlt whose first branch is done
	pos int
}

// fits reports whether p can search s from position from.
func (b *backtracker) fits(p *program, s string, from int) bool {
	return len(p.inst)*(len(s)-from+1) <= maxVisited
}

// reset starts a search of s from position base, forgetting every visit.
func (b *backtracker) reset(p *program, s string, base int) {
	clear(b.visited[:b.used])
	b.used = 0
	b.base = base
	if n := (len(p.inst)*(len(s)-base+1) + 63) / 64; len(b.visited) < n {
		b.visited = make([]uint64, n)
	}
}

// visit marks bit n of visited, where (pc, pos) is kept (see try), and
// reports whether it was clear; it returns used, the number of words that
// may hold set bits, grown past it.
func visit(visited []uint64, n uint, used int) (int, bool) {
	w, bit := n/64, uint64(1)<<(n%64)
	if visited[w]&bit != 0 {
		return used, false
	}
	visited[w] |= bit
	return max(used, int(w)+1), true
}

// try looks for a match of p in s that begins at pos and returns its end.
// Visits are kept, so that trying a later start of the same search never
// repeats work: a state that failed once fails again.
func (b *backtracker) try(p *program, s string, pos int) (int, bool) {
	// The visited set, in locals for the loop: (pc, pos) is bit
	// (pos-base)*ninst + pc.
	visited, base, ninst, used := b.visited, b.base, uint(len(p.inst)), b.used
	used, ok := visit(visited, uint(pos-base)*ninst+uint(p.start), used)
	if !ok {
		return 0, false
	}
	jobs := append(b.jobs[:0], btJob{pc: p.start, pos: pos})
	inst := p.inst
	// The character last read: r, w bytes wide, at s[at].
	at, r, w := -1, rune(0), 0
	for len(jobs) > 0 {
		j := jobs[len(jobs)-1]
		jobs = jobs[:len(jobs)-1]
		pc, pos, arg := j.pc, j.pos, j.arg
		// A popped job was checked when pushed; a step taken below is
		// checked at the top of the next round.
	steps:
		for checked := true; ; checked = false {
			x := &inst[pc]
			if !checked && x.check {
				if used, ok = visit(visited, uint(pos-base)*ninst+uint(pc), used); !ok {
					break
				}
			}
			switch x.op {
			case opAlt:
				if arg {
					arg, pc = false, x.arg
					continue
				}
				if x.loop {
					// Read the run of the loop's characters, as the steps
					// one by one would, visits and all. At the end of
					// the regex (x+ then a match), the longest run is the
					// match, and no visit is kept: the search ends here.
					body, end := &inst[x.out], inst[x.arg].op == opMatch
					for {
						if pos != at {
							at = pos
							r, w = runeAt(s, pos)
						}
						if !body.runes.has(r) {
							break
						}
						if !end && body.check {
							if used, ok = visit(visited, uint(pos-base)*ninst+uint(x.out), used); !ok {
								break steps
							}
						}
						pos += w
						if !end && x.check {
							if used, ok = visit(visited, uint(pos-base)*ninst+uint(pc), used); !ok {
								break steps
							}
						}
					}
					if end {
						b.jobs, b.used = jobs, used
						return pos, true
					}
					if !x.argRunes.has(r) {
						break steps
					}
					pc = x.arg
					continue
				}
				out, alt := true, true // whether each way is worth taking
				if x.outGuard || x.argGuard {
					if pos != at {
						at = pos
						r, w = runeAt(s, pos)
					}
					if uint32(r) < utf8.RuneSelf {
						out = !x.outGuard || x.runes.hasASCII(r)
						alt = !x.argGuard || x.argRunes.hasASCII(r)
					} else {
						out = !x.outGuard || x.runes.hasWide(r)
						alt = !x.argGuard || x.argRunes.hasWide(r)
					}
				}
				switch {
				case out && alt:
					// Come back for x.arg once x.out is done; pushing it
					// now would keep another path from reaching it first.
					jobs = append(jobs, btJob{pc: pc, arg: true, pos: pos})
					pc = x.out
				case out:
					pc = x.out
				case alt:
					pc = x.arg
				default:
					break steps
				}
			case opRune:
				if pos != at {
					at = pos
					r, w = runeAt(s, pos)
				}
				if uint32(r) < utf8.RuneSelf {
					if !x.runes.hasASCII(r) {
						break steps
					}
				} else if !x.runes.hasWide(r) {
					break steps
				}
				pos += w
				pc = x.out
			case opEmpty:
				if emptyContext(s, pos)&x.empty != x.empty {
					break steps
				}
				pc = x.out
			case opMatch:
				b.jobs, b.used = jobs, used
				return pos, true
			default: // opFail
				break steps
			}
		}
	}
	b.jobs, b.used = jobs, used
	return 0, false
}

// runeAt decodes the character at s[pos], -1 at the end. Invalid UTF-8
// reads as utf8.RuneError of width 1, as in the regexp package.
func runeAt(s string, pos int) (rune, int) {
	if pos >= len(s) {
		return -1, 0
	}
	b := s[pos]
	if b < utf8.RuneSelf {
		return rune(b), 1
	}
	// Three bytes led by E1-EC or EE-EF, as Chinese is, are always valid.
	if b&0xf0 == 0xe0 && b != 0xe0 && b != 0xed && pos+2 < len(s) && s[pos+1]&0xc0 == 0x80 && s[pos+2]&0xc0 == 0x80 {
		return rune(b&0x0f)<<12 | rune(s[pos+1]&0x3f)<<6 | rune(s[pos+2]&0x3f), 3
	}
	return utf8.DecodeRuneInString(s[pos:])
}

// emptyContext returns the zero-width assertions that hold at s[pos], as
// syntax.EmptyOpContext does for the code points around pos. It reads
// bytes only: a newline is one byte, and \b's word characters are ASCII.
func emptyContext(s string, pos int) syntax.EmptyOp {
	op := syntax.EmptyOp(0)
	wordBefore, wordAfter := false, false
	if pos == 0 {
		op |= syntax.EmptyBeginText | syntax.EmptyBeginLine
	} else {
		wordBefore = isWordByte(s[pos-1])
		if s[pos-1] == '\n' {
			op |= syntax.EmptyBeginLine
		}
	}
	if pos == len(s) {
		op |= syntax.EmptyEndText | syntax.EmptyEndLine
	} else {
		wordAfter = isWordByte(s[pos])
		if s[pos] == '\n' {
			op |= syntax.EmptyEndLine
		}
	}
	if wordBefore != wordAfter {
		return op | syntax.EmptyWordBoundary
	}
	return op | syntax.EmptyNoWordBoundary
}

// isWordByte reports whether b is an ASCII word character (\w).
func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}
