package rules

import (
	"github.com/zhijian-qa/zhijian/rules/match"
	"regexp"
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
		{`(?i)calm down`, nil},
		{`x*y?`, nil},
		{`(^|[^0-9])1[3-9][0-9]{9}`, []string{"13", "14", "15", "16", "17", "18", "19"}},
	} {
		var got []string
		if f := newRegex(regexp.MustCompile(tc.re)).factors; f != nil {
			got = slices.Clone(f.list)
		}
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("factors(%s) = %q, want %q", tc.re, got, tc.want)
		}
	}
}

// FuzzPrefilterNeverHidesAMatch: whenever the regex matches, the
// prefilter must let the text through.
func FuzzPrefilterNeverHidesAMatch(f *testing.F) {
	f.Add(`(地址|收件人)(是|为).{2}`, "您的地址是武汉市")
	f.Add(`1[3-9][0-9]{9}`, "电话13812345678")
	f.Add(`a+(b|c)d`, "xxaaacd")
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
		if got := r.findAll(text, nil, nil); !slices.Equal(got, want) {
			t.Fatalf("%q in %q: got %v, want %v (starts %v)", expr, text, got, want, r.starts != nil)
		}
		// The same through the automaton, as Evaluate runs it.
		var lits []string
		r.attach(func(l string) int32 { lits = append(lits, l); return int32(len(lits) - 1) })
		if r.startIDs == nil || r.anchored == nil {
			return
		}
		m, err := match.Compile(lits, 0)
		if err != nil {
			t.Fatal(err)
		}
		var tx match.Text
		match.Normalize(&tx, text)
		cands := []int32{}
		for _, x := range m.Find(tx.Norm, nil) {
			if slices.Contains(r.startIDs, x.Phrase) {
				cands = append(cands, tx.Orig[x.Start])
			}
		}
		slices.Sort(cands)
		var got [][2]int
		if len(cands) > 0 {
			got = r.findAll(text, cands, nil)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("via the automaton, %q in %q: got %v, want %v", expr, text, got, want)
		}
	})
}
