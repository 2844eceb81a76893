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
	var buf [utf8.UTFMax * 4]byte
	pendingSpace := false
	var last rune = -1 // last rune written, -1 at the start
	for i, r := range s {
		idx := int32(i)
		var mapped []rune
		var one [1]rune
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			one[0], mapped = r, one[:]
		case isHan(r):
			one[0], mapped = r, one[:]
		case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
			one[0], mapped = unicode.ToLower(r-0xFEE0), one[:]
		default:
			n := copy(buf[:], norm.NFKC.AppendString(buf[:0], string(r)))
			for _, x := range string(buf[:n]) {
				mapped = append(mapped, unicode.ToLower(x))
			}
		}
		for _, m := range mapped {
			switch {
			case m == '\'' || m == '’' || m == '‘' || unicode.Is(unicode.Mn, m):
				// Dropped: "don't" matches "dont"; combining marks are ignored.
			case unicode.IsSpace(m) || unicode.IsPunct(m):
				pendingSpace = last >= 0
			default:
				if pendingSpace && !isCJK(last) && !isCJK(m) {
					t.Norm = append(t.Norm, ' ')
					t.Orig = append(t.Orig, idx)
				}
				pendingSpace = false
				n := utf8.EncodeRune(buf[:], m)
				t.Norm = append(t.Norm, buf[:n]...)
				for range n {
					t.Orig = append(t.Orig, idx)
				}
				last = m
			}
		}
	}
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
