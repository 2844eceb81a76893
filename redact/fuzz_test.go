package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// runeStarts marks the offsets reached by decoding s from its start: the
// rune boundaries of s, also when s is not valid UTF-8.
func runeStarts(s string) []bool {
	at := make([]bool, len(s)+1)
	for i := 0; i < len(s); {
		at[i] = true
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	at[len(s)] = true
	return at
}

// checkSpans reports what is wrong with Find's answer for s.
func checkSpans(t *testing.T, s string, spans []Span) {
	t.Helper()
	starts := runeStarts(s)
	prev := 0
	for i, sp := range spans {
		if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
			t.Fatalf("Find(%q) span %d = %+v: out of order or bounds (previous end %d)", s, i, sp, prev)
		}
		if !starts[sp.Start] || !starts[sp.End] {
			t.Fatalf("Find(%q) span %d = %+v is not on rune boundaries", s, i, sp)
		}
		if sp.Kind.Placeholder() == "[REDACTED]" {
			t.Fatalf("Find(%q) span %d has unknown kind %q", s, i, sp.Kind)
		}
		prev = sp.End
	}
}

func FuzzStringNeverPanicsAndKeepsRunes(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans := Find(s)
		checkSpans(t, s, spans)
		// Offsets map back to exactly the text the detectors saw folded.
		n, _ := normalize(s)
		inN := find(n)
		if len(inN) != len(spans) {
			t.Fatalf("Find(%q): %d spans, %d in the folded text", s, len(spans), len(inN))
		}
		for i, sp := range spans {
			if got, _ := normalize(s[sp.Start:sp.End]); got != n[inN[i].Start:inN[i].End] {
				t.Fatalf("Find(%q) span %d maps back to %q, folded %q", s, i, s[sp.Start:sp.End], n[inN[i].Start:inN[i].End])
			}
		}
		once := String(s)
		if utf8.ValidString(s) && !utf8.ValidString(once) {
			t.Fatalf("String(%q) = %q is not valid UTF-8", s, once)
		}
		if twice := String(once); twice != once {
			t.Fatalf("String is not idempotent:\n in    %q\n once  %q\n twice %q\n spans %+v\n again %+v",
				s, once, twice, spans, Find(once))
		}
		if len(spans) == 0 && once != s {
			t.Fatalf("String(%q) changed text without spans: %q", s, once)
		}
		if strings.Count(once, "[") < len(spans) {
			t.Fatalf("String(%q) = %q lost placeholders", s, once)
		}
	})
}

// fuzzSeeds mix every kind with its near misses, in both languages and in
// full-width digits.
var fuzzSeeds = []string{
	"",
	"收件地址是湖北省武汉市洪山区珞喻路1037号华中科技大学西十二舍518室，收件人刘晓雯，电话13871562291",
	"改到武汉市武昌区中北路109号中商广场写字楼12楼",
	"card on file 4539 1488 0343 6467, expiring 08/29",
	"SW-10060418, l.moreno@example.com",
	"SF1409925581034 这个件, JD0012345678901, 1Z9A4W170314225581",
	"我的手机是１３８ ００１３ ８０００，身份证11010519491231002X",
	"Ship to 1200 Maple Avenue, Apt 4B, Springfield, IL 62704, call (555) 123-4567 or +44 20 7946 0958",
	"北京市朝阳区建国路88号，3栋2单元501室，11月3号送到",
	"运单号：731001380013800 订单号 13800138000 电话 138-0013-8000 尾号6632",
	"1 3 8 0 0 1 3 8 0 0 0 是我的号码，座机027-87654321，0755 2345 6789",
	"卡号6222 0212 3456 7890 123，银行卡 6222021234567890128",
	"a@b.com.13800138000 x@y.order 13800138000 信用卡 13800138000 30000000000004",
	"2单元501 1 3 8 0 0 1 3 8 0 0 0, 13800138000.13912345678",
	"\xff\xfe13800138000\xe4\xb8",
	"+86 (0)10 8765 4321 / 0086-138-0013-8000 / 8613800138000",
	"555.123.45 6 415.555.0132. 1.5.5",
	"Reach me at 07700 900123 or 415.555.0132; 1200 maple avenue springfield",
}
