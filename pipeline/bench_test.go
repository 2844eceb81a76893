package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/schemas"
)

// chatSamples returns n chat messages, each with its own interaction id.
func chatSamples(b *testing.B, n int) []kafka.Message {
	var chats []kafka.Message
	for len(chats) < n {
		chats = chats[:0]
		for _, m := range samples(b, 2*n+10) {
			if in, err := schemas.Decode(m.Value); err == nil && in.Channel == schemas.Chat && len(chats) < n {
				chats = append(chats, m)
			}
		}
	}
	return chats
}

// BenchmarkEndToEnd publishes b.N chats, then times a worker taking them
// from the embedded broker through scoring into a DuckDB file.
func BenchmarkEndToEnd(b *testing.B) {
	brokers := startBroker(b)
	st := openStore(b, filepath.Join(b.TempDir(), "bench.duckdb"))
	msgs := chatSamples(b, b.N)
	publish(b, brokers, pipeline.TopicInteractions, msgs)
	cfg := testConfig(brokers)
	cfg.BatchSize = 1000
	cfg.Workers = 0
	b.ResetTimer()
	w := startWorker(b, cfg, scoreFunc(b), st)
	for w.metrics.Scored.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
}

// BenchmarkScoreOnly decodes and scores the same chats with as many
// goroutines as the worker uses.
func BenchmarkScoreOnly(b *testing.B) {
	msgs := chatSamples(b, 500)
	score := scoreFunc(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			in, err := schemas.Decode(msgs[i%len(msgs)].Value)
			if err == nil {
				_, err = score(context.Background(), in)
			}
			if err != nil {
				b.Error(err)
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
}
