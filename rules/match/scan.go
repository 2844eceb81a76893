package match

import (
	"unicode"
	"unicode/utf8"
)

// Hit is a match found by Scan: phrase Phrase, at code points [NStart,
// NEnd) of the normalized text, which came from the code points of the
// original beginning at bytes Start to Last.
type Hit struct {
	Phrase       int32
	NStart, NEnd int32
	Start, Last  int32
}

// Scanner normalizes a text and runs a Matcher over it in one pass, with
// no normalized text in between: each code point normalization writes goes
// straight through the automaton. It keeps the last few code points, to
// find where a match began and to check word boundaries. A Scanner is
// reused from text to text; it is not safe for concurrent use.
type Scanner struct {
	m *Matcher
	n int32 // code points written so far
	// ring holds the last 256 code points written, code point k at
	// ring[uint8(k)]: more than the longest phrase (see MaxRunes). Each is
	// where in the original it came from, with wordBit set for a letter or
	// digit of a space-separated language.
	ring [256]int32
	// pending are the matches that end at the last code point, waiting
	// for the next one: a phrase that ends a word must not be followed by
	// a letter or digit.
	pending []pendingHit
	hits    []Hit
	// w normalizes the code points that are neither ASCII nor Han, into
	// its own small buffer.
	w writer
}

// wordBit marks a ring entry a letter or digit of a space-separated
// language.
const wordBit = -1 << 31

// ringEntry is what the ring holds of a code point from idx.
func ringEntry(idx int32, word bool) int32 {
	if word {
		return idx | wordBit
	}
	return idx
}

type pendingHit struct {
	Hit
	endsWord bool
}

// Scan normalizes text as Normalize does and appends to dst the matches of
// m in the result, in the order Find finds them, and those of the phrases
// looked for in the original text (see Options), as they are read. It
// reports whether text is valid UTF-8.
func (sc *Scanner) Scan(m *Matcher, text string, dst []Hit) ([]Hit, bool) {
	sc.m, sc.n, sc.hits = m, 0, dst
	sc.pending = sc.pending[:0]
	w := &sc.w // reset field by field: no write barriers
	w.norm, w.orig = w.norm[:0], w.orig[:0]
	w.started, w.lastCJK, w.pendingSpace, w.cut, w.invalid = false, false, false, false, false
	sc.scan(text)
	sc.flush(false)
	dst, sc.hits, sc.m = sc.hits, nil, nil
	return dst, !w.invalid
}

// scan is Normalize's loop, writing to the automaton. ASCII, Han
// characters and CJK punctuation take the short ways of writer.ascii,
// writer.cjk and writer.sep, and step in line (as step does, with the
// state, the count and the writer's flags kept in locals); the rest goes
// through the writer and step.
func (sc *Scanner) scan(s string) {
	w, m := &sc.w, sc.m
	dense := m.dense
	ring := &sc.ring
	origHan := m.origHan
	pendingSpace, started, lastCJK := false, false, false
	k := sc.n
	state := uint32(0)
	for i := 0; i < len(s); {
		idx := int32(i)
		b := s[i]
		var r rune
		var word bool
		switch {
		case b < utf8.RuneSelf:
			i++
			if id := m.origASCII[b]; id != 0 {
				sc.n = k
				sc.original(id-1, idx)
			}
			c := asciiClass[b]
			if c <= 1 { // a separator, or dropped
				pendingSpace = pendingSpace || c == 0 && started
				continue
			}
			if pendingSpace && !lastCJK {
				sc.n = k
				state = sc.step(state, ' ', idx)
				k = sc.n
			}
			pendingSpace, started, lastCJK = false, true, false
			r, word = rune(c), asciiWord[c]
		case b-0xe3 <= 0xe9-0xe3 && i+2 < len(s):
			// Three bytes, U+3000 to U+9FFF if they are a sequence.
			b1, b2 := s[i+1], s[i+2]
			r = rune(b&0x0f)<<12 | rune(b1&0x3f)<<6 | rune(b2&0x3f)
			if (uint16(b1)<<8|uint16(b2))&0xc0c0 != 0x8080 || !isHan(r) {
				if b == 0xe3 && b1&0xc0 == 0x80 && b2&0xc0 == 0x80 && isCJKPunct(b, b1, b2) {
					i += 3
					sc.sep(r, idx, k, started, &pendingSpace)
					continue
				}
				sc.n, w.pendingSpace, w.started, w.lastCJK = k, pendingSpace, started, lastCJK
				i += sc.rare(s, i, &state)
				k, pendingSpace, started, lastCJK = sc.n, w.pendingSpace, w.started, w.lastCJK
				continue
			}
			// A space is never written before CJK.
			pendingSpace, started, lastCJK = false, true, true
			if !origHan {
				i, k, state = sc.han(s, i, k, state)
				continue
			}
			i += 3
			sc.n = k
			sc.other(r, idx)
		case b == 0xef && i+2 < len(s) && s[i+2]&0xc0 == 0x80 && isCJKPunct(b, s[i+1], s[i+2]):
			// Full-width punctuation.
			sc.sep(rune(b&0x0f)<<12|rune(s[i+1]&0x3f)<<6|rune(s[i+2]&0x3f), idx, k, started, &pendingSpace)
			i += 3
			continue
		default:
			sc.n, w.pendingSpace, w.started, w.lastCJK = k, pendingSpace, started, lastCJK
			i += sc.rare(s, i, &state)
			k, pendingSpace, started, lastCJK = sc.n, w.pendingSpace, w.started, w.lastCJK
			continue
		}
		// step, in line.
		if len(sc.pending) > 0 {
			sc.flush(word)
		}
		ring[uint8(k)] = ringEntry(idx, word)
		c := m.class(r)
		if j := int(state) + int(c); j < len(dense) {
			state = dense[j]
		} else {
			state = m.sparse(state, c)
		}
		if state&flags != 0 {
			state = sc.report(state, c, k)
		}
		k++
	}
	sc.n = k
}

