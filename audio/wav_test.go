package audio

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"strings"
	"testing"
)

// wavFile builds a WAV file: a fmt chunk of the given fields, then data.
func wavFile(tag, channels uint16, rate uint32, bits uint16, data []byte) []byte {
	var b bytes.Buffer
	align := channels * bits / 8
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) } //nolint:errcheck // bytes.Buffer
	b.WriteString("RIFF")
	le(uint32(36 + len(data)))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(tag)
	le(channels)
	le(rate)
	le(rate * uint32(align))
	le(align)
	le(bits)
	b.WriteString("data")
	le(uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

func decodeAll(t *testing.T, file []byte) (Format, []float32) {
	t.Helper()
	d, err := NewDecoder(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var all []float32
	buf := make([]float32, 6)
	for {
		n, err := d.Read(buf)
		all = append(all, buf[:n]...)
		if err == io.EOF {
			return d.Format(), all
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestDecodesEveryCodec(t *testing.T) {
	f32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	f64 := func(vs ...float64) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	cases := []struct {
		name  string
		file  []byte
		codec Codec
		want  []float32
	}{
		{"pcm8", wavFile(1, 1, 8000, 8, []byte{128, 255, 0, 192}), PCM, []float32{0, 127.0 / 128, -1, 0.5}},
		{"pcm16 stereo", wavFile(1, 2, 16000, 16, []byte{0, 0x40, 0, 0xC0, 0xFF, 0x7F, 0, 0x80}), PCM, []float32{0.5, -0.5, 32767.0 / 32768, -1}},
		{"pcm24", wavFile(1, 1, 48000, 24, []byte{0, 0, 0x40, 0, 0, 0xC0}), PCM, []float32{0.5, -0.5}},
		{"pcm32", wavFile(1, 1, 44100, 32, []byte{0, 0, 0, 0x40, 0, 0, 0, 0x80}), PCM, []float32{0.5, -1}},
		{"float32 clamps NaN and range", wavFile(3, 1, 8000, 32, f32(0.25, -0.75, float32(math.NaN()), 2)), Float, []float32{0.25, -0.75, 0, 1}},
		{"float64", wavFile(3, 2, 8000, 64, f64(0.5, -0.125)), Float, []float32{0.5, -0.125}},
		// G.711: 0xFF and 0xD5 are the codes of zero-ish; 0x80/0x00 and
		// 0xAA/0x2A are the extremes (ITU-T G.711 tables).
		{"mulaw", wavFile(7, 1, 8000, 8, []byte{0xFF, 0x80, 0x00, 0x7F}), MuLaw, []float32{0, 32124.0 / 32768, -32124.0 / 32768, 0}},
		{"alaw", wavFile(6, 1, 8000, 8, []byte{0xD5, 0x55, 0xAA, 0x2A}), ALaw, []float32{8.0 / 32768, -8.0 / 32768, 32256.0 / 32768, -32256.0 / 32768}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, got := decodeAll(t, c.file)
			if f.Codec != c.codec {
				t.Errorf("codec %s, want %s", f.Codec, c.codec)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d samples %v, want %v", len(got), got, c.want)
			}
			for i := range got {
				if math.Abs(float64(got[i]-c.want[i])) > 1e-6 {
					t.Errorf("sample %d = %v, want %v", i, got[i], c.want[i])
				}
			}
			if f.Frames != int64(len(c.want)/f.Channels) {
				t.Errorf("frames %d", f.Frames)
			}
		})
	}
}

func TestMuLawAndALawAreMonotonic(t *testing.T) {
	// Within each sign, a larger magnitude code is a larger value.
	for _, tab := range []*[256]float32{&muLaw, &aLaw} {
		seen := map[float32]bool{}
		for _, v := range tab {
			seen[v] = true
			if v < -1 || v > 1 {
				t.Fatalf("value %v out of range", v)
			}
		}
		if len(seen) < 255 {
			t.Errorf("only %d distinct values", len(seen))
		}
	}
}

func TestBadFilesSayWhatIsWrong(t *testing.T) {
	good := wavFile(1, 2, 8000, 16, make([]byte, 400))
	set := func(b []byte, off int, v uint32, size int) []byte {
		b = bytes.Clone(b)
		if size == 2 {
			binary.LittleEndian.PutUint16(b[off:], uint16(v))
		} else {
			binary.LittleEndian.PutUint32(b[off:], v)
		}
		return b
	}
	extra := append(bytes.Clone(good[:36]), append([]byte("LIST\xff\xff\x00\x00"), good[36:]...)...)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"short", []byte("RIFF"), "too short"},
		{"not riff", append([]byte("OggS"), good[4:]...), "not a WAV file"},
		{"rf64", append([]byte("RF64"), good[4:]...), "not supported"},
		{"truncated data", good[:200], "truncated: the data chunk declares 400 bytes"},
		{"no data chunk", good[:36], "no data chunk"},
		{"empty data", wavFile(1, 2, 8000, 16, nil), "no audio"},
		{"huge fmt", set(good, 16, 1<<30, 4), "fmt chunk at offset 12 declares"},
		{"chunk past end", extra, `chunk "LIST" at offset 36 declares`},
		{"adpcm", wavFile(2, 1, 8000, 4, make([]byte, 10)), "unsupported codec: WAV format tag 0x0002 (MS ADPCM)"},
		{"mp3", wavFile(0x55, 1, 8000, 0, make([]byte, 10)), "MP3"},
		{"12-bit pcm", wavFile(1, 1, 8000, 12, make([]byte, 10)), "unsupported sample size: 12 bits"},
		{"zero channels", set(good, 22, 0, 2), "0 channels"},
		{"absurd rate", set(set(good, 24, 3, 4), 28, 12, 4), "sample rate 3 Hz is out of range"},
		{"huge rate", set(good, 24, 4000000, 4), "out of range"},
		{"block align", set(good, 32, 3, 2), "inconsistent header: block align 3"},
		{"byte rate", set(good, 28, 12345, 4), "inconsistent header: 12345 bytes per second"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewDecoder(bytes.NewReader(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) || !IsBad(err) {
				t.Fatalf("err = %v, want one containing %q that IsBad", err, c.want)
			}
		})
	}
}

func TestUnknownDataSizeRunsToTheEnd(t *testing.T) {
	f := wavFile(1, 1, 8000, 16, make([]byte, 100))
	binary.LittleEndian.PutUint32(f[40:], 0xFFFFFFFF)
	d, err := NewDecoder(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	if d.Format().Frames != 50 {
		t.Errorf("frames %d, want 50", d.Format().Frames)
	}
}

func TestChannelMaps(t *testing.T) {
	p := func(v int) *int { return &v }
	cases := []struct {
		channels        int
		agent, customer *int
		want            ChannelMap
		err             string
	}{
		{1, nil, nil, ChannelMap{0, -1}, ""},
		{2, nil, nil, ChannelMap{0, 1}, ""},
		{2, p(1), p(0), ChannelMap{1, 0}, ""},
		{4, p(2), p(3), ChannelMap{2, 3}, ""},
		{3, nil, nil, ChannelMap{}, "3 channels and no channel map"},
		{2, p(0), p(0), ChannelMap{}, "both 0"},
		{2, p(0), p(2), ChannelMap{}, "customer_channel is 2, but the recording has 2"},
		{1, p(1), nil, ChannelMap{}, "agent_channel is 1, but the recording is mono"},
	}
	for _, c := range cases {
		got, err := MapChannels(c.channels, c.agent, c.customer)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%d channels: err %v, want %q", c.channels, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%d channels: %+v, %v; want %+v", c.channels, got, err, c.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(wavFile(1, 2, 8000, 16, make([]byte, 400)))
	f.Add(wavFile(7, 1, 8000, 8, bytes.Repeat([]byte{0x80, 0x7F}, 200)))
	f.Add(wavFile(3, 1, 16000, 32, make([]byte, 64)))
	f.Add(wavFile(0xFFFE, 3, 8000, 24, make([]byte, 90)))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := NewDecoder(bytes.NewReader(b))
		if err != nil {
			if !IsBad(err) {
				t.Fatalf("error that is not a bad recording: %v", err)
			}
			return
		}
		fm := d.Format()
		if fm.Frames*int64(fm.Channels*fm.BitsPerSample/8) > int64(len(b)) {
			t.Fatalf("format %+v claims more than the %d bytes given", fm, len(b))
		}
		cm, err := MapChannels(fm.Channels, nil, nil)
		if err != nil {
			return
		}
		a, err := Analyze(d, cm)
		if err != nil {
			t.Fatal(err)
		}
		m := a.Metrics(nil)
		if m.DurationMS < 0 || m.AgentTalkMS > m.DurationMS+frameMS || m.CustomerTalkMS > m.DurationMS+frameMS {
			t.Fatalf("metrics out of bounds: %+v", m)
		}
	})
}
