package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/schemas"
)

// runBench measures the pipeline on this machine: scoring alone, then the
// same interactions end to end through the embedded broker into DuckDB.
// With --publish it only publishes a synthetic backlog to --brokers.
func runBench(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	n := fs.Int("n", 20000, "interactions per measurement")
	channel := fs.String("channel", "chat", "sample channel to use: chat, voice, email or all")
	dir := fs.String("data", "testdata/interactions", "folder of sample interactions")
	publishOnly := fs.Int("publish", 0, "only publish this many interactions to --brokers, then exit")
	brokers := fs.String("brokers", "127.0.0.1:9092", "brokers for --publish")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int { fmt.Fprintf(e.stderr, "zhijian bench: %v\n", err); return 1 }
	base, err := benchSamples(*dir, *channel)
	if err != nil {
		return fail(err)
	}
	if *publishOnly > 0 {
		start := time.Now()
		if err := publishSynthetic(ctx, strings.Split(*brokers, ","), pipeline.TopicInteractions, base, *publishOnly); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "published %d interactions in %v\n", *publishOnly, time.Since(start).Round(time.Millisecond))
		return 0
	}

	router, _, err := newRouterOf(nil, nil)
	if err != nil {
		return fail(err)
	}
	score := pipeline.ScoreWith(router, nil)
	workers := runtime.GOMAXPROCS(0)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < *n; i += workers {
				// Decoding is part of the cost the pipeline pays too.
				in, err := schemas.Decode(base[i%len(base)])
				if err == nil {
					_, err = score(ctx, in)
				}
				if err != nil {
					fmt.Fprintln(e.stderr, err)
				}
			}
		})
	}
	wg.Wait()
	scoreRate := float64(*n) / time.Since(start).Seconds()
	fmt.Fprintf(e.stdout, "score only:  %d %s interactions, %d goroutines: %.0f/s\n", *n, *channel, workers, scoreRate)

	tmp, err := os.MkdirTemp("", "zhijian-bench-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)
	cfg := defaultConfig()
	cfg.Kafka.Embedded.Addr = "127.0.0.1:0"
	cfg.HTTP.Addr = ""
	cfg.Store.URL = "duckdb:" + filepath.Join(tmp, "bench.duckdb")
	cfg.Workers.BatchSize = 1000
	cfg.Workers.BatchWait = duration(100 * time.Millisecond)
	s, err := startStack(ctx, cfg, e.log, nil)
	if err != nil {
		return fail(err)
	}
	defer s.close()
	if err := publishSynthetic(ctx, s.brokers, cfg.Kafka.Topic, base, *n); err != nil {
		return fail(err)
	}
	workCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	joined := time.Now()
	go func() { done <- s.worker.Run(workCtx) }()
	// Throughput is timed from the first message: joining the consumer
	// group happens once per worker, not per message.
	for s.metrics.Consumed.Load() == 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	start = time.Now()
	for s.metrics.Scored.Load()+s.metrics.Failed.Load() < int64(*n) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	fmt.Fprintf(e.stdout, "group join:  %v before the first message\n", start.Sub(joined).Round(time.Millisecond))
	stop()
	if err := <-done; err != nil {
		return fail(err)
	}
	e2eRate := float64(*n) / elapsed.Seconds()
	fmt.Fprintf(e.stdout, "end to end:  %d %s interactions, embedded Kafka -> score -> DuckDB: %.0f/s (%.0f%% of score only)\n",
		*n, *channel, e2eRate, 100*e2eRate/scoreRate)
	return 0
}

// benchSamples returns the raw sample interactions of a channel.
func benchSamples(dir, channel string) ([][]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no sample interactions in %s (run it from the repository root, or pass --data)", dir)
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		in, err := schemas.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if channel == "all" || string(in.Channel) == channel {
			out = append(out, data)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s interactions in %s", channel, dir)
	}
	return out, nil
}

// publishSynthetic publishes n interactions made from base, each with its
// own id.
func publishSynthetic(ctx context.Context, brokers []string, topic string, base [][]byte, n int) error {
	w := pipeline.NewWriter(brokers, topic)
	defer w.Close()
	const batch = 2000
	msgs := make([]kafka.Message, 0, batch)
	for i := range n {
		var m map[string]any
		if err := json.Unmarshal(base[i%len(base)], &m); err != nil {
			return err
		}
		id := fmt.Sprintf("%v-b%d", m["id"], i)
		m["id"] = id
		v, err := json.Marshal(m)
		if err != nil {
			return err
		}
		msgs = append(msgs, kafka.Message{Key: []byte(id), Value: v})
		if len(msgs) == batch || i == n-1 {
			if err := w.WriteMessages(ctx, msgs...); err != nil {
				return fmt.Errorf("publish: %w", err)
			}
			msgs = msgs[:0]
		}
	}
	return nil
}
