package transcribe

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeSTT is an in-test OpenAI-compatible speech-to-text service. It
// records every request (multipart fields, file bytes, arrival time),
// counts requests in flight, and answers with whatever answer returns for
// the request (n counts from 1).
type fakeSTT struct {
	answer func(n int, r sttRequest) sttAnswer

	mu          sync.Mutex
	reqs        []sttRequest
	inFlight    int
	maxInFlight int
}

// sttRequest is what the fake saw of one request.
type sttRequest struct {
	At                      time.Time
	Method, Path, Auth      string
	Filename                string
	File                    []byte
	Model, Format, Language string
	ParseErr                error
}

// sttAnswer is the fake's answer: Sleep (cut short when the client goes
// away) happens before the status is written.
type sttAnswer struct {
	Status int
	Header map[string]string
	Body   string
	Sleep  time.Duration
}

// newFakeSTT starts the fake; its base URL (with /v1) is returned.
func newFakeSTT(t *testing.T, answer func(n int, r sttRequest) sttAnswer) (*fakeSTT, string) {
	t.Helper()
	f := &fakeSTT{answer: answer}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/v1"
}

func (f *fakeSTT) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := sttRequest{At: time.Now(), Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization")}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		req.ParseErr = err
	} else if file, hdr, err := r.FormFile("file"); err != nil {
		req.ParseErr = err
	} else {
		req.Filename = hdr.Filename
		req.File, req.ParseErr = io.ReadAll(file)
		file.Close()
		req.Model = r.FormValue("model")
		req.Format = r.FormValue("response_format")
		req.Language = r.FormValue("language")
	}

	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	n := len(f.reqs)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()

	a := f.answer(n, req)
	if a.Sleep > 0 {
		select {
		case <-time.After(a.Sleep):
		case <-r.Context().Done():
			return
		}
	}
	if a.Status == 0 {
		a.Status = http.StatusOK
	}
	if _, ok := a.Header["Content-Type"]; !ok {
		w.Header().Set("Content-Type", "application/json")
	}
	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(a.Status)
	io.WriteString(w, a.Body)
}

// requests returns a copy of the recorded requests.
func (f *fakeSTT) requests() []sttRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sttRequest(nil), f.reqs...)
}

func (f *fakeSTT) peak() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxInFlight
}

// seg is a verbose_json segment as whisper-1 and faster-whisper send it;
// a nil logprob leaves avg_logprob out, as some servers do.
type seg struct {
	Start, End float64
	Text       string
	Logprob    *float64
}

// verbose is a verbose_json body.
func verbose(duration float64, segs ...seg) string {
	type wire struct {
		ID               int      `json:"id"`
		Seek             int      `json:"seek"`
		Start            float64  `json:"start"`
		End              float64  `json:"end"`
		Text             string   `json:"text"`
		Tokens           []int    `json:"tokens"`
		Temperature      float64  `json:"temperature"`
		AvgLogprob       *float64 `json:"avg_logprob,omitempty"`
		CompressionRatio float64  `json:"compression_ratio"`
		NoSpeechProb     float64  `json:"no_speech_prob"`
	}
	body := struct {
		Task     string  `json:"task"`
		Language string  `json:"language"`
		Duration float64 `json:"duration"`
		Text     string  `json:"text"`
		Segments []wire  `json:"segments"`
	}{Task: "transcribe", Language: "chinese", Duration: duration, Segments: []wire{}}
	for i, s := range segs {
		body.Text += s.Text
		body.Segments = append(body.Segments, wire{
			ID: i, Start: s.Start, End: s.End, Text: s.Text, Tokens: []int{50364, 1234},
			AvgLogprob: s.Logprob, CompressionRatio: 1.2, NoSpeechProb: 0.01,
		})
	}
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// apiError is an OpenAI error body.
func apiError(message, typ string) string {
	return fmt.Sprintf(`{"error":{"message":%q,"type":%q,"param":null,"code":null}}`, message, typ)
}

// wav is a 16 kHz mono 16-bit PCM WAV file of n samples of a ramp, as the
// pipeline makes them.
func wav(n int) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))     // PCM
	le(uint16(1))     // mono
	le(uint32(16000)) // sample rate
	le(uint32(32000)) // byte rate
	le(uint16(2))     // block align
	le(uint16(16))    // bits per sample
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(i * 7))
	}
	return b.Bytes()
}

func ptr(f float64) *float64 { return &f }
