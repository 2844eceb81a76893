package rules

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"testing"
	"unicode/utf8"
)

// TestBacktrackerAgreesWithRegexp runs every pattern over every text and
// compares findAll, alone and with the automaton's literals, with regexp's
// FindAllStringIndex.
func TestBacktrackerAgreesWithRegexp(t *testing.T) {
	patterns := []string{
		`a`, `(?i)k`, `(?i)straße`, `[a-c]+`, `[^a-c]+`, `.`, `(?s).`, `.*`, `a*`, `a*?`, `(a|ab)(c|bcd)(d*)`,
		`(|a)*`, `(|a)+`, `(a*)*`, `(a*)+b`, `(?:a?){3}a{3}`, `x*y?`, `\b`, `\B`, `^`, `$`, `(?m)^`, `(?m)$`,
		`(?m)^a|b$`, `\bfoo\b`, `(?i)\bf+u+c+k\w*|\bsh[i1]t(?:ty)?\b`, `[\p{Han}]+`, `[^\p{Han}]`, `\pL+`,
		`[0-9一二三四五六七八九十两]+\s*个?\s*(工作日|小时|天)\s*(之内|以内|内)`,
		`[A-Za-z]{2,3}[0-9]{9,15}|[0-9]{12,15}`, `\b1[3-9][0-9]{9}\b`, `(?s)^.`, `[？?吗呢]|[0-9]{4,}`,
		`\x{FFFD}`, `[\x{FFFD}a]+`, `(?i)ǅ`, `[^\n]+$`, `a{2,}?b`, `(?U)a+`, `\A\z`, `(?:^|[^0-9])1`,
		// Leading runs skipped after a failed start (see leadRuns).
		`a+b|b+c`, `[0-9]{2,}元|[a-z]+\b`, `a*b`, `aa+a?c`, `中+([a中]|[ab]+)?\B|[ab]+`, `(a+)c|a`,
	}
	texts := []string{
		"", "a", "aab abc abcd", "foo food xfoo foo_bar foo.", "Kk\u212a straSSE STRASSE ß", "a\nb\nab\n",
		"我们24小时之内回复，3个工作日内，一天内到", "单号SF1402387765120，ＳＦ123456789，999999999999",
		"call 13812345678 or x13812345678", "\xff\xfea\xe4\xb8\xad\xe4b", "ǄǅǆDž", "bbb aaab aab", "请问在哪？好吗",
		"shit SH1T fuuuck fuckers", "\u00a0 \t中文", "aaa", "aaabbbc aac aaaac 12元3元", "\xffb\xff\n中\xff中b",
	}
	var bt backtracker
	for _, expr := range patterns {
		re := regexp.MustCompile(expr)
		r := newRegex(re)
		if r.prog == nil {
			t.Errorf("%q: no program", expr)
			continue
		}
		for _, text := range texts {
			var want [][2]int
			for _, loc := range re.FindAllStringIndex(text, -1) {
				want = append(want, [2]int{loc[0], loc[1]})
			}
			if got := r.findAll(&bt, text, nil, nil); !slices.Equal(got, want) {
				t.Errorf("%q in %q: got %v, want %v", expr, text, got, want)
			}
			if got := findViaAutomaton(t, newRegex(re), text); !slices.Equal(got, want) {
				t.Errorf("via the automaton, %q in %q: got %v, want %v", expr, text, got, want)
			}
		}
	}
}

// TestBacktrackerAgreesOnRandomRegexps compares findAll with regexp on
// random expressions over a small alphabet, where alternations, repeats,
// empty matches and assertions meet often.
func TestBacktrackerAgreesOnRandomRegexps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	atoms := []string{`a`, `b`, `中`, `.`, `[ab]`, `[^a]`, `[a中]`, `\b`, `\B`, `^`, `$`, `(?i:A)`, `\s`, `()`, `x?`}
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 || rng.IntN(3) == 0 {
			return atoms[rng.IntN(len(atoms))]
		}
		a, b := gen(depth-1), gen(depth-1)
		switch rng.IntN(8) {
		case 0:
			return a + "|" + b
		case 1:
			return "(" + a + ")*"
		case 2:
			return "(?:" + a + ")+"
		case 3:
			return "(" + a + "|" + b + ")?"
		case 4:
			return "(?:" + a + "){1,3}"
		case 5:
			return "(?:" + a + ")*?" + b
		}
		return a + b
	}
	alphabet := []string{"a", "b", "中", " ", "\n", "A", "\xff", "x"}
	var bt backtracker
	for range 4000 {
		expr := gen(4)
		re, err := regexp.Compile(expr)
		if err != nil {
			continue
		}
		var text string
		for range rng.IntN(12) {
			text += alphabet[rng.IntN(len(alphabet))]
		}
		var want [][2]int
		for _, loc := range re.FindAllStringIndex(text, -1) {
			want = append(want, [2]int{loc[0], loc[1]})
		}
		if got := newRegex(re).findAll(&bt, text, nil, nil); !slices.Equal(got, want) {
			t.Fatalf("%q in %q: got %v, want %v", expr, text, got, want)
		}
		if got := findViaAutomaton(t, newRegex(re), text); !slices.Equal(got, want) {
			t.Fatalf("via the automaton, %q in %q: got %v, want %v", expr, text, got, want)
		}
	}
}

// TestEmptyContext compares emptyContext with syntax.EmptyOpContext at
// every position of texts with newlines, words and invalid UTF-8.
func TestEmptyContext(t *testing.T) {
	for _, s := range []string{"", "a", "\n", "a_b c\n中x\xff\n\n9", "é.\u00a0Ω\xe4\xb8"} {
		for pos := 0; pos <= len(s); pos++ {
			r1, r2 := rune(-1), rune(-1)
			if pos > 0 {
				r1, _ = utf8.DecodeLastRuneInString(s[:pos])
			}
			if pos < len(s) {
				r2, _ = utf8.DecodeRuneInString(s[pos:])
			}
			if got, want := emptyContext(s, pos), syntax.EmptyOpContext(r1, r2); got != want {
				t.Errorf("%q at %d: %v, want %v", s, pos, got, want)
			}
		}
	}
}
