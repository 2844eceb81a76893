package rules

import (
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
			if r.startIDs.has(x.Phrase) {
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
