package redact

// The number scanner reads each chain of digit groups once — digits joined
// by at most three separator characters (spaces, one dash, one parenthesis:
// "138 0013 8000", "+1 (555) 123-4567", "6222-0212-3456-7890-123") — and
// classifies runs of whole groups inside it as an ID card, a bank card or
// a phone number. A group is never split: "13800138000" inside
// "SF1380013800012" or "731380013800012" is not a phone.

// maxDigits bounds a candidate: nothing we look for has more than 19
// digits (a UnionPay card; "0086" and a mobile make 15), so each group is
// tried against a constant number of followers and the scan stays linear.
const maxDigits = 20

type group struct {
	start, end int  // the digits are n[start:end]
	x          bool // an ID check character X/x follows at n[end]
}

type numScanner struct {
	n       string
	blocked []Span // emails and addresses, sorted, non-overlapping
	bi      int    // first blocked span that may still matter
	last    int    // end of the last number found
	out     []Span
	groups  []group
	found   []match
	digits  [maxDigits + 1]byte
}

// findNumbers returns the phones, ID cards and bank cards of n outside the
// blocked spans, in order.
func findNumbers(n string, blocked []Span) []Span {
	sc := numScanner{n: n, blocked: blocked}
	for i := 0; i < len(n); {
		if !isDigit(n[i]) {
			i++
			continue
		}
		if b, ok := sc.blockedAt(i); ok {
			i = b.End
			continue
		}
		i = sc.chain(i)
		sc.matchChain()
	}
	return sc.out
}

// blockedAt returns the blocked span holding byte i. Calls come with
// non-decreasing i.
func (sc *numScanner) blockedAt(i int) (Span, bool) {
	for sc.bi < len(sc.blocked) && sc.blocked[sc.bi].End <= i {
		sc.bi++
	}
	if sc.bi < len(sc.blocked) && sc.blocked[sc.bi].Start <= i {
		return sc.blocked[sc.bi], true
	}
	return Span{}, false
}

// floor is the end of the last item found before i: look-behind stops there.
func (sc *numScanner) floor(i int) int {
	f := sc.last
	for k := sc.bi; k < len(sc.blocked) && sc.blocked[k].Start < i; k++ {
		if e := sc.blocked[k].End; e <= i && e > f {
			f = e
		}
	}
	if sc.bi > 0 {
		if e := sc.blocked[sc.bi-1].End; e <= i && e > f {
			f = e
		}
	}
	return f
}

// alnumAt reports whether byte i is an ASCII letter or digit outside every
// item found (inside one it reads like the placeholder that will replace it).
func (sc *numScanner) alnumAt(i int) bool {
	if i < 0 || i >= len(sc.n) || !isAlnum(sc.n[i]) {
		return false
	}
	if i < sc.last {
		return false
	}
	for k := sc.bi; k < len(sc.blocked) && sc.blocked[k].Start <= i; k++ {
		if i < sc.blocked[k].End {
			return false
		}
	}
	if sc.bi > 0 && i < sc.blocked[sc.bi-1].End && i >= sc.blocked[sc.bi-1].Start {
		return false
	}
	return true
}

// chain reads the chain of groups starting at digit i into sc.groups and
// returns the offset after it.
func (sc *numScanner) chain(i int) int {
	n := sc.n
	sc.groups = sc.groups[:0]
	if e, ok := sc.dottedEnd(i); ok {
		sc.groups = append(sc.groups, group{i, i + 3, false}, group{i + 4, i + 7, false}, group{i + 8, e, false})
		return e
	}
	p := i
	for {
		e := p
		for e < len(n) && isDigit(n[e]) {
			e++
		}
		g := group{start: p, end: e}
		if e < len(n) && (n[e] == 'X' || n[e] == 'x') && !sc.alnumAt(e+1) {
			if _, blocked := sc.blockedAt(e); !blocked {
				g.x = true
			}
		}
		sc.groups = append(sc.groups, g)
		if g.x {
			return e + 1
		}
		k := e
		spaces, dashes, parens := 0, 0, 0
	sep:
		for k < len(n) && k-e < 4 {
			switch n[k] {
			case ' ':
				spaces++
			case '-':
				dashes++
			case '(', ')':
				parens++
			default:
				break sep
			}
			k++
		}
		if k == e || k-e > 3 || k >= len(n) || !isDigit(n[k]) || spaces > 2 || dashes > 1 || parens > 1 {
			return e
		}
		if _, ok := sc.blockedAt(k); ok {
			return e
		}
		if _, ok := sc.dottedEnd(k); ok {
			return e // a chain of its own, as it will be next to a placeholder
		}
		p = k
	}
}

