package clickhouse

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// urlEnv names the server the tests use; scripts/clickhouse-test sets it.
const urlEnv = "ZHIJIAN_CLICKHOUSE_URL"

// serverURL returns the test server's URL. Without one the test is
// skipped, unless CI=true, where ClickHouse tests must run.
func serverURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(urlEnv)
	if u != "" {
		return u
	}
	msg := urlEnv + " is not set: run these tests against a throwaway server with " +
		"scripts/clickhouse-test go test ./store/clickhouse"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

var databases atomic.Int64

// freshURL returns serverURL with a database of its own, which is dropped
// when the test ends.
func freshURL(tb testing.TB) string {
	tb.Helper()
	u, err := url.Parse(serverURL(tb))
	if err != nil {
		tb.Fatalf("%s: %v", urlEnv, err)
	}
	base := strings.TrimPrefix(u.Path, "/")
	if base == "" {
		base = DefaultDatabase
	}
	db := fmt.Sprintf("%s_%d_%d_%d", base, os.Getpid(), time.Now().UnixNano()%1_000_000, databases.Add(1))
	u.Path = "/" + db
	tb.Cleanup(func() { dropDatabase(tb, u.String(), db) })
	return u.String()
}

// dropDatabase removes db from the server of rawURL.
func dropDatabase(tb testing.TB, rawURL, db string) {
	tb.Helper()
	opts, _, err := parseURL(rawURL)
	if err != nil {
		tb.Errorf("drop %s: %v", db, err)
		return
	}
	opts.Auth.Database = ""
	conn, err := ch.Open(opts)
	if err != nil {
		tb.Errorf("drop %s: %v", db, err)
		return
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS `"+db+"`"); err != nil {
		tb.Errorf("drop %s: %v", db, err)
	}
}

// openFresh opens and migrates a store on a database of its own.
func openFresh(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(context.Background(), freshURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}
