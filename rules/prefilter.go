package rules

import (
	"regexp"

	"github.com/zhijian-qa/zhijian/rules/match"
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

// regex is a compiled regular expression with two accelerations, both
// derived from its syntax tree:
//
//   - factors, literals of which every match must contain one: a turn that
//     contains none of them cannot match and the engine is not run on it;
//   - starts, literals with which every match must begin: the engine then
//     runs anchored at each place one of them occurs, instead of trying
//     every position of the text (Go's backtracker is slow at that).
//
// This keeps unanchored alternations, the usual shape of a pack's regexes,
// cheap on the many turns they do not concern.
//
// When every literal reads the same after normalization, the pack's
// automaton finds them together with the phrases (attach), and a turn's
// factors and start positions come for free from its matches.
type regex struct {
	re       *regexp.Regexp
	needs    []*literals    // a match contains one literal of each set; nil: no prefilter
	starts   *literals      // nil: matches may begin anywhere
	anchored *regexp.Regexp // ^(?:re), used at the starts
	maxLen   int            // longest match in bytes; -1 when unbounded
	atStart  bool           // re begins with ^ (and has no other assertion): one try at 0
	// wordStart: re begins with \b and every start is a word character,
	// so a start counts only where the character before is not one.
	wordStart bool
	// lead is set when re begins with X+ or X{n,} for a character class X:
	// a failure at one X of a run means failure at the rest of that run.
	lead *syntax.Regexp

	// Phrase ids of the literals in the automaton, as bit sets over phrase
	// ids; needIDs is nil when the regex is not attached.
	needIDs  []bitset
	startIDs bitset
}

// attach registers the literals with the automaton through id, when all of
// them are found there verbatim.
func (r *regex) attach(id func(string) int32) {
	if r.needs == nil && r.starts == nil {
		return
	}
	sets := slices.Clone(r.needs)
	if r.starts != nil {
		sets = append(sets, r.starts)
	}
	for _, set := range sets {
		for _, l := range set.list {
			if match.NormalizeString(l) != l {
				return
			}
		}
	}
	ids := func(set *literals) bitset {
		var out bitset
		for _, l := range set.list {
			out.add(id(l))
		}
		return out
	}
	r.needIDs = []bitset{}
	for _, set := range r.needs {
		r.needIDs = append(r.needIDs, ids(set))
	}
	if r.starts != nil {
		r.startIDs = ids(r.starts)
	}
}

// bitset is a set of phrase ids.
type bitset []uint64

func (b *bitset) add(id int32) {
	for int(id>>6) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[id>>6] |= 1 << (id & 63)
}

func (b bitset) has(id int32) bool {
	w := int(id >> 6)
	return w < len(b) && b[w]&(1<<(id&63)) != 0
}

// literals finds any of a set of strings in one pass over the text,
// indexed by first byte.
type literals struct {
	list    []string
	byFirst [256][]string
}

func newLiterals(list []string) *literals {
	l := &literals{list: list}
	for _, s := range list {
		l.byFirst[s[0]] = append(l.byFirst[s[0]], s)
	}
	return l
}

// index returns the first position at or after from where one of the
// literals begins, or -1.
func (l *literals) index(s string, from int) int {
	for i := from; i < len(s); i++ {
		for _, lit := range l.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], lit) {
				return i
			}
		}
	}
	return -1
}

func newRegex(re *regexp.Regexp) *regex {
	r := &regex{re: re}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return r
	}
	tree = tree.Simplify()
	for _, f := range needs(tree) {
		r.needs = append(r.needs, newLiterals(f))
	}
	// Assertions (^, $, \b) read the text before a position, which an
	// anchored run on the rest of the text cannot see.
	r.maxLen = maxLen(tree)
	if tree.Op == syntax.OpConcat && len(tree.Sub) > 1 && tree.Sub[0].Op == syntax.OpBeginText &&
		!hasAssertion(&syntax.Regexp{Op: syntax.OpConcat, Sub: tree.Sub[1:]}) {
		r.atStart = true
		return r
	}
	rest := tree
	if t, ok := afterWordBoundary(tree); ok {
		// findAll checks the leading \b itself, where it can see the
		// character before a start.
		rest, r.wordStart = t, true
	}
	st, ok := prefixes(rest)
	if !ok || len(st) == 0 || slices.Contains(st, "") {
		return r
	}
	if hasAssertion(rest) {
		if !r.wordStart || leadingAssertion(rest) {
			return r
		}
		// Later assertions see the text around them, so no window.
		r.maxLen = -1
	}
	if a, err := regexp.Compile(`^(?:` + rest.String() + `)`); err == nil {
		r.starts, r.anchored = newLiterals(st), a
		r.lead = leadingRun(rest)
	}
	return r
}

// afterWordBoundary returns re without the \b it begins with, in every
// alternative.
func afterWordBoundary(re *syntax.Regexp) (*syntax.Regexp, bool) {
	switch re.Op {
	case syntax.OpConcat:
		if len(re.Sub) > 1 && re.Sub[0].Op == syntax.OpWordBoundary {
			return &syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1:], Flags: re.Flags}, true
		}
	case syntax.OpAlternate:
		subs := make([]*syntax.Regexp, len(re.Sub))
		for i, sub := range re.Sub {
			t, ok := afterWordBoundary(sub)
			if !ok {
				return nil, false
			}
			subs[i] = t
		}
		return &syntax.Regexp{Op: syntax.OpAlternate, Sub: subs, Flags: re.Flags}, true
	}
	return nil, false
}

