package llm

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/internal/apicall"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
)

func TestRequestShapeAndRedaction(t *testing.T) {
	f := newFakeLLM(t)
	cfg := testConfig(f)
	digits := regexp.MustCompile(`[0-9]+`)
	cfg.Redact = func(s string) string { return digits.ReplaceAllString(s, "<NUM>") }
	spec := zhSpec()
	s := mustNew(t, cfg, spec)
	out := score(t, s, zhCall("c-1"))

	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/v1/chat/completions" {
		t.Errorf("path %q", r.Path)
	}
	if r.Auth != "Bearer sk-test" {
		t.Errorf("authorization %q", r.Auth)
	}
	b := r.Body
	if b.Model != "gpt-4o-mini" || b.MaxTokens != 2048 {
		t.Errorf("model %q max_tokens %d", b.Model, b.MaxTokens)
	}
	if b.Temperature == nil || *b.Temperature > 1e-6 {
		t.Errorf("temperature %v, want present and 0", b.Temperature)
	}
	if len(b.Messages) != 2 || b.Messages[0].Role != "system" || b.Messages[1].Role != "user" {
		t.Fatalf("messages %+v", b.Messages)
	}
	if !hasAll(r.system(), spec.System, "作答要求", "逐字复制") {
		t.Errorf("system message lacks the pack prompt or the Chinese instructions:\n%s", r.system())
	}
	user := r.user()
	for _, it := range spec.Items {
		if !hasAll(user, "- id: "+it.ID, it.Name, it.Question) {
			t.Errorf("user message lacks item %s:\n%s", it.ID, user)
		}
	}
	for _, line := range []string{
		"[0] agent (00:00): 您好，顺丰快递客服为您服务，请问有什么可以帮您？\n",
		"[1] customer (00:04): 我的包裹三天了还没到，单号是SF<NUM>，电话<NUM>。\n",
		"[4] agent (00:42): 已经帮您催件",
		"可选意图：查件、催件、改地址",
	} {
		if !strings.Contains(user, line) {
			t.Errorf("user message lacks %q:\n%s", line, user)
		}
	}
	if strings.Contains(r.Raw, "13812345678") || strings.Contains(r.Raw, "1234567890") {
		t.Errorf("an unredacted number reached the server")
	}

	rf := b.ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || !rf.JSONSchema.Strict {
		t.Fatalf("response_format %+v", rf)
	}
	var schema struct {
		Properties struct {
			Items struct {
				Items struct {
					Properties struct {
						ID      struct{ Enum []string } `json:"id"`
						Verdict struct{ Enum []string } `json:"verdict"`
					} `json:"properties"`
					Required []string `json:"required"`
				} `json:"items"`
			} `json:"items"`
			Intents struct {
				Items struct{ Enum []string } `json:"items"`
			} `json:"intents"`
		} `json:"properties"`
		Required             []string `json:"required"`
		AdditionalProperties *bool    `json:"additionalProperties"`
	}
	if err := json.Unmarshal(rf.JSONSchema.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	item := schema.Properties.Items.Items
	if got := strings.Join(item.Properties.ID.Enum, ","); got != "llm_empathy_quality,llm_problem_resolved,llm_policy_accuracy,llm_professional_tone" {
		t.Errorf("id enum %s", got)
	}
	if got := strings.Join(item.Properties.Verdict.Enum, ","); got != "pass,fail,na" {
		t.Errorf("verdict enum %s", got)
	}
	if got := strings.Join(schema.Properties.Intents.Items.Enum, ","); got != strings.Join(spec.Intents, ",") {
		t.Errorf("intents enum %s", got)
	}
	if len(item.Required) != 5 || len(schema.Required) != 3 || schema.AdditionalProperties == nil || *schema.AdditionalProperties {
		t.Errorf("schema is not strict: required %v / %v", item.Required, schema.Required)
	}

	// The answer: the fake quotes the first 8 characters of turn 0.
	if len(out.Findings) != 4 {
		t.Fatalf("%d findings", len(out.Findings))
	}
	f0 := findingOf(t, out, "llm_policy_accuracy")
	if f0.Kind != "llm" || f0.Verdict != schemas.Pass || f0.Points != 4 || f0.MaxPoints != 4 ||
		f0.Section != "compliance" || f0.Severity != schemas.Critical || f0.Confidence != 0.9 {
		t.Errorf("finding %+v", f0)
	}
	want := schemas.Evidence{Turn: 0, Start: 0, End: 8, Quote: "您好，顺丰快递客", OffsetMS: 0}
	if len(f0.Evidence) != 1 || f0.Evidence[0] != want {
		t.Errorf("evidence %+v, want %+v", f0.Evidence, want)
	}
	if len(out.Intents) != 1 || out.Intents[0] != "查件" {
		t.Errorf("intents %v (order_status is not allowed in this pack)", out.Intents)
	}
	u := out.LLM
	if u == nil || u.Model != "gpt-4o-mini" || !strings.HasPrefix(u.PromptVersion, "t1+") || u.PromptTokens == 0 ||
		u.CompletionTokens == 0 || u.Cached || u.Quotes != 4 || u.UnverifiedQuotes != 0 {
		t.Errorf("usage %+v", u)
	}
	if out.Summary == "" {
		t.Error("no summary")
	}
}

