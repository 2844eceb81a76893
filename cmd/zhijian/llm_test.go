package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/schemas"
)

// fakeLLM is an OpenAI-compatible chat endpoint that judges every item
// pass, quoting the start of the first agent turn it is shown.
type fakeLLM struct{ requests atomic.Int64 }

var turnLine = regexp.MustCompile(`(?m)^\[(\d+)\] agent \([0-9:]+\): (.+)$`)

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	var req struct {
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
		ResponseFormat struct {
			JSONSchema struct {
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Messages) < 2 {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	ids := regexp.MustCompile(`"(llm_[a-z_]+)"`).FindAllStringSubmatch(string(req.ResponseFormat.JSONSchema.Schema), -1)
	var evidence []map[string]any
	if m := turnLine.FindStringSubmatch(req.Messages[1].Content); m != nil {
		q := m[2]
		for utf8.RuneCountInString(q) > 6 {
			_, size := utf8.DecodeLastRuneInString(q)
			q = q[:len(q)-size]
		}
		var turn int
		json.Unmarshal([]byte(m[1]), &turn) //nolint:errcheck // digits
		evidence = append(evidence, map[string]any{"turn": turn, "quote": q})
	}
	seen := map[string]bool{}
	var items []map[string]any
	for _, id := range ids {
		if !seen[id[1]] {
			seen[id[1]] = true
			items = append(items, map[string]any{"id": id[1], "evidence": evidence, "rationale": "fine",
				"verdict": "pass", "confidence": 0.9})
		}
	}
	answer, _ := json.Marshal(map[string]any{"items": items, "intents": []string{}, "summary": "A summary. Two sentences."})
	json.NewEncoder(w).Encode(map[string]any{ //nolint:errcheck // test server
		"id": "c1", "object": "chat.completion", "model": "fake-model",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": string(answer)}}},
		"usage": map[string]any{"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
	})
}

func withFakeLLM(t *testing.T) *fakeLLM {
	t.Helper()
	f := &fakeLLM{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Setenv("ZHIJIAN_LLM_URL", srv.URL+"/v1")
	t.Setenv("ZHIJIAN_LLM_MODEL", "fake-model")
	t.Setenv("ZHIJIAN_LLM_PRICE_INPUT", "0.5")
	t.Setenv("ZHIJIAN_LLM_PRICE_OUTPUT", "1.5")
	return f
}

// TestConfiguredLLMScoresItsItemsWithVerifiedEvidence: with an endpoint,
// score, demo and calibrate all have the LLM items judged, one request an
// interaction, the quotes checked against the turns.
func TestConfiguredLLMScoresItsItemsWithVerifiedEvidence(t *testing.T) {
	fake := withFakeLLM(t)
	root := filepath.Join("..", "..", "testdata", "interactions")
	code, out, errs := zhijian(t, "", "score", filepath.Join(root, "zh-chat-001-lost-parcel-good.json"), filepath.Join(root, "en-chat-003-return-good.json"))
	if code != 0 {
		t.Fatalf("score: exit %d: %s", code, errs)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r schemas.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.LLM == nil || r.LLM.Quotes == 0 || r.LLM.UnverifiedQuotes != 0 || r.LLM.Cost <= 0 || r.Summary == "" || r.Scorers["llm"].Status != "ok" {
			t.Errorf("%s: llm usage %+v, summary %q, scorers %v", r.InteractionID, r.LLM, r.Summary, r.Scorers)
		}
		n := 0
		for _, f := range r.Findings {
			if f.Kind != "llm" {
				continue
			}
			n++
			if f.Verdict != schemas.Pass || len(f.Evidence) != 1 || f.Evidence[0].Quote == "" || f.Confidence != 0.9 {
				t.Errorf("%s: %s = %s %+v (%s)", r.InteractionID, f.Item, f.Verdict, f.Evidence, f.Rationale)
			}
		}
		if n != 4 {
			t.Errorf("%s: %d llm findings, want 4", r.InteractionID, n)
		}
	}
	if got := fake.requests.Load(); got != 2 {
		t.Errorf("%d requests for 2 interactions", got)
	}

	t.Chdir(filepath.Join("..", ".."))
	before := fake.requests.Load()
	code, out, errs = zhijian(t, "", "demo", "--exit", "--http", "127.0.0.1:0", "--broker", "127.0.0.1:0")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	if got := fake.requests.Load() - before; got < 58 {
		t.Errorf("demo sent %d requests for its 58 interactions", got)
	}
	code, out, errs = zhijian(t, "", "calibrate")
	if code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, errs)
	}
	if !regexp.MustCompile(`logistics-zh\s+llm_empathy_quality\s+32\s`).MatchString(out) || strings.Contains(out, "not evaluated: no LLM endpoint") {
		t.Errorf("calibrate did not compare the LLM items:\n%s", out)
	}
}

// TestCalibratePrintsKappaPerItem runs without an LLM: the rule items are
// compared with the gold labels, the LLM items are reported not evaluated.
func TestCalibratePrintsKappaPerItem(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	code, out, errs := zhijian(t, "", "calibrate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`logistics-zh\s+standard_opening\s+32\s+\d+\.\d%\s+-?\d\.\d\d`),
		regexp.MustCompile(`ecommerce-en\s+greeting_brand_name\s+32\s+\d+\.\d%\s+-?\d\.\d\d`),
		regexp.MustCompile(`logistics-zh\s+llm_policy_accuracy\s+0\s+-\s+-\s+32`),
		regexp.MustCompile(`between labellers`),
	} {
		if !want.MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestLLMCountersOnTheMetricsPage(t *testing.T) {
	withFakeLLM(t)
	cfg, err := loadConfig("", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	router, llms, err := newRouterOf([]string{"logistics-zh"}, &cfg.LLM)
	if err != nil || len(llms) != 1 {
		t.Fatalf("%d llm scorers, %v", len(llms), err)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "interactions", "zh-chat-005-rude-agent.json"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := schemas.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	score := cfg.scoring(router, nil)
	for range 2 { // the second is answered from the cache
		if _, err := score(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
	var page strings.Builder
	writeLLMMetrics(&page, llms)
	for _, want := range []string{
		`zhijian_llm_requests_total{pack="logistics-zh"} 1`,
		`zhijian_llm_cache_hits_total{pack="logistics-zh"} 1`,
		`zhijian_llm_prompt_tokens_total{pack="logistics-zh"} 1000`,
		`zhijian_llm_cost_total{pack="logistics-zh"} 0.0008`,
		`# TYPE zhijian_llm_unverified_quotes_total counter`,
	} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, page.String())
		}
	}
}
