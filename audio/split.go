package audio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/zhijian-qa/zhijian/schemas"
)

// STTRate is the sample rate speech-to-text services are sent: 16 kHz
// mono 16-bit PCM, what Whisper-family models work at.
const STTRate = 16000

// MaxPieceMS keeps a piece's WAV under the 25 MB request limit of
// OpenAI-compatible transcription endpoints: 16 kHz × 2 bytes is
// 32,000 bytes a second, so 10 minutes is 19.2 MB.
const MaxPieceMS = 10 * 60 * 1000

// Piece is a span of one speaker's channel, resampled for transcription.
type Piece struct {
	Speaker schemas.Speaker // empty on a mono recording
	Span    Span
	file    *os.File
	off, n  int64 // samples of the channel file
}

// Size is the piece's WAV size in bytes.
func (p *Piece) Size() int64 { return wavHeaderSize + 2*p.n }

// Open returns the piece as a complete WAV file.
func (p *Piece) Open() (io.ReadCloser, error) {
	h := wavHeader(STTRate, p.n)
	return io.NopCloser(io.MultiReader(bytes.NewReader(h), io.NewSectionReader(p.file, 2*p.off, 2*p.n))), nil
}

// Pieces are a recording's pieces; Close removes their files.
type Pieces struct {
	List  []Piece
	files []*os.File
}

// Close removes the temporary files.
func (ps *Pieces) Close() error {
	var errs []error
	for _, f := range ps.files {
		errs = append(errs, f.Close(), os.Remove(f.Name()))
	}
	return errors.Join(errs...)
}

// Split resamples each analysed channel of the recording in r to 16 kHz
// mono into a temporary file in dir, and cuts it into pieces of at most
// maxMS, at the middle of the channel's pauses where it can. Pieces
// without talk are left out: nobody needs to pay to transcribe silence.
func Split(r io.ReadSeeker, a *Analysis, dir string, maxMS int64) (*Pieces, error) {
	if maxMS <= 0 || maxMS > MaxPieceMS {
		maxMS = MaxPieceMS
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	d, err := NewDecoder(r)
	if err != nil {
		return nil, err
	}
	f := d.Format()
	ps := &Pieces{}
	ok := false
	defer func() {
		if !ok {
			ps.Close() //nolint:errcheck // the error that got us here matters more
		}
	}()
	type out struct {
		rs *resampler
		w  *bufio.Writer
		n  int64
	}
	outs := make([]*out, len(a.Tracks))
	for i, t := range a.Tracks {
		if t.Channel >= f.Channels {
			return nil, fmt.Errorf("audio: track channel %d of %d", t.Channel, f.Channels)
		}
		file, err := os.CreateTemp(dir, "zhijian-stt-*.pcm")
		if err != nil {
			return nil, err
		}
		ps.files = append(ps.files, file)
		outs[i] = &out{rs: newResampler(f.SampleRate, STTRate), w: bufio.NewWriterSize(file, 64<<10)}
	}
	buf := make([]float32, chunk*f.Channels)
	mono := make([]float32, chunk)
	var pcm []byte
	emit := func(o *out, ys []float32) error {
		pcm = pcm[:0]
		for _, y := range ys {
			v := int16(math.Round(float64(max(min(y, 1), -1)) * 32767))
			pcm = binary.LittleEndian.AppendUint16(pcm, uint16(v))
		}
		o.n += int64(len(ys))
		_, err := o.w.Write(pcm)
		return err
	}
	for {
		n, err := d.Read(buf)
		if n > 0 {
			for i, t := range a.Tracks {
				m := mono[:0]
				for j := t.Channel; j < n; j += f.Channels {
					m = append(m, buf[j])
				}
				if err := emit(outs[i], outs[i].rs.push(m)); err != nil {
					return nil, err
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	for i, t := range a.Tracks {
		o := outs[i]
		if err := emit(o, o.rs.flush()); err != nil {
			return nil, err
		}
		if err := o.w.Flush(); err != nil {
			return nil, err
		}
		for _, s := range cuts(t.Talk, a.DurationMS, maxMS) {
			off := s.StartMS * STTRate / 1000
			end := min(s.EndMS*STTRate/1000, o.n)
			if end > off {
				ps.List = append(ps.List, Piece{Speaker: t.Speaker, Span: s, file: ps.files[i], off: off, n: end - off})
			}
		}
	}
	ok = true
	return ps, nil
}

// cuts splits [0, dur) into spans of at most maxMS that hold talk, cutting
// at the middle of the latest pause that leaves each span at least half
// full, else at the limit.
func cuts(talk []Span, dur, maxMS int64) []Span {
	var out []Span
	keep := func(s Span) {
		for _, t := range talk {
			if t.StartMS < s.EndMS && t.EndMS > s.StartMS {
				out = append(out, s)
				return
			}
		}
	}
	start := int64(0)
	for dur-start > maxMS {
		limit, cut := start+maxMS, start+maxMS
		for i := 0; i+1 < len(talk); i++ {
			mid := (talk[i].EndMS + talk[i+1].StartMS) / 2
			if mid > start+maxMS/2 && mid <= limit && talk[i+1].StartMS > talk[i].EndMS {
				cut = mid
			}
		}
		keep(Span{start, cut})
		start = cut
	}
	keep(Span{start, dur})
	return out
}

const wavHeaderSize = 44

// wavHeader is the header of a mono 16-bit PCM WAV of n samples.
func wavHeader(rate int, n int64) []byte {
	b := make([]byte, 0, wavHeaderSize)
	data := uint32(min(2*n, math.MaxUint32-36))
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, 36+data)
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = binary.LittleEndian.AppendUint16(b, tagPCM)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint32(b, uint32(rate))
	b = binary.LittleEndian.AppendUint32(b, uint32(rate*2))
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 16)
	b = append(b, "data"...)
	return binary.LittleEndian.AppendUint32(b, data)
}
