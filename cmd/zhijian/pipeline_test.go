package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/zhijian-qa/zhijian/pipeline"
)

func TestDemoRunsThePipelineOnTheSamples(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	code, out, errs := zhijian(t, "", "demo", "--exit", "--http", "127.0.0.1:0", "--broker", "127.0.0.1:0")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	files, _ := filepath.Glob("testdata/interactions/*.json")
	calls, _ := filepath.Glob("testdata/calls/*.json")
	files = append(files, calls...)
	m := regexp.MustCompile(`received (\d+), scored (\d+), flagged for review (\d+), passed (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary in:\n%s", out)
	}
	// The golden results say how many are flagged and passed.
	var flagged, passed int
	for _, f := range files {
		g, err := os.ReadFile(filepath.Join("testdata", "golden", strings.TrimSuffix(filepath.Base(f), ".json")+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(g), `"flagged": true`) {
			flagged++
		}
		if strings.Contains(string(g), `"passed": true`) {
			passed++
		}
	}
	want := []int{len(files), len(files), flagged, passed}
	for i, w := range want {
		if got, _ := strconv.Atoi(m[i+1]); got != w {
			t.Errorf("summary %q: field %d is %d, want %d", m[0], i+1, got, w)
		}
	}
	if !strings.Contains(out, "coverage 100.0%") || !strings.Contains(out, "top failing items:\n") {
		t.Errorf("summary lacks coverage or top failing items:\n%s", out)
	}
	// The console's address and a login per role and tenant.
	for _, re := range []string{`console at http://127\.0\.0\.1:\d+ — sign in`, `(?m)^  admin +\S{12} +\(admin, all tenants\)$`,
		`(?m)^  qa +\S{12} +\(qa`, `(?m)^  client-acme-express +\S{12} +\(client, acme-express\)$`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("demo output lacks %s:\n%s", re, out)
		}
	}
}

func TestIngestPublishesValidRecordsAndNamesBadOnes(t *testing.T) {
	b, err := pipeline.StartBroker(pipeline.BrokerConfig{Addr: "127.0.0.1:0", Partitions: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	good, err := os.ReadFile(filepath.Join("..", "..", "testdata", "interactions", "zh-chat-005-rude-agent.json"))
	if err != nil {
		t.Fatal(err)
	}
	one := strings.Join(strings.Fields(string(good)), " ")
	bad := `{"schema":"zhijian.interaction.v1","id":"x1","tenant":"t","channel":"chat","started_at":"2026-11-01T09:30:00Z","turns":[{"speaker":"agent","text":"hi","start_ms":-4}]}`
	path := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(path, []byte(one+"\n"+bad+"\n"+one+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := zhijian(t, "", "ingest", "--brokers", b.Addrs()[0], path)
	if code != 1 || !strings.Contains(out, "published 2 interaction(s) to zhijian.interactions; 1 rejected") {
		t.Fatalf("exit %d, out %q", code, out)
	}
	if !strings.Contains(errs, "in.jsonl:2:") || !strings.Contains(errs, "turns[0].start_ms") {
		t.Fatalf("the bad record is not named by place: %s", errs)
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: b.Addrs(), GroupID: "check", Topic: pipeline.TopicInteractions, MaxWait: 50 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for range 2 {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Key) != "c-20261103-0005" || strings.TrimSpace(string(m.Value)) != one {
			t.Fatalf("published key %q, value %.60q…", m.Key, m.Value)
		}
	}
	if code, _, errs := zhijian(t, "", "ingest", "--brokers", b.Addrs()[0], filepath.Join(t.TempDir(), "missing")); code != 1 || !strings.Contains(errs, "missing") {
		t.Fatalf("missing file: exit %d, %s", code, errs)
	}
}
