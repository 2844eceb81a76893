package match

import (
	"slices"
	"strings"
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
	// Invalid reports that the original text held invalid UTF-8.
	Invalid bool

	scratch []byte // a code point and its NFKC form, reused
}

// Reset empties t for reuse, keeping its buffers.
func (t *Text) Reset() {
	t.Norm, t.Orig, t.Invalid = t.Norm[:0], t.Orig[:0], false
}

// NormalizeString returns the normalized form of s.
func NormalizeString(s string) string {
	var t Text
	Normalize(&t, s)
	return string(t.Norm)
}

// Stable returns the normalized form of s and whether it is the same
// wherever s occurs: then every occurrence of s in a text becomes an
// occurrence of that form in the normalized text, whose first byte maps
// back to where s begins. s is not stable when it holds a separator or a
// character normalization drops, whose effect depends on the neighbours,
// or invalid UTF-8, which may read otherwise in a text.
func Stable(s string) (string, bool) {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return "", false
	}
	var w writer
	w.normalize(s)
	return string(w.norm), !w.cut && len(w.norm) > 0
}

// Normalize appends the normalized form of s to t (after Reset, t holds s alone).
func Normalize(t *Text, s string) {
	// The writer works on copies of t's slices, on the stack: cheaper to
	// update than fields of a Text on the heap.
	w := writer{norm: t.Norm, orig: t.Orig, scratch: t.scratch}
	w.normalize(s)
	t.Norm, t.Orig, t.scratch = w.norm, w.orig, w.scratch
	t.Invalid = t.Invalid || w.invalid
}

func (w *writer) normalize(s string) {
	// The loop works on a copy on the stack, whose slices it updates
	// without the write barriers of a writer that may be on the heap.
	v := *w
	// Room for the usual case, a result no longer than s.
	v.norm = slices.Grow(v.norm, len(s))
	v.orig = slices.Grow(v.orig, len(s))
	for i := 0; i < len(s); {
		idx := int32(i)
		b := s[i]
		if b < utf8.RuneSelf {
			v.ascii(rune(b), idx)
			i++
			continue
		}
		// Han characters, the common case, are decoded in line: three
		// bytes led by E3 to E9, which are always a valid sequence.
		if 0xe3 <= b && b <= 0xe9 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 &&
			isHan(rune(b&0x0f)<<12|rune(s[i+1]&0x3f)<<6|rune(s[i+2]&0x3f)) {
			v.cjk(s[i:i+3], idx)
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		v.invalid = v.invalid || size == 1
		v.rune(r, idx)
		i += size
	}
	*w = v
}

// rune writes a code point other than ASCII.
func (w *writer) rune(r rune, idx int32) {
	switch {
	case isHan(r):
		w.cjk(string(r), idx)
	case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
		w.ascii(r-0xFEE0, idx)
	case r == '’' || r == '‘':
		w.cut = true // dropped, like the ASCII apostrophe
	case unicode.IsPunct(r) || unicode.IsSpace(r):
		w.sep()
	default:
		// scratch holds r, then its NFKC form.
		w.scratch = utf8.AppendRune(w.scratch[:0], r)
		n := len(w.scratch)
		w.scratch = norm.NFKC.Append(w.scratch, w.scratch[:n]...)
		out := w.scratch[n:]
		for _, x := range string(out) {
			w.other(unicode.ToLower(x), idx)
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
	norm         []byte  // Text.Norm
	orig         []int32 // Text.Orig
	scratch      []byte  // Text.scratch
	started      bool
	lastCJK      bool
	pendingSpace bool
	cut          bool // a separator was read or a character dropped (see Stable)
	invalid      bool // invalid UTF-8 was read
}

func (w *writer) sep() { w.pendingSpace, w.cut = w.started, true }

func (w *writer) space(cjk bool, idx int32) {
	if w.pendingSpace && !cjk && !w.lastCJK {
		w.norm = append(w.norm, ' ')
		w.orig = append(w.orig, idx)
	}
	w.pendingSpace, w.started, w.lastCJK = false, true, cjk
}

// ascii writes an ASCII rune as asciiClass says: a separator, nothing
// ("don't" matches "dont") or its lower-case byte.
func (w *writer) ascii(r rune, idx int32) {
	if c := asciiClass[r]; c > 1 {
		w.space(false, idx)
		w.norm = append(w.norm, c)
		w.orig = append(w.orig, idx)
		return
	}
	w.cut = true
	if asciiClass[r] == 0 {
		w.pendingSpace = w.started
	}
}

// cjk writes a Han character, given as its UTF-8 (3 bytes).
func (w *writer) cjk(han string, idx int32) {
	w.space(true, idx)
	w.norm = append(w.norm, han...)
	w.orig = append(w.orig, idx, idx, idx)
}

// other handles a rune that came out of NFKC.
func (w *writer) other(m rune, idx int32) {
	switch {
	case m < utf8.RuneSelf:
		w.ascii(m, idx)
	case m == '’' || m == '‘' || unicode.Is(unicode.Mn, m):
		w.cut = true // dropped: apostrophes and combining marks
	case unicode.IsSpace(m) || unicode.IsPunct(m):
		w.sep()
	default:
		w.space(isCJK(m), idx)
		n := len(w.norm)
		w.norm = utf8.AppendRune(w.norm, m)
		for range len(w.norm) - n {
			w.orig = append(w.orig, idx)
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