func TestEnglishPackGetsEnglishInstructions(t *testing.T) {
	f := newFakeLLM(t)
	s := mustNew(t, testConfig(f), enSpec())
	score(t, s, enChat("e-1"))
	r := f.requests()[0]
	if !hasAll(r.system(), "How to answer:", "copied exactly") || strings.Contains(r.system(), "作答要求") {
		t.Errorf("system message:\n%s", r.system())
	}
	if !strings.Contains(r.user(), "[3] agent (01:05): I've shipped a replacement") {
		t.Errorf("user message:\n%s", r.user())
	}
}

func TestSchemaRejectedFallsBackToJSONObjectAndRemembers(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(func(n int, r *fakeRequest) fakeReply {
		if r.Body.ResponseFormat != nil && r.Body.ResponseFormat.Type == "json_schema" {
			return fakeReply{Status: 400, Message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."}
		}
		// json_object answers as local models do: fenced, with an id the pack lacks.
		return fakeReply{Content: "```json\n" + answerJSON([]ansItem{
			{ID: "llm_empathy_quality", Verdict: "pass", Confidence: 0.8, Evidence: []ansEvidence{{Turn: 2, Quote: "I'm so sorry your order arrived broken"}}},
			{ID: "llm_issue_resolved", Verdict: "pass", Confidence: 0.9},
			{ID: "llm_professional_tone", Verdict: "pass", Confidence: 0.9},
			{ID: "llm_made_up", Verdict: "fail", Confidence: 0.9},
		}, []string{"damaged_item"}, "A broken blender. A replacement ships.") + "\n```"}
	})
	s := mustNew(t, testConfig(f), enSpec())
	out := score(t, s, enChat("e-1"))
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].Body.ResponseFormat.Type != "json_schema" || reqs[1].Body.ResponseFormat.Type != "json_object" {
		t.Fatalf("requests: %d, want json_schema then json_object", len(reqs))
	}
	if fd := findingOf(t, out, "llm_empathy_quality"); fd.Verdict != schemas.Pass || len(fd.Evidence) != 1 || fd.Evidence[0].Start != 0 {
		t.Errorf("finding %+v", fd)
	}
	score(t, s, enChat("e-2")) // same transcript, different id: a cache hit
	score(t, s, &schemas.Interaction{ID: "e-3", Turns: enChat("x").Turns[:2]})
	reqs = f.requests()
	if len(reqs) != 3 || reqs[2].Body.ResponseFormat.Type != "json_object" {
		t.Errorf("the fallback was not remembered: %d requests", len(reqs))
	}
	st := s.Stats()
	if st.JSONFallbacks != 1 || st.UnknownItems != 3 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestJSONSchemaModeDoesNotFallBack(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Status: 400, Message: "response_format json_schema is not supported"}))
	cfg := testConfig(f)
	cfg.JSONMode = JSONModeSchema
	s := mustNew(t, cfg, enSpec())
	_, err := s.Score(t.Context(), &scorers.Input{Interaction: enChat("e-1")})
	if err == nil || !IsPermanent(err) || !strings.Contains(err.Error(), "400") || f.count() != 1 {
		t.Errorf("err %v after %d requests", err, f.count())
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(func(n int, _ *fakeRequest) fakeReply {
		if n == 0 {
			return fakeReply{Status: 429, Header: map[string]string{"Retry-After": "1"}, Message: "Rate limit reached"}
		}
		return fakeReply{}
	})
	cfg := testConfig(f)
	cfg.RetryMax = 2 * time.Second
	s := mustNew(t, cfg, zhSpec())
	var mu sync.Mutex
	var waits []time.Duration
	s.sleep = func(ctx context.Context, d time.Duration) bool {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return apicall.Sleep(ctx, d)
	}
	start := time.Now()
	score(t, s, zhCall("c-1"))
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("retried after %s, before the 1s Retry-After", elapsed)
	}
	if len(waits) != 1 || waits[0] < time.Second {
		t.Errorf("waits %v, want one of at least 1s", waits)
	}
	if st := s.Stats(); st.Requests != 2 || st.Retries != 1 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestRetryAfterLongerThanRetryMaxGivesUp(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Status: 429, Header: map[string]string{"Retry-After": "120"}, Message: "slow down"}))
	s := mustNew(t, testConfig(f), zhSpec())
	_, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall("c-1")})
	if err == nil || IsPermanent(err) || !hasAll(err.Error(), "retry after 2m0s", "longer than llm.retry_max") {
		t.Errorf("err %v", err)
	}
	if f.count() != 1 {
		t.Errorf("%d requests, want 1", f.count())
	}
}

