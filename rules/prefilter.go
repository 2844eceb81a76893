package rules

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFactors bounds a prefilter's literal set and maxClass the characters
// taken from one class; past them the filter is dropped.
const (
	maxFactors = 64
	maxClass   = 64
	maxStarts  = 128
)

// bitset is a set of small numbers (regex literals, see turnLits).
type bitset []uint64

func (b *bitset) add(id int32) {
	for int(id>>6) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[id>>6] |= 1 << (id & 63)
}

// has reports whether id is in b; a negative id never is.
func (b bitset) has(id int32) bool {
	w := uint(id) >> 6
	return w < uint(len(b)) && b[w]&(1<<(id&63)) != 0
}

// meets reports whether b and o have a member in common.
func (b bitset) meets(o bitset) bool {
	for i := range min(len(b), len(o)) {
		if b[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// literals finds any of a set of strings. A few are looked for one by
// one (strings.Index, which is vectorized); more in one pass over the
// text, indexed by first byte.
type literals struct {
	list    []string
	byFirst *[256][]string // nil for a few
}

// fewLiterals is how many literals are looked for one by one.
const fewLiterals = 4

func newLiterals(list []string) *literals {
	l := &literals{list: list}
	if len(list) > fewLiterals {
		l.byFirst = new([256][]string)
		for _, s := range list {
			l.byFirst[s[0]] = append(l.byFirst[s[0]], s)
		}
	}
	return l
}

// lastIndex returns the last position where one of the literals begins,
// or -1.
func (l *literals) lastIndex(s string) int {
	if l.byFirst == nil {
		at := -1
		for _, lit := range l.list {
			at = max(at, lastIndex(s, lit))
		}
		return at
	}
	for i := len(s) - 1; i >= 0; i-- {
		for _, lit := range l.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], lit) {
				return i
			}
		}
	}
	return -1
}

// lastIndex is strings.LastIndex, by forward searches (vectorized, which
// backward ones are not): the literals are rare.
func lastIndex(s, lit string) int {
	last := -1
	for from := 0; ; {
		i := strings.Index(s[from:], lit)
		if i < 0 {
			return last
		}
		last = from + i
		from = last + 1
	}
}

// index returns the first position at or after from where one of the
// literals begins, or -1.
func (l *literals) index(s string, from int) int {
	if l.byFirst == nil {
		at := -1
		for _, lit := range l.list {
			// Only what comes before the best so far is searched.
			end := len(s)
			if at >= 0 {
				end = min(len(s), at+len(lit)-1)
			}
			if i := strings.Index(s[from:end], lit); i >= 0 {
				at = from + i
			}
		}
		return at
	}
	for i := from; i < len(s); i++ {
		for _, lit := range l.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], lit) {
				return i
			}
		}
	}
	return -1
}

// prefixes returns literals of which every match of re begins with one.
func prefixes(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass:
		return factors(re)
	case syntax.OpCapture, syntax.OpPlus:
		return prefixes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return prefixes(re.Sub[0])
		}
	case syntax.OpAlternate:
		return union(re.Sub, prefixes, maxStarts)
	case syntax.OpConcat:
		// Assertions read no character: the match begins with what
		// follows them (the backtracker checks them in the full text).
		subs := re.Sub
		for len(subs) > 0 && isAssertion(subs[0]) {
			subs = subs[1:]
		}
		if len(subs) == 0 {
			break
		}
		// While the parts so far match exactly their literals, the next
		// part's prefixes extend them: longer starts, fewer candidates.
		out, ok := prefixes(subs[0])
		for i := 1; ok && i < len(subs) && exact(subs[i-1]); i++ {
			next, ok := prefixes(subs[i])
			if !ok || len(out)*len(next) > maxFactors {
				break
			}
			out = cross(out, next)
		}
		return out, ok
	}
	return nil, false
}

