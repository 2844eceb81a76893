package pipeline_test

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/schemas"
)

func chatSamples(b *testing.B, n int) []kafka.Message {
	var chats []kafka.Message
	for _, m := range samples(b, 200) {
		if in, err := schemas.Decode(m.Value); err == nil && in.Channel == schemas.Chat {
			chats = append(chats, m)
		}
	}
	out := make([]kafka.Message, n)
	for i := range out {
		out[i] = chats[i%len(chats)]
		out[i].Key = []byte(string(out[i].Key) + "-" + string(rune('a'+i%26)) + itoa(i))
	}
	return out
}

func itoa(i int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

// BenchmarkEndToEnd publishes b.N chats, then times a worker taking them
// from the embedded broker through scoring into DuckDB.
func BenchmarkEndToEnd(b *testing.B) {
	brokers := startBroker(b)
	st := openStore(b, "")
	msgs := chatSamples(b, b.N)
	publish(b, brokers, pipeline.TopicInteractions, msgs)
	cfg := testConfig(brokers)
	cfg.BatchSize = 1000
	cfg.Workers = 0
	b.ResetTimer()
	w := startWorker(b, cfg, scoreFunc(b), st)
	for w.metrics.Scored.Load() < int64(b.N) {
		runtimeGosched()
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

func runtimeGosched() { time.Sleep(time.Millisecond) }
