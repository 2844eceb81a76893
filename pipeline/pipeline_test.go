package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

func TestEndToEndThroughTheEmbeddedBroker(t *testing.T) {
	t.Run("duckdb", func(t *testing.T) { endToEnd(t, openStore(t, "")) })
	t.Run("clickhouse", func(t *testing.T) { endToEnd(t, openClickHouse(t)) })
}

func endToEnd(t *testing.T, st store.Store) {
	brokers := startBroker(t)
	const n = 300
	publish(t, brokers, pipeline.TopicInteractions, samples(t, n))
	w := startWorker(t, testConfig(brokers), scoreFunc(t), st)
	waitFor(t, "every interaction stored", func() bool { return w.metrics.Scored.Load() == n })
	waitFor(t, "offsets committed to the end", func() bool { c, e := committed(t, brokers, pipeline.TopicInteractions); return c == e })
	w.shutdown(t)

	s := summary(t, st)
	if s.Received != n || s.Full+s.Partial != n || s.Results != n {
		t.Fatalf("store holds received %d, scored %d+%d, results %d; want %d of each", s.Received, s.Full, s.Partial, s.Results, n)
	}
	cov, err := st.Coverage(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var received, scored int64
	for _, c := range cov {
		received += c.Received
		scored += c.Full + c.Partial
	}
	if received != n || scored != n {
		t.Fatalf("coverage %d/%d, want %d/%d", scored, received, n, n)
	}
	if got := w.metrics.DeadLetters.Load(); got != 0 {
		t.Fatalf("%d dead letters from valid samples", got)
	}
}

func TestPoisonMessagesGoToTheDeadLetterTopic(t *testing.T) {
	brokers := startBroker(t)
	st := openStore(t, "")
	good := samples(t, 6)
	// One key, so all share a partition: the bad ones must not block it.
	key := []byte("same-partition")
	msgs := []kafka.Message{
		{Key: key, Value: good[0].Value},
		{Key: key, Value: []byte(`{"schema": "zhijian.interaction.v1", "id": `)},
		{Key: key, Value: []byte(`{"schema":"zhijian.interaction.v1","id":"bad-turns","tenant":"acme-express","channel":"chat","started_at":"2026-11-01T09:30:00+08:00","turns":[{"speaker":"robot","text":"hi","start_ms":0}]}`)},
		{Key: key, Value: []byte(`{"schema":"zhijian.interaction.v1","id":"klingon","tenant":"acme-express","channel":"chat","language":"tlh","started_at":"2026-11-01T09:30:00+08:00","turns":[{"speaker":"customer","text":"nuqneH","start_ms":0}]}`)},
		{Key: key, Value: []byte{0xff, 0xfe}},
	}
	for _, g := range good[1:] {
		msgs = append(msgs, kafka.Message{Key: key, Value: g.Value})
	}
	publish(t, brokers, pipeline.TopicInteractions, msgs)
	w := startWorker(t, testConfig(brokers), scoreFunc(t), st)
	waitFor(t, "every message handled", func() bool { return w.metrics.Scored.Load()+w.metrics.Failed.Load() == int64(len(msgs)) })
	waitFor(t, "offsets committed past the poison", func() bool { c, e := committed(t, brokers, pipeline.TopicInteractions); return c == e })
	w.shutdown(t)

	letters := readAll(t, brokers, pipeline.TopicDLQ, 4)
	want := map[string]string{
		string(msgs[1].Value): "malformed JSON",
		string(msgs[2].Value): "turns[0].speaker",
		string(msgs[3].Value): `no scorecard for language "tlh"`,
		string(msgs[4].Value): "invalid UTF-8",
	}
	for _, m := range letters {
		reason := header(m, pipeline.HeaderReason)
		frag, ok := want[string(m.Value)]
		if !ok {
			t.Errorf("unexpected dead letter %q (%s)", m.Value, reason)
			continue
		}
		if !strings.Contains(reason, frag) {
			t.Errorf("dead letter %q: reason %q does not mention %q", m.Value, reason, frag)
		}
		if header(m, pipeline.HeaderTopic) != pipeline.TopicInteractions || header(m, pipeline.HeaderOffset) == "" {
			t.Errorf("dead letter %q lacks its source: %v", m.Value, m.Headers)
		}
		delete(want, string(m.Value))
	}
	if len(want) > 0 {
		t.Errorf("not dead-lettered: %v", want)
	}
	// The two with a readable id and tenant count as received and failed.
	s := summary(t, st)
	if s.Received != int64(len(good))+2 || s.Failed != 2 || s.Full+s.Partial != int64(len(good)) {
		t.Fatalf("received %d, failed %d, scored %d; want %d, 2, %d", s.Received, s.Failed, s.Full+s.Partial, len(good)+2, len(good))
	}
}

// flaky fails every write while down is set.
type flaky struct {
	store.Store
	down   atomic.Bool
	writes atomic.Int64
}

func (f *flaky) Write(ctx context.Context, batch []store.Outcome) error {
	if f.down.Load() {
		f.writes.Add(1)
		return errors.New("connection refused")
	}
	return f.Store.Write(ctx, batch)
}

func TestStoreOutageCommitsNothingAndLosesNothing(t *testing.T) {
	brokers := startBroker(t)
	st := &flaky{Store: openStore(t, "")}
	st.down.Store(true)
	const n = 1000
	publish(t, brokers, pipeline.TopicInteractions, samples(t, n))
	cfg := testConfig(brokers)
	cfg.Queue = 8
	w := startWorker(t, cfg, scoreFunc(t), st)
	waitFor(t, "retries against the failing store", func() bool { return st.writes.Load() >= 5 })

	if c, _ := committed(t, brokers, pipeline.TopicInteractions); c != 0 {
		t.Fatalf("committed %d offsets while the store was down", c)
	}
	if ok, why := w.health.Ready(); ok || !strings.Contains(why, "connection refused") {
		t.Fatalf("ready = %v (%q) while the store is down", ok, why)
	}
	srv := httptest.NewServer(pipeline.Handler(w.metrics, w.health))
	defer srv.Close()
	if code := get(t, srv.URL+"/readyz"); code != 503 {
		t.Fatalf("/readyz = %d while the store is down", code)
	}
	// Backpressure: fetching stops once the bounded queues are full.
	consumed := w.metrics.Consumed.Load()
	time.Sleep(300 * time.Millisecond)
	if again := w.metrics.Consumed.Load(); again != consumed || again >= n {
		t.Fatalf("fetched %d then %d of %d messages while the store was down", consumed, again, n)
	}

	st.down.Store(false)
	waitFor(t, "recovery", func() bool { return w.metrics.Scored.Load() == n })
	waitFor(t, "offsets committed", func() bool { c, e := committed(t, brokers, pipeline.TopicInteractions); return c == e })
	if code := get(t, srv.URL+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d after recovery", code)
	}
	w.shutdown(t)
	if s := summary(t, st); s.Received != n || s.Results != n {
		t.Fatalf("after the outage the store holds %d received, %d results; want %d", s.Received, s.Results, n)
	}
	var metrics strings.Builder
	w.metrics.Write(&metrics)
	for _, line := range []string{"zhijian_store_errors_total ", fmt.Sprintf("zhijian_interactions_scored_total %d", n), "zhijian_in_flight 0"} {
		if !strings.Contains(metrics.String(), line) {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}

func TestShutdownDrainsInFlightWork(t *testing.T) {
	brokers := startBroker(t)
	st := openStore(t, "")
	const n = 200
	publish(t, brokers, pipeline.TopicInteractions, samples(t, n))
	score := scoreFunc(t)
	slow := func(ctx context.Context, in *schemas.Interaction) ([]*schemas.Result, error) {
		time.Sleep(5 * time.Millisecond)
		return score(ctx, in)
	}
	cfg := testConfig(brokers)
	cfg.BatchWait = time.Second // a batch is open when shutdown comes
	w := startWorker(t, cfg, slow, st)
	waitFor(t, "work under way", func() bool { return w.metrics.Consumed.Load() > 20 })
	w.shutdown(t)

	consumed := w.metrics.Consumed.Load()
	s := summary(t, st)
	c, _ := committed(t, brokers, pipeline.TopicInteractions)
	if w.metrics.InFlight.Load() > 1 {
		t.Fatalf("%d messages still in flight after shutdown", w.metrics.InFlight.Load())
	}
	if s.Received < consumed-1 || c != s.Received {
		t.Fatalf("consumed %d, stored %d, committed %d: shutdown must store and commit what it fetched", consumed, s.Received, c)
	}
	// A new worker takes over from the commits; nothing is counted twice.
	w2 := startWorker(t, testConfig(brokers), score, st)
	waitFor(t, "the rest", func() bool { return summary(t, st).Received == n })
	waitFor(t, "offsets committed", func() bool { c, e := committed(t, brokers, pipeline.TopicInteractions); return c == e })
	w2.shutdown(t)
	if s := summary(t, st); s.Received != n || s.Results != n {
		t.Fatalf("received %d, results %d; want %d", s.Received, s.Results, n)
	}
}

func readAll(t *testing.T, brokers []string, topic string, n int) []kafka.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: "dlq-reader", Topic: topic, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("read %s: %v (got %d of %d)", topic, err, len(out), n)
		}
		out = append(out, m)
	}
	return out
}

