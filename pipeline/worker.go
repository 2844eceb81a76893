package pipeline

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// ScoreFunc scores one interaction against every scorecard that applies.
// An error wrapped with Permanent sends the message to the dead-letter
// topic at once; other errors are retried a few times first.
type ScoreFunc func(ctx context.Context, in *schemas.Interaction) ([]*schemas.Result, error)

// Config is the worker's part of the configuration.
type Config struct {
	Brokers      []string
	Topic        string
	DLQTopic     string
	ResultsTopic string // empty: results are not published
	Group        string
	// Workers score concurrently; Queue bounds the messages waiting for them.
	Workers int
	Queue   int
	// A batch is written when it holds BatchSize outcomes or BatchWait has
	// passed since its first one.
	BatchSize int
	BatchWait time.Duration
	// Store writes and Kafka writes are retried with exponential backoff
	// between RetryMin and RetryMax until they succeed or shutdown ends.
	RetryMin, RetryMax time.Duration
	// ScoreAttempts bounds attempts at a message whose scoring fails with
	// a retryable error before it is dead-lettered.
	ScoreAttempts int
	// ShutdownTimeout bounds draining, flushing and committing on shutdown.
	ShutdownTimeout time.Duration
	// SessionTimeout is how long the group waits for a silent member (one
	// that crashed) before giving its partitions to the others.
	SessionTimeout time.Duration
	// RedactTurns, when set, rewrites the text of the turns kept with an
	// outcome (the transcript the console shows); scoring sees them whole.
	RedactTurns func(string) string
}

// Defaults fills zero fields.
func (c *Config) Defaults() {
	if c.Topic == "" {
		c.Topic = TopicInteractions
	}
	if c.DLQTopic == "" {
		c.DLQTopic = TopicDLQ
	}
	if c.Group == "" {
		c.Group = "zhijian-workers"
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Queue <= 0 {
		c.Queue = 4 * c.Workers
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.BatchWait <= 0 {
		c.BatchWait = 200 * time.Millisecond
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 100 * time.Millisecond
	}
	if c.RetryMax < c.RetryMin {
		c.RetryMax = max(10*time.Second, c.RetryMin)
	}
	if c.ScoreAttempts <= 0 {
		c.ScoreAttempts = 3
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.SessionTimeout <= 0 {
		c.SessionTimeout = 15 * time.Second
	}
}

// Worker consumes interactions, scores them and stores the outcomes.
type Worker struct {
	cfg     Config
	score   ScoreFunc
	store   store.Store
	log     *zap.Logger
	metrics *Metrics
	health  *Health

	reader  *kafka.Reader
	dlq     *kafka.Writer
	results *kafka.Writer
	offsets *tracker
}

// NewWorker returns a worker; Run starts it.
func NewWorker(cfg Config, score ScoreFunc, st store.Store, log *zap.Logger, m *Metrics, h *Health) *Worker {
	cfg.Defaults()
	return &Worker{cfg: cfg, score: score, store: st, log: log, metrics: m, health: h, offsets: newTracker()}
}

// item is a fetched message on its way to the store.
type item struct {
	msg     kafka.Message
	outcome *store.Outcome // nil when the message names no interaction
	dlq     string         // reason, when the message goes to the DLQ
}

// Run consumes until ctx is cancelled, then stops fetching, drains the
// messages in flight, writes and commits them, and returns. It returns an
// error when it cannot start or cannot finish within ShutdownTimeout.
func (w *Worker) Run(ctx context.Context) error {
	if len(w.cfg.Brokers) == 0 {
		return errors.New("worker: no Kafka brokers")
	}
	w.reader = kafka.NewReader(kafka.ReaderConfig{
		Brokers:        w.cfg.Brokers,
		GroupID:        w.cfg.Group,
		Topic:          w.cfg.Topic,
		MinBytes:       1,
		MaxBytes:       4 << 20,
		MaxWait:        250 * time.Millisecond,
		QueueCapacity:  max(100, w.cfg.BatchSize),
		CommitInterval: 0, // CommitMessages is synchronous
		StartOffset:    kafka.FirstOffset,
		SessionTimeout: w.cfg.SessionTimeout,
		// Heartbeats a few times per session, as Kafka advises.
		HeartbeatInterval: max(w.cfg.SessionTimeout/5, 100*time.Millisecond),
		ErrorLogger:       kafka.LoggerFunc(w.log.Sugar().Debugf),
	})
	w.dlq = NewWriter(w.cfg.Brokers, w.cfg.DLQTopic)
	if w.cfg.ResultsTopic != "" {
		w.results = NewWriter(w.cfg.Brokers, w.cfg.ResultsTopic)
	}

	// Work outlives ctx: on shutdown it drains until the deadline.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopTimer := context.AfterFunc(ctx, func() {
		w.health.SetReady(false, "shutting down")
		time.AfterFunc(w.cfg.ShutdownTimeout, cancelWork)
	})
	defer stopTimer()

	jobs := make(chan kafka.Message, w.cfg.Queue)
	done := make(chan item, w.cfg.Queue)
	workersDone := make(chan struct{})
	go w.fetch(ctx, jobs)
	go func() {
		defer close(workersDone)
		w.scoreAll(work, jobs, done)
	}()
	go func() { <-workersDone; close(done) }()

	w.health.SetReady(true, "")
	w.log.Info("worker started", zap.Strings("brokers", w.cfg.Brokers), zap.String("topic", w.cfg.Topic),
		zap.String("group", w.cfg.Group), zap.Int("workers", w.cfg.Workers))
	err := w.batchAll(work, done)

	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, c := range []interface{ Close() error }{w.reader, w.dlq, w.results} {
		if c == nil || c == (*kafka.Writer)(nil) {
			continue
		}
		if cerr := c.Close(); cerr != nil {
			errs = append(errs, cerr)
		}
	}
	w.log.Info("worker stopped", zap.Int("uncommitted", w.offsets.pending()))
	return errors.Join(errs...)
}

// fetch reads messages until ctx ends. It blocks while the queue is full,
// which is how a slow or failing store stops fetching.
func (w *Worker) fetch(ctx context.Context, jobs chan<- kafka.Message) {
	defer close(jobs)
	backoff := w.cfg.RetryMin
	lag := map[int]int64{}
	for {
		m, err := w.reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			w.log.Warn("fetch failed; retrying", zap.Error(err), zap.Duration("backoff", backoff))
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, w.cfg.RetryMax)
			continue
		}
		backoff = w.cfg.RetryMin
		w.offsets.add(m.Partition, m.Offset)
		w.metrics.Consumed.Add(1)
		w.metrics.InFlight.Add(1)
		behind := max(m.HighWaterMark-m.Offset-1, 0)
		w.metrics.Lag.Add(behind - lag[m.Partition])
		lag[m.Partition] = behind
		select {
		case jobs <- m:
		case <-ctx.Done():
			return // not queued, never marked done: it stays uncommitted
		}
	}
}

// sleep waits for d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Permanent marks an error that retrying cannot fix.
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// IsPermanent reports whether err, or an error it wraps, was marked
// Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// NewWriter returns a producer for topic that balances by key and waits
// for every in-sync replica, as the ingest command and the worker's
// dead-letter and results topics need.
func NewWriter(brokers []string, topic string) *kafka.Writer {
	return &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchSize:    1000,
		BatchTimeout: 5 * time.Millisecond,
		MaxAttempts:  3,
	}
}
