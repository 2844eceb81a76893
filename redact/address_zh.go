package redact

import "strings"

// Chinese addresses are found from their street-level part, the part that
// identifies a door: a road and its number ("珞喻路1037号"), a compound and
// a building or room ("华中科技大学西十二舍518室", "万达广场B座1203室"),
// or a chain of building units ("3栋2单元501室"). From there the span grows
// right over further units and named buildings, and left over the road or
// compound name and the administrative units before it ("湖北省武汉市洪山区").
// Administrative units alone ("武汉市洪山区", "我在武汉") are not an address.
//
// Names have no delimiter in Chinese, so a name runs left until a function
// character that cannot be part of a place name ("是", "在", "到", "的", …,
// see isStopper), a non-Han character, or a length limit.

// unitSuffix is the word after a number in a street-level part ("栋",
// "单元", "号"), with how much it says about being an address on its own,
// and whether a bare room number may follow it ("2单元501").
type unitSuffix struct {
	s        string
	strength int // 2: a building or room; 1: a house number or floor; 0: weak
	room     bool
}

// notAfterHao: "3号线" (metro line), "5号柜" (locker), … are not addresses.
func notAfterHao(r rune) bool {
	switch r {
	case '线', '码', '位', '柜', '机', '台', '仓', '窗', '口', '键', '店', '车', '牌':
		return true
	}
	return false
}

func isHanNumeral(r rune) bool {
	switch r {
	case '零', '〇', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百':
		return true
	}
	return false
}

func isAdminSuffix(r rune) bool {
	switch r {
	case '省', '市', '区', '县', '镇', '乡', '旗', '州', '盟':
		return true
	}
	return false
}

// isPlaceSuffix: the last character of a compound, campus or building name
// (小区, 花园, 大厦, 广场, 大学, 宿舍, 写字楼, 新村, …).
func isPlaceSuffix(r rune) bool {
	switch r {
	case '区', '园', '苑', '厦', '寓', '场', '学', '院', '村', '庄', '舍', '府', '湾', '里', '城', '楼', '馆', '阁', '轩', '居', '邸', '墅', '坊', '庭', '寨', '屯', '心', '所', '岛':
		return true
	}
	return false
}

// isVillageSuffix: places whose doors are numbered with 号 ("陡山村12号").
func isVillageSuffix(r rune) bool {
	switch r {
	case '村', '庄', '屯', '寨', '里', '苑', '园', '区', '院', '湾', '城', '府', '居', '邸', '坊':
		return true
	}
	return false
}

// isStopper: characters that end a name on its left: verbs, pronouns and
// particles around an address ("地址是…", "寄到…", "我住…"). Characters
// common inside place names (解放, 和平, 向阳, 朝阳, 回龙观, 来广营, 于家堡,
// 都江堰, 留仙, 将军, 写字楼, 家园, …) are deliberately left out.
func isStopper(r rune) bool {
	switch r {
	case '是', '在', '到', '址', '为', '往', '寄', '送', '住', '改', '的', '从', '我', '你', '他', '她', '们', '去', '给', '请', '问', '帮', '填', '要', '说', '个', '这', '那', '就', '了', '把', '吗', '呢', '吧', '啊', '呀', '哦', '嗯', '么', '还', '也', '已', '被', '让', '叫', '找', '对', '即', '或', '及', '并', '且', '但':
		return true
	}
	return false
}

// notAfterRoom: a bare number after a unit is a room ("2单元501") unless a
// word of time, money or count follows it ("2单元 2026年").
func notAfterRoom(r rune) bool {
	switch r {
	case '年', '月', '日', '点', '时', '分', '秒', '元', '块', '角', '个', '件', '天', '次', '号', '万', '千', '百', '岁', '斤', '公':
		return true
	}
	return false
}

// maxUnits bounds the units read after one anchor ("3栋2单元501室" has
// three), so a long run like "1号1号1号…" costs a constant per anchor and
// the scan stays linear.
const maxUnits = 8

