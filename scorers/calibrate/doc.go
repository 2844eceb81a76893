// Package calibrate measures how far Zhijian's verdicts agree with human QA
// analysts, item by item, so a scorecard item is only trusted (or an LLM
// prompt only changed) on evidence.
//
// The human side is a gold set: interactions labelled by QA analysts from the
// transcript alone (testdata/gold, see its GUIDELINE.md), one JSON line per
// (interaction, item). ReadLabels reads and validates them; Join pairs the
// first labeller's verdicts with the findings of scored Results; Compare
// turns the pairs into one Report per item and one "(all)" row per scorecard;
// Write prints the reports as a table. InterLabeller compares the first and
// second labellers where both labelled the same item, which bounds how much
// agreement the machine can be expected to reach.
//
// # Agreement and kappa
//
// Verdicts are compared over three categories, pass, fail and na. Confusion
// has the human (first labeller) in rows and the AI (second labeller for
// InterLabeller) in columns, both in the order pass, fail, na. Agreement is
// the share of pairs on the diagonal. Kappa is Cohen's kappa,
//
//	kappa = (po - pe) / (1 - pe)
//
// with po the observed agreement and pe the agreement expected by chance from
// the two marginal distributions. Kappa is NaN when it is undefined: no pairs,
// or pe = 1 (both sides used one and the same category for every pair, so
// agreement cannot be told apart from chance). The "(all)" row pools the
// confusion matrices of a scorecard's items and computes agreement and kappa
// over the pooled matrix; it is not a mean of the item kappas.
//
// # not_evaluated
//
// A pair whose AI verdict is not_evaluated (the item applies but its scorer
// did not run), or anything else than pass, fail or na, is left out of N,
// agreement, kappa and the confusion matrix and counted in NotEvaluated, so a
// scorer that rarely runs cannot look accurate. Join turns a missing result
// or finding into not_evaluated for the same reason. Pairs whose human verdict
// is not pass, fail or na are ignored: ReadLabels never produces them.
//
// # Output
//
// Write prints one line per Report: scorecard, item, n, agreement as a
// percentage with one decimal, kappa with two decimals, the not-evaluated
// count and the confusion matrix as "pp pf pn / fp ff fn / np nf nn" (first
// letter human, second AI). An undefined agreement (n = 0) or kappa (NaN) is
// printed as "-".
//
// # Errors
//
// ReadLabels reports every bad line, each as "file:line: problem", joined
// with errors.Join: malformed JSON, unknown fields, a missing field, a
// verdict other than pass, fail or na, a duplicate first (or second) label
// for the same interaction, scorecard and item, a second label without a
// first one or by the same labeller. The labels of the good lines are
// returned with the error.
package calibrate
