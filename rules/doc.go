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
// Evaluate normalizes each turn once, runs the automaton over it once, and
// then walks the scorecard items. Conditions are three-valued: a condition
// that cannot be decided from the data (no transcript, no turn durations)
// is unknown, and an item that depends on it is not_evaluated rather than
// passed or failed. Every hit carries evidence: turn, code-point span, quote
// and offset in milliseconds.
//
// # Timing
//
// Timing conditions read schemas.Metrics: TurnMetrics derives them from turn
// offsets; measured audio metrics can be passed instead.
//
// A Program is safe for concurrent use.
package rules
