package rules

import (
	"regexp"

	"github.com/zhijian-qa/zhijian/rules/match"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxFactors bounds a prefilter's literal set and maxClass the characters
// taken from one class; past them the filter is dropped.
const (
	maxFactors = 64
	maxClass   = 64
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
	factors  *literals      // nil: no prefilter
	starts   *literals      // nil: matches may begin anywhere
	anchored *regexp.Regexp // ^(?:re), used at the starts
	maxLen   int            // longest match in bytes; -1 when unbounded
	atStart  bool           // re begins with ^ (and has no other assertion): one try at 0

	// Phrase ids of the literals in the automaton; nil when not attached.
	factorIDs, startIDs []int32
}

// attach registers the literals with the automaton through id, when all of
// them are found there verbatim.
func (r *regex) attach(id func(string) int32) {
	if r.factors == nil && r.starts == nil {
		return
	}
	var lits []string
	if r.factors != nil {
		lits = append(lits, r.factors.list...)
	}
	if r.starts != nil {
		lits = append(lits, r.starts.list...)
	}
	for _, l := range lits {
		if match.NormalizeString(l) != l {
			return
		}
	}
	r.factorIDs, r.startIDs = []int32{}, []int32{}
	if r.factors != nil {
		for _, l := range r.factors.list {
			r.factorIDs = append(r.factorIDs, id(l))
		}
	}
	if r.starts != nil {
		for _, l := range r.starts.list {
			r.startIDs = append(r.startIDs, id(l))
		}
	}
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
	if f, ok := factors(tree); ok && len(f) > 0 && !slices.Contains(f, "") {
		r.factors = newLiterals(f)
	}
	// Assertions (^, $, \b) read the text before a position, which an
	// anchored run on the rest of the text cannot see.
	r.maxLen = maxLen(tree)
	if tree.Op == syntax.OpConcat && len(tree.Sub) > 1 && tree.Sub[0].Op == syntax.OpBeginText &&
		!hasAssertion(&syntax.Regexp{Op: syntax.OpConcat, Sub: tree.Sub[1:]}) {
		r.atStart = true
		return r
	}
	if st, ok := prefixes(tree); ok && len(st) > 0 && !slices.Contains(st, "") && !hasAssertion(tree) {
		if a, err := regexp.Compile(`^(?:` + re.String() + `)`); err == nil {
			r.starts, r.anchored = newLiterals(st), a
		}
	}
	return r
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
		// Every match is non-empty (it begins with a start literal), so
		// the leftmost match is the first candidate where one exists.
		// A bounded match cannot reach past maxLen: give the engine no more
		// (its cost grows with the input, even anchored).
		if loc := r.anchored.FindStringIndex(r.window(s[c:])); loc != nil {
			dst = append(dst, [2]int{c, c + loc[1]})
			pos = c + loc[1]
		} else {
			pos = c + 1
		}
	}
	return dst
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
	if re.Flags&syntax.FoldCase != 0 {
		return nil, false
	}
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
		var out []string
		for _, sub := range re.Sub {
			f, ok := prefixes(sub)
			if !ok || len(out)+len(f) > maxFactors {
				return nil, false
			}
			out = append(out, f...)
		}
		return out, true
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return prefixes(re.Sub[0])
		}
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
	return r.factors == nil || r.factors.index(s, 0) >= 0
}

// factors returns literals of which every match of re contains one, or
// false when there is no such set worth checking.
func factors(re *syntax.Regexp) ([]string, bool) {
	if re.Flags&syntax.FoldCase != 0 {
		return nil, false
	}
	switch re.Op {
	case syntax.OpLiteral:
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
		var out []string
		for _, sub := range re.Sub {
			f, ok := factors(sub)
			if !ok || len(out)+len(f) > maxFactors {
				return nil, false
			}
			out = append(out, f...)
		}
		return out, true
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
			var cross []string
			for _, a := range run {
				for _, b := range f {
					cross = append(cross, a+b)
				}
			}
			run = cross
			consider(run)
		}
		return best, best != nil
	}
	return nil, false
}

// exact reports whether factors(re) lists exactly the strings re matches,
// so that adjacent sets may be joined.
func exact(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass:
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

func shortest(f []string) int {
	n := -1
	for _, s := range f {
		if l := utf8.RuneCountInString(s); n < 0 || l < n {
			n = l
		}
	}
	return n
}
