package rules

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/rules/match"
	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
	"regexp"
	"regexp/syntax"
	"slices"
	"testing"
)

func TestPrefilterFactors(t *testing.T) {
	for _, tc := range []struct {
		re   string
		want []string // nil: no prefilter
	}{
		{`(地址|收件人)(是|为)[^？]{4}`, []string{"地址为", "地址是", "收件人为", "收件人是"}},
		{`[？?吗]|[0-9]{4,}`, []string{"?", "吗", "？", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}},
		{`(?s)^.`, nil},
		{`(?i)calm down`, []string{"C", "c"}},
		{`x*y?`, nil},
		{`(^|[^0-9])1[3-9][0-9]{9}`, []string{"13", "14", "15", "16", "17", "18", "19"}},
	} {
		var got []string
		if f, ok := factors(mustParse(t, tc.re)); ok {
			got = f
		}
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("factors(%s) = %q, want %q", tc.re, got, tc.want)
		}
	}
}

func mustParse(t *testing.T, expr string) *syntax.Regexp {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	return re.Simplify()
}

func TestPrefilterNeedsEveryPart(t *testing.T) {
	r := newRegex(regexp.MustCompile(`[0-9一二]+\s*个?\s*(工作日|小时|天)\s*(之内|以内|内)`))
	for text, may := range map[string]bool{"24小时之内": true, "一下": false, "3天": false, "一天内": true} {
		if got := r.mayMatch(text); got != may {
			t.Errorf("mayMatch(%q) = %v, want %v", text, got, may)
		}
	}
}

// FuzzPrefilterNeverHidesAMatch: whenever the regex matches, the
// prefilter must let the text through.
func FuzzPrefilterNeverHidesAMatch(f *testing.F) {
	f.Add(`(地址|收件人)(是|为).{2}`, "您的地址是武汉市")
	f.Add(`1[3-9][0-9]{9}`, "电话13812345678")
	f.Add(`a+(b|c)d`, "xxaaacd")
	f.Add(`\x{FFFD}`, "\xff")
	f.Add(`[A-Za-z]{2,3}[0-9]{9,15}|[0-9]{12,15}`, "SF123456789")
	f.Add(`(?i)ab{3}|[cd]+e`, "aBBb")
	f.Fuzz(func(t *testing.T, expr, text string) {
		re, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		if re.MatchString(text) && !newRegex(re).mayMatch(text) {
			t.Fatalf("prefilter hides the match of %q in %q", expr, text)
		}
	})
}

// FuzzFindAllMatchesTheEngine: the anchored search at start literals finds
// exactly what FindAllStringIndex finds.
func FuzzFindAllMatchesTheEngine(f *testing.F) {
	f.Add(`[？?吗呢]|[0-9]{4,}`, "请问1234567在哪？好吗")
	f.Add(`(地址|收件人)(是|为).{2}`, "您的地址是武汉市，收件人为张三")
	f.Add(`a+(b|c)d`, "xxaaacdaad abd")
	f.Add(`ab|a`, "aab")
	f.Add(`(?s)^.`, "中文")
	f.Add(`[^x]{0,3}y`, "a中中中y")
	f.Add(`[0-9]+元`, "12 345元 6789")
	f.Add(`(ab|cd)(e|f)g`, "abfg cdeg abg")
	f.Add(`(?i)\bsh[i1]t\b|\bass(?:hole)?\b`, "class ass, ſhit SHIT sh1tty x_ass")
	f.Add(`(?i)\b(?:\d{1,2}|one|six)\s+days\b`, "in 3 days, six days, 12 dayss, ſix days")
	f.Add(`\b1[3-9][0-9]{9}\b`, "call 13812345678 or x13812345678")
	f.Add(`\x{FFFD}b|c`, "a\xffb c")
	f.Add(`(?m)^ab|b$`, "ab\nab xab\nb")
	f.Add(`(|a)*`, "aab")
	f.Add(`a*?b?`, "baaab")
	f.Add(`[A-Za-z]{2,3}[0-9]{9,15}|[0-9]{12,15}`, "单号SF1402387765120，ＳＦ123456789")
	f.Fuzz(func(t *testing.T, expr, text string) {
		re, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		r := newRegex(re)
		var want [][2]int
		for _, loc := range re.FindAllStringIndex(text, -1) {
			want = append(want, [2]int{loc[0], loc[1]})
		}
		if got := r.findAll(&backtracker{}, text, nil, nil); !slices.Equal(got, want) {
			t.Fatalf("%q in %q: got %v, want %v (starts %v)", expr, text, got, want, r.starts != nil)
		}
		// The same through the automaton, as Evaluate runs it.
		if got := findViaAutomaton(t, r, text); !slices.Equal(got, want) {
			t.Fatalf("via the automaton, %q in %q: got %v, want %v", expr, text, got, want)
		}
	})
}

