package llm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/zhijian-qa/zhijian/internal/apicall"
)

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err will come back the same on a retry:
// a 4xx answer (other than 408 and 429), a refusal, a truncated or
// malformed answer. Network failures, 408, 429, 5xx, timeouts, giving up
// after the attempts and an open circuit are not permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// statusError is an error answer from the service.
type statusError struct {
	code    int
	message string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("service answered %d %s: %s", e.code, http.StatusText(e.code), e.message)
}

// newStatusError describes an error answer; 408, 429 and 5xx are retryable.
func newStatusError(code int, message string) error {
	message = strings.TrimSpace(message)
	if message == "" {
		message = "(no message)"
	}
	err := &statusError{code: code, message: message}
	if code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500 {
		return err
	}
	return permanentError{err}
}

// rejectsSchema reports whether err is the server refusing json_schema:
// a 400 that names response_format or json_schema.
func rejectsSchema(err error) bool {
	var se *statusError
	if !errors.As(err, &se) || se.code != http.StatusBadRequest {
		return false
	}
	m := strings.ToLower(se.message)
	return strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") ||
		strings.Contains(m, "response format") || strings.Contains(m, "json schema")
}

// classify turns a go-openai error into a retryable or permanent one.
func (s *Scorer) classify(ctx context.Context, err error, x *apicall.Exchange) error {
	var (
		reqErr *openai.RequestError
		apiErr *openai.APIError
		urlErr *url.Error
	)
	switch {
	case errors.As(err, &reqErr): // an error answer whose body is not OpenAI's error JSON
		return newStatusError(reqErr.HTTPStatusCode, apicall.Snippet(reqErr.Body))
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		msg := apiErr.Message
		if apiErr.Param != nil && *apiErr.Param != "" {
			msg += " (param " + *apiErr.Param + ")"
		}
		return newStatusError(apiErr.HTTPStatusCode, msg)
	case errors.As(err, &urlErr): // network or attempt timeout
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("attempt timed out after %s: %w", s.cfg.Timeout, err)
		}
		return err
	case x.Status >= 200 && x.Status < 300:
		return permanentError{fmt.Errorf("malformed response body %q: %w", apicall.Snippet(x.Body), err)}
	default: // go-openai refused to send (a parameter its validator rejects)
		return permanentError{err}
	}
}

// maxBody bounds an answer: 2048 tokens of JSON are far smaller.
const maxBody = 8 << 20

// httpClient wraps the configured (or default) transport in a recorder.
func httpClient(cfg Config) *http.Client {
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
		if t, ok := base.(*http.Transport); ok {
			t = t.Clone()
			t.MaxIdleConnsPerHost = cfg.Concurrency
			base = t
		}
	}
	hc.Transport = apicall.Recorder{Base: base, MaxBody: maxBody}
	return &hc
}

// reasoningModel reports whether model takes max_completion_tokens and
// no temperature (go-openai rejects max_tokens and a temperature for them).
func reasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// temperatureZero is the temperature sent. go-openai omits a zero
// float32 (`omitempty`), which servers read as their default, 1; its
// maintainers suggest the smallest non-zero float32 (1e-45), which every
// server treats as 0 (sashabaranov/go-openai#9).
const temperatureZero = math.SmallestNonzeroFloat32

// request builds the chat-completions request for one interaction.
func (s *Scorer) request(mode, user string) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model: s.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: s.prompt.system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
	}
	if s.reasoning {
		req.MaxCompletionTokens = s.cfg.MaxTokens
	} else {
		req.MaxTokens = s.cfg.MaxTokens
		req.Temperature = temperatureZero
	}
	if mode == JSONModeSchema {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: "scorecard_answer", Schema: s.prompt.schema, Strict: true,
			},
		}
	} else {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return req
}
