package rules

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/schemas"
)

// Thresholds used when timing is derived from turn offsets.
const (
	minSilenceMS = 3000  // shorter gaps are pauses, not silence
	minHoldMS    = 10000 // a gap this long after the agent's words is a hold
)

// TurnMetrics derives timing metrics from turn offsets. Turn durations
// (talk time, overtalk, speech rate) need end_ms on most turns; silences
// and holds need only starts.
func TurnMetrics(in *schemas.Interaction) *schemas.Metrics {
	m := &schemas.Metrics{Source: "turns", AgentTalkRatio: -1, RateUnit: rateUnit(in.Language)}
	turns := in.Turns
	talkers := 0
	for i := range turns {
		t := &turns[i]
		if t.Speaker == schemas.Agent || t.Speaker == schemas.Customer {
			talkers++
			if t.EndMS > t.StartMS {
				m.TimedTurns++
			}
		}
	}
	timed := talkers > 0 && m.TimedTurns*2 >= talkers
	var lastEnd int64
	var agentUnits, customerUnits int
	var otherEnd [2]int64 // latest end of agent (0) and customer (1) turns
	for i := range turns {
		t := &turns[i]
		end := max(t.EndMS, t.StartMS)
		if i > 0 && t.StartMS-lastEnd >= minSilenceMS {
			seg := schemas.Segment{StartMS: lastEnd, EndMS: t.StartMS, Turn: i}
			if timed { // gaps between messages are not dead air
				m.Silences = appendSegment(m.Silences, seg)
				m.LongestSilenceMS = max(m.LongestSilenceMS, seg.EndMS-seg.StartMS)
			}
			if seg.EndMS-seg.StartMS >= minHoldMS && agentHeld(turns, i) {
				m.Holds = appendSegment(m.Holds, seg)
			}
		}
		lastEnd = max(lastEnd, end)
		if !timed {
			continue
		}
		self, other := 0, 1
		switch t.Speaker {
		case schemas.Agent:
			m.AgentTalkMS += t.DurationMS()
			agentUnits += SpeechUnits(t.Text)
		case schemas.Customer:
			self, other = 1, 0
			m.CustomerTalkMS += t.DurationMS()
			customerUnits += SpeechUnits(t.Text)
		default:
			continue
		}
		if t.EndMS > t.StartMS && t.StartMS < otherEnd[other] {
			m.Overtalks = append(m.Overtalks, schemas.Overtalk{
				Segment: schemas.Segment{StartMS: t.StartMS, EndMS: min(t.EndMS, otherEnd[other]), Turn: i},
				By:      t.Speaker,
			})
		}
		otherEnd[self] = max(otherEnd[self], t.EndMS)
	}
	m.DurationMS = lastEnd
	if !in.EndedAt.IsZero() && !in.StartedAt.IsZero() {
		m.DurationMS = max(m.DurationMS, in.EndedAt.Sub(in.StartedAt).Milliseconds())
	}
	if total := m.AgentTalkMS + m.CustomerTalkMS; timed && total > 0 {
		m.AgentTalkRatio = float64(m.AgentTalkMS) / float64(total)
	}
	if m.AgentTalkMS > 0 {
		m.AgentRate = float64(agentUnits) / (float64(m.AgentTalkMS) / 60000)
	}
	if m.CustomerTalkMS > 0 {
		m.CustomerRate = float64(customerUnits) / (float64(m.CustomerTalkMS) / 60000)
	}
	m.Responses = responses(turns, []schemas.Speaker{schemas.Agent, schemas.Bot}, m.DurationMS)
	return m
}

// SetSpeechRates fills the speech rates of metrics measured on a
// recording: each side's units in the transcript per minute of its
// measured talk.
func SetSpeechRates(m *schemas.Metrics, in *schemas.Interaction) {
	m.RateUnit = rateUnit(in.Language)
	var agent, customer int
	for i := range in.Turns {
		switch t := &in.Turns[i]; t.Speaker {
		case schemas.Agent:
			agent += SpeechUnits(t.Text)
		case schemas.Customer:
			customer += SpeechUnits(t.Text)
		}
	}
	m.AgentRate, m.CustomerRate = 0, 0
	if m.AgentTalkMS > 0 && agent > 0 {
		m.AgentRate = float64(agent) / (float64(m.AgentTalkMS) / 60000)
	}
	if m.CustomerTalkMS > 0 && customer > 0 {
		m.CustomerRate = float64(customer) / (float64(m.CustomerTalkMS) / 60000)
	}
}

