package redact

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// soupTokens are pieces of the things the detectors look for and of their
// near misses; random strings of them reach combinations that byte-level
// fuzzing takes long to build (keywords next to numbers next to addresses).
var soupTokens = []string{
	"0", "1", "2", "3", "8", "9", "13800138000", "138", "0013", "8000", "86", "0086", "+", "+86",
	"(", ")", " ", " ", "  ", "-", ".", "_", "@", "#", ":", "：", ",", "，", "]", "[", "X", "x",
	"4111", "1111", "6222", "0212", "3456", "7890", "123", "4111111111111111",
	"6222021234567890128", "11010519491231002X", "110105", "19491231", "002X", "027", "87654321",
	"555", "4567", "(555)", "1200", "501", "12", "62704", "415.555.0132", ".555", ".0132", "555.",
	"号", "路", "街", "大道", "栋", "单元", "室", "楼", "座", "小区", "花园", "村", "组", "期",
	"解放", "段", "四段", "C6", "省", "市", "区", "县", "镇", "湖北", "武汉", "洪山", "珞喻", "中山", "建国", "华中科技大学", "西十二舍",
	"是", "在", "到", "的", "我", "三", "十二", "A", "B", "月", "年",
	"订单", "单号", "运单号", "快递", "卡号", "银行卡", "信用卡", "电话", "手机", "尾号",
	"order", "Order", "tracking", "card", "Visa", "call", "phone", "is", "number", "SF", "JD", "UPS",
	"a", "b", "com", "cn", "x@y.com", "l.moreno", "example", "qq",
	"Maple", "Main", "Avenue", "Street", "St", "Ave", "Apt", "Unit", "#4B", "Springfield", "IL", "N", "5th",
	"road", "days", "the", "Court", "Way",
	"１", "３", "８", "０", "＠", "－", "　", "\xff", "\xe4\xb8", "[PHONE]", "[ADDRESS]",
}

func TestStringIsIdempotentOnTokenSoup(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	runs := 60000
	if testing.Short() {
		runs = 5000
	}
	// REDACT_SOUP_RUNS=N (and REDACT_SOUP_SEED) run a longer hunt.
	if v, err := strconv.Atoi(os.Getenv("REDACT_SOUP_RUNS")); err == nil {
		runs = v
	}
	if v, err := strconv.ParseUint(os.Getenv("REDACT_SOUP_SEED"), 10, 64); err == nil {
		r = rand.New(rand.NewPCG(v, 2))
	}
	maxTokens := 14
	if v, err := strconv.Atoi(os.Getenv("REDACT_SOUP_TOKENS")); err == nil && v > 0 {
		maxTokens = v
	}
	for k := 0; k < runs; k++ {
		b.Reset()
		for m := 1 + r.IntN(maxTokens); m > 0; m-- {
			b.WriteString(soupTokens[r.IntN(len(soupTokens))])
		}
		s := b.String()
		spans := Find(s)
		checkSpans(t, s, spans)
		once := String(s)
		if utf8.ValidString(s) && !utf8.ValidString(once) {
			t.Fatalf("String(%q) = %q is not valid UTF-8", s, once)
		}
		if twice := String(once); twice != once {
			t.Fatalf("String is not idempotent:\n in    %q\n once  %q\n twice %q\n spans %+v\n again %+v",
				s, once, twice, spans, Find(once))
		}
	}
}
