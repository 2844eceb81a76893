package audio

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zhijian-qa/zhijian/schemas"
)

// synth builds a stereo 16-bit call: speech-like bursts (noise under a
// syllable-rate envelope) on each side at the given spans, a steady tone
// chord for music, and a faint noise floor everywhere.
type synth struct {
	rate    int
	durMS   int64
	agent   []Span
	cust    []Span
	music   []Span // on the agent's side
	noiseDB float64
}

func (s synth) wav() []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	n := int(s.durMS) * s.rate / 1000
	ch := [2][]float64{make([]float64, n), make([]float64, n)}
	floor := math.Pow(10, s.noiseDB/20)
	for c := range ch {
		for i := range ch[c] {
			ch[c][i] = floor * rng.NormFloat64()
		}
	}
	speak := func(x []float64, sp Span) {
		for i := int(sp.StartMS) * s.rate / 1000; i < int(sp.EndMS)*s.rate/1000 && i < n; i++ {
			t := float64(i)/float64(s.rate) - float64(sp.StartMS)/1000
			env := math.Pow(math.Abs(math.Sin(math.Pi*4.5*t)), 0.7)
			x[i] += 0.2 * env * rng.NormFloat64() * (0.6 + 0.4*math.Sin(2*math.Pi*150*t))
		}
	}
	for _, sp := range s.agent {
		speak(ch[0], sp)
	}
	for _, sp := range s.cust {
		speak(ch[1], sp)
	}
	for _, sp := range s.music {
		for i := int(sp.StartMS) * s.rate / 1000; i < int(sp.EndMS)*s.rate/1000; i++ {
			t := float64(i) / float64(s.rate)
			ch[0][i] += 0.05 * (math.Sin(2*math.Pi*392*t) + math.Sin(2*math.Pi*494*t) + math.Sin(2*math.Pi*587*t))
		}
	}
	data := make([]byte, 0, 4*n)
	for i := range n {
		for c := range ch {
			v := max(min(ch[c][i], 1), -1)
			data = binary.LittleEndian.AppendUint16(data, uint16(int16(v*32767)))
		}
	}
	return wavFile(1, 2, uint32(s.rate), 16, data)
}