func TestServerErrorsAreRetriedUntilSuccess(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(func(n int, _ *fakeRequest) fakeReply {
		switch n {
		case 0:
			return fakeReply{Status: 500, Message: "internal error"}
		case 1:
			return fakeReply{Status: 502, Body: "<html>Bad Gateway</html>"}
		}
		return fakeReply{}
	})
	s := mustNew(t, testConfig(f), zhSpec())
	out := score(t, s, zhCall("c-1"))
	if out.Findings[0].Verdict != schemas.Pass {
		t.Errorf("finding %+v", out.Findings[0])
	}
	if st := s.Stats(); st.Requests != 3 || st.Retries != 2 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestAttemptTimeoutsAreRetriedThenFail(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Delay: 5 * time.Second}))
	cfg := testConfig(f)
	cfg.Timeout, cfg.Attempts = 100*time.Millisecond, 2
	s := mustNew(t, cfg, zhSpec())
	_, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall("c-1")})
	if err == nil || IsPermanent(err) || !hasAll(err.Error(), "after 2 attempts", "timed out after 100ms") {
		t.Errorf("err %v", err)
	}
	if st := s.Stats(); st.Requests != 2 || st.Retries != 1 || st.Failed != 1 || st.Errors != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestAllAttemptsFailingIsCounted(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Status: 503, Message: "overloaded"}))
	cfg := testConfig(f)
	cfg.Attempts = 3
	s := mustNew(t, cfg, zhSpec())
	_, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall("c-1")})
	if err == nil || !hasAll(err.Error(), "llm: request failed after 3 attempts", "503", "overloaded") {
		t.Errorf("err %v", err)
	}
	if st := s.Stats(); st.Requests != 3 || st.Retries != 2 || st.Failed != 1 || st.Errors != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Status: 401, Message: "Incorrect API key provided"}))
	s := mustNew(t, testConfig(f), zhSpec())
	_, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall("c-1")})
	if err == nil || !IsPermanent(err) || !hasAll(err.Error(), "401", "Incorrect API key") || f.count() != 1 {
		t.Errorf("err %v after %d requests", err, f.count())
	}
}

func TestBadAnswersAreErrorsNamingWhy(t *testing.T) {
	cut := answerJSON([]ansItem{{ID: "llm_empathy_quality", Verdict: "pass", Confidence: 0.9}}, nil, "x")
	cut = cut[:len(cut)/2]
	for _, tc := range []struct {
		name  string
		reply fakeReply
		want  string
		count func(Stats) int64
	}{
		{"malformed", fakeReply{Content: "I think the agent did well overall."}, "llm: malformed answer", func(s Stats) int64 { return s.Malformed }},
		{"malformed JSON", fakeReply{Content: `{"items": [{"id": "x", "verdict": }`}, "llm: malformed answer", func(s Stats) int64 { return s.Malformed }},
		{"no items", fakeReply{Content: `{"summary": "fine"}`}, `no "items"`, func(s Stats) int64 { return s.Malformed }},
		{"truncated", fakeReply{Content: cut, Finish: "length"}, "llm: answer truncated (finish_reason=length, max_tokens 2048)", func(s Stats) int64 { return s.Truncated }},
		{"refusal", fakeReply{Refusal: "I can't help with that."}, `llm: model refused: "I can't help with that."`, func(s Stats) int64 { return s.Refusals }},
		{"content filter", fakeReply{Content: " ", Finish: "content_filter"}, "answer withheld by the content filter (finish_reason=content_filter)", func(s Stats) int64 { return s.Refusals }},
		{"no choices", fakeReply{Body: `{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":0}}`}, "no choices", func(s Stats) int64 { return s.Malformed }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLLM(t)
			f.setReply(staticReply(tc.reply))
			s := mustNew(t, testConfig(f), zhSpec())
			out, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall("c-1")})
			if err == nil || out != nil || !strings.Contains(err.Error(), tc.want) || !IsPermanent(err) {
				t.Fatalf("out %v, err %v; want an error with %q", out, err, tc.want)
			}
			st := s.Stats()
			if tc.count(st) != 1 || st.Errors != 1 || f.count() != 1 {
				t.Errorf("stats %+v after %d requests", st, f.count())
			}
			if tc.name != "no choices" && st.PromptTokens == 0 {
				t.Errorf("the tokens spent on a rejected answer were not counted: %+v", st)
			}
		})
	}
}

