package llm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/zhijian-qa/zhijian/internal/apicall"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
)

// Name is the LLM scorer's registry name.
const Name = "llm"

// Scorer judges a pack's LLM items, all of them in one chat-completions
// request per interaction. It is safe for concurrent use.
type Scorer struct {
	cfg       Config
	spec      Spec
	prompt    prompt
	client    *openai.Client
	reasoning bool
	itemIndex map[string]int
	intents   map[string]string // lower-case → as the spec writes it
	redact    func(string) string
	now       func() time.Time
	// sleep waits for backoff and rate limits; tests replace it.
	sleep func(ctx context.Context, d time.Duration) bool

	slots          chan struct{} // one token per request in flight
	requests       *bucket       // nil: unlimited
	tokens         *bucket       // nil: unlimited
	breaker        breaker
	cache          *cache  // nil: disabled
	budget         *budget // nil: no daily budget
	schemaRejected atomic.Bool

	mu    sync.Mutex
	stats Stats
}

// Stats are the scorer's counters since New.
type Stats struct {
	// Requests counts HTTP attempts sent; Retries the attempts that
	// followed a failed one; JSONFallbacks is 1 once the server rejected
	// json_schema and the scorer moved to json_object.
	Requests, Retries, JSONFallbacks int64
	// CacheHits counts interactions answered from the cache.
	CacheHits int64
	// Errors counts Score calls that returned an error, of any kind below.
	Errors int64
	// Failed counts requests that failed after their retries (or at once,
	// when permanent); BreakerOpen the calls the open circuit rejected.
	Failed, BreakerOpen int64
	// Refusals, Truncated and Malformed count answers that were refused
	// (refusal or finish_reason content_filter), cut at max_tokens
	// (finish_reason length) or not the JSON asked for.
	Refusals, Truncated, Malformed int64
	// MissingItems counts items the answer gave no usable verdict for;
	// UnknownItems answer entries with an unknown or repeated item id.
	MissingItems, UnknownItems int64
	// Quotes counts evidence quotes the model gave; UnverifiedQuotes those
	// not found in the turn they cite (dropped).
	Quotes, UnverifiedQuotes int64
	// BudgetSkipped counts interactions not sent because the day's budget
	// was spent.
	BudgetSkipped int64
	// PromptTokens, CompletionTokens and Cost are what was spent, as the
	// server reported it (estimated when it reports no usage).
	PromptTokens, CompletionTokens int64
	Cost                           float64
}

// New returns a scorer for spec. cfg gets its defaults; when cfg or spec
// is invalid, New fails naming every problem.
func New(cfg Config, spec Spec) (*Scorer, error) {
	cfg = cfg.WithDefaults()
	if err := errors.Join(cfg.Validate(), spec.validate()); err != nil {
		return nil, err
	}
	spec.Items = append([]Item(nil), spec.Items...)
	spec.Intents = append([]string(nil), spec.Intents...)
	s := &Scorer{
		cfg: cfg, spec: spec, redact: cfg.Redact, now: cfg.Now, sleep: apicall.Sleep,
		reasoning: reasoningModel(cfg.Model),
		itemIndex: make(map[string]int, len(spec.Items)),
		intents:   make(map[string]string, len(spec.Intents)),
		slots:     make(chan struct{}, cfg.Concurrency),
		breaker:   breaker{threshold: cfg.BreakerFailures, cooldown: cfg.BreakerCooldown},
		cache:     newCache(cfg.CacheSize),
	}
	if s.redact == nil {
		s.redact = func(t string) string { return t }
	}
	if s.now == nil {
		s.now = time.Now
	}
	for i, it := range spec.Items {
		s.itemIndex[it.ID] = i
	}
	for _, in := range spec.Intents {
		s.intents[strings.ToLower(strings.TrimSpace(in))] = in
	}
	s.prompt = newPrompt(&s.spec, s.redact)
	if cfg.RequestsPerMinute > 0 {
		s.requests = newBucket(cfg.RequestsPerMinute, s.now())
	}
	if cfg.TokensPerMinute > 0 {
		s.tokens = newBucket(cfg.TokensPerMinute, s.now())
	}
	if cfg.DailyBudget > 0 {
		s.budget = &budget{limit: cfg.DailyBudget}
	}
	oc := openai.DefaultConfig(cfg.Key)
	oc.BaseURL = strings.TrimRight(cfg.URL, "/")
	oc.HTTPClient = httpClient(cfg)
	s.client = openai.NewClientWithConfig(oc)
	return s, nil
}

// PromptVersion is the version results report: the pack's prompt version
// and a hash of the fixed instructions.
func (s *Scorer) PromptVersion() string { return s.prompt.version }

// Stats returns a copy of the counters.
func (s *Scorer) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Scorer) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

