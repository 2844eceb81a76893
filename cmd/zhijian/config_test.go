package main

import (
	"golang.org/x/crypto/bcrypt"

	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zhijian.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigErrorsNameTheField(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		env        []string
		want       []string
	}{
		{"unknown field", "kafka:\n  brokres: [a:1]\n", nil, []string{"zhijian.yaml:2:3: kafka.brokres: unknown field", "known: brokers"}},
		{"unknown section", "workerz: {}\n", nil, []string{"zhijian.yaml:1:1: workerz: unknown field"}},
		{"wrong type", "workers:\n  batch_size: lots\n", nil, []string{"zhijian.yaml", "line 2", "lots"}},
		{"bad duration", "workers:\n  batch_wait: soon\n", nil, []string{"line 2", `"soon" is not a duration`}},
		{"out of range", "workers:\n  batch_size: 0\n  score_attempts: 1000\n", nil,
			[]string{"workers.batch_size: 0 is out of range", "workers.score_attempts: 1000 is out of range"}},
		{"broker address", "kafka:\n  brokers: [kafka]\n", nil, []string{`kafka.brokers[0]: "kafka" is not HOST:PORT`}},
		{"embedded broker not on loopback", "kafka:\n  embedded:\n    addr: 0.0.0.0:9092\n", nil, []string{"kafka.embedded.addr", "loopback"}},
		{"store url", "store:\n  url: postgres://db/x\n", nil, []string{"store.url", "duckdb:PATH"}},
		{"retry order", "workers:\n  retry_min: 5s\n  retry_max: 1s\n", nil, []string{"workers.retry_max: 1s is below workers.retry_min 5s"}},
		{"env value", "", []string{"ZHIJIAN_WORKERS_BATCH_SIZE=many"}, []string{"workers.batch_size (from ZHIJIAN_WORKERS_BATCH_SIZE)", "not an integer"}},
		{"env duration", "", []string{"ZHIJIAN_WORKERS_SHUTDOWN_TIMEOUT=-1s"}, []string{"workers.shutdown_timeout: must be positive"}},
		{"recordings root", "recordings:\n  root: /no/such/dir\n", nil, []string{"recordings.root", "does not exist"}},
		{"recordings host", "recordings:\n  allow_hosts: ['*.']\n", nil, []string{"recordings.allow_hosts[0]"}},
		{"stt url", "stt:\n  url: localhost:8000\n  max_piece: 30m\n", nil, []string{"stt.url", "http or https", "stt.max_piece: 30m0s is out of range"}},
		{"stt env", "", []string{"ZHIJIAN_STT_URL=https://stt.example/v1", "ZHIJIAN_STT_MODEL= "}, []string{"stt.model is required"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadConfig(writeConfig(t, c.yaml), c.env)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestConfigFileThenEnvironment(t *testing.T) {
	path := writeConfig(t, "kafka:\n  brokers: [k1:9092]\n  results_topic: zhijian.results\nworkers:\n  batch_wait: 75ms\nstore:\n  url: clickhouse://zj:s3cret@ch:9000/zhijian\n")
	cfg, err := loadConfig(path, []string{"ZHIJIAN_KAFKA_BROKERS=k2:9092, k3:9092", "ZHIJIAN_WORKERS_CONCURRENCY=6", "OTHER=x"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Kafka.Brokers, ","); got != "k2:9092,k3:9092" {
		t.Errorf("brokers = %s, want the environment's", got)
	}
	if cfg.Workers.Concurrency != 6 || time.Duration(cfg.Workers.BatchWait) != 75*time.Millisecond || cfg.Kafka.ResultsTopic != "zhijian.results" {
		t.Errorf("config = %+v", cfg)
	}
	if cfg.Workers.BatchSize != 500 || cfg.Kafka.Topic != "zhijian.interactions" {
		t.Errorf("defaults lost: %+v", cfg)
	}
}

func TestPrintConfigMasksSecrets(t *testing.T) {
	path := writeConfig(t, "store:\n  url: clickhouse://zj:s3cret@ch:9000/zhijian\nstt:\n  url: https://stt.example/v1\n  key: sk-t0ps3cret\n")
	code, out, errs := zhijian(t, "", "run", "--config", path, "--print-config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "s3cret") || strings.Contains(out, "t0ps3cret") || !strings.Contains(out, "clickhouse://zj:xxxxx@ch:9000/zhijian") {
		t.Fatalf("printed config does not mask the password:\n%s", out)
	}
	for _, want := range []string{"batch_wait: 200ms", "topic: zhijian.interactions", "addr: 127.0.0.1:9092"} {
		if !strings.Contains(out, want) {
			t.Errorf("printed config lacks %q:\n%s", want, out)
		}
	}
	code, _, errs = zhijian(t, "", "run", "--config", writeConfig(t, "http: {adr: x}\n"))
	if code != 2 || !strings.Contains(errs, "http.adr: unknown field") {
		t.Fatalf("bad config: exit %d, %s", code, errs)
	}
}

func TestServeHashesAPassword(t *testing.T) {
	code, out, errs := zhijian(t, "s3cret pass\n", "serve", "--hash")
	if code != 0 || !strings.HasPrefix(out, "$2a$") {
		t.Fatalf("exit %d %q %s", code, out, errs)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(out)), []byte("s3cret pass")); err != nil {
		t.Error(err)
	}
	code, _, errs = zhijian(t, "", "serve", "--config", writeConfig(t, "store:\n  url: \"duckdb::memory:\"\n"))
	if code != 2 || !strings.Contains(errs, "console.users") {
		t.Errorf("serve without users: exit %d %s", code, errs)
	}
}