type zhScanner struct{ n string }

// parseUnit reads a number and its unit suffix at i ("1037号", "B座",
// "三栋", "18-2号"), with one space allowed between (ASR).
func (z zhScanner) parseUnit(i int) (end int, u unitSuffix, ok bool) {
	n := z.n
	if i >= len(n) {
		return 0, u, false
	}
	e := i
	kind := 0 // 1 digits, 2 letter, 3 Han numeral
	switch c := n[i]; {
	case isDigit(c):
		if i > 0 && isAlnum(n[i-1]) {
			return 0, u, false // inside a word or longer number: "com0013栋"
		}
		for e < len(n) && isDigit(n[e]) {
			e++
		}
		if e-i > 5 {
			return 0, u, false
		}
		if e+1 < len(n) && n[e] == '-' && isDigit(n[e+1]) {
			f := e + 1
			for f < len(n) && isDigit(n[f]) {
				f++
			}
			if f-e-1 > 4 {
				return 0, u, false
			}
			e = f
		}
		kind = 1
	case isLetter(c):
		if i > 0 && isAlnum(n[i-1]) {
			return 0, u, false
		}
		e = i + 1
		kind = 2
		if e < len(n) && isDigit(n[e]) {
			// A lettered building: "C6栋", "B18栋".
			for e < len(n) && isDigit(n[e]) {
				e++
			}
			if e-i-1 > 4 {
				return 0, u, false
			}
			kind = 1
		} else if e < len(n) && isLetter(n[e]) {
			return 0, u, false
		}
	default:
		for k := 0; k < 3; k++ {
			r, size := runeAt(n, e)
			if !isHanNumeral(r) {
				break
			}
			e += size
		}
		if e == i {
			return 0, u, false
		}
		kind = 3
	}
	if e < len(n) && n[e] == ' ' {
		e++
	}
	s, ok := unitSuffixAt(n, e)
	if !ok {
		return 0, u, false
	}
	switch {
	case kind == 2 && !(s.s == "座" || s.s == "栋" || s.s == "幢" || s.s == "区" ||
		s.s == "单元" || s.s == "楼" || s.s == "号楼"):
		return 0, u, false // "B座" and "A区", not "A号" or "A室"
	case kind == 3 && (s.s == "室" || s.s == "户"):
		return 0, u, false // "三室一厅" is a flat's layout
	case s.s == "号":
		if r, _ := runeAt(n, e+len(s.s)); notAfterHao(r) {
			return 0, u, false
		}
	}
	return e + len(s.s), s, true
}

// unitSuffixAt returns the unit suffix at i, the longest when two match.
func unitSuffixAt(n string, i int) (unitSuffix, bool) {
	r, _ := runeAt(n, i)
	switch r {
	case '号':
		switch {
		case strings.HasPrefix(n[i:], "号楼"):
			return unitSuffix{"号楼", 2, true}, true
		case strings.HasPrefix(n[i:], "号院"):
			return unitSuffix{"号院", 2, false}, true
		}
		return unitSuffix{"号", 1, false}, true
	case '单':
		if strings.HasPrefix(n[i:], "单元") {
			return unitSuffix{"单元", 2, true}, true
		}
	case '栋':
		return unitSuffix{"栋", 2, true}, true
	case '幢':
		return unitSuffix{"幢", 2, true}, true
	case '座':
		return unitSuffix{"座", 2, true}, true
	case '室':
		return unitSuffix{"室", 2, false}, true
	case '户':
		return unitSuffix{"户", 2, false}, true
	case '弄':
		return unitSuffix{"弄", 1, false}, true
	case '层':
		return unitSuffix{"层", 1, true}, true
	case '楼':
		return unitSuffix{"楼", 1, true}, true
	case '期':
		return unitSuffix{"期", 1, false}, true
	case '组':
		return unitSuffix{"组", 1, false}, true
	case '排':
		return unitSuffix{"排", 1, false}, true
	case '区':
		return unitSuffix{"区", 0, false}, true
	case '门':
		return unitSuffix{"门", 0, false}, true
	}
	return unitSuffix{}, false
}

