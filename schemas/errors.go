package schemas

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a record: where, and what.
type Problem struct {
	Source string // file name or "-"; may be empty
	Line   int    // 1-based line in the source; 0 if unknown
	Col    int    // 1-based column (bytes); 0 if unknown
	Path   string // JSON path such as turns[2].start_ms; empty for the whole record
	Msg    string
}

func (p Problem) Error() string {
	var b strings.Builder
	if p.Source != "" {
		b.WriteString(p.Source)
		b.WriteByte(':')
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, "%d:", p.Col)
		}
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// RecordError lists every problem of one record. It is permanent: the same
// bytes will never decode. ID and Tenant are set when they could be read, so
// the record can still be counted as received.
type RecordError struct {
	ID, Tenant string
	Problems   []Problem
}

func (e *RecordError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "\n")
}
