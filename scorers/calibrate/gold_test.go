package calibrate

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
)

// The gold set: testdata/gold (see its GUIDELINE.md and README.md).
var (
	goldDir    = filepath.Join("..", "..", "testdata", "gold")
	packDir    = filepath.Join("..", "..", "rules", "packs")
	updateGold = flag.Bool("update", false, "rewrite the counts in testdata/gold/README.md")
)

// goldPacks maps each scorecard of the gold set to the tenant and language
// of its interactions.
var goldPacks = map[string]struct{ tenant, language string }{
	"logistics-zh": {"acme-express", "zh-CN"},
	"ecommerce-en": {"shopwell", "en-US"},
}

// Items a human can never mark na (GUIDELINE.md, section 2).
var goldNeverNA = []string{"standard_opening", "no_shirking", "greeting_brand_name", "no_forbidden_phrases"}

func readGoldLabels(t *testing.T) []Label {
	t.Helper()
	path := filepath.Join(goldDir, "labels.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	labels, err := ReadLabels(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return labels
}

func firstLabels(labels []Label) []Label {
	return slices.DeleteFunc(slices.Clone(labels), func(l Label) bool { return l.Second })
}

func TestGoldInteractionsExistAndDecode(t *testing.T) {
	labels := readGoldLabels(t)
	scorecardOf := map[string]string{}
	for _, l := range labels {
		if sc, ok := scorecardOf[l.InteractionID]; ok && sc != l.Scorecard {
			t.Errorf("line %d: %s labelled on %s and %s", l.Line, l.InteractionID, sc, l.Scorecard)
		}
		scorecardOf[l.InteractionID] = l.Scorecard
	}
	if len(scorecardOf) < 60 {
		t.Errorf("%d distinct interactions labelled, want at least 60", len(scorecardOf))
	}
	for id, sc := range scorecardOf {
		pack, ok := goldPacks[sc]
		if !ok {
			t.Errorf("%s: scorecard %q is not one of the gold set's packs", id, sc)
			continue
		}
		path := filepath.Join(goldDir, "interactions", id+".json")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		in, err := schemas.Decode(data)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if in.ID != id || in.Tenant != pack.tenant || in.Language != pack.language {
			t.Errorf("%s: id %q tenant %q language %q, want %q %q %q", path, in.ID, in.Tenant, in.Language, id, pack.tenant, pack.language)
		}
		if n := len(in.Turns); n < 6 || n > 20 {
			t.Errorf("%s: %d turns, want 6-20", path, n)
		}
		if in.Channel == schemas.Voice && in.Recording != nil {
			t.Errorf("%s: the gold set's voice interactions are transcripts without recordings", path)
		}
	}
	// Every interaction file is labelled.
	files, _ := filepath.Glob(filepath.Join(goldDir, "interactions", "*.json"))
	for _, f := range files {
		if id := strings.TrimSuffix(filepath.Base(f), ".json"); scorecardOf[id] == "" {
			t.Errorf("%s has no labels", f)
		}
	}
}

// packItems returns a pack's scorecard item ids, and which of them are
// LLM-judged (have an llm question). The ids come from rulefmt.ParseFile
// when it accepts the pack; the llm questions always come from a plain YAML
// read, so this check does not depend on how rulefmt (whose llm support is
// new) exposes them.
func packItems(t *testing.T, scorecard string) (ids, llm map[string]bool) {
	t.Helper()
	path := filepath.Join(packDir, scorecard+".yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Scorecard struct {
			Sections []struct {
				Items []struct {
					ID  string `yaml:"id"`
					LLM string `yaml:"llm"`
				} `yaml:"items"`
			} `yaml:"sections"`
		} `yaml:"scorecard"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	ids, llm = map[string]bool{}, map[string]bool{}
	for _, s := range doc.Scorecard.Sections {
		for _, it := range s.Items {
			ids[it.ID] = true
			if strings.TrimSpace(it.LLM) != "" {
				llm[it.ID] = true
			}
		}
	}
	pack, err := rulefmt.ParseFile(path)
	if err != nil {
		// The parser may lag behind the shipped pack (it learnt the llm
		// fields late); the YAML read above stands in for it.
		t.Logf("rulefmt.ParseFile: %v; item ids read from the YAML instead", firstLine(err.Error()))
		return ids, llm
	}
	parsed := map[string]bool{}
	for _, s := range pack.Scorecard.Sections {
		for _, it := range s.Items {
			parsed[it.ID] = true
		}
	}
	return parsed, llm
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func TestGoldItemsExistInTheirPacks(t *testing.T) {
	labels := readGoldLabels(t)
	for sc := range goldPacks {
		ids, llm := packItems(t, sc)
		labelled := map[string]bool{}
		for _, l := range labels {
			if l.Scorecard != sc {
				continue
			}
			labelled[l.Item] = true
			if !ids[l.Item] {
				t.Errorf("line %d: item %q is not in pack %s", l.Line, l.Item, sc)
			}
		}
		for id := range llm {
			if !labelled[id] {
				t.Errorf("%s: LLM item %s is not labelled", sc, id)
			}
		}
		if len(llm) != 4 || len(labelled) != 10 {
			t.Errorf("%s: %d LLM items and %d labelled items, want 4 and 10 (4 LLM + 6 rule)", sc, len(llm), len(labelled))
		}
	}
}

func TestGoldEveryInteractionLabelledOnEveryItem(t *testing.T) {
	items := map[string]map[string]bool{} // scorecard → items
	byInteraction := map[string]map[string]bool{}
	scorecardOf := map[string]string{}
	for _, l := range firstLabels(readGoldLabels(t)) {
		if items[l.Scorecard] == nil {
			items[l.Scorecard] = map[string]bool{}
		}
		items[l.Scorecard][l.Item] = true
		if byInteraction[l.InteractionID] == nil {
			byInteraction[l.InteractionID] = map[string]bool{}
		}
		byInteraction[l.InteractionID][l.Item] = true
		scorecardOf[l.InteractionID] = l.Scorecard
	}
	for id, got := range byInteraction {
		for item := range items[scorecardOf[id]] {
			if !got[item] {
				t.Errorf("%s: no first label for %s", id, item)
			}
		}
	}
}

func TestGoldEveryItemHasPassesAndFails(t *testing.T) {
	type key struct{ scorecard, item string }
	count := map[key]map[schemas.Verdict]int{}
	for _, l := range firstLabels(readGoldLabels(t)) {
		k := key{l.Scorecard, l.Item}
		if count[k] == nil {
			count[k] = map[schemas.Verdict]int{}
		}
		count[k][l.Verdict]++
		if l.Verdict == schemas.NA && slices.Contains(goldNeverNA, l.Item) {
			t.Errorf("line %d: %s %s is never na (GUIDELINE.md)", l.Line, l.InteractionID, l.Item)
		}
	}
	for k, c := range count {
		if c[schemas.Pass] == 0 || c[schemas.Fail] == 0 {
			t.Errorf("%s %s: %d pass, %d fail; want at least one of each", k.scorecard, k.item, c[schemas.Pass], c[schemas.Fail])
		}
		if !slices.Contains(goldNeverNA, k.item) && c[schemas.NA] == 0 {
			t.Errorf("%s %s: no na case, though the item allows na", k.scorecard, k.item)
		}
	}
}

func TestGoldSecondLabelsCoverWholeInteractions(t *testing.T) {
	labels := readGoldLabels(t)
	seconds := map[string]int{}
	for _, l := range labels {
		if l.Second {
			seconds[l.InteractionID]++
		}
	}
	if len(seconds) < 10 {
		t.Errorf("%d interactions double-labelled, want about 10", len(seconds))
	}
	for id, n := range seconds {
		if n != 10 {
			t.Errorf("%s: %d second labels, want all 10 items", id, n)
		}
	}
	var b bytes.Buffer
	if err := Write(&b, InterLabeller(labels)); err != nil {
		t.Fatal(err)
	}
	t.Logf("inter-labeller agreement:\n%s", b.String())
}

// TestGoldREADMECounts keeps the counts in testdata/gold/README.md in step
// with the data; go test -run GoldREADME -update rewrites them.
func TestGoldREADMECounts(t *testing.T) {
	labels := readGoldLabels(t)
	want := goldCounts(t, labels)
	path := filepath.Join(goldDir, "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- counts:begin -->\n", "<!-- counts:end -->"
	i, j := bytes.Index(data, []byte(begin)), bytes.Index(data, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s: no %q … %q block", path, strings.TrimSpace(begin), end)
	}
	got := string(data[i+len(begin) : j])
	if got == want {
		return
	}
	if *updateGold {
		out := slices.Concat(data[:i+len(begin)], []byte(want), data[j:])
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: counts are stale; run go test ./scorers/calibrate -run GoldREADME -update\nwant:\n%s", path, want)
}

// goldCounts renders the counts block of the README.
func goldCounts(t *testing.T, labels []Label) string {
	t.Helper()
	var b strings.Builder
	// Interactions per language and channel.
	type lc struct{ lang, channel string }
	perLC := map[lc]int{}
	turns := 0
	ids := map[string]bool{}
	for _, l := range labels {
		ids[l.InteractionID] = true
	}
	for id := range ids {
		data, err := os.ReadFile(filepath.Join(goldDir, "interactions", id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		in, err := schemas.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		perLC[lc{in.Language, string(in.Channel)}]++
		turns += len(in.Turns)
	}
	langs := []string{"zh-CN", "en-US"}
	channels := []string{"chat", "voice", "email"}
	fmt.Fprintf(&b, "Interactions: %d (%d turns).\n\n", len(ids), turns)
	b.WriteString("| language | chat | voice | email | total |\n|---|---:|---:|---:|---:|\n")
	for _, lang := range langs {
		total := 0
		fmt.Fprintf(&b, "| %s |", lang)
		for _, ch := range channels {
			n := perLC[lc{lang, ch}]
			total += n
			fmt.Fprintf(&b, " %d |", n)
		}
		fmt.Fprintf(&b, " %d |\n", total)
	}

	// First labels per item and verdict.
	type key struct{ scorecard, item string }
	count := map[key]*[3]int{}
	var keys []key
	firsts := firstLabels(labels)
	for _, l := range firsts {
		k := key{l.Scorecard, l.Item}
		if count[k] == nil {
			count[k] = new([3]int)
			keys = append(keys, k)
		}
		count[k][category(l.Verdict)]++
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		al, bl := strings.HasPrefix(a.item, "llm_"), strings.HasPrefix(b.item, "llm_")
		if a.scorecard != b.scorecard {
			return a.scorecard > b.scorecard // logistics-zh first
		}
		if al != bl {
			return !al // rule items first
		}
		return a.item < b.item
	})
	fmt.Fprintf(&b, "\nFirst (gold) labels: %d.\n\n", len(firsts))
	b.WriteString("| scorecard | item | pass | fail | na |\n|---|---|---:|---:|---:|\n")
	var totals [3]int
	for _, k := range keys {
		c := count[k]
		fmt.Fprintf(&b, "| %s | `%s` | %d | %d | %d |\n", k.scorecard, k.item, c[0], c[1], c[2])
		for i := range 3 {
			totals[i] += c[i]
		}
	}
	fmt.Fprintf(&b, "| all | | %d | %d | %d |\n", totals[0], totals[1], totals[2])

	// Second labels and inter-labeller agreement.
	secondIDs := map[string]bool{}
	secondLines, disagree := 0, 0
	first := map[labelKey]schemas.Verdict{}
	for _, l := range firsts {
		first[labelKey{l.InteractionID, l.Scorecard, l.Item}] = l.Verdict
	}
	for _, l := range labels {
		if l.Second {
			secondIDs[l.InteractionID] = true
			secondLines++
			if first[labelKey{l.InteractionID, l.Scorecard, l.Item}] != l.Verdict {
				disagree++
			}
		}
	}
	fmt.Fprintf(&b, "\nSecond (blind) labels: %d on %d interactions, %d disagreeing with the first label.\n", secondLines, len(secondIDs), disagree)
	b.WriteString("Inter-labeller agreement (rows first labeller, columns second; `calibrate.InterLabeller`):\n\n```\n")
	if err := Write(&b, InterLabeller(labels)); err != nil {
		t.Fatal(err)
	}
	b.WriteString("```\n")
	return b.String()
}
