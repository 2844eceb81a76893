package redact

import (
	"slices"
	"strings"
)

// Kind of personal data.
type Kind string

// The kinds of personal data Find reports.
const (
	Phone    Kind = "phone"
	IDCard   Kind = "id_card"
	BankCard Kind = "bank_card"
	Email    Kind = "email"
	Address  Kind = "address"
)

// Kinds lists every Kind in a fixed order (for metrics and reports).
func Kinds() []Kind { return []Kind{Phone, IDCard, BankCard, Email, Address} }

// Placeholder is the text String puts in place of an item of kind k. It is
// the same in Chinese and English text, so a model and a reviewer read
// "[PHONE]" wherever a number was.
func (k Kind) Placeholder() string {
	switch k {
	case Phone:
		return "[PHONE]"
	case IDCard:
		return "[ID]"
	case BankCard:
		return "[CARD]"
	case Email:
		return "[EMAIL]"
	case Address:
		return "[ADDRESS]"
	}
	return "[REDACTED]"
}

// Span is one detected item: byte offsets into the input.
type Span struct {
	Start, End int
	Kind       Kind
}

// Stats counts redactions by kind (for metrics). A nil Stats counts nothing.
type Stats map[Kind]int

// Add adds the counts of o to st, which must not be nil when o has counts.
func (st Stats) Add(o Stats) {
	for k, n := range o {
		st[k] += n
	}
}

// Total is the number of redactions of every kind.
func (st Stats) Total() int {
	n := 0
	for _, c := range st {
		n += c
	}
	return n
}

// Count tallies spans by kind; it returns nil for no spans.
func Count(spans []Span) Stats {
	if len(spans) == 0 {
		return nil
	}
	st := make(Stats, 2)
	for _, sp := range spans {
		st[sp.Kind]++
	}
	return st
}

// Find returns the PII spans of s, sorted, non-overlapping, each starting
// and ending on a rune boundary of s (for invalid UTF-8: on a position that
// decoding s from its start reaches).
func Find(s string) []Span {
	n, folded := normalize(s)
	spans := find(n)
	if folded && len(spans) > 0 {
		mapBack(s, spans)
	}
	return spans
}

// String replaces each span of s with its kind's placeholder: "[PHONE]",
// "[ID]", "[CARD]", "[EMAIL]" or "[ADDRESS]". Text without personal data is
// returned as is, without copying. String(String(s)) == String(s).
func String(s string) string {
	spans := Find(s)
	if len(spans) == 0 {
		return s
	}
	return replace(s, spans)
}

// Redact is String that also counts what it replaced.
func Redact(s string) (string, Stats) {
	spans := Find(s)
	if len(spans) == 0 {
		return s, nil
	}
	return replace(s, spans), Count(spans)
}

// replace writes s with spans (sorted, non-overlapping) replaced.
func replace(s string, spans []Span) string {
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.Start])
		b.WriteString(sp.Kind.Placeholder())
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// find runs every detector on the normalised text n.
//
// Emails and addresses are found first and do not depend on anything else.
// The number scanner (phones, ID cards, bank cards) then treats them as
// opaque: it does not read digits inside them and its look-behind for
// keywords stops at them, exactly as it stops at a placeholder ("]") when
// it runs again on redacted text. That is what makes String idempotent.
func find(n string) []Span {
	var pre []Span
	pre = appendEmails(pre, n)
	pre = appendZhAddresses(pre, n)
	pre = appendEnAddresses(pre, n)
	pre = mergeSpans(pre)
	nums := findNumbers(n, pre)
	if len(nums) == 0 {
		return pre
	}
	return mergeSpans(append(pre, nums...))
}

// mergeSpans sorts spans and joins overlapping ones. A joined span takes the
// kind of its longest part, so "3栋2单元138 0013 8000" read as an address
// with a phone inside stays one [ADDRESS].
func mergeSpans(spans []Span) []Span {
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, func(a, b Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := spans[:1]
	longest := spans[0].End - spans[0].Start
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.Start < last.End {
			if l := sp.End - sp.Start; l > longest {
				longest = l
				last.Kind = sp.Kind
			}
			if sp.End > last.End {
				last.End = sp.End
			}
			continue
		}
		out = append(out, sp)
		longest = sp.End - sp.Start
	}
	return out
}
