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
// Measured in alternation on the same shared 2-core VM, November 2026
// (10 runs each, median and range): before this design (a byte automaton
// after a separate Normalize, the regexp package behind a literal
// prefilter) 101 µs/op (95-116), 113 allocs/op, 9,900/s; now 40.5 µs/op
// (38-48), 25 allocs/op, 24,700/s. Of the time left, about a third goes
// to reading the turns (the scan: a table lookup per code point, bound by
// the L2 cache), a fifth to the regexes, and a fifth to the scorer runner,
// TurnMetrics and allocating the results.
//
// # Timing
//
// Timing conditions read schemas.Metrics: TurnMetrics derives them from turn
// offsets; measured audio metrics can be passed instead.
//
// A Program is safe for concurrent use.
package rules
