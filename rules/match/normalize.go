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
	w := writer{t: t}
	var buf [32]byte
	for i, r := range s {
		idx := int32(i)
		switch {
		case r < utf8.RuneSelf:
			w.ascii(r, idx)
		case isHan(r):
			w.cjk(r, idx)
		case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
			w.ascii(r-0xFEE0, idx)
		case r == '’' || r == '‘':
			// dropped, like the ASCII apostrophe
		case unicode.IsPunct(r) || unicode.IsSpace(r):
			w.sep()
		default:
			var one [utf8.UTFMax]byte
			n := utf8.EncodeRune(one[:], r)
			out := norm.NFKC.Append(buf[:0], one[:n]...)
			for _, x := range string(out) {
				w.other(unicode.ToLower(x), idx)
			}
		}
	}
}

// asciiClass maps an ASCII byte to what it becomes: 0 a separator, 1
// dropped, otherwise the (lower-cased) byte itself.
var asciiClass = func() (c [utf8.RuneSelf]byte) {
	for b := range utf8.RuneSelf {
		switch r := rune(b); {
		case b == '\'':
			c[b] = 1
		case r <= ' ' || r == 0x7f || unicode.IsPunct(r):
			c[b] = 0
		case 'A' <= r && r <= 'Z':
			c[b] = byte(r + 'a' - 'A')
		default:
			c[b] = byte(b)
		}
	}
	return c
}()

// writer appends normalized runes, folding separators: a run of them
// becomes one space between two non-CJK characters and nothing otherwise.
type writer struct {
	t            *Text
	started      bool
	lastCJK      bool
	pendingSpace bool
}

func (w *writer) sep() { w.pendingSpace = w.started }

func (w *writer) space(cjk bool, idx int32) {
	if w.pendingSpace && !cjk && !w.lastCJK {
		w.t.Norm = append(w.t.Norm, ' ')
		w.t.Orig = append(w.t.Orig, idx)
	}
	w.pendingSpace, w.started, w.lastCJK = false, true, cjk
}

// ascii writes an ASCII rune as asciiClass says: a separator, nothing
// ("don't" matches "dont") or its lower-case byte.
func (w *writer) ascii(r rune, idx int32) {
	switch c := asciiClass[r]; c {
	case 0:
		w.sep()
	case 1:
	default:
		w.space(false, idx)
		w.t.Norm = append(w.t.Norm, c)
		w.t.Orig = append(w.t.Orig, idx)
	}
}

func (w *writer) cjk(r rune, idx int32) {
	w.space(true, idx)
	// Every Han character is 3 bytes of UTF-8.
	w.t.Norm = append(w.t.Norm, byte(0xE0|r>>12), byte(0x80|r>>6&0x3F), byte(0x80|r&0x3F))
	w.t.Orig = append(w.t.Orig, idx, idx, idx)
}

// other handles a rune that came out of NFKC.
func (w *writer) other(m rune, idx int32) {
	switch {
	case m < utf8.RuneSelf:
		w.ascii(m, idx)
	case m == '’' || m == '‘' || unicode.Is(unicode.Mn, m):
		// Dropped: apostrophes and combining marks.
	case unicode.IsSpace(m) || unicode.IsPunct(m):
		w.sep()
	default:
		w.space(isCJK(m), idx)
		n := len(w.t.Norm)
		w.t.Norm = utf8.AppendRune(w.t.Norm, m)
		for range len(w.t.Norm) - n {
			w.t.Orig = append(w.t.Orig, idx)
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
