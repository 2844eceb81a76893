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
	"pct":      func(v float64) string { return fmt.Sprintf("%.1f%%", v) },
	"num":      func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"date":     func(t time.Time) string { return t.Format(time.DateOnly) },
	"other":    other,
	"share":    func(n, of int64) string { return fmt.Sprintf("%.1f%%", percent(n, of)) },
	"add":      func(a, b int64) int64 { return a + b },
	"add64":    func(a, b int) int64 { return int64(a + b) },
	"since":    since,
	"can":      can,
	"list":     func(s ...string) []string { return s },
	"join":     func(s []string) string { return strings.Join(s, ", ") },
	"ms":       clock,
	"nextPage": nextPage,
	"timeline": timeline,
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

// timeline draws a call's silences, holds and overtalk over its length,
// as SVG with a title for screen readers.
func timeline(m *schemas.Metrics) template.HTML {
	const w, h = 720, 46
	if m == nil || m.DurationMS <= 0 {
		return ""
	}
	x := func(ms int64) float64 {
		return float64(w) * float64(min(max(ms, 0), m.DurationMS)) / float64(m.DurationMS)
	}
	var b strings.Builder
	label := fmt.Sprintf("Timeline of %s: %d silences, %d overtalks, %d holds", clock(m.DurationMS), len(m.Silences), len(m.Overtalks), len(m.Holds))
	fmt.Fprintf(&b, `<svg class="timeline" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, w, h, label, label)
	fmt.Fprintf(&b, `<rect x="0" y="8" width="%d" height="16" fill="#eef1f4"></rect>`, w)
	span := func(class string, s schemas.Segment, y int, what string) {
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%d" width="%.1f" height="8"><title>%s %s–%s</title></rect>`,
			class, x(s.StartMS), y, max(x(s.EndMS)-x(s.StartMS), 1), what, clock(s.StartMS), clock(s.EndMS))
	}
	for _, s := range m.Silences {
		span("silence", s, 8, "silence")
	}
	for _, s := range m.Holds {
		span("hold", s, 16, "hold")
	}
	for _, o := range m.Overtalks {
		span("overtalk", o.Segment, 16, "overtalk by "+string(o.By))
	}
	fmt.Fprintf(&b, `<text x="0" y="40">0:00</text><text x="%d" y="40" text-anchor="end">%s</text></svg>`, w, clock(m.DurationMS))
	return template.HTML(b.String()) //nolint:gosec // numbers and fixed words
}
