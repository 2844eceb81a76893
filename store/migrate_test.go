package store

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty", "", nil},
		{"only comments", "-- nothing\n/* here */\n;\n", nil},
		{"semicolons at line ends", "CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n", []string{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}},
		{"no trailing semicolon", "SELECT 1;\nSELECT 2", []string{"SELECT 1", "SELECT 2"}},
		{"line comments dropped", "-- header; with a semicolon\nCREATE TABLE a ( -- the key; really\n  x INT\n);", []string{"CREATE TABLE a ( \n  x INT\n)"}},
		{"block comment", "/* a; b */ SELECT 1;", []string{"SELECT 1"}},
		{"semicolon in string", "INSERT INTO t VALUES ('a;b');", []string{"INSERT INTO t VALUES ('a;b')"}},
		{"doubled quote", "SELECT 'it''s; fine', \"odd\"\"name;\";", []string{"SELECT 'it''s; fine', \"odd\"\"name;\""}},
		{"dashes in string", "SELECT '--not a comment';", []string{"SELECT '--not a comment'"}},
		{"backticks", "SELECT `a;b` FROM t;", []string{"SELECT `a;b` FROM t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SplitStatements(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitStatements(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestSplitStatementsRejectsUnterminated(t *testing.T) {
	for _, src := range []string{"SELECT 'abc;\n", "SELECT 1;\n/* open", "SELECT \"x"} {
		if _, err := SplitStatements(src); err == nil || !strings.Contains(err.Error(), "unterminated") {
			t.Errorf("SplitStatements(%q) error = %v, want unterminated", src, err)
		}
	}
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestLoadMigrationsInOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"d/0002_findings.sql": file("CREATE TABLE f (x INT);\nCREATE INDEX i ON f (x);"),
		"d/0001_init.sql":     file("-- first\nCREATE TABLE a (x INT);"),
		"d/0010_x.sql":        file("SELECT 1;"),
	}
	for v := 3; v <= 9; v++ {
		fsys["d/000"+string(rune('0'+v))+"_step.sql"] = file("SELECT 1;")
	}
	ms, err := LoadMigrations(fsys, "d")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 10 {
		t.Fatalf("got %d migrations, want 10", len(ms))
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("ms[%d].Version = %d, want %d", i, m.Version, i+1)
		}
	}
	if ms[0].Name != "init" || ms[0].File != "0001_init.sql" || !reflect.DeepEqual(ms[0].Statements, []string{"CREATE TABLE a (x INT)"}) {
		t.Errorf("ms[0] = %+v", ms[0])
	}
	if len(ms[1].Statements) != 2 {
		t.Errorf("ms[1].Statements = %q, want 2", ms[1].Statements)
	}
}