func header(m kafka.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// picky rejects, as the stores do with values they cannot hold, any batch
// holding one particular interaction.
type picky struct {
	store.Store
	reject string
}

func (p *picky) Write(ctx context.Context, batch []store.Outcome) error {
	for _, o := range batch {
		if o.InteractionID == p.reject && o.Status != store.Failed {
			return fmt.Errorf("interaction %s: day out of range: %w", o.InteractionID, store.ErrInvalid)
		}
	}
	return p.Store.Write(ctx, batch)
}

func TestAnOutcomeTheStoreRejectsIsDeadLetteredAlone(t *testing.T) {
	brokers := startBroker(t)
	msgs := samples(t, 30)
	st := &picky{Store: openStore(t, ""), reject: string(msgs[7].Key)}
	publish(t, brokers, pipeline.TopicInteractions, msgs)
	w := startWorker(t, testConfig(brokers), scoreFunc(t), st)
	waitFor(t, "offsets committed", func() bool { c, e := committed(t, brokers, pipeline.TopicInteractions); return c == e })
	w.shutdown(t)

	letters := readAll(t, brokers, pipeline.TopicDLQ, 1)
	if string(letters[0].Key) != st.reject || !strings.Contains(header(letters[0], pipeline.HeaderReason), "day out of range") {
		t.Fatalf("dead letter %q: %s", letters[0].Key, header(letters[0], pipeline.HeaderReason))
	}
	s := summary(t, st)
	if s.Received != 30 || s.Failed != 1 || s.Results != 29 {
		t.Fatalf("received %d, failed %d, results %d; want 30, 1, 29", s.Received, s.Failed, s.Results)
	}
}

// TestTranscriptsAreKeptRedacted checks that an outcome keeps its turns for
// the console, redacted by RedactTurns, while scoring sees them whole.
func TestTranscriptsAreKeptRedacted(t *testing.T) {
	brokers := startBroker(t)
	st := openStore(t, "")
	msg := `{"schema":"zhijian.interaction.v1","id":"c-pii","tenant":"acme-express","channel":"chat","language":"zh-CN",
		"started_at":"2026-03-02T09:00:00+08:00","turns":[
		{"speaker":"customer","text":"我的电话是13812345678，包裹丢了","start_ms":0},
		{"speaker":"agent","text":"非常抱歉，我马上为您查询","start_ms":4000}]}`
	publish(t, brokers, pipeline.TopicInteractions, []kafka.Message{{Key: []byte("c-pii"), Value: []byte(msg)}})
	var seen atomic.Value
	score := scoreFunc(t)
	cfg := testConfig(brokers)
	cfg.RedactTurns = func(s string) string { return strings.ReplaceAll(s, "13812345678", "[PHONE]") }
	w := startWorker(t, cfg, func(ctx context.Context, in *schemas.Interaction) ([]*schemas.Result, error) {
		seen.Store(in.Turns[0].Text)
		return score(ctx, in)
	}, st)
	waitFor(t, "the interaction stored", func() bool { return w.metrics.Scored.Load() == 1 })
	w.shutdown(t)

	if got := seen.Load(); got != "我的电话是13812345678，包裹丢了" {
		t.Errorf("scoring saw %q, want the turn whole", got)
	}
	turns, err := st.Transcript(t.Context(), store.Filter{}, "acme-express", "c-pii")
	if err != nil {
		t.Fatal(err)
	}
	if len(turns) != 2 || turns[0].Text != "我的电话是[PHONE]，包裹丢了" || turns[1].StartMS != 4000 || turns[1].Speaker != schemas.Agent {
		t.Errorf("kept turns = %+v, want both, the phone number redacted", turns)
	}
}