// bareRoom reads a room number written without 室 after a unit
// ("2单元501", "3栋2-501").
func (z zhScanner) bareRoom(i int) (int, bool) {
	n := z.n
	if i < len(n) && n[i] == ' ' {
		i++
	}
	if i >= len(n) || !isDigit(n[i]) {
		return 0, false
	}
	e := i
	for e < len(n) && isDigit(n[e]) {
		e++
	}
	if e-i < 2 && !(e < len(n) && n[e] == '-') || e-i > 5 {
		return 0, false
	}
	if e+1 < len(n) && n[e] == '-' && isDigit(n[e+1]) {
		f := e + 1
		for f < len(n) && isDigit(n[f]) {
			f++
		}
		if f-e-1 > 5 {
			return 0, false
		}
		e = f
	}
	// Whatever follows must not continue the number: not even a dash, whose
	// digits may be a phone that a placeholder will replace.
	if e < len(n) && (isAlnum(n[e]) || strings.IndexByte(".:-_/@", n[e]) >= 0) {
		return 0, false
	}
	if r, _ := runeAt(n, e); notAfterRoom(r) {
		return 0, false
	}
	if _, _, ok := z.parseUnit(i); ok {
		return 0, false
	}
	return e, true
}

// nameStart walks left from at over the Han characters of a name: at most
// max of them, stopping at a stopper and, when stopAdmin, at an
// administrative suffix (which adminStart then takes).
func (z zhScanner) nameStart(at, max int, stopAdmin bool) (int, int) {
	i, k := at, 0
	for k < max {
		r, size := runeBefore(z.n, i)
		if !isHan(r) || isStopper(r) || (stopAdmin && isAdminSuffix(r)) {
			break
		}
		i -= size
		k++
	}
	return i, k
}

// adminStart extends an address starting at cs left over the
// administrative units written before it ("湖北省武汉市洪山区").
func (z zhScanner) adminStart(cs int) int {
	n := z.n
	w := cs
	for k := 0; k < 16; k++ {
		r, size := runeBefore(n, w)
		if r == ' ' {
			// One ASR space between Han characters.
			r2, _ := runeBefore(n, w-1)
			r3, _ := runeAt(n, w)
			if isHan(r2) && !isStopper(r2) && isHan(r3) {
				w--
				continue
			}
			break
		}
		if !isHan(r) || isStopper(r) {
			break
		}
		w -= size
	}
	// The first administrative suffix in n[w:cs] starts the chain; its name
	// is the two characters before it, or all of the window when that is
	// at most three ("石家庄市").
	for i := w; i < cs; {
		r, size := runeAt(n, i)
		if isAdminSuffix(r) {
			names := 0
			for j := w; j < i; {
				_, s := runeAt(n, j)
				j += s
				names++
			}
			if names <= 3 {
				return w
			}
			j := i
			for k := 0; k < 2; k++ {
				_, s := runeBefore(n, j)
				j -= s
			}
			return j
		}
		i += size
	}
	return cs
}

// roadBefore reports whether the text ending at i is a road suffix (路, 街,
// 巷, 段 as in "人民南路四段", 大道, 胡同) and returns where the suffix starts.
func (z zhScanner) roadBefore(i int) (int, bool) {
	r, size := runeBefore(z.n, i)
	switch r {
	case '路', '街', '巷', '段':
		return i - size, true
	case '道', '同':
		r2, size2 := runeBefore(z.n, i-size)
		if (r == '道' && r2 == '大') || (r == '同' && r2 == '胡') {
			return i - size - size2, true
		}
	}
	return 0, false
}

