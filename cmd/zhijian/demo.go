package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"sort"

	"go.uber.org/zap"

	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/schemas"
)

// runDemo scores the sample interactions with the shipped packs and prints
// what a QA lead would look at first.
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := fs.String("data", "testdata/interactions", "folder of sample interactions")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	router, err := newRouter("")
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
		return 1
	}
	files, err := filepath.Glob(filepath.Join(*dir, "*.json*"))
	if err != nil || len(files) == 0 {
		fmt.Fprintf(e.stderr, "zhijian demo: no interactions in %s (run it from the repository root)\n", *dir)
		return 1
	}
	var received, scored, flagged, passed, failedToScore int
	failing := map[string]int{}
	for _, f := range files {
		err := eachInteraction(e, f, func(in *schemas.Interaction) error {
			runner, err := router.For(in)
			if err != nil {
				return err
			}
			res := runner.Score(ctx, in, rules.TurnMetrics(in))
			scored++
			if res.Flagged {
				flagged++
			}
			if res.Passed {
				passed++
			}
			for _, fd := range res.Findings {
				if fd.Verdict == schemas.Fail {
					failing[res.Scorecard+"/"+fd.Item]++
				}
			}
			return nil
		}, func(err error) { failedToScore++; e.log.Warn("not scored", zap.Error(err)) })
		if err != nil {
			fmt.Fprintf(e.stderr, "zhijian demo: %v\n", err)
			return 1
		}
	}
	received = scored + failedToScore
	fmt.Fprintf(e.stdout, "received %d, scored %d, flagged for review %d, passed %d\n", received, scored, flagged, passed)
	if received > 0 {
		fmt.Fprintf(e.stdout, "coverage %.1f%%\n", 100*float64(scored)/float64(received))
	}
	type kv struct {
		k string
		v int
	}
	var top []kv
	for k, v := range failing {
		top = append(top, kv{k, v})
	}
	sort.Slice(top, func(i, j int) bool { return top[i].v > top[j].v || top[i].v == top[j].v && top[i].k < top[j].k })
	fmt.Fprintln(e.stdout, "top failing items:")
	for i, x := range top {
		if i == 10 {
			break
		}
		fmt.Fprintf(e.stdout, "  %3d  %s\n", x.v, x.k)
	}
	return 0
}