// han steps through the run of Han characters at s[i], the most of a
// Chinese text, from state, k code points written so far, and returns
// where the run ends, the count and the state. CJK punctuation between
// two Han characters is part of the run: normalization drops it, and the
// space it would leave is never written before CJK.
func (sc *Scanner) han(s string, i int, k int32, state uint32) (int, int32, uint32) {
	if len(sc.pending) > 0 {
		sc.flush(false) // none comes of a Han character: it is no word
	}
	dense, han := sc.m.dense, sc.m.han
	_ = han[0]
	run := s[i:]
	j := 0 // run[j:] is next; the form of the loop spares bounds checks
	for ; j < len(run)-2; j += 3 {
		lead := run[j] - 0xe3
		c := han[hanIndex(lead, run[j+1], run[j+2])]
		if lead > 0xe9-0xe3 || c == notHan {
			if b := run[j]; (b == 0xe3 || b == 0xef) && sc.punctBeforeHan(run[j:], int32(i+j), k) {
				continue
			}
			break
		}
		sc.ring[uint8(k)] = int32(i + j)
		if x := int(state) + int(c); x < len(dense) {
			state = dense[x]
		} else {
			state = sc.m.sparse(state, c)
		}
		if state&flags != 0 {
			state = sc.report(state, c, k)
		}
		k++
	}
	return i + j, k, state
}

// punctBeforeHan reports whether s begins with CJK punctuation followed
// by a Han character; if so, it reports the punctuation, at idx, k code
// points written, if it is looked for in the original text.
func (sc *Scanner) punctBeforeHan(s string, idx, k int32) bool {
	if len(s) < 6 || !isCJKPunct(s[0], s[1], s[2]) || s[2]&0xc0 != 0x80 {
		return false
	}
	if lead := s[3] - 0xe3; lead > 0xe9-0xe3 || sc.m.han[hanIndex(lead, s[4], s[5])] == notHan {
		return false
	}
	if sc.m.origOther != nil {
		sc.n = k
		sc.other(rune(s[0]&0x0f)<<12|rune(s[1]&0x3f)<<6|rune(s[2]&0x3f), idx)
	}
	return true
}

// sep reads CJK or full-width punctuation r, a separator, at idx, k code
// points written.
func (sc *Scanner) sep(r rune, idx, k int32, started bool, pendingSpace *bool) {
	if sc.m.origOther != nil {
		sc.n = k
		sc.other(r, idx)
	}
	*pendingSpace = started
}

// report passes on what a step to state s (flagged) on class c, at code
// point k, found, and returns s without its flags.
func (sc *Scanner) report(s uint32, c uint16, k int32) uint32 {
	if s&outFlag != 0 {
		sc.found(s&^flags, k)
	}
	if s&unitFlag != 0 {
		sc.unit(sc.m.unitOf[c], k)
	}
	return s &^ flags
}

// rare writes the code point at s[i], neither ASCII nor Han, through the
// writer and returns its width.
func (sc *Scanner) rare(s string, i int, state *uint32) int {
	w, idx := &sc.w, int32(i)
	r, size := utf8.DecodeRuneInString(s[i:])
	w.invalid = w.invalid || size == 1
	if sc.m.origOther != nil && size > 1 {
		sc.other(r, idx)
	}
	w.norm, w.orig = w.norm[:0], w.orig[:0]
	w.rune(r, idx)
	for _, x := range string(w.norm) {
		*state = sc.step(*state, x, idx)
	}
	return size
}

