package rulefmt

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseGood(t *testing.T) {
	p, err := ParseFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Meta.ID != "tiny" || len(p.Lexicons) != 3 || p.Scorecard.Sections[0].Items[0].Require.Kind != "ref" {
		t.Fatalf("parsed %+v", p)
	}
	if p.Lexicons[0].Name != "greet" || p.Lexicons[1].Name != "angry" {
		t.Errorf("lexicons out of file order: %v", p.Lexicons)
	}
}

// bad replaces old with new in the good pack and expects the error want.
func TestParseBad(t *testing.T) {
	good, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, old, new, want string }{
		{"yaml syntax", "pass_mark: 80", "pass_mark: [80", "bad.yaml:13:1: did not find expected"},
		{"unknown pack field", "scorecard:\n", "scorcard: {}\nscorecard:\n", `bad.yaml:13:1: pack file: unknown field "scorcard"`},
		{"unknown item field", "          points: 5", "          pionts: 5", `bad.yaml:20:11: item: unknown field "pionts"`},
		{"undefined lexicon", "lexicon: greet,", "lexicon: greeting,", `bad.yaml:8:29: undefined lexicon "greeting"`},
		{"undefined condition", "{ref: greeted}", "{ref: greet}", `bad.yaml:21:26: undefined condition "greet"`},
		{"reference cycle", "  greeted: {text: {lexicon: greet, speaker: agent, first_turns: 1}}",
			"  greeted: {any: [{ref: again}, {text: {phrases: [hi]}}]}\n  again: {ref: greeted}", `reference cycle: condition greeted → condition again → condition greeted`},
		{"bad regex", "{phrases: [refund]}", "{regex: 'refund(('}", `bad.yaml:10:26: bad regex: missing closing )`},
		{"duplicate item id", "          require: {ref: greeted}", "          require: {ref: greeted}\n        - id: greeting\n          require: {ref: greeted}", `duplicate item id "greeting"`},
		{"duplicate key", "  angry: [angry]", "  angry: [angry]\n  angry: [mad]", `lexicons: "angry" is defined twice`},
		{"two condition keys", "{text: {phrases: [lawyer]}}", "{text: {phrases: [lawyer]}, ref: greeted}", "a condition is a mapping with exactly one of"},
		{"unknown condition", "{text: {phrases: [lawyer]}}", "{txt: {phrases: [lawyer]}}", `unknown condition "txt"`},
		{"wrong type", "points: 5", "points: five", "item.points must be a number"},
		{"out of range", "pass_mark: 80", "pass_mark: 180", "scorecard.pass_mark (180) must be between 0 and 100"},
		{"bad speaker", "speaker: agent", "speaker: robot", `text.speaker "robot" is not one of`},
		{"no outcome", "          require: {ref: greeted}", "          when: {ref: greeted}", `item "greeting" needs require, forbid or both`},
		{"bad severity", "          points: 5", "          points: 5\n          severity: fatal", `severity "fatal" is not one of`},
		{"sentiment without section", "sentiment: {negative: [angry], negators: neg}\n", "", "sentiment condition needs"},
		{"empty phrase", "[hello, good morning]", "[hello, '  ']", "empty phrase"},
		{"llm item without llm section", "          require: {ref: greeted}", "          llm: Was the agent kind?", `item "greeting" is judged by a language model, but the pack has no llm section`},
		{"llm item with rules", "          require: {ref: greeted}", "          require: {ref: greeted}\n          llm: Was the agent kind?", `an llm item has no when, require or forbid`},
		{"llm section incomplete", "scorecard:\n", "llm: {intents: [refund]}\nscorecard:\n", "llm: prompt_version is required"},
		{"llm section unknown field", "scorecard:\n", "llm: {prompt_version: '1', system: x, model: gpt}\nscorecard:\n", `llm: unknown field "model"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(string(good), tc.old, tc.new, 1)
			if src == string(good) {
				t.Fatalf("fixture edit %q did not apply", tc.old)
			}
			if tc.name == "sentiment without section" {
				src += "        - id: calm\n          forbid: {sentiment: {}}\n"
			}
			_, err := Parse("bad.yaml", []byte(src))
			if err == nil {
				t.Fatalf("want an error containing %q", tc.want)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T is not Errors", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%s\ndoes not contain %q", err, tc.want)
			}
			for _, e := range errs {
				if e.Line == 0 || e.Col == 0 {
					t.Errorf("error without a position: %v", e)
				}
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := `pack: {id: x, version: "1", language: en, colour: red}
scorecard:
  sections:
    - id: s
      items:
        - {id: a, require: {text: {phrases: [hi], speeker: agent}}}
        - {id: b, forbid: {silence: {min_seconds: -1}}}
`
	_, err := Parse("multi.yaml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if errs[0].Line != 1 || errs[1].Line != 6 || errs[2].Line != 7 {
		t.Errorf("problems not in file order with their lines:\n%v", err)
	}
}

func TestParseDeepNestingIsAnError(t *testing.T) {
	cond := "{text: {phrases: [x]}}"
	for range 40 {
		cond = "{not: " + cond + "}"
	}
	src := "pack: {id: x, version: '1', language: en}\nscorecard:\n  sections:\n    - id: s\n      items:\n        - {id: a, require: " + cond + "}\n"
	if _, err := Parse("deep.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), "nest deeper") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	good, _ := os.ReadFile("testdata/good.yaml")
	f.Add(good)
	f.Add([]byte("pack: {id: x}\nscorecard: {sections: [{id: s, items: [{id: a, require: {all: [{ref: a}]}}]}]}"))
	f.Add([]byte("a: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err == nil && p == nil {
			t.Fatal("no pack and no error")
		}
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error is not a non-empty Errors: %v", err)
			}
		}
	})
}
