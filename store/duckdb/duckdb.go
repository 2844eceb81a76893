//go:build cgo

package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// dialect is the folder of schemas.SQL() holding this store's DDL.
const dialect = "duckdb"

var errClosed = errors.New("duckdb: store is closed")

// Store is the embedded store.Store. It is safe for concurrent use.
type Store struct {
	db *sql.DB // reads and migrations; owns the connector

	mu     sync.Mutex // serialises Write, Migrate and Close
	w      *duck.Conn // the writer; nil until needed
	items  *itemCache // the writer's view of the items table
	conn   *duck.Connector
	closed bool
}

var _ store.Store = (*Store)(nil)

// Storage settings. A checkpoint rewrites every row group that changed
// since the last one, including the partly filled last row group of each
// table, so with DuckDB's defaults (16 MB of WAL, 122,880-row groups) a
// store taking thousands of results a second spends most of its time
// rewriting the same rows. Smaller row groups bound what a checkpoint
// rewrites, and a larger WAL makes checkpoints rarer; replaying 256 MB of
// WAL after a crash takes seconds. An in-memory database gains nothing
// from checkpoints.
//
// DuckDB's memory limit defaults to most of the machine's; a worker keeps
// to a fixed budget instead, past which DuckDB evicts its cache. One
// DuckDB thread: the appends of a batch do not gain from more, and the
// scorers in the same process need the cores (end to end 52-65 % of the
// scoring-only rate with one thread, 41-59 % with one per core).
const (
	rowGroupSize     = 16384
	fileCheckpoint   = "256MB"
	memoryCheckpoint = "1000GB"
	catalog          = "zhijian" // the name the file is attached under
)

// memoryLimit is the memory budget of a file store; a variable only so that
// tests can reproduce running out of it on a small file.
var memoryLimit = "128MB"

// Open opens the DuckDB database at path, creating the file if needed; ""
// or ":memory:" opens a new in-memory database. Call Migrate before Write.
// A file must not be opened by two Stores at once.
func Open(path string) (*Store, error) {
	c, threshold, err := connector(path)
	if err != nil {
		return nil, fmt.Errorf("duckdb: open %q: %w", path, err)
	}
	db := sql.OpenDB(c)
	set := `SET checkpoint_threshold = '` + threshold + `'`
	if threshold == fileCheckpoint {
		// An in-memory database must hold all its rows: no budget there.
		// What a file store spills goes beside its file, not into the
		// process's working directory (the in-memory database's default).
		set += `; SET memory_limit = '` + memoryLimit + `'; SET threads = 1` +
			`; SET temp_directory = '` + strings.ReplaceAll(path+".tmp", "'", "''") + `'`
	}
	if _, err := db.Exec(set); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("duckdb: open %q: %w", path, err)
	}
	return &Store{db: db, conn: c}, nil
}

// connector returns a connector to the database at path and the
// checkpoint threshold it needs. A file is attached to an in-memory
// database, the only way to choose its row group size, and every
// connection starts in it.
func connector(path string) (*duck.Connector, string, error) {
	if path == "" || path == ":memory:" {
		c, err := duck.NewConnector("", nil)
		return c, memoryCheckpoint, err
	}
	// A string literal: ATTACH takes no parameters.
	attach := fmt.Sprintf(`ATTACH IF NOT EXISTS '%s' AS %s (ROW_GROUP_SIZE %d); USE %s`,
		strings.ReplaceAll(path, "'", "''"), catalog, rowGroupSize, catalog)
	c, err := duck.NewConnector("", func(e driver.ExecerContext) error {
		_, err := e.ExecContext(context.Background(), attach, nil)
		return err
	})
	return c, fileCheckpoint, err
}

// Close closes the database. It is safe to call more than once.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.dropWriter()
	if cerr := s.db.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("duckdb: close: %w", err)
	}
	return nil
}

// Migrate applies the DDL of schemas/sql/duckdb not yet recorded in
// schema_migrations.
func (s *Store) Migrate(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if err := store.ApplyMigrations(ctx, schemas.SQL(), dialect, migrator{s.db}); err != nil {
		return fmt.Errorf("duckdb: migrate: %w", err)
	}
	return nil
}

// migrator records migrations in store.MigrationsTable.
type migrator struct{ db *sql.DB }

func (m migrator) Applied(ctx context.Context) ([]store.Applied, error) {
	if _, err := m.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+store.MigrationsTable+` (
		version    INTEGER   PRIMARY KEY,
		name       VARCHAR   NOT NULL,
		applied_at TIMESTAMP NOT NULL
	)`); err != nil {
		return nil, err
	}
	rows, err := m.db.QueryContext(ctx, `SELECT version, name FROM `+store.MigrationsTable+` ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var applied []store.Applied
	for rows.Next() {
		var a store.Applied
		if err := rows.Scan(&a.Version, &a.Name); err != nil {
			return nil, err
		}
		applied = append(applied, a)
	}
	return applied, rows.Err()
}

func (m migrator) Apply(ctx context.Context, mig store.Migration) error {
	tx, err := m.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for i, stmt := range mig.Statements {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("statement %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+store.MigrationsTable+` (version, name, applied_at) VALUES (?, ?, ?)`,
		mig.Version, mig.Name, time.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// writer returns the writer connection and its item cache, connecting
// first if needed. s.mu must be held.
func (s *Store) writer(ctx context.Context) (*duck.Conn, *itemCache, error) {
	if s.w != nil {
		return s.w, s.items, nil
	}
	dc, err := s.conn.Connect(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	c, ok := dc.(*duck.Conn)
	if !ok {
		_ = dc.Close()
		return nil, nil, fmt.Errorf("connect: unexpected connection type %T", dc)
	}
	items, err := loadItems(ctx, c)
	if err != nil {
		_ = c.Close()
		return nil, nil, err
	}
	s.w, s.items = c, items
	return c, items, nil
}

// dropWriter closes the writer connection, if any, and forgets its item
// cache. s.mu must be held.
func (s *Store) dropWriter() error {
	if s.w == nil {
		return nil
	}
	err := s.w.Close()
	s.w, s.items = nil, nil
	if err != nil {
		return fmt.Errorf("close writer: %w", err)
	}
	return nil
}
