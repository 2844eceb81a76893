package rules

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCountValidRunes(t *testing.T) {
	for _, s := range []string{"", "a", "您好，请问 ＡＢ", "工单号GD202611013381，转运中心会在24小时内给您回复", "é😀ß\u00a0x", "\U0010FFFF\u0800\u07ff"} {
		for i := 0; i <= len(s); i++ {
			for j := i; j <= len(s); j++ {
				if p := s[i:j]; utf8.ValidString(p) && countValidRunes(p) != utf8.RuneCountInString(p) {
					t.Fatalf("countValidRunes(%q) = %d, want %d", p, countValidRunes(p), utf8.RuneCountInString(p))
				}
			}
		}
	}
	// Long texts, past the 255 words counted at once.
	for _, s := range []string{strings.Repeat("客服", 700), strings.Repeat("😀", 600) + "a", strings.Repeat("ab中", 2000)} {
		if got, want := countValidRunes(s), utf8.RuneCountInString(s); got != want {
			t.Fatalf("countValidRunes of %d bytes = %d, want %d", len(s), got, want)
		}
	}
}
