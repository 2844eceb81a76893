package redact

// English street addresses: a house number, a street name of one to four
// words and a street suffix ("1200 Maple Avenue", "55 W 5th St."),
// optionally followed by an apartment, suite or unit ("Apt 4B", "#12") and a
// city, state and ZIP code (", Springfield, IL 62704"). Street names must
// be capitalised (or ordinals) — ASR output capitalises proper nouns — except
// before the unambiguous suffixes (street, avenue, road, boulevard, lane),
// where up to two lower-case words are allowed. "I waited 3 days on the
// road" has three words and a stop word before "road" and is not an address.

var streetSuffixes = map[string]bool{
	"street": true, "st": true, "avenue": true, "ave": true, "av": true,
	"road": true, "rd": true, "boulevard": true, "blvd": true, "lane": true,
	"ln": true, "drive": true, "dr": true, "way": true, "court": true,
	"ct": true, "place": true, "pl": true, "terrace": true, "parkway": true,
	"pkwy": true, "highway": true, "hwy": true, "circle": true, "cir": true,
	"trail": true, "square": true, "plaza": true,
}

// abbreviations take the full stop after them into the address.
var abbreviations = map[string]bool{
	"st": true, "ave": true, "av": true, "rd": true, "blvd": true, "ln": true,
	"dr": true, "ct": true, "pl": true, "pkwy": true, "hwy": true, "cir": true,
}

// plainSuffixes may follow a lower-case street name.
var plainSuffixes = map[string]bool{
	"street": true, "avenue": true, "road": true, "boulevard": true, "lane": true,
}

var directions = map[string]bool{
	"n": true, "s": true, "e": true, "w": true, "ne": true, "nw": true, "se": true, "sw": true,
	"north": true, "south": true, "east": true, "west": true,
}

// notStreetNames are lower-case words that do not name streets.
var notStreetNames = map[string]bool{
	"the": true, "a": true, "an": true, "on": true, "in": true, "at": true, "to": true,
	"of": true, "for": true, "and": true, "or": true, "my": true, "your": true, "our": true,
	"their": true, "this": true, "that": true, "these": true, "those": true, "same": true,
	"other": true, "next": true, "last": true, "first": true, "down": true, "up": true,
	"across": true, "by": true, "from": true, "with": true, "more": true, "days": true,
	"hours": true, "minutes": true, "weeks": true, "times": true, "items": true, "blocks": true,
	"miles": true, "lane": true, "way": true, "is": true, "was": true, "it": true,
}

var unitWords = map[string]bool{
	"apt": true, "apartment": true, "unit": true, "suite": true, "ste": true,
	"fl": true, "floor": true, "rm": true, "room": true, "bldg": true, "building": true,
}

// usStates are the two-letter codes of the states, DC and Puerto Rico.
var usStates = map[string]bool{
	"AL": true, "AK": true, "AZ": true, "AR": true, "CA": true, "CO": true, "CT": true, "DE": true,
	"FL": true, "GA": true, "HI": true, "ID": true, "IL": true, "IN": true, "IA": true, "KS": true,
	"KY": true, "LA": true, "ME": true, "MD": true, "MA": true, "MI": true, "MN": true, "MS": true,
	"MO": true, "MT": true, "NE": true, "NV": true, "NH": true, "NJ": true, "NM": true, "NY": true,
	"NC": true, "ND": true, "OH": true, "OK": true, "OR": true, "PA": true, "RI": true, "SC": true,
	"SD": true, "TN": true, "TX": true, "UT": true, "VT": true, "VA": true, "WA": true, "WV": true,
	"WI": true, "WY": true, "DC": true, "PR": true,
}

// word returns the end of the ASCII word (letters, digits, apostrophes) at i.
func word(n string, i int) int {
	e := i
	for e < len(n) && (isAlnum(n[e]) || n[e] == '\'') {
		e++
	}
	return e
}

// space skips one or two spaces at i; it returns i when there is none.
func space(n string, i int) int {
	e := i
	for e < len(n) && e-i < 2 && n[e] == ' ' {
		e++
	}
	return e
}

func isOrdinal(w string) bool {
	k := 0
	for k < len(w) && isDigit(w[k]) {
		k++
	}
	if k == 0 || k > 3 {
		return false
	}
	if len(w)-k != 2 {
		return false
	}
	switch string([]byte{w[k] | 0x20, w[k+1] | 0x20}) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// lowerKey returns w in lower case in buf, for map look-ups without
// allocating (words longer than buf are no keys of ours).
func lowerKey(buf *[16]byte, w string) []byte {
	if len(w) > len(buf) {
		return nil
	}
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
		if !isLetter(w[i]) {
			buf[i] = w[i]
		}
	}
	return buf[:len(w)]
}

func allLower(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isLower(w[i]) {
			return false
		}
	}
	return w != ""
}

