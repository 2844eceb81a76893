package audio

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
)

// ChannelMap says which channel carries whom. Customer is -1 for a mono
// recording, where both voices share one channel.
type ChannelMap struct{ Agent, Customer int }

// Mono reports whether both voices share one channel.
func (c ChannelMap) Mono() bool { return c.Customer < 0 }

// MapChannels checks a recording's channel map against its channel count.
// Nil indexes take the defaults: a mono recording, or agent 0 and
// customer 1 in stereo. Three channels or more need both indexes.
func MapChannels(channels int, agent, customer *int) (ChannelMap, error) {
	c := ChannelMap{Agent: 0, Customer: 1}
	if agent != nil {
		c.Agent = *agent
	}
	if customer != nil {
		c.Customer = *customer
	}
	switch {
	case channels == 1 && customer == nil:
		c.Customer = -1
		if c.Agent != 0 {
			return c, bad("recording.agent_channel is %d, but the recording is mono", c.Agent)
		}
		return c, nil
	case channels >= 3 && (agent == nil || customer == nil):
		return c, bad("the recording has %d channels and no channel map: set recording.agent_channel and recording.customer_channel", channels)
	}
	for _, x := range []struct {
		name string
		v    int
	}{{"agent_channel", c.Agent}, {"customer_channel", c.Customer}} {
		if x.v < 0 || x.v >= channels {
			return c, bad("recording.%s is %d, but the recording has %d channel(s)", x.name, x.v, channels)
		}
	}
	if c.Agent == c.Customer {
		return c, bad("recording.agent_channel and customer_channel are both %d", c.Agent)
	}
	return c, nil
}

// Span is a stretch of a recording, in milliseconds from its start.
type Span struct {
	StartMS int64 `json:"start_ms"`
	EndMS   int64 `json:"end_ms"`
}

// Len is the span's length in milliseconds.
func (s Span) Len() int64 { return s.EndMS - s.StartMS }

// Track is what voice activity detection found on one channel.
type Track struct {
	Channel int
	// Speaker is the agent or the customer; empty on a mono recording.
	Speaker schemas.Speaker
	// Talk are the spans of speech; Music the spans of steady sound that
	// is not speech (music or tones on hold).
	Talk, Music []Span
	// LevelDB is the loudness of the talk (RMS, dBFS); NoiseDB the noise
	// floor. Both are -120 for a silent channel.
	LevelDB, NoiseDB float64
}

// Analysis is the voice activity of a recording.
type Analysis struct {
	Format     Format
	DurationMS int64
	// Tracks are the agent's and the customer's channels, or the one
	// channel of a mono recording.
	Tracks []Track
}

// Mono reports whether the analysis could not tell speakers apart.
func (a *Analysis) Mono() bool { return len(a.Tracks) == 1 }

// track returns the track of a speaker, or nil.
func (a *Analysis) track(s schemas.Speaker) *Track {
	for i := range a.Tracks {
		if a.Tracks[i].Speaker == s {
			return &a.Tracks[i]
		}
	}
	return nil
}

const (
	frameMS   = 10 // analysis frame
	chunk     = 4096
	floorDB   = -120
	dbPerBin  = 0.5
	histBins  = int(-floorDB / dbPerBin)
	dcPole    = 0.995 // DC blocker: y[n] = x[n] - x[n-1] + pole·y[n-1]
	maxFrames = 1 << 26
)

// channelState accumulates one channel's frames.
type channelState struct {
	ch     int
	x1, y1 float32 // DC blocker memory
	sum    float64
	n      int
	db     []float32 // per frame, dBFS
	hist   [histBins + 1]int32
}

