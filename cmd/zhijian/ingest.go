package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/schemas"
)

func runIngest(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	brokers := fs.String("brokers", envOr("ZHIJIAN_KAFKA_BROKERS", "127.0.0.1:9092"), "Kafka brokers, comma-separated")
	topic := fs.String("topic", envOr("ZHIJIAN_KAFKA_TOPIC", pipeline.TopicInteractions), "topic to publish to")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: zhijian ingest [--brokers HOST:PORT,...] [--topic NAME] FILE|DIR|-...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	w := pipeline.NewWriter(strings.Split(*brokers, ","), *topic)
	defer w.Close()
	n, rejected, err := publish(ctx, e, w, fs.Args())
	fmt.Fprintf(e.stdout, "published %d interaction(s) to %s", n, *topic)
	if rejected > 0 {
		fmt.Fprintf(e.stdout, "; %d rejected", rejected)
	}
	fmt.Fprintln(e.stdout)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian ingest: %v\n", err)
		return 1
	}
	if rejected > 0 {
		return 1
	}
	return 0
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// publish validates every interaction in the files (folders: their .json
// and .jsonl files) and publishes the valid ones keyed by id, in batches.
// Invalid records are reported with their place and skipped.
func publish(ctx context.Context, e *env, w *kafka.Writer, paths []string) (published, rejected int, err error) {
	files, err := expand(paths)
	if err != nil {
		return 0, 0, err
	}
	const batch = 1000
	msgs := make([]kafka.Message, 0, batch)
	send := func() error {
		if len(msgs) == 0 {
			return nil
		}
		if err := w.WriteMessages(ctx, msgs...); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		published += len(msgs)
		msgs = msgs[:0]
		return nil
	}
	for _, name := range files {
		var r io.Reader = e.stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return published, rejected, err
			}
			defer f.Close()
			r = f
		}
		rd := schemas.NewReader(r, name)
		for {
			rec, err := rd.NextRecord()
			if errors.Is(err, io.EOF) {
				break
			}
			var re *schemas.RecordError
			if errors.As(err, &re) {
				rejected++
				fmt.Fprintln(e.stderr, err)
				continue
			}
			if err != nil {
				return published, rejected, fmt.Errorf("read %s: %w", name, err)
			}
			in, err := rd.Decode(rec)
			if err != nil {
				rejected++
				fmt.Fprintln(e.stderr, err)
				continue
			}
			msgs = append(msgs, kafka.Message{Key: []byte(in.ID), Value: slices.Clone(rec.Data)})
			if len(msgs) == batch {
				if err := send(); err != nil {
					return published, rejected, err
				}
			}
		}
	}
	return published, rejected, send()
}

// expand lists the interaction files of paths, in order.
func expand(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		for _, pat := range []string{"*.json", "*.jsonl"} {
			m, _ := filepath.Glob(filepath.Join(p, pat))
			found = append(found, m...)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .json or .jsonl files", p)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}
