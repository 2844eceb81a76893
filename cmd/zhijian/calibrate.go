package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers/calibrate"
)

// runCalibrate scores the labelled interactions and compares the verdicts
// with the human ones, item by item.
func runCalibrate(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	labelsPath := fs.String("labels", "testdata/gold/labels.jsonl", "human QA labels, JSON Lines")
	dir := fs.String("interactions", "", "folder of the labelled interactions (default: interactions/ beside the labels)")
	path := fs.String("config", os.Getenv("ZHIJIAN_CONFIG"), "YAML configuration file: its llm, recordings and stt sections are used")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: zhijian calibrate [--labels FILE] [--interactions DIR] [--config FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(e.stderr, "zhijian calibrate: %v\n", err)
		return code
	}
	f, err := os.Open(*labelsPath)
	if err != nil {
		return fail(1, err)
	}
	labels, err := calibrate.ReadLabels(f, *labelsPath)
	f.Close()
	if err != nil {
		return fail(1, err)
	}
	if *dir == "" {
		*dir = filepath.Join(filepath.Dir(*labelsPath), "interactions")
	}
	cfg, err := loadConfig(*path, os.Environ())
	if err != nil {
		return fail(2, err)
	}
	voice, err := newVoice(cfg)
	if err != nil {
		return fail(2, err)
	}
	router, _, err := newRouterOf(cfg.Scoring.Packs, &cfg.LLM)
	if err != nil {
		return fail(1, err)
	}
	score := cfg.scoring(router, voice)
	files, err := expand([]string{*dir})
	if err != nil {
		return fail(1, err)
	}
	var results []schemas.Result
	failed := 0
	for _, name := range files {
		err := eachInteraction(e, name, func(in *schemas.Interaction) error {
			rs, err := score(ctx, in)
			for _, r := range rs {
				results = append(results, *r)
			}
			return err
		}, func(err error) { failed++; fmt.Fprintln(e.stderr, err) })
		if err != nil {
			return fail(1, err)
		}
	}
	fmt.Fprintf(e.stdout, "%d interactions scored, %d human labels (%s)\n\n", len(results), len(labels), *labelsPath)
	if err := calibrate.Write(e.stdout, calibrate.Compare(calibrate.Join(labels, results))); err != nil {
		return fail(1, err)
	}
	if cfg.LLM.URL == "" {
		fmt.Fprintln(e.stdout, "\nLLM items are not evaluated: no LLM endpoint is configured (llm.url, ZHIJIAN_LLM_URL).")
	}
	if inter := calibrate.InterLabeller(labels); len(inter) > 0 {
		fmt.Fprintln(e.stdout, "\nbetween labellers (second labels):")
		if err := calibrate.Write(e.stdout, inter); err != nil {
			return fail(1, err)
		}
	}
	if failed > 0 {
		return fail(1, fmt.Errorf("%d interaction(s) could not be scored", failed))
	}
	return 0
}
