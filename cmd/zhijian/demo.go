package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/store"
)

// runDemo runs the whole pipeline in one process on the sample
// interactions: the embedded broker, an embedded store, the workers and the
// HTTP endpoints; it publishes the samples, waits until they are stored,
// prints what a QA lead would look at first and serves until Ctrl-C.
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dirs := fs.String("data", "testdata/interactions,testdata/calls", "comma-separated folders of sample interactions")
	recordings := fs.String("recordings", "testdata", "directory file:// recording URIs resolve in")
	storeURL := fs.String("store", "", "store URL (default: a new DuckDB file, removed at exit)")
	httpAddr := fs.String("http", "127.0.0.1:8080", "address of the HTTP endpoints")
	brokerAddr := fs.String("broker", defaultConfig().Kafka.Embedded.Addr, "loopback address of the embedded Kafka broker")
	exit := fs.Bool("exit", false, "exit after the summary instead of serving")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	data := strings.Split(*dirs, ",")
	for _, dir := range data {
		if _, err := os.Stat(dir); err != nil {
			fmt.Fprintf(e.stderr, "zhijian demo: no sample interactions at %s (run it from the repository root, or pass --data)\n", dir)
			return 1
		}
	}
	cfg := defaultConfig()
	// STT and LLM endpoints (ZHIJIAN_STT_URL, ZHIJIAN_LLM_URL, their _KEY
	// and _MODEL, …) are used when set; the rest of the environment is not.
	var endpoints []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "ZHIJIAN_STT_") || strings.HasPrefix(kv, "ZHIJIAN_LLM_") {
			endpoints = append(endpoints, kv)
		}
	}
	if err := applyEnv(&cfg, endpoints); err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 2
	}
	cfg.Recordings.Root = *recordings
	cfg.Kafka.Embedded.Addr = *brokerAddr
	cfg.HTTP.Addr = *httpAddr
	cfg.Workers.BatchWait = duration(50 * time.Millisecond)
	cfg.Store.URL = *storeURL
	if cfg.Store.URL == "" {
		tmp, err := os.MkdirTemp("", "zhijian-demo-")
		if err != nil {
			fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		cfg.Store.URL = "duckdb:" + filepath.Join(tmp, "demo.duckdb")
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 2
	}
	mux := http.NewServeMux()
	s, err := startStack(ctx, cfg, e.log, mux)
	if err != nil && cfg.Kafka.Embedded.Addr != "127.0.0.1:0" && isAddrInUse(err) {
		e.log.Info("broker address in use; taking a free port", zap.String("addr", cfg.Kafka.Embedded.Addr))
		cfg.Kafka.Embedded.Addr = "127.0.0.1:0"
		mux = http.NewServeMux()
		s, err = startStack(ctx, cfg, e.log, mux)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 1
	}
	defer s.close()

	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	workErr := make(chan error, 1)
	go func() { workErr <- s.worker.Run(workCtx) }()
	code := demo(ctx, e, s, data)
	if code == 0 {
		code = openConsole(ctx, e, s, cfg.Console, mux)
	}
	if code == 0 && !*exit {
		fmt.Fprintf(e.stdout, "\nKafka at %s (zhijian ingest --brokers %s FILE publishes more)\n", s.brokers[0], s.brokers[0])
		fmt.Fprintf(e.stdout, "metrics at http://%s/metrics; Ctrl-C stops\n", s.httpAddr)
		<-ctx.Done()
	}
	stopWork()
	if err := <-workErr; err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 1
	}
	return code
}

// demo publishes the samples, waits until all are stored and prints the
// summary the store gives.
func demo(ctx context.Context, e *env, s *stack, dirs []string) int {
	w := pipeline.NewWriter(s.brokers, s.cfg.Kafka.Topic)
	published, rejected, err := publish(ctx, e, w, dirs)
	w.Close()
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 1
	}
	deadline := time.Now().Add(2 * time.Minute)
	for s.metrics.Scored.Load()+s.metrics.Failed.Load() < int64(published) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "zhijian demo: only %d of %d interactions stored\n",
				s.metrics.Scored.Load()+s.metrics.Failed.Load(), published)
			return 1
		}
		time.Sleep(50 * time.Millisecond)
	}
	sum, err := s.store.Summary(ctx, store.Filter{}, 10)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 1
	}
	printSummary(e, sum, rejected)
	return 0
}

func printSummary(e *env, sum store.Summary, rejected int) {
	scored := sum.Full + sum.Partial
	fmt.Fprintf(e.stdout, "received %d, scored %d, flagged for review %d, passed %d", sum.Received, scored, sum.Flagged, sum.Passed)
	if rejected > 0 {
		fmt.Fprintf(e.stdout, " (%d unreadable records not published)", rejected)
	}
	fmt.Fprintln(e.stdout)
	if sum.Received > 0 {
		fmt.Fprintf(e.stdout, "coverage %.1f%% (%d fully, %d partially, %d failed)\n",
			100*float64(scored)/float64(sum.Received), sum.Full, sum.Partial, sum.Failed)
	}
	fmt.Fprintln(e.stdout, "top failing items:")
	for _, it := range sum.TopFailing {
		fmt.Fprintf(e.stdout, "  %3d  %s/%s\n", it.Failures, it.Scorecard, it.Item)
	}
}

func isAddrInUse(err error) bool {
	var se *os.SyscallError
	return errors.As(err, &se) && se.Syscall == "bind"
}

// openConsole serves the console on the demo's address, with a user per
// role and a client per tenant in the store, and prints how to sign in.
func openConsole(ctx context.Context, e *env, s *stack, cc consoleConfig, mux *http.ServeMux) int {
	cov, err := s.store.Coverage(ctx, store.Filter{})
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 1
	}
	var tenants []string
	for _, c := range cov {
		if !slices.Contains(tenants, c.Tenant) {
			tenants = append(tenants, c.Tenant)
		}
	}
	users, passwords, err := demoUsers(tenants)
	if err == nil {
		cc.Users = users
		var c http.Handler
		if c, err = newConsole(cc, s.store, e); err == nil {
			mux.Handle("/", c)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: console: %v\n", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "\nconsole at http://%s — sign in as (user / password):\n", s.httpAddr)
	for _, u := range users {
		fmt.Fprintf(e.stdout, "  %-22s %s   (%s%s)\n", u.Name, passwords[u.Name], u.Role, tenantNote(u.Tenants))
	}
	return 0
}

func tenantNote(tenants []string) string {
	if len(tenants) == 0 {
		return ", all tenants"
	}
	return ", " + strings.Join(tenants, ", ")
}
