package redact

// luhn reports whether the ASCII digits d pass the Luhn check.
func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// idWeights are the ISO 7064 MOD 11-2 weights of GB 11643's 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// validResidentID reports whether d (18 bytes: 17 digits and a digit or
// X/x) is a PRC resident ID number: a province-level region code, a date of
// birth between 1900-01-01 and 2026-12-31 that exists, and the MOD 11-2
// check character.
func validResidentID(d []byte) bool {
	if len(d) != 18 {
		return false
	}
	for _, c := range d[:17] {
		if c < '0' || c > '9' {
			return false
		}
	}
	switch int(d[0]-'0')*10 + int(d[1]-'0') {
	case 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
		71, 81, 82, 83:
	default:
		return false
	}
	year := atoi(d[6:10])
	month := atoi(d[10:12])
	day := atoi(d[12:14])
	if year < 1900 || year > 2026 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return false
	}
	sum := 0
	for i, c := range d[:17] {
		sum += int(c-'0') * idWeights[i]
	}
	check := d[17]
	if check == 'x' {
		check = 'X'
	}
	return idCheckChars[sum%11] == check
}

func atoi(d []byte) int {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
