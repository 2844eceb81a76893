package llm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/zhijian-qa/zhijian/schemas"
)

// The fixed instructions and message headers, in the two languages. The
// prompt version carries a hash of them: editing a word here changes the
// cache key and what results report.
var (
	instructionsEN = strings.TrimSpace(`
How to answer:
1. Judge every item below only from the transcript; do not assume anything that was not said.
2. For each item give "verdict": "pass", "fail" or "na", as the item's question defines them, and "confidence", a number from 0 to 1.
3. "evidence": the turns the verdict rests on, each as {"turn": the number in square brackets, "quote": a short passage copied exactly, character for character, from that turn}. Never paraphrase or merge turns; give no evidence rather than an inexact quote. Cite evidence for every fail.
4. "rationale": one sentence explaining the verdict.
5. "intents": the customer's intents, chosen only from the allowed intents.
6. "summary": two sentences: what the customer wanted, and how it was handled.
7. Reply with one JSON object and nothing else, in this shape:
{"items":[{"id":"<item id>","evidence":[{"turn":3,"quote":"..."}],"rationale":"...","verdict":"pass|fail|na","confidence":0.9}],"intents":["..."],"summary":"..."}
Write the rationale and the summary in English.`)

	instructionsZH = strings.TrimSpace(`
作答要求：
1. 只依据下面的对话评判每个评估项，不要推测对话中没有出现的内容。
2. 每个评估项按其问题中的标准给出 "verdict"："pass"、"fail" 或 "na"，并给出 "confidence"：0 到 1 之间的数。
3. "evidence"：判断所依据的发言，每条为 {"turn": 方括号中的序号, "quote": 从该条发言中逐字复制的一小段原文}。不要改写、概括或拼接多条发言；没有确切原文就不给证据。判 fail 时必须给出证据。
4. "rationale"：用一句话说明理由。
5. "intents"：客户的意图，只能从可选意图中选择。
6. "summary"：两句话的摘要：客户要办什么，结果如何。
7. 只输出一个 JSON 对象，不要输出其他内容，格式如下：
{"items":[{"id":"<评估项 id>","evidence":[{"turn":3,"quote":"……"}],"rationale":"……","verdict":"pass|fail|na","confidence":0.9}],"intents":["……"],"summary":"……"}
rationale 和 summary 用中文书写。`)
)

// headers are the labels of the user message.
type headers struct {
	items, name, question, intents, noIntents, sep, transcript string
}

var (
	headersEN = headers{
		items: "Items to judge:", name: "name: ", question: "question: ",
		intents: "Allowed intents: ", noIntents: "(none: answer [])", sep: ", ",
		transcript: "Transcript, one turn per line as [turn] speaker (mm:ss): text:",
	}
	headersZH = headers{
		items: "评估项：", name: "名称：", question: "问题：",
		intents: "可选意图：", noIntents: "（无：回答 []）", sep: "、",
		transcript: "对话（每行一条发言，格式为 [序号] 角色 (分:秒): 内容）：",
	}
)

// promptHash identifies the fixed text of one language: instructions,
// headers and the line format.
func promptHash(instructions string, h headers) string {
	sum := sha256.New()
	for _, s := range []string{instructions, h.items, h.name, h.question, h.intents, h.noIntents, h.sep,
		h.transcript, "[%d] %s (%s): %s", "schema-v1"} {
		sum.Write([]byte(s))
		sum.Write([]byte{0})
	}
	return hex.EncodeToString(sum.Sum(nil))[:8]
}

// prompt is the part of every request that depends on the pack alone.
type prompt struct {
	version string // the pack's prompt version + the hash of the fixed text
	system  string // the pack's system prompt and the instructions
	prefix  string // the user message up to the first turn
	schema  json.RawMessage
}

// newPrompt builds the pack's prompt; redact is applied to the pack's texts.
func newPrompt(spec *Spec, redact func(string) string) prompt {
	instructions, h := instructionsEN, headersEN
	if spec.chinese() {
		instructions, h = instructionsZH, headersZH
	}
	p := prompt{version: spec.PromptVersion + "+" + promptHash(instructions, h)}
	if sys := strings.TrimSpace(redact(spec.System)); sys != "" {
		p.system = sys + "\n\n" + instructions
	} else {
		p.system = instructions
	}

	var b strings.Builder
	b.WriteString(h.items)
	b.WriteByte('\n')
	for _, it := range spec.Items {
		b.WriteString("- id: ")
		b.WriteString(it.ID)
		b.WriteString("\n  ")
		if it.Name != "" {
			b.WriteString(h.name)
			b.WriteString(oneLine(redact(it.Name)))
			b.WriteString("\n  ")
		}
		b.WriteString(h.question)
		b.WriteString(oneLine(redact(it.Question)))
		b.WriteByte('\n')
	}
	b.WriteString(h.intents)
	if len(spec.Intents) == 0 {
		b.WriteString(h.noIntents)
	}
	for i, in := range spec.Intents {
		if i > 0 {
			b.WriteString(h.sep)
		}
		b.WriteString(in)
	}
	b.WriteString("\n\n")
	b.WriteString(h.transcript)
	b.WriteByte('\n')
	p.prefix = b.String()
	p.schema = answerSchema(spec)
	return p
}

