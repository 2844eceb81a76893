package console

import (
	"fmt"
	"html/template"
	"time"
)

var funcs = template.FuncMap{
	"pct":   func(v float64) string { return fmt.Sprintf("%.1f%%", v) },
	"num":   func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"date":  func(t time.Time) string { return t.Format(time.DateOnly) },
	"other": other,
	"share": func(n, of int64) string { return fmt.Sprintf("%.1f%%", percent(n, of)) },
	"add":   func(a, b int64) int64 { return a + b },
}
