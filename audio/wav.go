package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/go-audio/wav"
)

// Codec is how samples are stored.
type Codec string

// Codecs the decoder reads.
const (
	PCM   Codec = "pcm"   // integer PCM, 8 (unsigned), 16, 24 or 32 bits
	Float Codec = "float" // IEEE float, 32 or 64 bits
	MuLaw Codec = "mulaw" // G.711 µ-law, 8 bits
	ALaw  Codec = "alaw"  // G.711 A-law, 8 bits
)

// Limits of what a recording may declare.
const (
	MinSampleRate = 4000
	MaxSampleRate = 192000
	MaxChannels   = 16
)

// Format describes a recording.
type Format struct {
	Codec         Codec `json:"codec"`
	Channels      int   `json:"channels"`
	SampleRate    int   `json:"sample_rate"`
	BitsPerSample int   `json:"bits_per_sample"`
	// Frames is the number of samples per channel.
	Frames int64 `json:"frames"`
}

// Duration is the recording's length.
func (f Format) Duration() time.Duration {
	if f.SampleRate <= 0 {
		return 0
	}
	return time.Duration(f.Frames) * time.Second / time.Duration(f.SampleRate)
}

// Decoder streams a WAV file's samples. go-audio/wav reads the header; the
// samples are converted here, because that package reads neither G.711
// nor float data. A chunk walk before it bounds every declared size by
// the file's real size, so a hostile header cannot make anyone allocate
// or read what is not there.
type Decoder struct {
	f          Format
	r          io.Reader // the data chunk
	remain     int64     // bytes of whole frames left
	blockAlign int
	buf        []byte
}

// errBad wraps every problem with the file itself: the recording is bad,
// and trying again will not help.
var errBad = errors.New("bad recording")

// IsBad reports whether err says the recording itself is unusable.
func IsBad(err error) bool { return errors.Is(err, errBad) }

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errBad}, args...)...)
}

// format tags of the WAVE fmt chunk.
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagALaw       = 0x0006
	tagMuLaw      = 0x0007
	tagExtensible = 0xFFFE
)

var tagNames = map[uint16]string{
	0x0002: "MS ADPCM", 0x0011: "IMA ADPCM", 0x0031: "GSM 6.10", 0x0040: "G.721 ADPCM",
	0x0050: "MPEG", 0x0055: "MP3", 0x0064: "G.726 ADPCM", 0x0065: "G.722 ADPCM", 0x1610: "AAC",
}

// header is what the chunk walk finds.
type header struct {
	tag                      uint16
	channels                 uint16
	rate, byteRate           uint32
	blockAlign, bits         uint16
	dataOffset, dataSize     int64
	fileSize, declaredData   int64
	fmtSeen, unknownDataSize bool
}

// NewDecoder reads r's header and leaves r at the first sample. Every
// problem with the file is an error that IsBad recognises and that says
// what is wrong.
func NewDecoder(r io.ReadSeeker) (d *Decoder, err error) {
	h, err := walk(r)
	if err != nil {
		return nil, err
	}
	f, err := h.format()
	if err != nil {
		return nil, err
	}
	if err := crossCheck(r, h); err != nil {
		return nil, err
	}
	if _, err := r.Seek(h.dataOffset, io.SeekStart); err != nil {
		return nil, err
	}
	f.Frames = h.dataSize / int64(h.blockAlign)
	return &Decoder{f: f, r: r, remain: f.Frames * int64(h.blockAlign), blockAlign: int(h.blockAlign)}, nil
}

