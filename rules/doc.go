// Package rules is the rule engine: it compiles a parsed pack (package
// rulefmt) into a Program and evaluates interactions against it.
//
// # Compilation
//
// Every phrase of the pack (lexicons, inline phrases, sentiment lexicons)
// goes into one automaton (package match). Conditions become a tree of
// nodes; named conditions and scenarios are shared and evaluated at most
// once per interaction.
//
// # Evaluation
//
// Evaluate reads each turn once: a match.Scanner normalizes it and runs the
// automaton over it in the same pass. Each text condition then gets the
// matches of its own phrases, and Evaluate walks the scorecard items.
// Conditions are three-valued: a condition that cannot be decided from the
// data (no transcript, no turn durations) is unknown, and an item that
// depends on it is not_evaluated rather than passed or failed. Every hit
// carries evidence: turn, code-point span, quote and offset in
// milliseconds.
//
// # Regular expressions
//
// A regex condition runs on the original text, with the regexp package's
// results (leftmost-first, FindAllStringIndex) but not its engine: a
// backtracker (backtrack.go) with the same semantics, whose scratch space
// lives in the evaluation state, so that a search costs its steps and not
// the regexp package's setup. Literals derived from the syntax tree
// (prefilter.go) say which turns can match and where a match may begin;
// the scanner finds them along with the phrases, so most turns are ruled
// out without being searched (regex.go).
//
// # Performance
//
// BenchmarkScoreChat20 (go test ./rules -run '^$' -bench ScoreChat20
// -benchmem) scores a 20-turn Chinese chat with logistics-zh through the
// scorer runner; the target is 20,000 interactions/s per core (50 µs/op).
// Counted by cachegrind (GOGC=off, the difference between 3,000 and 1,000
// iterations), an interaction takes 234,000 instructions and 20
// allocations: a quarter to reading the turns (the loop over a run of Han
// characters, a table lookup and one row of the automaton each, is some
// 26,000), over a quarter to the regexes (prefilters and the
// backtracker), a third to the conditions, the matches handed to them and
// the evidence; the rest is TurnMetrics, the runner and the runtime. On a
// shared 2-core VM (November 2026) the same build measured from 38 to 65
// µs/op within an hour, with the hypervisor's steal (in /proc/stat) from
// none to a tenth of the CPU, and slower hours without it. Compare builds
// in alternation, or by instruction counts.
//
// # Timing
//
// Timing conditions read schemas.Metrics: TurnMetrics derives them from turn
// offsets; measured audio metrics can be passed instead.
//
// A Program is safe for concurrent use.
package rules
