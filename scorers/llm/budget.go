package llm

import (
	"strconv"
	"sync"
	"time"
)

// budget tracks the spend of the current UTC day.
type budget struct {
	mu    sync.Mutex
	limit float64
	day   int // year*1000 + day of the year, UTC
	spent float64
}

func dayOf(t time.Time) int {
	t = t.UTC()
	return t.Year()*1000 + t.YearDay()
}

// exhausted reports whether the day's spend has reached the limit.
func (b *budget) exhausted(now time.Time) bool {
	if b == nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll(now)
	return b.spent >= b.limit
}

// add records a cost spent at now.
func (b *budget) add(cost float64, now time.Time) {
	if b == nil || cost <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll(now)
	b.spent += cost
}

func (b *budget) roll(now time.Time) {
	if d := dayOf(now); d != b.day {
		b.day, b.spent = d, 0
	}
}

func (b *budget) reason() string {
	return "daily LLM budget of " + strconv.FormatFloat(b.limit, 'f', -1, 64) + " spent"
}

// sampled reports whether id falls in the share of interactions still
// evaluated once the budget is spent: FNV-1a of the id, so the same
// interaction is always in or always out. FNV-1a's high bits barely move
// when only the last characters differ (c-001, c-002, ...), so the hash is
// mixed (MurmurHash3's fmix64) before its high bits are read.
func sampled(id string, share float64) bool {
	switch {
	case share <= 0:
		return false
	case share >= 1:
		return true
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return float64(h>>11)/(1<<53) < share
}