// walk reads the RIFF chunk headers up to the data chunk.
func walk(r io.ReadSeeker) (*header, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	h := &header{fileSize: size}
	var b [12]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		if size == 0 {
			return nil, bad("empty file")
		}
		return nil, bad("not a WAV file: %d bytes, too short for a RIFF header", size)
	}
	switch string(b[0:4]) {
	case "RIFF":
	case "RF64", "BW64":
		return nil, bad("%s (64-bit WAV) is not supported", b[0:4])
	default:
		return nil, bad("not a WAV file: starts with %q, not \"RIFF\"", b[0:4])
	}
	if string(b[8:12]) != "WAVE" {
		return nil, bad("not a WAV file: RIFF form %q, not \"WAVE\"", b[8:12])
	}
	pos := int64(12)
	for {
		if _, err := io.ReadFull(r, b[:8]); err != nil {
			if !h.fmtSeen {
				return nil, bad("no fmt chunk before the end of the file (offset %d)", pos)
			}
			return nil, bad("no data chunk before the end of the file (offset %d)", pos)
		}
		id, n := string(b[0:4]), int64(binary.LittleEndian.Uint32(b[4:8]))
		pos += 8
		switch id {
		case "fmt ":
			if n < 16 || n > 64 {
				return nil, bad("fmt chunk at offset %d declares %d bytes; a WAV fmt chunk has 16 to 40", pos-8, n)
			}
			if pos+n > size {
				return nil, bad("truncated: fmt chunk at offset %d runs past the end of the file", pos-8)
			}
			if err := h.readFmt(r, n); err != nil {
				return nil, err
			}
		case "data":
			if !h.fmtSeen {
				return nil, bad("data chunk at offset %d comes before the fmt chunk", pos-8)
			}
			h.dataOffset, h.declaredData = pos, n
			switch {
			case n == 0xFFFFFFFF || n == 0 && size > pos:
				// Recorders that stream write a placeholder size: the
				// samples run to the end of the file.
				h.unknownDataSize = true
				h.dataSize = size - pos
			case pos+n > size:
				return nil, bad("truncated: the data chunk declares %d bytes but the file holds %d after its header", n, size-pos)
			default:
				h.dataSize = n
			}
			if h.dataSize < int64(h.blockAlign) {
				return nil, bad("no audio: the data chunk holds %d bytes", h.dataSize)
			}
			return h, nil
		default:
			if pos+n > size {
				return nil, bad("truncated: chunk %q at offset %d declares %d bytes, past the end of the file", id, pos-8, n)
			}
		}
		pos += n + n&1 // chunks are word aligned
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return nil, err
		}
	}
}

func (h *header) readFmt(r io.Reader, n int64) error {
	var b [64]byte
	if _, err := io.ReadFull(r, b[:n]); err != nil {
		return bad("truncated fmt chunk")
	}
	h.fmtSeen = true
	h.tag = binary.LittleEndian.Uint16(b[0:])
	h.channels = binary.LittleEndian.Uint16(b[2:])
	h.rate = binary.LittleEndian.Uint32(b[4:])
	h.byteRate = binary.LittleEndian.Uint32(b[8:])
	h.blockAlign = binary.LittleEndian.Uint16(b[12:])
	h.bits = binary.LittleEndian.Uint16(b[14:])
	if h.tag == tagExtensible {
		if n < 40 {
			return bad("WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes; it needs 40", n)
		}
		// The sub-format GUID starts with the format tag it stands for.
		h.tag = binary.LittleEndian.Uint16(b[24:])
	}
	return nil
}

func (h *header) format() (Format, error) {
	f := Format{Channels: int(h.channels), SampleRate: int(h.rate), BitsPerSample: int(h.bits)}
	switch {
	case h.tag == tagPCM && (h.bits == 8 || h.bits == 16 || h.bits == 24 || h.bits == 32):
		f.Codec = PCM
	case h.tag == tagFloat && (h.bits == 32 || h.bits == 64):
		f.Codec = Float
	case h.tag == tagMuLaw && h.bits == 8:
		f.Codec = MuLaw
	case h.tag == tagALaw && h.bits == 8:
		f.Codec = ALaw
	case h.tag == tagPCM || h.tag == tagFloat || h.tag == tagMuLaw || h.tag == tagALaw:
		return f, bad("unsupported sample size: %d bits for format tag %d", h.bits, h.tag)
	default:
		name := tagNames[h.tag]
		if name == "" {
			name = "unknown"
		}
		return f, bad("unsupported codec: WAV format tag 0x%04X (%s); supported are PCM, float, G.711 µ-law and A-law", h.tag, name)
	}
	switch {
	case f.Channels == 0:
		return f, bad("the header declares 0 channels")
	case f.Channels > MaxChannels:
		return f, bad("the header declares %d channels; at most %d are supported", f.Channels, MaxChannels)
	case f.SampleRate < MinSampleRate || f.SampleRate > MaxSampleRate:
		return f, bad("sample rate %d Hz is out of range (%d to %d Hz)", f.SampleRate, MinSampleRate, MaxSampleRate)
	}
	if want := f.Channels * f.BitsPerSample / 8; int(h.blockAlign) != want {
		return f, bad("inconsistent header: block align %d, but %d channels of %d bits make %d", h.blockAlign, f.Channels, f.BitsPerSample, want)
	}
	if want := uint32(h.blockAlign) * h.rate; h.byteRate != want {
		return f, bad("inconsistent header: %d bytes per second, but %d Hz × %d-byte frames make %d", h.byteRate, h.rate, h.blockAlign, want)
	}
	return f, nil
}