func TestQuotesAreVerifiedEndToEnd(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Content: answerJSON([]ansItem{
		{ID: "llm_empathy_quality", Verdict: "pass", Confidence: 0.95, Rationale: "Apologised.",
			Evidence: []ansEvidence{{Turn: 2, Quote: "非常抱歉让您久等了"}}},
		{ID: "llm_problem_resolved", Verdict: "pass", Confidence: 0.9, Rationale: "Promised a time.",
			Evidence: []ansEvidence{{Turn: 4, Quote: "今天下午六点前送达"}, {Turn: 4, Quote: "保证明天一定赔偿"}}}, // second invented
		{ID: "llm_policy_accuracy", Verdict: "fail", Confidence: 0.9, Rationale: "Wrong promise.",
			Evidence: []ansEvidence{{Turn: 3, Quote: "二十四小时内给您回电"}}}, // misattributed: it is turn 4
		{ID: "llm_professional_tone", Verdict: "pass", Confidence: 0.9,
			Evidence: []ansEvidence{{Turn: 0, Quote: "您好,顺丰快递客服为您服务"}}}, // ASCII comma: normalized match
	}, []string{"催件"}, "客户催件。坐席已催件并承诺回电。")}))
	s := mustNew(t, testConfig(f), zhSpec())
	out := score(t, s, zhCall("c-1"))

	emp := findingOf(t, out, "llm_empathy_quality")
	if want := (schemas.Evidence{Turn: 2, Start: 0, End: 9, Quote: "非常抱歉让您久等了", OffsetMS: 9800}); len(emp.Evidence) != 1 || emp.Evidence[0] != want || emp.Confidence != 0.95 {
		t.Errorf("verified quote: %+v", emp)
	}
	res := findingOf(t, out, "llm_problem_resolved")
	if len(res.Evidence) != 1 || res.Evidence[0].Quote != "今天下午六点前送达" || res.Confidence > 0.5 ||
		!hasAll(res.Rationale, "Promised a time.", `unverified quote "保证明天一定赔偿": not in turn 4`) {
		t.Errorf("invented quote: %+v", res)
	}
	pol := findingOf(t, out, "llm_policy_accuracy")
	if len(pol.Evidence) != 0 || pol.Confidence > 0.5 || pol.Verdict != schemas.Fail ||
		!hasAll(pol.Rationale, "not in turn 3 (it is in turn 4)", "no verified evidence for a fail") {
		t.Errorf("misattributed quote: %+v", pol)
	}
	tone := findingOf(t, out, "llm_professional_tone")
	if want := (schemas.Evidence{Turn: 0, Start: 0, End: 13, Quote: "您好，顺丰快递客服为您服务", OffsetMS: 0}); len(tone.Evidence) != 1 || tone.Evidence[0] != want {
		t.Errorf("normalized quote: %+v, want %+v", tone.Evidence, want)
	}
	if out.LLM.Quotes != 5 || out.LLM.UnverifiedQuotes != 2 {
		t.Errorf("usage %+v", out.LLM)
	}
	if st := s.Stats(); st.Quotes != 5 || st.UnverifiedQuotes != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestMissingAndUnknownItemsAreCounted(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Content: answerJSON([]ansItem{
		{ID: "llm_empathy_quality", Verdict: "pass", Confidence: 0.9},
		{ID: "llm_empathy_quality", Verdict: "fail", Confidence: 0.9}, // repeated: the first stands
		{ID: "llm_greeting", Verdict: "pass", Confidence: 0.9},        // not in the pack
		{ID: "llm_issue_resolved", Verdict: "maybe", Confidence: 0.9}, // not a verdict
	}, []string{"Refund", "refund", "teleport"}, "x")}))
	s := mustNew(t, testConfig(f), enSpec())
	out := score(t, s, enChat("e-1"))
	if fd := findingOf(t, out, "llm_empathy_quality"); fd.Verdict != schemas.Pass {
		t.Errorf("repeated id: %+v", fd)
	}
	if fd := findingOf(t, out, "llm_issue_resolved"); fd.Verdict != schemas.NotEvaluated || !strings.Contains(fd.Rationale, `invalid verdict "maybe"`) {
		t.Errorf("invalid verdict: %+v", fd)
	}
	fd := findingOf(t, out, "llm_professional_tone")
	if fd.Verdict != schemas.NotEvaluated || fd.Rationale != "the model gave no verdict" || fd.Evidence == nil || fd.Points != 0 || fd.MaxPoints != 3 {
		t.Errorf("missing item: %+v", fd)
	}
	if strings.Join(out.Intents, ",") != "refund" {
		t.Errorf("intents %v", out.Intents)
	}
	if st := s.Stats(); st.MissingItems != 2 || st.UnknownItems != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestNoTranscriptSendsNothing(t *testing.T) {
	f := newFakeLLM(t)
	s := mustNew(t, testConfig(f), zhSpec())
	for _, in := range []*schemas.Interaction{
		{ID: "empty"},
		{ID: "blank", Turns: []schemas.Turn{{Speaker: schemas.Agent, Text: "  "}}},
	} {
		out := score(t, s, in)
		if len(out.Findings) != 4 || out.LLM != nil {
			t.Fatalf("%s: %+v", in.ID, out)
		}
		for _, fd := range out.Findings {
			if fd.Verdict != schemas.NotEvaluated || fd.Rationale != "no transcript" || fd.Evidence == nil || fd.Kind != "llm" {
				t.Errorf("%s: %+v", in.ID, fd)
			}
		}
	}
	if f.count() != 0 {
		t.Errorf("%d requests", f.count())
	}
	for _, in := range []*scorers.Input{nil, {}} {
		if _, err := s.Score(t.Context(), in); err == nil || !IsPermanent(err) {
			t.Errorf("input %+v: err %v", in, err)
		}
	}
}

