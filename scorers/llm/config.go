package llm

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// JSON modes: how the answer's shape is asked for.
const (
	// JSONModeAuto asks for json_schema and falls back to json_object, for
	// good, the first time the server rejects json_schema.
	JSONModeAuto = "auto"
	// JSONModeSchema asks for a strict JSON schema built from the spec.
	JSONModeSchema = "json_schema"
	// JSONModeObject asks for any JSON object; the prompt describes the shape.
	JSONModeObject = "json_object"
)

// Config of the LLM scorer. Field paths in errors use the "llm." prefix of
// the pipeline's configuration file.
type Config struct {
	// URL is the OpenAI-compatible base URL, e.g. https://api.openai.com/v1
	// or http://localhost:8000/v1. Key is the bearer token ("" sends none,
	// as self-hosted servers allow). Model is the model name.
	URL, Key, Model string
	// Timeout bounds one attempt; default 60s.
	Timeout time.Duration
	// Attempts is how many times a request is tried; default 4.
	Attempts int
	// RetryMin and RetryMax bound the backoff between attempts; default 1s
	// and 30s. A Retry-After longer than RetryMax ends the retries.
	RetryMin, RetryMax time.Duration
	// Concurrency bounds the requests in flight across the scorer; default 8.
	Concurrency int
	// RequestsPerMinute and TokensPerMinute are token-bucket rate limits
	// (a minute's worth may go at once); 0 means unlimited.
	RequestsPerMinute, TokensPerMinute int
	// BreakerFailures is how many interactions in a row whose request
	// failed open the circuit; default 5.
	BreakerFailures int
	// BreakerCooldown is how long the circuit stays open before one trial
	// request; default 30s.
	BreakerCooldown time.Duration
	// CacheSize is how many answers the LRU cache keeps; 0 means 10000, a
	// negative value disables the cache.
	CacheSize int
	// PriceInput and PriceOutput are prices per million prompt and
	// completion tokens, in any currency; DailyBudget is in the same one.
	PriceInput, PriceOutput float64
	// DailyBudget caps the spend per UTC day; 0 means no cap.
	DailyBudget float64
	// SampleAfterBudget is the share of interactions (picked by a hash of
	// their id) still evaluated once the day's budget is spent; 0 means
	// 0.05, a negative value none.
	SampleAfterBudget float64
	// MaxTokens bounds the answer; default 2048.
	MaxTokens int
	// JSONMode is auto (default), json_schema or json_object.
	JSONMode string
	// Redact is applied to every pack and transcript text before it is
	// sent (the instructions written in this package are not); nil sends
	// texts as they are. It must be deterministic: its output is part of
	// the cache key.
	Redact func(string) string
	// Now is the clock for the budget day, the breaker and the rate
	// limits; nil means time.Now.
	Now func() time.Time
	// HTTPClient, when set, supplies the transport (tests and benchmarks).
	HTTPClient *http.Client
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = 60 * time.Second
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
		c.Concurrency = 8
	}
	if c.BreakerFailures == 0 {
		c.BreakerFailures = 5
	}
	if c.BreakerCooldown == 0 {
		c.BreakerCooldown = 30 * time.Second
	}
	if c.CacheSize == 0 {
		c.CacheSize = 10000
	}
	if c.SampleAfterBudget == 0 {
		c.SampleAfterBudget = 0.05
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = 2048
	}
	if c.JSONMode == "" {
		c.JSONMode = JSONModeAuto
	}
	return c
}

// Validate reports every problem of a config with defaults applied. It
// does not change c.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	notNegative := func(name string, v float64) {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			bad("llm.%s (%v) must be a finite number, 0 or more", name, v)
		}
	}

	if u, err := url.Parse(c.URL); c.URL == "" {
		bad("llm.url is required")
	} else if err != nil {
		bad("llm.url (%q): %w", c.URL, err)
	} else if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		bad("llm.url (%q) must be an http or https URL with a host", c.URL)
	}
	if strings.TrimSpace(c.Model) == "" {
		bad("llm.model is required")
	}
	if c.Timeout <= 0 {
		bad("llm.timeout (%s) must be positive", c.Timeout)
	}
	if c.Attempts < 1 {
		bad("llm.attempts (%d) must be at least 1", c.Attempts)
	}
	if c.RetryMin <= 0 {
		bad("llm.retry_min (%s) must be positive", c.RetryMin)
	}
	if c.RetryMax < c.RetryMin {
		bad("llm.retry_max (%s) must be at least llm.retry_min (%s)", c.RetryMax, c.RetryMin)
	}
	if c.Concurrency < 1 {
		bad("llm.concurrency (%d) must be at least 1", c.Concurrency)
	}
	if c.RequestsPerMinute < 0 {
		bad("llm.requests_per_minute (%d) must be 0 (unlimited) or more", c.RequestsPerMinute)
	}
	if c.TokensPerMinute < 0 {
		bad("llm.tokens_per_minute (%d) must be 0 (unlimited) or more", c.TokensPerMinute)
	}
	if c.BreakerFailures < 1 {
		bad("llm.breaker_failures (%d) must be at least 1", c.BreakerFailures)
	}
	if c.BreakerCooldown <= 0 {
		bad("llm.breaker_cooldown (%s) must be positive", c.BreakerCooldown)
	}
	notNegative("price_input", c.PriceInput)
	notNegative("price_output", c.PriceOutput)
	notNegative("daily_budget", c.DailyBudget)
	if c.DailyBudget > 0 && c.PriceInput == 0 && c.PriceOutput == 0 {
		bad("llm.daily_budget (%v) needs llm.price_input or llm.price_output: without prices nothing is ever spent", c.DailyBudget)
	}
	if c.SampleAfterBudget > 1 || math.IsNaN(c.SampleAfterBudget) {
		bad("llm.sample_after_budget (%v) must be a share, at most 1", c.SampleAfterBudget)
	}
	if c.MaxTokens < 1 {
		bad("llm.max_tokens (%d) must be at least 1", c.MaxTokens)
	}
	switch c.JSONMode {
	case JSONModeAuto, JSONModeSchema, JSONModeObject:
	default:
		bad("llm.json_mode (%q) must be auto, json_schema or json_object", c.JSONMode)
	}
	return errors.Join(errs...)
}
