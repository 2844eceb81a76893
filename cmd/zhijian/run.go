package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"go.uber.org/zap"
)

func runRun(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("config", os.Getenv("ZHIJIAN_CONFIG"), "YAML configuration file (ZHIJIAN_* variables override it)")
	printCfg := fs.Bool("print-config", false, "print the effective configuration, secrets masked, and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(*path, os.Environ())
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian run: invalid configuration:\n%v\n", err)
		return 2
	}
	if *printCfg {
		out, err := cfg.printable()
		if err != nil {
			fmt.Fprintf(e.stderr, "zhijian run: %v\n", err)
			return 1
		}
		e.stdout.Write(out)
		return 0
	}
	s, err := startStack(ctx, cfg, e.log, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian run: %v\n", err)
		return 1
	}
	defer s.close()
	if err := s.worker.Run(ctx); err != nil {
		e.log.Error("worker", zap.Error(err))
		return 1
	}
	return 0
}

func runMigrate(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	url := fs.String("store", envOr("ZHIJIAN_STORE_URL", defaultConfig().Store.URL), "store URL: duckdb:PATH or clickhouse://USER:PASSWORD@HOST:PORT/DATABASE")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	st, err := openStore(ctx, *url)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian migrate: %v\n", err)
		return 1
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		fmt.Fprintf(e.stderr, "zhijian migrate: %s: %v\n", masked(*url), err)
		return 1
	}
	fmt.Fprintf(e.stdout, "%s is up to date\n", masked(*url))
	return 0
}

func runBroker(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("broker", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := defaultConfig().Kafka.Embedded
	addr := fs.String("addr", def.Addr, "loopback address to listen on")
	parts := fs.Int("partitions", def.Partitions, "partitions of each topic")
	dir := fs.String("data-dir", "", "keep the log in this folder across restarts (default: memory)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	b, err := startBroker(*addr, *parts, *dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian broker: %v\n", err)
		return 1
	}
	defer b.Close()
	fmt.Fprintf(e.stdout, "embedded Kafka broker on %s; Ctrl-C stops it\n", b.Addrs()[0])
	<-ctx.Done()
	return 0
}
