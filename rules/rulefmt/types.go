package rulefmt

// Pos is a position in a pack file (1-based).
type Pos struct {
	Line, Col int
}

// Pack is one parsed rule pack.
type Pack struct {
	File       string
	Meta       Meta
	Lexicons   []Lexicon
	Sentiment  *Sentiment
	Conditions []Named
	Scenarios  []Named
	Risks      []Named
	// LLM configures the items a language model judges; nil without any.
	LLM       *LLM
	Scorecard Scorecard
}

// LLM is the pack's part of the prompt for its LLM items, in the pack's
// language. PromptVersion changes whenever the wording does: results and
// the answer cache are keyed by it.
type LLM struct {
	Pos
	PromptVersion string
	System        string
	Intents       []string
}

// Meta identifies a pack.
type Meta struct {
	Pos
	ID, Version, Language, Description string
}

// Lexicon is a named phrase list.
type Lexicon struct {
	Pos
	Name    string
	Phrases []Phrase
}

// Phrase is one literal phrase and where it was written.
type Phrase struct {
	Pos
	Text string
}

// Ref names a lexicon, condition or scenario.
type Ref struct {
	Pos
	Name string
}

// Sentiment configures lexicon-based emotion detection.
type Sentiment struct {
	Pos
	Negative []Ref
	Positive []Ref
	Negators Ref
	Window   int
}

// Named is a named condition: a reusable condition, a scenario detector or
// an escalation-risk detector.
type Named struct {
	Pos
	Name string
	Cond *Condition
}

// Scorecard is how findings add up to a score.
type Scorecard struct {
	Pos
	PassMark        float64
	LowConfidence   float64
	CalibrationRate float64
	Sections        []Section
}

// Section groups items under one weight.
type Section struct {
	Pos
	ID, Name string
	Weight   float64
	Items    []Item
}

// Item is one scorecard line.
type Item struct {
	Pos
	ID, Name, Description string
	Points                float64
	Severity              string
	When, Require, Forbid *Condition
	// LLM is the question a language model answers pass, fail or na; an
	// item has it or rule conditions, not both.
	LLM string
}

// Condition is a mapping with exactly one key; Kind is that key and exactly
// the matching field is set.
type Condition struct {
	Pos
	Kind string

	Text         *Text
	Sentiment    *SentimentCond
	Context      *Context
	All, Any     []*Condition
	Not          *Condition
	Ref          Ref
	Scenario     Ref
	Silence      *Silence
	Hold         *Hold
	Overtalk     *Overtalk
	SpeechRate   *Bound
	TalkRatio    *Bound
	Duration     *Duration
	ResponseTime *ResponseTime
	Metadata     *Metadata
}

// Scope narrows which turns a text or sentiment condition reads.
type Scope struct {
	Speakers                  []string
	FirstTurns, LastTurns     int
	FirstSeconds, LastSeconds float64
	FirstPercent, LastPercent float64
}

// Text matches phrases, lexicons and a regular expression.
type Text struct {
	Scope
	Phrases  []Phrase
	Lexicons []Ref
	Regex    string
	RegexPos Pos
	MatchAll bool
	MinHits  int
	MaxHits  *int
	Negate   bool
}

// SentimentCond counts emotion hits.
type SentimentCond struct {
	Scope
	Positive bool
	MinHits  int
}

// Context relates two conditions' hits in time or turns.
type Context struct {
	Anchor, Find  *Condition
	Relation      string // before | after | around
	WithinTurns   *int
	WithinSeconds *float64
	TurnsOf       string
	Missing       bool
}

// Silence is dead air: gaps with nobody talking.
type Silence struct {
	MinSeconds float64
	MinCount   int
}

// Hold is a hold segment.
type Hold struct {
	MinSeconds float64
}

// Overtalk is one speaker starting to talk over the other.
type Overtalk struct {
	By         string
	MinSeconds float64
	MinCount   int
}

// Bound is a speaker's measure above and/or below a bound (speech rate, talk ratio).
type Bound struct {
	Speaker      string
	Above, Below *float64
}

// Duration bounds the interaction's length.
type Duration struct {
	AboveSeconds, BelowSeconds *float64
}

// ResponseTime bounds chat reply waits.
type ResponseTime struct {
	Which        string // first | each | average
	AboveSeconds float64
	Responders   []string
}

// Metadata matches a field of the interaction.
type Metadata struct {
	Field  string
	Equals *string
	In     []string
	Exists *bool
}
