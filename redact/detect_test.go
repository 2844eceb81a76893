package redact

import (
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// found renders Find(s) as "kind:text" items for table tests.
func found(s string) []string {
	var out []string
	for _, sp := range Find(s) {
		out = append(out, string(sp.Kind)+":"+s[sp.Start:sp.End])
	}
	return out
}

type detectCase struct {
	in   string
	want []string // "kind:text", in order; nil for nothing
}

func runDetectCases(t *testing.T, cases []detectCase) {
	t.Helper()
	for _, tc := range cases {
		if got := found(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Find(%q)\n got  %q\n want %q", tc.in, got, tc.want)
		}
	}
}

func TestResidentIDChecksum(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"11010519491231002X", true},
		{"11010519491231002x", true},
		{"420111199003157710", true},
		{"440305198807214533", true},
		{"420111199003157718", false}, // check digit
		{"110105194912310021", false}, // check digit
		{"320102200002301234", false}, // 30 February
		{"420111203001011234", false}, // born 2030
		{"420111189912311234", false}, // born 1899
		{"991105194912310027", false}, // no such region
		{"11010519491231002", false},  // 17 characters
		{"1101051949123100XX", false},
	} {
		if got := validResidentID([]byte(tc.id)); got != tc.want {
			t.Errorf("validResidentID(%s) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		d    string
		want bool
	}{
		{"4111111111111111", true},
		{"4539148803436467", true},
		{"378282246310005", true},
		{"6222021234567890128", true},
		{"4111111111111112", false},
		{"6222021234567890", false},
		{"1234567812345678", false},
	} {
		if got := luhn([]byte(tc.d)); got != tc.want {
			t.Errorf("luhn(%s) = %v, want %v", tc.d, got, tc.want)
		}
	}
}

func TestPhones(t *testing.T) {
	runDetectCases(t, []detectCase{
		{"电话13871562291", []string{"phone:13871562291"}},
		{"电话 138 0013 8000。", []string{"phone:138 0013 8000"}},
		{"电话138-0013-8000", []string{"phone:138-0013-8000"}},
		{"+86 138 0013 8000", []string{"phone:+86 138 0013 8000"}},
		{"86 138 0013 8000", []string{"phone:86 138 0013 8000"}},
		{"0086-13800138000", []string{"phone:0086-13800138000"}},
		{"8613800138000", []string{"phone:8613800138000"}},
		{"（+86）138 0013 8000", []string{"phone:（+86）138 0013 8000"}},
		{"座机027-87654321", []string{"phone:027-87654321"}},
		{"座机02787654321", []string{"phone:02787654321"}},
		{"(010) 6275 1234", []string{"phone:(010) 6275 1234"}},
		{"0755 2345 6789", []string{"phone:0755 2345 6789"}},
		{"0571-8706123", []string{"phone:0571-8706123"}},
		{"call (555) 123-4567", []string{"phone:(555) 123-4567"}},
		{"call 555-123-4567", []string{"phone:555-123-4567"}},
		{"call 415.555.0132.", []string{"phone:415.555.0132"}},
		{"call 1-312-555-0198", []string{"phone:1-312-555-0198"}},
		{"+1 (415) 555-0132", []string{"phone:+1 (415) 555-0132"}},
		{"+44 20 7946 0958", []string{"phone:+44 20 7946 0958"}},
		{"+852 9123 4567", []string{"phone:+852 9123 4567"}},
		{"my number is 5558675309", []string{"phone:5558675309"}},
		{"我的电话是 1 3 9 1 2 3 4 5 6 7 8 对", []string{"phone:1 3 9 1 2 3 4 5 6 7 8"}},
		{"13600001111还是13600001112", []string{"phone:13600001111", "phone:13600001112"}},
		{"电话13800138000/13912345678", []string{"phone:13800138000", "phone:13912345678"}},
		{"138 0013 8000 3点前", []string{"phone:138 0013 8000"}},
		// Not phones.
		{"SF1380013800012", nil},
		{"731380013800012", nil},
		{"JD13800138000", nil},
		{"13800138000abc", nil},
		{"价格 1.13800138000", nil},
		{"SW-13800138000", nil},
		{"12345678901", nil},    // starts 12
		{"5558675309", nil},     // ten digits, no phone word
		{"1-800-555-0199", nil}, // toll-free
		{"热线400-820-8820", nil},
		{"95338", nil},
		{"8765 4321", nil}, // no area code
		{"尾号6632", nil},
		{"10:30 2026-11-01", nil},
		{"运单号 13800138000", nil},
		{"订单号：13800138000", nil},
		{"单号是 138 0013 8000", nil},
		{"order number is 555-123-4567", nil},
		{"tracking # 5551234567", nil},
		{"SF 13800138000", nil},
		{"7 3 1 0 0 1 3 8 0 0 1 3 8 0 0", nil}, // spelled-out digits, not eleven of them
		{"+0 123 4567 8901", nil},
	})
}

func TestIDCards(t *testing.T) {
	runDetectCases(t, []detectCase{
		{"身份证11010519491231002X，", []string{"id_card:11010519491231002X"}},
		{"身份证11010519491231002x", []string{"id_card:11010519491231002x"}},
		{"身份证 110105 19491231 002X", []string{"id_card:110105 19491231 002X"}},
		{"ID 420111199003157710.", []string{"id_card:420111199003157710"}},
		{"身份证４２０１０６１９８７０６２１００３３", []string{"id_card:４２０１０６１９８７０６２１００３３"}},
		{"身份证 420111199003157718", nil}, // check digit
		{"身份证 320102200002301234", nil}, // 30 February
		{"11010519491231002XY", nil},
		{"A11010519491231002X", nil},
		{"身份证后四位002X", nil},
	})
}

func TestBankCards(t *testing.T) {
	runDetectCases(t, []detectCase{
		{"4111 1111 1111 1111", []string{"bank_card:4111 1111 1111 1111"}},
		{"4111-1111-1111-1111", []string{"bank_card:4111-1111-1111-1111"}},
		{"6222 0212 3456 7890 128", []string{"bank_card:6222 0212 3456 7890 128"}},
		{"Amex 3782 822463 10005", []string{"bank_card:3782 822463 10005"}},
		{"4111111111111111", []string{"bank_card:4111111111111111"}},       // Visa prefix, 16
		{"6222021234567890128", []string{"bank_card:6222021234567890128"}}, // UnionPay, 19
		{"卡号 378282246310005", []string{"bank_card:378282246310005"}},      // 15, by keyword
		{"card number is 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", []string{"bank_card:4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"}},
		{"4111 1111 1111 1112", nil},       // Luhn
		{"卡号6217001234567891", nil},        // Luhn
		{"378282246310005", nil},           // 15 digits, no grouping or keyword
		{"3000000000000004", nil},          // Luhn but no issuer prefix we know
		{"订单号 4367421234567896", nil},      // order context
		{"order 4111 1111 1111 1111", nil}, // order context
		{"card ending 4242", nil},
		{"SF4111111111111111", nil},
	})
}

func TestEmails(t *testing.T) {
	runDetectCases(t, []detectCase{
		{"邮箱zhangsan@163.com，谢谢", []string{"email:zhangsan@163.com"}},
		{"j.smith+returns@gmail.com?", []string{"email:j.smith+returns@gmail.com"}},
		{"mail kevin.ortiz@mail.example.co.uk.", []string{"email:kevin.ortiz@mail.example.co.uk"}},
		{"13871562291@qq.com", []string{"email:13871562291@qq.com"}},
		{"ｚｈａｎｇ＠１６３．ｃｏｍ", []string{"email:ｚｈａｎｇ＠１６３．ｃｏｍ"}},
		{"a@b.com@c.org", []string{"email:a@b.com"}},
		{"user@localhost", nil},
		{"@handle", nil},
		{"x@y.c", nil},
		{"x@y.com123", nil},
		{"x@-y.com", nil},
	})
}

func TestChineseAddresses(t *testing.T) {
	runDetectCases(t, []detectCase{
		{"地址是湖北省武汉市洪山区珞喻路1037号华中科技大学西十二舍518室，收件人",
			[]string{"address:湖北省武汉市洪山区珞喻路1037号华中科技大学西十二舍518室"}},
		{"北京市朝阳区建国路88号", []string{"address:北京市朝阳区建国路88号"}},
		{"改到武汉市武昌区中北路109号中商广场写字楼12楼", []string{"address:武汉市武昌区中北路109号中商广场写字楼12楼"}},
		{"我住3栋2单元501室", []string{"address:3栋2单元501室"}},
		{"万科城市花园5栋2单元301，白天", []string{"address:万科城市花园5栋2单元301"}},
		{"万达广场B座1203室", []string{"address:万达广场B座1203室"}},
		{"送到光谷软件园C6栋302就行", []string{"address:光谷软件园C6栋302"}},
		{"上海市长宁区长乐路123弄4号502室", []string{"address:上海市长宁区长乐路123弄4号502室"}},
		{"解放大道690号", []string{"address:解放大道690号"}},
		{"留仙大道1号", []string{"address:留仙大道1号"}},
		{"将军路5号", []string{"address:将军路5号"}},
		{"和平大道1219号", []string{"address:和平大道1219号"}},
		{"朝阳路8号", []string{"address:朝阳路8号"}},
		{"向阳路8号", []string{"address:向阳路8号"}},
		{"人民南路四段11号", []string{"address:人民南路四段11号"}},
		{"陡山村3组12号", []string{"address:陡山村3组12号"}},
		{"武汉市 洪山区 珞喻路 1037 号", []string{"address:武汉市 洪山区 珞喻路 1037 号"}},
		{"地址：浙江省杭州市西湖区文三路４７８号", []string{"address:浙江省杭州市西湖区文三路４７８号"}},
		// City-level mentions, dates, lockers and single units are not addresses.
		{"我在武汉", nil},
		{"武汉市洪山区", nil},
		{"11月3号送到", nil},
		{"放在3号柜", nil},
		{"5号线", nil},
		{"我家是3号楼", nil},
		{"三室一厅", nil},
		{"我在医院3楼", nil},
		{"人民路", nil},
		{"2单元 2026年", []string(nil)},
	})
}

func TestEnglishAddresses(t *testing.T) {
	runDetectCases(t, []detectCase{
		{"Ship to 1200 Maple Avenue, Apt 4B, Springfield, IL 62704.", []string{"address:1200 Maple Avenue, Apt 4B, Springfield, IL 62704"}},
		{"55 W 5th Street, New York, NY 10019", []string{"address:55 W 5th Street, New York, NY 10019"}},
		{"left at 742 Evergreen Terrace.", []string{"address:742 Evergreen Terrace"}},
		{"I'm at 221B Baker Street, London.", []string{"address:221B Baker Street"}},
		{"88 Harbor Rd, Unit 12, Portland, ME 04101", []string{"address:88 Harbor Rd, Unit 12, Portland, ME 04101"}},
		{"901 N Lake Shore Dr, Apt 2310, Chicago, IL 60611", []string{"address:901 N Lake Shore Dr, Apt 2310, Chicago, IL 60611"}},
		{"my address is 1200 maple avenue springfield", []string{"address:1200 maple avenue"}},
		{"12 Oak St. #3", []string{"address:12 Oak St. #3"}},
		{"I'm in Chicago", nil},
		{"I live on Maple Avenue", nil},
		{"It took 3 days on the road", nil},
		{"walked 2 blocks down the street", nil},
		{"I ordered 2 items the same way", nil},
		{"Order SW-1200 Maple Avenue", nil},
		{"Apt 4B", nil},
	})
}

func TestStringKeepsTrackingNumbersAndOrderIDs(t *testing.T) {
	for _, s := range []string{
		"SF1409925581034", "JD0012345678901", "YT7530218845501", "JT3012345678901",
		"1Z9A4W170314225581", "1Z999AA10123456784", "731001234567890", "432109876543210",
		"78123456789012", "SW-10048213", "SW-10060418", "JD123", "TS20261104000123",
		"订单号 20261101123456789", "订单号 3456789012345678901", "订单号是 4367421234567896",
		"运单号：13800138000", "Order #10048213", "order 112-3456789-1234567",
		"USPS 9400111899223344556677", "tracking 7712 3456 7890", "尾号6632", "card ending 4242",
		"¥1,380.00", "$84.99", "2026-11-01 10:30", "11月3号", "工号A1031", "取件码 6-2-3018",
		"顺丰 SF 1409925581034", "单号 4 3 2 1 0 9 8 7 6 5 4 3 2 1 0",
	} {
		if got := String(s); got != s {
			t.Errorf("String(%q) = %q, want it unchanged", s, got)
		}
	}
	in := "运单SF1409925581034，订单SW-10048213，收件人电话13871562291"
	want := "运单SF1409925581034，订单SW-10048213，收件人电话[PHONE]"
	if got := String(in); got != want {
		t.Errorf("String(%q)\n got  %q\n want %q", in, got, want)
	}
}

func TestStringReplacesFullWidthDigitsInPlace(t *testing.T) {
	in := "手机１３８ ００１３ ８０００，尾号８０００"
	want := "手机[PHONE]，尾号８０００"
	if got := String(in); got != want {
		t.Errorf("String(%q) = %q, want %q", in, got, want)
	}
	spans := Find(in)
	if len(spans) != 1 || in[spans[0].Start:spans[0].End] != "１３８ ００１３ ８０００" {
		t.Errorf("Find(%q) = %+v, want the full-width number", in, spans)
	}
}

func TestStringUsesTheSamePlaceholdersInBothLanguages(t *testing.T) {
	in := "卡号6222 0212 3456 7890 128，身份证11010519491231002X，邮箱a.b@c.com，北京市朝阳区建国路88号，电话13871562291"
	want := "卡号[CARD]，身份证[ID]，邮箱[EMAIL]，[ADDRESS]，电话[PHONE]"
	if got := String(in); got != want {
		t.Errorf("String(%q)\n got  %q\n want %q", in, got, want)
	}
	in = "Card 4111 1111 1111 1111, email a.b@c.com, 1200 Maple Avenue, call (555) 123-4567"
	want = "Card [CARD], email [EMAIL], [ADDRESS], call [PHONE]"
	if got := String(in); got != want {
		t.Errorf("String(%q)\n got  %q\n want %q", in, got, want)
	}
}

func TestRedactCountsByKind(t *testing.T) {
	out, st := Redact("电话13871562291或13600001111，邮箱a@b.com")
	if out != "电话[PHONE]或[PHONE]，邮箱[EMAIL]" {
		t.Errorf("Redact text = %q", out)
	}
	if st[Phone] != 2 || st[Email] != 1 || st.Total() != 3 {
		t.Errorf("Redact stats = %v, want 2 phones and 1 email", st)
	}
	sum := Stats{}
	sum.Add(st)
	sum.Add(st)
	if sum[Phone] != 4 {
		t.Errorf("Stats.Add: %v", sum)
	}
	if out, st := Redact("没有个人信息"); out != "没有个人信息" || st != nil {
		t.Errorf("Redact without PII = %q, %v", out, st)
	}
}

func TestStringWithoutPIIReturnsItsInput(t *testing.T) {
	for _, tc := range []struct {
		s         string
		maxAllocs float64
	}{
		{strings.Repeat("Anything else I can help you with today? ", 10), 0},
		// Full-width punctuation is folded into one scratch copy, and a
		// number that is not personal data costs a scratch buffer.
		{strings.Repeat("您好，请问还有什么可以帮您？", 10), 1},
		{strings.Repeat("运单SF1409925581034 已签收，11月3号 10:30。", 10), 2},
	} {
		got := String(tc.s)
		if unsafe.StringData(got) != unsafe.StringData(tc.s) {
			t.Errorf("String(%q) returned a copy", tc.s)
		}
		if allocs := testing.AllocsPerRun(100, func() { _ = String(tc.s) }); allocs > tc.maxAllocs {
			t.Errorf("String(%.30q…) allocates %.0f times, want at most %.0f", tc.s, allocs, tc.maxAllocs)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	in := "\xff电话13871562291\xe4\xb8"
	if got, want := String(in), "\xff电话[PHONE]\xe4\xb8"; got != want {
		t.Errorf("String(%q) = %q, want %q", in, got, want)
	}
}