// findViaAutomaton attaches r's literals to an automaton of their own and
// runs r as Evaluate does, with the scanner's matches in text.
func findViaAutomaton(t *testing.T, r *regex, text string) [][2]int {
	var lits, originals []string
	r.attach(nil, func(lit string, original bool) {
		switch {
		case original && !slices.Contains(originals, lit):
			originals = append(originals, lit)
		case !original && !slices.Contains(lits, lit):
			lits = append(lits, lit)
		}
	})
	number := func(lit string, original bool) int32 {
		if original {
			return int32(len(lits) + slices.Index(originals, lit))
		}
		return int32(slices.Index(lits, lit))
	}
	r.attach(number, nil)
	var tl turnLits
	if len(lits)+len(originals) > 0 {
		m, err := match.CompileWith(append(lits, originals...), match.Options{Original: len(lits)})
		if err != nil {
			t.Fatal(err)
		}
		var sc match.Scanner
		hits, _ := sc.Scan(m, text, nil)
		tl.last = make([]int32, len(lits)+len(originals))
		for _, h := range hits {
			tl.lits = append(tl.lits, litMatch{n: h.Phrase, ostart: h.Start})
			if !tl.present.has(h.Phrase) {
				tl.last[h.Phrase] = -1
			}
			tl.present.add(h.Phrase)
			tl.last[h.Phrase] = max(tl.last[h.Phrase], h.Start)
		}
	}
	got, _ := r.find(&backtracker{}, text, &tl, nil, nil)
	return got
}

// FuzzRegexConditionMatchesEngine runs a regex text condition through the
// whole engine (automaton literals, prefilter, anchored runs) and compares
// its evidence with what the regexp package finds.
func FuzzRegexConditionMatchesEngine(f *testing.F) {
	f.Add(`[0-9一二]+\s*个?\s*(工作日|小时|天)\s*(之内|以内|内)`, "我们24小时之内给您回复，3天内到")
	f.Add(`(地址|收件人)(是|为).{2}`, "您的地址是武汉市，收件人为张三")
	f.Add(`[？?吗呢]|[0-9]{4,}`, "单号SF1234567890对吗？")
	f.Add(`(?s)^.`, "中文")
	f.Fuzz(func(t *testing.T, expr, text string) {
		re, err := regexp.Compile(expr)
		if err != nil || !utf8.ValidString(text) || strings.TrimSpace(text) == "" || len(text) > 1000 {
			return
		}
		var want []string
		for _, loc := range re.FindAllStringIndex(text, -1) {
			if loc[1] > loc[0] {
				want = append(want, text[loc[0]:loc[1]])
			}
		}
		pack := &rulefmt.Pack{File: "fuzz", Meta: rulefmt.Meta{ID: "f", Version: "1", Language: "zh-CN"},
			Scorecard: rulefmt.Scorecard{PassMark: 80, Sections: []rulefmt.Section{{ID: "s", Weight: 1, Items: []rulefmt.Item{{
				ID: "i", Points: 1, Severity: "minor",
				Require: &rulefmt.Condition{Kind: "text", Text: &rulefmt.Text{Regex: expr, MinHits: 1}},
			}}}}}}
		prog, err := Compile(pack)
		if err != nil {
			t.Fatal(err)
		}
		in := &schemas.Interaction{ID: "x", Tenant: "t", Channel: schemas.Chat, Turns: []schemas.Turn{{Speaker: schemas.Agent, Text: text}}}
		fd := prog.Evaluate(in, TurnMetrics(in)).Findings[0]
		if (fd.Verdict == schemas.Pass) != (len(want) > 0) {
			t.Fatalf("%q in %q: verdict %s, engine finds %q", expr, text, fd.Verdict, want)
		}
		for i, e := range fd.Evidence {
			if e.Quote != want[i] {
				t.Fatalf("%q in %q: evidence %d is %q, engine finds %q", expr, text, i, e.Quote, want)
			}
		}
	})
}

