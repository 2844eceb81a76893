package console

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/schemas"
)

var funcs = template.FuncMap{
	"pct":       func(v float64) string { return fmt.Sprintf("%.1f%%", v) },
	"num":       func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"date":      func(t time.Time) string { return t.Format(time.DateOnly) },
	"other":     other,
	"share":     func(n, of int64) string { return fmt.Sprintf("%.1f%%", percent(n, of)) },
	"add":       func(a, b int64) int64 { return a + b },
	"add64":     func(a, b int) int64 { return int64(a + b) },
	"since":     since,
	"can":       can,
	"list":      func(s ...string) []string { return s },
	"join":      func(s []string) string { return strings.Join(s, ", ") },
	"ms":        clock,
	"nextPage":  nextPage,
	"timeline":  timeline,
	"mul100":    func(v *float64) float64 { return 100 * *v },
	"deref":     func(v *float64) float64 { return *v },
	"kappaBand": kappaBand,
}

// kappaBand names the strength of agreement a kappa shows, after Landis and
// Koch (1977): a message key.
func kappaBand(k *float64) string {
	switch v := *k; {
	case v < 0.2:
		return "kappa_slight"
	case v < 0.4:
		return "kappa_fair"
	case v < 0.6:
		return "kappa_moderate"
	case v < 0.8:
		return "kappa_substantial"
	}
	return "kappa_almost_perfect"
}

// can reports, in templates, whether the caller may take an action.
func can(p *auth.Principal, action string) bool { return p != nil && p.Can(auth.Action(action)) }

// clock formats an offset in milliseconds as m:ss.
func clock(ms int64) string { return fmt.Sprintf("%d:%02d", ms/60000, ms/1000%60) }

// nextPage is the link to the next page of a list.
func nextPage(q url.Values, offset int64) template.URL {
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Set("offset", strconv.FormatInt(offset, 10))
	return template.URL("?" + next.Encode()) //nolint:gosec // an encoded query
}

// timeline draws a call's talk (from turns with an end), silences, holds
// and overtalk over its length, as SVG with a title for screen readers.
func timeline(m *schemas.Metrics, turns []schemas.Turn) template.HTML {
	const w, h = 720, 62
	if m == nil || m.DurationMS <= 0 {
		return ""
	}
	x := func(ms int64) float64 {
		return float64(w) * float64(min(max(ms, 0), m.DurationMS)) / float64(m.DurationMS)
	}
	var b strings.Builder
	label := fmt.Sprintf("Timeline of %s: talk by speaker, %d silences, %d overtalks, %d holds", clock(m.DurationMS), len(m.Silences), len(m.Overtalks), len(m.Holds))
	fmt.Fprintf(&b, `<svg class="timeline" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, w, h, label, label)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="40" fill="#eef1f4"></rect>`, w)
	span := func(class string, s schemas.Segment, y int, what string) {
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%d" width="%.1f" height="8"><title>%s %s–%s</title></rect>`,
			class, x(s.StartMS), y, max(x(s.EndMS)-x(s.StartMS), 1), template.HTMLEscapeString(what), clock(s.StartMS), clock(s.EndMS))
	}
	rows := map[schemas.Speaker]int{schemas.Agent: 0, schemas.Customer: 8}
	for _, t := range turns {
		if y, ok := rows[t.Speaker]; ok && t.EndMS > t.StartMS {
			span(string(t.Speaker), schemas.Segment{StartMS: t.StartMS, EndMS: t.EndMS}, y, string(t.Speaker)+" talks")
		}
	}
	for _, s := range m.Silences {
		span("silence", s, 16, "silence")
	}
	for _, s := range m.Holds {
		span("hold", s, 24, "hold")
	}
	for _, o := range m.Overtalks {
		span("overtalk", o.Segment, 32, "overtalk by "+string(o.By))
	}
	fmt.Fprintf(&b, `<text x="0" y="56">0:00</text><text x="%d" y="56" text-anchor="end">%s</text></svg>`, w, clock(m.DurationMS))
	return template.HTML(b.String()) //nolint:gosec // numbers and escaped words
}

// bars is one series of a bar chart: a value per day.
type bars struct {
	name, class string
	values      []float64
}

// barChart draws series of bars per day as SVG, each series over the one
// before and narrower, scaled to top (to the largest value when top is
// 0); format prints a value. label names the chart (aria-label and
// title) and desc says where its numbers are as text.
func barChart(label, desc string, days []time.Time, top float64, format string, series ...bars) template.HTML {
	const w, h, pad = 720, 200, 24
	if top <= 0 {
		top = 1
		for _, s := range series {
			for _, v := range s.values {
				top = max(top, v)
			}
		}
	}
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title><desc>%s</desc>`,
		w, h+pad, esc(label), esc(label), esc(desc))
	if len(days) > 0 {
		bw := float64(w-2*pad) / float64(len(days))
		for i, day := range days {
			x := float64(pad) + float64(i)*bw
			for j, s := range series {
				v := s.values[i]
				bh := float64(h-pad) * min(max(v, 0), top) / top
				fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s: `+format+`</title></rect>`,
					s.class, x+0.2*float64(j)*bw, float64(h)-bh, (0.8-0.2*float64(j))*bw, bh, day.Format(time.DateOnly), esc(s.name), v)
			}
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d">`+format+`</text>`, pad, pad-8, top)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text><text x="%d" y="%d" text-anchor="end">%s</text>`,
			pad, h+pad-6, days[0].Format(time.DateOnly), w-pad, h+pad-6, days[len(days)-1].Format(time.DateOnly))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built here from numbers and escaped text
}
