package pipeline

import (
	"maps"
	"math/rand/v2"
	"testing"
)

func TestTrackerCommitsOnlyBelowTheFirstUnfinishedOffset(t *testing.T) {
	tr := newTracker()
	for _, off := range []int64{10, 11, 12, 14} { // 13 was compacted away
		tr.add(0, off)
	}
	tr.add(1, 5)
	tr.markDone(0, 11)
	tr.markDone(0, 12)
	if got := tr.advanced(); got != nil {
		t.Fatalf("offset 10 is unfinished, yet advanced = %v", got)
	}
	tr.markDone(0, 10)
	tr.markDone(1, 5)
	if got, want := tr.advanced(), map[int]int64{0: 12, 1: 5}; !maps.Equal(got, want) {
		t.Fatalf("advanced = %v, want %v", got, want)
	}
	if got := tr.advanced(); got != nil {
		t.Fatalf("second call handed out %v again", got)
	}
	tr.markDone(0, 14)
	if got, want := tr.advanced(), map[int]int64{0: 14}; !maps.Equal(got, want) {
		t.Fatalf("advanced = %v, want %v", got, want)
	}
	if n := tr.pending(); n != 0 {
		t.Fatalf("pending = %d", n)
	}
}

func TestTrackerStartsOverWhenAPartitionIsRedelivered(t *testing.T) {
	tr := newTracker()
	tr.add(0, 7)
	tr.add(0, 8)
	tr.markDone(0, 8)
	tr.add(0, 7) // re-delivered from the last commit after a rebalance
	tr.markDone(0, 7)
	if got, want := tr.advanced(), map[int]int64{0: 7}; !maps.Equal(got, want) {
		t.Fatalf("advanced = %v, want %v", got, want)
	}
}

// In any completion order, the watermark never passes an unfinished offset
// and reaches the last offset once all are done.
func TestTrackerWatermarkInRandomOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		tr := newTracker()
		n := 1 + rng.IntN(60)
		offs := make([]int64, n)
		next := int64(rng.IntN(100))
		for i := range offs {
			offs[i] = next
			tr.add(3, next)
			next += 1 + int64(rng.IntN(3))
		}
		done := map[int64]bool{}
		for _, i := range rng.Perm(n) {
			tr.markDone(3, offs[i])
			done[offs[i]] = true
			if mark, ok := tr.advanced()[3]; ok {
				for _, o := range offs {
					if o <= mark && !done[o] {
						t.Fatalf("round %d: watermark %d passes unfinished offset %d", round, mark, o)
					}
				}
			}
		}
		if tr.parts[3].mark != offs[n-1] {
			t.Fatalf("round %d: final watermark %d, want %d", round, tr.parts[3].mark, offs[n-1])
		}
	}
}
