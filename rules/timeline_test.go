package rules

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/zhijian-qa/zhijian/schemas"
)

// TestMeasuredAudioWithoutTranscript evaluates both packs on a call that
// has measured audio and no words: timing items get verdicts with
// evidence that names no turn's text, word items are not_evaluated.
func TestMeasuredAudioWithoutTranscript(t *testing.T) {
	ot := func(at int64) schemas.Overtalk {
		return schemas.Overtalk{Segment: schemas.Segment{StartMS: at, EndMS: at + 1500}, By: schemas.Agent}
	}
	m := &schemas.Metrics{Source: "audio", DurationMS: 60000, AgentTalkMS: 20000, CustomerTalkMS: 15000, AgentTalkRatio: 20.0 / 35,
		Silences:  []schemas.Segment{{StartMS: 10000, EndMS: 35000}},
		Holds:     []schemas.Segment{{StartMS: 10000, EndMS: 35000}},
		Overtalks: []schemas.Overtalk{ot(2000), ot(5000), ot(40000)}}
	for _, p := range shippedPrograms(t) {
		in := &schemas.Interaction{ID: "c", Channel: schemas.Voice, Language: p.Pack.Meta.Language}
		ev := p.Evaluate(in, m)
		verdicts := map[schemas.Verdict]int{}
		for _, f := range ev.Findings {
			verdicts[f.Verdict]++
			if strings.Contains(f.Item, "interrupt") && f.Verdict != schemas.Fail {
				t.Errorf("%s: %s is %s, want fail on three overtalks", p.Pack.Meta.ID, f.Item, f.Verdict)
			}
			for _, e := range f.Evidence {
				if e.Quote != "" {
					t.Errorf("%s: %s quotes %q from no transcript", p.Pack.Meta.ID, f.Item, e.Quote)
				}
			}
		}
		if verdicts[schemas.NotEvaluated] == 0 || verdicts[schemas.Fail] == 0 {
			t.Errorf("%s: verdicts %v, want some failed on audio and some not evaluated", p.Pack.Meta.ID, verdicts)
		}
	}
}

// speechUnitsByRune is speechUnits as the definition reads: a CJK
// character is a unit, and so is each run of other letters and digits.
func speechUnitsByRune(s string) int {
	n, prevWord := 0, false
	for _, r := range s {
		cjk := r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
		word := !cjk && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'')
		if cjk || word && !prevWord {
			n++
		}
		prevWord = word
	}
	return n
}

func TestSpeechUnitsCountsCharactersAndWords(t *testing.T) {
	pieces := []string{"您好", "请问", "ok", "don't", " ", "，", "。", "12", "\xff", "\xe4\xb8", "\u4dff", "\u4e00",
		"\u9fff", "\ua000", "カタ", "한국", "é", "\u3000", "!", "中\xe4\xb8\xad"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var s string
		for range rng.IntN(8) {
			s += pieces[rng.IntN(len(pieces))]
		}
		if got, want := SpeechUnits(s), speechUnitsByRune(s); got != want {
			t.Fatalf("SpeechUnits(%q) = %d, want %d", s, got, want)
		}
	}
}
