package pipeline

import (
	"context"
	"fmt"
	"io"

	"github.com/zhijian-qa/zhijian/audio"
	"github.com/zhijian-qa/zhijian/audio/fetch"
	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
	"github.com/zhijian-qa/zhijian/transcribe"
)

// Transcript sources, in results.
const (
	SourceSupplied = "supplied" // the producer sent the turns
	SourceNone     = "none"     // a recording without turns, and no STT configured
	SourceSTT      = "stt"      // transcribed here; the model follows a colon
)

// Voice readies interactions for scoring. A voice interaction with a
// recording is fetched and measured, and transcribed when it came without
// turns; everything else is timed from its turns.
type Voice struct {
	Fetch *fetch.Fetcher
	// STT transcribes; nil leaves recordings without turns untranscribed:
	// their transcript items are not_evaluated.
	STT      transcribe.Transcriber
	STTModel string
	// TempDir holds resampled audio while it is transcribed.
	TempDir    string
	MaxPieceMS int64
	// Concurrency bounds the transcription requests of one interaction.
	Concurrency int
	// Metrics, when set, count the audio analysed and transcribed.
	Metrics *Metrics
}

// Prepared is an interaction's timing and where its transcript came from.
type Prepared struct {
	Metrics *schemas.Metrics
	Source  string
	// Audio describes the recording; nil without one.
	Audio *audio.Format
}

// Prepare measures in, and fills in.Turns when it transcribes. Problems
// with the recording itself (refused URI, bad WAV) are Permanent, and
// so are services' refusals; timeouts and outages are not.
func (v *Voice) Prepare(ctx context.Context, in *schemas.Interaction) (*Prepared, error) {
	p := &Prepared{Source: SourceSupplied}
	if in.Channel != schemas.Voice || in.Recording == nil || in.Recording.URI == "" {
		p.Metrics = rules.TurnMetrics(in)
		return p, nil
	}
	if v == nil || v.Fetch == nil {
		return nil, Permanent(fmt.Errorf("recording %s: recordings are not configured (set recordings.root or recordings.allow_hosts)", in.Recording.URI))
	}
	rec, err := v.Fetch.Open(ctx, in.Recording.URI)
	if err != nil {
		if fetch.Permanent(err) {
			return nil, Permanent(err)
		}
		return nil, err
	}
	defer rec.Close()
	a, err := analyse(rec, in.Recording)
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", in.Recording.URI, err)
	}
	p.Audio = &a.Format
	if v.Metrics != nil {
		v.Metrics.AudioMS.Add(a.DurationMS)
	}
	if len(in.Turns) == 0 {
		p.Source = SourceNone
		if v.STT != nil {
			turns, err := v.transcribe(ctx, rec, a, in)
			if err != nil {
				return nil, err
			}
			in.Turns, p.Source = turns, SourceSTT+":"+v.STTModel
		}
	}
	p.Metrics = a.Metrics(in.Turns)
	rules.SetSpeechRates(p.Metrics, in)
	return p, nil
}

// analyse decodes and measures a recording; every problem with it is
// Permanent.
func analyse(r io.ReadSeeker, rec *schemas.Recording) (*audio.Analysis, error) {
	d, err := audio.NewDecoder(r)
	if err == nil {
		var cm audio.ChannelMap
		if cm, err = audio.MapChannels(d.Format().Channels, rec.AgentChannel, rec.CustomerChannel); err == nil {
			var a *audio.Analysis
			if a, err = audio.Analyze(d, cm); err == nil {
				return a, nil
			}
		}
	}
	if audio.IsBad(err) {
		return nil, Permanent(err)
	}
	return nil, err
}

// transcribe sends each side's talk to the STT service and keeps what it
// heard where the side was talking: Whisper-family models invent words in
// long silences, and voice activity knows better.
func (v *Voice) transcribe(ctx context.Context, r io.ReadSeeker, a *audio.Analysis, in *schemas.Interaction) ([]schemas.Turn, error) {
	pieces, err := audio.Split(r, a, v.TempDir, v.MaxPieceMS)
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", in.Recording.URI, err)
	}
	defer pieces.Close()
	parts := make([]transcribe.Part, len(pieces.List))
	for i := range pieces.List {
		pc := &pieces.List[i]
		if v.Metrics != nil {
			v.Metrics.STTMS.Add(pc.Span.Len())
		}
		side := string(pc.Speaker)
		if side == "" {
			side = "mono"
		}
		parts[i] = transcribe.Part{Speaker: pc.Speaker, OffsetMS: pc.Span.StartMS, DurationMS: pc.Span.Len(),
			Name: fmt.Sprintf("%s-%s-%03d.wav", in.ID, side, i), Open: pc.Open}
	}
	turns, err := transcribe.Turns(ctx, v.STT, parts, transcribe.Language(in.Language), max(v.Concurrency, 1))
	if err != nil {
		if transcribe.IsPermanent(err) {
			return nil, Permanent(err)
		}
		return nil, err
	}
	return a.Attribute(turns), nil
}

// ScoreWith readies each interaction with v (nil: interactions with a
// recording are refused) and scores it with the scorecard its language
// selects.
func ScoreWith(router *scorers.Router, v *Voice) ScoreFunc {
	return func(ctx context.Context, in *schemas.Interaction) ([]*schemas.Result, error) {
		runner, err := router.For(in)
		if err != nil {
			return nil, Permanent(err)
		}
		p, err := v.Prepare(ctx, in)
		if err != nil {
			return nil, err
		}
		res := runner.Score(ctx, in, p.Metrics)
		if p.Audio != nil {
			res.TranscriptSource = p.Source
			res.Scorers["audio"] = schemas.ScorerStatus{Status: schemas.ScorerOK}
			if p.Source == SourceNone {
				res.Scorers["stt"] = schemas.ScorerStatus{Status: schemas.ScorerSkipped,
					Reason: "no transcript, and no speech-to-text endpoint is configured (stt.url)"}
			}
		}
		return []*schemas.Result{res}, nil
	}
}

// RedactResults wraps score so that the evidence quotes and summaries of
// its results pass through redact before they are stored or published.
func RedactResults(score ScoreFunc, redact func(string) string) ScoreFunc {
	return func(ctx context.Context, in *schemas.Interaction) ([]*schemas.Result, error) {
		rs, err := score(ctx, in)
		for _, r := range rs {
			r.Summary = redact(r.Summary)
			for i := range r.Findings {
				redactQuotes(r.Findings[i].Evidence, redact)
			}
			for i := range r.Risks {
				redactQuotes(r.Risks[i].Evidence, redact)
			}
		}
		return rs, err
	}
}

func redactQuotes(es []schemas.Evidence, redact func(string) string) {
	for i := range es {
		es[i].Quote = redact(es[i].Quote)
	}
}
