// Package packtest runs a pack's *_test.yaml cases: each case is an
// interaction and the verdicts (and flags) it must get. It also checks that
// every scorecard item has at least one passing and one failing case.
package packtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
	"github.com/zhijian-qa/zhijian/scorers/rule"
)

// File is a parsed test file.
type File struct {
	Pack     string         `yaml:"pack"`
	Defaults map[string]any `yaml:"defaults"`
	Cases    []Case         `yaml:"cases"`
}

// Case is one interaction and what it must get.
type Case struct {
	Name        string            `yaml:"name"`
	Interaction map[string]any    `yaml:"interaction"`
	Expect      map[string]string `yaml:"expect"`
	Flags       *[]string         `yaml:"flags"`
	line        int
}

// Report is the outcome of one test file.
type Report struct {
	File     string
	Cases    int
	Failures []string // readable expected/got diffs, one per failed case or problem
}

// OK reports whether every case passed.
func (r *Report) OK() bool { return len(r.Failures) == 0 }

// Run runs the test file at path.
func Run(path string) *Report {
	rep := &Report{File: path}
	data, err := os.ReadFile(path)
	if err != nil {
		rep.Failures = append(rep.Failures, err.Error())
		return rep
	}
	var f File
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		rep.Failures = append(rep.Failures, fmt.Sprintf("%s: %v", path, err))
		return rep
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		rep.Failures = append(rep.Failures, fmt.Sprintf("%s: %v", path, err))
		return rep
	}
	caseLines(&doc, f.Cases)
	if f.Pack == "" {
		rep.Failures = append(rep.Failures, path+": pack is required")
		return rep
	}
	packPath := filepath.Join(filepath.Dir(path), f.Pack)
	pack, err := rulefmt.ParseFile(packPath)
	if err != nil {
		rep.Failures = append(rep.Failures, err.Error())
		return rep
	}
	prog, err := rules.Compile(pack)
	if err != nil {
		rep.Failures = append(rep.Failures, err.Error())
		return rep
	}
	var reg scorers.Registry
	if err := reg.Register(rule.Name, rule.New(prog)); err != nil {
		rep.Failures = append(rep.Failures, err.Error())
		return rep
	}
	runner := scorers.NewRunner(scorers.CardOf(pack), &reg, "test")
	// Items a language model judges are measured against human labels
	// (zhijian calibrate), not pack tests.
	items := map[string]bool{}
	for _, s := range pack.Scorecard.Sections {
		for _, it := range s.Items {
			items[it.ID] = it.LLM == ""
		}
	}
	seen := map[string]map[schemas.Verdict]bool{}
	names := map[string]bool{}
	for i, c := range f.Cases {
		rep.Cases++
		where := fmt.Sprintf("%s:%d: case %q", path, c.line, c.Name)
		if c.Name == "" || names[c.Name] {
			rep.Failures = append(rep.Failures, fmt.Sprintf("%s:%d: case %d needs a unique name", path, c.line, i+1))
			continue
		}
		names[c.Name] = true
		in, err := buildInteraction(f.Defaults, c, i)
		if err != nil {
			rep.Failures = append(rep.Failures, fmt.Sprintf("%s: bad interaction:\n      %s", where,
				strings.ReplaceAll(err.Error(), "\n", "\n      ")))
			continue
		}
		res := runner.Score(context.Background(), in, rules.TurnMetrics(in))
		got := map[string]*schemas.Finding{}
		for j := range res.Findings {
			got[res.Findings[j].Item] = &res.Findings[j]
		}
		var diffs []string
		for _, id := range sortedKeys(c.Expect) {
			want := schemas.Verdict(c.Expect[id])
			f, ok := got[id]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("item %s: no such item in the scorecard", id))
				continue
			}
			switch want {
			case schemas.Pass, schemas.Fail, schemas.NA, schemas.NotEvaluated:
			default:
				diffs = append(diffs, fmt.Sprintf("item %s: expected verdict %q is not pass, fail, na or not_evaluated", id, want))
				continue
			}
			if seen[id] == nil {
				seen[id] = map[schemas.Verdict]bool{}
			}
			seen[id][want] = true
			if f.Verdict != want {
				diffs = append(diffs, fmt.Sprintf("item %s:\n        expected: %s\n        got:      %s (%s)%s",
					id, want, f.Verdict, f.Rationale, evidence(f)))
			}
		}
		if c.Flags != nil {
			want := slices.Clone(*c.Flags)
			sort.Strings(want)
			gotFlags := slices.Clone(res.FlagReasons)
			sort.Strings(gotFlags)
			if !slices.Equal(want, gotFlags) {
				diffs = append(diffs, fmt.Sprintf("flags:\n        expected: %v\n        got:      %v", want, gotFlags))
			}
		}
		if len(diffs) > 0 {
			rep.Failures = append(rep.Failures, where+":\n    "+strings.Join(diffs, "\n    "))
		}
	}
	for _, id := range sortedKeys(items) {
		if !items[id] {
			continue
		}
		for _, v := range []schemas.Verdict{schemas.Pass, schemas.Fail} {
			if !seen[id][v] {
				rep.Failures = append(rep.Failures, fmt.Sprintf("%s: item %s has no case expecting %s", path, id, v))
			}
		}
	}
	return rep
}

