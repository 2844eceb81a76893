package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/store"
)

// batchAll collects processed messages into batches and hands each to a
// flusher, so that the next batch fills while one is written. Flushing a
// batch writes the store, then dead letters and results, then commits.
// It returns when done is closed and the last batch is flushed.
func (w *Worker) batchAll(ctx context.Context, done <-chan item) error {
	full := make(chan []item, 1) // at most one batch waits for the flusher
	flushed := make(chan error, 1)
	go func() {
		var err error
		for b := range full {
			if err == nil {
				err = w.flush(ctx, b)
			} // after a failure batches are dropped: they stay uncommitted
		}
		flushed <- err
	}()
	batch := make([]item, 0, w.cfg.BatchSize)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case it, ok := <-done:
			if !ok {
				if len(batch) > 0 {
					full <- batch
				}
				close(full)
				return <-flushed
			}
			if len(batch) == 0 {
				timer.Reset(w.cfg.BatchWait)
			}
			batch = append(batch, it)
			if len(batch) < w.cfg.BatchSize {
				continue
			}
		case <-timer.C:
		}
		timer.Stop()
		full <- batch
		batch = make([]item, 0, w.cfg.BatchSize)
	}
}

// flush makes a batch durable and commits what it can. It retries until it
// succeeds or ctx ends; while it retries nothing is fetched, because the
// queues in front of it fill up.
func (w *Worker) flush(ctx context.Context, batch []item) error {
	if len(batch) == 0 {
		return nil
	}
	if err := w.write(ctx, batch); err != nil {
		return err
	}
	var letters, published []kafka.Message
	for _, it := range batch {
		if it.dlq != "" {
			letters = append(letters, deadLetter(it.msg, it.dlq))
		}
		if w.results == nil || it.outcome == nil {
			continue
		}
		for _, r := range it.outcome.Results {
			b, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encode result of %s: %w", r.InteractionID, err)
			}
			published = append(published, kafka.Message{Key: []byte(r.InteractionID), Value: b})
		}
	}
	if len(letters) > 0 {
		if err := w.retry(ctx, "dead-letter write", func() error { return w.dlq.WriteMessages(ctx, letters...) }); err != nil {
			return err
		}
		w.metrics.DeadLetters.Add(int64(len(letters)))
	}
	if len(published) > 0 {
		if err := w.retry(ctx, "results write", func() error { return w.results.WriteMessages(ctx, published...) }); err != nil {
			return err
		}
	}

	for _, it := range batch {
		w.offsets.markDone(it.msg.Partition, it.msg.Offset)
		if it.dlq == "" {
			w.metrics.Scored.Add(1)
		} else {
			w.metrics.Failed.Add(1)
		}
	}
	w.metrics.InFlight.Add(-int64(len(batch)))
	w.commit(ctx, batch[0].msg.Topic)
	return nil
}

// write stores the batch's outcomes, retrying while the store fails. When
// the store rejects the batch as invalid, the outcomes are written one by
// one, and each one rejected is dead-lettered with the store's reason and
// kept as a failed outcome, so it still counts as received.
func (w *Worker) write(ctx context.Context, batch []item) error {
	outcomes := make([]store.Outcome, 0, len(batch))
	for _, it := range batch {
		if it.outcome != nil {
			outcomes = append(outcomes, *it.outcome)
		}
	}
	start := time.Now()
	err := w.storeWrite(ctx, outcomes)
	if errors.Is(err, store.ErrInvalid) {
		w.log.Warn("store rejected a batch; writing it one by one", zap.Error(err))
		for i := range batch {
			it := &batch[i]
			if it.outcome == nil {
				continue
			}
			err := w.storeWrite(ctx, []store.Outcome{*it.outcome})
			if !errors.Is(err, store.ErrInvalid) {
				if err != nil {
					return err
				}
				continue
			}
			it.dlq = "rejected by the store: " + err.Error()
			o := *it.outcome
			o.Status, o.Reason, o.Results = store.Failed, it.dlq, nil
			if err := w.storeWrite(ctx, []store.Outcome{o}); err != nil && !errors.Is(err, store.ErrInvalid) {
				return err
			}
		}
		err = nil
	}
	if err != nil {
		return err
	}
	w.metrics.BatchSize.observe(float64(len(outcomes)))
	w.metrics.BatchSeconds.observe(time.Since(start).Seconds())
	return nil
}

// storeWrite writes outcomes, retrying every error but ErrInvalid.
func (w *Worker) storeWrite(ctx context.Context, outcomes []store.Outcome) error {
	var invalid error
	err := w.retry(ctx, "store write", func() error {
		err := w.store.Write(ctx, outcomes)
		switch {
		case errors.Is(err, store.ErrInvalid):
			invalid = err
			return nil
		case err != nil:
			w.metrics.StoreErrors.Add(1)
			w.health.SetReady(false, "store unavailable: "+err.Error())
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.health.SetReady(true, "")
	return invalid
}

// commit commits every partition's advanced watermark. A failed commit is
// logged and retried with the next batch: the messages are stored, so at
// worst they are re-delivered and written again, which the store ignores.
func (w *Worker) commit(ctx context.Context, topic string) {
	marks := w.offsets.advanced()
	if len(marks) == 0 {
		return
	}
	msgs := make([]kafka.Message, 0, len(marks))
	for p, off := range marks {
		msgs = append(msgs, kafka.Message{Topic: topic, Partition: p, Offset: off})
	}
	if err := w.reader.CommitMessages(ctx, msgs...); err != nil {
		w.log.Warn("offset commit failed; retrying with the next batch", zap.Error(err))
		for p, off := range marks {
			w.offsets.uncommit(p, off)
		}
		return
	}
	w.metrics.Commits.Add(1)
}

// retry runs op with exponential backoff until it succeeds or ctx ends.
func (w *Worker) retry(ctx context.Context, what string, op func() error) error {
	backoff := w.cfg.RetryMin
	for {
		err := op()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (gave up at shutdown)", what, err)
		}
		w.log.Warn(what+" failed; retrying", zap.Error(err), zap.Duration("backoff", backoff))
		if !sleep(ctx, backoff) {
			return fmt.Errorf("%s: %w (gave up at shutdown)", what, err)
		}
		backoff = min(2*backoff, w.cfg.RetryMax)
	}
}

// Dead-letter headers.
const (
	HeaderReason    = "zhijian-reason"
	HeaderTopic     = "zhijian-source-topic"
	HeaderPartition = "zhijian-source-partition"
	HeaderOffset    = "zhijian-source-offset"
	HeaderFailedAt  = "zhijian-failed-at"
)

// deadLetter carries the original key and payload, and the reason in headers.
func deadLetter(m kafka.Message, reason string) kafka.Message {
	const maxReason = 4 << 10
	if len(reason) > maxReason {
		cut := maxReason
		for cut > 0 && !utf8.RuneStart(reason[cut]) {
			cut--
		}
		reason = reason[:cut] + "…"
	}
	return kafka.Message{Key: m.Key, Value: m.Value, Headers: []kafka.Header{
		{Key: HeaderReason, Value: []byte(reason)},
		{Key: HeaderTopic, Value: []byte(m.Topic)},
		{Key: HeaderPartition, Value: []byte(strconv.Itoa(m.Partition))},
		{Key: HeaderOffset, Value: []byte(strconv.FormatInt(m.Offset, 10))},
		{Key: HeaderFailedAt, Value: []byte(time.Now().UTC().Format(time.RFC3339Nano))},
	}}
}