// analyse decodes and analyses a WAV file, with rec's channel map (nil:
// the defaults).
func analyse(t testing.TB, file []byte, rec *schemas.Recording) *Analysis {
	t.Helper()
	d, err := NewDecoder(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if rec == nil {
		rec = &schemas.Recording{}
	}
	cm, err := MapChannels(d.Format().Channels, rec.AgentChannel, rec.CustomerChannel)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(d, cm)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func near(a, b, tol int64) bool { return a-b <= tol && b-a <= tol }

func TestAnalysisFindsTalkSilenceOvertalkAndHold(t *testing.T) {
	s := synth{rate: 8000, durMS: 60000, noiseDB: -62,
		agent: []Span{{500, 4000}, {5000, 9000}, {12000, 15000}, {52000, 55000}},
		cust:  []Span{{4800, 6500}, {9800, 11000}, {35500, 38000}, {40000, 42000}, {47000, 51000}},
		music: []Span{{15500, 33000}},
	}
	// 4800-6500 customer, agent from 5000: the agent starts later? No: the
	// customer starts at 4800 while the agent talks from 5000 — the agent
	// started later and talks over the customer (5000-6500).
	a := analyse(t, s.wav(), nil)
	m := a.Metrics(nil)
	if !near(m.AgentTalkMS, 13500, 600) || !near(m.CustomerTalkMS, 11200, 600) {
		t.Errorf("talk agent %d customer %d, want 13500 and 11200", m.AgentTalkMS, m.CustomerTalkMS)
	}
	if len(m.Overtalks) != 1 || m.Overtalks[0].By != schemas.Agent || !near(m.Overtalks[0].StartMS, 5000, 300) || !near(m.Overtalks[0].EndMS, 6500, 300) {
		t.Errorf("overtalks %+v, want the agent over 5000-6500", m.Overtalks)
	}
	tr := a.track(schemas.Agent)
	if len(tr.Music) != 1 || !near(tr.Music[0].StartMS, 15500, 300) || !near(tr.Music[0].EndMS, 33000, 300) {
		t.Errorf("music %+v, want 15500-33000", tr.Music)
	}
	// Silences: 33000-35500 is too short; 42000-47000 (5 s) is one; the
	// gap before the music is 0.5 s.
	if len(m.Silences) != 1 || !near(m.Silences[0].StartMS, 42000, 300) || !near(m.Silences[0].EndMS, 47000, 300) {
		t.Errorf("silences %+v, want 42000-47000", m.Silences)
	}
	if len(m.Holds) != 1 || !near(m.Holds[0].StartMS, 15500, 300) {
		t.Errorf("holds %+v, want the music", m.Holds)
	}
	if m.AgentLevelDB > -10 || m.AgentLevelDB < -30 || m.CustomerLevelDB > -10 {
		t.Errorf("levels %v %v", m.AgentLevelDB, m.CustomerLevelDB)
	}
}

func TestLongSilenceAfterTheAgentIsAHold(t *testing.T) {
	s := synth{rate: 16000, durMS: 30000, noiseDB: -65,
		agent: []Span{{500, 3000}, {17000, 20000}},
		cust:  []Span{{3800, 5000}, {21000, 24000}},
	}
	m := analyse(t, s.wav(), nil).Metrics([]schemas.Turn{
		{Speaker: schemas.Agent, StartMS: 500}, {Speaker: schemas.Customer, StartMS: 3800},
		{Speaker: schemas.Agent, StartMS: 17000}, {Speaker: schemas.Customer, StartMS: 21000},
	})
	if len(m.Silences) != 1 || !near(m.Silences[0].StartMS, 5000, 300) || m.Silences[0].Turn != 2 {
		t.Fatalf("silences %+v, want 5000-17000 before turn 2", m.Silences)
	}
	// The customer spoke last before the gap: a silence, not a hold.
	if len(m.Holds) != 0 {
		t.Errorf("holds %+v", m.Holds)
	}
	s.cust = []Span{{21000, 24000}}
	m = analyse(t, s.wav(), nil).Metrics(nil)
	if len(m.Holds) != 1 || !near(m.Holds[0].StartMS, 3000, 300) {
		t.Errorf("holds %+v, want the gap after the agent's words", m.Holds)
	}
}

func TestMonoKeepsSpeakersUnknown(t *testing.T) {
	data := make([]byte, 2*8000*5)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 8000 * 5 {
		v := 0.001 * rng.NormFloat64()
		if i > 8000 && i < 24000 {
			v += 0.3 * rng.NormFloat64() * math.Abs(math.Sin(float64(i)/8000*math.Pi*4))
		}
		binary.LittleEndian.PutUint16(data[2*i:], uint16(int16(v*32767)))
	}
	a := analyse(t, wavFile(1, 1, 8000, 16, data), nil)
	if !a.Mono() || a.Tracks[0].Speaker != "" || len(a.Tracks[0].Talk) != 1 {
		t.Fatalf("tracks %+v", a.Tracks)
	}
	m := a.Metrics(nil)
	if m.AgentTalkRatio != -1 || m.AgentTalkMS != 0 || m.Overtalks != nil {
		t.Errorf("mono metrics %+v", m)
	}
}

func TestSplitResamplesAndCutsAtPauses(t *testing.T) {
	s := synth{rate: 8000, durMS: 40000, noiseDB: -62,
		agent: []Span{{500, 9000}, {11000, 19000}, {21000, 29000}, {31000, 39000}},
		cust:  []Span{{9200, 10800}},
	}
	file := s.wav()
	r := bytes.NewReader(file)
	a := analyse(t, file, nil)
	ps, err := Split(r, a, t.TempDir(), 15000)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	var agent []Span
	for _, p := range ps.List {
		if p.Speaker == schemas.Agent {
			agent = append(agent, p.Span)
		}
		if p.Span.Len() > 15000 {
			t.Errorf("piece %+v longer than 15 s", p.Span)
		}
		rc, _ := p.Open()
		d, err := NewDecoder(readSeeker(t, rc))
		if err != nil {
			t.Fatal(err)
		}
		f := d.Format()
		if f.SampleRate != STTRate || f.Channels != 1 || f.Codec != PCM || f.BitsPerSample != 16 || p.Size() != 44+2*f.Frames {
			t.Errorf("piece format %+v size %d", f, p.Size())
		}
		if want := p.Span.Len() * 16; !near(f.Frames, want, 16) {
			t.Errorf("piece of %d ms holds %d samples, want %d", p.Span.Len(), f.Frames, want)
		}
	}
	// Cuts fall in the agent's pauses (9-11 s, 19-21 s, 29-31 s).
	if len(agent) < 3 {
		t.Fatalf("agent pieces %+v", agent)
	}
	for _, p := range agent[:len(agent)-1] {
		if !(p.EndMS > 9000 && p.EndMS < 11000 || p.EndMS > 19000 && p.EndMS < 21000 || p.EndMS > 29000 && p.EndMS < 31000) {
			t.Errorf("cut at %d ms is not in a pause: %+v", p.EndMS, agent)
		}
	}
	// The customer's channel is silent outside 9.2-10.8 s: one piece.
	if n := len(ps.List) - len(agent); n != 1 {
		t.Errorf("%d customer pieces, want 1", n)
	}
}

func readSeeker(t *testing.T, r interface{ Read([]byte) (int, error) }) *bytes.Reader {
	t.Helper()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

func TestResamplerKeepsATone(t *testing.T) {
	for _, in := range []int{8000, 11025, 44100, 48000} {
		r := newResampler(in, STTRate)
		x := make([]float32, in) // one second of 440 Hz
		for i := range x {
			x[i] = float32(0.5 * math.Sin(2*math.Pi*440*float64(i)/float64(in)))
		}
		var y []float32
		for i := 0; i < len(x); i += 1000 {
			y = append(y, r.push(x[i:min(i+1000, len(x))])...)
		}
		y = append(y, r.flush()...)
		if !near(int64(len(y)), STTRate, 2) {
			t.Errorf("%d Hz: %d samples out, want %d", in, len(y), STTRate)
		}
		var worst float64
		for i := 200; i < len(y)-200; i++ {
			want := 0.5 * math.Sin(2*math.Pi*440*float64(i)/STTRate)
			worst = max(worst, math.Abs(float64(y[i])-want))
		}
		if worst > 0.01 {
			t.Errorf("%d Hz: worst error %.4f", in, worst)
		}
	}
}
