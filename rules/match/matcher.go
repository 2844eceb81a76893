package match

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// Match is one phrase found in a normalized text: bytes [Start, End).
type Match struct {
	Phrase     int32
	Start, End int32
}

// Matcher finds a fixed set of phrases in normalized text.
//
// It is an Aho-Corasick automaton over code points rather than bytes: a
// Chinese character is one step, not three. Every code point used by a
// phrase has a class of its own (class 0 is every other one); the classes
// of ASCII are a table, those of Han characters (most of a Chinese text)
// a table by their three bytes of UTF-8, the others a two-level table by
// the code point's high byte. States are numbered breadth first, so the
// shallow ones, where scanning spends its time, come first: they have
// full rows of next states (dense), as many as fit in maxDense entries. A
// deeper state, if any, has its children and its failure link (sparse).
// A state goes by its code: a dense state's is where its row begins, so
// a step is one addition and one load; a sparse state's, len(dense) and
// on. Single code points that need no word boundary (units) are found by
// their class, without a state: a row's entry for a unit's class is
// flagged.
type Matcher struct {
	phrases []string
	// bounded[i] says which ends of phrase i need a word boundary (bit 0: start, bit 1: end).
	bounded []uint8

	ascii [utf8.RuneSelf]uint16
	// bmp[r>>8][r&0xff] is the class of code point r below U+10000 (the
	// blocks no phrase uses share one of zeros); astral has the others.
	bmp    [256]*[256]uint16
	astral map[rune]uint16
	// han is the class of the code points U+3000-U+9FFF by their UTF-8
	// bytes E3-E9 xx yy, at hanIndex(E3-E9 - 0xE3, xx, yy). It is notHan
	// for those not Han (see isHan), for xx yy that are not continuation
	// bytes and for the indexes past E9, which make the table's size a
	// power of two: a scanner looks up three bytes with no other test
	// than that of the first.
	han    *[hanSize]uint16
	nclass int
	// unitOf[c] is the unit (see units) of class c, -1 for none.
	unitOf []int32

	// dense[code+c] is the code of the next state of a dense state on
	// class c, with outFlag set when that state ends at least one phrase
	// and unitFlag when c is a unit's.
	dense  []uint32
	nDense uint32 // dense states: 0 to nDense-1
	// recip is 2^40/nclass, rounded up: a dense state is its code*recip>>40.
	recip uint64
	// Sparse state s >= nDense: its children kids[kidStart[s-nDense]:
	// kidStart[s-nDense+1]] (flagged as in dense), then fail[s-nDense],
	// codes both.
	kidStart []uint32
	kids     []kid
	fail     []uint32

	// outList[outStart[s]:outStart[s+1]] are the phrases state s ends.
	outStart []uint32
	outList  []out

	// The phrases looked for in the original text (see Options):
	// origASCII[b] is 1 + the phrase of byte b, 0 for none.
	origASCII [utf8.RuneSelf]int32
	origOther []origRune // the others, by code point
	origHan   bool       // some are Han
}

// origRune is a phrase looked for in the original text: code point r.
type origRune struct {
	r  rune
	id int32
}

// out is a phrase that ends in a state, with what emit needs of it.
type out struct {
	phrase  int32
	len     int32 // in bytes
	runes   int32 // in code points
	bounded uint8
}

type kid struct {
	class uint16
	next  uint32
}

const (
	outFlag  = 1 << 31
	unitFlag = 1 << 30
	flags    = outFlag | unitFlag
)

// MaxRunes is the longest phrase a Matcher takes, in code points.
const MaxRunes = 255

// maxDense bounds the dense rows, in entries (4 bytes each).
const maxDense = 1 << 20

// Compile builds a matcher for phrases, which must be normalized and
// non-empty. Duplicate phrases are allowed; each keeps its own index.
// Phrases from index anywhere on also match inside words (they serve to
// find candidate positions, not whole words); pass len(phrases) for none.
func Compile(phrases []string, anywhere int) (*Matcher, error) {
	return CompileWith(phrases, Options{Anywhere: anywhere, Original: len(phrases)})
}

// Options are Compile's, and one more.
type Options struct {
	Anywhere int // phrases from this index on match inside words
	// Phrases from index Original on are single code points that Scan
	// looks for in the original text instead of the normalized one, as
	// they stand (punctuation, which normalization drops, say). Find
	// does not look for them.
	Original int
}

// CompileWith is Compile with Options.
func CompileWith(phrases []string, o Options) (*Matcher, error) {
	return compile(phrases, o, maxDense)
}

