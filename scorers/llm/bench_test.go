package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
)

// zhDialogue and enDialogue are realistic 20-turn calls.
var zhDialogue = []string{
	"您好，中通快递客服工号1024为您服务，请问有什么可以帮您？",
	"你好，我上周五寄的一个包裹到现在还没收到，查物流三天没更新了。",
	"非常抱歉给您带来不便，麻烦您提供一下运单号，我帮您查询。",
	"单号是ZT7731 0452 9981，收件人是我妈，在杭州西湖区。",
	"好的，为了核实身份，请问寄件人手机号后四位是多少？",
	"后四位是5678。",
	"感谢您的配合。我这边看到包裹在杭州转运中心滞留了，显示异常件。",
	"那怎么办啊？里面是给我妈买的药，她等着吃的，我真的很着急。",
	"理解您的心情，药品确实耽误不得，我马上联系转运中心核实包裹的具体情况。",
	"你们每次都这样，上次也是拖了一个礼拜，我要投诉。",
	"非常抱歉之前的经历让您失望了，您的投诉我会如实登记，二十四小时内会有专人给您回电。",
	"那包裹到底能不能找到？要是丢了怎么赔？",
	"我先帮您加急催查，如果确认丢失，未保价的物品按运费的三倍以内赔付，您当时有保价吗？",
	"没有保价，药是三百多块钱买的。",
	"明白了。如果最终确认丢失，我们会按规定处理，您也可以提供购买凭证，我们尽量为您争取。",
	"行吧，那你们尽快，我妈明天就没药了。",
	"好的，我已经提交加急工单，转运中心会在今天下午六点前反馈，有结果第一时间短信通知您。",
	"好，那我等你们消息。",
	"请问还有其他可以帮您的吗？",
	"没有了，谢谢。",
}

var enDialogue = []string{
	"Hi, thanks for contacting ShopCo, this is Dana. How can I help you today?",
	"Hi Dana. I ordered a stand mixer last week and it arrived with a cracked bowl.",
	"Oh no, I'm really sorry to hear that. Could I have your order number, please?",
	"Sure, it's SC-448-20931.",
	"Thank you. For security, can you confirm the email address on the account?",
	"It's jamie.l@example.com.",
	"Thanks, Jamie, you're verified. I can see the mixer was delivered on Tuesday.",
	"Yes, and I need it for my daughter's birthday cake on Saturday. This is really frustrating.",
	"I completely understand, that's a big day and the timing is awful. Let's get this fixed.",
	"Can you send a new one before Saturday?",
	"I can ship a replacement today with express delivery; it should arrive by Friday.",
	"Do I need to send the broken one back first? I don't want to pay for shipping.",
	"No, you won't pay anything. Damaged items are replaced without return shipping; I'll email you a prepaid label.",
	"Okay, and what if the replacement doesn't make it in time?",
	"If it hasn't arrived by Friday evening, contact us and we'll refund the full amount to your original card within 3 to 5 business days.",
	"Alright, that sounds fair.",
	"The replacement order is SC-448-20977, and the label is on its way to your inbox now.",
	"Got it, I see the email.",
	"Is there anything else I can help you with today?",
	"No, that's all. Thanks for sorting it out so quickly.",
}

func dialogue(id string, lines []string) *schemas.Interaction {
	in := &schemas.Interaction{ID: id, Channel: schemas.Voice}
	at := int64(0)
	for i, text := range lines {
		sp := schemas.Agent
		if i%2 == 1 {
			sp = schemas.Customer
		}
		in.Turns = append(in.Turns, schemas.Turn{Speaker: sp, Text: text, StartMS: at, EndMS: at + 4000})
		at += 5500
	}
	return in
}

// packSpec is a shipped pack's spec, with a fifth item when five is true.
func packSpec(tb testing.TB, file string, five bool) Spec {
	p, err := rulefmt.ParseFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	spec, _ := SpecOf(p)
	if five {
		q := "Did the agent set clear expectations about what happens next and when? pass: specific steps and times; fail: vague or none; na: nothing to follow up."
		if spec.chinese() {
			q = "坐席是否向客户说明了后续处理步骤和时间？pass：说明了具体步骤和时间；fail：含糊或没有说明；na：无需后续处理。"
		}
		spec.Items = append(spec.Items, Item{ID: "llm_expectation_setting", Name: "Expectations", Question: q, Points: 3,
			Section: "resolution", Severity: schemas.Minor})
	}
	return spec
}

