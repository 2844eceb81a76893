package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zhijian-qa/zhijian/audio"
	"github.com/zhijian-qa/zhijian/audio/fetch"
	"github.com/zhijian-qa/zhijian/pipeline"
)

// config is the whole configuration of `zhijian run` and `zhijian demo`:
// one YAML file, then ZHIJIAN_* environment variables, then defaults.
// The variable for a field is its YAML path in upper case joined by
// underscores: kafka.brokers is ZHIJIAN_KAFKA_BROKERS (comma-separated).
type config struct {
	Kafka   kafkaConfig   `yaml:"kafka"`
	Store   storeConfig   `yaml:"store"`
	Workers workersConfig `yaml:"workers"`
	HTTP    httpConfig    `yaml:"http"`
	Scoring scoringConfig `yaml:"scoring"`
	// Recordings and STT are for voice interactions (see voice.go).
	Recordings recordingsConfig `yaml:"recordings"`
	STT        sttConfig        `yaml:"stt"`
	// LLM and Redact are for LLM-judged items (see llm.go).
	LLM    llmConfig    `yaml:"llm"`
	Redact redactConfig `yaml:"redact"`
	// Console is `zhijian serve` (see serve.go).
	Console consoleConfig `yaml:"console"`
}

type kafkaConfig struct {
	// Brokers of a Kafka cluster; none starts the embedded broker.
	Brokers      []string       `yaml:"brokers"`
	Embedded     embeddedConfig `yaml:"embedded"`
	Topic        string         `yaml:"topic"`
	DLQTopic     string         `yaml:"dlq_topic"`
	ResultsTopic string         `yaml:"results_topic"`
	Group        string         `yaml:"group"`
	// SessionTimeout: how long the group waits for a crashed worker
	// before its partitions move to the others.
	SessionTimeout duration `yaml:"session_timeout"`
}

type embeddedConfig struct {
	Addr       string `yaml:"addr"`
	Partitions int    `yaml:"partitions"`
	DataDir    string `yaml:"data_dir"`
}

type storeConfig struct {
	// URL is duckdb:PATH (one file; duckdb::memory: keeps nothing) or
	// clickhouse://USER:PASSWORD@HOST:PORT/DATABASE.
	URL string `yaml:"url" secret:"url"`
}

type workersConfig struct {
	Concurrency     int      `yaml:"concurrency"`
	Queue           int      `yaml:"queue"`
	BatchSize       int      `yaml:"batch_size"`
	BatchWait       duration `yaml:"batch_wait"`
	RetryMin        duration `yaml:"retry_min"`
	RetryMax        duration `yaml:"retry_max"`
	ScoreAttempts   int      `yaml:"score_attempts"`
	ShutdownTimeout duration `yaml:"shutdown_timeout"`
}

// duration reads and prints as "500ms", "30s".
type duration time.Duration

func (d duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (use e.g. 500ms or 30s)", n.Line, n.Value)
	}
	*d = duration(v)
	return nil
}

type httpConfig struct {
	// Addr serves /metrics, /healthz and /readyz; empty serves nothing.
	Addr string `yaml:"addr"`
}

type scoringConfig struct {
	// Packs are pack ids or files; none loads every shipped pack.
	Packs []string `yaml:"packs"`
}

// defaultConfig takes the worker's defaults from the pipeline, so that
// --print-config shows them; concurrency and queue stay 0 (per CPU).
func defaultConfig() config {
	var p pipeline.Config
	p.Defaults()
	return config{
		Kafka: kafkaConfig{
			Embedded: embeddedConfig{Addr: "127.0.0.1:9092", Partitions: 4},
			Topic:    p.Topic, DLQTopic: p.DLQTopic, Group: p.Group, SessionTimeout: duration(p.SessionTimeout),
		},
		Store: storeConfig{URL: "duckdb:zhijian.duckdb"},
		Workers: workersConfig{BatchSize: p.BatchSize, BatchWait: duration(p.BatchWait),
			RetryMin: duration(p.RetryMin), RetryMax: duration(p.RetryMax), ScoreAttempts: p.ScoreAttempts,
			ShutdownTimeout: duration(p.ShutdownTimeout)},
		HTTP:       httpConfig{Addr: "127.0.0.1:9090"},
		Recordings: recordingsConfig{MaxBytes: fetch.DefaultMaxBytes, Timeout: duration(fetch.DefaultTimeout)},
		STT: sttConfig{Model: "whisper-1", Timeout: duration(2 * time.Minute), Attempts: 4, Concurrency: 4,
			MaxPiece: duration(audio.MaxPieceMS * time.Millisecond)},
		LLM:     defaultLLMConfig(),
		Console: consoleConfig{Addr: "127.0.0.1:8080", SessionTTL: duration(12 * time.Hour)},
	}
}

