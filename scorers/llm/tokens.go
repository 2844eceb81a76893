package llm

import "unicode/utf8"

// Token estimates, made before a request is sent (for the tokens-per-minute
// bucket) and when a server reports no usage: one token per CJK character
// (Han, kana, Hangul, CJK and full-width punctuation), one per 4 bytes of
// other text, rounded up. Real tokenizers differ by model; the bucket is
// reconciled with the usage the server reports.
func estimateTokens(s string) int {
	cjk, other := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			other++
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if wide(r) {
			cjk++
		} else {
			other += n
		}
		i += n
	}
	return cjk + (other+3)/4
}

// wide reports whether r is written as one token-ish CJK character.
func wide(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r <= 0x9FFF: // CJK radicals, punctuation, kana, Han
		return true
	case 0xAC00 <= r && r <= 0xD7AF: // Hangul
		return true
	case 0xF900 <= r && r <= 0xFAFF, 0xFF00 <= r && r <= 0xFFEF: // compatibility Han, full-width forms
		return true
	case 0x20000 <= r && r <= 0x3FFFF: // Han extensions
		return true
	}
	return false
}

// messageOverhead is what chat formatting adds per message (role and
// separators), and replyOverhead what it adds to prime the answer.
const (
	messageOverhead = 4
	replyOverhead   = 3
)

// promptTokens estimates the prompt of a request with these messages.
func promptTokens(messages ...string) int {
	n := replyOverhead
	for _, m := range messages {
		n += messageOverhead + estimateTokens(m)
	}
	return n
}

// answerTokens guesses an answer's length before it is written: an item
// with one quote and a sentence of rationale, and the summary and intents.
func answerTokens(items, maxTokens int) int {
	return min(maxTokens, 40+70*items)
}
