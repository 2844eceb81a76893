package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/rules/packs"
	"github.com/zhijian-qa/zhijian/scorers"
	"github.com/zhijian-qa/zhijian/scorers/rule"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/clickhouse"
	"github.com/zhijian-qa/zhijian/store/duckdb"
)

const group = "zhijian-test"

func startBroker(t testing.TB) []string {
	t.Helper()
	b, err := pipeline.StartBroker(pipeline.BrokerConfig{Addr: "127.0.0.1:0", Partitions: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b.Addrs()
}

func openStore(t testing.TB, path string) store.Store {
	t.Helper()
	st, err := duckdb.Open(path)
	if err == nil {
		err = st.Migrate(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openClickHouse opens a database of its own on the server
// scripts/clickhouse-test started. Without one the test is skipped, unless
// CI=true, where it must run.
func openClickHouse(t *testing.T) store.Store {
	t.Helper()
	u := os.Getenv("ZHIJIAN_CLICKHOUSE_URL")
	if u == "" {
		msg := "ZHIJIAN_CLICKHOUSE_URL is not set: run with scripts/clickhouse-test go test ./pipeline"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	u = strings.TrimSuffix(u[:strings.LastIndex(u, "/")], "/") + fmt.Sprintf("/pipeline_%d_%d", os.Getpid(), time.Now().UnixNano())
	ctx := context.Background()
	st, err := clickhouse.Open(ctx, u)
	if err == nil {
		err = st.Migrate(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openStoreNoCleanup(path string) store.Store {
	st, err := duckdb.Open(path)
	if err == nil {
		err = st.Migrate(context.Background())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return st
}

// scoreFunc scores with the shipped packs, as `zhijian run` does.
func scoreFunc(t testing.TB) pipeline.ScoreFunc {
	t.Helper()
	f, err := newScoreFunc(nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newScoreFunc(v *pipeline.Voice) (pipeline.ScoreFunc, error) {
	progs, err := packs.All()
	if err != nil {
		return nil, err
	}
	var runners []*scorers.Runner
	for _, p := range progs {
		var reg scorers.Registry
		if err := reg.Register(rule.Name, rule.New(p)); err != nil {
			return nil, err
		}
		runners = append(runners, scorers.NewRunner(scorers.CardOf(p.Pack), &reg, "test"))
	}
	return pipeline.ScoreWith(scorers.NewRouter(runners...), v), nil
}

// samples returns n interaction messages made from the sample files, each
// with its own id.
func samples(t testing.TB, n int) []kafka.Message {
	t.Helper()
	files, err := filepath.Glob("../testdata/interactions/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample interactions: %v", err)
	}
	var raw []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		raw = append(raw, m)
	}
	ids := make([]any, len(raw))
	for i, m := range raw {
		ids[i] = m["id"]
	}
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		m := raw[i%len(raw)]
		id := fmt.Sprintf("%s-%d", ids[i%len(raw)], i)
		m["id"] = id
		v, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		msgs[i] = kafka.Message{Key: []byte(id), Value: v}
	}
	return msgs
}

func publish(t testing.TB, brokers []string, topic string, msgs []kafka.Message) {
	t.Helper()
	w := pipeline.NewWriter(brokers, topic)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
}

func testConfig(brokers []string) pipeline.Config {
	return pipeline.Config{Brokers: brokers, Group: group, Workers: 2, BatchSize: 100,
		BatchWait: 20 * time.Millisecond, RetryMin: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond,
		ShutdownTimeout: 20 * time.Second, SessionTimeout: 6 * time.Second}
}

// running is a worker started in the background.
type running struct {
	metrics *pipeline.Metrics
	health  *pipeline.Health
	stop    context.CancelFunc
	done    chan error
}

func startWorker(t testing.TB, cfg pipeline.Config, score pipeline.ScoreFunc, st store.Store) *running {
	t.Helper()
	r := &running{metrics: pipeline.NewMetrics(), health: &pipeline.Health{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	log := zap.NewNop()
	if tt, ok := t.(*testing.T); ok && testing.Verbose() {
		log = zaptest.NewLogger(tt)
	}
	w := pipeline.NewWorker(cfg, score, st, log, r.metrics, r.health)
	go func() { r.done <- w.Run(ctx) }()
	t.Cleanup(func() { r.shutdown(t) })
	return r
}

// shutdown stops the worker and waits for it; it may be called twice.
func (r *running) shutdown(t testing.TB) {
	t.Helper()
	r.stop()
	if r.done == nil {
		return
	}
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("worker: %v", err)
		}
	case <-time.After(time.Minute):
		t.Error("worker did not stop within a minute")
	}
	r.done = nil
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// committed returns the group's committed offsets (next offset to read)
// summed over the topic's partitions, and the partitions' end offsets summed.
func committed(t testing.TB, brokers []string, topic string) (committed, end int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := &kafka.Client{Addr: kafka.TCP(brokers...)}
	parts := []int{0, 1, 2}
	of, err := c.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range of.Topics[topic] {
		if p.CommittedOffset > 0 {
			committed += p.CommittedOffset
		}
	}
	req := map[string][]kafka.OffsetRequest{}
	for _, p := range parts {
		req[topic] = append(req[topic], kafka.LastOffsetOf(p))
	}
	lo, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: req})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lo.Topics[topic] {
		end += p.LastOffset
	}
	return committed, end
}

func summary(t testing.TB, st store.Store) store.Summary {
	t.Helper()
	s, err := st.Summary(context.Background(), store.Filter{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t testing.TB, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