func TestCacheAnswersTheSameInteractionOnce(t *testing.T) {
	f := newFakeLLM(t)
	cfg := testConfig(f)
	cfg.PriceInput, cfg.PriceOutput = 0.15, 0.6
	s := mustNew(t, cfg, zhSpec())
	first := score(t, s, zhCall("c-1"))
	second := score(t, s, zhCall("c-1"))
	if f.count() != 1 {
		t.Fatalf("%d requests, want 1", f.count())
	}
	if first.LLM.Cached || first.LLM.Cost == 0 {
		t.Errorf("first %+v", first.LLM)
	}
	if u := second.LLM; !u.Cached || u.PromptTokens != 0 || u.CompletionTokens != 0 || u.Cost != 0 || u.Quotes != 4 {
		t.Errorf("second %+v", u)
	}
	if second.Findings[0].Evidence[0] != first.Findings[0].Evidence[0] || second.Summary != first.Summary {
		t.Errorf("a cache hit differs: %+v vs %+v", second.Findings[0], first.Findings[0])
	}
	if st := s.Stats(); st.CacheHits != 1 || st.Requests != 1 {
		t.Errorf("stats %+v", st)
	}

	// Another model, or another prompt version, sharing the same cache: new requests.
	other := cfg
	other.Model = "qwen-plus"
	s2 := mustNew(t, other, zhSpec())
	s2.cache = s.cache
	score(t, s2, zhCall("c-1"))
	spec := zhSpec()
	spec.PromptVersion = "t2"
	s3 := mustNew(t, cfg, spec)
	s3.cache = s.cache
	score(t, s3, zhCall("c-1"))
	if f.count() != 3 {
		t.Errorf("%d requests, want 3", f.count())
	}
	if s.cache.len() != 3 {
		t.Errorf("cache holds %d", s.cache.len())
	}

	// A disabled cache asks every time.
	cfg.CacheSize = -1
	s4 := mustNew(t, cfg, zhSpec())
	score(t, s4, zhCall("c-1"))
	score(t, s4, zhCall("c-1"))
	if f.count() != 5 {
		t.Errorf("%d requests, want 5", f.count())
	}
}

