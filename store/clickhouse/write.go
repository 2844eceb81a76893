package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/zhijian-qa/zhijian/store"
)

// Write stores a batch: findings, then results, then outcomes, each in one
// INSERT. See the package documentation for why that order and how
// re-deliveries are kept from counting twice.
func (s *Store) Write(ctx context.Context, batch []store.Outcome) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("clickhouse: write: %w", err)
	}
	if len(batch) == 0 {
		return nil
	}
	b, err := prepare(batch)
	if err != nil {
		return fmt.Errorf("clickhouse: write: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Taken even when the write fails: a retry must come after any part of
	// this write that did reach the server.
	seq := s.nextSeq()
	for _, t := range b.tables(seq) {
		if t.rows == 0 {
			continue
		}
		if err := s.insert(ctx, t); err != nil {
			return fmt.Errorf("clickhouse: write %d %s: %w", t.rows, t.name, err)
		}
	}
	return nil
}

// nextSeq returns a sequence number greater than any s has returned:
// the time in nanoseconds, unless the clock went back. s.mu must be held.
func (s *Store) nextSeq() uint64 {
	seq := uint64(time.Now().UnixNano())
	if seq <= s.lastSeq {
		seq = s.lastSeq + 1
	}
	s.lastSeq = seq
	return seq
}

// insert runs t's INSERT. It returns after the server has acknowledged it.
func (s *Store) insert(ctx context.Context, t table) error {
	bt, err := s.conn.PrepareBatch(ctx, t.insert())
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer bt.Close()
	for i, c := range t.columns {
		if err := bt.Column(i).Append(c.values); err != nil {
			_ = bt.Abort()
			return fmt.Errorf("column %s: %w", c.name, err)
		}
	}
	if err := bt.Send(); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}