// dottedEnd reports whether the one chain with dots for separators, the
// North American 415.555.0132, starts at p, and where it ends. A dot
// anywhere else is a decimal point and glues numbers.
func (sc *numScanner) dottedEnd(p int) (int, bool) {
	n := sc.n
	for k, l := range [3]int{3, 3, 4} {
		e := p
		for e < len(n) && isDigit(n[e]) {
			e++
		}
		if e-p != l {
			return 0, false
		}
		if _, blocked := sc.blockedAt(p); blocked {
			return 0, false
		}
		if k == 2 {
			return e, true
		}
		if e+1 >= len(n) || n[e] != '.' || !isDigit(n[e+1]) {
			return 0, false
		}
		p = e + 1
	}
	return 0, false
}

// lead is where the item that starts with group g begins: on a "+" or an
// opening parenthesis right before the digits.
func (sc *numScanner) lead(g group) (start int, plus bool) {
	n := sc.n
	start = g.start
	if start > sc.floor(g.start) && n[start-1] == '+' {
		start--
		plus = true
	}
	if start > sc.floor(g.start) && n[start-1] == '(' {
		start--
	}
	return start, plus
}

// gluedBefore reports whether the chain starting at byte i continues a word
// or number on its left: "SW-10048213", "JD0012345678901", "3.1415926535".
// A slash separates ("13800138000/13912345678" lists two phones).
func (sc *numScanner) gluedBefore(i int) bool {
	if sc.alnumAt(i - 1) {
		return true
	}
	if i-1 >= sc.floor(i) && i-1 >= 0 {
		switch sc.n[i-1] {
		case '@':
			return true
		case '.', '_', '-':
			return sc.alnumAt(i - 2)
		}
	}
	return false
}

// gluedAfter reports whether the chain ending at byte i continues into a
// word or number on its right: "13800138000abc", "1380013800.5".
func (sc *numScanner) gluedAfter(i int) bool {
	if sc.alnumAt(i) {
		return true
	}
	if i < len(sc.n) {
		switch sc.n[i] {
		case '@':
			return true
		case '.', '_', '-':
			return sc.alnumAt(i + 1)
		}
	}
	return false
}

// match is groups i..j read as one item.
type match struct {
	i, j int
	kind Kind
}

// matchChain classifies runs of the groups in sc.groups, in three steps
// chosen so that a second pass over redacted text finds nothing new:
//
//  1. the whole chain as one item ("+44 20 7946 0958", "1 3 8 0 0 1 3 8 0 0 0");
//  2. left to right, the longest item starting at each group, among runs
//     without groups of one or two digits;
//  3. each run of groups left between those items, as a whole.
//
// Groups of one or two digits are how ASR spells digits out and how
// prefixes are written ("+44 20", "86 138"); by step 3 they make an item
// only when the item is everything between two others, so runs of
// spelled-out digits are not mined for eleven that happen to fit, and a
// placeholder written in the place of an item splits the chain where the
// item did.
func (sc *numScanner) matchChain() {
	gs := sc.groups
	first, lastIdx := 0, len(gs)-1
	if l, _ := sc.lead(gs[0]); sc.gluedBefore(l) {
		first = 1
	}
	if sc.gluedAfter(endOf(gs[lastIdx])) {
		lastIdx--
	}
	if first > lastIdx {
		return
	}
	if k, ok := sc.classifyRun(first, lastIdx, true); ok {
		sc.emit(match{first, lastIdx, k})
		return
	}
	base := sc.last
	found := sc.found[:0]
	for i := first; i <= lastIdx; {
		best, bestKind := -1, Kind("")
		for j := i; j <= lastIdx; j++ {
			k, ok := sc.classifyRun(i, j, false)
			if ok {
				best, bestKind = j, k
			} else if k == tooLong || k == hasShort {
				break // so is every longer run
			}
		}
		if best < 0 {
			i++
			continue
		}
		found = append(found, match{i, best, bestKind})
		sc.last = endOf(gs[best])
		i = best + 1
	}
	sc.found = found
	// Step 3, then emit everything in order.
	sc.last = base
	seg := first
	for k := 0; k <= len(found); k++ {
		segEnd := lastIdx
		if k < len(found) {
			segEnd = found[k].i - 1
		}
		if seg <= segEnd {
			if kind, ok := sc.classifyRun(seg, segEnd, true); ok {
				sc.emit(match{seg, segEnd, kind})
			}
		}
		if k < len(found) {
			sc.emit(found[k])
			seg = found[k].j + 1
		}
	}
}

