package rulefmt

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxPackBytes bounds the size of a pack file.
const MaxPackBytes = 4 << 20

// ParseFile reads and parses the pack at path.
func ParseFile(path string) (*Pack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses and validates a pack. file names it in error messages. The
// error, if any, is Errors.
func Parse(file string, data []byte) (*Pack, error) {
	p := &parser{file: file}
	if len(data) > MaxPackBytes {
		p.errorf(Pos{1, 1}, "pack of %d bytes exceeds the limit of %d", len(data), MaxPackBytes)
		return nil, p.errs
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(Pos{1, 1}, "empty pack")
		} else {
			msg := yamlLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")
			p.errorf(yamlErrorPos(err), "%s", strings.TrimLeft(msg, ": "))
		}
		return nil, p.errs
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.errorf(pos(&extra), "a pack file holds one YAML document")
	}
	pack := &Pack{File: file}
	p.pack(doc.Content[0], pack)
	if len(p.errs) == 0 {
		p.validate(pack)
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			a, b := p.errs[i], p.errs[j]
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		})
		return nil, p.errs
	}
	return pack, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

func yamlErrorPos(err error) Pos {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return Pos{1, 1}
	}
	l, _ := strconv.Atoi(m[1])
	c := 1
	if m[2] != "" {
		c, _ = strconv.Atoi(m[2])
	}
	return Pos{l, c}
}

type parser struct {
	file string
	errs Errors
}

func (p *parser) errorf(at Pos, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Pos: at, Msg: fmt.Sprintf(format, args...)})
}

func pos(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// fields walks a mapping, calling the handler of each known key, and
// reports unknown and duplicate keys.
func (p *parser) fields(n *yaml.Node, what string, handlers map[string]func(*yaml.Node)) bool {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(pos(n), "%s must be a mapping", what)
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if seen[k.Value] {
			p.errorf(pos(k), "%s: duplicate field %q", what, k.Value)
			continue
		}
		seen[k.Value] = true
		h, ok := handlers[k.Value]
		if !ok {
			p.errorf(pos(k), "%s: unknown field %q (known: %s)", what, k.Value, known(handlers))
			continue
		}
		h(v)
	}
	return true
}

func known(handlers map[string]func(*yaml.Node)) string {
	keys := make([]string, 0, len(handlers))
	for k := range handlers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// entries walks a mapping of name → value in file order.
func (p *parser) entries(n *yaml.Node, what string, each func(name string, at Pos, v *yaml.Node)) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(pos(n), "%s must be a mapping of names", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			p.errorf(pos(k), "%s: %q is defined twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		if !namePattern.MatchString(k.Value) {
			p.errorf(pos(k), "%s: name %q must match %s", what, k.Value, namePattern)
		}
		each(k.Value, pos(k), resolve(n.Content[i+1]))
	}
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(pos(n), "%s must be a scalar value", what)
		return "", false
	}
	return n.Value, true
}

func (p *parser) str(n *yaml.Node, what string) string {
	s, _ := p.scalar(n, what)
	return s
}

func (p *parser) name(n *yaml.Node, what string) Ref {
	s, ok := p.scalar(n, what)
	if ok && s == "" {
		p.errorf(pos(n), "%s must not be empty", what)
	}
	return Ref{Pos: pos(n), Name: s}
}

func (p *parser) int(n *yaml.Node, what string, lo int) int {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" {
		p.errorf(pos(n), "%s must be an integer, got %q", what, s)
		return 0
	}
	if v < lo {
		p.errorf(pos(n), "%s (%d) must be at least %d", what, v, lo)
	}
	return v
}

func (p *parser) float(n *yaml.Node, what string, lo, hi float64) float64 {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || (n.Tag != "!!int" && n.Tag != "!!float") {
		p.errorf(pos(n), "%s must be a number, got %q", what, s)
		return 0
	}
	if v < lo || v > hi {
		p.errorf(pos(n), "%s (%v) must be between %v and %v", what, v, lo, hi)
	}
	return v
}

