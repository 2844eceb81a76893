package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhijian-qa/zhijian/rules/rulefmt"
	"github.com/zhijian-qa/zhijian/schemas"
)

// TestSamplesExerciseEveryConditionType evaluates every condition of the
// shipped packs on every sample interaction, and checks that each type of
// condition is found both to hold and not to hold somewhere in testdata.
func TestSamplesExerciseEveryConditionType(t *testing.T) {
	progs := shippedPrograms(t)
	files, _ := filepath.Glob("../testdata/interactions/*.json")
	seen := map[string][2]bool{} // kind → [held, did not hold]
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in, err := schemas.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range progs {
			s := p.newState(in, TurnMetrics(in))
			for _, n := range p.allNodes() {
				o := n.eval(s)
				k := kindOf(n)
				v := seen[k]
				switch o.val {
				case yes:
					v[0] = true
				case no:
					v[1] = true
				}
				seen[k] = v
			}
			s.release()
		}
	}
	for _, k := range []string{"text", "sentiment", "context", "all", "any", "not", "ref", "scenario",
		"silence", "hold", "overtalk", "speech_rate", "talk_ratio", "duration", "response_time", "metadata"} {
		v := seen[k]
		if !v[0] || !v[1] {
			t.Errorf("condition type %s: held in some sample %v, failed in some sample %v", k, v[0], v[1])
		}
	}
}

func kindOf(n node) string {
	switch n := n.(type) {
	case *textNode:
		return "text"
	case *sentimentNode:
		return "sentiment"
	case *contextNode:
		return "context"
	case *boolNode:
		if n.any {
			return "any"
		}
		return "all"
	case *notNode:
		return "not"
	case *refNode:
		return "ref"
	case *scenarioNode:
		return "scenario"
	case *segmentNode:
		return n.kind
	case *boundNode:
		return n.kind
	case *responseNode:
		return "response_time"
	case *metadataNode:
		return "metadata"
	}
	return "?"
}

// allNodes lists every condition node of the program, nested ones included.
func (p *Program) allNodes() []node {
	var out []node
	var walk func(n node)
	walk = func(n node) {
		if n == nil {
			return
		}
		out = append(out, n)
		switch x := n.(type) {
		case *boolNode:
			for _, k := range x.kids {
				walk(k)
			}
		case *notNode:
			walk(x.kid)
		case *contextNode:
			walk(x.anchor)
			walk(x.find)
		}
	}
	for _, n := range p.named {
		walk(n)
	}
	for _, n := range p.scenarios {
		walk(n.n)
	}
	for _, n := range p.risks {
		walk(n.n)
	}
	for _, it := range p.items {
		walk(it.when)
		walk(it.require)
		walk(it.forbid)
	}
	return out
}

// shippedPrograms compiles every shipped pack.
func shippedPrograms(t *testing.T) []*Program {
	t.Helper()
	files, _ := filepath.Glob("packs/*.yaml")
	var progs []*Program
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yaml") {
			continue
		}
		pack, err := rulefmt.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Compile(pack)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, p)
	}
	if len(progs) < 2 {
		t.Fatalf("%d shipped packs", len(progs))
	}
	return progs
}
