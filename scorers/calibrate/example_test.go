package calibrate_test

import (
	"os"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/scorers/calibrate"
)

func ExampleWrite() {
	add := func(ps []calibrate.Pair, item string, human, ai schemas.Verdict, n int) []calibrate.Pair {
		for range n {
			ps = append(ps, calibrate.Pair{Scorecard: "logistics-zh", Item: item, Human: human, AI: ai})
		}
		return ps
	}
	var ps []calibrate.Pair
	ps = add(ps, "llm_empathy_quality", schemas.Pass, schemas.Pass, 12)
	ps = add(ps, "llm_empathy_quality", schemas.Fail, schemas.Pass, 3)
	ps = add(ps, "llm_empathy_quality", schemas.Fail, schemas.Fail, 9)
	ps = add(ps, "llm_empathy_quality", schemas.NA, schemas.NA, 6)
	ps = add(ps, "llm_empathy_quality", schemas.NA, schemas.Fail, 1)
	ps = add(ps, "llm_empathy_quality", schemas.Pass, schemas.NotEvaluated, 2)
	ps = add(ps, "no_shirking", schemas.Pass, schemas.Pass, 25)
	ps = add(ps, "no_shirking", schemas.Fail, schemas.Pass, 4)
	ps = add(ps, "no_shirking", schemas.Fail, schemas.Fail, 3)
	calibrate.Write(os.Stdout, calibrate.Compare(ps))
	// Output:
	// scorecard     item                  n  agree  kappa  not_eval  pp pf pn / fp ff fn / np nf nn
	// logistics-zh  llm_empathy_quality  31  87.1%   0.80         2  12  0  0 /  3  9  0 /  0  1  6
	// logistics-zh  no_shirking          32  87.5%   0.54         0  25  0  0 /  4  3  0 /  0  0  0
	// logistics-zh  (all)                63  87.3%   0.75         2  37  0  0 /  7 12  0 /  0  1  6
}
