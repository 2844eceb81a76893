package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/rules/packtest"
	"github.com/zhijian-qa/zhijian/rules/rulefmt"
)

func runRules(_ context.Context, e *env, args []string) int {
	if len(args) < 2 || (args[0] != "check" && args[0] != "test") {
		fmt.Fprintln(e.stderr, "usage: zhijian rules check PATH...   (pack files or directories)")
		fmt.Fprintln(e.stderr, "       zhijian rules test PATH...    (*_test.yaml files or directories)")
		return 2
	}
	if args[0] == "check" {
		return rulesCheck(e, args[1:])
	}
	return rulesTest(e, args[1:])
}

func rulesCheck(e *env, paths []string) int {
	files, err := packtest.Files(paths, false)
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no pack files in %s", strings.Join(paths, ", "))
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian rules check: %v\n", err)
		return 1
	}
	bad := 0
	for _, f := range files {
		pack, err := rulefmt.ParseFile(f)
		if err == nil {
			_, err = rules.Compile(pack)
		}
		if err != nil {
			bad++
			var errs rulefmt.Errors
			if errors.As(err, &errs) {
				for _, x := range errs {
					fmt.Fprintln(e.stdout, x)
				}
			} else {
				fmt.Fprintf(e.stdout, "%s:1:1: %v\n", f, err)
			}
			continue
		}
		items := 0
		for _, s := range pack.Scorecard.Sections {
			items += len(s.Items)
		}
		fmt.Fprintf(e.stderr, "%s: ok (%s %s, %d items)\n", f, pack.Meta.ID, pack.Meta.Version, items)
	}
	if bad > 0 {
		return 1
	}
	return 0
}

func rulesTest(e *env, paths []string) int {
	files, err := packtest.Files(paths, true)
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no *_test.yaml files in %s", strings.Join(paths, ", "))
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian rules test: %v\n", err)
		return 1
	}
	failed := 0
	for _, f := range files {
		rep := packtest.Run(f)
		if rep.OK() {
			fmt.Fprintf(e.stdout, "ok   %s: %d cases\n", f, rep.Cases)
			continue
		}
		failed++
		fmt.Fprintf(e.stdout, "FAIL %s: %d cases, %d problems\n", f, rep.Cases, len(rep.Failures))
		for _, x := range rep.Failures {
			fmt.Fprintf(e.stdout, "  %s\n", x)
		}
	}
	if failed > 0 {
		return 1
	}
	return 0
}