// leadRuns returns, as lo, hi pairs, classes of characters C such that
// when no match of re begins at a character of C, none begins at the
// characters of C that follow it: re begins with C+, C* or C{n,}, maybe
// with more single C around them (from a later start, a match reads
// fewer C before the same rest, which the earlier start reads too), or
// it is an alternation whose ways begin with pairwise disjoint classes,
// and C is the leading class of one of them that begins so.
func leadRuns(re *syntax.Regexp) [][]rune {
	switch re.Op {
	case syntax.OpCapture:
		return leadRuns(re.Sub[0])
	case syntax.OpAlternate:
		var all [][]rune
		var firsts []rune
		for _, sub := range re.Sub {
			f, ok := firstClass(sub)
			if !ok || pairsMeet(firsts, f) {
				return nil
			}
			firsts = append(firsts, f...)
			all = append(all, leadRuns(sub)...)
		}
		return all
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	var class []rune
	unbounded := false
	for _, sub := range subs {
		c, more, ok := classItem(sub)
		if !ok || class != nil && !slices.Equal(c, class) {
			break
		}
		class, unbounded = c, unbounded || more
	}
	if !unbounded {
		return nil
	}
	return [][]rune{class}
}

// classItem reports whether re reads characters of one class, the class
// (lo, hi pairs) and whether it reads any number of them.
func classItem(re *syntax.Regexp) (class []rune, unbounded, ok bool) {
	switch re.Op {
	case syntax.OpCharClass:
		return re.Rune, false, true
	case syntax.OpLiteral:
		if len(re.Rune) == 1 && re.Flags&syntax.FoldCase == 0 {
			return []rune{re.Rune[0], re.Rune[0]}, false, true
		}
	case syntax.OpCapture:
		return classItem(re.Sub[0])
	case syntax.OpPlus, syntax.OpStar:
		c, _, ok := classItem(re.Sub[0])
		return c, true, ok
	case syntax.OpRepeat:
		if c, _, ok := classItem(re.Sub[0]); ok && re.Max < 0 {
			return c, true, true
		}
	}
	return nil, false, false
}

// firstClass returns the class (lo, hi pairs) of the first character of
// every match of re, when it can tell.
func firstClass(re *syntax.Regexp) ([]rune, bool) {
	switch re.Op {
	case syntax.OpCharClass:
		return re.Rune, true
	case syntax.OpLiteral:
		if len(re.Rune) > 0 && re.Flags&syntax.FoldCase == 0 {
			return []rune{re.Rune[0], re.Rune[0]}, true
		}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return firstClass(re.Sub[0])
		}
	case syntax.OpCapture, syntax.OpPlus, syntax.OpConcat:
		if len(re.Sub) > 0 {
			return firstClass(re.Sub[0])
		}
	}
	return nil, false
}

// isAssertion reports whether re is a zero-width assertion (^, $, \b...).
func isAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return false
}

// asciiRun requires a match to hold n consecutive characters of an ASCII
// class: one scan of the bytes rules out most texts (a waybill number is
// nine digits or more).
type asciiRun struct {
	class [2]uint64
	n     int
}

// in reports whether s holds n consecutive bytes of the class.
func (a *asciiRun) in(s string) bool {
	// A run of n covering byte end holds s[end]: testing every n-th byte
	// rules out most of a text (Chinese has no ASCII), as in Boyer-Moore.
	n := a.n
	for end := n - 1; end < len(s); {
		if !a.has(s[end]) {
			end += n
			continue
		}
		start := end // of the class's bytes up to end, within n of it
		for start > end-n+1 && a.has(s[start-1]) {
			start--
		}
		if start == end-n+1 {
			return true
		}
		// s[start-1] is not of the class: a run begins after it.
		end = start + n - 1
	}
	return false
}

// has reports whether b is of the class.
func (a *asciiRun) has(b byte) bool {
	return b < utf8.RuneSelf && a.class[b>>6]&(1<<(b&63)) != 0
}

// run returns the longest run of an ASCII class that every match of re
// holds, if there is one.
func run(re *syntax.Regexp) (asciiRun, bool) {
	if a, ok := pureRun(re); ok {
		return a, a.n > 0
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return run(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return run(re.Sub[0])
		}
	case syntax.OpConcat:
		// Adjacent pure parts make one run of their classes together.
		var best, chain asciiRun
		for _, sub := range re.Sub {
			if a, ok := pureRun(sub); ok {
				chain.class[0] |= a.class[0]
				chain.class[1] |= a.class[1]
				chain.n += a.n
			} else {
				chain = asciiRun{}
				if a, ok := run(sub); ok && a.n > best.n {
					best = a
				}
			}
			if chain.n > best.n {
				best = chain
			}
		}
		return best, best.n > 0
	case syntax.OpAlternate:
		var all asciiRun
		for i, sub := range re.Sub {
			a, ok := run(sub)
			if !ok {
				return asciiRun{}, false
			}
			all.class[0] |= a.class[0]
			all.class[1] |= a.class[1]
			if i == 0 || a.n < all.n {
				all.n = a.n
			}
		}
		return all, true
	}
	return asciiRun{}, false
}

// pureRun reports whether re matches only characters of an ASCII class,
// and returns the class and the fewest characters it matches.
func pureRun(re *syntax.Regexp) (asciiRun, bool) {
	var a asciiRun
	switch re.Op {
	case syntax.OpEmptyMatch:
		return a, true
	case syntax.OpLiteral:
		// Every character counts, in whatever case (?i) allows.
		for _, r := range re.Rune {
			for _, f := range foldings(r) {
				if !addASCII(&a.class, f) {
					return asciiRun{}, false
				}
				if re.Flags&syntax.FoldCase == 0 {
					break
				}
			}
		}
		a.n = len(re.Rune)
		return a, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1] >= utf8.RuneSelf {
				return asciiRun{}, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				addASCII(&a.class, string(r))
			}
		}
		a.n = 1
		return a, true
	case syntax.OpCapture:
		return pureRun(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		a, ok := pureRun(re.Sub[0])
		if !ok {
			return asciiRun{}, false
		}
		switch re.Op {
		case syntax.OpStar, syntax.OpQuest:
			a.n = 0
		case syntax.OpRepeat:
			a.n *= re.Min
		}
		return a, true
	case syntax.OpConcat, syntax.OpAlternate:
		for i, sub := range re.Sub {
			b, ok := pureRun(sub)
			if !ok {
				return asciiRun{}, false
			}
			a.class[0] |= b.class[0]
			a.class[1] |= b.class[1]
			switch {
			case re.Op == syntax.OpConcat:
				a.n += b.n
			case i == 0 || b.n < a.n:
				a.n = b.n
			}
		}
		return a, true
	}
	return asciiRun{}, false
}