// Analyze streams the recording through per-channel voice activity
// detection. It holds the frame energies (a few bytes per 10 ms), never
// the audio.
func Analyze(d *Decoder, cm ChannelMap) (*Analysis, error) {
	f := d.Format()
	if cm.Agent >= f.Channels || cm.Customer >= f.Channels {
		return nil, bad("channel map %+v does not fit %d channels", cm, f.Channels)
	}
	states := []*channelState{{ch: cm.Agent}}
	if !cm.Mono() {
		states = append(states, &channelState{ch: cm.Customer})
	}
	frameLen := max(f.SampleRate*frameMS/1000, 1)
	frames := f.Frames/int64(frameLen) + 1
	if frames > maxFrames {
		return nil, bad("the recording lasts %s; at most %s is analysed", f.Duration(), time.Duration(maxFrames*frameMS)*time.Millisecond)
	}
	for _, s := range states {
		s.db = make([]float32, 0, frames)
	}
	buf := make([]float32, chunk*f.Channels)
	for {
		n, err := d.Read(buf)
		if n > 0 {
			for _, s := range states {
				s.add(buf[:n], f.Channels, frameLen)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	a := &Analysis{Format: f, DurationMS: f.Frames * 1000 / int64(f.SampleRate)}
	msPer := float64(frameLen) * 1000 / float64(f.SampleRate)
	for i, s := range states {
		s.flush()
		t := s.detect(msPer)
		t.Channel = s.ch
		if len(states) == 2 {
			t.Speaker = schemas.Agent
			if i == 1 {
				t.Speaker = schemas.Customer
			}
		}
		a.Tracks = append(a.Tracks, t)
	}
	return a, nil
}

// add feeds interleaved samples of this state's channel into frames.
func (s *channelState) add(x []float32, channels, frameLen int) {
	x1, y1, sum, n := s.x1, s.y1, s.sum, s.n
	for i := s.ch; i < len(x); i += channels {
		v := x[i]
		y := v - x1 + dcPole*y1
		x1, y1 = v, y
		sum += float64(y * y)
		n++
		if n == frameLen {
			s.x1, s.y1 = x1, y1
			s.push(sum / float64(n))
			sum, n = 0, 0
		}
	}
	s.x1, s.y1, s.sum, s.n = x1, y1, sum, n
}

func (s *channelState) flush() {
	if s.n > 0 {
		s.push(s.sum / float64(s.n))
		s.sum, s.n = 0, 0
	}
}

func (s *channelState) push(ms float64) {
	db := float32(floorDB)
	if ms > 1e-12 {
		db = float32(10 * math.Log10(ms))
	}
	s.db = append(s.db, db)
	bin := int((db - floorDB) / dbPerBin)
	s.hist[min(max(bin, 0), histBins)]++
}

// percentile reads the frame-level histogram.
func (s *channelState) percentile(p float64) float64 {
	want := int32(p * float64(len(s.db)))
	var acc int32
	for i, c := range s.hist {
		acc += c
		if acc > want {
			return floorDB + float64(i)*dbPerBin
		}
	}
	return 0
}

// Detection parameters, chosen on the synthetic calls in testdata/calls
// (see doc.go for the measured accuracy).
const (
	onAboveNoiseDB = 12    // speech starts this far above the noise floor
	minOnDB        = -50.0 // and never below this level
	hysteresisDB   = 4     // it continues down to on - hysteresis
	bridgeMS       = 500   // pauses shorter than this stay inside the talk
	minTalkMS      = 150   // shorter bursts are clicks and noise
	musicMinMS     = 5000  // steady sound this long is music or a tone, not talk
	dipDB          = 10    // speech keeps dipping this far below its median
	musicMaxDips   = 0.04  // music dips in fewer frames than this
)

// detect turns frame levels into talk and music spans.
func (s *channelState) detect(msPer float64) Track {
	t := Track{NoiseDB: s.percentile(0.10), LevelDB: floorDB}
	on := max(t.NoiseDB+onAboveNoiseDB, minOnDB)
	off := on - hysteresisDB
	type run struct{ a, b int } // frames [a, b)
	var runs []run
	active, start := false, 0
	for i, db := range s.db {
		switch {
		case !active && float64(db) >= on:
			active, start = true, i
		case active && float64(db) < off:
			active = false
			runs = append(runs, run{start, i})
		}
	}
	if active {
		runs = append(runs, run{start, len(s.db)})
	}
	// Music first: a long run that never dips like speech. Then talk: the
	// other runs, with short pauses bridged, never across music.
	span := func(r run) Span {
		return Span{StartMS: int64(float64(r.a) * msPer), EndMS: int64(float64(r.b) * msPer)}
	}
	bridge := int(bridgeMS / msPer)
	var talk []run
	wall := -1 // end of the last music run
	for _, r := range runs {
		if float64(r.b-r.a)*msPer >= musicMinMS && s.steady(r.a, r.b) {
			t.Music = append(t.Music, span(r))
			wall = r.b
			continue
		}
		if n := len(talk); n > 0 && talk[n-1].b > wall && r.a-talk[n-1].b < bridge {
			talk[n-1].b = r.b
			continue
		}
		talk = append(talk, r)
	}
	var energy float64
	var talkFrames int
	for _, r := range talk {
		if float64(r.b-r.a)*msPer < minTalkMS {
			continue
		}
		t.Talk = append(t.Talk, span(r))
		for _, db := range s.db[r.a:r.b] {
			energy += math.Pow(10, float64(db)/10)
		}
		talkFrames += r.b - r.a
	}
	if talkFrames > 0 && energy > 0 {
		t.LevelDB = max(10*math.Log10(energy/float64(talkFrames)), floorDB)
	}
	return t
}

// steady reports whether frames [a, b) hold a sound without the dips
// between syllables that speech always has.
func (s *channelState) steady(a, b int) bool {
	var hist [histBins + 1]int32
	for _, db := range s.db[a:b] {
		hist[min(max(int((db-floorDB)/dbPerBin), 0), histBins)]++
	}
	half, acc, median := int32((b-a)/2), int32(0), 0
	for i, c := range hist {
		acc += c
		if acc > half {
			median = i
			break
		}
	}
	limit := floorDB + float32(median)*dbPerBin - dipDB
	dips := 0
	for _, db := range s.db[a:b] {
		if db < limit {
			dips++
		}
	}
	return float64(dips) < musicMaxDips*float64(b-a)
}

// String summarises the analysis for logs.
func (a *Analysis) String() string {
	s := fmt.Sprintf("%s %d Hz × %d, %.1f s", a.Format.Codec, a.Format.SampleRate, a.Format.Channels, float64(a.DurationMS)/1000)
	for _, t := range a.Tracks {
		var talk int64
		for _, sp := range t.Talk {
			talk += sp.Len()
		}
		s += fmt.Sprintf("; ch%d %s talk %.1f s level %.0f dB noise %.0f dB", t.Channel, t.Speaker, float64(talk)/1000, t.LevelDB, t.NoiseDB)
	}
	return s
}
