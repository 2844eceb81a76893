package redact

import "strings"

// Look-behind for the number scanner. Every look-behind reads n[floor:at]
// only, where floor is the end of the last item already found (an email, an
// address or an earlier number): redacted text has a placeholder there,
// whose "]" stops every look-behind the same way, so a second pass over
// String's output decides as the first did.

// keepKeywordsZh mark the number after them as a tracking number, order id
// or other business reference that QA needs: such numbers are never read as
// phones or cards. They must end right before the number, give or take the
// fillers trimmed by trimFillers ("运单号：", "订单号是").
var keepKeywordsZh = []string{
	"单号", "运单", "订单", "快递单", "物流单", "工单", "面单", "单据", "编号",
	"票号", "流水号", "包裹号", "件号", "取件码", "提货码", "批次号", "发票号",
	"合同号", "退货单", "售后单", "服务单", "投诉单", "快递", "物流", "条码",
}

// keepKeywordsEn are the English ones (any case, whole words).
var keepKeywordsEn = []string{
	"order", "orders", "tracking", "track", "waybill", "awb", "invoice", "ticket",
	"reference", "ref", "confirmation", "shipment", "parcel", "package",
	"rma", "po", "sku", "transaction", "receipt", "case", "claim",
}

// carrierCodes are carrier prefixes written apart from the digits
// ("SF 1409925581034"): upper case, whole words.
var carrierCodes = []string{
	"SF", "JD", "JDV", "YT", "YTO", "ZTO", "STO", "JT", "YD", "EMS", "UPS",
	"DHL", "TBA", "DPK", "KYE", "BEST",
}

// fillersEn are words that may stand between a keyword and its number
// ("order number is", "tracking no").
var fillersEn = []string{"is", "number", "num", "no", "nr", "id", "was", "of", "the", "#"}

// trimFillers strips separators and filler words from the end of n[floor:at]
// and returns the new end.
func trimFillers(n string, floor, at int) int {
	for step := 0; step < 12 && at > floor; step++ {
		c := n[at-1]
		switch c {
		case ' ', '\t', ':', '#', '.', '=', ',', '-':
			at--
			continue
		}
		s := n[floor:at]
		if strings.HasSuffix(s, "是") || strings.HasSuffix(s, "为") {
			at -= len("是")
			continue
		}
		trimmed := false
		for _, w := range fillersEn {
			if hasSuffixFold(s, w) && wordStart(n, floor, at-len(w)) {
				at -= len(w)
				trimmed = true
				break
			}
		}
		if !trimmed {
			break
		}
	}
	return at
}

// wordStart reports whether an ASCII word starting at i is not glued to a
// letter before it (the floor counts as a boundary).
func wordStart(n string, floor, i int) bool {
	return i <= floor || !isLetter(n[i-1])
}

// keepContext reports whether the number starting at at follows a tracking,
// order or other reference keyword.
func keepContext(n string, floor, at int) bool {
	end := trimFillers(n, floor, at)
	s := n[floor:end]
	if s == "" {
		return false
	}
	for _, w := range keepKeywordsZh {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	for _, w := range keepKeywordsEn {
		if hasSuffixFold(s, w) && wordStart(n, floor, end-len(w)) {
			return true
		}
	}
	// A carrier code right before the digits, as in "SF 1409925581034"
	// (only spaces between: trimFillers may have removed more).
	sp := at
	for sp > floor && n[sp-1] == ' ' {
		sp--
	}
	if sp < at {
		s = n[floor:sp]
		for _, w := range carrierCodes {
			if strings.HasSuffix(s, w) && wordStart(n, floor, sp-len(w)) {
				return true
			}
		}
	}
	return false
}

// window returns the start of the look-behind window of at most runes runes
// before at, stopping at floor and at a placeholder's brackets.
func window(n string, floor, at, runes int) int {
	i := at
	for k := 0; k < runes && i > floor; k++ {
		r, size := runeBefore(n, i)
		if r == ']' || r == '[' || i-size < floor {
			break
		}
		i -= size
	}
	return i
}

var cardKeywordsZh = []string{"卡", "银联"}
var cardKeywordsEn = []string{"card", "credit", "debit", "visa", "mastercard", "amex", "unionpay", "discover"}

var phoneKeywordsZh = []string{"电话", "手机", "联系", "号码", "致电", "打"}
var phoneKeywordsEn = []string{"phone", "cell", "mobile", "tel", "call", "text", "reach", "contact", "number", "fax"}

// nearKeyword reports whether one of the keywords occurs in the window of
// runes runes before at.
func nearKeyword(n string, floor, at, runes int, zh, en []string) bool {
	w := window(n, floor, at, runes)
	s := n[w:at]
	for _, k := range zh {
		if strings.Contains(s, k) {
			return true
		}
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) || (i > 0 && isLetter(s[i-1])) {
			continue
		}
		for _, k := range en {
			if hasPrefixFold(s[i:], k) {
				return true
			}
		}
	}
	return false
}
