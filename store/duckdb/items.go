//go:build cgo

package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	duck "github.com/duckdb/duckdb-go/v2"
)

// itemKey is what the items table keys an item on.
type itemKey struct{ scorecard, version, item, section, kind, severity string }

// itemCache maps item keys to ids: the items table as the writer knows it.
// It belongs to the writer connection and is dropped with it, so a failed
// write never leaves ids in the cache that the table does not have.
type itemCache struct {
	ids  map[itemKey]int32
	next int32
}

func loadItems(ctx context.Context, c *duck.Conn) (*itemCache, error) {
	rows, err := c.QueryContext(ctx, `SELECT item_id, scorecard, scorecard_version, item, section, kind, severity FROM items`, nil)
	if err != nil {
		return nil, fmt.Errorf("load items: %w", err)
	}
	defer rows.Close()
	cache := &itemCache{ids: make(map[itemKey]int32), next: 1}
	v := make([]driver.Value, 7)
	for {
		if err := rows.Next(v); errors.Is(err, io.EOF) {
			return cache, nil
		} else if err != nil {
			return nil, fmt.Errorf("load items: %w", err)
		}
		id, ok := v[0].(int32)
		k, ok2 := itemKeyOf(v[1:])
		if !ok || !ok2 {
			return nil, fmt.Errorf("load items: unexpected row %v", v)
		}
		cache.ids[k] = id
		cache.next = max(cache.next, id+1)
	}
}

func itemKeyOf(v []driver.Value) (itemKey, bool) {
	var s [6]string
	for i := range s {
		str, ok := v[i].(string)
		if !ok {
			return itemKey{}, false
		}
		s[i] = str
	}
	return itemKey{s[0], s[1], s[2], s[3], s[4], s[5]}, true
}

// resolve sets the item ids of b's findings, and returns the items new to
// the cache, which the transaction must add to the items table.
func (c *itemCache) resolve(b *rows) []itemRow {
	var added []itemRow
	for i := range b.results {
		row := &b.results[i]
		r := row.R
		row.itemIDs = make([]int32, len(row.Findings))
		for j, f := range row.Findings {
			k := itemKey{r.Scorecard, r.ScorecardVersion, f.Item, f.Section, f.Kind, f.Severity}
			id, ok := c.ids[k]
			if !ok {
				id = c.next
				c.next++
				c.ids[k] = id
				added = append(added, itemRow{id, k})
			}
			row.itemIDs[j] = id
		}
	}
	return added
}

type itemRow struct {
	id  int32
	key itemKey
}

func appendItems(rows []itemRow) func(*duck.Appender) error {
	return func(a *duck.Appender) error {
		for _, r := range rows {
			k := r.key
			if err := a.AppendRow(r.id, k.scorecard, k.version, k.item, k.section, k.kind, k.severity); err != nil {
				return err
			}
		}
		return nil
	}
}
