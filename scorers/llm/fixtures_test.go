package llm

import (
	"fmt"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
)

// zhSpec is a small Chinese logistics spec: four items, eight intents.
func zhSpec() Spec {
	return Spec{
		Pack: "logistics-zh", PromptVersion: "t1", Language: "zh-CN",
		System: "你是快递物流客服的资深质检员，只依据对话内容评判。",
		Items: []Item{
			{ID: "llm_empathy_quality", Name: "共情质量", Points: 4, Section: "service", Severity: schemas.Major,
				Question: "坐席是否真诚地回应了客户的情绪？pass：用贴合情况的话回应；fail：无回应或敷衍；na：客户全程平静。"},
			{ID: "llm_problem_resolved", Name: "问题一次解决", Points: 4, Section: "service", Severity: schemas.Major,
				Question: "客户的问题是否得到解决或有明确的下一步？pass：给出结果或明确谁何时做什么；fail：推诿或含糊；na：没有问题。"},
			{ID: "llm_policy_accuracy", Name: "政策信息准确", Points: 4, Section: "compliance", Severity: schemas.Critical,
				Question: "坐席说的赔付标准和时效是否符合规定？pass：一致；fail：说错或超出规定的承诺；na：没有涉及。"},
			{ID: "llm_professional_tone", Name: "专业与语气", Points: 3, Section: "service", Severity: schemas.Minor,
				Question: "坐席整体是否专业、礼貌、耐心？pass：用语礼貌耐心；fail：不耐烦或生硬；na：坐席几乎没有发言。"},
		},
		Intents: []string{"查件", "催件", "改地址", "丢件", "破损", "理赔", "投诉", "其他"},
	}
}

// enSpec is a small English e-commerce spec: three items.
func enSpec() Spec {
	return Spec{
		Pack: "ecommerce-en", PromptVersion: "t1", Language: "en-US",
		System: "You are a senior quality analyst for an online retailer. Judge only from the conversation.",
		Items: []Item{
			{ID: "llm_empathy_quality", Name: "Empathy", Points: 4, Section: "service", Severity: schemas.Major,
				Question: "Did the agent acknowledge the customer's feelings? pass: yes, in words that fit; fail: ignored or brushed off; na: the customer stayed calm."},
			{ID: "llm_issue_resolved", Name: "Issue resolved", Points: 4, Section: "service", Severity: schemas.Major,
				Question: "Was the issue resolved or given a concrete next step? pass: an action or a specific commitment; fail: deflected or vague; na: no issue."},
			{ID: "llm_professional_tone", Name: "Professional tone", Points: 3, Section: "service", Severity: schemas.Minor,
				Question: "Was the agent professional and courteous? pass: polite and clear; fail: curt or sarcastic; na: the agent barely spoke."},
		},
		Intents: []string{"order_status", "delivery_problem", "refund", "damaged_item", "complaint", "other"},
	}
}

func zhCall(id string) *schemas.Interaction {
	return &schemas.Interaction{
		Schema: schemas.SchemaInteractionV1, ID: id, Tenant: "t", Channel: schemas.Voice, Language: "zh-CN",
		StartedAt: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		Turns: []schemas.Turn{
			{Speaker: schemas.Agent, Text: "您好，顺丰快递客服为您服务，请问有什么可以帮您？", StartMS: 0, EndMS: 3800},
			{Speaker: schemas.Customer, Text: "我的包裹三天了还没到，单号是SF1234567890，电话13812345678。", StartMS: 4200, EndMS: 9000},
			{Speaker: schemas.Agent, Text: "非常抱歉让您久等了，我马上帮您查一下。", StartMS: 9800, EndMS: 12500},
			{Speaker: schemas.Customer, Text: "快点吧，我很着急！", StartMS: 15000, EndMS: 16500},
			{Speaker: schemas.Agent, Text: "已经帮您催件，今天下午六点前送达，二十四小时内给您回电。", StartMS: 42000, EndMS: 48000},
		},
	}
}

func enChat(id string) *schemas.Interaction {
	return &schemas.Interaction{
		Schema: schemas.SchemaInteractionV1, ID: id, Tenant: "t", Channel: schemas.Chat, Language: "en-US",
		StartedAt: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		Turns: []schemas.Turn{
			{Speaker: schemas.Agent, Text: "Hi, thanks for contacting ShopCo. How can I help?", StartMS: 0},
			{Speaker: schemas.Customer, Text: "My blender arrived BROKEN, and the party is tomorrow!", StartMS: 20000},
			{Speaker: schemas.Agent, Text: "I'm so sorry your order arrived broken right before the party.", StartMS: 41000},
			{Speaker: schemas.Agent, Text: "I've shipped a replacement with next-day delivery; it arrives by noon tomorrow.", StartMS: 65000},
			{Speaker: schemas.Customer, Text: "Thank you, that works.", StartMS: 90000},
		},
	}
}

// testConfig is a config against f with fast retries.
func testConfig(f *fakeLLM) Config {
	return Config{URL: f.url(), Key: "sk-test", Model: "gpt-4o-mini", RetryMin: time.Millisecond,
		RetryMax: 20 * time.Millisecond, Timeout: 5 * time.Second}
}

func mustNew(t testing.TB, cfg Config, spec Spec) *Scorer {
	t.Helper()
	s, err := New(cfg, spec)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func score(t testing.TB, s *Scorer, in *schemas.Interaction) *scorers.Output {
	t.Helper()
	out, err := s.Score(t.Context(), &scorers.Input{Interaction: in})
	if err != nil {
		t.Fatalf("Score %s: %v", in.ID, err)
	}
	return out
}

func findingOf(t testing.TB, out *scorers.Output, item string) schemas.Finding {
	t.Helper()
	for _, f := range out.Findings {
		if f.Item == item {
			return f
		}
	}
	t.Fatalf("no finding for %s in %+v", item, out.Findings)
	return schemas.Finding{}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	return out
}