func TestBudgetSkipsAllButTheSampleUntilTheNextUTCDay(t *testing.T) {
	f := newFakeLLM(t)
	clock := newFakeClock()
	cfg := testConfig(f)
	cfg.Now = clock.Now
	cfg.PriceInput, cfg.PriceOutput = 1, 2 // per million: an interaction costs ~0.001
	cfg.DailyBudget = 0.0001
	cfg.SampleAfterBudget = 0.25
	cfg.CacheSize = -1
	s := mustNew(t, cfg, zhSpec())
	first := score(t, s, zhCall("first"))
	if first.LLM.Cost < cfg.DailyBudget {
		t.Fatalf("cost %v does not exhaust the budget", first.LLM.Cost)
	}
	sent, skipped := 0, 0
	for _, id := range ids("c", 40) {
		out := score(t, s, zhCall(id))
		switch {
		case out.LLM != nil:
			sent++
			if !sampled(id, 0.25) {
				t.Errorf("%s was sent but is not in the sample", id)
			}
		case out.Findings[0].Verdict == schemas.NotEvaluated && out.Findings[0].Rationale == "daily LLM budget of 0.0001 spent":
			skipped++
		default:
			t.Errorf("%s: %+v", id, out.Findings[0])
		}
	}
	if sent == 0 || skipped == 0 || sent+skipped != 40 {
		t.Errorf("sent %d, skipped %d", sent, skipped)
	}
	if st := s.Stats(); st.BudgetSkipped != int64(skipped) || st.Requests != int64(1+sent) {
		t.Errorf("stats %+v", st)
	}
	// Deterministic: a skipped interaction stays skipped the same day.
	var out1 string
	for _, id := range ids("c", 40) {
		if !sampled(id, 0.25) {
			out1 = id
			break
		}
	}
	if out := score(t, s, zhCall(out1)); out.LLM != nil {
		t.Errorf("%s was sent on the second try", out1)
	}
	clock.Advance(15 * time.Hour) // 00:00 UTC next day
	if out := score(t, s, zhCall(out1)); out.LLM == nil {
		t.Errorf("%s was skipped on a new day", out1)
	}
}

func TestBreakerOpensAfterFailuresAndLetsOneTrialThrough(t *testing.T) {
	f := newFakeLLM(t)
	failing := true
	var mu sync.Mutex
	f.setReply(func(int, *fakeRequest) fakeReply {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			return fakeReply{Status: 503, Message: "down"}
		}
		return fakeReply{}
	})
	clock := newFakeClock()
	cfg := testConfig(f)
	cfg.Now, cfg.Attempts, cfg.BreakerFailures, cfg.CacheSize = clock.Now, 1, 3, -1
	s := mustNew(t, cfg, zhSpec())
	scoreErr := func(id string) error {
		_, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall(id)})
		return err
	}
	for i, id := range ids("fail", 3) {
		if err := scoreErr(id); err == nil || strings.Contains(err.Error(), "circuit") {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	err := scoreErr("rejected")
	if err == nil || IsPermanent(err) || err.Error() != "llm: circuit open after 3 failures; next try in 30s" {
		t.Errorf("err %v", err)
	}
	if f.count() != 3 {
		t.Errorf("%d requests reached the server while open", f.count())
	}
	clock.Advance(20 * time.Second)
	if err := scoreErr("still-open"); err == nil || !strings.Contains(err.Error(), "next try in 10s") {
		t.Errorf("err %v", err)
	}

	// After the cooldown a failed trial reopens the circuit.
	clock.Advance(11 * time.Second)
	if err := scoreErr("trial-1"); err == nil || strings.Contains(err.Error(), "circuit") {
		t.Errorf("trial: %v", err)
	}
	if err := scoreErr("after-trial-1"); err == nil || !strings.Contains(err.Error(), "circuit open after 4 failures") {
		t.Errorf("err %v", err)
	}
	if f.count() != 4 {
		t.Errorf("%d requests, want 4", f.count())
	}

	// A successful trial closes it.
	clock.Advance(31 * time.Second)
	mu.Lock()
	failing = false
	mu.Unlock()
	for _, id := range []string{"trial-2", "closed-1", "closed-2"} {
		if err := scoreErr(id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	if st := s.Stats(); st.BreakerOpen != 3 || st.Failed != 4 || f.count() != 7 {
		t.Errorf("stats %+v, %d requests", st, f.count())
	}
}

func TestHalfOpenBreakerLetsOnlyOneTrialThrough(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(func(n int, _ *fakeRequest) fakeReply {
		if n < 2 {
			return fakeReply{Status: 500, Message: "down"}
		}
		return fakeReply{Delay: 300 * time.Millisecond}
	})
	clock := newFakeClock()
	cfg := testConfig(f)
	cfg.Now, cfg.Attempts, cfg.BreakerFailures, cfg.CacheSize = clock.Now, 1, 2, -1
	s := mustNew(t, cfg, zhSpec())
	for _, id := range ids("fail", 2) {
		s.Score(t.Context(), &scorers.Input{Interaction: zhCall(id)})
	}
	clock.Advance(time.Minute)
	trial := make(chan error, 1)
	go func() {
		_, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall("trial")})
		trial <- err
	}()
	for f.count() < 3 {
		time.Sleep(time.Millisecond)
	}
	for _, id := range ids("while-trial", 4) {
		_, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall(id)})
		if err == nil || !strings.Contains(err.Error(), "a trial request is in flight") {
			t.Errorf("%s: %v", id, err)
		}
	}
	if err := <-trial; err != nil {
		t.Errorf("trial: %v", err)
	}
	if _, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall("after")}); err != nil {
		t.Errorf("closed: %v", err)
	}
	if f.count() != 4 {
		t.Errorf("%d requests, want 2 failures, 1 trial, 1 after", f.count())
	}
}

