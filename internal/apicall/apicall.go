// Package apicall is the HTTP plumbing the OpenAI-compatible clients
// share (transcribe and scorers/llm): a transport that reads every answer
// whole and keeps what go-openai hides from its errors (the status, the
// Retry-After header, the raw body), Retry-After parsing, and jittered
// exponential backoff.
package apicall

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Exchange is what the transport saw of one attempt's answer.
type Exchange struct {
	Status     int
	RetryAfter time.Duration
	Body       []byte
}

type exchangeKey struct{}

// With returns ctx carrying x: the Recorder fills it when a request made
// with that context is answered, within the attempt's own goroutine.
func With(ctx context.Context, x *Exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, x)
}

// Recorder reads every answer whole (at most MaxBody bytes), so a
// transfer cut short fails as a network error, which is retried, before
// the client decodes it; and it fills the request's Exchange.
type Recorder struct {
	Base    http.RoundTripper
	MaxBody int64
}

// RoundTrip implements http.RoundTripper.
func (t Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, t.MaxBody+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	if int64(len(body)) > t.MaxBody {
		return nil, fmt.Errorf("response body larger than %d bytes", t.MaxBody)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	if x, ok := req.Context().Value(exchangeKey{}).(*Exchange); ok {
		x.Status = resp.StatusCode
		// The wall clock: an HTTP date is the server's time.
		x.RetryAfter = RetryAfter(resp.Header.Get("Retry-After"), time.Now())
		x.Body = body
	}
	return resp, nil
}

// maxRetryAfter keeps absurd Retry-After values from overflowing.
const maxRetryAfter = 365 * 24 * time.Hour

// RetryAfter parses a Retry-After value, delay-seconds or an HTTP date;
// it is 0 when absent, invalid or past.
func RetryAfter(v string, now time.Time) time.Duration {
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

// Backoff is the jittered wait before attempt n+1: half of lo·2^(n-1)
// (capped at hi) plus a random part of the other half, never less than lo.
func Backoff(n int, lo, hi time.Duration) time.Duration {
	d := hi
	if n <= 30 {
		d = min(d, lo<<(n-1))
	}
	return max(lo, d/2+rand.N(d/2+1))
}

// Sleep waits d, or less when ctx is done first; it reports whether it
// waited all of d.
func Sleep(ctx context.Context, d time.Duration) bool {
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

// Snippet is the start of a body, for error messages.
func Snippet(body []byte) string {
	const n = 200
	s := strings.TrimSpace(string(body))
	if len(s) > n {
		s = s[:n] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}