func endOf(g group) int {
	if g.x {
		return g.end + 1
	}
	return g.end
}

// emit appends m to the output.
func (sc *numScanner) emit(m match) {
	gs := sc.groups
	start := gs[m.i].start
	if m.kind == Phone {
		// "+86 …" and "(555) 123-4567" start at the sign; a "(" that does
		// not close after the first group stays with the text.
		l, _ := sc.lead(gs[m.i])
		if sc.n[l] == '(' && (gs[m.i].end >= len(sc.n) || sc.n[gs[m.i].end] != ')') {
			l++
		}
		start = l
	}
	sc.out = append(sc.out, Span{Start: start, End: endOf(gs[m.j]), Kind: m.kind})
	sc.last = endOf(gs[m.j])
}

// What classifyRun answers for runs of more than maxDigits, and for runs
// with a group of one or two digits when those are not allowed.
const (
	tooLong  Kind = "too long"
	hasShort Kind = "has short"
)

// classifyRun classifies groups i..j, which may hold groups of one or two
// digits only when allowShort.
func (sc *numScanner) classifyRun(i, j int, allowShort bool) (Kind, bool) {
	nd := 0
	for k := i; k <= j; k++ {
		g := sc.groups[k]
		nd += g.end - g.start
		if nd > maxDigits {
			return tooLong, false
		}
		if !allowShort && g.end-g.start <= 2 {
			return hasShort, false
		}
	}
	return sc.classify(i, j)
}

// classify decides whether groups i..j are one item.
func (sc *numScanner) classify(i, j int) (Kind, bool) {
	gs := sc.groups
	n := sc.n
	d := sc.digits[:0]
	simple := true // separators are spaces and dashes only
	for k := i; k <= j; k++ {
		g := gs[k]
		d = append(d, n[g.start:g.end]...)
		if k > i {
			for _, c := range []byte(n[gs[k-1].end:g.start]) {
				if c != ' ' && c != '-' {
					simple = false
				}
			}
		}
	}
	if gs[j].x {
		d = append(d, 'X')
		if simple && validResidentID(d) {
			return IDCard, true
		}
		return "", false
	}
	if len(d) == 18 && simple && validResidentID(d) {
		return IDCard, true
	}
	start, plus := sc.lead(gs[i])
	floor := sc.floor(start)
	if len(d) >= 13 && len(d) <= 19 && simple && luhn(d) && !plus {
		if (cardGrouped(gs[i:j+1]) || (i == j && cardPrefix(d)) ||
			nearKeyword(n, floor, start, 16, cardKeywordsZh, cardKeywordsEn)) &&
			!keepContext(n, floor, start) {
			return BankCard, true
		}
	}
	if sc.isPhone(d, i, j, start, plus, simple) && !keepContext(n, floor, start) {
		return Phone, true
	}
	return "", false
}

