package transcribe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// newClient returns a client of the fake with fast retries.
func newClient(t *testing.T, url string, edit func(*Config)) *OpenAI {
	t.Helper()
	cfg := Config{
		URL: url, Key: "KEY", Model: "whisper-1",
		Timeout: 5 * time.Second, Attempts: 4,
		RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := NewOpenAI(cfg)
	if err != nil {
		t.Fatalf("NewOpenAI: %v", err)
	}
	return c
}

func request(name string, audio []byte) Request {
	return Request{Audio: bytes.NewReader(audio), Name: name, Language: "zh"}
}

func ok(body string) func(int, sttRequest) sttAnswer {
	return func(int, sttRequest) sttAnswer { return sttAnswer{Body: body} }
}

func TestVerboseJSONSegmentsBecomeMillisecondsWithConfidence(t *testing.T) {
	fake, url := newFakeSTT(t, ok(verbose(12.3456,
		seg{0, 2.5, " 您好，请问有什么可以帮您？", ptr(-0.1)},
		seg{2.5, 5.2504, "我想查一下话费。 ", ptr(-0.35)},
		seg{5.25, 6, "   ", ptr(-0.2)}, // silence: dropped
		seg{6.0004, 7.5, "好的", nil},    // no avg_logprob: no confidence
		seg{-1, 9, "请稍等", ptr(0)},      // negative start clamped
		seg{10, 9.5, "嗯", ptr(-2)},     // end before start clamped
		seg{11, 99, "再见", ptr(-0.05)},  // end past the audio clamped
	)))
	audio := wav(1600)
	got, err := newClient(t, url, nil).Transcribe(context.Background(), request("c-1-agent-000.wav", audio))
	if err != nil {
		t.Fatal(err)
	}

	reqs := fake.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.ParseErr != nil {
		t.Fatalf("multipart form: %v", r.ParseErr)
	}
	checks := []struct{ field, got, want string }{
		{"method", r.Method, http.MethodPost},
		{"path", r.Path, "/v1/audio/transcriptions"},
		{"Authorization", r.Auth, "Bearer KEY"},
		{"file name", r.Filename, "c-1-agent-000.wav"},
		{"model", r.Model, "whisper-1"},
		{"response_format", r.Format, "verbose_json"},
		{"language", r.Language, "zh"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if !bytes.Equal(r.File, audio) {
		t.Errorf("file: got %d bytes, want the %d sent", len(r.File), len(audio))
	}

	want := []Segment{
		{0, 2500, "您好，请问有什么可以帮您？", ptr(math.Exp(-0.1))},
		{2500, 5250, "我想查一下话费。", ptr(math.Exp(-0.35))},
		{6000, 7500, "好的", nil},
		{0, 9000, "请稍等", ptr(1)},
		{10000, 10000, "嗯", ptr(math.Exp(-2))},
		{11000, 12346, "再见", ptr(math.Exp(-0.05))},
	}
	assertSegments(t, got, want)
}

func TestGPT4oTranscribeAsksForJSONAndGetsOneSegment(t *testing.T) {
	fake, url := newFakeSTT(t, ok(`{"text":"  Hello, I'd like to cancel my plan. ","usage":{"type":"tokens","input_tokens":14,"output_tokens":9,"total_tokens":23}}`))
	c := newClient(t, url, func(c *Config) { c.Model = "gpt-4o-transcribe" })
	got, err := c.Transcribe(context.Background(), Request{Audio: bytes.NewReader(wav(800)), Name: "c-2-customer-000.wav"})
	if err != nil {
		t.Fatal(err)
	}
	r := fake.requests()[0]
	if r.Format != "json" || r.Model != "gpt-4o-transcribe" || r.Language != "" {
		t.Errorf("sent response_format=%q model=%q language=%q, want json, gpt-4o-transcribe, none", r.Format, r.Model, r.Language)
	}
	assertSegments(t, got, []Segment{{0, 0, "Hello, I'd like to cancel my plan.", nil}})
}

func TestTextOnlyAnswersBecomeOneSegment(t *testing.T) {
	for _, tc := range []struct {
		name, format, body string
		want               []Segment
	}{
		{"text format", "text", "hello there\n", []Segment{{0, 0, "hello there", nil}}},
		{"verbose without segments", "verbose_json", `{"task":"transcribe","language":"english","duration":3.2,"text":" hi "}`,
			[]Segment{{0, 3200, "hi", nil}}},
		{"silence", "verbose_json", verbose(2), nil},
		{"empty text", "json", `{"text":""}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := newFakeSTT(t, ok(tc.body))
			got, err := newClient(t, url, func(c *Config) { c.Format = tc.format }).
				Transcribe(context.Background(), request("a.wav", wav(10)))
			if err != nil {
				t.Fatal(err)
			}
			if f := fake.requests()[0].Format; f != tc.format {
				t.Errorf("response_format = %q, want %q", f, tc.format)
			}
			assertSegments(t, got, tc.want)
		})
	}
}

// The only test that measures time: it checks the wait between two
// requests that Retry-After prescribes, a behaviour rather than a speed.
func TestRetryAfterOn429IsHonoured(t *testing.T) {
	fake, url := newFakeSTT(t, func(n int, _ sttRequest) sttAnswer {
		if n == 1 {
			return sttAnswer{Status: 429, Header: map[string]string{"Retry-After": "1"},
				Body: apiError("Rate limit reached for whisper-1 on requests per min (RPM): Limit 50.", "requests")}
		}
		return sttAnswer{Body: verbose(1, seg{0, 1, "喂？", ptr(-0.2)})}
	})
	c := newClient(t, url, func(c *Config) { c.RetryMax = 5 * time.Second })
	audio := wav(100)
	if _, err := c.Transcribe(context.Background(), request("a.wav", audio)); err != nil {
		t.Fatal(err)
	}
	reqs := fake.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap < 950*time.Millisecond {
		t.Errorf("second request %s after the first, want at least the 1s of Retry-After", gap)
	}
	if !bytes.Equal(reqs[1].File, audio) {
		t.Error("the retry did not resend the same audio")
	}
}

func TestRetryAfterLongerThanRetryMaxGivesUp(t *testing.T) {
	fake, url := newFakeSTT(t, func(int, sttRequest) sttAnswer {
		return sttAnswer{Status: 429, Header: map[string]string{"Retry-After": "120"}, Body: apiError("slow down", "requests")}
	})
	_, err := newClient(t, url, nil).Transcribe(context.Background(), request("a.wav", wav(10)))
	if err == nil || !strings.Contains(err.Error(), "2m0s") || !strings.Contains(err.Error(), "429") {
		t.Fatalf("err = %v, want one about the 2m0s Retry-After and 429", err)
	}
	if IsPermanent(err) {
		t.Error("a rate limit is not permanent")
	}
	if n := len(fake.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	fake, url := newFakeSTT(t, func(n int, _ sttRequest) sttAnswer {
		if n <= 2 {
			return sttAnswer{Status: 500, Body: apiError("The server had an error while processing your request.", "server_error")}
		}
		return sttAnswer{Body: verbose(1, seg{0, 1, "ok", nil})}
	})
	audio := wav(100)
	got, err := newClient(t, url, nil).Transcribe(context.Background(), request("a.wav", audio))
	if err != nil {
		t.Fatal(err)
	}
	assertSegments(t, got, []Segment{{0, 1000, "ok", nil}})
	reqs := fake.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if !bytes.Equal(r.File, audio) {
			t.Errorf("request %d sent %d bytes, want the %d of the audio", i+1, len(r.File), len(audio))
		}
	}
}

func TestServerErrorsGiveUpAfterAttempts(t *testing.T) {
	fake, url := newFakeSTT(t, func(int, sttRequest) sttAnswer {
		return sttAnswer{Status: 502, Header: map[string]string{"Content-Type": "text/html"}, Body: "<html><body>502 Bad Gateway</body></html>"}
	})
	_, err := newClient(t, url, func(c *Config) { c.Attempts = 3 }).Transcribe(context.Background(), request("c-1-agent-000.wav", wav(10)))
	if n := len(fake.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	for _, want := range []string{"transcribe c-1-agent-000.wav", "3 attempts", "502", "Bad Gateway"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %q", err, want)
		}
	}
	if IsPermanent(err) {
		t.Error("a server error is not permanent")
	}

	fake, url = newFakeSTT(t, func(int, sttRequest) sttAnswer {
		return sttAnswer{Status: 500, Body: apiError("The server had an error while processing your request.", "server_error")}
	})
	_, err = newClient(t, url, nil).Transcribe(context.Background(), request("a.wav", wav(10)))
	if n := len(fake.requests()); n != 4 {
		t.Errorf("%d requests, want the 4 default attempts", n)
	}
	if err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "server had an error") {
		t.Errorf("err = %v, want it to mention 500 and the message", err)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   string
	}{
		{400, apiError("Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'wav']", "invalid_request_error"), "Invalid file format"},
		{401, apiError("Incorrect API key provided: KEY.", "invalid_request_error"), "Incorrect API key"},
		{413, "Request Entity Too Large", "Request Entity Too Large"},
		{422, `{"detail":"language 'xx' is not supported"}`, "language 'xx' is not supported"}, // FastAPI servers
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			fake, url := newFakeSTT(t, func(int, sttRequest) sttAnswer { return sttAnswer{Status: tc.status, Body: tc.body} })
			_, err := newClient(t, url, nil).Transcribe(context.Background(), request("c-1-agent-000.wav", wav(10)))
			if n := len(fake.requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			for _, want := range []string{"transcribe c-1-agent-000.wav", http.StatusText(tc.status), tc.want} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want it to mention %q", err, want)
				}
			}
			if !IsPermanent(err) {
				t.Error("not permanent")
			}
		})
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	fake, url := newFakeSTT(t, func(int, sttRequest) sttAnswer { return sttAnswer{Sleep: 10 * time.Second, Body: `{"text":"late"}`} })
	c := newClient(t, url, func(c *Config) { c.Timeout = 50 * time.Millisecond; c.Attempts = 3 })
	_, err := c.Transcribe(context.Background(), request("a.wav", wav(10)))
	if n := len(fake.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if err == nil || !strings.Contains(err.Error(), "timed out") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a timeout wrapping context.DeadlineExceeded", err)
	}
	if IsPermanent(err) {
		t.Error("a timeout is not permanent")
	}
}

func TestCancelStopsTheRetries(t *testing.T) {
	fake, url := newFakeSTT(t, func(int, sttRequest) sttAnswer {
		return sttAnswer{Status: 503, Body: apiError("overloaded", "server_error")}
	})
	c := newClient(t, url, func(c *Config) { c.RetryMin, c.RetryMax = time.Minute, time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Transcribe(ctx, request("a.wav", wav(10)))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "503") {
		t.Errorf("err = %v, want the context's error and the last 503", err)
	}
	if n := len(fake.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestMalformedBodyIsAPermanentError(t *testing.T) {
	for _, tc := range []struct{ name, format, body string }{
		{"cut JSON", "verbose_json", `{"text": `},
		{"HTML", "json", "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>"},
		{"array", "json", `[1, 2]`},
		{"null", "json", `null`},
		{"no text", "json", `{"result":"hello"}`},
		{"text of the wrong type", "json", `{"text": 5}`},
		{"segments of the wrong type", "verbose_json", `{"text":"a","segments":"a"}`},
		{"segment of the wrong shape", "verbose_json", `{"text":"a","segments":[{"start":"0.0","end":1}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := newFakeSTT(t, ok(tc.body))
			segs, err := newClient(t, url, func(c *Config) { c.Format = tc.format }).
				Transcribe(context.Background(), request("a.wav", wav(10)))
			if err == nil || !strings.Contains(err.Error(), "malformed") || !strings.Contains(err.Error(), "transcribe a.wav") {
				t.Fatalf("got %v, %v; want an error about a malformed body", segs, err)
			}
			if !IsPermanent(err) {
				t.Error("not permanent")
			}
			if n := len(fake.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (a malformed body is not retried)", n)
			}
		})
	}
}

func TestClientBoundsRequestsInFlight(t *testing.T) {
	fake, url := newFakeSTT(t, func(int, sttRequest) sttAnswer {
		return sttAnswer{Sleep: 20 * time.Millisecond, Body: `{"text":"x"}`}
	})
	c := newClient(t, url, func(c *Config) { c.Concurrency = 2; c.Format = "json" })
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.Transcribe(context.Background(), request("a.wav", wav(10))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := fake.peak(); p > 2 {
		t.Errorf("%d requests in flight, want at most 2", p)
	}
}

func TestRequestWithoutAudioOrName(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1/v1", nil)
	for _, r := range []Request{{Name: "a.wav"}, {Audio: bytes.NewReader(nil)}} {
		if _, err := c.Transcribe(context.Background(), r); err == nil || !IsPermanent(err) {
			t.Errorf("Transcribe(%+v) = %v, want a permanent error", r, err)
		}
	}
}

func TestNewOpenAIValidates(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"empty", Config{}, []string{"stt.url is required", "stt.model is required"}},
		{"no scheme", Config{URL: "localhost:8000/v1", Model: "m"}, []string{"stt.url"}},
		{"ftp", Config{URL: "ftp://example.com/v1", Model: "m"}, []string{`stt.url ("ftp://example.com/v1")`}},
		{"no host", Config{URL: "http:///v1", Model: "m"}, []string{"stt.url"}},
		{"format", Config{URL: "http://x/v1", Model: "m", Format: "srt"}, []string{`stt.format ("srt")`}},
		{"negatives", Config{URL: "http://x/v1", Model: "m", Timeout: -1, Attempts: -1, Concurrency: -2},
			[]string{"stt.timeout", "stt.attempts (-1)", "stt.concurrency (-2)"}},
		{"retry bounds", Config{URL: "http://x/v1", Model: "m", RetryMin: time.Minute, RetryMax: time.Second},
			[]string{"stt.retry_max (1s) must be at least stt.retry_min (1m0s)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewOpenAI(tc.cfg)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want it to mention %q", err, want)
				}
			}
		})
	}
}

func TestDefaultFormatFollowsTheModel(t *testing.T) {
	for model, want := range map[string]string{
		"whisper-1":                       "verbose_json",
		"Systran/faster-whisper-large-v3": "verbose_json",
		"gpt-4o-transcribe":               "json",
		"gpt-4o-mini-transcribe":          "json",
	} {
		if got := (Config{Model: model}).WithDefaults().Format; got != want {
			t.Errorf("format for %s = %q, want %q", model, got, want)
		}
	}
	cfg := Config{URL: "http://x/v1", Model: "m"}.WithDefaults()
	if cfg.Timeout != 2*time.Minute || cfg.Attempts != 4 || cfg.RetryMin != time.Second ||
		cfg.RetryMax != 30*time.Second || cfg.Concurrency != 4 {
		t.Errorf("defaults = %+v", cfg)
	}
}

func assertSegments(t *testing.T, got, want []Segment) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d segments %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.StartMS != w.StartMS || g.EndMS != w.EndMS || g.Text != w.Text || !sameConfidence(g.Confidence, w.Confidence) {
			t.Errorf("segment %d = %s, want %s", i, show(g), show(w))
		}
	}
}

func sameConfidence(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) < 1e-9
}

func show(s Segment) string {
	conf := "nil"
	if s.Confidence != nil {
		conf = fmt.Sprintf("%.4f", *s.Confidence)
	}
	return fmt.Sprintf("{%d..%d %q conf=%s}", s.StartMS, s.EndMS, s.Text, conf)
}