// agentHeld reports whether the gap before turn i follows the agent's own
// words (perhaps acknowledged by a short customer reply): a hold. A gap
// right after the customer asked something is a slow reply, not a hold.
func agentHeld(turns []schemas.Turn, i int) bool {
	prev := &turns[i-1]
	if prev.Speaker == schemas.Agent {
		return true
	}
	return prev.Speaker == schemas.Customer && isAcknowledgement(prev.Text) &&
		i >= 2 && turns[i-2].Speaker == schemas.Agent
}

// isAcknowledgement reports whether a customer's words only acknowledge
// ("好的", "ok sure"): short, no question, no number given.
func isAcknowledgement(s string) bool {
	return speechUnits(s, 5) <= 4 && !asksOrGivesNumber(s)
}

// asksOrGivesNumber reports whether s holds a question mark (? or ？) or
// an ASCII digit.
func asksOrGivesNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '?' || '0' <= c && c <= '9':
			return true
		case c == 0xef && strings.HasPrefix(s[i:], "？"):
			return true
		}
	}
	return false
}

func rateUnit(lang string) string {
	if isChinese(lang) {
		return "chars/min"
	}
	return "words/min"
}

func isChinese(lang string) bool {
	return strings.HasPrefix(strings.ToLower(lang), "zh")
}

// SpeechUnits counts what speech rate is measured in: each CJK character,
// and each run of other letters or digits (a word).
func SpeechUnits(s string) int { return speechUnits(s, math.MaxInt) }

// speechUnits counts the speech units of s, stopping at limit.
func speechUnits(s string, limit int) int {
	n, inWord := 0, false
	for i := 0; i < len(s) && n < limit; {
		// The common Han characters, U+4E00-U+9FFF, all Han: E4-E9 and two
		// continuation bytes, most of a Chinese text, counted in line.
		if b := s[i]; b-0xe4 <= 0xe9-0xe4 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 &&
			(b != 0xe4 || s[i+1] >= 0xb8) {
			n++
			inWord = false
			i += 3
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		switch {
		case 0x4E00 <= r && r <= 0x9FFF: // the common Han characters, all Han
			n++
			inWord = false
		case 0x3000 <= r && r <= 0x3004 || 0x3008 <= r && r <= 0x3011 ||
			0xFF01 <= r && r <= 0xFF0F || 0xFF1A <= r && r <= 0xFF20:
			// CJK and full-width punctuation, the usual between them
			inWord = false
		case r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			n++
			inWord = false
		case r < utf8.RuneSelf && ('a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9' || r == '\''),
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if !inWord {
				n++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return n
}

// responses finds, for each run of customer messages, the wait until the
// next turn by one of responders. When nobody ever answered, the wait runs
// to the end of the interaction (durationMS) and Turn is -1.
func responses(turns []schemas.Turn, responders []schemas.Speaker, durationMS int64) []schemas.Response {
	var out []schemas.Response
	if n := customerRuns(turns); n > 0 {
		out = make([]schemas.Response, 0, n) // at most one wait per run
	}
	return appendResponses(out, turns, responders, durationMS)
}

// appendResponses appends the waits responses returns to out.
func appendResponses(out []schemas.Response, turns []schemas.Turn, responders []schemas.Speaker, durationMS int64) []schemas.Response {
	first := len(out)
	asked := -1
	for i := range turns {
		t := &turns[i]
		if t.Speaker == schemas.Customer {
			if asked < 0 {
				asked = i
			}
			continue
		}
		if asked < 0 {
			continue
		}
		for _, r := range responders {
			if t.Speaker == r {
				out = append(out, schemas.Response{Asked: asked, Turn: i,
					WaitMS: t.StartMS - turns[asked].StartMS, Responder: t.Speaker})
				asked = -1
				break
			}
		}
	}
	if asked >= 0 && len(out) == first {
		out = append(out, schemas.Response{Asked: asked, Turn: -1, WaitMS: max(durationMS-turns[asked].StartMS, 0)})
	}
	return out
}

// customerRuns counts the runs of consecutive customer turns.
func customerRuns(turns []schemas.Turn) int {
	n, in := 0, false
	for i := range turns {
		c := turns[i].Speaker == schemas.Customer
		if c && !in {
			n++
		}
		in = c
	}
	return n
}

// appendSegment appends seg, making room for a few at once.
func appendSegment(list []schemas.Segment, seg schemas.Segment) []schemas.Segment {
	if list == nil {
		list = make([]schemas.Segment, 0, 4)
	}
	return append(list, seg)
}
