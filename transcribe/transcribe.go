package transcribe

import (
	"context"
	"errors"
	"io"
	"strings"
)

// Request is one piece of audio: a complete WAV file (16 kHz mono 16-bit
// PCM as the caller makes it).
type Request struct {
	Audio io.Reader
	// Name is the file name sent in the multipart form, e.g.
	// "c-1-agent-000.wav"; errors name the request by it.
	Name string
	// Language is an ISO-639-1 hint ("zh", "en"); "" lets the service
	// detect the language.
	Language string
}

// Segment is one transcribed span, offsets from the start of the
// request's audio.
type Segment struct {
	StartMS int64
	// EndMS is the end offset; 0 means unknown (a text-only answer).
	EndMS int64
	Text  string
	// Confidence is exp(avg_logprob) when the service gives avg_logprob,
	// else nil.
	Confidence *float64
}

// Transcriber turns audio into segments.
type Transcriber interface {
	Transcribe(ctx context.Context, r Request) ([]Segment, error)
}

// TranscriberFunc adapts a function to a Transcriber.
type TranscriberFunc func(ctx context.Context, r Request) ([]Segment, error)

// Transcribe calls f.
func (f TranscriberFunc) Transcribe(ctx context.Context, r Request) ([]Segment, error) {
	return f(ctx, r)
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// IsPermanent reports whether err (or an error it wraps) is one that
// retrying the same request cannot fix: a 4xx answer other than 408 and
// 429, a malformed answer, or a bad request. The pipeline dead-letters
// these and retries the rest later.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Language maps an interaction language tag ("zh-CN", "en-US", "yue-HK",
// "zh_TW") to the ISO-639-1 hint the service takes ("zh", "en"). Chinese
// varieties without an ISO-639-1 code (yue, cmn, wuu, ...) map to "zh";
// anything else not in ISO-639-1 form maps to "", which lets the service
// detect the language rather than reject the request.
func Language(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	base, _, _ = strings.Cut(base, "_")
	if code, ok := iso639Of[base]; ok {
		return code
	}
	if len(base) == 2 && isLetters(base) {
		return base
	}
	return ""
}

// iso639Of maps three-letter codes that interactions use to ISO-639-1.
var iso639Of = map[string]string{
	"yue": "zh", "cmn": "zh", "wuu": "zh", "nan": "zh", "hak": "zh",
	"zho": "zh", "chi": "zh",
	"eng": "en", "jpn": "ja", "kor": "ko", "spa": "es", "fra": "fr",
	"fre": "fr", "deu": "de", "ger": "de", "por": "pt", "rus": "ru",
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