// compile is CompileWith with at most maxDense entries of dense rows (the
// root's row at least).
func compile(phrases []string, o Options, maxDense int) (*Matcher, error) {
	anywhere := o.Anywhere
	m := &Matcher{phrases: phrases, bounded: make([]uint8, len(phrases))}
	if err := m.originals(phrases, o.Original); err != nil {
		return nil, err
	}
	phrases = phrases[:o.Original]
	for id, p := range phrases {
		if p == "" {
			return nil, fmt.Errorf("empty phrase")
		}
		if !utf8.ValidString(p) {
			return nil, fmt.Errorf("phrase %q is not valid UTF-8", p)
		}
		if utf8.RuneCountInString(p) > MaxRunes {
			return nil, fmt.Errorf("phrase %q is longer than %d characters", p, MaxRunes)
		}
		first, _ := utf8.DecodeRuneInString(p)
		last, _ := utf8.DecodeLastRuneInString(p)
		if id < anywhere && isWord(first) {
			m.bounded[id] |= 1
		}
		if id < anywhere && isWord(last) {
			m.bounded[id] |= 2
		}
	}
	if !m.classes(phrases) {
		return nil, fmt.Errorf("%d phrases use too many distinct characters", len(phrases))
	}
	unit := m.units(phrases, anywhere)
	t := newTrie(m, phrases, unit)
	if len(t.nodes)+maxDense+m.nclass >= unitFlag {
		return nil, fmt.Errorf("%d phrases make an automaton too large", len(phrases))
	}
	t.link()
	m.build(t, maxDense)
	return m, nil
}

// originals records the phrases from index from on, single code points
// looked for in the original text.
func (m *Matcher) originals(phrases []string, from int) error {
	for id := from; id < len(phrases); id++ {
		r, size := utf8.DecodeRuneInString(phrases[id])
		if size != len(phrases[id]) || r == utf8.RuneError {
			return fmt.Errorf("phrase %q is not one code point", phrases[id])
		}
		switch {
		case r < utf8.RuneSelf:
			m.origASCII[r] = int32(id) + 1
		default:
			// The last of equal ones is the one found.
			if i := slices.IndexFunc(m.origOther, func(o origRune) bool { return o.r == r }); i >= 0 {
				m.origOther[i].id = int32(id)
				continue
			}
			m.origOther = append(m.origOther, origRune{r, int32(id)})
			m.origHan = m.origHan || isHan(r)
		}
	}
	slices.SortFunc(m.origOther, func(a, b origRune) int { return int(a.r - b.r) })
	return nil
}

// units picks the units: the phrases from index anywhere on that are one
// code point, which no other phrase repeats. A unit is found by its class
// alone (unitOf), with no state of the automaton. It is reported after
// the other phrases that end where it does, as the automaton would report
// it: the shortest, and the last of its equals.
func (m *Matcher) units(phrases []string, anywhere int) []bool {
	count := map[string]int{}
	for _, p := range phrases {
		count[p]++
	}
	unit := make([]bool, len(phrases))
	m.unitOf = make([]int32, m.nclass)
	for c := range m.unitOf {
		m.unitOf[c] = -1
	}
	for id := anywhere; id < len(phrases); id++ {
		p := phrases[id]
		if r, size := utf8.DecodeRuneInString(p); size == len(p) && count[p] == 1 {
			unit[id] = true
			m.unitOf[m.class(r)] = int32(id)
		}
	}
	return unit
}

// classes gives every code point of the phrases a class, or reports
// that there are too many.
func (m *Matcher) classes(phrases []string) bool {
	var runes []rune
	for _, p := range phrases {
		for _, r := range p {
			runes = append(runes, r)
		}
	}
	slices.Sort(runes)
	runes = slices.Compact(runes)
	if len(runes) >= notHan {
		return false
	}
	m.nclass = len(runes) + 1
	none := new([256]uint16) // the block of every code point in no phrase
	for hi := range m.bmp {
		m.bmp[hi] = none
	}
	for i, r := range runes {
		c := uint16(i + 1)
		if r < utf8.RuneSelf {
			m.ascii[r] = c
		}
		if r >= 0x10000 {
			if m.astral == nil {
				m.astral = map[rune]uint16{}
			}
			m.astral[r] = c
			continue
		}
		if m.bmp[r>>8] == none {
			m.bmp[r>>8] = new([256]uint16)
		}
		m.bmp[r>>8][r&0xff] = c
	}
	m.han = new([hanSize]uint16)
	for i := range m.han {
		m.han[i] = notHan
	}
	for r := rune(0x3000); r <= 0x9fff; r++ {
		if isHan(r) {
			m.han[hanIndex(byte(r>>12-3), byte(r>>6&0x3f|0x80), byte(r&0x3f|0x80))] = m.class(r)
		}
	}
	return true
}

// notHan is the class in Matcher.han of a code point not Han.
const notHan = 1<<16 - 1

// hanSize is the size of Matcher.han.
const hanSize = 8 << 16

