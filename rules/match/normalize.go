package match

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is a normalized text and the way back to the original.
type Text struct {
	Norm []byte
	// Orig[i] is the byte offset in the original text of the code point
	// that byte i of Norm came from.
	Orig []int32
}

// Reset empties t for reuse, keeping its buffers.
func (t *Text) Reset() {
	t.Norm, t.Orig = t.Norm[:0], t.Orig[:0]
}

// NormalizeString returns the normalized form of s.
func NormalizeString(s string) string {
	var t Text
	Normalize(&t, s)
	return string(t.Norm)
}

// Normalize appends the normalized form of s to t (after Reset, t holds s alone).
func Normalize(t *Text, s string) {
	w := writer{t: t, last: -1}
	var buf [32]byte
	for i, r := range s {
		idx := int32(i)
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			w.put(r, idx)
		case isHan(r):
			w.put(r, idx)
		case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
			w.put(unicode.ToLower(r-0xFEE0), idx)
		case unicode.IsPunct(r) || unicode.IsSpace(r):
			w.put(' ', idx)
		default:
			var one [utf8.UTFMax]byte
			n := utf8.EncodeRune(one[:], r)
			out := norm.NFKC.Append(buf[:0], one[:n]...)
			for _, x := range string(out) {
				w.put(unicode.ToLower(x), idx)
			}
		}
	}
}

// writer appends normalized runes, folding separators.
type writer struct {
	t            *Text
	last         rune // last rune written, -1 at the start
	pendingSpace bool
}

func (w *writer) put(m rune, idx int32) {
	switch {
	case m == '\'' || m == '’' || m == '‘' || m >= 0x300 && unicode.Is(unicode.Mn, m):
		// Dropped: "don't" matches "dont"; combining marks are ignored.
	case m == ' ' || m < utf8.RuneSelf && !isASCIIWord(m) || m >= utf8.RuneSelf && (unicode.IsSpace(m) || unicode.IsPunct(m)):
		w.pendingSpace = w.last >= 0
	default:
		t := w.t
		if w.pendingSpace && !isCJK(w.last) && !isCJK(m) {
			t.Norm = append(t.Norm, ' ')
			t.Orig = append(t.Orig, idx)
		}
		w.pendingSpace = false
		if m < utf8.RuneSelf {
			t.Norm = append(t.Norm, byte(m))
			t.Orig = append(t.Orig, idx)
		} else {
			n := len(t.Norm)
			t.Norm = utf8.AppendRune(t.Norm, m)
			for range len(t.Norm) - n {
				t.Orig = append(t.Orig, idx)
			}
		}
		w.last = m
	}
}

// isASCIIWord reports whether an ASCII rune is kept (not punctuation or
// space). ASCII symbols such as % + < = > ^ $ | ~ are kept, as NFKC and
// unicode.IsPunct would keep them.
func isASCIIWord(r rune) bool {
	return r > ' ' && r != 0x7f && !unicode.IsPunct(r)
}

func isHan(r rune) bool {
	return 0x4E00 <= r && r <= 0x9FFF || 0x3400 <= r && r <= 0x4DBF
}

// isCJK reports whether r is written without spaces between words.
func isCJK(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case isHan(r), 0x3040 <= r && r <= 0x30FF, 0xAC00 <= r && r <= 0xD7AF:
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// isWord reports whether r is part of a space-separated word.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
}
