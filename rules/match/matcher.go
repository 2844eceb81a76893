package match

import (
	"fmt"
	"unicode/utf8"
)

// Match is one phrase found in a normalized text: bytes [Start, End).
type Match struct {
	Phrase     int32
	Start, End int32
}

// Matcher finds a fixed set of phrases in normalized text.
type Matcher struct {
	phrases []string
	// bounded[i] says which ends of phrase i need a word boundary (bit 0: start, bit 1: end).
	bounded []uint8
	class   [256]uint16
	nclass  int
	// trans[state+class] is the next state's row offset, with outFlag set
	// when that state ends at least one phrase.
	trans   []uint32
	outs    [][2]int32 // per state: its range in outList
	outList []int32
}

const outFlag = 1 << 31

// Compile builds a matcher for phrases, which must be normalized and
// non-empty. Duplicate phrases are allowed; each keeps its own index.
// Phrases from index anywhere on also match inside words (they serve to
// find candidate positions, not whole words); pass len(phrases) for none.
func Compile(phrases []string, anywhere int) (*Matcher, error) {
	m := &Matcher{phrases: phrases, bounded: make([]uint8, len(phrases))}
	// Byte classes: each byte used by some phrase gets its own class.
	for _, p := range phrases {
		if p == "" {
			return nil, fmt.Errorf("empty phrase")
		}
		for i := 0; i < len(p); i++ {
			if m.class[p[i]] == 0 {
				m.nclass++
				m.class[p[i]] = uint16(m.nclass)
			}
		}
	}
	m.nclass++
	nc := m.nclass

	// Trie.
	type node struct {
		next map[uint16]int32
		out  []int32
		fail int32
	}
	nodes := []node{{next: map[uint16]int32{}}}
	for id, p := range phrases {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := m.class[p[i]]
			nx, ok := nodes[s].next[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint16]int32{}})
				nodes[s].next[c] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, int32(id))
		first, _ := utf8.DecodeRuneInString(p)
		last, _ := utf8.DecodeLastRuneInString(p)
		if id >= anywhere {
			continue
		}
		if isWord(first) {
			m.bounded[id] |= 1
		}
		if isWord(last) {
			m.bounded[id] |= 2
		}
	}
	if len(nodes) >= outFlag/nc {
		return nil, fmt.Errorf("%d phrases make an automaton too large", len(phrases))
	}

	// Breadth-first: failure links, inherited outputs and the full table.
	m.trans = make([]uint32, len(nodes)*nc)
	order := make([]int32, 0, len(nodes))
	order = append(order, 0)
	for q := 0; q < len(order); q++ {
		s := order[q]
		for c := 0; c < nc; c++ {
			nx, ok := nodes[s].next[uint16(c)]
			if ok {
				if s != 0 {
					// The failure state's row is complete: it is shallower.
					nodes[nx].fail = int32(m.trans[int(nodes[s].fail)*nc+c] / uint32(nc))
				}
				nodes[nx].out = append(nodes[nx].out, nodes[nodes[nx].fail].out...)
				order = append(order, nx)
				m.trans[int(s)*nc+c] = uint32(int(nx) * nc)
			} else if s != 0 {
				m.trans[int(s)*nc+c] = m.trans[int(nodes[s].fail)*nc+c]
			}
		}
	}
	m.outs = make([][2]int32, len(nodes))
	for s := range nodes {
		m.outs[s] = [2]int32{int32(len(m.outList)), int32(len(m.outList) + len(nodes[s].out))}
		m.outList = append(m.outList, nodes[s].out...)
	}
	for i, t := range m.trans {
		if len(nodes[int(t)/nc].out) > 0 {
			m.trans[i] = t | outFlag
		}
	}
	return m, nil
}

// Len is the number of phrases.
func (m *Matcher) Len() int { return len(m.phrases) }

// Phrase returns phrase i.
func (m *Matcher) Phrase(i int32) string { return m.phrases[i] }

// Find appends every match in text (normalized) to dst, in order of their ends.
func (m *Matcher) Find(text []byte, dst []Match) []Match {
	trans, class := m.trans, &m.class
	var s uint32
	for i := 0; i < len(text); i++ {
		s = trans[s+uint32(class[text[i]])]
		if s&outFlag != 0 {
			s &^= outFlag
			dst = m.emit(text, s, int32(i+1), dst)
		}
	}
	return dst
}

// Count returns the number of matches in text, as Find would find them.
func (m *Matcher) Count(text []byte) int {
	trans, class := m.trans, &m.class
	var s uint32
	n := 0
	for i := 0; i < len(text); i++ {
		s = trans[s+uint32(class[text[i]])]
		if s&outFlag != 0 {
			s &^= outFlag
			r := m.outs[s/uint32(m.nclass)]
			n += int(r[1] - r[0])
		}
	}
	return n
}

func (m *Matcher) emit(text []byte, s uint32, end int32, dst []Match) []Match {
	r := m.outs[s/uint32(m.nclass)]
	for _, id := range m.outList[r[0]:r[1]] {
		start := end - int32(len(m.phrases[id]))
		b := m.bounded[id]
		if b&1 != 0 && start > 0 {
			if r, _ := utf8.DecodeLastRune(text[:start]); isWord(r) {
				continue
			}
		}
		if b&2 != 0 && int(end) < len(text) {
			if r, _ := utf8.DecodeRune(text[end:]); isWord(r) {
				continue
			}
		}
		dst = append(dst, Match{Phrase: id, Start: start, End: end})
	}
	return dst
}