func (p *parser) bool(n *yaml.Node, what string) bool {
	s, ok := p.scalar(n, what)
	if !ok {
		return false
	}
	if n.Tag != "!!bool" {
		p.errorf(pos(n), "%s must be true or false, got %q", what, s)
		return false
	}
	return s == "true"
}

func (p *parser) list(n *yaml.Node, what string, each func(*yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(pos(n), "%s must be a list", what)
		return
	}
	for _, c := range n.Content {
		each(resolve(c))
	}
}

func (p *parser) strList(n *yaml.Node, what string) []string {
	var out []string
	p.list(n, what, func(c *yaml.Node) { out = append(out, p.str(c, what)) })
	return out
}

func (p *parser) phrases(n *yaml.Node, what string) []Phrase {
	var out []Phrase
	p.list(n, what, func(c *yaml.Node) {
		s, ok := p.scalar(c, what)
		if ok && strings.TrimSpace(s) == "" {
			p.errorf(pos(c), "%s: empty phrase", what)
			return
		}
		out = append(out, Phrase{Pos: pos(c), Text: s})
	})
	return out
}

func (p *parser) speaker(n *yaml.Node, what string) string {
	s := p.str(n, what)
	if s != "" && !slices.Contains(speakers, s) {
		p.errorf(pos(n), "%s %q is not one of %s", what, s, strings.Join(speakers, ", "))
	}
	return s
}

func (p *parser) speakers(n *yaml.Node, what string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{p.speaker(n, what)}
	}
	var out []string
	p.list(n, what, func(c *yaml.Node) { out = append(out, p.speaker(c, what)) })
	return out
}

var speakers = []string{"agent", "customer", "bot", "system"}

func (p *parser) pack(n *yaml.Node, pk *Pack) {
	seenCard := false
	p.fields(n, "pack file", map[string]func(*yaml.Node){
		"pack": func(v *yaml.Node) {
			pk.Meta.Pos = pos(v)
			p.fields(v, "pack", map[string]func(*yaml.Node){
				"id":          func(v *yaml.Node) { pk.Meta.ID = p.str(v, "pack.id") },
				"version":     func(v *yaml.Node) { pk.Meta.Version = p.str(v, "pack.version") },
				"language":    func(v *yaml.Node) { pk.Meta.Language = p.str(v, "pack.language") },
				"description": func(v *yaml.Node) { pk.Meta.Description = p.str(v, "pack.description") },
			})
		},
		"lexicons": func(v *yaml.Node) {
			p.entries(v, "lexicons", func(name string, at Pos, v *yaml.Node) {
				pk.Lexicons = append(pk.Lexicons, Lexicon{Pos: at, Name: name, Phrases: p.phrases(v, "lexicon "+name)})
			})
		},
		"sentiment": func(v *yaml.Node) { pk.Sentiment = p.sentiment(v) },
		"conditions": func(v *yaml.Node) {
			pk.Conditions = p.named(v, "conditions")
		},
		"scenarios": func(v *yaml.Node) { pk.Scenarios = p.named(v, "scenarios") },
		"risks":     func(v *yaml.Node) { pk.Risks = p.named(v, "risks") },
		"llm":       func(v *yaml.Node) { pk.LLM = p.llm(v) },
		"scorecard": func(v *yaml.Node) { seenCard = true; p.scorecard(v, &pk.Scorecard) },
	})
	if pk.Meta.Pos == (Pos{}) {
		p.errorf(pos(n), "pack: missing the pack section (id, version, language)")
	}
	if !seenCard {
		p.errorf(pos(n), "pack: missing the scorecard section")
	}
}

func (p *parser) llm(n *yaml.Node) *LLM {
	l := &LLM{Pos: pos(n)}
	p.fields(n, "llm", map[string]func(*yaml.Node){
		"prompt_version": func(v *yaml.Node) { l.PromptVersion = p.str(v, "llm.prompt_version") },
		"system":         func(v *yaml.Node) { l.System = p.str(v, "llm.system") },
		"intents":        func(v *yaml.Node) { l.Intents = p.strList(v, "llm.intents") },
	})
	return l
}