func TestLoadMigrationsRejects(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"bad name", fstest.MapFS{"d/0001_init.sql": file("SELECT 1;"), "d/2_more.sql": file("SELECT 1;")}, `"2_more.sql" is not named NNNN_name.sql`},
		{"upper case", fstest.MapFS{"d/0001_Init.sql": file("SELECT 1;")}, `"0001_Init.sql" is not named`},
		{"other extension", fstest.MapFS{"d/0001_init.sql": file("SELECT 1;"), "d/README.md": file("x")}, `"README.md" is not named`},
		{"subdirectory", fstest.MapFS{"d/0001_init.sql": file("SELECT 1;"), "d/0002_x.sql/a": file("x")}, `"0002_x.sql" is not named`},
		{"gap", fstest.MapFS{"d/0001_init.sql": file("SELECT 1;"), "d/0003_more.sql": file("SELECT 1;")}, "0003_more.sql: expected version 0002"},
		{"not from one", fstest.MapFS{"d/0002_init.sql": file("SELECT 1;")}, "0002_init.sql: expected version 0001"},
		{"duplicate", fstest.MapFS{"d/0001_init.sql": file("SELECT 1;"), "d/0001_again.sql": file("SELECT 1;")}, "have the same version 0001"},
		{"empty file", fstest.MapFS{"d/0001_init.sql": file("-- nothing yet\n")}, "0001_init.sql has no statements"},
		{"unterminated", fstest.MapFS{"d/0001_init.sql": file("SELECT 'x;")}, "0001_init.sql: line 1: unterminated ' quote"},
		{"no files", fstest.MapFS{"d": &fstest.MapFile{Mode: fs.ModeDir}}, "no NNNN_name.sql files"},
		{"missing dir", fstest.MapFS{}, "migrations d:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadMigrations(tt.fsys, "d")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestPending(t *testing.T) {
	all := []Migration{{Version: 1, Name: "init", File: "0001_init.sql"}, {Version: 2, Name: "more", File: "0002_more.sql"}, {Version: 3, Name: "last", File: "0003_last.sql"}}
	tests := []struct {
		name    string
		applied []Applied
		want    []int
		wantErr string
	}{
		{"fresh", nil, []int{1, 2, 3}, ""},
		{"some", []Applied{{1, "init"}}, []int{2, 3}, ""},
		{"all", []Applied{{2, "more"}, {1, "init"}, {3, "last"}}, nil, ""},
		{"renamed", []Applied{{1, "start"}}, nil, `migration 0001 is applied as "start" but the file is 0001_init.sql`},
		{"newer schema", []Applied{{1, "init"}, {2, "more"}, {3, "last"}, {4, "future"}}, nil, "0004_future is applied but unknown to this build"},
		{"hole", []Applied{{1, "init"}, {3, "last"}}, nil, "0002_more.sql is not applied but the later 0003_last.sql is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pending(all, tt.applied)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var versions []int
			for _, m := range got {
				versions = append(versions, m.Version)
			}
			if !reflect.DeepEqual(versions, tt.want) {
				t.Errorf("pending = %v, want %v", versions, tt.want)
			}
		})
	}
}

type fakeMigrator struct {
	applied []Applied
	runs    []string
	failOn  int
}

func (f *fakeMigrator) Applied(context.Context) ([]Applied, error) { return f.applied, nil }

func (f *fakeMigrator) Apply(_ context.Context, m Migration) error {
	if m.Version == f.failOn {
		return errors.New("boom")
	}
	f.runs = append(f.runs, m.Statements...)
	f.applied = append(f.applied, Applied{m.Version, m.Name})
	return nil
}

func TestApplyMigrationsTwiceIsNoOp(t *testing.T) {
	fsys := fstest.MapFS{
		"d/0001_init.sql": file("CREATE TABLE a (x INT);"),
		"d/0002_more.sql": file("CREATE TABLE b (x INT);"),
	}
	m := &fakeMigrator{}
	ctx := context.Background()
	if err := ApplyMigrations(ctx, fsys, "d", m); err != nil {
		t.Fatal(err)
	}
	if err := ApplyMigrations(ctx, fsys, "d", m); err != nil {
		t.Fatal(err)
	}
	want := []string{"CREATE TABLE a (x INT)", "CREATE TABLE b (x INT)"}
	if !reflect.DeepEqual(m.runs, want) {
		t.Errorf("ran %q, want %q", m.runs, want)
	}
}

func TestApplyMigrationsStopsAtFailure(t *testing.T) {
	fsys := fstest.MapFS{
		"d/0001_init.sql": file("CREATE TABLE a (x INT);"),
		"d/0002_more.sql": file("CREATE TABLE b (x INT);"),
		"d/0003_last.sql": file("CREATE TABLE c (x INT);"),
	}
	m := &fakeMigrator{failOn: 2}
	err := ApplyMigrations(context.Background(), fsys, "d", m)
	if err == nil || !strings.Contains(err.Error(), "apply migration 0002_more.sql: boom") {
		t.Fatalf("error = %v", err)
	}
	if len(m.applied) != 1 {
		t.Errorf("applied %v, want only 0001", m.applied)
	}
}
