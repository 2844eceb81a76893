package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sync"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/zhijian-qa/zhijian/store"
)

// DefaultDatabase is the database used when the URL names none.
const DefaultDatabase = "zhijian"

// dialect is the folder of schemas.SQL() holding this store's DDL.
const dialect = "clickhouse"

// validDatabase is what a database name from the URL may look like: it is
// written into CREATE DATABASE, which takes no bound parameters.
var validDatabase = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// errUnknownDatabase is ClickHouse's UNKNOWN_DATABASE exception code.
const errUnknownDatabase = 81

// Store is the ClickHouse store.Store. It is safe for concurrent use.
type Store struct {
	conn     driver.Conn
	opts     *ch.Options // a copy, for the connection Migrate makes
	database string

	// mu serialises Write: writes take increasing sequence numbers and reach
	// the server in that order, so that merges and reads agree on which of
	// two writes with the same received_ns is the later one. AddReview takes
	// a number too, which orders reviews made at the same instant.
	mu      sync.Mutex
	lastSeq uint64

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open connects to the ClickHouse server of rawURL over the native
// protocol, e.g. clickhouse://user:pass@127.0.0.1:9000/zhijian. The path
// names the database (DefaultDatabase when empty); Migrate creates it when
// missing. Query parameters are clickhouse-go's (dial_timeout, compress,
// secure, …). Open checks that the server answers.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	opts, db, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: open %s: %w", redact(rawURL), err)
	}
	// A missing database is fine: Migrate creates it.
	if err := conn.Ping(ctx); err != nil && !isException(err, errUnknownDatabase) {
		_ = conn.Close()
		return nil, fmt.Errorf("clickhouse: open %s: %w", redact(rawURL), err)
	}
	bootstrap := *opts
	return &Store{conn: conn, opts: &bootstrap, database: db}, nil
}

// parseURL turns rawURL into driver options for its database, checking
// the scheme and the database name.
func parseURL(rawURL string) (*ch.Options, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) { // its message repeats the URL, password included
			err = uerr.Err
		}
		return nil, "", fmt.Errorf("clickhouse: url %s: %w", redact(rawURL), err)
	}
	switch u.Scheme {
	case "clickhouse", "tcp":
	default:
		return nil, "", fmt.Errorf("clickhouse: url %s: scheme %q is not clickhouse:// (the store speaks the native protocol)", redact(rawURL), u.Scheme)
	}
	opts, err := ch.ParseDSN(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("clickhouse: url %s: %w", redact(rawURL), err)
	}
	if opts.Auth.Database == "" {
		opts.Auth.Database = DefaultDatabase
	}
	if !validDatabase.MatchString(opts.Auth.Database) {
		return nil, "", fmt.Errorf("clickhouse: url %s: database %q must match %s", redact(rawURL), opts.Auth.Database, validDatabase)
	}
	return opts, opts.Auth.Database, nil
}

// redact returns rawURL without its password, for error messages.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// isException reports whether err is a server exception with code.
func isException(err error, code int32) bool {
	var ex *ch.Exception
	return errors.As(err, &ex) && ex.Code == code
}

// Database returns the name of the store's database.
func (s *Store) Database() string { return s.database }

// Close closes the connections. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if err := s.conn.Close(); err != nil {
			s.closeErr = fmt.Errorf("clickhouse: close: %w", err)
		}
	})
	return s.closeErr
}