// crossCheck has go-audio/wav read the header the walk already bounded,
// and requires both readings to agree.
func crossCheck(r io.ReadSeeker, h *header) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = bad("malformed header: %v", p)
		}
	}()
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	d := wav.NewDecoder(r)
	d.ReadInfo()
	if err := d.Err(); err != nil {
		return bad("malformed header: %v", err)
	}
	if d.NumChans != h.channels || uint32(d.SampleRate) != h.rate || d.BitDepth != h.bits {
		return bad("malformed header: chunks before fmt hide its fields")
	}
	return nil
}

// Format returns the recording's format.
func (d *Decoder) Format() Format { return d.f }

// Read decodes whole frames into dst, interleaved, as float32 in [-1, 1],
// and returns how many samples it wrote (a multiple of the channel count).
// It returns io.EOF after the last frame.
func (d *Decoder) Read(dst []float32) (int, error) {
	frames := int64(len(dst) / d.f.Channels)
	frames = min(frames, d.remain/int64(d.blockAlign))
	if frames == 0 {
		if d.remain < int64(d.blockAlign) {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("audio: Read needs room for one frame (%d samples)", d.f.Channels)
	}
	nb := int(frames) * d.blockAlign
	if cap(d.buf) < nb {
		d.buf = make([]byte, nb)
	}
	b := d.buf[:nb]
	if _, err := io.ReadFull(d.r, b); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return 0, bad("truncated: the file ended inside the data chunk")
		}
		return 0, err
	}
	d.remain -= int64(nb)
	n := int(frames) * d.f.Channels
	convert(dst[:n], b, d.f)
	return n, nil
}

// convert turns raw little-endian samples into floats.
func convert(dst []float32, b []byte, f Format) {
	switch f.Codec {
	case MuLaw:
		for i, c := range b[:len(dst)] {
			dst[i] = muLaw[c]
		}
	case ALaw:
		for i, c := range b[:len(dst)] {
			dst[i] = aLaw[c]
		}
	case Float:
		if f.BitsPerSample == 32 {
			for i := range dst {
				dst[i] = clampNaN(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			}
			return
		}
		for i := range dst {
			dst[i] = clampNaN(float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))))
		}
	default:
		switch f.BitsPerSample {
		case 8:
			for i, c := range b[:len(dst)] {
				dst[i] = float32(int(c)-128) / 128
			}
		case 16:
			for i := range dst {
				dst[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
			}
		case 24:
			for i := range dst {
				v := int32(b[3*i]) | int32(b[3*i+1])<<8 | int32(int8(b[3*i+2]))<<16
				dst[i] = float32(v) / 8388608
			}
		case 32:
			for i := range dst {
				dst[i] = float32(int32(binary.LittleEndian.Uint32(b[4*i:]))) / 2147483648
			}
		}
	}
}

// clampNaN keeps float samples finite and in range: a NaN or an infinity
// in a file must not poison every sum it enters.
func clampNaN(v float32) float32 {
	switch {
	case v != v:
		return 0
	case v > 1:
		return 1
	case v < -1:
		return -1
	}
	return v
}
