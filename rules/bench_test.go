package rules_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/rules/match"
	"github.com/zhijian-qa/zhijian/rules/packs"
	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers"
	"github.com/zhijian-qa/zhijian/scorers/rule"
)

func load(b *testing.B, name string) *schemas.Interaction {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "interactions", name))
	if err != nil {
		b.Fatal(err)
	}
	in, err := schemas.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	return in
}

// chat20 is a 20-turn Chinese logistics chat made of two sample chats.
func chat20(b *testing.B) *schemas.Interaction {
	in := load(b, "zh-chat-001-lost-parcel-good.json")
	more := load(b, "zh-chat-009-claim-good.json")
	last := in.Turns[len(in.Turns)-1].StartMS
	for _, t := range more.Turns[len(more.Turns)-(20-len(in.Turns)):] {
		t.StartMS += last
		in.Turns = append(in.Turns, t)
	}
	if len(in.Turns) != 20 {
		b.Fatalf("%d turns", len(in.Turns))
	}
	return in
}

// BenchmarkScoreChat20 scores one 20-turn chat with logistics-zh: decode
// excluded, timing metrics, rule evaluation and aggregation included.
func BenchmarkScoreChat20(b *testing.B) {
	prog, err := packs.Load("logistics-zh")
	if err != nil {
		b.Fatal(err)
	}
	var reg scorers.Registry
	if err := reg.Register(rule.Name, rule.New(prog)); err != nil {
		b.Fatal(err)
	}
	runner := scorers.NewRunner(scorers.CardOf(prog.Pack), &reg, "bench")
	in := chat20(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res := runner.Score(ctx, in, rules.TurnMetrics(in))
		if len(res.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
}

// corpus writes every sample turn, normalized, one per line, repeated to
// about 8 MB, and the pack's phrases, one per line.
func corpus(b *testing.B) (text [][]byte, textFile, phraseFile string, m *match.Matcher) {
	prog, err := packs.Load("logistics-zh")
	if err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "interactions", "zh-*.json"))
	var lines [][]byte
	for _, f := range files {
		in := load(b, filepath.Base(f))
		for _, t := range in.Turns {
			lines = append(lines, []byte(match.NormalizeString(t.Text)))
		}
	}
	var buf bytes.Buffer
	for buf.Len() < 8<<20 {
		for _, l := range lines {
			text = append(text, l)
			buf.Write(l)
			buf.WriteByte('\n')
		}
	}
	dir := b.TempDir()
	textFile, phraseFile = filepath.Join(dir, "text"), filepath.Join(dir, "phrases")
	phrases := prog.Phrases()
	if err := os.WriteFile(textFile, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(phraseFile, []byte(strings.Join(phrases, "\n")+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	m, err = match.Compile(phrases, len(phrases))
	if err != nil {
		b.Fatal(err)
	}
	return text, textFile, phraseFile, m
}

// BenchmarkPhraseMatch runs the pack's automaton over normalized text; run
// it with BenchmarkGrepBaseline, which runs grep -F -c -f over the same
// bytes, and compare MB/s.
func BenchmarkPhraseMatch(b *testing.B) {
	text, _, _, m := corpus(b)
	size := 0
	for _, l := range text {
		size += len(l) + 1
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		n := 0
		for _, l := range text {
			n += m.Count(l)
		}
		if n == 0 {
			b.Fatal("no matches")
		}
	}
}

func BenchmarkGrepBaseline(b *testing.B) {
	grep, err := exec.LookPath("grep")
	if err != nil {
		b.Skip("grep not installed")
	}
	_, textFile, phraseFile, _ := corpus(b)
	st, _ := os.Stat(textFile)
	b.SetBytes(st.Size())
	for b.Loop() {
		out, err := exec.Command(grep, "-F", "-c", "-f", phraseFile, textFile).Output()
		if err != nil || len(bytes.TrimSpace(out)) == 0 {
			b.Fatalf("grep: %v", err)
		}
	}
}

// BenchmarkNormalize is the cost of normalizing the same text first.
func BenchmarkNormalize(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "interactions", "zh-*.json"))
	var texts []string
	size := 0
	for _, f := range files {
		for _, t := range load(b, filepath.Base(f)).Turns {
			texts = append(texts, t.Text)
			size += len(t.Text)
		}
	}
	b.SetBytes(int64(size))
	var tx match.Text
	for b.Loop() {
		for _, s := range texts {
			tx.Reset()
			match.Normalize(&tx, s)
		}
	}
}