// realisticAnswer is the answer a model gives for items: one quote from
// the transcript and a one-sentence rationale each; with summary, the
// intents and a two-sentence summary too.
func realisticAnswer(spec Spec, in *schemas.Interaction, items []Item, summary bool) string {
	rationale, sum := "The agent acknowledged the customer's frustration about the timing and offered a concrete fix.",
		"The customer received a damaged stand mixer and needs it before Saturday. The agent verified the account and shipped an express replacement with a prepaid return label."
	if spec.chinese() {
		rationale, sum = "坐席针对客户着急的情况作出了具体回应，并给出了明确的处理时间。",
			"客户寄给母亲的药品包裹滞留三天未更新，要求尽快找到并询问赔付标准。坐席核实身份后提交加急工单，承诺当天下午六点前反馈并登记了投诉。"
	}
	var out []ansItem
	for i, it := range items {
		q := []rune(in.Turns[(2*i+2)%len(in.Turns)].Text)
		out = append(out, ansItem{ID: it.ID, Verdict: "pass", Confidence: 0.86,
			Evidence: []ansEvidence{{Turn: (2*i + 2) % len(in.Turns), Quote: string(q[:min(len(q), 18)])}}, Rationale: rationale})
	}
	if !summary {
		b, _ := json.Marshal(map[string]any{"items": out, "intents": []string{}, "summary": ""})
		return string(b)
	}
	return answerJSON(out, spec.Intents[:2], sum)
}

// requestTokens estimates a request for spec and its answer.
func requestTokens(tb testing.TB, spec Spec, in *schemas.Interaction, summary bool) int {
	p := newPrompt(&spec, ident)
	red := make([]string, len(in.Turns))
	for i, t := range in.Turns {
		red[i] = oneLine(t.Text)
	}
	user := p.userMessage(in.Turns, red)
	return promptTokens(p.system, user) + estimateTokens(realisticAnswer(spec, in, spec.Items, summary))
}

// BenchmarkTokensVersusOneRequestPerItem compares the estimated tokens
// (prompt and answer) of one request for all items with one request per
// item, each carrying the system prompt, the instructions and the
// transcript. The baseline is charged no summary or intents, in its favour.
func BenchmarkTokensVersusOneRequestPerItem(b *testing.B) {
	for _, tc := range []struct {
		name, file string
		lines      []string
		five       bool
	}{
		{"zh/4-items", "../../rules/packs/logistics-zh.yaml", zhDialogue, false},
		{"zh/5-items", "../../rules/packs/logistics-zh.yaml", zhDialogue, true},
		{"en/4-items", "../../rules/packs/ecommerce-en.yaml", enDialogue, false},
		{"en/5-items", "../../rules/packs/ecommerce-en.yaml", enDialogue, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			spec := packSpec(b, tc.file, tc.five)
			in := dialogue("bench", tc.lines)
			var one, baseline int
			for b.Loop() {
				one = requestTokens(b, spec, in, true)
				baseline = 0
				for _, it := range spec.Items {
					single := spec
					single.Items = []Item{it}
					baseline += requestTokens(b, single, in, false)
				}
			}
			b.ReportMetric(float64(one), "tokens/one-request")
			b.ReportMetric(float64(baseline), "tokens/per-item")
			b.ReportMetric(float64(one)/float64(baseline), "ratio")
		})
	}
}

// instant answers every request at once with body, without a network.
type instant struct{ body []byte }

func (t instant) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)), Request: req}, nil
}

func completionBody(content string, pt, ct int) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-bench", "object": "chat.completion", "created": 1760000000, "model": "gpt-4o-mini",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct},
	})
	return b
}

// BenchmarkClientOverhead is everything Score does around the network:
// prompt, request encoding, response decoding, answer checks and quote
// verification, for a 20-turn call and the zh pack's 4 items (no cache).
func BenchmarkClientOverhead(b *testing.B) {
	spec := packSpec(b, "../../rules/packs/logistics-zh.yaml", false)
	in := dialogue("bench", zhDialogue)
	body := completionBody(realisticAnswer(spec, in, spec.Items, true), 1500, 400)
	s := mustNew(b, Config{URL: "http://llm.invalid/v1", Key: "k", Model: "gpt-4o-mini", CacheSize: -1,
		PriceInput: 0.15, PriceOutput: 0.6, HTTPClient: &http.Client{Transport: instant{body}}}, spec)
	input := &scorers.Input{Interaction: in}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out, err := s.Score(ctx, input)
		if err != nil || out.LLM.Quotes != 4 || out.LLM.UnverifiedQuotes != 0 {
			b.Fatalf("%v %+v", err, out)
		}
	}
}

// BenchmarkThroughput64 runs 64 Score calls at once against a loopback
// fake that answers after 200ms, with Concurrency 64.
func BenchmarkThroughput64(b *testing.B) {
	f := newFakeLLM(b)
	f.setReply(staticReply(fakeReply{Delay: 200 * time.Millisecond}))
	spec := packSpec(b, "../../rules/packs/logistics-zh.yaml", false)
	s := mustNew(b, Config{URL: f.url(), Key: "k", Model: "gpt-4o-mini", Concurrency: 64, CacheSize: -1}, spec)
	const n = 64
	inputs := make([]*scorers.Input, n)
	for i := range inputs {
		inputs[i] = &scorers.Input{Interaction: dialogue(fmt.Sprintf("c-%d", i), zhDialogue)}
	}
	ctx := context.Background()
	total := 0
	start := time.Now()
	for b.Loop() {
		var wg sync.WaitGroup
		for _, in := range inputs {
			wg.Go(func() {
				if _, err := s.Score(ctx, in); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		total += n
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "interactions/s")
	b.ReportMetric(float64(f.maxInFlight.Load()), "max-in-flight")
}