// addASCII adds the one-byte string r to class and reports whether it was
// one byte.
func addASCII(class *[2]uint64, r string) bool {
	if len(r) != 1 || r[0] >= utf8.RuneSelf {
		return false
	}
	class[r[0]>>6] |= 1 << (r[0] & 63)
	return true
}

// branchNeeds returns alternatives of needs (see needs): one per branch
// when re is an alternation all of whose branches have needs, else the
// needs of re as a whole, if any.
func branchNeeds(re *syntax.Regexp) [][][]string {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op == syntax.OpAlternate {
		var alts [][][]string
		for _, sub := range re.Sub {
			n := needs(sub)
			if n == nil {
				alts = nil
				break
			}
			alts = append(alts, n)
		}
		if alts != nil {
			return alts
		}
	}
	if n := needs(re); n != nil {
		return [][][]string{n}
	}
	return nil
}

// needs returns literal sets such that every match of re contains a
// literal of each set: every part of a concatenation must match, so each
// part's set is needed; elsewhere the one set of factors.
func needs(re *syntax.Regexp) [][]string {
	if re.Op == syntax.OpConcat {
		var out [][]string
		for _, sub := range re.Sub {
			out = append(out, needs(sub)...)
		}
		// The best single set (it may join adjacent parts) is needed too.
		if f, ok := factors(re); ok {
			out = append(out, f)
		}
		return out
	}
	if re.Op == syntax.OpCapture || re.Op == syntax.OpPlus || re.Op == syntax.OpRepeat && re.Min >= 1 {
		return needs(re.Sub[0])
	}
	if f, ok := factors(re); ok && !slices.Contains(f, "") {
		return [][]string{f}
	}
	return nil
}

// factors returns literals of which every match of re contains one, or
// false when there is no such set worth checking.
func factors(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if slices.Contains(re.Rune, utf8.RuneError) {
			return nil, false // it matches invalid UTF-8, which no literal finds
		}
		if re.Flags&syntax.FoldCase != 0 {
			// Every case of the first character: not exact, but short.
			return foldings(re.Rune[0]), true
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxClass || r == utf8.RuneError {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0
	case syntax.OpCapture:
		return factors(re.Sub[0])
	case syntax.OpPlus:
		return factors(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return factors(re.Sub[0])
		}
	case syntax.OpAlternate:
		return union(re.Sub, factors, maxFactors)
	case syntax.OpConcat:
		// Every sub-expression's set is a valid filter, and so is the cross
		// product of adjacent exact sets ([地收](址|件人) → 地址, 地件人, 收址,
		// 收件人). Keep the one whose shortest literal is longest, then the
		// one with fewest literals: the most selective.
		var best, run []string
		bestLen := 0
		consider := func(f []string) {
			if l := shortest(f); l > bestLen || l == bestLen && len(f) < len(best) {
				best, bestLen = f, l
			}
		}
		for _, sub := range re.Sub {
			f, ok := factors(sub)
			if !ok {
				run = nil
				continue
			}
			consider(f)
			if !exact(sub) {
				run = nil
				continue
			}
			if run == nil {
				run = f
				continue
			}
			if len(run)*len(f) > maxFactors {
				run = f
				continue
			}
			run = cross(run, f)
			consider(run)
		}
		return best, best != nil
	}
	return nil, false
}

// union joins the literal sets of alternatives; any without one, or more
// than limit literals in all, leaves none.
func union(subs []*syntax.Regexp, set func(*syntax.Regexp) ([]string, bool), limit int) ([]string, bool) {
	var out []string
	for _, sub := range subs {
		f, ok := set(sub)
		if !ok || len(out)+len(f) > limit {
			return nil, false
		}
		out = append(out, f...)
	}
	return out, true
}

// cross returns every a+b.
func cross(as, bs []string) []string {
	out := make([]string, 0, len(as)*len(bs))
	for _, a := range as {
		for _, b := range bs {
			out = append(out, a+b)
		}
	}
	return out
}

// exact reports whether factors(re) lists exactly the strings re matches,
// so that adjacent sets may be joined.
func exact(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return re.Flags&syntax.FoldCase == 0
	case syntax.OpCharClass:
		return true
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !exact(s) {
				return false
			}
		}
		return true
	}
	return false
}

// foldings returns r in every case (k, K and the Kelvin sign for k).
func foldings(r rune) []string {
	out := []string{string(r)}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		out = append(out, string(f))
	}
	return out
}

func shortest(f []string) int {
	n := -1
	for _, s := range f {
		if l := utf8.RuneCountInString(s); n < 0 || l < n {
			n = l
		}
	}
	return n
}
