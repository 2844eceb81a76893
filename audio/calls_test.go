package audio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/zhijian-qa/zhijian/schemas"
)

// callsDir holds the synthetic calls (scripts/make-calls) and the
// metrics expected of each.
const callsDir = "../testdata/calls"

var expectedFile = "expected/metrics.json"

type expectedCall struct {
	Name        string `json:"name"`
	WAV         string `json:"wav"`
	Interaction string `json:"interaction"`
	Format      struct {
		Codec      Codec `json:"codec"`
		SampleRate int   `json:"sample_rate"`
		Channels   int   `json:"channels"`
	} `json:"format"`
	DurationMS       int64    `json:"duration_ms"`
	AgentTalkMS      *int64   `json:"agent_talk_ms"`
	CustomerTalkMS   *int64   `json:"customer_talk_ms"`
	TalkToleranceMS  int64    `json:"talk_tolerance_ms"`
	AgentTalkRatio   *float64 `json:"agent_talk_ratio"`
	RatioTolerance   float64  `json:"ratio_tolerance"`
	Silences         []Span   `json:"silences"`
	LongestSilenceMS int64    `json:"longest_silence_ms"`
	Overtalks        []ovtalk `json:"overtalks"`
	Holds            []Span   `json:"holds"`
	AgentRate        *float64 `json:"agent_rate"`
	CustomerRate     *float64 `json:"customer_rate"`
	RateUnit         string   `json:"rate_unit"`
	RateTolerance    float64  `json:"rate_tolerance"`
	EdgeToleranceMS  int64    `json:"edge_tolerance_ms"`
	turns            []schemas.Turn
	in               *schemas.Interaction
}

type ovtalk struct {
	Span
	By schemas.Speaker `json:"by"`
}

func loadCalls(t testing.TB) []expectedCall {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(callsDir, expectedFile))
	if err != nil {
		t.Fatal(err)
	}
	var calls []expectedCall
	if err := json.Unmarshal(b, &calls); err != nil {
		t.Fatal(err)
	}
	if len(calls) < 12 {
		t.Fatalf("%d calls, want at least 12", len(calls))
	}
	for i := range calls {
		c := &calls[i]
		b, err := os.ReadFile(filepath.Join(callsDir, c.Interaction))
		if err != nil {
			t.Fatal(err)
		}
		in, err := schemas.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", c.Interaction, err)
		}
		c.in, c.turns = in, in.Turns
	}
	return calls
}

func analyseCall(t testing.TB, c *expectedCall) *Analysis {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(callsDir, c.WAV))
	if err != nil {
		t.Fatal(err)
	}
	return analyse(t, b, c.in.Recording)
}

// TestCallsMeetTheirExpectedMetrics measures every synthetic call and
// holds it to the manifest's tolerances.
func TestCallsMeetTheirExpectedMetrics(t *testing.T) {
	for _, c := range loadCalls(t) {
		t.Run(c.Name, func(t *testing.T) {
			a := analyseCall(t, &c)
			f := a.Format
			if f.Codec != c.Format.Codec || f.SampleRate != c.Format.SampleRate || f.Channels != c.Format.Channels {
				t.Errorf("format %+v, want %+v", f, c.Format)
			}
			m := a.Metrics(c.turns)
			edge := c.EdgeToleranceMS
			if !near(m.DurationMS, c.DurationMS, 20) {
				t.Errorf("duration %d ms, want %d", m.DurationMS, c.DurationMS)
			}
			if c.AgentTalkMS != nil {
				if !near(m.AgentTalkMS, *c.AgentTalkMS, c.TalkToleranceMS) || !near(m.CustomerTalkMS, *c.CustomerTalkMS, c.TalkToleranceMS) {
					t.Errorf("talk agent %d customer %d ms, want %d and %d ±%d", m.AgentTalkMS, m.CustomerTalkMS, *c.AgentTalkMS, *c.CustomerTalkMS, c.TalkToleranceMS)
				}
				if math.Abs(m.AgentTalkRatio-*c.AgentTalkRatio) > c.RatioTolerance {
					t.Errorf("talk ratio %.3f, want %.3f ±%.2f", m.AgentTalkRatio, *c.AgentTalkRatio, c.RatioTolerance)
				}
			}
			spans := func(name string, got []schemas.Segment, want []Span) {
				if len(got) != len(want) {
					t.Errorf("%s %+v, want %+v", name, got, want)
					return
				}
				for i := range want {
					if !near(got[i].StartMS, want[i].StartMS, edge) || !near(got[i].EndMS, want[i].EndMS, edge) {
						t.Errorf("%s[%d] %d-%d, want %d-%d ±%d", name, i, got[i].StartMS, got[i].EndMS, want[i].StartMS, want[i].EndMS, edge)
					}
				}
			}
			spans("silences", m.Silences, c.Silences)
			spans("holds", m.Holds, c.Holds)
			if !near(m.LongestSilenceMS, c.LongestSilenceMS, edge) {
				t.Errorf("longest silence %d, want %d", m.LongestSilenceMS, c.LongestSilenceMS)
			}
			if c.AgentTalkMS != nil {
				var got []schemas.Segment
				for i, o := range m.Overtalks {
					got = append(got, o.Segment)
					if i < len(c.Overtalks) && o.By != c.Overtalks[i].By {
						t.Errorf("overtalk %d by %s, want %s", i, o.By, c.Overtalks[i].By)
					}
				}
				var want []Span
				for _, o := range c.Overtalks {
					want = append(want, o.Span)
				}
				spans("overtalks", got, want)
			}
		})
	}
}

