package main

import (
	"fmt"
	"io"
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
	// addresses) in the evidence quotes and summaries that are stored and
	// published, and in the transcripts kept for the console. What goes to
	// an LLM is always redacted.
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

// redactStored is what the transcripts kept with outcomes pass through:
// nil keeps them as they are.
func (c *config) redactStored() func(string) string {
	if c.Redact.Stored {
		return redact.String
	}
	return nil
}

// writeLLMMetrics writes the LLM scorers' counters, by pack.
func writeLLMMetrics(w io.Writer, llms []packLLM) {
	stats := make([]llm.Stats, len(llms))
	for i, l := range llms {
		stats[i] = l.scorer.Stats()
	}
	for _, c := range []struct {
		name, help string
		v          func(*llm.Stats) float64
	}{
		{"zhijian_llm_requests_total", "Requests sent to the LLM endpoint, retries included.", func(s *llm.Stats) float64 { return float64(s.Requests) }},
		{"zhijian_llm_cache_hits_total", "Interactions answered from the LLM answer cache.", func(s *llm.Stats) float64 { return float64(s.CacheHits) }},
		{"zhijian_llm_errors_total", "Interactions whose LLM items could not be judged.", func(s *llm.Stats) float64 { return float64(s.Errors) }},
		{"zhijian_llm_refusals_total", "Answers the model refused.", func(s *llm.Stats) float64 { return float64(s.Refusals) }},
		{"zhijian_llm_truncated_total", "Answers cut at the token limit.", func(s *llm.Stats) float64 { return float64(s.Truncated) }},
		{"zhijian_llm_malformed_total", "Answers that were not the JSON asked for.", func(s *llm.Stats) float64 { return float64(s.Malformed) }},
		{"zhijian_llm_missing_items_total", "Items an answer gave no verdict for.", func(s *llm.Stats) float64 { return float64(s.MissingItems) }},
		{"zhijian_llm_unverified_quotes_total", "Evidence quotes not found in the turn they cite.", func(s *llm.Stats) float64 { return float64(s.UnverifiedQuotes) }},
		{"zhijian_llm_budget_skipped_total", "Interactions not sent because the day's budget was spent.", func(s *llm.Stats) float64 { return float64(s.BudgetSkipped) }},
		{"zhijian_llm_breaker_open_total", "Interactions the open circuit breaker turned away.", func(s *llm.Stats) float64 { return float64(s.BreakerOpen) }},
		{"zhijian_llm_prompt_tokens_total", "Prompt tokens spent.", func(s *llm.Stats) float64 { return float64(s.PromptTokens) }},
		{"zhijian_llm_completion_tokens_total", "Completion tokens spent.", func(s *llm.Stats) float64 { return float64(s.CompletionTokens) }},
		{"zhijian_llm_cost_total", "Spend, in the currency of llm.price_input and price_output.", func(s *llm.Stats) float64 { return s.Cost }},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
		for i, l := range llms {
			fmt.Fprintf(w, "%s{pack=%q} %g\n", c.name, l.pack, c.v(&stats[i]))
		}
	}
}
