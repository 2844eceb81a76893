package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/zhijian-qa/zhijian/audio/fetch"
	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/redact"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/transcribe"
)

// fakeSTT is an OpenAI-compatible transcription endpoint that answers
// with the true transcript of the synthetic calls: for a piece named
// ID-SIDE-NNN.wav, the turns of SIDE, or every turn for a mono piece
// (each call here is one piece a side, starting at 0).
type fakeSTT struct {
	t        *testing.T
	calls    map[string][]schemas.Turn
	mu       sync.Mutex
	requests []string // "name model format language"
}

func (f *fakeSTT) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/audio/transcriptions" || r.Header.Get("Authorization") != "Bearer test-key" {
		http.Error(w, `{"error":{"message":"bad path or key"}}`, http.StatusUnauthorized)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		http.Error(w, `{"error":{"message":"no file"}}`, http.StatusBadRequest)
		return
	}
	wav, _ := io.ReadAll(file)
	f.mu.Lock()
	f.requests = append(f.requests, strings.Join([]string{hdr.Filename, r.FormValue("model"), r.FormValue("response_format"), r.FormValue("language")}, " "))
	f.mu.Unlock()
	// 16 kHz mono 16-bit PCM, as promised to STT services.
	if len(wav) < 44 || string(wav[:4]) != "RIFF" || wav[22] != 1 || wav[24] != 0x80 || wav[25] != 0x3E || wav[34] != 16 {
		http.Error(w, `{"error":{"message":"not 16 kHz mono PCM"}}`, http.StatusBadRequest)
		return
	}
	name := strings.TrimSuffix(hdr.Filename, ".wav")
	i := strings.LastIndexByte(name, '-')
	j := strings.LastIndexByte(name[:i], '-')
	id, side := name[:j], schemas.Speaker(name[j+1:i])
	type seg struct {
		Start, End float64
		Text       string
		AvgLogprob float64 `json:"avg_logprob"`
	}
	var segs []seg
	var text []string
	for _, t := range f.calls[id] {
		if t.Speaker == side || side == "mono" {
			segs = append(segs, seg{float64(t.StartMS) / 1000, float64(t.EndMS) / 1000, t.Text, -0.1})
			text = append(text, t.Text)
		}
	}
	json.NewEncoder(w).Encode(map[string]any{"task": "transcribe", "language": r.FormValue("language"), //nolint:errcheck // test server
		"duration": float64(len(wav)-44) / 32000, "text": strings.Join(text, " "), "segments": segs})
}

// callsFixture loads synthetic calls and serves their transcripts.
func callsFixture(t *testing.T, names ...string) (map[string]*schemas.Interaction, *fakeSTT) {
	t.Helper()
	fake := &fakeSTT{t: t, calls: map[string][]schemas.Turn{}}
	ins := map[string]*schemas.Interaction{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("../testdata/calls", n+".json"))
		if err != nil {
			t.Fatal(err)
		}
		in, err := schemas.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		fake.calls[in.ID] = in.Turns
		ins[n] = in
	}
	return ins, fake
}

func newVoice(t *testing.T, fake http.Handler, root string) *pipeline.Voice {
	t.Helper()
	f, err := fetch.New(fetch.Config{Root: root}.WithDefaults())
	if err != nil {
		t.Fatal(err)
	}
	v := &pipeline.Voice{Fetch: f, TempDir: t.TempDir(), Concurrency: 2}
	if fake != nil {
		srv := httptest.NewServer(fake)
		t.Cleanup(srv.Close)
		c, err := transcribe.NewOpenAI(transcribe.Config{URL: srv.URL + "/v1", Key: "test-key", Model: "whisper-1",
			RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}.WithDefaults())
		if err != nil {
			t.Fatal(err)
		}
		v.STT, v.STTModel = c, "whisper-1"
	}
	return v
}

