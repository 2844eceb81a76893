package llm

import (
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
)

func TestConfigDefaultsAndValidation(t *testing.T) {
	c := Config{URL: "http://localhost:8000/v1", Model: "qwen2.5-7b-instruct"}.WithDefaults()
	if c.Timeout != time.Minute || c.Attempts != 4 || c.RetryMin != time.Second || c.RetryMax != 30*time.Second ||
		c.Concurrency != 8 || c.BreakerFailures != 5 || c.BreakerCooldown != 30*time.Second || c.CacheSize != 10000 ||
		c.SampleAfterBudget != 0.05 || c.MaxTokens != 2048 || c.JSONMode != JSONModeAuto {
		t.Errorf("defaults %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.URL = "" }, "llm.url is required"},
		{func(c *Config) { c.URL = "ftp://x" }, `llm.url ("ftp://x") must be an http or https URL`},
		{func(c *Config) { c.Model = " " }, "llm.model is required"},
		{func(c *Config) { c.Timeout = -time.Second }, "llm.timeout (-1s) must be positive"},
		{func(c *Config) { c.Attempts = -1 }, "llm.attempts (-1)"},
		{func(c *Config) { c.RetryMax = time.Millisecond }, "llm.retry_max (1ms) must be at least llm.retry_min (1s)"},
		{func(c *Config) { c.Concurrency = -2 }, "llm.concurrency (-2)"},
		{func(c *Config) { c.RequestsPerMinute = -1 }, "llm.requests_per_minute (-1)"},
		{func(c *Config) { c.TokensPerMinute = -1 }, "llm.tokens_per_minute (-1)"},
		{func(c *Config) { c.BreakerFailures = -1 }, "llm.breaker_failures (-1)"},
		{func(c *Config) { c.BreakerCooldown = -1 }, "llm.breaker_cooldown"},
		{func(c *Config) { c.PriceInput = -1 }, "llm.price_input (-1)"},
		{func(c *Config) { c.PriceOutput = math.NaN() }, "llm.price_output (NaN)"},
		{func(c *Config) { c.DailyBudget = 5 }, "llm.daily_budget (5) needs llm.price_input or llm.price_output"},
		{func(c *Config) { c.SampleAfterBudget = 1.5 }, "llm.sample_after_budget (1.5)"},
		{func(c *Config) { c.MaxTokens = -1 }, "llm.max_tokens (-1)"},
		{func(c *Config) { c.JSONMode = "yaml" }, `llm.json_mode ("yaml") must be auto, json_schema or json_object`},
	} {
		bad := c
		tc.edit(&bad)
		before := bad
		err := bad.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
		if bad.URL != before.URL || bad.MaxTokens != before.MaxTokens || bad.JSONMode != before.JSONMode {
			t.Error("Validate changed the config")
		}
	}
	err := Config{}.Validate()
	if err == nil || !hasAll(err.Error(), "llm.url is required", "llm.model is required", "llm.attempts (0)") {
		t.Errorf("all problems should be joined: %v", err)
	}
	if _, err := New(Config{}, zhSpec()); err == nil || !strings.Contains(err.Error(), "llm.url is required") {
		t.Errorf("New: %v", err)
	}
}

func TestSpecValidation(t *testing.T) {
	spec := zhSpec()
	spec.PromptVersion = ""
	spec.Items = append(spec.Items, spec.Items[0], Item{ID: "x", Points: -1})
	spec.Intents = append(spec.Intents, "查件", "")
	_, err := New(Config{URL: "http://x/v1", Model: "m"}, spec)
	if err == nil || !hasAll(err.Error(), `pack "logistics-zh"`, "prompt version is required", `id "llm_empathy_quality" is repeated`,
		`item "x": question is required`, `item "x": points (-1)`, `intents[8] ("查件") is repeated`, "intents[9] is empty") {
		t.Errorf("err %v", err)
	}
	if _, err := New(Config{URL: "http://x/v1", Model: "m"}, Spec{PromptVersion: "1"}); err == nil || !strings.Contains(err.Error(), "no items") {
		t.Errorf("err %v", err)
	}
}

func TestSpecOfShippedPacks(t *testing.T) {
	for _, tc := range []struct {
		file, lang, first string
		items, intents    int
	}{
		{"../../rules/packs/logistics-zh.yaml", "zh-CN", "llm_empathy_quality", 4, 8},
		{"../../rules/packs/ecommerce-en.yaml", "en-US", "llm_empathy_quality", 4, 11},
	} {
		p, err := rulefmt.ParseFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		spec, ok := SpecOf(p)
		if !ok || spec.Language != tc.lang || len(spec.Items) != tc.items || len(spec.Intents) != tc.intents ||
			spec.Items[0].ID != tc.first || spec.Items[0].Section == "" || spec.PromptVersion == "" || spec.System == "" {
			t.Errorf("%s: %+v", tc.file, spec)
		}
		if _, err := New(Config{URL: "http://x/v1", Model: "m"}, spec); err != nil {
			t.Errorf("%s: %v", tc.file, err)
		}
	}
	if _, ok := SpecOf(&rulefmt.Pack{}); ok {
		t.Error("a pack without an llm section has a spec")
	}
}

func TestPromptVersionHashesTheInstructions(t *testing.T) {
	zh, en := newPrompt(ptr(zhSpec()), ident), newPrompt(ptr(enSpec()), ident)
	if !strings.HasPrefix(zh.version, "t1+") || len(zh.version) != len("t1+")+8 || zh.version == en.version {
		t.Errorf("versions %q %q", zh.version, en.version)
	}
	if promptHash(instructionsEN+" ", headersEN) == promptHash(instructionsEN, headersEN) {
		t.Error("editing the instructions does not change the prompt version")
	}
}

func ptr[T any](v T) *T { return &v }

func ident(s string) string { return s }

func TestCacheKeyCoversWhatDecidesTheAnswer(t *testing.T) {
	base := cacheKey("m", "v", JSONModeSchema, "sys", "user")
	for name, k := range map[string][32]byte{
		"model":   cacheKey("m2", "v", JSONModeSchema, "sys", "user"),
		"version": cacheKey("m", "v2", JSONModeSchema, "sys", "user"),
		"mode":    cacheKey("m", "v", JSONModeObject, "sys", "user"),
		"system":  cacheKey("m", "v", JSONModeSchema, "sys2", "user"),
		"user":    cacheKey("m", "v", JSONModeSchema, "sys", "user2"),
		"split":   cacheKey("m", "v", JSONModeSchema, "sysu", "ser"),
	} {
		if k == base {
			t.Errorf("%s does not change the key", name)
		}
	}
}

func TestCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	c := newCache(2)
	a, b, d := &rawAnswer{Summary: "a"}, &rawAnswer{Summary: "b"}, &rawAnswer{Summary: "d"}
	c.put([32]byte{1}, a)
	c.put([32]byte{2}, b)
	c.get([32]byte{1}) // 1 is now the most recent
	c.put([32]byte{3}, d)
	if _, ok := c.get([32]byte{2}); ok {
		t.Error("2 should have been evicted")
	}
	if got, ok := c.get([32]byte{1}); !ok || got != a {
		t.Error("1 was evicted")
	}
	if c.len() != 2 {
		t.Errorf("len %d", c.len())
	}
	if newCache(-1) != nil || newCache(0) != nil {
		t.Error("a non-positive size should disable the cache")
	}
	var none *cache
	none.put([32]byte{1}, a)
	if _, ok := none.get([32]byte{1}); ok {
		t.Error("a disabled cache hit")
	}
}

func TestEstimateTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abcd", 1},
		{"abcde", 2},
		{"您好，顺丰快递", 7},      // CJK and full-width punctuation: one each
		{"单号SF1234", 2 + 2}, // 2 Han + 6 bytes
		{"héllo", 2},
	} {
		if got := estimateTokens(tc.in); got != tc.want {
			t.Errorf("estimateTokens(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestParseAnswerTolerance(t *testing.T) {
	body := `{"items":[{"id":"a","verdict":"PASS","confidence":"0.7","evidence":[{"turn":"2","quote":"x"}],"rationale":"r"}],"intents":[],"summary":"s"}`
	for _, content := range []string{
		body,
		"```json\n" + body + "\n```",
		"<think>let me see {not json}</think>\n" + body,
		"Here is the evaluation:\n" + body + "\nHope this helps.",
	} {
		a, err := parseAnswer(content)
		if err != nil {
			t.Errorf("%q: %v", content, err)
			continue
		}
		it := (*a.Items)[0]
		if it.Confidence.v != 0.7 || !it.Confidence.set || it.Evidence[0].Turn.v != 2 {
			t.Errorf("%q: %+v", content, it)
		}
	}
	for _, content := range []string{"", "   ", "null", "[]", `{"items": "all pass"}`, `{"summary":"s"}`} {
		if _, err := parseAnswer(content); err == nil {
			t.Errorf("%q parsed", content)
		}
	}
}

func TestJudgeChecksEveryAnswerField(t *testing.T) {
	s := mustNew(t, Config{URL: "http://x/v1", Model: "m"}, enSpec())
	in := enChat("e-1")
	redacted := redactAll(s, in)
	one := func(verdict string, conf any, ev ...rawEvidence) *rawAnswer {
		ri := rawItem{ID: "llm_empathy_quality", Verdict: verdict, Evidence: ev, Rationale: "r"}
		if f, ok := conf.(float64); ok {
			ri.Confidence = number{f, true}
		}
		return &rawAnswer{Items: &[]rawItem{ri}}
	}
	ev := func(turn float64, quote string) rawEvidence {
		return rawEvidence{Turn: number{turn, true}, Quote: quote}
	}
	for _, tc := range []struct {
		name       string
		a          *rawAnswer
		verdict    schemas.Verdict
		conf       float64
		evidence   []schemas.Evidence
		unverified int
		note       string
	}{
		{"exact quote", one("pass", 0.9, ev(2, "sorry your order arrived broken")), schemas.Pass, 0.9,
			[]schemas.Evidence{{Turn: 2, Start: 7, End: 38, Quote: "sorry your order arrived broken", OffsetMS: 41000}}, 0, ""},
		{"case, apostrophe and punctuation differ", one("pass", 0.9, ev(2, "im SO sorry your order arrived broken right before the party!!")), schemas.Pass, 0.9,
			[]schemas.Evidence{{Turn: 2, Start: 0, End: 61, Quote: "I'm so sorry your order arrived broken right before the party", OffsetMS: 41000}}, 0, ""},
		{"full-width letters", one("pass", 0.9, ev(1, "ＢＲＯＫＥＮ")), schemas.Pass, 0.9,
			[]schemas.Evidence{{Turn: 1, Start: 19, End: 25, Quote: "BROKEN", OffsetMS: 20000}}, 0, ""},
		{"invented", one("pass", 0.9, ev(2, "we will refund you twice")), schemas.Pass, 0.5, []schemas.Evidence{}, 1,
			`unverified quote "we will refund you twice": not in turn 2`},
		{"misattributed", one("pass", 0.8, ev(0, "the party is tomorrow")), schemas.Pass, 0.5, []schemas.Evidence{}, 1,
			"not in turn 0 (it is in turn 1)"},
		{"no such turn", one("pass", 0.8, ev(9, "Thank you")), schemas.Pass, 0.5, []schemas.Evidence{}, 1, "cites turn 9, which does not exist"},
		{"fractional turn", one("pass", 0.8, ev(1.5, "Thank you")), schemas.Pass, 0.5, []schemas.Evidence{}, 1, "cites turn 1.5"},
		{"empty quote", one("pass", 0.8, ev(1, "  ")), schemas.Pass, 0.5, []schemas.Evidence{}, 1, "it is empty"},
		{"punctuation only", one("pass", 0.8, ev(1, "!!")), schemas.Pass, 0.5, []schemas.Evidence{}, 1, "nothing to match"},
		{"fail without evidence", one("fail", 0.95), schemas.Fail, 0.5, []schemas.Evidence{}, 0, "no verified evidence for a fail"},
		{"na without evidence", one("na", 0.95), schemas.NA, 0.95, []schemas.Evidence{}, 0, ""},
		{"confidence above 1", one("pass", 1.7), schemas.Pass, 1, []schemas.Evidence{}, 0, ""},
		{"confidence below 0", one("na", -0.2), schemas.NA, 0, []schemas.Evidence{}, 0, ""},
		{"confidence missing", one("pass", nil), schemas.Pass, 0.5, []schemas.Evidence{}, 0, ""},
		{"verdict n/a", one("N/A", 0.9), schemas.NA, 0.9, []schemas.Evidence{}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := s.judge(in.Turns, redacted, tc.a)
			f := j.findings[0]
			if f.Verdict != tc.verdict || f.Confidence != tc.conf || j.unverified != tc.unverified {
				t.Errorf("verdict %s confidence %v unverified %d; want %s %v %d", f.Verdict, f.Confidence, j.unverified,
					tc.verdict, tc.conf, tc.unverified)
			}
			if len(f.Evidence) != len(tc.evidence) || f.Evidence == nil {
				t.Fatalf("evidence %+v, want %+v", f.Evidence, tc.evidence)
			}
			for i := range f.Evidence {
				if f.Evidence[i] != tc.evidence[i] {
					t.Errorf("evidence %+v, want %+v", f.Evidence[i], tc.evidence[i])
				}
			}
			if tc.note != "" && !strings.Contains(f.Rationale, tc.note) {
				t.Errorf("rationale %q lacks %q", f.Rationale, tc.note)
			}
			if j.missing != 2 { // the other two items
				t.Errorf("missing %d", j.missing)
			}
		})
	}
}

func TestQuoteOfRedactedTextSpansTheTurn(t *testing.T) {
	cfg := Config{URL: "http://x/v1", Model: "m", Redact: func(s string) string {
		return strings.ReplaceAll(s, "13812345678", "[PHONE]")
	}}
	s := mustNew(t, cfg, zhSpec())
	in := zhCall("c-1")
	red := redactAll(s, in)
	j := s.judge(in.Turns, red, &rawAnswer{Items: &[]rawItem{{ID: "llm_policy_accuracy", Verdict: "pass", Confidence: number{0.9, true},
		Evidence: []rawEvidence{{Turn: number{1, true}, Quote: "电话[PHONE]"}}}}})
	f := j.findings[2]
	want := schemas.Evidence{Turn: 1, Start: 0, End: 41, Quote: "电话[PHONE]", OffsetMS: 4200}
	if len(f.Evidence) != 1 || f.Evidence[0] != want || j.unverified != 0 {
		t.Errorf("evidence %+v, want %+v", f.Evidence, want)
	}
}

func TestBucketReservesAndRefills(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBucket(60, now) // 1 a second, 60 at once
	if d := b.take(60, now); d != 0 {
		t.Errorf("a full bucket made the taker wait %s", d)
	}
	if d := b.take(2, now); d != 2*time.Second {
		t.Errorf("wait %s, want 2s", d)
	}
	if d := b.take(1, now.Add(3*time.Second)); d != 0 {
		t.Errorf("wait %s after refilling", d)
	}
	if d := b.take(1000, now.Add(time.Hour)); d != 0 {
		t.Errorf("a request larger than the bucket waited %s with the bucket full", d)
	}
	var none *bucket
	if none.take(5, now) != 0 {
		t.Error("no bucket should mean no wait")
	}
}

func TestSampledIsDeterministicAndProportional(t *testing.T) {
	in := 0
	for _, id := range ids("x", 10000) {
		if sampled(id, 0.05) {
			in++
		}
		if sampled(id, 0.05) != sampled(id, 0.05) {
			t.Fatal("not deterministic")
		}
	}
	if in < 400 || in > 600 {
		t.Errorf("%d of 10000 sampled at 5%%", in)
	}
	if sampled("x", 0) || sampled("x", -1) || !sampled("x", 1) {
		t.Error("edge shares")
	}
}

func TestClockFormat(t *testing.T) {
	for ms, want := range map[int64]string{0: "00:00", -5: "00:00", 42000: "00:42", 61999: "01:01", 3600000: "1:00:00", 3725000: "1:02:05"} {
		if got := string(clock(nil, ms)); got != want {
			t.Errorf("clock(%d) = %s, want %s", ms, got, want)
		}
	}
}

// FuzzAnswer feeds arbitrary content through parsing and the checks: never
// a panic, always one finding per item, evidence never nil.
func FuzzAnswer(f *testing.F) {
	f.Add(`{"items":[{"id":"llm_empathy_quality","verdict":"pass","confidence":0.9,"evidence":[{"turn":2,"quote":"sorry"}],"rationale":"r"}],"intents":["refund"],"summary":"s"}`)
	f.Add(`{"items":[{"id":"llm_issue_resolved","verdict":"fail","confidence":"2","evidence":[{"turn":-1,"quote":"!!"},{"turn":1e300,"quote":"x"}]}]}`)
	f.Add("```json\n{\"items\":[]}\n```")
	f.Add(`<think>{</think>{"items":null}`)
	s := mustNew(f, Config{URL: "http://x/v1", Model: "m"}, enSpec())
	in := enChat("e-1")
	red := redactAll(s, in)
	f.Fuzz(func(t *testing.T, content string) {
		a, err := parseAnswer(content)
		if err != nil {
			return
		}
		j := s.judge(in.Turns, red, a)
		if len(j.findings) != 3 {
			t.Fatalf("%d findings", len(j.findings))
		}
		for _, fd := range j.findings {
			if fd.Evidence == nil || fd.Confidence < 0 || fd.Confidence > 1 {
				t.Fatalf("finding %+v", fd)
			}
			for _, e := range fd.Evidence {
				if e.Start < 0 || e.End < e.Start || e.Turn < 0 || e.Turn >= len(in.Turns) {
					t.Fatalf("evidence %+v", e)
				}
			}
		}
	})
}

// FuzzVerify checks the span a verified quote maps back to: it is the
// quote's code points in the turn's text, and normalizes to what the
// quote normalizes to.
func FuzzVerify(f *testing.F) {
	f.Add("您好，顺丰快递客服为您服务。", "您好,顺丰快递")
	f.Add("I'm SO sorry about that!", "im so sorry")
	f.Add("ﬁne ＡＢＣ  é", "fine abc")
	f.Add("a\u0301b", "ab")
	f.Fuzz(func(t *testing.T, text, quote string) {
		if !utf8.ValidString(text) || !utf8.ValidString(quote) {
			return // transcripts come from JSON: always valid UTF-8
		}
		turns := []schemas.Turn{{Speaker: schemas.Agent, Text: text, StartMS: 7}}
		var v verifier
		ev, note := v.verify(turns, []string{text}, rawEvidence{Turn: number{0, true}, Quote: quote})
		if note != "" {
			return
		}
		r := []rune(text)
		if ev.Start < 0 || ev.End > len(r) || ev.Start > ev.End || ev.OffsetMS != 7 {
			t.Fatalf("span %+v of %q", ev, text)
		}
		if string(r[ev.Start:ev.End]) != ev.Quote {
			t.Fatalf("quote %q is not runes %d..%d of %q", ev.Quote, ev.Start, ev.End, text)
		}
	})
}
