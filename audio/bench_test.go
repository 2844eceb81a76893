package audio

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// linearToMuLaw encodes one 16-bit sample (G.711), for making test files.
func linearToMuLaw(v int16) byte {
	const bias, clip = 0x84, 32635
	s := int(v)
	sign := 0
	if s < 0 {
		s, sign = -s, 0x80
	}
	s = min(s, clip) + bias
	exp := 7
	for mask := 0x4000; s&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	return ^byte(sign | exp<<4 | (s>>(exp+3))&0x0F)
}

// fiveMinuteCall is a 5-minute 8 kHz stereo µ-law call: ten rounds of
// the agent and the customer taking turns, with a silence and an overlap.
func fiveMinuteCall() []byte {
	var s synth
	s.rate, s.durMS, s.noiseDB = 8000, 300000, -60
	for r := int64(0); r < 10; r++ {
		at := r * 30000
		s.agent = append(s.agent, Span{at + 500, at + 12000})
		s.cust = append(s.cust, Span{at + 11000, at + 20000}) // 1 s overlap
	}
	pcm := s.wav()
	data := pcm[44:]
	mu := make([]byte, len(data)/2)
	for i := range mu {
		mu[i] = linearToMuLaw(int16(uint16(data[2*i]) | uint16(data[2*i+1])<<8))
	}
	return wavFile(7, 2, 8000, 8, mu)
}

func TestMuLawEncoderRoundTrips(t *testing.T) {
	for _, v := range []int16{0, 100, -100, 1000, -1000, 12000, -32000} {
		got := float64(muLaw[linearToMuLaw(v)] * 32768)
		if math.Abs(got-float64(v)) > math.Abs(float64(v))/16+16 {
			t.Errorf("%d → %v", v, got)
		}
	}
}

// BenchmarkAnalyzeFiveMinuteCall measures decoding and analysing a
// 5-minute 8 kHz stereo µ-law call, and reports it as times real time.
// With sox installed it also times `sox FILE -n stats` on the same file
// and reports how many times faster the analysis is.
func BenchmarkAnalyzeFiveMinuteCall(b *testing.B) {
	file := fiveMinuteCall()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d, err := NewDecoder(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		a, err := Analyze(d, ChannelMap{0, 1})
		if err != nil {
			b.Fatal(err)
		}
		a.Metrics(nil)
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(5*time.Minute)/float64(per), "x-realtime")
	if sox, err := exec.LookPath("sox"); err == nil {
		path := filepath.Join(b.TempDir(), "call.wav")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			b.Fatal(err)
		}
		const runs = 5
		start := time.Now()
		for range runs {
			if out, err := exec.Command(sox, path, "-n", "stats").CombinedOutput(); err != nil {
				b.Fatalf("sox: %v\n%s", err, out)
			}
		}
		b.ReportMetric(float64(time.Since(start)/runs)/float64(per), "x-faster-than-sox-stats")
	}
}
