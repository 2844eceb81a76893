package apicall

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"99999999999999", maxRetryAfter},
	} {
		if got := RetryAfter(tc.in, now); got != tc.want {
			t.Errorf("RetryAfter(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	lo, hi := 10*time.Millisecond, time.Second
	for n := 1; n <= 100; n++ {
		if d := Backoff(n, lo, hi); d < lo || d > hi {
			t.Fatalf("Backoff(%d) = %s, want within [10ms, 1s]", n, d)
		}
	}
}

func TestRecorderKeepsWhatTheClientHides(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"message":"slow down"}}`) //nolint:errcheck // test server
	}))
	defer srv.Close()
	c := &http.Client{Transport: Recorder{Base: http.DefaultTransport, MaxBody: 1 << 10}}
	x := new(Exchange)
	req, _ := http.NewRequestWithContext(With(context.Background(), x), "GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if x.Status != 429 || x.RetryAfter != 7*time.Second || !strings.Contains(string(x.Body), "slow down") || string(body) != string(x.Body) {
		t.Errorf("exchange %+v, body %q", x, body)
	}
	small := &http.Client{Transport: Recorder{Base: http.DefaultTransport, MaxBody: 4}}
	if _, err := small.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "larger than 4 bytes") {
		t.Errorf("oversized body: %v", err)
	}
}

func TestSleepStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) || Sleep(ctx, 0) {
		t.Error("slept through a cancelled context")
	}
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("did not sleep")
	}
	if got := Snippet([]byte(strings.Repeat("é", 300))); len(got) > 210 || !strings.HasSuffix(got, "...") {
		t.Errorf("snippet %q", got)
	}
}
