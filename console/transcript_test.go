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

func TestTimelineDrawsTalkBySpeaker(t *testing.T) {
	m := &schemas.Metrics{DurationMS: 10_000, Silences: []schemas.Segment{{StartMS: 4000, EndMS: 6000}}}
	svg := string(timeline(m, []schemas.Turn{
		{Speaker: schemas.Agent, Text: "a", StartMS: 0, EndMS: 2000},
		{Speaker: schemas.Customer, Text: "b", StartMS: 2500, EndMS: 4000},
		{Speaker: schemas.Agent, Text: "c", StartMS: 7000}, // no end: not drawn
		{Speaker: schemas.System, Text: "d", StartMS: 8000, EndMS: 9000},
	}))
	for _, want := range []string{
		`<rect class="agent" x="0.0" y="0" width="144.0" height="8"><title>agent talks 0:00–0:02</title>`,
		`<rect class="customer" x="180.0" y="8" width="108.0" height="8">`,
		`<rect class="silence" x="288.0" y="16" width="144.0" height="8">`,
		`role="img"`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %s in\n%s", want, svg)
		}
	}
	if strings.Count(svg, `class="agent"`) != 1 || strings.Contains(svg, `class="system"`) {
		t.Errorf("turns without an end or of other speakers drawn:\n%s", svg)
	}
	if timeline(&schemas.Metrics{}, nil) != "" {
		t.Error("a timeline without a duration")
	}
}
