package console

import (
	"strings"
	"testing"

	"github.com/zhijian-qa/zhijian/schemas"
)

func TestTranscriptHighlightsEvidence(t *testing.T) {
	turns := []schemas.Turn{
		{Speaker: schemas.Agent, Text: "您好，请问有什么可以帮您？"},
		{Speaker: schemas.Customer, Text: "电话[PHONE]，<b>包裹</b>丢了", StartMS: 3000},
		{Speaker: schemas.Agent, Text: "非常抱歉"},
	}
	ev := func(turn, start, end int, quote string) schemas.Evidence {
		return schemas.Evidence{Turn: turn, Start: start, End: end, Quote: quote}
	}
	res := func(tenant string, fs ...schemas.Finding) *schemas.Result {
		return &schemas.Result{Tenant: tenant, Findings: fs}
	}
	fnd := func(item string, v schemas.Verdict, es ...schemas.Evidence) schemas.Finding {
		return schemas.Finding{Item: item, Verdict: v, Evidence: es}
	}
	tr := newTranscript("acme", turns, []*schemas.Result{
		res("acme",
			fnd("greeting", schemas.Pass, ev(0, 0, 2, "您好")),
			fnd("offer_help", schemas.Fail, ev(0, 1, 4, "好，请")),             // overlaps greeting: one mark
			fnd("lost_parcel", schemas.Fail, ev(1, 2, 4, "包裹")),             // the span moved (redaction): found by quote
			fnd("apology", schemas.NA, ev(2, 0, 4, "非常抱歉")),                 // na shows no evidence
			fnd("ghost", schemas.Fail, ev(7, 0, 1, "x"), ev(2, 0, 2, "不在")), // no such turn, no such quote
		),
		res("shopfast", fnd("other", schemas.Fail, ev(2, 0, 2, "非常"))), // another tenant's result
	})
	want := []string{
		`<mark title="greeting offer_help" data-items="greeting offer_help">您好，请</mark>问有什么可以帮您？`,
		`电话[PHONE]，&lt;b&gt;<mark title="lost_parcel" data-items="lost_parcel">包裹</mark>&lt;/b&gt;丢了`,
		`非常抱歉`,
	}
	for i, l := range tr.Lines {
		if string(l.Text) != want[i] {
			t.Errorf("turn %d:\n got %s\nwant %s", i, l.Text, want[i])
		}
	}
	if got := strings.Join(tr.Lines[0].Items, " "); got != "greeting offer_help" {
		t.Errorf("turn 0 items %q", got)
	}
	if len(tr.Lines[2].Items) != 0 || tr.Lines[1].StartMS != 3000 || tr.Lines[1].Index != 1 {
		t.Errorf("lines: %+v", tr.Lines)
	}
}

func TestHighlightAtTheEndsAndAdjacent(t *testing.T) {
	for _, c := range []struct {
		text string
		ms   []mark
		want string
	}{
		{"abc", []mark{{0, 3, []string{"x"}}}, `<mark title="x" data-items="x">abc</mark>`},
		{"abcd", []mark{{0, 2, []string{"x"}}, {2, 4, []string{"y"}}},
			`<mark title="x" data-items="x">ab</mark><mark title="y" data-items="y">cd</mark>`},
		{"包裹丢了", []mark{{2, 4, []string{"a&b"}}}, `包裹<mark title="a&amp;b" data-items="a&amp;b">丢了</mark>`},
		{"", nil, ""},
	} {
		if got := string(highlight(c.text, merge(c.ms))); got != c.want {
			t.Errorf("highlight(%q, %v)\n got %s\nwant %s", c.text, c.ms, got, c.want)
		}
	}
}
