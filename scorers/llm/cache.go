package llm

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// cache is a bounded LRU of parsed answers by cacheKey. Answers are
// immutable once stored; a hit is verified again against the interaction
// it is used for.
type cache struct {
	mu    sync.Mutex
	size  int
	order *list.List // front is the most recently used
	byKey map[[sha256.Size]byte]*list.Element
}

type cached struct {
	key    [sha256.Size]byte
	answer *rawAnswer
}

func newCache(size int) *cache {
	if size <= 0 {
		return nil
	}
	return &cache{size: size, order: list.New(), byKey: make(map[[sha256.Size]byte]*list.Element)}
}

func (c *cache) get(k [sha256.Size]byte) (*rawAnswer, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).answer, true
}

func (c *cache) put(k [sha256.Size]byte, a *rawAnswer) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[k]; ok {
		e.Value.(*cached).answer = a
		c.order.MoveToFront(e)
		return
	}
	c.byKey[k] = c.order.PushFront(&cached{key: k, answer: a})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cached).key)
	}
}

func (c *cache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
