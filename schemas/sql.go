package schemas

import (
	"embed"
	"io/fs"
)

//go:embed sql
var sqlFiles embed.FS

// SQL returns the stores' versioned DDL: one folder per dialect ("duckdb",
// "clickhouse"), each holding NNNN_name.sql files that store.LoadMigrations
// reads in order.
func SQL() fs.FS {
	sub, err := fs.Sub(sqlFiles, "sql")
	if err != nil { // fs.Sub fails only on an invalid name, and "sql" is valid
		return sqlFiles
	}
	return sub
}