// isWordByte is \b's idea of a word character, which is ASCII only.
func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// leadingAssertion reports whether re may test an assertion before it
// reads its first character.
func leadingAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if leadingAssertion(sub) {
				return true
			}
			if minLen(sub) > 0 {
				return false
			}
		}
		return false
	}
	for _, sub := range re.Sub {
		if leadingAssertion(sub) {
			return true
		}
	}
	return false
}

// minLen reports the shortest match of re in characters, 0 when it may be
// empty.
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += minLen(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := minLen(sub); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

// findAll returns what r.re.FindAllStringIndex(s, -1) returns. cands,
// when not nil, are the sorted positions where start literals occur
// (found by the automaton); otherwise they are searched for here.
func (r *regex) findAll(s string, cands []int32, dst [][2]int) [][2]int {
	if r.atStart {
		if loc := r.re.FindStringIndex(r.window(s)); loc != nil {
			dst = append(dst, [2]int{loc[0], loc[1]})
		}
		return dst
	}
	if r.anchored == nil {
		for _, loc := range r.re.FindAllStringIndex(s, -1) {
			dst = append(dst, [2]int{loc[0], loc[1]})
		}
		return dst
	}
	next := 0
	for pos := 0; pos < len(s); {
		c := -1
		if cands != nil {
			for next < len(cands) && int(cands[next]) < pos {
				next++
			}
			if next < len(cands) {
				c = int(cands[next])
			}
		} else {
			c = r.starts.index(s, pos)
		}
		if c < 0 {
			break
		}
		if r.wordStart && (c > 0 && isWordByte(s[c-1])) == isWordByte(s[c]) {
			pos = c + 1 // no \b here
			continue
		}
		// Every match is non-empty (it begins with a start literal), so
		// the leftmost match is the first candidate where one exists.
		// A bounded match cannot reach past maxLen: give the engine no more
		// (its cost grows with the input, even anchored).
		if loc := r.anchored.FindStringIndex(r.window(s[c:])); loc != nil {
			dst = append(dst, [2]int{c, c + loc[1]})
			pos = c + loc[1]
		} else {
			pos = c + 1
			if r.lead != nil {
				for pos < len(s) {
					x, size := utf8.DecodeRuneInString(s[pos:])
					if !inClass(r.lead, x) {
						break
					}
					pos += size
				}
			}
		}
	}
	return dst
}

func inClass(cls *syntax.Regexp, x rune) bool {
	for i := 0; i+1 < len(cls.Rune); i += 2 {
		if cls.Rune[i] <= x && x <= cls.Rune[i+1] {
			return true
		}
	}
	return false
}

// leadingRun returns X when re begins with X+ or X{n,}, X a character class.
func leadingRun(re *syntax.Regexp) *syntax.Regexp {
	for re.Op == syntax.OpConcat && len(re.Sub) > 0 || re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if (re.Op == syntax.OpPlus || re.Op == syntax.OpRepeat && re.Min >= 1 && re.Max < 0) &&
		re.Sub[0].Op == syntax.OpCharClass {
		return re.Sub[0]
	}
	return nil
}

// window cuts s after maxLen bytes, at a character boundary: no match
// reaches further.
func (r *regex) window(s string) string {
	if r.maxLen < 0 || len(s) <= r.maxLen {
		return s
	}
	end := r.maxLen
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return s[:end]
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
		if len(re.Sub) == 0 {
			break
		}
		// While the parts so far match exactly their literals, the next
		// part's prefixes extend them: longer starts, fewer candidates.
		out, ok := prefixes(re.Sub[0])
		for i := 1; ok && i < len(re.Sub) && exact(re.Sub[i-1]); i++ {
			next, ok := prefixes(re.Sub[i])
			if !ok || len(out)*len(next) > maxFactors {
				break
			}
			out = cross(out, next)
		}
		return out, ok
	}
	return nil, false
}

// maxLen returns the longest match of re in bytes, or -1 when unbounded.
func maxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(r)
		}
		return n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax
	case syntax.OpCapture, syntax.OpQuest:
		return maxLen(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return -1
		}
		if n := maxLen(re.Sub[0]); n >= 0 {
			return n * re.Max
		}
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, sub := range re.Sub {
			n := maxLen(sub)
			if n < 0 {
				return -1
			}
			if re.Op == syntax.OpConcat {
				total += n
			} else {
				total = max(total, n)
			}
		}
		return total
	}
	return -1
}

func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, sub := range re.Sub {
		if hasAssertion(sub) {
			return true
		}
	}
	return false
}

// mayMatch reports whether s can contain a match.
func (r *regex) mayMatch(s string) bool {
	for _, set := range r.needs {
		if set.index(s, 0) < 0 {
			return false
		}
	}
	return true
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
		if re.Flags&syntax.FoldCase != 0 {
			// Every case of the first character: not exact, but short.
			return foldings(re.Rune[0]), true
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxClass {
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