// original reports phrase id, a code point of the original text at idx.
// It has no place in the normalized text: NStart and NEnd are where the
// code point would be.
func (sc *Scanner) original(id, idx int32) {
	sc.hits = append(sc.hits, Hit{Phrase: id, NStart: sc.n, NEnd: sc.n, Start: idx, Last: idx})
}

// other reports r, at idx of the original, if it is a phrase.
func (sc *Scanner) other(r rune, idx int32) {
	for _, o := range sc.m.origOther {
		if o.r >= r {
			if o.r == r {
				sc.original(o.id, idx)
			}
			return
		}
	}
}

// step runs the automaton, in state s, on r, which came from the code
// point at idx, and returns the next state.
func (sc *Scanner) step(s uint32, r rune, idx int32) uint32 {
	word := r < utf8.RuneSelf && asciiWord[r] || r >= utf8.RuneSelf && !isHan(r) && isWord(r)
	if len(sc.pending) > 0 {
		sc.flush(word)
	}
	k := sc.n
	sc.n++
	sc.ring[uint8(k)] = ringEntry(idx, word)
	m := sc.m
	c := m.class(r)
	if j := int(s) + int(c); j < len(m.dense) {
		s = m.dense[j]
	} else {
		s = m.sparse(s, c)
	}
	if s&flags != 0 {
		s = sc.report(s, c, k)
	}
	return s
}

// found holds the matches of state s, which ends at code point k, until
// the next code point is known.
func (sc *Scanner) found(s uint32, k int32) {
	m := sc.m
	last := sc.ring[uint8(k)] &^ wordBit
	for _, o := range m.outs(s) {
		start := k + 1 - o.runes
		if o.bounded&1 != 0 && start > 0 && sc.ring[uint8(start-1)] < 0 {
			continue
		}
		h := Hit{Phrase: o.phrase, NStart: start, NEnd: k + 1, Start: sc.ring[uint8(start)] &^ wordBit, Last: last}
		if o.bounded&2 == 0 && len(sc.pending) == 0 {
			sc.hits = append(sc.hits, h) // no check to wait for, none before it waiting
			continue
		}
		sc.pending = append(sc.pending, pendingHit{Hit: h, endsWord: o.bounded&2 != 0})
	}
}

// unit reports unit u (see Matcher.units), code point k, after the
// phrases that end there.
func (sc *Scanner) unit(u, k int32) {
	idx := sc.ring[uint8(k)] &^ wordBit
	h := Hit{Phrase: u, NStart: k, NEnd: k + 1, Start: idx, Last: idx}
	if len(sc.pending) > 0 {
		sc.pending = append(sc.pending, pendingHit{Hit: h})
		return
	}
	sc.hits = append(sc.hits, h)
}

// flush passes on the pending matches, given whether the code point after
// them is part of a word.
func (sc *Scanner) flush(nextWord bool) {
	for _, p := range sc.pending {
		if !(p.endsWord && nextWord) {
			sc.hits = append(sc.hits, p.Hit)
		}
	}
	sc.pending = sc.pending[:0]
}

// cjkPunct marks the code points U+3000-U+303F and U+FF00-U+FF7F that
// normalization treats as separators, by their last two bytes of UTF-8
// (E3 80-80 xx, EF BC-BD xx): CJK punctuation and full-width ASCII
// punctuation.
var cjkPunct = func() (t [3][64]bool) {
	for i, base := range []rune{0x3000, 0xff00, 0xff40} {
		for j := range 64 {
			r := base + rune(j)
			switch {
			case 0xFF01 <= r && r <= 0xFF5E:
				t[i][j] = asciiClass[r-0xFEE0] == 0
			case isHan(r) || r == '’' || r == '‘':
			default:
				t[i][j] = unicode.IsPunct(r) || unicode.IsSpace(r)
			}
		}
	}
	return t
}()

// isCJKPunct reports whether the code point of UTF-8 b0, b1, b2 (b2 a
// continuation byte) is in cjkPunct.
func isCJKPunct(b0, b1, b2 byte) bool {
	switch {
	case b0 == 0xe3 && b1 == 0x80: // U+3000-U+303F
		return cjkPunct[0][b2&0x3f]
	case b0 == 0xef && (b1 == 0xbc || b1 == 0xbd): // U+FF00-U+FF7F
		return cjkPunct[b1-0xbb][b2&0x3f]
	}
	return false
}

// asciiWord is isWord for ASCII.
var asciiWord = func() (w [utf8.RuneSelf]bool) {
	for r := range rune(utf8.RuneSelf) {
		w[r] = isWord(r)
	}
	return w
}()