// loadConfig reads path (none: defaults only), applies the environment and
// validates. Every problem names its field, and its line in the file.
func loadConfig(path string, environ []string) (config, error) {
	cfg := defaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, err
		}
		if err := decodeConfig(path, data, &cfg); err != nil {
			return cfg, err
		}
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return cfg, err
	}
	return cfg, cfg.validate()
}

func decodeConfig(path string, data []byte, cfg *config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(root.Content) == 0 {
		return nil // an empty file
	}
	var errs []error
	checkKeys(path, root.Content[0], reflect.TypeOf(*cfg), "", &errs)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// checkKeys reports keys of n that t has no field for, with their paths.
func checkKeys(file string, n *yaml.Node, t reflect.Type, path string, errs *[]error) {
	if t.Kind() != reflect.Struct {
		return
	}
	if n.Kind != yaml.MappingNode {
		if n.Tag != "!!null" {
			*errs = append(*errs, fmt.Errorf("%s:%d:%d: %s: expected a mapping", file, n.Line, n.Column, orRoot(path)))
		}
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fieldByTag(t, k.Value)
		p := join(path, k.Value)
		if !ok {
			*errs = append(*errs, fmt.Errorf("%s:%d:%d: %s: unknown field (known: %s)", file, k.Line, k.Column, p, knownFields(t)))
			continue
		}
		checkKeys(file, v, f.Type, p, errs)
	}
}

func orRoot(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); yamlName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

func knownFields(t reflect.Type) string {
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = yamlName(t.Field(i))
	}
	return strings.Join(names, ", ")
}

// applyEnv sets fields from ZHIJIAN_* variables.
func applyEnv(cfg *config, environ []string) error {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "ZHIJIAN_") {
			env[k] = v
		}
	}
	var errs []error
	eachField(reflect.ValueOf(cfg).Elem(), "", func(path string, v reflect.Value, _ reflect.StructField) {
		name := "ZHIJIAN_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
		s, ok := env[name]
		if !ok {
			return
		}
		if err := setFromString(v, s); err != nil {
			errs = append(errs, fmt.Errorf("%s (from %s): %w", path, name, err))
		}
	})
	return errors.Join(errs...)
}

// eachField calls fn for every leaf field of a struct value with its path.
func eachField(v reflect.Value, path string, fn func(string, reflect.Value, reflect.StructField)) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		p := join(path, yamlName(f))
		if f.Type.Kind() == reflect.Struct {
			eachField(v.Field(i), p, fn)
			continue
		}
		fn(p, v.Field(i), f)
	}
}

