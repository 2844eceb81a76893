package pipeline

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// scoreAll runs cfg.Workers scorers over jobs until it is closed.
func (w *Worker) scoreAll(ctx context.Context, jobs <-chan kafka.Message, done chan<- item) {
	var wg sync.WaitGroup
	for range w.cfg.Workers {
		wg.Go(func() {
			for m := range jobs {
				done <- w.process(ctx, m)
			}
		})
	}
	wg.Wait()
}

// process decodes and scores one message. It never fails: what cannot be
// scored becomes a failed outcome (when the message names an interaction)
// and a dead letter.
func (w *Worker) process(ctx context.Context, m kafka.Message) item {
	received := m.Time
	if received.IsZero() {
		received = time.Now()
	}
	it := item{msg: m}
	in, err := schemas.Decode(m.Value)
	if err != nil {
		it.dlq = "invalid interaction: " + err.Error()
		if re, ok := err.(*schemas.RecordError); ok && re.ID != "" && re.Tenant != "" {
			it.outcome = &store.Outcome{Tenant: re.Tenant, InteractionID: re.ID, Day: store.DayOf(received),
				Status: store.Failed, Reason: "invalid interaction", ReceivedAt: received}
		}
		return it
	}
	var results []*schemas.Result
	for attempt := 1; ; attempt++ {
		results, err = w.safeScore(ctx, in)
		if err == nil || IsPermanent(err) || attempt >= w.cfg.ScoreAttempts || ctx.Err() != nil {
			break
		}
		w.log.Warn("scoring failed; retrying", zap.String("id", in.ID), zap.Int("attempt", attempt), zap.Error(err))
		sleep(ctx, w.cfg.RetryMin<<(attempt-1))
	}
	o := &store.Outcome{Tenant: in.Tenant, InteractionID: in.ID, Day: store.DayOf(in.StartedAt), ReceivedAt: received,
		Turns: w.keptTurns(in.Turns)}
	it.outcome = o
	if err != nil {
		o.Status, o.Reason = store.Failed, "not scored: "+err.Error()
		it.dlq = o.Reason
		return it
	}
	o.Results = results
	o.Status = store.Failed
	for _, r := range results {
		// The best-covered result speaks for the interaction.
		switch s := store.StatusOf(r); {
		case s == store.Full, s == store.Partial && o.Status == store.Failed:
			o.Status = s
		}
	}
	if o.Status == store.Failed {
		o.Reason = "no scorecard item could be evaluated"
	}
	return it
}

// keptTurns returns the turns an outcome keeps: redacted when configured.
func (w *Worker) keptTurns(turns []schemas.Turn) []schemas.Turn {
	if w.cfg.RedactTurns == nil || len(turns) == 0 {
		return turns
	}
	out := make([]schemas.Turn, len(turns))
	for i, t := range turns {
		t.Text = w.cfg.RedactTurns(t.Text)
		out[i] = t
	}
	return out
}

func (w *Worker) safeScore(ctx context.Context, in *schemas.Interaction) (rs []*schemas.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = Permanent(fmt.Errorf("scoring panicked: %v", p))
		}
	}()
	return w.score(ctx, in)
}
