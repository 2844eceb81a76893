package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden results in testdata/golden")

// zhijian runs the command in-process and returns its exit code and output.
func zhijian(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestScoreReproducesGoldenResults scores every sample interaction and
// compares each Result, with processed_at and the engine version
// normalized, to testdata/golden/NAME.json. Run with -update to rewrite.
func TestScoreReproducesGoldenResults(t *testing.T) {
	root := filepath.Join("..", "..")
	files, err := filepath.Glob(filepath.Join(root, "testdata", "interactions", "*.json"))
	if err != nil || len(files) < 40 {
		t.Fatalf("want at least 40 sample interactions, found %d (%v)", len(files), err)
	}
	// The synthetic calls are scored on their measured audio.
	calls, _ := filepath.Glob(filepath.Join(root, "testdata", "calls", "*.json"))
	if len(calls) < 12 {
		t.Fatalf("want at least 12 synthetic calls, found %d", len(calls))
	}
	files = append(files, calls...)
	code, out, stderr := zhijian(t, "", append([]string{"score", "--recordings", filepath.Join(root, "testdata")}, files...)...)
	if code != 0 {
		t.Fatalf("zhijian score exited %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d results for %d interactions", len(lines), len(files))
	}
	for i, line := range lines {
		var res map[string]any
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatalf("result %d is not JSON: %v", i, err)
		}
		res["processed_at"] = "2026-01-01T00:00:00Z"
		res["engine_version"] = "golden"
		got, _ := json.MarshalIndent(res, "", "  ")
		got = append(got, '\n')
		name := strings.TrimSuffix(filepath.Base(files[i]), ".json")
		golden := filepath.Join(root, "testdata", "golden", name+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%s: %v (run go test ./cmd/zhijian -update)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: result differs from %s:\n%s", name, golden, firstDiff(string(want), string(got)))
		}
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, a, b)
		}
	}
	return ""
}

func TestScoreBadInputKeepsGoing(t *testing.T) {
	good := `{"schema":"zhijian.interaction.v1","id":"c-1","tenant":"t","channel":"chat","language":"en-US","started_at":"2026-11-01T09:30:00Z","turns":[{"speaker":"agent","text":"Thank you for contacting Shopwell, my name is Ann.","start_ms":0}]}`
	stdin := good + "\n" + `{"id": 5}` + "\n" + strings.Replace(good, "c-1", "c-2", 1) + "\n"
	code, out, stderr := zhijian(t, stdin, "score", "-")
	if code != 1 {
		t.Errorf("exit %d, want 1 when a record is bad", code)
	}
	if n := strings.Count(out, `"interaction_id"`); n != 2 {
		t.Errorf("%d results, want the 2 good ones:\n%s", n, out)
	}
	if !strings.Contains(stderr, "-:2:") || !strings.Contains(stderr, "id: must be a string") {
		t.Errorf("stderr does not name the place of the problem:\n%s", stderr)
	}
}

func TestScoreUnknownLanguageIsAnError(t *testing.T) {
	in := `{"schema":"zhijian.interaction.v1","id":"c-1","tenant":"t","channel":"chat","language":"fr-FR","started_at":"2026-11-01T09:30:00Z","turns":[{"speaker":"agent","text":"Bonjour","start_ms":0}]}`
	code, _, stderr := zhijian(t, in, "score")
	if code != 1 || !strings.Contains(stderr, `no scorecard for language "fr-FR"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// With an explicit pack the language does not matter.
	if code, out, _ := zhijian(t, in, "score", "--pack", "ecommerce-en"); code != 0 || !strings.Contains(out, `"scorecard":"ecommerce-en"`) {
		t.Errorf("--pack ecommerce-en: exit %d, %s", code, out)
	}
}

func TestRulesCheckReportsPositions(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("pack: {id: x, version: '1', language: en}\nscorecard:\n  sections:\n    - id: s\n      items:\n        - {id: a, require: {text: {lexicon: nope}}}\n        - {id: a, require: {text: {regex: '(('}}}\n"), 0o644)
	code, out, _ := zhijian(t, "", "rules", "check", bad)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{bad + `:6:45: undefined lexicon "nope"`, bad + `:7:11: duplicate item id "a"`, bad + ":7:43: bad regex"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	long := filepath.Join(dir, "long.yaml")
	os.WriteFile(long, []byte("pack: {id: x, version: '1', language: en}\nscorecard:\n  sections:\n    - id: s\n      items:\n"+
		"        - {id: b, require: {text: {phrases: ["+strings.Repeat("长", 256)+"]}}}\n"), 0o644)
	if code, out, _ := zhijian(t, "", "rules", "check", long); code != 1 || !strings.Contains(out, long+":6:46: phrase is longer than 255 characters") {
		t.Errorf("a phrase of 256 characters: exit %d, %s", code, out)
	}
	if code, _, stderr := zhijian(t, "", "rules", "check", filepath.Join("..", "..", "rules", "packs")); code != 0 {
		t.Errorf("shipped packs do not check: %s", stderr)
	}
}

func TestRulesTestShowsExpectedAndGot(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("pack: {id: p, version: '1', language: en}\nscorecard:\n  sections:\n    - id: s\n      items:\n        - {id: hello, require: {text: {phrases: [hello]}}}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "p_test.yaml"), []byte("pack: p.yaml\ncases:\n  - name: says hi\n    interaction: {turns: ['agent: hi there']}\n    expect: {hello: pass}\n"), 0o644)
	code, out, _ := zhijian(t, "", "rules", "test", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{`case "says hi"`, "expected: pass", "got:      fail", "item hello has no case expecting fail"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestShippedPackTestsPass(t *testing.T) {
	code, out, stderr := zhijian(t, "", "rules", "test", filepath.Join("..", "..", "rules", "packs"), filepath.Join("..", "..", "rules", "testdata"))
	if code != 0 {
		t.Fatalf("rules test failed:\n%s%s", out, stderr)
	}
}

func TestVersionAndUsage(t *testing.T) {
	if code, out, _ := zhijian(t, "", "version"); code != 0 || !strings.HasPrefix(out, "zhijian ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, stderr := zhijian(t, "", "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, stderr)
	}
}