// TestLiteralsIndex compares literals' searches, one by one or by first
// byte, with a naive search.
func TestLiteralsIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "b", "ab", "？", "?", "吗", "中", "ba"}
	for range 2000 {
		var list []string
		for range 1 + rng.IntN(7) {
			list = append(list, pieces[rng.IntN(len(pieces))])
		}
		var text string
		for range rng.IntN(10) {
			text += pieces[rng.IntN(len(pieces))]
		}
		l := newLiterals(list)
		first, last := -1, -1
		for i := range len(text) {
			for _, lit := range list {
				if strings.HasPrefix(text[i:], lit) {
					if first < 0 {
						first = i
					}
					last = i
				}
			}
		}
		if got := l.index(text, 0); got != first {
			t.Fatalf("%q in %q: index %d, want %d", list, text, got, first)
		}
		from := rng.IntN(len(text) + 1)
		want := -1
		for i := from; i < len(text) && want < 0; i++ {
			for _, lit := range list {
				if strings.HasPrefix(text[i:], lit) {
					want = i
				}
			}
		}
		if got := l.index(text, from); got != want {
			t.Fatalf("%q in %q from %d: index %d, want %d", list, text, from, got, want)
		}
		if got := l.lastIndex(text); got != last {
			t.Fatalf("%q in %q: lastIndex %d, want %d", list, text, got, last)
		}
	}
}

func TestPrefilterRun(t *testing.T) {
	for _, tc := range []struct {
		re string
		n  int // 0: none
	}{
		{`[A-Za-z]{2,3}[0-9]{9,15}|[0-9]{12,15}`, 11}, // letters and digits
		{`\b1[3-9][0-9]{9}\b`, 11},
		{`abc|de`, 2},
		{`(?i)kkk`, 0}, // K folds to the Kelvin sign
		{`[0-9一]{4}`, 0},
		{`x*[ab]{3}`, 3},
	} {
		a, ok := run(mustParse(t, tc.re))
		if n := map[bool]int{true: a.n}[ok]; n != tc.n {
			t.Errorf("run(%s) = %d, want %d", tc.re, n, tc.n)
		}
	}
	r := newRegex(regexp.MustCompile(`[A-Za-z]{2,3}[0-9]{9,15}|[0-9]{12,15}`))
	for text, may := range map[string]bool{"单号SF1402387765120": true, "工号1024，10月27日": false, "SF123456789": true, "123456789012": true, "1234567890 9": false} {
		if got := r.mayMatch(text); got != may {
			t.Errorf("mayMatch(%q) = %v, want %v", text, got, may)
		}
	}
}

// TestASCIIRun compares asciiRun.in with a naive count on texts mixing
// Chinese and digits.
func TestASCIIRun(t *testing.T) {
	var a asciiRun
	for c := '0'; c <= '9'; c++ {
		addASCII(&a.class, string(c))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"1", "23", "中文字", "x", "4567", "é", "\xff"}
	for range 3000 {
		var text string
		for range rng.IntN(16) {
			text += pieces[rng.IntN(len(pieces))]
		}
		a.n = 1 + rng.IntN(6)
		longest, run := 0, 0
		for i := 0; i < len(text); i++ {
			if '0' <= text[i] && text[i] <= '9' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
		if got := a.in(text); got != (longest >= a.n) {
			t.Fatalf("run of %d in %q: %v", a.n, text, got)
		}
	}
}

// TestPrefilterBranches: an alternation whose branches all have needs
// needs those of one branch, not just a literal of any.
func TestPrefilterBranches(t *testing.T) {
	r := newRegex(regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}|(?i:\b\d{1,5}\s+(?:[A-Za-z]+\s+){1,3}(?:street|road)\b)`))
	for text, may := range map[string]bool{
		"please call me tomorrow": false, // spaces, but no "@" and no digit
		"mail jo@example.com":     true,
		"12 Main Street":          true,
		"call 911 first":          true, // let through, though it does not match
	} {
		if got := r.mayMatch(text); got != may {
			t.Errorf("mayMatch(%q) = %v, want %v", text, got, may)
		}
	}
}
