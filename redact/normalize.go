package redact

import (
	"strings"
	"unicode/utf8"
)

// The detectors read the input with full-width ASCII variants (U+FF01–
// U+FF5E: "１３８", "＠", "－", "（"), the ideographic and no-break spaces and
// Unicode dashes folded to their ASCII forms. A folded rune becomes one
// byte, so offsets into the folded text differ from offsets into the input;
// mapBack converts them.
//
// Every byte that can start a foldable rune is a lead byte, which no
// decoding of the input can swallow as a continuation, so decoding at those
// bytes agrees with decoding the input from its start: folded runes map back
// to rune boundaries of the input, and invalid bytes are copied unchanged.

// fold returns the ASCII byte a rune stands for, or 0.
func fold(r rune) byte {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return byte(r - 0xFEE0)
	case r == 0x3000, r == 0x00A0:
		return ' '
	case r >= 0x2010 && r <= 0x2015, r == 0x2212:
		return '-'
	}
	return 0
}

// mayFold reports whether the byte can start a rune that fold maps: U+00A0
// (C2), U+2010–U+2015 and U+2212 (E2), U+3000 (E3), U+FF01–U+FF5E (EF).
func mayFold(c byte) bool { return c == 0xC2 || c == 0xE2 || c == 0xE3 || c == 0xEF }

// foldAt returns the folded byte for the rune at s[i] and its size, or 0.
func foldAt(s string, i int) (byte, int) {
	if !mayFold(s[i]) {
		return 0, 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if size < 2 {
		return 0, 1
	}
	if c := fold(r); c != 0 {
		return c, size
	}
	return 0, 1
}

// nextFold returns the offset of the first foldable rune at or after i
// (len(s) when there is none), its folded byte and its size.
func nextFold(s string, i int) (int, byte, int) {
	for ; i < len(s); i++ {
		if c := s[i]; c >= 0xC2 && mayFold(c) {
			if c, size := foldAt(s, i); c != 0 {
				return i, c, size
			}
		}
	}
	return len(s), 0, 0
}

// normalize returns s folded, and whether anything was folded (when not,
// the result is s itself).
func normalize(s string) (string, bool) {
	at, c, size := nextFold(s, 0)
	if at == len(s) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for at < len(s) {
		b.WriteString(s[last:at])
		b.WriteByte(c)
		last = at + size
		at, c, size = nextFold(s, last)
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// mapBack rewrites spans, found in normalize(s), as offsets into s. Spans
// are sorted and do not overlap, so their ends are visited in order; between
// two folded runes an offset moves by the bytes the folds before it saved.
func mapBack(s string, spans []Span) {
	ends := 2 * len(spans)
	end := func(k int) *int {
		if k%2 == 0 {
			return &spans[k/2].Start
		}
		return &spans[k/2].End
	}
	k, saved := 0, 0
	for from := 0; k < ends; {
		at, _, size := nextFold(s, from)
		for k < ends && *end(k) <= at-saved {
			*end(k) += saved
			k++
		}
		if at == len(s) {
			break
		}
		saved += size - 1
		from = at + size
	}
}
