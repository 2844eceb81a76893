package transcribe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/zhijian-qa/zhijian/internal/apicall"
)

// OpenAI transcribes through an OpenAI-compatible speech-to-text endpoint
// with go-openai. It is safe for concurrent use.
type OpenAI struct {
	cfg    Config
	client *openai.Client
	slots  chan struct{} // one token per request in flight
}

// NewOpenAI returns a client for cfg, with defaults filled in. When cfg is
// invalid it fails naming every bad field and value ("stt.url is
// required", "stt.url (\"ftp://x\") must be an http or https URL ...").
func NewOpenAI(cfg Config) (*OpenAI, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base := http.DefaultTransport
	if t, ok := base.(*http.Transport); ok {
		t = t.Clone()
		t.MaxIdleConnsPerHost = cfg.Concurrency
		base = t
	}
	oc := openai.DefaultConfig(cfg.Key)
	oc.BaseURL = cfg.URL
	oc.HTTPClient = &http.Client{Transport: apicall.Recorder{Base: base, MaxBody: maxBody}}
	return &OpenAI{
		cfg:    cfg,
		client: openai.NewClientWithConfig(oc),
		slots:  make(chan struct{}, cfg.Concurrency),
	}, nil
}

// Transcribe sends r to the service, retrying as the package doc says. It
// reads r.Audio once and resends the buffered bytes on retries.
func (c *OpenAI) Transcribe(ctx context.Context, r Request) ([]Segment, error) {
	if r.Name == "" {
		return nil, permanentError{errors.New("transcribe: request has no name")}
	}
	fail := func(err error) error { return fmt.Errorf("transcribe %s: %w", r.Name, err) }
	if r.Audio == nil {
		return nil, fail(permanentError{errors.New("request has no audio")})
	}
	audio, err := io.ReadAll(r.Audio)
	if err != nil {
		return nil, fail(fmt.Errorf("read audio: %w", err))
	}
	for attempt := 1; ; attempt++ {
		segs, retryAfter, err := c.try(ctx, r, audio)
		switch {
		case err == nil:
			return segs, nil
		case ctx.Err() != nil, IsPermanent(err):
			return nil, fail(err)
		case attempt >= c.cfg.Attempts:
			return nil, fail(fmt.Errorf("giving up after %d attempts: %w", attempt, err))
		case retryAfter > c.cfg.RetryMax:
			return nil, fail(fmt.Errorf("service asks to retry after %s, longer than stt.retry_max %s: %w",
				retryAfter, c.cfg.RetryMax, err))
		}
		if !apicall.Sleep(ctx, max(retryAfter, apicall.Backoff(attempt, c.cfg.RetryMin, c.cfg.RetryMax))) {
			return nil, fail(fmt.Errorf("%w while waiting to retry: %w", ctx.Err(), err))
		}
	}
}

// try makes one attempt. It returns the wait the service asked for (from
// Retry-After) along with a failure.
func (c *OpenAI) try(ctx context.Context, r Request, audio []byte) ([]Segment, time.Duration, error) {
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	defer func() { <-c.slots }()

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	x := new(apicall.Exchange)
	resp, err := c.client.CreateTranscription(apicall.With(actx, x), openai.AudioRequest{
		Model:    c.cfg.Model,
		FilePath: r.Name,
		Reader:   bytes.NewReader(audio),
		Format:   openai.AudioResponseFormat(c.cfg.Format),
		Language: r.Language,
	})
	if err != nil {
		return nil, x.RetryAfter, c.classify(ctx, err, x)
	}
	segs, err := segments(resp, x.Body, c.cfg.Format)
	return segs, 0, err
}

// classify turns a go-openai error into a retryable or permanent one.
func (c *OpenAI) classify(ctx context.Context, err error, x *apicall.Exchange) error {
	var (
		reqErr *openai.RequestError
		apiErr *openai.APIError
		urlErr *url.Error
	)
	switch {
	case errors.As(err, &reqErr): // an error answer whose body is not OpenAI's error JSON
		return statusError(reqErr.HTTPStatusCode, apicall.Snippet(reqErr.Body))
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		return statusError(apiErr.HTTPStatusCode, apiErr.Message)
	case errors.As(err, &urlErr): // network or attempt timeout
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("attempt timed out after %s: %w", c.cfg.Timeout, err)
		}
		return err
	case x.Status >= 200 && x.Status < 300:
		return permanentError{fmt.Errorf("malformed response body %q: %w", apicall.Snippet(x.Body), err)}
	default:
		return permanentError{err}
	}
}

// statusError describes an error answer; 408, 429 and 5xx are retryable.
func statusError(code int, message string) error {
	message = strings.TrimSpace(message)
	if message == "" {
		message = "(no message)"
	}
	err := fmt.Errorf("service answered %d %s: %s", code, http.StatusText(code), message)
	if code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500 {
		return err
	}
	return permanentError{err}
}

// segments converts an answer. body is the raw answer, which tells a
// missing avg_logprob or text field from a zero or empty one.
func segments(resp openai.AudioResponse, body []byte, format string) ([]Segment, error) {
	var probe struct {
		Text     *string `json:"text"`
		Segments []struct {
			AvgLogprob *float64 `json:"avg_logprob"`
		} `json:"segments"`
	}
	if format != FormatText {
		if err := json.Unmarshal(body, &probe); err != nil {
			return nil, permanentError{fmt.Errorf("malformed response body %q: %w", apicall.Snippet(body), err)}
		}
		if probe.Text == nil {
			return nil, permanentError{fmt.Errorf("malformed response body %q: no \"text\" field", apicall.Snippet(body))}
		}
	}
	durMS := toMS(resp.Duration, 0)
	if len(resp.Segments) == 0 {
		text := strings.TrimSpace(resp.Text)
		if text == "" {
			return nil, nil
		}
		return []Segment{{EndMS: durMS, Text: text}}, nil
	}
	out := make([]Segment, 0, len(resp.Segments))
	for i, s := range resp.Segments {
		text := strings.TrimSpace(s.Text)
		if text == "" {
			continue
		}
		seg := Segment{StartMS: toMS(s.Start, durMS), EndMS: toMS(s.End, durMS), Text: text}
		seg.EndMS = max(seg.EndMS, seg.StartMS)
		if i < len(probe.Segments) && probe.Segments[i].AvgLogprob != nil {
			conf := min(math.Exp(*probe.Segments[i].AvgLogprob), 1)
			seg.Confidence = &conf
		}
		out = append(out, seg)
	}
	return out, nil
}

// maxMS keeps absurd times from overflowing int64 (about 35 years).
const maxMS = 1 << 40

// toMS converts seconds to whole milliseconds, clamped to 0..limitMS (to
// 0..maxMS when limitMS is 0).
func toMS(seconds float64, limitMS int64) int64 {
	if !(seconds > 0) { // negative or NaN
		return 0
	}
	if limitMS <= 0 {
		limitMS = maxMS
	}
	ms := math.Round(seconds * 1000)
	if ms >= float64(limitMS) {
		return limitMS
	}
	return int64(ms)
}

// maxBody bounds an answer; a transcript of 25 MB of audio is far smaller.
const maxBody = 16 << 20