// hanIndex is the place in Matcher.han of the bytes 0xE3+lead b1 b2 (the
// two last read in one load).
func hanIndex(lead, b1, b2 byte) int {
	return (int(lead)<<16 | int(uint16(b1)|uint16(b2)<<8)) & (hanSize - 1)
}

// class returns the class of r (0: in no phrase).
func (m *Matcher) class(r rune) uint16 {
	if uint32(r) < 0x10000 {
		return m.bmp[byte(r>>8)][byte(r)]
	}
	return m.astral[r]
}

// trie is the automaton under construction.
type trie struct {
	nodes []trieNode
	order []int32 // breadth first
}

type trieNode struct {
	next map[uint16]int32
	out  []int32
	fail int32
}

// newTrie builds the trie of the phrases but the units.
func newTrie(m *Matcher, phrases []string, unit []bool) *trie {
	t := &trie{nodes: []trieNode{{next: map[uint16]int32{}}}}
	for id, p := range phrases {
		if unit[id] {
			continue
		}
		s := int32(0)
		for _, r := range p {
			c := m.class(r)
			nx, ok := t.nodes[s].next[c]
			if !ok {
				nx = int32(len(t.nodes))
				t.nodes = append(t.nodes, trieNode{next: map[uint16]int32{}})
				t.nodes[s].next[c] = nx
			}
			s = nx
		}
		t.nodes[s].out = append(t.nodes[s].out, int32(id))
	}
	return t
}

// link orders the nodes breadth first and sets failure links and
// inherited outputs.
func (t *trie) link() {
	t.order = append(t.order[:0], 0)
	for q := 0; q < len(t.order); q++ {
		s := t.order[q]
		for _, c := range sortedKeys(t.nodes[s].next) {
			nx := t.nodes[s].next[c]
			if s != 0 {
				t.nodes[nx].fail = t.step(t.nodes[s].fail, c)
			}
			t.nodes[nx].out = append(t.nodes[nx].out, t.nodes[t.nodes[nx].fail].out...)
			t.order = append(t.order, nx)
		}
	}
}

// step is the automaton's transition, by failure links.
func (t *trie) step(s int32, c uint16) int32 {
	for {
		if nx, ok := t.nodes[s].next[c]; ok {
			return nx
		}
		if s == 0 {
			return 0
		}
		s = t.nodes[s].fail
	}
}

