package redact

import "strings"

func isLocalChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// appendEmails appends the addresses local@domain.tld of n: a local part of
// letters, digits and ._%+-, a domain of at least two labels, the last of
// them two or more letters. The domain ends where a label ends, so an
// address is never glued to a word or number after it.
func appendEmails(out []Span, n string) []Span {
	from := 0 // a local part never reaches back into the previous address
	for i := 0; i < len(n); {
		k := strings.IndexByte(n[i:], '@')
		if k < 0 {
			break
		}
		at := i + k
		i = at + 1
		ls := at
		for ls > from && isLocalChar(n[ls-1]) {
			ls--
		}
		for ls < at && n[ls] == '.' {
			ls++
		}
		if ls == at || n[at-1] == '.' {
			continue
		}
		end := -1
		labels := 0
		p := at + 1
		for {
			lb := p
			letters := true
			for p < len(n) && (isAlnum(n[p]) || n[p] == '-') {
				if !isLetter(n[p]) {
					letters = false
				}
				p++
			}
			if p == lb || n[lb] == '-' || n[p-1] == '-' {
				break
			}
			labels++
			if labels >= 2 && letters && p-lb >= 2 {
				end = p
			}
			if p+1 < len(n) && n[p] == '.' && isAlnum(n[p+1]) {
				p++
				continue
			}
			break
		}
		if end < 0 {
			continue
		}
		out = append(out, Span{Start: ls, End: end, Kind: Email})
		from = end
		i = end
	}
	return out
}
