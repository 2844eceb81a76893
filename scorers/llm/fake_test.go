package llm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeLLM is an OpenAI-compatible chat-completions server on loopback. It
// records every request and answers each with reply, by default a
// realistic answer built from the request: every item passes, citing the
// start of turn 0, with usage computed by the package's estimator.
type fakeLLM struct {
	t   testing.TB
	srv *httptest.Server

	mu    sync.Mutex
	reqs  []*fakeRequest
	reply func(n int, r *fakeRequest) fakeReply // n counts requests from 0

	inFlight, maxInFlight atomic.Int64
}

// fakeRequest is a request as the fake saw it.
type fakeRequest struct {
	Path, Auth string
	Raw        string
	Body       chatBody
}

type chatBody struct {
	Model               string   `json:"model"`
	Temperature         *float64 `json:"temperature"`
	MaxTokens           int      `json:"max_tokens"`
	MaxCompletionTokens int      `json:"max_completion_tokens"`
	Messages            []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

func (r *fakeRequest) system() string { return r.Body.Messages[0].Content }
func (r *fakeRequest) user() string   { return r.Body.Messages[len(r.Body.Messages)-1].Content }

// fakeReply is one answer. Status other than 200 sends Body (or an OpenAI
// error JSON with Message); 200 sends a chat completion with Content.
type fakeReply struct {
	Status  int
	Header  map[string]string
	Body    string
	Message string // error message for an error status
	Content string // default: defaultAnswer
	Refusal string
	Finish  string        // default "stop"
	Delay   time.Duration // before answering; ends early when the client goes
	// PromptTokens and CompletionTokens default to the estimator's count.
	PromptTokens, CompletionTokens int
}

func newFakeLLM(t testing.TB) *fakeLLM {
	f := &fakeLLM{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// url is the base URL a scorer is configured with.
func (f *fakeLLM) url() string { return f.srv.URL + "/v1" }

func (f *fakeLLM) requests() []*fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*fakeRequest(nil), f.reqs...)
}

func (f *fakeLLM) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func (f *fakeLLM) setReply(reply func(n int, r *fakeRequest) fakeReply) {
	f.mu.Lock()
	f.reply = reply
	f.mu.Unlock()
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	raw, _ := io.ReadAll(r.Body)
	req := &fakeRequest{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Raw: string(raw)}
	if err := json.Unmarshal(raw, &req.Body); err != nil || len(req.Body.Messages) == 0 {
		http.Error(w, `{"error":{"message":"bad request body","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	num := len(f.reqs)
	f.reqs = append(f.reqs, req)
	reply := f.reply
	f.mu.Unlock()

	var rep fakeReply
	if reply != nil {
		rep = reply(num, req)
	}
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.Status != 0 && rep.Status != http.StatusOK {
		w.WriteHeader(rep.Status)
		if rep.Body == "" {
			rep.Body = fmt.Sprintf(`{"error":{"message":%q,"type":"invalid_request_error","param":null,"code":null}}`, rep.Message)
		}
		io.WriteString(w, rep.Body)
		return
	}
	if rep.Body != "" {
		io.WriteString(w, rep.Body)
		return
	}
	f.writeCompletion(w, req, rep)
}

func (f *fakeLLM) writeCompletion(w io.Writer, req *fakeRequest, rep fakeReply) {
	if rep.Content == "" && rep.Refusal == "" {
		rep.Content = defaultAnswer(req.user())
	}
	if rep.Finish == "" {
		rep.Finish = "stop"
	}
	if rep.PromptTokens == 0 {
		rep.PromptTokens = promptTokens(req.system(), req.user())
	}
	if rep.CompletionTokens == 0 {
		rep.CompletionTokens = estimateTokens(rep.Content + rep.Refusal)
	}
	msg := map[string]any{"role": "assistant", "content": rep.Content}
	if rep.Refusal != "" {
		msg["content"], msg["refusal"] = nil, rep.Refusal
	}
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": 1760000000, "model": req.Body.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": rep.Finish}},
		"usage": map[string]any{"prompt_tokens": rep.PromptTokens, "completion_tokens": rep.CompletionTokens,
			"total_tokens": rep.PromptTokens + rep.CompletionTokens},
	})
}

var (
	itemLine = regexp.MustCompile(`(?m)^- id: (\S+)$`)
	turnLine = regexp.MustCompile(`(?m)^\[(\d+)\] \w+ \([0-9:]+\): (.*)$`)
)

// defaultAnswer passes every item of the user message, quoting the first
// few characters of turn 0 as the model saw them.
func defaultAnswer(user string) string {
	var quote string
	if m := turnLine.FindStringSubmatch(user); m != nil {
		quote = m[2]
		if utf8.RuneCountInString(quote) > 8 {
			quote = string([]rune(quote)[:8])
		}
	}
	var items []ansItem
	for _, m := range itemLine.FindAllStringSubmatch(user, -1) {
		items = append(items, ansItem{ID: m[1], Verdict: "pass", Confidence: 0.9,
			Evidence: []ansEvidence{{Turn: 0, Quote: quote}}, Rationale: "The agent did what the item asks."})
	}
	return answerJSON(items, []string{"查件", "order_status"}, "The customer asked about a parcel. The agent handled it.")
}

type ansItem struct {
	ID         string        `json:"id"`
	Evidence   []ansEvidence `json:"evidence"`
	Rationale  string        `json:"rationale"`
	Verdict    string        `json:"verdict"`
	Confidence float64       `json:"confidence"`
}

type ansEvidence struct {
	Turn  int    `json:"turn"`
	Quote string `json:"quote"`
}

func answerJSON(items []ansItem, intents []string, summary string) string {
	if items == nil {
		items = []ansItem{}
	}
	b, _ := json.Marshal(map[string]any{"items": items, "intents": intents, "summary": summary})
	return string(b)
}

// staticReply answers every request with rep.
func staticReply(rep fakeReply) func(int, *fakeRequest) fakeReply {
	return func(int, *fakeRequest) fakeReply { return rep }
}

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// hasAll reports whether s has every one of subs.
func hasAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
