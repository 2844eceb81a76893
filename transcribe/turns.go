package transcribe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/zhijian-qa/zhijian/schemas"
)

// Part is a span of one speaker's audio in a call.
type Part struct {
	Speaker schemas.Speaker
	// OffsetMS is where the part starts in the call.
	OffsetMS int64
	// DurationMS is the part's length; segments are clamped to it. 0 means
	// unknown.
	DurationMS int64
	// Name is the part's file name, sent to the service and used in errors.
	Name string
	// Open returns a fresh reader of a complete WAV on each call, so a
	// part can be opened again when the caller retries.
	Open func() (io.ReadCloser, error)
}

// Turns transcribes parts with t, at most concurrency (at least 1) at
// once, and merges their segments into turns: each segment is shifted by
// its part's OffsetMS, empty and whitespace-only ones are dropped, and the
// turns are ordered by start, then end, then part order (then segment
// order). A segment with an unknown end ends with its part, when the
// part's duration is known. language is an interaction language tag or an
// ISO-639-1 hint; Turns maps it with Language.
//
// A part that fails fails the call, with an error naming the part; the
// parts still in flight are cancelled and waited for.
func Turns(ctx context.Context, t Transcriber, parts []Part, language string, concurrency int) ([]schemas.Turn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	language = Language(language)

	var (
		results = make([][]Segment, len(parts))
		sem     = make(chan struct{}, max(concurrency, 1))
		wg      sync.WaitGroup
		mu      sync.Mutex
		first   error // the first failure; later ones follow from cancel
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
			cancel()
		}
	}
	for i, p := range parts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			fail(ctx.Err())
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			segs, err := transcribePart(ctx, t, p, language)
			if err != nil {
				fail(fmt.Errorf("part %d %s (%s at %dms): %w", i, p.Name, p.Speaker, p.OffsetMS, err))
				return
			}
			results[i] = segs
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return merge(parts, results), nil
}

func transcribePart(ctx context.Context, t Transcriber, p Part, language string) ([]Segment, error) {
	if p.Open == nil {
		return nil, permanentError{errors.New("part has no Open")}
	}
	rc, err := p.Open()
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	defer rc.Close()
	return t.Transcribe(ctx, Request{Audio: rc, Name: p.Name, Language: language})
}

// merge turns each part's segments into turns on the call's timeline.
func merge(parts []Part, results [][]Segment) []schemas.Turn {
	type placed struct {
		turn schemas.Turn
		part int
	}
	var all []placed
	for i, segs := range results {
		p := parts[i]
		for _, s := range segs {
			text := strings.TrimSpace(s.Text)
			if text == "" {
				continue
			}
			start, end := max(s.StartMS, 0), s.EndMS
			if end <= 0 { // unknown: the segment ends with its part
				end = p.DurationMS
			}
			if p.DurationMS > 0 {
				start, end = min(start, p.DurationMS), min(end, p.DurationMS)
			}
			turn := schemas.Turn{Speaker: p.Speaker, Text: text, StartMS: p.OffsetMS + start, Confidence: s.Confidence}
			if end > 0 {
				turn.EndMS = p.OffsetMS + max(end, start)
			}
			all = append(all, placed{turn, i})
		}
	}
	slices.SortStableFunc(all, func(a, b placed) int {
		return cmp.Or(
			cmp.Compare(a.turn.StartMS, b.turn.StartMS),
			cmp.Compare(a.turn.EndMS, b.turn.EndMS),
			cmp.Compare(a.part, b.part),
		)
	})
	turns := make([]schemas.Turn, len(all))
	for i, p := range all {
		turns[i] = p.turn
	}
	return turns
}