// Score judges the spec's items for one interaction. See the package doc
// for what comes back when it cannot.
func (s *Scorer) Score(ctx context.Context, in *scorers.Input) (*scorers.Output, error) {
	if in == nil || in.Interaction == nil {
		s.count(func(st *Stats) { st.Errors++ })
		return nil, permanentError{errors.New("llm: no interaction to score")}
	}
	turns := in.Interaction.Turns
	if !hasText(turns) {
		return s.skipped("no transcript"), nil
	}
	redacted := make([]string, len(turns))
	for i := range turns {
		redacted[i] = oneLine(s.redact(turns[i].Text))
	}
	user := s.prompt.userMessage(turns, redacted)
	asked := s.mode()
	key := s.key(asked, user)
	if a, ok := s.cache.get(key); ok {
		out := s.output(turns, redacted, a)
		out.LLM.Cached = true
		s.count(func(st *Stats) { st.CacheHits++ })
		return out, nil
	}
	if s.budget.exhausted(s.now()) && !sampled(in.Interaction.ID, s.cfg.SampleAfterBudget) {
		s.count(func(st *Stats) { st.BudgetSkipped++ })
		return s.skipped(s.budget.reason()), nil
	}
	trial, err := s.breaker.allow(s.now())
	if err != nil {
		s.count(func(st *Stats) { st.BreakerOpen++; st.Errors++ })
		return nil, err
	}
	resp, mode, err := s.call(ctx, user)
	switch {
	case err == nil:
		s.breaker.done(trial, succeeded, s.now())
	case ctx.Err() != nil:
		s.breaker.done(trial, neutral, s.now())
		s.count(func(st *Stats) { st.Errors++ })
		return nil, err
	default:
		s.breaker.done(trial, verdictOf(err), s.now())
		s.count(func(st *Stats) { st.Failed++; st.Errors++ })
		return nil, err
	}

	content, err := s.content(resp)
	usage := s.account(resp, user, content)
	if err != nil {
		return nil, err
	}
	a, err := parseAnswer(content)
	if err != nil {
		s.count(func(st *Stats) { st.Malformed++; st.Errors++ })
		return nil, permanentError{err}
	}
	if mode != asked { // the server rejected json_schema on the way
		key = s.key(mode, user)
	}
	s.cache.put(key, a)
	out := s.output(turns, redacted, a)
	out.LLM.PromptTokens, out.LLM.CompletionTokens, out.LLM.Cost = usage.PromptTokens, usage.CompletionTokens, usage.Cost
	return out, nil
}

// verdictOf is what a failed request says about the service: a 400, 413
// or 422 is about this request alone (say, a transcript past the context
// window) and neither opens nor closes the circuit; network failures,
// timeouts, 429, 5xx and 401/403/404 (a bad key, URL or model) count.
func verdictOf(err error) outcome {
	var se *statusError
	if errors.As(err, &se) {
		switch se.code {
		case 400, 413, 422:
			return neutral
		}
	}
	return failed
}

// hasText reports whether any turn has words in it.
func hasText(turns []schemas.Turn) bool {
	for i := range turns {
		if strings.TrimSpace(turns[i].Text) != "" {
			return true
		}
	}
	return false
}

// mode is the JSON mode of the next request.
func (s *Scorer) mode() string {
	if s.cfg.JSONMode != JSONModeAuto {
		return s.cfg.JSONMode
	}
	if s.schemaRejected.Load() {
		return JSONModeObject
	}
	return JSONModeSchema
}

func (s *Scorer) key(mode, user string) [32]byte {
	return cacheKey(s.cfg.Model, s.prompt.version, mode, s.prompt.system, user)
}

// skipped is the output when nothing was asked: every item not_evaluated.
func (s *Scorer) skipped(why string) *scorers.Output {
	out := &scorers.Output{Findings: make([]schemas.Finding, len(s.spec.Items))}
	for i := range s.spec.Items {
		out.Findings[i] = s.notEvaluated(i, why)
	}
	return out
}

// output judges an answer and counts what the checks found.
func (s *Scorer) output(turns []schemas.Turn, redacted []string, a *rawAnswer) *scorers.Output {
	j := s.judge(turns, redacted, a)
	s.count(func(st *Stats) {
		st.Quotes += int64(j.quotes)
		st.UnverifiedQuotes += int64(j.unverified)
		st.MissingItems += int64(j.missing)
		st.UnknownItems += int64(j.unknown)
	})
	return &scorers.Output{Findings: j.findings, Summary: j.summary, Intents: j.intents,
		LLM: &schemas.LLMUsage{Model: s.cfg.Model, PromptVersion: s.prompt.version,
			Quotes: j.quotes, UnverifiedQuotes: j.unverified}}
}