func (sc *numScanner) isPhone(d []byte, i, j, start int, plus, simple bool) bool {
	gs := sc.groups
	n := sc.n
	if len(d) < 8 || (!plus && len(d) < 10) {
		return false
	}
	if plus {
		// +CC and 6–14 more digits; a leading 0 is no country code.
		return len(d) >= 8 && len(d) <= 15 && d[0] != '0'
	}
	// Mainland mobile, optionally after 86 or 0086.
	m := d
	if len(m) == 15 && string(m[:4]) == "0086" {
		m = m[4:]
	} else if len(m) == 13 && string(m[:2]) == "86" {
		m = m[2:]
	}
	if len(m) == 11 && m[0] == '1' && m[1] >= '3' && m[1] <= '9' && simple && !nanpShape(gs[i:j+1]) {
		return true
	}
	// Mainland landline with its area code: 010 and 02X take 8-digit
	// numbers, other (4-digit) codes 7 or 8; local numbers start with 2–9.
	if d[0] == '0' && d[1] != '0' {
		area := 4
		if d[1] == '1' || d[1] == '2' {
			area = 3
		}
		if d[1] == '1' && d[2] != '0' {
			return false
		}
		local := len(d) - area
		okLen := local == 8 || (area == 4 && local == 7)
		if okLen && d[area] >= '2' && d[area] <= '9' &&
			(i == j || gs[i].end-gs[i].start == area) {
			return true
		}
		return false
	}
	// North American numbers: 555-123-4567, (555) 123-4567, 1-555-123-4567.
	us := d
	k := i
	if len(us) == 11 && us[0] == '1' && gs[i].end-gs[i].start == 1 {
		us = us[1:]
		k++
	}
	if len(us) != 10 || us[0] < '2' || tollFree(us[:3]) {
		return false
	}
	if j-k == 2 && gs[k].end-gs[k].start == 3 && gs[k+1].end-gs[k+1].start == 3 {
		return true
	}
	// Ten digits in one piece read as a phone only when the text says so
	// ("call me at 5551234567"); alone they are as likely an order or
	// tracking number.
	if i == j && us[3] >= '2' && nearKeyword(n, sc.floor(start), start, 24, phoneKeywordsZh, phoneKeywordsEn) {
		return true
	}
	return false
}

// nanpShape reports whether groups are written 1-3-3-4, the North American
// way: "1-800-555-0199" is not the mainland mobile 18005550199.
func nanpShape(gs []group) bool {
	if len(gs) != 4 {
		return false
	}
	for k, l := range [4]int{1, 3, 3, 4} {
		if gs[k].end-gs[k].start != l {
			return false
		}
	}
	return true
}

// tollFree reports whether a North American area code is a toll-free
// service prefix (800, 888, …) or the mainland's 400 service numbers,
// written the same 3-3-4 way. Those are company hotlines, not personal.
func tollFree(area []byte) bool {
	switch string(area) {
	case "800", "888", "877", "866", "855", "844", "833", "400":
		return true
	}
	return false
}

// cardGrouped reports whether groups are written the way cards are printed:
// fours with a shorter last group ("6222 0212 3456 7890 123"), or the
// 4-6-5 / 4-6-4 of Amex and Diners.
func cardGrouped(gs []group) bool {
	l := func(k int) int { return gs[k].end - gs[k].start }
	if len(gs) == 3 && l(0) == 4 && l(1) == 6 && (l(2) == 5 || l(2) == 4) {
		return true
	}
	if len(gs) < 4 {
		return false
	}
	for k := 0; k < len(gs)-1; k++ {
		if l(k) != 4 {
			return false
		}
	}
	return l(len(gs)-1) >= 1 && l(len(gs)-1) <= 4
}

// cardPrefix reports whether an ungrouped run has the length and issuer
// prefix of a card: 16 digits of Visa (4), Mastercard (51–55, 2221–2720),
// JCB (35), Discover (6011, 65) or UnionPay (62, 60); 17–19 digits of
// UnionPay.
func cardPrefix(d []byte) bool {
	p2 := string(d[:2])
	switch len(d) {
	case 16:
		if d[0] == '4' || (d[0] == '5' && d[1] >= '1' && d[1] <= '5') ||
			p2 == "35" || p2 == "65" || p2 == "62" || p2 == "60" {
			return true
		}
		p4 := atoi(d[:4])
		return p4 >= 2221 && p4 <= 2720
	case 17, 18, 19:
		return p2 == "62" || p2 == "60"
	}
	return false
}