// enAddress parses an address whose house number starts at i.
func enAddress(n string, i int) (int, bool) {
	p := i
	for p < len(n) && isDigit(n[p]) {
		p++
	}
	if p-i > 6 {
		return 0, false
	}
	if p < len(n) && isLetter(n[p]) && p+1 < len(n) && n[p+1] == ' ' {
		p++ // "12B Baker Street"
	}
	q := space(n, p)
	if q == p {
		return 0, false
	}
	p = q
	names, lower := 0, 0
	end := -1
	for k := 0; k < 5; k++ {
		we := word(n, p)
		if we == p {
			return 0, false
		}
		w := n[p:we]
		var buf [16]byte
		lw := lowerKey(&buf, w)
		abbrev := we < len(n) && n[we] == '.'
		if names > 0 && streetSuffixes[string(lw)] && (lower == 0 || (plainSuffixes[string(lw)] && lower <= 2)) &&
			!(we < len(n) && isAlnum(n[we])) {
			end = we
			if abbrev && abbreviations[string(lw)] {
				end++ // "St.", "Ave.", "Blvd."
			}
			break
		}
		switch {
		case isUpper(w[0]) || isOrdinal(w):
		case allLower(w) && !notStreetNames[w] && len(w) >= 3:
			lower++
		default:
			return 0, false
		}
		if directions[string(lw)] && abbrev {
			we++
		}
		names++
		q := space(n, we)
		if q == we {
			return 0, false
		}
		p = q
	}
	if end < 0 {
		return 0, false
	}
	// Apartment, suite, unit: ", Apt 4B", " Apt. 4B", " #12".
	if e, ok := enUnit(n, end); ok {
		end = e
	}
	// City, state and ZIP: ", Springfield, IL 62704".
	if e, ok := enCityState(n, end); ok {
		end = e
	}
	return end, true
}

func enUnit(n string, p int) (int, bool) {
	if p < len(n) && n[p] == ',' {
		p++
	}
	q := space(n, p)
	if q == p {
		return 0, false
	}
	p = q
	if p < len(n) && n[p] == '#' {
		p++
	} else {
		we := word(n, p)
		var buf [16]byte
		if !unitWords[string(lowerKey(&buf, n[p:we]))] {
			return 0, false
		}
		p = we
		if p < len(n) && n[p] == '.' {
			p++
		}
		p = space(n, p)
		if p < len(n) && n[p] == '#' {
			p++
		}
	}
	v := p
	for p < len(n) && p-v < 6 && (isAlnum(n[p]) || n[p] == '-') {
		p++
	}
	if p == v || (p < len(n) && isAlnum(n[p])) {
		return 0, false
	}
	return p, true
}

func enCityState(n string, p int) (int, bool) {
	if p < len(n) && n[p] == ',' {
		p++
	}
	q := space(n, p)
	if q == p {
		return 0, false
	}
	p = q
	words := 0
	for words < 3 {
		we := word(n, p)
		if we == p || !isUpper(n[p]) {
			break
		}
		words++
		p = we
		if p < len(n) && n[p] == ',' {
			break
		}
		q := space(n, p)
		if q == p {
			return 0, false
		}
		// A state code ends the city.
		if se := word(n, q); se-q == 2 && usStates[n[q:se]] {
			p = q - 1 // back onto the space
			break
		}
		p = q
	}
	if words == 0 {
		return 0, false
	}
	if p < len(n) && n[p] == ',' {
		p++
	}
	q = space(n, p)
	if q == p {
		return 0, false
	}
	p = q
	se := word(n, p)
	if se-p != 2 || !usStates[n[p:se]] {
		return 0, false
	}
	p = se
	if q := space(n, p); q > p && q+5 <= len(n) {
		z := q
		for z < len(n) && z-q < 5 && isDigit(n[z]) {
			z++
		}
		if z-q == 5 && !(z < len(n) && isDigit(n[z])) {
			if z+5 <= len(n) && n[z] == '-' && isDigit(n[z+1]) {
				f := z + 1
				for f < len(n) && isDigit(n[f]) {
					f++
				}
				if f-z-1 == 4 {
					z = f
				}
			}
			if !(z < len(n) && isAlnum(n[z])) {
				p = z
			}
		}
	}
	return p, true
}

// appendEnAddresses appends the English street addresses of n.
func appendEnAddresses(out []Span, n string) []Span {
	for i := 0; i < len(n); i++ {
		if !isDigit(n[i]) {
			continue
		}
		if i > 0 {
			switch c := n[i-1]; {
			case isAlnum(c), c == '.', c == '-', c == '_', c == '/', c == '+', c == '#',
				c == '@', c == ':', c == '$', c == '[', c == ']':
				for i < len(n) && isDigit(n[i]) {
					i++
				}
				continue
			}
		}
		if e, ok := enAddress(n, i); ok {
			out = append(out, Span{Start: i, End: e, Kind: Address})
			i = e - 1
			continue
		}
		for i < len(n) && isDigit(n[i]) {
			i++
		}
	}
	return out
}