// userMessage is the prefix and the redacted turns, one a line:
// "[3] agent (00:42): text".
func (p *prompt) userMessage(turns []schemas.Turn, redacted []string) string {
	n := len(p.prefix)
	for _, t := range redacted {
		n += len(t) + 32
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(p.prefix)
	var num [24]byte
	for i, t := range turns {
		b.WriteByte('[')
		b.Write(strconv.AppendInt(num[:0], int64(i), 10))
		b.WriteString("] ")
		b.WriteString(string(t.Speaker))
		b.WriteString(" (")
		b.Write(clock(num[:0], t.StartMS))
		b.WriteString("): ")
		b.WriteString(redacted[i])
		b.WriteByte('\n')
	}
	return b.String()
}

// clock appends ms as mm:ss, or h:mm:ss from an hour on.
func clock(dst []byte, ms int64) []byte {
	s := max(ms, 0) / 1000
	two := func(v int64) {
		if v < 10 {
			dst = append(dst, '0')
		}
		dst = strconv.AppendInt(dst, v, 10)
	}
	if s >= 3600 {
		dst = strconv.AppendInt(dst, s/3600, 10)
		dst = append(dst, ':')
	}
	two(s / 60 % 60)
	dst = append(dst, ':')
	two(s % 60)
	return dst
}

// oneLine folds line breaks into spaces, so that a text stays on its line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\u2028\u2029") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == '\r' || r == '\n' || r == '\u2028' || r == '\u2029'
	}), " ")
}

// object is a JSON object that keeps its keys in order: with a strict
// schema the model writes the properties in schema order, and evidence
// and rationale before the verdict make for better verdicts.
type object []field

type field struct {
	key   string
	value any
}

// MarshalJSON implements json.Marshaler.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// answerSchema is the strict JSON schema of an answer for spec: item ids
// and intents are enums, every property is required and no other is
// allowed (OpenAI's strict mode asks for both).
func answerSchema(spec *Spec) json.RawMessage {
	ids := make([]string, len(spec.Items))
	for i, it := range spec.Items {
		ids[i] = it.ID
	}
	intent := object{{"type", "string"}}
	if len(spec.Intents) > 0 {
		intent = append(intent, field{"enum", spec.Intents})
	}
	evidence := object{
		{"type", "object"},
		{"properties", object{
			{"turn", object{{"type", "integer"}}},
			{"quote", object{{"type", "string"}}},
		}},
		{"required", []string{"turn", "quote"}},
		{"additionalProperties", false},
	}
	item := object{
		{"type", "object"},
		{"properties", object{
			{"id", object{{"type", "string"}, {"enum", ids}}},
			{"evidence", object{{"type", "array"}, {"items", evidence}}},
			{"rationale", object{{"type", "string"}}},
			{"verdict", object{{"type", "string"}, {"enum", []string{"pass", "fail", "na"}}}},
			{"confidence", object{{"type", "number"}}},
		}},
		{"required", []string{"id", "evidence", "rationale", "verdict", "confidence"}},
		{"additionalProperties", false},
	}
	schema := object{
		{"type", "object"},
		{"properties", object{
			{"items", object{{"type", "array"}, {"items", item}}},
			{"intents", object{{"type", "array"}, {"items", intent}}},
			{"summary", object{{"type", "string"}}},
		}},
		{"required", []string{"items", "intents", "summary"}},
		{"additionalProperties", false},
	}
	b, err := json.Marshal(schema)
	if err != nil { // strings, bools and nested objects only: cannot happen
		return json.RawMessage(`{"type":"object"}`)
	}
	return b
}

// cacheKey is sha256 of what decides the answer: the model, the prompt
// version, the JSON mode and both messages (redacted, as sent). The system
// message is in it too, so that a pack edited without a new prompt version
// still misses.
func cacheKey(model, version, mode, system, user string) [sha256.Size]byte {
	h := sha256.New()
	for _, s := range []string{model, version, mode, system} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write([]byte(user))
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}
