// Package transcribe turns call audio into turns through OpenAI-compatible
// speech-to-text endpoints (POST {url}/audio/transcriptions): OpenAI's
// whisper-1 and gpt-4o-transcribe, and self-hosted faster-whisper,
// whisper.cpp or vLLM servers that speak the same API. The pipeline uses it
// for voice interactions that arrive without a transcript.
//
// A Transcriber turns one piece of audio (a complete WAV file) into
// Segments; Turns transcribes the parts of a call (each speaker's audio, or
// chunks of it) concurrently and merges their segments into schemas.Turns
// ordered by start time.
//
// # Response formats
//
// With verbose_json the service returns timed segments, each becoming a
// Segment (seconds rounded to milliseconds; confidence exp(avg_logprob)
// when the service sends avg_logprob). With json or text, or a verbose
// answer without segments, the whole text becomes one Segment spanning the
// audio (end 0, unknown, when the service gives no duration). When
// Config.Format is empty, verbose_json is asked for, except for gpt-*
// models (gpt-4o-transcribe and its kin), which only offer json and text.
// Times are never trusted blindly: negative offsets are clamped to 0, an
// end before its start is clamped to the start, and offsets past the
// reported duration are clamped to it.
//
// # Errors and retries
//
// Every error names the request ("transcribe c-1-agent-000.wav: ...").
// Each attempt has its own timeout. 408, 429, 5xx answers, network errors
// and attempt timeouts are retried with jittered exponential backoff
// between RetryMin and RetryMax; a 429's Retry-After (seconds or an HTTP
// date) is honoured as the least wait, and when it asks for longer than
// RetryMax the client gives up at once rather than call back early.
// Other 4xx answers (400, 401, 413, ...) are permanent and returned at
// once with the status and the service's message. A 2xx answer whose body
// is not the JSON expected is also permanent and not retried: the client
// reads each body whole before decoding it, so a truncated transfer shows
// up as a (retried) network error, and an intact body of the wrong shape —
// say an HTML page from a mistyped URL — would come back the same on every
// attempt. IsPermanent tells permanent errors from ones worth retrying
// later; giving up after Attempts tries is not permanent.
//
// # Concurrency
//
// OpenAI bounds the requests in flight across the client (a slot is held
// for one attempt, not during backoff); Turns bounds the parts in flight
// for one call. Both give up waiting as soon as the context is done.
package transcribe
