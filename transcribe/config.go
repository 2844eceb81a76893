package transcribe

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Response formats the client can ask for.
const (
	FormatVerboseJSON = "verbose_json"
	FormatJSON        = "json"
	FormatText        = "text"
)

// Config of the OpenAI-compatible client. Field paths in errors use the
// "stt." prefix of the pipeline's configuration file.
type Config struct {
	// URL is the base URL, e.g. https://api.openai.com/v1 or
	// http://localhost:8000/v1.
	URL string
	// Key is the bearer token; "" sends no Authorization header, as
	// self-hosted servers allow.
	Key string
	// Model is whisper-1, gpt-4o-transcribe, or a faster-whisper,
	// whisper.cpp or vLLM model name.
	Model string
	// Format is "verbose_json" (segments with times), "json" or "text"
	// (text only); "" means verbose_json, except json for gpt-* models,
	// which do not offer verbose_json.
	Format string
	// Timeout bounds one attempt; default 2m.
	Timeout time.Duration
	// Attempts is how many times a request is tried; default 4.
	Attempts int
	// RetryMin and RetryMax bound the backoff between attempts; default
	// 1s and 30s. A Retry-After longer than RetryMax ends the retries.
	RetryMin, RetryMax time.Duration
	// Concurrency bounds the requests in flight across the client;
	// default 4.
	Concurrency int
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.Format == "" {
		c.Format = FormatVerboseJSON
		if strings.HasPrefix(strings.ToLower(c.Model), "gpt-") {
			c.Format = FormatJSON
		}
	}
	if c.Timeout == 0 {
		c.Timeout = 2 * time.Minute
	}
	if c.Attempts == 0 {
		c.Attempts = 4
	}
	if c.RetryMin == 0 {
		c.RetryMin = time.Second
	}
	if c.RetryMax == 0 {
		c.RetryMax = 30 * time.Second
	}
	if c.Concurrency == 0 {
		c.Concurrency = 4
	}
	return c
}

// Validate reports every problem of a config with defaults applied. It
// does not change c.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if u, err := url.Parse(c.URL); c.URL == "" {
		bad("stt.url is required")
	} else if err != nil {
		bad("stt.url (%q): %w", c.URL, err)
	} else if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		bad("stt.url (%q) must be an http or https URL with a host", c.URL)
	}
	if strings.TrimSpace(c.Model) == "" {
		bad("stt.model is required")
	}
	switch c.Format {
	case FormatVerboseJSON, FormatJSON, FormatText:
	default:
		bad("stt.format (%q) must be verbose_json, json or text", c.Format)
	}
	if c.Timeout <= 0 {
		bad("stt.timeout (%s) must be positive", c.Timeout)
	}
	if c.Attempts < 1 {
		bad("stt.attempts (%d) must be at least 1", c.Attempts)
	}
	if c.RetryMin <= 0 {
		bad("stt.retry_min (%s) must be positive", c.RetryMin)
	}
	if c.RetryMax < c.RetryMin {
		bad("stt.retry_max (%s) must be at least stt.retry_min (%s)", c.RetryMax, c.RetryMin)
	}
	if c.Concurrency < 1 {
		bad("stt.concurrency (%d) must be at least 1", c.Concurrency)
	}
	return errors.Join(errs...)
}
