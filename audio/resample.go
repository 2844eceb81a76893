package audio

import "math"

// resampler converts a stream between sample rates with a windowed-sinc
// filter in polyphase form: the output rate over the input rate reduces
// to L/M, and output k sits at input position k·M/L, which falls on one
// of L phases whose coefficients are computed once. The cutoff is below
// the lower of the two Nyquist frequencies, so downsampling does not
// alias.
type resampler struct {
	l, m   int64
	half   int         // taps either side of the position
	coef   [][]float32 // [phase][2·half]
	x      []float32   // pending input; x[0] is input sample base
	base   int64
	k      int64 // next output
	copyIn bool  // the rates are equal
}

const sincZeros = 8 // zero crossings of the kernel either side

func newResampler(in, out int) *resampler {
	if in == out {
		return &resampler{copyIn: true}
	}
	g := gcd(in, out)
	r := &resampler{l: int64(out / g), m: int64(in / g)}
	fc := 0.5 * math.Min(1, float64(out)/float64(in)) * 0.95 // cycles per input sample
	r.half = int(math.Ceil(sincZeros / (2 * fc)))
	r.coef = make([][]float32, r.l)
	for p := range r.coef {
		c := make([]float32, 2*r.half)
		frac := float64(p) / float64(r.l)
		for j := range c {
			t := frac - float64(j-r.half+1) // position minus tap
			c[j] = float32(kernel(t, fc, float64(r.half)))
		}
		r.coef[p] = c
	}
	return r
}

// kernel is a Blackman-windowed sinc of cutoff fc, half-width w samples.
func kernel(t, fc, w float64) float64 {
	if math.Abs(t) >= w {
		return 0
	}
	s := 2 * fc
	if t != 0 {
		s = math.Sin(2*math.Pi*fc*t) / (math.Pi * t)
	}
	x := math.Pi * (t/w + 1) // 0..2π over the window
	return s * (0.42 - 0.5*math.Cos(x) + 0.08*math.Cos(2*x))
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// push adds input and returns the outputs it completes.
func (r *resampler) push(in []float32) []float32 {
	if r.copyIn {
		return in
	}
	r.x = append(r.x, in...)
	return r.drain(false)
}

// flush returns the remaining outputs, treating the input as padded with
// silence.
func (r *resampler) flush() []float32 {
	if r.copyIn {
		return nil
	}
	return r.drain(true)
}

func (r *resampler) drain(final bool) []float32 {
	end := r.base + int64(len(r.x)) // input samples seen
	var out []float32
	for {
		pos := r.k * r.m
		n, phase := pos/r.l, pos%r.l
		if final && n >= end || !final && n+int64(r.half) >= end {
			break
		}
		var y float32
		c := r.coef[phase]
		lo := n - int64(r.half) + 1 - r.base
		for j, cj := range c {
			if i := lo + int64(j); i >= 0 && i < int64(len(r.x)) {
				y += r.x[i] * cj
			}
		}
		out = append(out, y)
		r.k++
	}
	// Keep what the next outputs still need.
	need := (r.k*r.m)/r.l - int64(r.half) + 1 - r.base
	if need > 0 {
		need = min(need, int64(len(r.x)))
		r.x = r.x[:copy(r.x, r.x[need:])]
		r.base += need
	}
	return out
}