// vadScore counts frame-level agreement with the true turn spans.
type vadScore struct{ agree, frames, truePos, talk, falsePos, quiet int64 }

func (v *vadScore) add(a *Analysis, turns []schemas.Turn) {
	for _, tr := range a.Tracks {
		for ms := int64(0); ms < a.DurationMS; ms += frameMS {
			truth, got := false, false
			for _, turn := range turns {
				truth = truth || turn.Speaker == tr.Speaker && ms >= turn.StartMS && ms < turn.EndMS
			}
			for _, s := range tr.Talk {
				got = got || ms >= s.StartMS && ms < s.EndMS
			}
			v.frames++
			if truth {
				v.talk++
				if got {
					v.truePos++
				}
			} else {
				v.quiet++
				if got {
					v.falsePos++
				}
			}
			if got == truth {
				v.agree++
			}
		}
	}
}

func (v *vadScore) check(t *testing.T, what string, minAcc float64) {
	acc := float64(v.agree) / float64(v.frames)
	recall := float64(v.truePos) / float64(v.talk)
	fa := float64(v.falsePos) / float64(v.quiet)
	t.Logf("%s: %.1f%% of %d frames right; talk found %.1f%%, false alarms %.1f%% of quiet frames", what, 100*acc, v.frames, 100*recall, 100*fa)
	if acc < minAcc || recall < minAcc || fa > 1-minAcc {
		t.Errorf("%s: accuracy %.3f, recall %.3f, false alarms %.3f; want ≥%.2f, ≥%.2f, ≤%.2f", what, acc, recall, fa, minAcc, minAcc, 1-minAcc)
	}
}

// TestVoiceActivityAccuracy scores voice activity frame by frame (10 ms)
// against the true turn spans of every stereo call, per side: as the
// calls are, then with each side leaking into the other at -26 dB (echo
// and crosstalk) and white noise 25 dB below the talk.
func TestVoiceActivityAccuracy(t *testing.T) {
	var clean, harsh vadScore
	rng := rand.New(rand.NewPCG(7, 7))
	for _, c := range loadCalls(t) {
		if c.AgentTalkMS == nil {
			continue // mono
		}
		clean.add(analyseCall(t, &c), c.turns)
		b, err := os.ReadFile(filepath.Join(callsDir, c.WAV))
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDecoder(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		f := d.Format()
		x := make([]float32, f.Frames*int64(f.Channels))
		n := 0
		for n < len(x) {
			k, err := d.Read(x[n:])
			n += k
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		const leak, noise = 0.05, 0.01 // -26 dB; noise RMS -40 dBFS vs talk near -15 dBFS
		pcm := make([]byte, 0, 2*len(x))
		for i := 0; i+1 < len(x); i += 2 {
			l, r := x[i], x[i+1]
			for _, v := range []float32{l + leak*r, r + leak*l} {
				v += float32(noise * rng.NormFloat64())
				pcm = binary.LittleEndian.AppendUint16(pcm, uint16(int16(max(min(v, 1), -1)*32767)))
			}
		}
		harsh.add(analyse(t, wavFile(1, 2, uint32(f.SampleRate), 16, pcm), nil), c.turns)
	}
	clean.check(t, "as made", 0.97)
	harsh.check(t, "crosstalk -26 dB, noise -40 dBFS", 0.90)
}
