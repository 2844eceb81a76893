// Command zhijian is the Zhijian quality-inspection pipeline: one binary,
// one subcommand per job.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// command is one subcommand. run returns the process exit code.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env is what a command may touch: its streams and a logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *zap.Logger
}

func commands() map[string]command {
	return map[string]command{
		"score":     {"score interactions from files or stdin, one Result per line", runScore},
		"rules":     {"check or test rule packs: rules check|test PATH...", runRules},
		"calibrate": {"compare verdicts with human QA labels: agreement, kappa, confusion per item", runCalibrate},
		"demo":      {"run the whole pipeline on the sample interactions and serve", runDemo},
		"run":       {"start the workers: run [--config FILE] [--print-config]", runRun},
		"serve":     {"serve the console (dashboards, review queue) over the store: serve [--config FILE]", runServe},
		"ingest":    {"publish interactions to Kafka: ingest [--brokers ...] FILE|DIR...", runIngest},
		"migrate":   {"bring a store's tables up to date: migrate --store URL", runMigrate},
		"broker":    {"run the embedded Kafka broker alone", runBroker},
		"bench":     {"measure scoring and end-to-end throughput on this machine", runBench},
		"version":   {"print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "zhijian: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	log := newLogger(stderr)
	defer log.Sync() //nolint:errcheck // nothing to do if stderr is gone
	return cmd.run(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, log: log}, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: zhijian COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
}

func newLogger(w io.Writer) *zap.Logger {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	level := zapcore.InfoLevel
	if os.Getenv("ZHIJIAN_DEBUG") != "" {
		level = zapcore.DebugLevel
	}
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(cfg), zapcore.AddSync(w), level)
	return zap.New(core)
}

func runVersion(_ context.Context, e *env, _ []string) int {
	fmt.Fprintf(e.stdout, "zhijian %s\n", version)
	return 0
}
