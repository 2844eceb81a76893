package pipeline

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// Metrics are the worker's counters, in the Prometheus text format on
// /metrics. They are few and fixed, so they are plain atomics.
type Metrics struct {
	Consumed    atomic.Int64 // messages fetched
	Scored      atomic.Int64 // interactions scored and stored
	Failed      atomic.Int64 // messages that could not be scored
	DeadLetters atomic.Int64 // messages written to the DLQ
	StoreErrors atomic.Int64 // failed store writes (each retry counts)
	InFlight    atomic.Int64 // fetched, not yet committed
	Lag         atomic.Int64 // consumer lag reported by the reader
	Commits     atomic.Int64 // offset commits
	AudioMS     atomic.Int64 // milliseconds of recordings analysed
	STTMS       atomic.Int64 // milliseconds of audio sent for transcription

	BatchSize    histogram // outcomes per store write
	BatchSeconds histogram // store write latency, retries included

	mu         sync.Mutex
	collectors []func(io.Writer)
}

// Collect adds a writer of more metrics, in the Prometheus text format,
// to what Write writes: the scorers' own counters.
func (m *Metrics) Collect(f func(io.Writer)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.collectors = append(m.collectors, f)
}

// histogram is a fixed-bucket Prometheus histogram.
type histogram struct {
	mu     sync.Mutex
	bounds []float64
	counts []uint64
	sum    float64
	n      uint64
}

// NewMetrics returns zeroed metrics with their histogram buckets.
func NewMetrics() *Metrics {
	m := &Metrics{}
	m.BatchSize.bounds = []float64{1, 10, 50, 100, 250, 500, 1000, 2500, 5000}
	m.BatchSeconds.bounds = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	return m
}

func (h *histogram) observe(v float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.counts == nil {
		h.counts = make([]uint64, len(h.bounds))
	}
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.n++
}

func (h *histogram) write(w io.Writer, name, help string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	for i, b := range h.bounds {
		var c uint64
		if h.counts != nil {
			c = h.counts[i]
		}
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, b, c)
	}
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n", name, h.n, name, h.sum, name, h.n)
}

// Write writes the metrics in the Prometheus text format.
func (m *Metrics) Write(w io.Writer) {
	for _, c := range []struct {
		name, help, typ string
		v               *atomic.Int64
	}{
		{"zhijian_messages_consumed_total", "Messages fetched from the interactions topic.", "counter", &m.Consumed},
		{"zhijian_interactions_scored_total", "Interactions scored and durably stored.", "counter", &m.Scored},
		{"zhijian_interactions_failed_total", "Messages that could not be scored.", "counter", &m.Failed},
		{"zhijian_dead_letters_total", "Messages written to the dead-letter topic.", "counter", &m.DeadLetters},
		{"zhijian_store_errors_total", "Failed store writes, each retry counted.", "counter", &m.StoreErrors},
		{"zhijian_offset_commits_total", "Offset commits sent to Kafka.", "counter", &m.Commits},
		{"zhijian_audio_analysed_ms_total", "Milliseconds of call recordings analysed.", "counter", &m.AudioMS},
		{"zhijian_audio_transcribed_ms_total", "Milliseconds of audio sent to the speech-to-text service.", "counter", &m.STTMS},
		{"zhijian_in_flight", "Messages fetched and not yet committed.", "gauge", &m.InFlight},
		{"zhijian_consumer_lag", "Messages behind the end of the assigned partitions.", "gauge", &m.Lag},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", c.name, c.help, c.name, c.typ, c.name, c.v.Load())
	}
	m.BatchSize.write(w, "zhijian_store_batch_size", "Outcomes per store write.")
	m.BatchSeconds.write(w, "zhijian_store_batch_seconds", "Store write latency, retries included.")
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range m.collectors {
		f(w)
	}
}

// Health says whether the process is alive and ready. A worker is ready
// once it runs, while its last store write worked and until shutdown.
type Health struct {
	ready atomic.Bool
	why   atomic.Value // string
}

// SetReady records readiness and, when not ready, why.
func (h *Health) SetReady(ok bool, why string) {
	h.ready.Store(ok)
	h.why.Store(why)
}

// Ready reports readiness and the reason when not ready.
func (h *Health) Ready() (bool, string) {
	why, _ := h.why.Load().(string)
	return h.ready.Load(), why
}

// Handler serves /metrics, /healthz and /readyz.
func Handler(m *Metrics, h *Health) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.Write(w)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if ok, why := h.Ready(); !ok {
			if why == "" {
				why = "starting"
			}
			http.Error(w, "not ready: "+why, http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	return mux
}