func TestVoiceWithoutTurnsIsTranscribedPerChannelAndMeasured(t *testing.T) {
	ins, fake := callsFixture(t, "zh-overtalk-ulaw", "en-normal-pcm16")
	v := newVoice(t, fake, "../testdata")
	for name, in := range ins {
		t.Run(name, func(t *testing.T) {
			want := in.Turns
			in.Turns = nil
			p, err := v.Prepare(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if p.Source != "stt:whisper-1" || p.Metrics.Source != "audio" || p.Audio == nil {
				t.Fatalf("source %q, metrics from %q, audio %v", p.Source, p.Metrics.Source, p.Audio)
			}
			if len(in.Turns) != len(want) {
				t.Fatalf("%d turns transcribed, want %d: %+v", len(in.Turns), len(want), in.Turns)
			}
			for i, turn := range in.Turns {
				if turn.Speaker != want[i].Speaker || turn.Text != want[i].Text || turn.StartMS != want[i].StartMS || turn.Confidence == nil {
					t.Errorf("turn %d = %+v, want %+v", i, turn, want[i])
				}
			}
			if p.Metrics.AgentRate <= 0 || p.Metrics.AgentTalkRatio <= 0 {
				t.Errorf("metrics lack rates or ratio: %+v", p.Metrics)
			}
		})
	}
	lang := map[string]string{"call-zh-overtalk-ulaw": "zh", "call-en-normal-pcm16": "en"}
	if len(fake.requests) != 4 {
		t.Fatalf("requests %q, want one per side of each call", fake.requests)
	}
	for _, r := range fake.requests {
		f := strings.Fields(r)
		id := f[0][:strings.LastIndexByte(f[0][:strings.LastIndexByte(f[0], '-')], '-')]
		if len(f) != 4 || f[1] != "whisper-1" || f[2] != "verbose_json" || f[3] != lang[id] {
			t.Errorf("request %q: want model whisper-1, verbose_json, language %s", r, lang[id])
		}
	}
}

func TestVoiceWithoutSTTIsMeasuredOnly(t *testing.T) {
	ins, _ := callsFixture(t, "zh-dead-air-ulaw")
	in := ins["zh-dead-air-ulaw"]
	in.Turns = nil
	p, err := newVoice(t, nil, "../testdata").Prepare(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != pipeline.SourceNone || len(in.Turns) != 0 || p.Metrics.LongestSilenceMS < 20000 {
		t.Fatalf("source %q, %d turns, longest silence %d", p.Source, len(in.Turns), p.Metrics.LongestSilenceMS)
	}
}

func TestBadRecordingsArePermanentAndSayWhy(t *testing.T) {
	root := t.TempDir()
	good, err := os.ReadFile("../testdata/calls/zh-normal-ulaw.wav")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(root, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("truncated.wav", good[:len(good)/2])
	write("empty.wav", nil)
	adpcm := append([]byte{}, good...)
	adpcm[20] = 0x11 // IMA ADPCM
	write("adpcm.wav", adpcm)
	three := append([]byte{}, good...)
	three[22] = 3 // three channels: block align and byte rate no longer agree
	write("three.wav", three)
	v := newVoice(t, nil, root)
	cases := map[string]string{
		"file:///truncated.wav":   "truncated",
		"file:///empty.wav":       "empty file",
		"file:///adpcm.wav":       "unsupported codec",
		"file:///three.wav":       "inconsistent header",
		"file:///../secret.wav":   "recording",
		"file:///missing.wav":     "recording file:///missing.wav",
		"https://evil.example/x":  "recordings.allow_hosts",
		"ftp://example.com/a.wav": "recording",
	}
	for uri, want := range cases {
		in := &schemas.Interaction{ID: "c1", Channel: schemas.Voice, Recording: &schemas.Recording{URI: uri}}
		_, err := v.Prepare(context.Background(), in)
		if err == nil || !strings.Contains(err.Error(), want) || !pipeline.IsPermanent(err) {
			t.Errorf("%s: err %v, want a permanent one containing %q", uri, err, want)
		}
	}
}

func TestThreeChannelsNeedAMap(t *testing.T) {
	root := t.TempDir()
	// 3 channels of 16-bit PCM at 8 kHz, 0.5 s of silence.
	var b []byte
	le32 := func(v uint32) { b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	le16 := func(v uint16) { b = append(b, byte(v), byte(v>>8)) }
	data := make([]byte, 8000*3)
	b = append(b, "RIFF"...)
	le32(uint32(36 + len(data)))
	b = append(b, "WAVEfmt "...)
	le32(16)
	le16(1)
	le16(3)
	le32(8000)
	le32(8000 * 6)
	le16(6)
	le16(16)
	b = append(b, "data"...)
	le32(uint32(len(data)))
	b = append(b, data...)
	if err := os.WriteFile(filepath.Join(root, "three.wav"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	v := newVoice(t, nil, root)
	in := &schemas.Interaction{ID: "c1", Channel: schemas.Voice, Recording: &schemas.Recording{URI: "file:///three.wav"}}
	_, err := v.Prepare(context.Background(), in)
	if err == nil || !strings.Contains(err.Error(), "3 channels and no channel map") || !pipeline.IsPermanent(err) {
		t.Fatalf("err %v", err)
	}
	two, one := 2, 0
	in.Recording.AgentChannel, in.Recording.CustomerChannel = &two, &one
	if _, err := v.Prepare(context.Background(), in); err != nil {
		t.Fatalf("with a map: %v", err)
	}
}

func TestSTTOutageIsRetryableAndRefusalIsPermanent(t *testing.T) {
	ins, _ := callsFixture(t, "en-normal-pcm16")
	for status, permanent := range map[int]bool{http.StatusServiceUnavailable: false, http.StatusUnauthorized: true} {
		v := newVoice(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, fmt.Sprintf(`{"error":{"message":"status %d"}}`, status), status)
		}), "../testdata")
		in := *ins["en-normal-pcm16"]
		in.Turns = nil
		_, err := v.Prepare(context.Background(), &in)
		if err == nil || pipeline.IsPermanent(err) != permanent {
			t.Errorf("STT answering %d: err %v, permanent %v; want permanent %v", status, err, pipeline.IsPermanent(err), permanent)
		}
	}
}

// TestVoiceThroughTheBroker sends calls through Kafka: one without turns
// is fetched, measured, transcribed and scored; one with turns is
// measured and scored; a truncated recording is dead-lettered with the
// reason.
func TestVoiceThroughTheBroker(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "calls"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"zh-overtalk-ulaw", "en-fast-ulaw"} {
		b, err := os.ReadFile(filepath.Join("../testdata/calls", n+".wav"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "calls", n+".wav"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if n == "en-fast-ulaw" {
			if err := os.WriteFile(filepath.Join(root, "calls", "cut.wav"), b[:len(b)/3], 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	ins, fake := callsFixture(t, "zh-overtalk-ulaw", "en-fast-ulaw")
	ins["zh-overtalk-ulaw"].Turns = nil
	cut := *ins["en-fast-ulaw"]
	cut.ID, cut.Recording = "call-cut", &schemas.Recording{URI: "file:///calls/cut.wav"}
	var msgs []kafka.Message
	for _, in := range []*schemas.Interaction{ins["zh-overtalk-ulaw"], ins["en-fast-ulaw"], &cut} {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, kafka.Message{Key: []byte(in.ID), Value: b})
	}
	brokers := startBroker(t)
	st := openStore(t, "")
	publish(t, brokers, pipeline.TopicInteractions, msgs)
	voice := newVoice(t, fake, root)
	voice.Metrics = pipeline.NewMetrics()
	score, err := newScoreFunc(voice)
	if err != nil {
		t.Fatal(err)
	}
	w := startWorker(t, testConfig(brokers), score, st)
	waitFor(t, "all three handled", func() bool { return w.metrics.Scored.Load()+w.metrics.DeadLetters.Load() == 3 })
	w.shutdown(t)

	// Both good calls were analysed; only the one without turns was sent
	// for transcription, and only where someone talked.
	a, stt := voice.Metrics.AudioMS.Load(), voice.Metrics.STTMS.Load()
	if a < 40000 || stt <= 0 || stt > 2*11190 {
		t.Errorf("analysed %d ms, transcribed %d ms", a, stt)
	}
	dead := readAll(t, brokers, pipeline.TopicDLQ, 1)
	if reason := header(dead[0], "zhijian-reason"); string(dead[0].Key) != "call-cut" || !strings.Contains(reason, "truncated") {
		t.Errorf("dead letter %s: %q", dead[0].Key, reason)
	}
	for id, source := range map[string]string{"call-zh-overtalk-ulaw": "stt:whisper-1", "call-en-fast-ulaw": "supplied"} {
		rs, err := st.Results(context.Background(), store.Filter{}, id)
		if err != nil || len(rs) != 1 {
			t.Fatalf("%s: %d results, %v", id, len(rs), err)
		}
		r := rs[0]
		if r.TranscriptSource != source || r.Metrics == nil || r.Metrics.Source != "audio" || r.Scorers["audio"].Status != "ok" {
			t.Errorf("%s: transcript %q, metrics %+v, scorers %v", id, r.TranscriptSource, r.Metrics, r.Scorers)
		}
	}
}

// TestMonoCallSpeakersByAlternation measures how well a mono call's
// transcribed turns get their speakers (see audio/doc.go).
func TestMonoCallSpeakersByAlternation(t *testing.T) {
	ins, fake := callsFixture(t, "zh-mono-ulaw", "en-mono-alaw")
	v := newVoice(t, fake, "../testdata")
	right, all := 0, 0
	for _, in := range ins {
		want := in.Turns
		in.Turns = nil
		p, err := v.Prepare(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if p.Metrics.AgentTalkRatio != -1 || len(in.Turns) != len(want) {
			t.Fatalf("%s: ratio %v, %d turns of %d", in.ID, p.Metrics.AgentTalkRatio, len(in.Turns), len(want))
		}
		for i := range want {
			all++
			if in.Turns[i].Speaker == want[i].Speaker {
				right++
			}
		}
	}
	t.Logf("mono calls: %d of %d transcribed turns have the right speaker", right, all)
	if right != all {
		t.Errorf("%d of %d turns attributed right; the synthetic mono calls alternate cleanly", right, all)
	}
}

func TestRedactResultsRedactsStoredQuotesAndSummaries(t *testing.T) {
	score := func(context.Context, *schemas.Interaction) ([]*schemas.Result, error) {
		return []*schemas.Result{{
			Summary:  "Customer 13800138000 wants a refund.",
			Findings: []schemas.Finding{{Evidence: []schemas.Evidence{{Quote: "call me on 13800138000"}, {Quote: "order SW-10048213"}}}},
			Risks:    []schemas.Risk{{Evidence: []schemas.Evidence{{Quote: "mail a@b.example"}}}},
		}}, nil
	}
	rs, err := pipeline.RedactResults(score, redact.String)(context.Background(), &schemas.Interaction{})
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	if r.Summary != "Customer [PHONE] wants a refund." || r.Findings[0].Evidence[0].Quote != "call me on [PHONE]" ||
		r.Findings[0].Evidence[1].Quote != "order SW-10048213" || r.Risks[0].Evidence[0].Quote != "mail [EMAIL]" {
		t.Errorf("redacted: %q %+v %+v", r.Summary, r.Findings[0].Evidence, r.Risks[0].Evidence)
	}
}