func sortedKeys(m map[uint16]int32) []uint16 {
	keys := make([]uint16, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// build lays the trie out as the matcher's tables, states numbered in
// breadth-first order.
func (m *Matcher) build(t *trie, maxDense int) {
	n := len(t.nodes)
	id := make([]uint32, n) // trie node → state
	for i, s := range t.order {
		id[s] = uint32(i)
	}
	flagged := func(s int32) uint32 {
		if len(t.nodes[s].out) > 0 {
			return id[s] | outFlag
		}
		return id[s]
	}
	nc := m.nclass
	var unitClasses []int
	for c, u := range m.unitOf {
		if u >= 0 {
			unitClasses = append(unitClasses, c)
		}
	}
	m.nDense = uint32(min(n, max(maxDense/nc, 1)))
	m.dense = make([]uint32, int(m.nDense)*nc)
	m.recip = (1<<40 + uint64(nc) - 1) / uint64(nc)
	for i := range id {
		id[i] = m.code(id[i])
	}
	m.fail = make([]uint32, n-int(m.nDense))
	m.outStart = make([]uint32, 0, n+1)
	m.kidStart = []uint32{0}
	for i, s := range t.order {
		node := &t.nodes[s]
		m.outStart = append(m.outStart, uint32(len(m.outList)))
		for _, p := range node.out {
			runes := utf8.RuneCountInString(m.phrases[p])
			m.outList = append(m.outList, out{phrase: p, len: int32(len(m.phrases[p])), runes: int32(runes), bounded: m.bounded[p]})
		}
		if uint32(i) < m.nDense {
			// The failure state's row is complete: it is shallower.
			row := m.dense[i*nc : (i+1)*nc]
			if i > 0 {
				copy(row, m.dense[id[node.fail]:][:nc])
			}
			for c, nx := range node.next {
				row[c] = flagged(nx)
			}
			for _, c := range unitClasses {
				row[c] |= unitFlag
			}
			continue
		}
		for _, c := range sortedKeys(node.next) {
			m.kids = append(m.kids, kid{class: c, next: flagged(node.next[c])})
		}
		m.kidStart = append(m.kidStart, uint32(len(m.kids)))
		m.fail[i-int(m.nDense)] = id[node.fail]
	}
	m.outStart = append(m.outStart, uint32(len(m.outList)))
}

// code returns the code of state s.
func (m *Matcher) code(s uint32) uint32 {
	if s < m.nDense {
		return s * uint32(m.nclass)
	}
	return uint32(len(m.dense)) + s - m.nDense
}

// state returns the state of code.
func (m *Matcher) state(code uint32) uint32 {
	if int(code) < len(m.dense) {
		return uint32(uint64(code) * m.recip >> 40)
	}
	return code - uint32(len(m.dense)) + m.nDense
}

// next is the code of the state after code on class c, flagged.
func (m *Matcher) next(code uint32, c uint16) uint32 {
	for int(code) >= len(m.dense) {
		i := code - uint32(len(m.dense))
		for _, k := range m.kids[m.kidStart[i]:m.kidStart[i+1]] {
			if k.class == c {
				return k.next
			}
		}
		code = m.fail[i]
	}
	return m.dense[int(code)+int(c)]
}

// outs returns the phrases that the state of code ends.
func (m *Matcher) outs(code uint32) []out {
	s := m.state(code)
	return m.outList[m.outStart[s]:m.outStart[s+1]]
}

// sparse is the step from a sparse state's code on class c, flagged as
// the dense rows are. It is kept out of the scanning loops, which rarely
// call it: in line, it would take registers they need.
//
//go:noinline
func (m *Matcher) sparse(code uint32, c uint16) uint32 {
	s := m.next(code, c)
	if m.unitOf[c] >= 0 {
		s |= unitFlag
	}
	return s
}

// Len is the number of phrases.
func (m *Matcher) Len() int { return len(m.phrases) }

// Phrase returns phrase i.
func (m *Matcher) Phrase(i int32) string { return m.phrases[i] }

// Find appends every match in text (normalized, so valid UTF-8) to dst, in
// order of their ends.
func (m *Matcher) Find(text []byte, dst []Match) []Match {
	var c cursor
	for m.advance(text, &c) {
		dst = m.emit(text, c.s, int32(c.i), dst)
		if u := m.unitOf[c.class]; u >= 0 {
			dst = append(dst, Match{Phrase: u, Start: int32(c.i - c.width), End: int32(c.i)})
		}
	}
	return dst
}

// Count returns the number of matches in text, as Find would find them
// but for the word boundaries it does not check.
func (m *Matcher) Count(text []byte) int {
	var c cursor
	n := 0
	for m.advance(text, &c) {
		n += len(m.outs(c.s))
		if m.unitOf[c.class] >= 0 {
			n++
		}
	}
	return n
}

// cursor is where the automaton is in a text: the state of code s after text[:i],
// whose last code point, of class class, is width bytes.
type cursor struct {
	s        uint32
	i, width int
	class    uint16
}

// advance runs the automaton on from c to the next code point that ends
// a phrase (a state's, or a unit) and reports whether there is one. In c,
// the state is left without its flag.
func (m *Matcher) advance(text []byte, c *cursor) bool {
	s, i := c.s, c.i
	for i < len(text) {
		var class uint16
		from := i
		if b := text[i]; b < utf8.RuneSelf {
			class = m.ascii[b]
			i++
		} else if b&0xf0 == 0xe0 && b != 0xe0 && b != 0xed && i+2 < len(text) &&
			text[i+1]&0xc0 == 0x80 && text[i+2]&0xc0 == 0x80 {
			// Three bytes, as Chinese characters are, decoded in line
			// (E0 and ED, which may begin invalid sequences, are not).
			class = m.class(rune(b&0x0f)<<12 | rune(text[i+1]&0x3f)<<6 | rune(text[i+2]&0x3f))
			i += 3
		} else {
			class, i = m.classAt(text, i)
		}
		if j := int(s) + int(class); j < len(m.dense) {
			s = m.dense[j]
		} else {
			s = m.next(s, class)
		}
		if s&flags != 0 || m.unitOf[class] >= 0 {
			s &^= flags
			c.s, c.i, c.width, c.class = s, i, i-from, class
			return true
		}
	}
	c.s, c.i = s, i
	return false
}

// classAt returns the class of the code point at text[i] and where the
// next one begins.
func (m *Matcher) classAt(text []byte, i int) (uint16, int) {
	r, w := utf8.DecodeRune(text[i:])
	if w == 1 {
		return 0, i + 1 // invalid UTF-8: in no phrase
	}
	return m.class(r), i + w
}

func (m *Matcher) emit(text []byte, s uint32, end int32, dst []Match) []Match {
	for _, o := range m.outs(s) {
		start := end - o.len
		if o.bounded&1 != 0 && start > 0 {
			if r, _ := utf8.DecodeLastRune(text[:start]); isWord(r) {
				continue
			}
		}
		if o.bounded&2 != 0 && int(end) < len(text) {
			if r, _ := utf8.DecodeRune(text[end:]); isWord(r) {
				continue
			}
		}
		dst = append(dst, Match{Phrase: o.phrase, Start: start, End: end})
	}
	return dst
}
