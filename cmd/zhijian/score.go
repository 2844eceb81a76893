package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/rules/packs"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
	"github.com/zhijian-qa/zhijian/scorers/llm"
	"github.com/zhijian-qa/zhijian/scorers/rule"
)

func runScore(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	pack := fs.String("pack", "", "pack id or file (default: every shipped pack, chosen by the interaction's language)")
	path := fs.String("config", os.Getenv("ZHIJIAN_CONFIG"), "YAML configuration file: its recordings and stt sections are used (ZHIJIAN_* variables override it)")
	recordings := fs.String("recordings", "", "directory file:// recording URIs resolve in (overrides recordings.root)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: zhijian score [--pack ID|PATH] [--recordings DIR] [--config FILE] [FILE|-]...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(*path, os.Environ())
	if err == nil && *recordings != "" {
		cfg.Recordings.Root = *recordings
		err = cfg.validate()
	}
	var voice *pipeline.Voice
	if err == nil {
		voice, err = newVoice(cfg)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian score: %v\n", err)
		return 2
	}
	router, _, err := newRouter(*pack, &cfg.LLM)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian score: %v\n", err)
		return 1
	}
	score := cfg.scoring(router, voice)
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, name := range inputs {
		err := eachInteraction(e, name, func(in *schemas.Interaction) error {
			rs, err := score(ctx, in)
			for _, r := range rs {
				if err == nil {
					err = enc.Encode(r)
				}
			}
			return err
		}, func(err error) { failed++; fmt.Fprintln(e.stderr, err) })
		if err != nil {
			fmt.Fprintf(e.stderr, "zhijian score: %v\n", err)
			return 1
		}
	}
	if failed > 0 {
		out.Flush()
		fmt.Fprintf(e.stderr, "zhijian score: %d interaction(s) could not be scored\n", failed)
		return 1
	}
	return 0
}

// eachInteraction decodes every interaction in a file ("-" is stdin). Bad
// records go to bad and reading goes on; the error is for I/O failures.
func eachInteraction(e *env, name string, fn func(*schemas.Interaction) error, bad func(error)) error {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	rd := schemas.NewReader(r, name)
	for {
		in, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var rec *schemas.RecordError
		switch {
		case errors.As(err, &rec):
			bad(err)
		case err != nil:
			return fmt.Errorf("read %s: %w", name, err)
		default:
			if err := fn(in); err != nil {
				bad(fmt.Errorf("%s: interaction %s: %w", name, in.ID, err))
			}
		}
	}
}

// newRouter loads one pack (by id or path) or every shipped pack.
func newRouter(ref string, lc *llmConfig) (*scorers.Router, []packLLM, error) {
	if ref == "" {
		return newRouterOf(nil, lc)
	}
	return newRouterOf([]string{ref}, lc)
}

// packLLM is the LLM scorer of a pack.
type packLLM struct {
	pack   string
	scorer *llm.Scorer
}

// newRouterOf loads packs by id or path; none loads every shipped pack.
// Each gets the rule scorer, and the LLM scorer for its LLM items when an
// endpoint is configured (lc.URL).
func newRouterOf(refs []string, lc *llmConfig) (*scorers.Router, []packLLM, error) {
	var progs []*rules.Program
	for _, ref := range refs {
		p, err := packs.Load(ref)
		if err != nil {
			return nil, nil, err
		}
		progs = append(progs, p)
	}
	if len(refs) == 0 {
		all, err := packs.All()
		if err != nil {
			return nil, nil, err
		}
		progs = all
	}
	runners := make([]*scorers.Runner, 0, len(progs))
	var llms []packLLM
	for _, p := range progs {
		var reg scorers.Registry
		if err := reg.Register(rule.Name, rule.New(p)); err != nil {
			return nil, nil, err
		}
		if spec, ok := llm.SpecOf(p.Pack); ok && lc != nil && lc.URL != "" {
			s, err := llm.New(lc.scorerConfig(), spec)
			if err != nil {
				return nil, nil, fmt.Errorf("pack %s: %w", p.Pack.Meta.ID, err)
			}
			if err := reg.Register(llm.Name, s); err != nil {
				return nil, nil, err
			}
			llms = append(llms, packLLM{p.Pack.Meta.ID, s})
		}
		runners = append(runners, scorers.NewRunner(scorers.CardOf(p.Pack), &reg, version))
	}
	return scorers.NewRouter(runners...), llms, nil
}
