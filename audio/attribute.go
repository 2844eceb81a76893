package audio

import "github.com/zhijian-qa/zhijian/schemas"

// A transcribed turn is kept when this share of it, or this much time,
// lies in its side's talk.
const (
	minVoicedShare = 0.3
	minVoicedMS    = 1000
)

// Attribute checks transcribed turns against voice activity. A turn that
// lies mostly where its side was not talking is dropped: speech-to-text
// models are known to invent text in silence and to echo the other side's
// words that leak into a channel. On a mono recording the turns have no
// speaker yet: they take turns by talk span, the agent first, which holds
// when the two sides alternate with pauses between them and fails when
// one side says two things with a pause between (see doc.go).
func (a *Analysis) Attribute(turns []schemas.Turn) []schemas.Turn {
	out := turns[:0]
	for _, t := range turns {
		tr := a.track(t.Speaker)
		if a.Mono() {
			tr = &a.Tracks[0]
		}
		if tr == nil {
			out = append(out, t)
			continue
		}
		end := max(t.EndMS, t.StartMS+1)
		best, most, voiced := -1, int64(0), int64(0)
		for i, s := range tr.Talk {
			if ov := min(s.EndMS, end) - max(s.StartMS, t.StartMS); ov > 0 {
				voiced += ov
				if ov > most {
					best, most = i, ov
				}
			}
		}
		if best < 0 || voiced < minVoicedMS && float64(voiced) < minVoicedShare*float64(end-t.StartMS) {
			continue
		}
		if a.Mono() {
			t.Speaker = schemas.Agent
			if best%2 == 1 {
				t.Speaker = schemas.Customer
			}
		}
		out = append(out, t)
	}
	return out
}