func setFromString(v reflect.Value, s string) error {
	switch {
	case v.Type() == reflect.TypeOf(duration(0)):
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("not a duration: %q (use e.g. 500ms or 30s)", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("not an integer: %q", s)
		}
		v.SetInt(int64(n))
	case v.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		v.SetFloat(f)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not true or false: %q", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		var list []string
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				list = append(list, x)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}

// validate reports every invalid field by its path.
func (c *config) validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	for i, b := range c.Kafka.Brokers {
		if _, _, err := net.SplitHostPort(b); err != nil {
			bad(fmt.Sprintf("kafka.brokers[%d]", i), "%q is not HOST:PORT", b)
		}
	}
	if len(c.Kafka.Brokers) == 0 {
		if host, _, err := net.SplitHostPort(c.Kafka.Embedded.Addr); err != nil {
			bad("kafka.embedded.addr", "%q is not HOST:PORT", c.Kafka.Embedded.Addr)
		} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			bad("kafka.embedded.addr", "%q must be a loopback address: the embedded broker has no authentication", c.Kafka.Embedded.Addr)
		}
		if p := c.Kafka.Embedded.Partitions; p < 1 || p > 1024 {
			bad("kafka.embedded.partitions", "%d is out of range 1..1024", p)
		}
	}
	for path, topic := range map[string]string{"kafka.topic": c.Kafka.Topic, "kafka.dlq_topic": c.Kafka.DLQTopic, "kafka.group": c.Kafka.Group} {
		if topic == "" {
			bad(path, "must not be empty")
		}
	}
	if c.Kafka.Topic != "" && (c.Kafka.Topic == c.Kafka.DLQTopic || c.Kafka.Topic == c.Kafka.ResultsTopic) {
		bad("kafka.dlq_topic", "the dead-letter and results topics must differ from kafka.topic %q", c.Kafka.Topic)
	}
	if _, _, err := parseStoreURL(c.Store.URL); err != nil {
		bad("store.url", "%v", err)
	}
	w := c.Workers
	for _, r := range []struct {
		path     string
		v, lo, h int
	}{
		{"workers.concurrency", w.Concurrency, 0, 1024},
		{"workers.queue", w.Queue, 0, 1 << 20},
		{"workers.batch_size", w.BatchSize, 1, 100000},
		{"workers.score_attempts", w.ScoreAttempts, 1, 100},
	} {
		if r.v < r.lo || r.v > r.h {
			bad(r.path, "%d is out of range %d..%d", r.v, r.lo, r.h)
		}
	}
	for _, d := range []struct {
		path string
		v    duration
	}{
		{"workers.batch_wait", w.BatchWait}, {"workers.retry_min", w.RetryMin},
		{"workers.retry_max", w.RetryMax}, {"workers.shutdown_timeout", w.ShutdownTimeout},
		{"kafka.session_timeout", c.Kafka.SessionTimeout},
	} {
		if d.v <= 0 {
			bad(d.path, "must be positive, got %v", time.Duration(d.v))
		}
	}
	if w.RetryMax < w.RetryMin {
		bad("workers.retry_max", "%v is below workers.retry_min %v", time.Duration(w.RetryMax), time.Duration(w.RetryMin))
	}
	if c.HTTP.Addr != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
			bad("http.addr", "%q is not HOST:PORT", c.HTTP.Addr)
		}
	}
	errs = append(errs, c.Recordings.fetchConfig().Validate())
	if c.LLM.URL != "" {
		errs = append(errs, c.LLM.scorerConfig().Validate())
	}
	if c.STT.URL != "" {
		errs = append(errs, c.STT.clientConfig().Validate())
		if p := time.Duration(c.STT.MaxPiece); p <= 0 || p > audio.MaxPieceMS*time.Millisecond {
			bad("stt.max_piece", "%v is out of range: at most %v keeps a request under 25 MB", p, audio.MaxPieceMS*time.Millisecond)
		}
	}
	return errors.Join(errs...)
}

// parseStoreURL splits a store URL into its kind and the rest.
func parseStoreURL(s string) (kind, rest string, err error) {
	switch {
	case strings.HasPrefix(s, "duckdb:"):
		rest = strings.TrimPrefix(strings.TrimPrefix(s, "duckdb:"), "//")
		if rest == "" {
			return "", "", fmt.Errorf("%q names no file (use duckdb:PATH, or duckdb::memory:)", s)
		}
		return "duckdb", rest, nil
	case strings.HasPrefix(s, "clickhouse://"):
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return "", "", fmt.Errorf("%q is not clickhouse://USER:PASSWORD@HOST:PORT/DATABASE", masked(s))
		}
		return "clickhouse", s, nil
	}
	return "", "", fmt.Errorf("%q: want duckdb:PATH or clickhouse://HOST:PORT/DATABASE", masked(s))
}

// masked hides the password of a URL.
func masked(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// printable returns the configuration as YAML with secrets masked.
func (c config) printable() ([]byte, error) {
	cp := c
	eachField(reflect.ValueOf(&cp).Elem(), "", func(_ string, v reflect.Value, f reflect.StructField) {
		switch f.Tag.Get("secret") {
		case "url":
			v.SetString(masked(v.String()))
		case "true":
			if v.String() != "" {
				v.SetString("xxxxx")
			}
		}
	})
	return yaml.Marshal(cp)
}

// workerConfig is the pipeline's view of the configuration.
func (c *config) workerConfig(brokers []string) pipeline.Config {
	w := c.Workers
	return pipeline.Config{
		Brokers: brokers, Topic: c.Kafka.Topic, DLQTopic: c.Kafka.DLQTopic, ResultsTopic: c.Kafka.ResultsTopic,
		Group: c.Kafka.Group, Workers: w.Concurrency, Queue: w.Queue, BatchSize: w.BatchSize,
		BatchWait: time.Duration(w.BatchWait), RetryMin: time.Duration(w.RetryMin), RetryMax: time.Duration(w.RetryMax),
		ScoreAttempts: w.ScoreAttempts, ShutdownTimeout: time.Duration(w.ShutdownTimeout),
		SessionTimeout: time.Duration(c.Kafka.SessionTimeout),
		RedactTurns:    c.redactStored(),
	}
}
