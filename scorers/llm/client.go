package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// permanentError marks a failure that retrying will not cure.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err will come back the same on a retry:
// a 4xx answer (other than 408 and 429), a refusal, a truncated or
// malformed answer. Network failures, 408, 429, 5xx, timeouts, giving up
// after the attempts and an open circuit are not permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// statusError is an error answer from the service.
type statusError struct {
	code    int
	message string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("service answered %d %s: %s", e.code, http.StatusText(e.code), e.message)
}

// newStatusError describes an error answer; 408, 429 and 5xx are retryable.
func newStatusError(code int, message string) error {
	message = strings.TrimSpace(message)
	if message == "" {
		message = "(no message)"
	}
	err := &statusError{code: code, message: message}
	if code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500 {
		return err
	}
	return permanentError{err}
}

// rejectsSchema reports whether err is the server refusing json_schema:
// a 400 that names response_format or json_schema.
func rejectsSchema(err error) bool {
	var se *statusError
	if !errors.As(err, &se) || se.code != http.StatusBadRequest {
		return false
	}
	m := strings.ToLower(se.message)
	return strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") ||
		strings.Contains(m, "response format") || strings.Contains(m, "json schema")
}

// classify turns a go-openai error into a retryable or permanent one.
func (s *Scorer) classify(ctx context.Context, err error, x *exchange) error {
	var (
		reqErr *openai.RequestError
		apiErr *openai.APIError
		urlErr *url.Error
	)
	switch {
	case errors.As(err, &reqErr): // an error answer whose body is not OpenAI's error JSON
		return newStatusError(reqErr.HTTPStatusCode, snippet(reqErr.Body))
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		msg := apiErr.Message
		if apiErr.Param != nil && *apiErr.Param != "" {
			msg += " (param " + *apiErr.Param + ")"
		}
		return newStatusError(apiErr.HTTPStatusCode, msg)
	case errors.As(err, &urlErr): // network or attempt timeout
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("attempt timed out after %s: %w", s.cfg.Timeout, err)
		}
		return err
	case x.status >= 200 && x.status < 300:
		return permanentError{fmt.Errorf("malformed response body %q: %w", snippet(x.body), err)}
	default: // go-openai refused to send (a parameter its validator rejects)
		return permanentError{err}
	}
}

// backoff is the jittered wait before attempt n+1: half of
// RetryMin·2^(n-1) (capped at RetryMax) plus a random part of the other
// half, never less than RetryMin.
func (s *Scorer) backoff(n int) time.Duration {
	d := s.cfg.RetryMax
	if n <= 30 {
		d = min(d, s.cfg.RetryMin<<(n-1))
	}
	return max(s.cfg.RetryMin, d/2+rand.N(d/2+1))
}

// sleep waits d, or less when ctx is done first; it reports whether it
// waited all of d.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// snippet is the start of a body, for error messages.
func snippet(body []byte) string {
	const n = 200
	s := strings.TrimSpace(string(body))
	if len(s) > n {
		s = s[:n] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

// maxBody bounds an answer: 2048 tokens of JSON are far smaller.
const maxBody = 8 << 20

type exchangeKey struct{}

// exchange is what the transport saw of an attempt's answer: go-openai
// keeps status headers (Retry-After) and the raw body out of its errors.
// The transport fills it from the request context, within the attempt's
// own goroutine.
type exchange struct {
	status     int
	retryAfter time.Duration
	body       []byte
}

// recorder reads every answer whole, so that a transfer cut short fails as
// a (retried) network error before go-openai decodes it, and records it in
// the request's exchange.
type recorder struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("response body larger than %d bytes", maxBody)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	if x, ok := req.Context().Value(exchangeKey{}).(*exchange); ok {
		x.status = resp.StatusCode
		// The wall clock, not Config.Now: an HTTP date is the server's time.
		x.retryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		x.body = body
	}
	return resp, nil
}

// maxRetryAfter keeps absurd Retry-After values from overflowing.
const maxRetryAfter = 365 * 24 * time.Hour

// retryAfter parses a Retry-After value, delay-seconds or an HTTP date;
// it is 0 when absent, invalid or past.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs > 0) {
			return 0
		}
		return time.Duration(math.Min(secs, maxRetryAfter.Seconds()) * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// httpClient wraps the configured (or default) transport in a recorder.
func httpClient(cfg Config) *http.Client {
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
		if t, ok := base.(*http.Transport); ok {
			t = t.Clone()
			t.MaxIdleConnsPerHost = cfg.Concurrency
			base = t
		}
	}
	hc.Transport = recorder{base: base}
	return &hc
}

// reasoningModel reports whether model takes max_completion_tokens and
// no temperature (go-openai rejects max_tokens and a temperature for them).
func reasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// temperatureZero is the temperature sent. go-openai omits a zero
// float32 (`omitempty`), which servers read as their default, 1; its
// maintainers suggest the smallest non-zero float32 (1e-45), which every
// server treats as 0 (sashabaranov/go-openai#9).
const temperatureZero = math.SmallestNonzeroFloat32

// request builds the chat-completions request for one interaction.
func (s *Scorer) request(mode, user string) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model: s.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: s.prompt.system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
	}
	if s.reasoning {
		req.MaxCompletionTokens = s.cfg.MaxTokens
	} else {
		req.MaxTokens = s.cfg.MaxTokens
		req.Temperature = temperatureZero
	}
	if mode == JSONModeSchema {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: "scorecard_answer", Schema: s.prompt.schema, Strict: true,
			},
		}
	} else {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return req
}