// extendRight takes further units, a room number and named buildings
// followed by units ("…1037号华中科技大学西十二舍518室") after p.
func (z zhScanner) extendRight(p int, last unitSuffix) int {
	n := z.n
	for k := 0; ; k++ {
		if k == maxUnits {
			return p
		}
		q := p
		if q < len(n) && n[q] == ' ' {
			q++
		}
		if e, u, ok := z.parseUnit(q); ok {
			p, last = e, u
			continue
		}
		if last.room {
			if e, ok := z.bareRoom(p); ok {
				return e
			}
		}
		if e, u, ok := z.placeThenUnit(p); ok {
			p, last = e, u
			continue
		}
		return p
	}
}

// placeThenUnit reads a building or compound name of at most 12 Han
// characters ending in a place suffix and the unit after it.
func (z zhScanner) placeThenUnit(p int) (int, unitSuffix, bool) {
	n := z.n
	i := p
	for k := 0; k < 12; k++ {
		r, size := runeAt(n, i)
		if !isHan(r) || isStopper(r) {
			break
		}
		i += size
		if isPlaceSuffix(r) {
			q := i
			if q < len(n) && n[q] == ' ' {
				q++
			}
			if e, u, ok := z.parseUnit(q); ok {
				return e, u, true
			}
		}
	}
	return 0, unitSuffix{}, false
}

// unitChain counts the units (and a final bare room) from a, for a
// street-level part without a road or compound name.
func (z zhScanner) unitChain(a, e int, u unitSuffix) (end, count int, strong bool) {
	n := z.n
	count, strong, end = 1, u.strength == 2, e
	for count < maxUnits {
		q := end
		if q < len(n) && n[q] == ' ' {
			q++
		}
		if e2, u2, ok := z.parseUnit(q); ok {
			end, u, count = e2, u2, count+1
			strong = strong || u2.strength == 2
			continue
		}
		if u.room {
			if e2, ok := z.bareRoom(end); ok {
				return e2, count + 1, strong
			}
		}
		return end, count, strong
	}
	return end, count, strong
}

// address tries to build an address around the unit n[a:e].
func (z zhScanner) address(a, e int, u unitSuffix) (Span, bool) {
	n := z.n
	pb := a
	if pb > 0 && n[pb-1] == ' ' {
		pb--
	}
	cs := -1
	numeric := isDigit(n[a]) || !isLetter(n[a])
	if s, ok := z.roadBefore(pb); ok && numeric && u.strength >= 1 {
		if ns, k := z.nameStart(s, 6, true); k > 0 {
			cs = ns
		}
	}
	if cs < 0 {
		r, size := runeBefore(n, pb)
		if isPlaceSuffix(r) && (u.strength == 2 || (u.strength == 1 && isVillageSuffix(r) &&
			(u.s == "号" || u.s == "弄" || u.s == "组" || u.s == "排" || u.s == "期"))) {
			ns, _ := z.nameStart(pb-size, 10, true)
			cs = ns
		}
	}
	end := e
	if cs < 0 {
		var count int
		var strong bool
		end, count, strong = z.unitChain(a, e, u)
		if count < 2 || !strong {
			return Span{}, false
		}
		cs = a
		return Span{Start: z.adminStart(cs), End: end, Kind: Address}, true
	}
	end = z.extendRight(end, u)
	return Span{Start: z.adminStart(cs), End: end, Kind: Address}, true
}

// appendZhAddresses appends the Chinese addresses of n.
func appendZhAddresses(out []Span, n string) []Span {
	z := zhScanner{n: n}
	for i := 0; i < len(n); {
		c := n[i]
		var size int
		var r rune
		switch {
		case isDigit(c):
			if i > 0 && isDigit(n[i-1]) {
				i++
				continue
			}
			size = 1
		case c < 0x80:
			if !isLetter(c) {
				i++
				continue
			}
			size = 1
		default:
			r, size = runeAt(n, i)
			if !isHanNumeral(r) {
				i += size
				continue
			}
		}
		e, u, ok := z.parseUnit(i)
		if !ok {
			i += size
			continue
		}
		sp, ok := z.address(i, e, u)
		if !ok {
			i += size
			continue
		}
		out = append(out, sp)
		i = sp.End
	}
	return out
}
