package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// MigrationsTable is the table every store records applied migrations in,
// with the columns version, name and applied_at.
const MigrationsTable = "schema_migrations"

// Migration is one versioned DDL file, NNNN_name.sql.
type Migration struct {
	Version int
	Name    string // the name part: "init" for 0001_init.sql
	File    string // the file name
	// Statements are the file's statements, without comments or the
	// trailing semicolons.
	Statements []string
}

// Applied is a migration recorded as applied in a store.
type Applied struct {
	Version int
	Name    string
}

// Migrator is what ApplyMigrations needs from a store.
type Migrator interface {
	// Applied returns the migrations recorded in MigrationsTable, creating
	// the table if it does not exist.
	Applied(ctx context.Context) ([]Applied, error)
	// Apply runs m's statements and records m as applied, in one
	// transaction where the store has them.
	Apply(ctx context.Context, m Migration) error
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9][a-z0-9_]*)\.sql$`)

// LoadMigrations reads the migrations in dir of fsys, in version order.
// Every file in dir must be named NNNN_name.sql (lower-case name); versions
// start at 0001 and have no gaps or duplicates. Subdirectories are errors
// too, so that a misplaced file is never silently skipped.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations %s: %w", dir, err)
	}
	var (
		ms   []Migration
		errs []error
	)
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			errs = append(errs, fmt.Errorf("migrations %s: %q is not named NNNN_name.sql", dir, e.Name()))
			continue
		}
		v, _ := strconv.Atoi(m[1]) // four digits always parse
		ms = append(ms, Migration{Version: v, Name: m[2], File: e.Name()})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	want := 1
	for i, m := range ms {
		switch {
		case i > 0 && m.Version == ms[i-1].Version:
			errs = append(errs, fmt.Errorf("migrations %s: %s and %s have the same version %04d", dir, ms[i-1].File, m.File, m.Version))
		case m.Version != want:
			errs = append(errs, fmt.Errorf("migrations %s: %s: expected version %04d (versions start at 0001, without gaps)", dir, m.File, want))
			want = m.Version + 1
		default:
			want++
		}
	}
	if len(ms) == 0 {
		errs = append(errs, fmt.Errorf("migrations %s: no NNNN_name.sql files", dir))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range ms {
		src, err := fs.ReadFile(fsys, path.Join(dir, ms[i].File))
		if err != nil {
			return nil, fmt.Errorf("migrations %s: %w", dir, err)
		}
		stmts, err := SplitStatements(string(src))
		if err != nil {
			return nil, fmt.Errorf("migrations %s: %s: %w", dir, ms[i].File, err)
		}
		if len(stmts) == 0 {
			return nil, fmt.Errorf("migrations %s: %s has no statements", dir, ms[i].File)
		}
		ms[i].Statements = stmts
	}
	return ms, nil
}

// Pending returns the migrations of all that are not applied yet, in
// order. It fails when the applied ones do not match the files: a version
// applied under another name, or unknown to this build (the store was
// migrated by a newer release), or a version missing below an applied one.
func Pending(all []Migration, applied []Applied) ([]Migration, error) {
	byVersion := make(map[int]Migration, len(all))
	for _, m := range all {
		byVersion[m.Version] = m
	}
	done := make(map[int]bool, len(applied))
	var errs []error
	for _, a := range applied {
		m, ok := byVersion[a.Version]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("migration %04d_%s is applied but unknown to this build (newer schema?)", a.Version, a.Name))
		case m.Name != a.Name:
			errs = append(errs, fmt.Errorf("migration %04d is applied as %q but the file is %s", a.Version, a.Name, m.File))
		}
		done[a.Version] = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var pending []Migration
	for _, m := range all {
		if !done[m.Version] {
			pending = append(pending, m)
			continue
		}
		if len(pending) > 0 {
			return nil, fmt.Errorf("migration %s is not applied but the later %s is", pending[0].File, m.File)
		}
	}
	return pending, nil
}

// ApplyMigrations applies the migrations in dir of fsys that m has not
// applied yet, in order. Running it again is a no-op.
func ApplyMigrations(ctx context.Context, fsys fs.FS, dir string, m Migrator) error {
	all, err := LoadMigrations(fsys, dir)
	if err != nil {
		return err
	}
	applied, err := m.Applied(ctx)
	if err != nil {
		return fmt.Errorf("read %s: %w", MigrationsTable, err)
	}
	pending, err := Pending(all, applied)
	if err != nil {
		return err
	}
	for _, p := range pending {
		if err := m.Apply(ctx, p); err != nil {
			return fmt.Errorf("apply migration %s: %w", p.File, err)
		}
	}
	return nil
}

// SplitStatements splits SQL text into statements at semicolons outside
// quotes and comments. It drops "--" line comments and "/* */" block
// comments, blank statements, and the semicolons themselves; quoted text
// ('…', "…", `…`) is kept as written, including doubled quotes.
func SplitStatements(src string) ([]string, error) {
	var (
		stmts []string
		cur   strings.Builder
	)
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			stmts = append(stmts, s)
		}
		cur.Reset()
	}
	line := 1
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\n':
			line++
			cur.WriteByte(c)
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			i-- // keep the newline
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			start := line
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated /* comment", start)
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 3
			cur.WriteByte(' ')
		case c == '\'' || c == '"' || c == '`':
			start := line
			j := i + 1
			for {
				k := strings.IndexByte(src[j:], c)
				if k < 0 {
					return nil, fmt.Errorf("line %d: unterminated %c quote", start, c)
				}
				j += k + 1
				if j < len(src) && src[j] == c { // doubled quote
					j++
					continue
				}
				break
			}
			line += strings.Count(src[i:j], "\n")
			cur.WriteString(src[i:j])
			i = j - 1
		case c == ';':
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return stmts, nil
}
