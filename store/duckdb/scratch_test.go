//go:build cgo

package duckdb

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

func TestScratchReview(t *testing.T) {
	path := os.Getenv("SCRATCH_DB")
	if path == "" {
		t.Skip()
	}
	s := openT(t, path)
	defer s.Close()
	tenants := []string{"acme-express", "shopfast", "swiftship", "cloudmall"}
	for i := 0; i < 10; i++ {
		n := i*99991 + 7
		r := store.Review{Tenant: tenants[n%4], InteractionID: fmt.Sprintf("call-%08d", n), Scorecard: "logistics-zh", Item: "greeting",
			Reviewer: "x", Decision: store.Confirm, Verdict: schemas.Fail, At: time.Now()}
		start := time.Now()
		if err := s.AddReview(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		t.Logf("AddReview %v", time.Since(start))
	}
}
