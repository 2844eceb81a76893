// Package scorers runs an interaction through every scorer of a scorecard
// and adds their findings up to a Result.
//
// A Scorer evaluates some of the scorecard's items (the rule scorer the rule
// items, the LLM scorer the LLM items) and needs one method. Scorers are
// registered by name in a Registry, which rejects duplicates; there are no
// init-time side effects.
//
// # Scoring
//
// Each section scores earned points over the points of its applicable items
// (pass or fail); the interaction's score is the weighted mean of the
// sections that have any, 0-100. Items that are na or not_evaluated are left
// out of the denominator and reported apart: an item no scorer evaluated,
// or whose scorer failed, is not_evaluated and makes coverage partial. A
// failed critical item auto-fails the interaction and sets its score to 0.
//
// # Flags
//
// An interaction goes to review (flagged) for a critical failure, a score
// below the pass mark, an escalation risk, a low-confidence finding, or when
// it falls in the calibration sample: a share of interactions picked by a
// hash of the id, so the same interaction is always picked or never.
package scorers
