package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/clickhouse"
	"github.com/zhijian-qa/zhijian/store/duckdb"
)

// stack is what `run` and `demo` start: the broker when none is
// configured, the store, the scoring router, the worker and the HTTP
// endpoints.
type stack struct {
	cfg     config
	log     *zap.Logger
	broker  *pipeline.Broker // nil with an outside Kafka
	brokers []string
	store   store.Store
	metrics *pipeline.Metrics
	health  *pipeline.Health
	worker  *pipeline.Worker
	server  *http.Server
	// httpAddr is where the endpoints listen, once started.
	httpAddr string
}

func startStack(ctx context.Context, cfg config, log *zap.Logger, mux *http.ServeMux) (*stack, error) {
	s := &stack{cfg: cfg, log: log, brokers: cfg.Kafka.Brokers, metrics: pipeline.NewMetrics(), health: &pipeline.Health{}}
	s.health.SetReady(false, "starting")
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	if len(s.brokers) == 0 {
		e := cfg.Kafka.Embedded
		b, err := startBroker(e.Addr, e.Partitions, e.DataDir)
		if err != nil {
			return nil, err
		}
		s.broker, s.brokers = b, b.Addrs()
		log.Info("embedded Kafka broker started", zap.Strings("addrs", s.brokers))
	}
	st, err := openStore(ctx, cfg.Store.URL)
	if err != nil {
		return nil, err
	}
	s.store = st
	if err := st.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate %s: %w", masked(cfg.Store.URL), err)
	}
	router, llms, err := newRouterOf(cfg.Scoring.Packs, &cfg.LLM)
	if err != nil {
		return nil, err
	}
	voice, err := newVoice(cfg)
	if err != nil {
		return nil, err
	}
	voice.Metrics = s.metrics
	if len(llms) > 0 {
		s.metrics.Collect(func(w io.Writer) { writeLLMMetrics(w, llms) })
	}
	s.worker = pipeline.NewWorker(cfg.workerConfig(s.brokers), cfg.scoring(router, voice), st, log, s.metrics, s.health)
	if cfg.HTTP.Addr != "" {
		if mux == nil {
			mux = http.NewServeMux()
		}
		ops := pipeline.Handler(s.metrics, s.health)
		for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
			mux.Handle(path, ops)
		}
		ln, err := net.Listen("tcp", cfg.HTTP.Addr)
		if err != nil {
			return nil, fmt.Errorf("http.addr: %w", err)
		}
		s.httpAddr = ln.Addr().String()
		s.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := s.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("http server stopped", zap.Error(err))
			}
		}()
		log.Info("serving metrics and health", zap.String("addr", "http://"+s.httpAddr))
	}
	ok = true
	return s, nil
}

func startBroker(addr string, partitions int, dataDir string) (*pipeline.Broker, error) {
	return pipeline.StartBroker(pipeline.BrokerConfig{Addr: addr, Partitions: int32(min(max(partitions, 1), 1024)), DataDir: dataDir})
}

// close stops what the stack started, upstream first: the HTTP endpoints,
// the store and then the broker. The worker must have returned.
func (s *stack) close() {
	if s.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.server.Shutdown(ctx) //nolint:errcheck // closing anyway
		cancel()
	}
	if s.store != nil {
		if err := s.store.Close(); err != nil {
			s.log.Warn("closing the store", zap.Error(err))
		}
	}
	if s.broker != nil {
		s.broker.Close()
	}
}

// openStore opens the store a URL names.
func openStore(ctx context.Context, u string) (store.Store, error) {
	kind, rest, err := parseStoreURL(u)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "duckdb":
		if rest == ":memory:" {
			rest = ""
		}
		return duckdb.Open(rest)
	default:
		return clickhouse.Open(ctx, rest)
	}
}
