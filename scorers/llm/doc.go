// Package llm is the LLM scorer: it judges a pack's LLM items through an
// OpenAI-compatible chat-completions endpoint (OpenAI, Azure, vLLM,
// Ollama, llama.cpp server, DeepSeek, Qwen/DashScope), with go-openai.
//
// One request per interaction evaluates all of the pack's LLM items. The
// system message is the pack's system prompt followed by fixed
// instructions in the pack's language (Chinese for zh-*, English
// otherwise); the user message lists the items (id, name, question) and
// the allowed intents, then the transcript one turn per line,
// "[3] agent (00:42): text". The pack part comes first and is the same for
// every interaction, so servers that cache prompt prefixes can reuse it.
// Every pack and transcript text goes through Config.Redact before it is
// sent (intent labels, which the model must echo, and this package's own
// instructions do not). The temperature is 0 (sent as 1e-45: go-openai
// omits a zero; reasoning models get no temperature and
// max_completion_tokens instead of max_tokens).
//
// The prompt version results report is the pack's prompt version plus a
// hash of the fixed instructions ("2026.11.1+3f9a0c1b"): editing them
// changes it, and the cache key with it.
//
// # Answers
//
// The answer is asked for as a strict JSON schema built from the spec (item
// ids and intents are enums; per item: evidence, rationale, verdict,
// confidence, in that order). With JSONMode auto, a 400 that names
// response_format or json_schema moves the scorer to json_object for good
// (counted in Stats.JSONFallbacks); the prompt describes the shape either
// way. Both kinds of answer are checked the same way in Go: unknown or
// repeated item ids are ignored (UnknownItems), a verdict outside
// pass|fail|na and an item left out become not_evaluated ("the model gave
// no verdict"; MissingItems), confidence is clamped to [0, 1] (0.5 when
// missing), and only allowed intents are kept.
//
// # Evidence
//
// Every quote must be in the turn it cites: as written, or once both are
// normalized (rules/match: width, case, punctuation and spacing do not
// count). A verified quote becomes Evidence with the code-point span of
// the original text it matched (normalized matches are mapped back
// exactly), that text as the quote and the turn's start as offset_ms. A
// quote found only in the redacted text the model saw (it includes a
// placeholder) spans the whole turn and keeps the model's words. A quote
// not in the cited turn (invented, or in another turn) is dropped and
// counted (Stats.UnverifiedQuotes, LLMUsage.UnverifiedQuotes); the
// finding's confidence drops to at most 0.5, below the scorecards'
// low-confidence threshold, so the result goes to review, and the
// rationale says which quote and why. A fail without verified evidence is
// capped at 0.5 too.
//
// # Errors
//
// Score returns an error, which the Runner turns into not_evaluated items
// with the error as the reason, when the request failed after its retries
// ("llm: request failed after 4 attempts: service answered 503 ..."), the
// model refused (message.refusal, or finish_reason content_filter), the
// answer was cut at max_tokens ("llm: answer truncated
// (finish_reason=length, max_tokens 2048)"), the answer is not the JSON
// asked for ("llm: malformed answer: ..."), or the circuit is open. Each
// kind is counted in Stats. Tokens spent on an answer that is then
// rejected are still counted and charged to the budget. IsPermanent tells
// errors that will come back on a retry from those worth retrying later.
//
// An interaction without a transcript gets not_evaluated items ("no
// transcript") and no request. Score never panics on bad input.
//
// # Retries, limits and the circuit breaker
//
// Each attempt has its own timeout. 408, 429, 5xx, network errors and
// attempt timeouts are retried with jittered exponential backoff between
// RetryMin and RetryMax, waiting at least what Retry-After asks (seconds
// or an HTTP date); when it asks for more than RetryMax the scorer gives
// up at once with a retryable error. Other 4xx answers are permanent.
//
// A semaphore bounds the requests in flight (a slot is held for one
// attempt, not during backoff). Token buckets bound requests and tokens
// per minute: a request reserves its estimated tokens (one per CJK
// character, one per 4 bytes of other text, plus a guess at the answer)
// before it is sent, and the bucket is corrected with the usage the
// server reports. Waiting for either gives up as soon as the context is
// done.
//
// After BreakerFailures interactions in a row whose request failed
// (network, timeouts, 429, 5xx, 401/403/404; a 400, 413 or 422 is about
// the request, not the service, and does not count), the circuit opens:
// Score fails fast ("llm: circuit open after 5 failures; next try in 30s")
// for BreakerCooldown, then lets one trial request through, whose outcome
// closes or reopens it.
//
// # Cache and budget
//
// Answers are cached (LRU, CacheSize entries) by sha256 of the model, the
// prompt version, the JSON mode and the messages as sent (redacted). A hit
// is verified again against the interaction, reports LLMUsage.Cached and
// spends nothing. Identical interactions in flight at the same time are
// both sent.
//
// Cost is the usage the server reports times PriceInput and PriceOutput
// (per million tokens); when it reports none, the estimate is used.
// With a DailyBudget, spend is summed per UTC day (Config.Now); once it
// reaches the budget, only the SampleAfterBudget share of interactions
// (by an FNV hash of the id, so always the same ones) is still sent; the
// others get not_evaluated items ("daily LLM budget of 20 spent"), so
// coverage shows it. Requests already in flight when the budget runs out
// still complete: the budget can be overshot by up to Concurrency
// requests.
package llm
