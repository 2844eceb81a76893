package pipeline

import (
	"slices"
	"sync"
)

// tracker keeps per-partition commit watermarks. The fetcher adds offsets
// in the order it receives them; an offset is marked done once durably
// handled; the watermark of a partition is the highest offset below which
// (and at which) every added offset is done. Only watermarks are committed.
type tracker struct {
	mu    sync.Mutex
	parts map[int]*partOffsets
}

type partOffsets struct {
	offs []int64 // added, not yet below the watermark, ascending
	done []bool
	// mark is the highest offset safe to commit; -1 when none.
	mark int64
	// committed is the last watermark handed out by advanced.
	committed int64
}

func newTracker() *tracker { return &tracker{parts: map[int]*partOffsets{}} }

// add registers a fetched offset. An offset at or below ones already added
// means the partition was re-delivered from an earlier point (a rebalance
// or a restart of the reader): tracking of that partition starts over.
func (t *tracker) add(partition int, offset int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.parts[partition]
	if p == nil {
		p = &partOffsets{mark: -1, committed: -1}
		t.parts[partition] = p
	}
	if n := len(p.offs); (n > 0 && offset <= p.offs[n-1]) || offset <= p.mark {
		p.offs, p.done = p.offs[:0], p.done[:0]
		p.mark, p.committed = -1, -1
	}
	p.offs = append(p.offs, offset)
	p.done = append(p.done, false)
}

// markDone records that offset is durably handled.
func (t *tracker) markDone(partition int, offset int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.parts[partition]
	if p == nil {
		return
	}
	i, ok := slices.BinarySearch(p.offs, offset)
	if !ok {
		return
	}
	p.done[i] = true
	if i != 0 {
		return
	}
	n := 0
	for n < len(p.done) && p.done[n] {
		n++
	}
	p.mark = p.offs[n-1]
	p.offs = append(p.offs[:0], p.offs[n:]...)
	p.done = append(p.done[:0], p.done[n:]...)
}

// advanced returns, per partition, the watermark if it moved since the
// last call, and records it as handed out.
func (t *tracker) advanced() map[int]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out map[int]int64
	for part, p := range t.parts {
		if p.mark > p.committed {
			if out == nil {
				out = map[int]int64{}
			}
			out[part] = p.mark
			p.committed = p.mark
		}
	}
	return out
}

// uncommit takes back a watermark handed out by advanced whose commit
// failed, so the next call hands it out again.
func (t *tracker) uncommit(partition int, mark int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if p := t.parts[partition]; p != nil && p.committed == mark {
		p.committed = -1
	}
}

// pending returns how many added offsets are not yet below a watermark.
func (t *tracker) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, p := range t.parts {
		n += len(p.offs)
	}
	return n
}
