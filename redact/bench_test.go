package redact

import (
	"strings"
	"testing"
)

// benchTranscript is a realistic mixed-language transcript of 2 KB:
// a Chinese address-change call and an English billing chat, with tracking
// numbers, order ids, times and amounts around a handful of PII items.
var benchTranscript = strings.Join([]string{
	"客服：您好，欢迎致电迅捷快递，工号A1031为您服务，请问有什么可以帮您？",
	"客户：你好，我有个件 SF1409925581034 想改一下收件地址，昨天下午3点揽收的。",
	"客服：好的，我看一下，这个件现在的收件地址是湖北省武汉市洪山区珞喻路1037号华中科技大学西十二舍518室，收件人刘晓雯，电话13871562291，您要改成哪里？",
	"客户：改到武汉市武昌区中北路109号中商广场写字楼12楼，收件人不变。",
	"客服：好的，麻烦提供一下收件人手机号后四位，我核实一下身份。",
	"客户：2291。另外上次那个件 YT7530218845501 的理赔 ¥138.00 什么时候到账？退到我的银行卡 6222 0212 3456 7890 128 就行。",
	"客服：理赔款预计3到5个工作日原路退回，11月6日18:00前会有短信通知，请您留意。",
	"客户：好的，我的邮箱是 liuxiaowen@163.com，理赔单也发一份过来。",
	"客服：好的，已登记。还有其他可以帮您的吗？感谢您的来电，再见。",
	"Customer: Hi, I was charged twice for order SW-10060418, $84.99 two times on my statement.",
	"Agent: Hi, I'm Kristine from ShopWell billing. Can you confirm the email on the account?",
	"Customer: l.moreno@example.com, and my phone is (312) 555-0198.",
	"Agent: Thank you. I see two authorizations on the card on file, ending in 6467, dated 2026-11-08 at 10:30.",
	"Customer: The tracking number 1Z9A4W170314225581 says delivered to 1200 Maple Avenue, Apt 4B, Springfield, IL 62704 but I moved.",
	"Agent: I'm sorry about that. The second charge will drop off within 3 to 5 business days.",
	"Customer: Okay. Can you update the address? It's 880 Oak Hollow Ln, Westerville, OH 43081 now.",
	"Agent: Done, and I've noted order SW-10060418 for a refund of $84.99 back to the card ending in 6467.",
	"客服：另外提醒您，快递员的电话是 186-0271-3344，他会在派送前一小时联系您，运单号 JD0012345678901 的件明天到。",
}, "\n")

func BenchmarkString(b *testing.B) {
	b.SetBytes(int64(len(benchTranscript)))
	b.ReportAllocs()
	for b.Loop() {
		_ = String(benchTranscript)
	}
}

func BenchmarkFind(b *testing.B) {
	b.SetBytes(int64(len(benchTranscript)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Find(benchTranscript)
	}
}

// BenchmarkStringAdversarial runs 64 KB of inputs built to make a careless
// scanner backtrack; time per byte should stay close to BenchmarkString's.
func BenchmarkStringAdversarial(b *testing.B) {
	for _, tc := range []struct{ name, unit string }{
		{"spelled-digits", "1 "},
		{"dash-groups", "138-"},
		{"at-signs", "a@"},
		{"dotted-labels", "a.b@c."},
		{"house-numbers", "1 Maple "},
		{"zh-units", "1号"},
		{"zh-names", "湖北省武汉市"},
		{"full-width", "１３８　"},
	} {
		s := strings.Repeat(tc.unit, 64<<10/len(tc.unit))
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				_ = String(s)
			}
		})
	}
}
