package rules

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// maxFactors bounds a prefilter's literal set; past it the filter is dropped.
const maxFactors = 64

// regex is a compiled regular expression with a prefilter: literals of
// which every match must contain at least one. A turn that contains none of
// them cannot match, and the regex engine is not run on it. This is what
// keeps unanchored alternations (the usual shape of a pack's regexes)
// cheap on the many turns they do not concern.
type regex struct {
	re      *regexp.Regexp
	factors []string // nil: no prefilter
}

func newRegex(re *regexp.Regexp) *regex {
	r := &regex{re: re}
	if tree, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		if f, ok := factors(tree.Simplify()); ok && len(f) > 0 {
			r.factors = f
		}
	}
	return r
}

// mayMatch reports whether s can contain a match.
func (r *regex) mayMatch(s string) bool {
	if r.factors == nil {
		return true
	}
	for _, f := range r.factors {
		if strings.Contains(s, f) {
			return true
		}
	}
	return false
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
				if len(out) == 16 {
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
