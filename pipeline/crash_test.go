package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/schemas"
)

// TestMain lets the crash test run a worker in a child process of this
// test binary, so that it can be killed outright.
func TestMain(m *testing.M) {
	if os.Getenv("ZHIJIAN_TEST_WORKER") != "" {
		os.Exit(childWorker())
	}
	os.Exit(m.Run())
}

func childWorker() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st := openStoreNoCleanup(os.Getenv("ZHIJIAN_TEST_STORE"))
	score, err := newScoreFunc(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	slow := func(ctx context.Context, in *schemas.Interaction) ([]*schemas.Result, error) {
		time.Sleep(2 * time.Millisecond)
		return score(ctx, in)
	}
	cfg := testConfig(strings.Split(os.Getenv("ZHIJIAN_TEST_BROKERS"), ","))
	cfg.BatchSize = 40
	w := pipeline.NewWorker(cfg, slow, st, zap.NewNop(), pipeline.NewMetrics(), &pipeline.Health{})
	err = w.Run(ctx)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestCrashedWorkerLosesNothingAndCountsNothingTwice(t *testing.T) {
	brokers := startBroker(t)
	path := filepath.Join(t.TempDir(), "crash.duckdb")
	const n = 400
	publish(t, brokers, pipeline.TopicInteractions, samples(t, n))

	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run", "^$")
		cmd.Env = append(os.Environ(), "ZHIJIAN_TEST_WORKER=1", "ZHIJIAN_TEST_STORE="+path,
			"ZHIJIAN_TEST_BROKERS="+strings.Join(brokers, ","))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := child()
	var atKill int64
	waitFor(t, "some offsets committed", func() bool {
		atKill, _ = committed(t, brokers, pipeline.TopicInteractions)
		return atKill > 0
	})
	first.Process.Kill() // mid-run: batches are open and uncommitted
	first.Wait()
	if atKill >= n {
		t.Fatalf("the worker finished (%d committed) before it could be killed", atKill)
	}

	second := child()
	waitFor(t, "the restarted worker to commit everything", func() bool {
		c, e := committed(t, brokers, pipeline.TopicInteractions)
		return c == e
	})
	second.Process.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Fatalf("restarted worker: %v", err)
	}

	st := openStore(t, path)
	s := summary(t, st)
	if s.Received != n || s.Results != n || s.Full+s.Partial != n {
		t.Fatalf("after a crash at %d committed: received %d, results %d, scored %d; want %d each",
			atKill, s.Received, s.Results, s.Full+s.Partial, n)
	}
}
