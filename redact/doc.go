// Package redact removes personal data from contact-center text before it
// leaves the process (to an LLM) and, when configured, before transcripts
// and evidence quotes are stored. It finds mainland and international phone
// numbers, PRC resident ID numbers, bank card numbers, email addresses and
// street-level addresses in Chinese and English, and replaces each with a
// placeholder a model and a reviewer can still read: "[PHONE]", "[ID]",
// "[CARD]", "[EMAIL]", "[ADDRESS]".
//
//	redact.String("收件人电话13871562291，地址北京市朝阳区建国路88号")
//	// "收件人电话[PHONE]，地址[ADDRESS]"
//
// Find reports the spans (byte offsets into the input) for callers that
// mark rather than replace; Redact also counts the replacements by kind for
// metrics. All functions are pure and safe for concurrent use.
//
// # Precision first
//
// QA needs tracking numbers, order ids, amounts, dates, phone tails (尾号
// 6632) and card last-4s, so every detector is built not to eat them:
//
//   - Digits are read in whole groups. A number is never carved out of a
//     longer run of digits or letters: the eleven digits inside
//     "SF1380013800012", "731380013800012" or "JD13800138000" are no phone.
//   - A number right after a tracking or order keyword (单号, 运单, 订单,
//     快递, 工单, 编号, order, tracking, waybill, invoice, ticket, … or a
//     carrier code like "SF " / "UPS "), give or take fillers such as "号是：" or
//     "number is", is never a phone or a card.
//   - ID numbers must have a real region, a date of birth between 1900 and
//     2026 and the ISO 7064 MOD 11-2 check character.
//   - Bank cards must pass Luhn and, in addition, look like a card: printed in
//     groups of four (or Amex 4-6-5), or written after a card word within 16
//     characters (卡, 银联, card, credit, debit, visa, mastercard, amex, …),
//     or be 16 digits with a Visa, Mastercard, JCB, Discover or UnionPay
//     prefix, or 17–19 digits with a UnionPay prefix (62, 60). An ungrouped
//     Luhn-valid run without a card prefix or word stays: one in ten random
//     order numbers passes Luhn.
//   - Phones are 1[3-9] mobiles (with +86, 86 or 0086, in any grouping but
//     the North American 1-3-3-4), landlines with their area code (010 and
//     02X with 8 digits, 0XXX with 7 or 8), "+CC" and 6–14 digits, and North
//     American numbers written 3-3-4 ("555-123-4567", "(555) 123-4567",
//     "415.555.0132"), ten digits in one piece only after a phone word.
//     Toll-free and 400 service numbers are company hotlines and stay.
//   - Groups of one or two digits (ASR spelling digits out, "+44 20 …")
//     make an item only as a whole chain, never as eleven digits picked out
//     of a longer spelled-out tracking number.
//   - Addresses need a street-level part: a road and its number
//     ("珞喻路1037号"), a compound and a building unit ("万达广场B座1203室"),
//     two building units ("3栋2单元501室"), or a house number, street name and
//     street suffix in English ("1200 Maple Avenue"). The span grows over the
//     administrative units before it and the units, building names, city,
//     state and ZIP code after it. "我在武汉", "武汉市洪山区", "11月3号",
//     "3号柜" and "I'm in Chicago" are not addresses.
//
// testdata/pii/labelled.jsonl holds the hand-labelled utterances the
// detectors are measured on (TestPrecisionAndRecallOnTheLabelledSet logs
// the table), and testdata/pii/holdout.jsonl a set written after tuning.
//
// # Input
//
// Full-width digits, letters and punctuation ("１３８", "＠", "－"), the
// ideographic space and Unicode dashes are folded to ASCII for detection;
// the replacement covers the original bytes, so "手机１３８ ００１３ ８０００"
// becomes "手机[PHONE]". Spans start and end on rune boundaries; invalid UTF-8
// is passed through, never split. Nothing panics on any input, and the
// detectors are hand-written scanners that look at each byte a bounded
// number of times, so time is linear in the input.
//
// # Idempotence
//
// String(String(s)) == String(s). Emails and addresses are found first; the
// number scanner does not look inside them, and whatever it looks back at
// (keywords, letters glued to digits) stops at the end of an item already
// found, exactly as it stops at a placeholder's "]" on a second pass.
//
// # Limits
//
// Chinese numerals for phone digits (幺三八…) and spelled-out English
// numbers are not recognised, nor are foreign national numbers without
// their +country code ("07700 900123"), landlines without an area code,
// emails dictated as "name at qq dot com", or addresses without a house or
// building number ("光谷步行街").
package redact
