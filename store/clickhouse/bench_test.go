package clickhouse

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/store"
	"github.com/zhijian-qa/zhijian/store/storetest"
)

// benchBatch is how many outcomes one Write of the benchmark holds: each
// has one result of 38 findings, so a batch is 40 rows per outcome.
const benchBatch = 500

// BenchmarkBatchInsert reports how many rows per second Write stores, and,
// as the baseline, how many the same rows take when clickhouse-client
// bulk-loads them as TSV into the same tables (one INSERT per table, the
// rows encoded before the clock starts: the server's own best case).
func BenchmarkBatchInsert(b *testing.B) {
	received := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	next := 0
	batch := func() []store.Outcome {
		out := make([]store.Outcome, benchBatch)
		for i := range out {
			out[i] = storetest.RealisticOutcome(storetest.Acme, next, received)
			next++
		}
		return out
	}

	b.Run(fmt.Sprintf("Write/outcomes=%d", benchBatch), func(b *testing.B) {
		s := openFresh(b)
		ctx := context.Background()
		var rows int64
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			o := batch()
			rows += countRows(o)
			b.StartTimer()
			if err := s.Write(ctx, o); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})

	b.Run(fmt.Sprintf("clickhouse-client/outcomes=%d", benchBatch), func(b *testing.B) {
		client := clientCommand(b)
		s := openFresh(b) // the same tables, empty
		u, err := url.Parse(os.Getenv(urlEnv))
		if err != nil {
			b.Fatal(err)
		}
		host, port := u.Hostname(), u.Port()
		var rows int64
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			o := batch()
			rows += countRows(o)
			tsv, err := encodeTSV(o)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			for _, t := range tsv {
				args := append(client[1:], "--host", host, "--port", port, "--database", s.Database(),
					"--query", t.insert+" FORMAT TabSeparated")
				if u.User != nil {
					args = append(args, "--user", u.User.Username())
					if p, ok := u.User.Password(); ok {
						args = append(args, "--password", p)
					}
				}
				cmd := exec.Command(client[0], args...)
				cmd.Stdin = bytes.NewReader(t.data)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%s: %v: %s", t.insert, err, out)
				}
			}
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
}

// countRows returns how many rows Write stores for batch.
func countRows(batch []store.Outcome) int64 {
	n := int64(len(batch))
	for _, o := range batch {
		for _, r := range o.Results {
			n += 1 + int64(len(r.Findings))
		}
	}
	return n
}

// clientCommand returns the command running clickhouse-client, or skips.
func clientCommand(b *testing.B) []string {
	b.Helper()
	if c := os.Getenv("ZHIJIAN_CLICKHOUSE_CLIENT"); c != "" {
		return strings.Fields(c)
	}
	if p, err := exec.LookPath("clickhouse-client"); err == nil {
		return []string{p}
	}
	if p, err := exec.LookPath("clickhouse"); err == nil {
		return []string{p, "client"}
	}
	b.Skip("no clickhouse-client to compare with")
	return nil
}

type tsvTable struct {
	insert string
	data   []byte
}

// encodeTSV encodes the rows Write would insert for batch as TabSeparated,
// one payload per table, with the same column lists.
func encodeTSV(batch []store.Outcome) ([]tsvTable, error) {
	b, err := prepare(batch)
	if err != nil {
		return nil, err
	}
	var out []tsvTable
	for _, t := range b.tables(1) {
		var buf bytes.Buffer
		for i := range t.rows {
			for j, c := range t.columns {
				if j > 0 {
					buf.WriteByte('\t')
				}
				if err := writeTSV(&buf, c, i); err != nil {
					return nil, fmt.Errorf("%s.%s: %w", t.name, c.name, err)
				}
			}
			buf.WriteByte('\n')
		}
		out = append(out, tsvTable{t.insert(), buf.Bytes()})
	}
	return out, nil
}

var (
	tsvEscape   = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	arrayEscape = strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
)

// writeTSV writes row i of c as a TabSeparated field.
func writeTSV(buf *bytes.Buffer, c column, i int) error {
	switch v := c.values.(type) {
	case []string:
		buf.WriteString(tsvEscape.Replace(v[i]))
	case [][]string:
		buf.WriteByte('[')
		for j, s := range v[i] {
			if j > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString("'" + arrayEscape.Replace(s) + "'")
		}
		buf.WriteByte(']')
	case []time.Time:
		if c.name == "day" {
			buf.WriteString(v[i].Format(time.DateOnly))
		} else {
			buf.WriteString(v[i].UTC().Format(time.DateTime))
		}
	case []float64:
		buf.WriteString(strconv.FormatFloat(v[i], 'f', -1, 64))
	case []uint64:
		buf.WriteString(strconv.FormatUint(v[i], 10))
	case []int64:
		buf.WriteString(strconv.FormatInt(v[i], 10))
	case []uint8:
		buf.WriteString(strconv.Itoa(int(v[i])))
	default:
		return fmt.Errorf("unexpected %T", v)
	}
	return nil
}

// BenchmarkConsoleQueries loads realistic scored interactions and reports
// the latency (p50, p95, max) of the console's reads per query shape; see
// storetest.BenchConsole. ZHIJIAN_BENCH_ROWS sets how many (50,000 by
// default); ZHIJIAN_BENCH_DB names a database to keep the store in, loaded
// once and reused by later runs on the same server; by default it is
// dropped. The figures in doc.go come from:
//
//	ZHIJIAN_BENCH_ROWS=1000000 scripts/clickhouse-test go test ./store/clickhouse -run '^$' -bench ConsoleQueries -benchtime 1x -timeout 120m
func BenchmarkConsoleQueries(b *testing.B) {
	storetest.BenchConsole(b, func(b *testing.B) store.Store {
		db := os.Getenv("ZHIJIAN_BENCH_DB")
		if db == "" {
			return openFresh(b)
		}
		u, err := url.Parse(serverURL(b))
		if err != nil {
			b.Fatal(err)
		}
		u.Path = "/" + db
		s, err := Open(b.Context(), u.String())
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, consoleBenchBatch)
}

// consoleBenchBatch is how many outcomes one Write of the console
// benchmark's load holds: about 330,000 findings rows per INSERT.
const consoleBenchBatch = 10_000
