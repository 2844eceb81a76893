package clickhouse

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// Migrate creates the database if it is missing and applies the DDL of
// schemas/sql/clickhouse not yet recorded in schema_migrations.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.createDatabase(ctx); err != nil {
		return fmt.Errorf("clickhouse: migrate: %w", err)
	}
	if err := store.ApplyMigrations(ctx, schemas.SQL(), dialect, migrator{s.conn}); err != nil {
		return fmt.Errorf("clickhouse: migrate %s: %w", s.database, err)
	}
	return nil
}

// createDatabase creates s's database over a connection to the server's
// default database: connections to a missing database are refused.
func (s *Store) createDatabase(ctx context.Context) error {
	opts := *s.opts
	opts.Auth.Database = ""
	opts.MaxOpenConns, opts.MaxIdleConns = 1, 1
	conn, err := ch.Open(&opts)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	// The name matched validDatabase: it needs no quoting beyond backticks.
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS `"+s.database+"`"); err != nil {
		return fmt.Errorf("create database %s: %w", s.database, err)
	}
	return nil
}

// addColumn matches ALTER TABLE … ADD COLUMN statements.
var addColumn = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+\S+\s+ADD\s+COLUMN\s`)

// Exception codes of adding a column that exists: 18.16 gives
// ILLEGAL_COLUMN, later releases DUPLICATE_COLUMN.
const (
	errIllegalColumn   = 44
	errDuplicateColumn = 15
)

// columnExists reports whether err is stmt, an ADD COLUMN, failing because
// the column exists: 18.16 has no ADD COLUMN IF NOT EXISTS, and a migration
// applied again after an interruption must get past the columns it added.
func columnExists(stmt string, err error) bool {
	if !addColumn.MatchString(stmt) {
		return false
	}
	return isException(err, errDuplicateColumn) ||
		(isException(err, errIllegalColumn) && strings.Contains(err.Error(), "already exists"))
}

// migrator records migrations in store.MigrationsTable. ClickHouse has no
// transactions: a migration interrupted between its statements is applied
// again from its first statement, so every statement must be repeatable
// (CREATE TABLE IF NOT EXISTS, …). 18.16 has no ADD COLUMN IF NOT EXISTS:
// an ADD COLUMN failing because the column exists counts as done.
type migrator struct{ conn driver.Conn }

func (m migrator) Applied(ctx context.Context) ([]store.Applied, error) {
	err := m.conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+store.MigrationsTable+` (
		version    UInt32,
		name       String,
		applied_at DateTime
	) ENGINE = ReplacingMergeTree() ORDER BY version`)
	if err != nil {
		return nil, err
	}
	// Two processes migrating at once may both record a version.
	rows, err := m.conn.Query(ctx, `SELECT version, any(name) FROM `+store.MigrationsTable+` GROUP BY version ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var applied []store.Applied
	for rows.Next() {
		var (
			v    uint32
			name string
		)
		if err := rows.Scan(&v, &name); err != nil {
			return nil, err
		}
		applied = append(applied, store.Applied{Version: int(v), Name: name})
	}
	return applied, rows.Err()
}

func (m migrator) Apply(ctx context.Context, mig store.Migration) error {
	for i, stmt := range mig.Statements {
		if err := m.conn.Exec(ctx, stmt); err != nil && !columnExists(stmt, err) {
			return fmt.Errorf("statement %d: %w", i+1, err)
		}
	}
	b, err := m.conn.PrepareBatch(ctx, `INSERT INTO `+store.MigrationsTable+` (version, name, applied_at)`)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	defer b.Close()
	if err := b.Append(uint32(mig.Version), mig.Name, time.Now().UTC()); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}