func TestBreakerIgnoresCallerCancellationAndBadRequests(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Status: 400, Message: "This model's maximum context length is 8192 tokens"}))
	cfg := testConfig(f)
	cfg.BreakerFailures, cfg.CacheSize = 2, -1
	s := mustNew(t, cfg, zhSpec())
	for _, id := range ids("long", 4) {
		if _, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall(id)}); err == nil || strings.Contains(err.Error(), "circuit") {
			t.Errorf("%s: %v", id, err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, id := range ids("cancelled", 3) {
		if _, err := s.Score(ctx, &scorers.Input{Interaction: zhCall(id)}); err == nil || !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", id, err)
		}
	}
	if st := s.Stats(); st.BreakerOpen != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestConcurrencyNeverExceedsTheBound(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Delay: 20 * time.Millisecond}))
	cfg := testConfig(f)
	cfg.Concurrency, cfg.CacheSize = 3, -1
	s := mustNew(t, cfg, zhSpec())
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for _, id := range ids("c", 24) {
		wg.Go(func() {
			if _, err := s.Score(t.Context(), &scorers.Input{Interaction: zhCall(id)}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if m := f.maxInFlight.Load(); m > 3 || m < 1 {
		t.Errorf("max in flight %d, bound 3", m)
	}
	if f.count() != 24 {
		t.Errorf("%d requests", f.count())
	}
}

// rateScorer is a scorer whose waits advance a fake clock instead of
// sleeping, and are recorded.
func rateScorer(t *testing.T, cfg Config) (*Scorer, *fakeClock, *[]time.Duration) {
	clock := newFakeClock()
	cfg.Now, cfg.CacheSize = clock.Now, -1
	s := mustNew(t, cfg, zhSpec())
	var waits []time.Duration
	s.sleep = func(ctx context.Context, d time.Duration) bool {
		waits = append(waits, d)
		clock.Advance(d)
		return ctx.Err() == nil
	}
	return s, clock, &waits
}

func TestRequestsPerMinuteDelaysRequests(t *testing.T) {
	f := newFakeLLM(t)
	cfg := testConfig(f)
	cfg.RequestsPerMinute = 2
	s, clock, waits := rateScorer(t, cfg)
	start := clock.Now()
	for _, id := range ids("c", 5) {
		score(t, s, zhCall(id))
	}
	// Two go at once (a minute's worth), then one every 30s.
	if len(*waits) != 3 {
		t.Fatalf("waits %v, want 3", *waits)
	}
	for _, w := range *waits {
		if w < 29*time.Second || w > 31*time.Second {
			t.Errorf("waits %v, want about 30s each", *waits)
		}
	}
	if got := clock.Now().Sub(start); got < 89*time.Second {
		t.Errorf("5 requests at 2/min took %s of fake time", got)
	}
}

func TestTokensPerMinuteDelaysRequestsAndReconciles(t *testing.T) {
	f := newFakeLLM(t)
	cfg := testConfig(f)
	s0 := mustNew(t, cfg, zhSpec())
	user := s0.prompt.userMessage(zhCall("x").Turns, redactAll(s0, zhCall("x")))
	est := promptTokens(s0.prompt.system, user) + answerTokens(4, 2048)
	cfg.TokensPerMinute = est * 3 / 2

	// The server reports what the estimate says: the second request waits.
	s, _, waits := rateScorer(t, cfg)
	score(t, s, zhCall("a"))
	score(t, s, zhCall("b"))
	if len(*waits) != 1 || (*waits)[0] <= 0 || (*waits)[0] >= time.Minute {
		t.Errorf("waits %v, want one under a minute", *waits)
	}

	// The server reports far fewer tokens than estimated: the refund lets
	// the second request go at once.
	f.setReply(staticReply(fakeReply{PromptTokens: 10, CompletionTokens: 10}))
	s, _, waits = rateScorer(t, cfg)
	score(t, s, zhCall("a"))
	score(t, s, zhCall("b"))
	if len(*waits) != 0 {
		t.Errorf("waits %v, want none after reconciling", *waits)
	}
}

func redactAll(s *Scorer, in *schemas.Interaction) []string {
	out := make([]string, len(in.Turns))
	for i, t := range in.Turns {
		out[i] = oneLine(s.redact(t.Text))
	}
	return out
}

func TestRateLimitWaitRespectsContext(t *testing.T) {
	f := newFakeLLM(t)
	cfg := testConfig(f)
	cfg.RequestsPerMinute, cfg.CacheSize = 1, -1
	s := mustNew(t, cfg, zhSpec())
	score(t, s, zhCall("a"))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := s.Score(ctx, &scorers.Input{Interaction: zhCall("b")})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v", err)
	}
	if f.count() != 1 {
		t.Errorf("%d requests", f.count())
	}
}

func TestReasoningModelsGetMaxCompletionTokensAndNoTemperature(t *testing.T) {
	f := newFakeLLM(t)
	cfg := testConfig(f)
	cfg.Model = "o4-mini"
	s := mustNew(t, cfg, enSpec())
	score(t, s, enChat("e-1"))
	b := f.requests()[0].Body
	if b.Temperature != nil || b.MaxTokens != 0 || b.MaxCompletionTokens != 2048 {
		t.Errorf("temperature %v, max_tokens %d, max_completion_tokens %d", b.Temperature, b.MaxTokens, b.MaxCompletionTokens)
	}
}

func TestServerWithoutUsageIsChargedByEstimate(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(func(_ int, r *fakeRequest) fakeReply {
		b, _ := json.Marshal(map[string]any{"id": "x", "object": "chat.completion", "choices": []any{
			map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": defaultAnswer(r.user())}}}})
		return fakeReply{Body: string(b)}
	})
	cfg := testConfig(f)
	cfg.PriceInput, cfg.PriceOutput = 1, 1
	s := mustNew(t, cfg, enSpec())
	out := score(t, s, enChat("e-1"))
	if out.LLM.PromptTokens == 0 || out.LLM.CompletionTokens == 0 || out.LLM.Cost == 0 {
		t.Errorf("usage %+v", out.LLM)
	}
}

func TestRunnerTurnsAnErrorIntoNotEvaluatedItems(t *testing.T) {
	f := newFakeLLM(t)
	f.setReply(staticReply(fakeReply{Content: `{"items": [`, Finish: "length"}))
	s := mustNew(t, testConfig(f), enSpec())
	var reg scorers.Registry
	if err := reg.Register(Name, s); err != nil {
		t.Fatal(err)
	}
	card := scorers.Card{ID: "ecommerce-en", Version: "1", PassMark: 80, LowConfidence: 0.6,
		Sections: []scorers.Section{{ID: "service", Weight: 1, Items: []scorers.Item{
			{ID: "llm_empathy_quality", Points: 4, Severity: schemas.Major, Kind: "llm"},
			{ID: "llm_issue_resolved", Points: 4, Severity: schemas.Major, Kind: "llm"},
			{ID: "llm_professional_tone", Points: 3, Severity: schemas.Minor, Kind: "llm"},
		}}}}
	res := scorers.NewRunner(card, &reg, "test").Score(t.Context(), enChat("e-1"), nil)
	if res.Scorers[Name].Status != schemas.ScorerError || !strings.Contains(res.Scorers[Name].Reason, "answer truncated") {
		t.Errorf("status %+v", res.Scorers[Name])
	}
	for _, fd := range res.Findings {
		if fd.Verdict != schemas.NotEvaluated {
			t.Errorf("finding %+v", fd)
		}
	}
	if res.Coverage != schemas.CoverageNone {
		t.Errorf("coverage %q", res.Coverage)
	}
}
