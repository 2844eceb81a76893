//go:build !cgo

package duckdb

import (
	"errors"

	"github.com/zhijian-qa/zhijian/store"
)

// Store stands in for the DuckDB store in builds without cgo, which cannot
// link DuckDB.
type Store struct{ store.Store }

// Open says why there is no DuckDB store in this build.
func Open(string) (*Store, error) {
	return nil, errors.New("the embedded DuckDB store needs cgo: build with CGO_ENABLED=1 and a C compiler (gcc), or use a ClickHouse store")
}