func evidence(f *schemas.Finding) string {
	var b strings.Builder
	for _, e := range f.Evidence {
		if e.Quote != "" {
			fmt.Fprintf(&b, "\n          evidence: turn %d %q", e.Turn, e.Quote)
		} else {
			fmt.Fprintf(&b, "\n          evidence: turn %d at %d ms for %d ms", e.Turn, e.OffsetMS, e.DurationMS)
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// caseLines records where each case starts, for messages.
func caseLines(doc *yaml.Node, cases []Case) {
	if len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "cases" {
			continue
		}
		for j, n := range root.Content[i+1].Content {
			if j < len(cases) {
				cases[j].line = n.Line
			}
		}
	}
}

var turnShorthand = regexp.MustCompile(`(?s)^\s*(\w+)(?:\s+(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?)?\s*:\s?(.*)$`)

// buildInteraction merges defaults and the case, fills what a test need not
// say (schema, id, tenant, started_at), expands turn shorthands and decodes
// the result like any producer's message.
func buildInteraction(defaults map[string]any, c Case, index int) (*schemas.Interaction, error) {
	m := map[string]any{
		"schema":     schemas.SchemaInteractionV1,
		"id":         fmt.Sprintf("case-%03d", index+1),
		"tenant":     "test",
		"channel":    "chat",
		"started_at": "2026-11-01T09:00:00+08:00",
	}
	for k, v := range defaults {
		m[k] = v
	}
	for k, v := range c.Interaction {
		m[k] = v
	}
	if turns, ok := m["turns"].([]any); ok {
		prev := -5000.0
		out := make([]any, len(turns))
		for i, t := range turns {
			s, ok := t.(string)
			if !ok {
				out[i] = t
				if tm, ok := t.(map[string]any); ok {
					if v, ok := tm["start_ms"].(int); ok {
						prev = float64(v)
					}
				}
				continue
			}
			sm := turnShorthand.FindStringSubmatch(s)
			if sm == nil {
				return nil, fmt.Errorf("turns[%d]: %q is not \"SPEAKER[ START[-END]]: TEXT\"", i, s)
			}
			turn := map[string]any{"speaker": sm[1], "text": sm[4]}
			start := prev + 5000
			if sm[2] != "" {
				v, _ := strconv.ParseFloat(sm[2], 64)
				start = v * 1000
			}
			turn["start_ms"] = int64(start)
			if sm[3] != "" {
				v, _ := strconv.ParseFloat(sm[3], 64)
				turn["end_ms"] = int64(v * 1000)
			}
			prev = start
			out[i] = turn
		}
		m["turns"] = out
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return schemas.Decode(data)
}

// Files expands paths (files or directories) into pack files, or with
// tests set into *_test.yaml files. Named files are taken as they are.
func Files(paths []string, tests bool) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(p, "*.yaml"))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			if strings.HasSuffix(m, "_test.yaml") == tests {
				out = append(out, m)
			}
		}
	}
	return out, nil
}
