package main

import (
	"time"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/scorers"

	"github.com/zhijian-qa/zhijian/redact"
	"github.com/zhijian-qa/zhijian/scorers/llm"
)

type llmConfig struct {
	// URL of an OpenAI-compatible API (…/v1); empty: LLM items are
	// not_evaluated.
	URL         string   `yaml:"url"`
	Key         string   `yaml:"key" secret:"true"`
	Model       string   `yaml:"model"`
	Timeout     duration `yaml:"timeout"`
	Attempts    int      `yaml:"attempts"`
	Concurrency int      `yaml:"concurrency"`
	// Rate limits of the endpoint; 0 is unlimited.
	RequestsPerMinute int `yaml:"requests_per_minute"`
	TokensPerMinute   int `yaml:"tokens_per_minute"`
	// Prices per million prompt and completion tokens, and the most to
	// spend in a UTC day (0: no cap). Past it, only a sample (by
	// interaction id) is still sent.
	PriceInput        float64 `yaml:"price_input"`
	PriceOutput       float64 `yaml:"price_output"`
	DailyBudget       float64 `yaml:"daily_budget"`
	SampleAfterBudget float64 `yaml:"sample_after_budget"`
	// JSONMode: auto (json_schema, falling back to json_object),
	// json_schema or json_object.
	JSONMode  string `yaml:"json_mode"`
	CacheSize int    `yaml:"cache_size"`
}

type redactConfig struct {
	// Stored redacts personal data (phones, ID and card numbers, emails,
	// addresses) in the evidence quotes that are stored and published.
	// What goes to an LLM is always redacted.
	Stored bool `yaml:"stored"`
}

func defaultLLMConfig() llmConfig {
	var c llm.Config
	c = c.WithDefaults()
	return llmConfig{Timeout: duration(c.Timeout), Attempts: c.Attempts, Concurrency: c.Concurrency,
		SampleAfterBudget: c.SampleAfterBudget, JSONMode: c.JSONMode, CacheSize: c.CacheSize}
}

func (c llmConfig) scorerConfig() llm.Config {
	return llm.Config{URL: c.URL, Key: c.Key, Model: c.Model, Timeout: time.Duration(c.Timeout),
		Attempts: c.Attempts, Concurrency: c.Concurrency, RequestsPerMinute: c.RequestsPerMinute,
		TokensPerMinute: c.TokensPerMinute, PriceInput: c.PriceInput, PriceOutput: c.PriceOutput,
		DailyBudget: c.DailyBudget, SampleAfterBudget: c.SampleAfterBudget, JSONMode: c.JSONMode,
		CacheSize: c.CacheSize, Redact: redact.String}.WithDefaults()
}

// scoring is how run, demo and score score: ready voice, score, and redact
// what is stored when configured.
func (c *config) scoring(router *scorers.Router, voice *pipeline.Voice) pipeline.ScoreFunc {
	score := pipeline.ScoreWith(router, voice)
	if c.Redact.Stored {
		score = pipeline.RedactResults(score, redact.String)
	}
	return score
}
