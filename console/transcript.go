package console

import (
	"html/template"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/schemas"
)

// transcript is the turns kept with one tenant's interaction, as the API
// gives them and as the page shows them: each turn with the evidence of
// that tenant's findings highlighted.
type transcript struct {
	Tenant string         `json:"tenant"`
	Turns  []schemas.Turn `json:"turns"`
	Lines  []line         `json:"-"`
}

// line is one turn on the page.
type line struct {
	Index   int
	Speaker schemas.Speaker
	StartMS int64
	Text    template.HTML // the text, evidence in <mark>
	Items   []string      // the items with evidence in this turn
}

// mark is a highlighted run of a turn: runes [start, end) and the items
// whose evidence covers it.
type mark struct {
	start, end int
	items      []string
}

// newTranscript lays out turns with the evidence of results' findings
// (those of the same tenant); findings whose verdict is na show none.
func newTranscript(tenant string, turns []schemas.Turn, results []*schemas.Result) transcript {
	marks := make([][]mark, len(turns))
	for _, r := range results {
		if r.Tenant != tenant {
			continue
		}
		for _, f := range r.Findings {
			if f.Verdict == schemas.NA {
				continue
			}
			for _, e := range f.Evidence {
				if e.Turn < 0 || e.Turn >= len(turns) || e.Quote == "" {
					continue
				}
				if start, end, ok := locate(turns[e.Turn].Text, e); ok {
					marks[e.Turn] = append(marks[e.Turn], mark{start, end, []string{f.Item}})
				}
			}
		}
	}
	t := transcript{Tenant: tenant, Turns: turns, Lines: make([]line, len(turns))}
	for i, turn := range turns {
		ms := merge(marks[i])
		var items []string
		for _, m := range ms {
			items = append(items, m.items...)
		}
		slices.Sort(items)
		t.Lines[i] = line{Index: i, Speaker: turn.Speaker, StartMS: turn.StartMS,
			Text: highlight(turn.Text, ms), Items: slices.Compact(items)}
	}
	return t
}

// locate finds evidence in text, in runes: at its span when the span holds
// its quote, else at the quote's first occurrence (redaction can move
// text). ok is false when the text does not hold the quote.
func locate(text string, e schemas.Evidence) (start, end int, ok bool) {
	n := utf8.RuneCountInString(text)
	if e.Start >= 0 && e.Start < e.End && e.End <= n && runes(text, e.Start, e.End) == e.Quote {
		return e.Start, e.End, true
	}
	i := strings.Index(text, e.Quote)
	if i < 0 {
		return 0, 0, false
	}
	start = utf8.RuneCountInString(text[:i])
	return start, start + utf8.RuneCountInString(e.Quote), true
}

// runes returns text's runes [start, end).
func runes(text string, start, end int) string {
	i, from, to := 0, len(text), len(text)
	for b := range text {
		if i == start {
			from = b
		}
		if i == end {
			to = b
			break
		}
		i++
	}
	return text[from:to]
}

// merge joins overlapping marks, keeping every item that covers a run.
func merge(ms []mark) []mark {
	sort.Slice(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
	var out []mark
	for _, m := range ms {
		if k := len(out) - 1; k >= 0 && m.start < out[k].end {
			out[k].end = max(out[k].end, m.end)
			out[k].items = append(out[k].items, m.items...)
			continue
		}
		out = append(out, mark{m.start, m.end, slices.Clone(m.items)})
	}
	for i := range out {
		slices.Sort(out[i].items)
		out[i].items = slices.Compact(out[i].items)
	}
	return out
}

// highlight escapes text and wraps each mark's runes in <mark>, titled
// with its items.
func highlight(text string, ms []mark) template.HTML {
	esc := template.HTMLEscapeString
	var b strings.Builder
	i, last, k := 0, 0, 0
	flush := func(to int) {
		b.WriteString(esc(text[last:to]))
		last = to
	}
	for at := range text {
		for k < len(ms) && i == ms[k].end {
			flush(at)
			b.WriteString("</mark>")
			k++
		}
		if k < len(ms) && i == ms[k].start {
			flush(at)
			items := strings.Join(ms[k].items, " ")
			b.WriteString(`<mark title="` + esc(items) + `" data-items="` + esc(items) + `">`)
		}
		i++
	}
	flush(len(text))
	if k < len(ms) && ms[k].start < i {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String()) //nolint:gosec // escaped text and fixed tags
}