// call sends the request, retrying as the package doc says. It returns
// the JSON mode the answer was asked in.
func (s *Scorer) call(ctx context.Context, user string) (openai.ChatCompletionResponse, string, error) {
	est := promptTokens(s.prompt.system, user) + answerTokens(len(s.spec.Items), s.cfg.MaxTokens)
	for attempt := 1; ; attempt++ {
		mode := s.mode()
		resp, wait, err := s.try(ctx, mode, user, est)
		switch {
		case err == nil:
			return resp, mode, nil
		case mode == JSONModeSchema && s.cfg.JSONMode == JSONModeAuto && rejectsSchema(err):
			// Not an attempt: the same request in json_object mode, now and
			// from now on.
			if s.schemaRejected.CompareAndSwap(false, true) {
				s.count(func(st *Stats) { st.JSONFallbacks++ })
			}
			attempt--
			continue
		case ctx.Err() != nil:
			return resp, mode, fmt.Errorf("llm: request abandoned: %w", err)
		case IsPermanent(err):
			return resp, mode, fmt.Errorf("llm: request failed: %w", err)
		case attempt >= s.cfg.Attempts:
			return resp, mode, fmt.Errorf("llm: request failed after %d attempts: %w", attempt, err)
		case wait > s.cfg.RetryMax:
			return resp, mode, fmt.Errorf("llm: service asks to retry after %s, longer than llm.retry_max %s: %w",
				wait, s.cfg.RetryMax, err)
		}
		s.count(func(st *Stats) { st.Retries++ })
		if !s.sleep(ctx, max(wait, apicall.Backoff(attempt, s.cfg.RetryMin, s.cfg.RetryMax))) {
			return resp, mode, fmt.Errorf("llm: %w while waiting to retry: %w", ctx.Err(), err)
		}
	}
}

// try makes one attempt: it waits for the rate limits and a slot, then
// sends with the attempt's timeout. It returns the wait the service asked
// for (Retry-After) along with a failure.
func (s *Scorer) try(ctx context.Context, mode, user string, est int) (openai.ChatCompletionResponse, time.Duration, error) {
	var resp openai.ChatCompletionResponse
	taken, err := s.waitRate(ctx, est)
	if err != nil {
		return resp, 0, err
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return resp, 0, ctx.Err()
	}
	defer func() { <-s.slots }()

	actx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	x := new(apicall.Exchange)
	s.count(func(st *Stats) { st.Requests++ })
	resp, err = s.client.CreateChatCompletion(apicall.With(actx, x), s.request(mode, user))
	if err != nil {
		return resp, x.RetryAfter, s.classify(ctx, err, x)
	}
	if used := resp.Usage.PromptTokens + resp.Usage.CompletionTokens; used > 0 && s.tokens != nil {
		s.tokens.adjust(taken-float64(used), s.now())
	}
	return resp, 0, nil
}

// waitRate waits until the rate limits let a request of est tokens go,
// and returns the tokens taken.
func (s *Scorer) waitRate(ctx context.Context, est int) (float64, error) {
	if s.requests == nil && s.tokens == nil {
		return 0, nil
	}
	now := s.now()
	taken := float64(est)
	if s.tokens != nil {
		taken = min(taken, s.tokens.capacity)
	}
	d := max(s.requests.take(1, now), s.tokens.take(taken, now))
	if d > 0 && !s.sleep(ctx, d) {
		s.requests.adjust(1, s.now())
		s.tokens.adjust(taken, s.now())
		return 0, ctx.Err()
	}
	return taken, nil
}

// content checks how the answer ended and returns its text.
func (s *Scorer) content(resp openai.ChatCompletionResponse) (string, error) {
	if len(resp.Choices) == 0 {
		s.count(func(st *Stats) { st.Malformed++; st.Errors++ })
		return "", permanentError{fmt.Errorf("%w: no choices in the response", errMalformed)}
	}
	c := resp.Choices[0]
	switch {
	case strings.TrimSpace(c.Message.Refusal) != "":
		s.count(func(st *Stats) { st.Refusals++; st.Errors++ })
		return "", permanentError{fmt.Errorf("llm: model refused: %q", clip(strings.TrimSpace(c.Message.Refusal)))}
	case c.FinishReason == openai.FinishReasonContentFilter:
		s.count(func(st *Stats) { st.Refusals++; st.Errors++ })
		return "", permanentError{errors.New("llm: model refused: answer withheld by the content filter (finish_reason=content_filter)")}
	case c.FinishReason == openai.FinishReasonLength:
		s.count(func(st *Stats) { st.Truncated++; st.Errors++ })
		return "", permanentError{fmt.Errorf("llm: answer truncated (finish_reason=length, max_tokens %d)", s.cfg.MaxTokens)}
	}
	return c.Message.Content, nil
}

// account records what a response cost: the usage the server reports, or
// estimates when it reports none.
func (s *Scorer) account(resp openai.ChatCompletionResponse, user, content string) schemas.LLMUsage {
	u := schemas.LLMUsage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if u.PromptTokens == 0 && u.CompletionTokens == 0 {
		u.PromptTokens = promptTokens(s.prompt.system, user)
		if len(resp.Choices) > 0 {
			u.CompletionTokens = estimateTokens(resp.Choices[0].Message.Content + resp.Choices[0].Message.Refusal)
		}
	}
	u.Cost = (float64(u.PromptTokens)*s.cfg.PriceInput + float64(u.CompletionTokens)*s.cfg.PriceOutput) / 1e6
	s.budget.add(u.Cost, s.now())
	s.count(func(st *Stats) {
		st.PromptTokens += int64(u.PromptTokens)
		st.CompletionTokens += int64(u.CompletionTokens)
		st.Cost += u.Cost
	})
	return u
}