func (p *parser) sentiment(n *yaml.Node) *Sentiment {
	s := &Sentiment{Pos: pos(n), Window: 2}
	refs := func(v *yaml.Node, what string) []Ref {
		var out []Ref
		p.list(v, what, func(c *yaml.Node) { out = append(out, p.name(c, what)) })
		return out
	}
	p.fields(n, "sentiment", map[string]func(*yaml.Node){
		"negative": func(v *yaml.Node) { s.Negative = refs(v, "sentiment.negative") },
		"positive": func(v *yaml.Node) { s.Positive = refs(v, "sentiment.positive") },
		"negators": func(v *yaml.Node) { s.Negators = p.name(v, "sentiment.negators") },
		"window":   func(v *yaml.Node) { s.Window = p.int(v, "sentiment.window", 0) },
	})
	if len(s.Negative) == 0 {
		p.errorf(s.Pos, "sentiment: negative needs at least one lexicon")
	}
	return s
}

func (p *parser) named(n *yaml.Node, what string) []Named {
	var out []Named
	p.entries(n, what, func(name string, at Pos, v *yaml.Node) {
		out = append(out, Named{Pos: at, Name: name, Cond: p.condition(v, what+"."+name)})
	})
	return out
}

func (p *parser) scorecard(n *yaml.Node, sc *Scorecard) {
	sc.Pos = pos(n)
	sc.PassMark, sc.LowConfidence = 80, 0.6
	p.fields(n, "scorecard", map[string]func(*yaml.Node){
		"pass_mark":        func(v *yaml.Node) { sc.PassMark = p.float(v, "scorecard.pass_mark", 0, 100) },
		"low_confidence":   func(v *yaml.Node) { sc.LowConfidence = p.float(v, "scorecard.low_confidence", 0, 1) },
		"calibration_rate": func(v *yaml.Node) { sc.CalibrationRate = p.float(v, "scorecard.calibration_rate", 0, 1) },
		"sections": func(v *yaml.Node) {
			p.list(v, "scorecard.sections", func(c *yaml.Node) { sc.Sections = append(sc.Sections, p.section(c)) })
		},
	})
}

func (p *parser) section(n *yaml.Node) Section {
	s := Section{Pos: pos(n), Weight: 1}
	p.fields(n, "section", map[string]func(*yaml.Node){
		"id":     func(v *yaml.Node) { s.ID = p.str(v, "section.id") },
		"name":   func(v *yaml.Node) { s.Name = p.str(v, "section.name") },
		"weight": func(v *yaml.Node) { s.Weight = p.float(v, "section.weight", 0, 1e6) },
		"items": func(v *yaml.Node) {
			p.list(v, "section.items", func(c *yaml.Node) { s.Items = append(s.Items, p.item(c)) })
		},
	})
	return s
}

func (p *parser) item(n *yaml.Node) Item {
	it := Item{Pos: pos(n), Points: 1, Severity: "major"}
	p.fields(n, "item", map[string]func(*yaml.Node){
		"id":          func(v *yaml.Node) { it.ID = p.str(v, "item.id") },
		"name":        func(v *yaml.Node) { it.Name = p.str(v, "item.name") },
		"description": func(v *yaml.Node) { it.Description = p.str(v, "item.description") },
		"points":      func(v *yaml.Node) { it.Points = p.float(v, "item.points", 0, 1e6) },
		"severity":    func(v *yaml.Node) { it.Severity = p.str(v, "item.severity") },
		"when":        func(v *yaml.Node) { it.When = p.condition(v, "when") },
		"require":     func(v *yaml.Node) { it.Require = p.condition(v, "require") },
		"forbid":      func(v *yaml.Node) { it.Forbid = p.condition(v, "forbid") },
		"llm":         func(v *yaml.Node) { it.LLM = p.str(v, "item.llm") },
	})
	return it
}
