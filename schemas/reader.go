package schemas

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Reader reads interactions from a stream of JSON objects: JSON Lines, one
// pretty-printed object, or several in a row. A bad record is reported and
// skipped; reading goes on with the next one.
type Reader struct {
	src    string
	br     *bufio.Reader
	line   int // lines consumed so far
	buf    []byte
	closed bool
	// pending is a line read ahead: the start of the next record.
	pending []byte
}

// NewReader reads from r; source names it in error messages.
func NewReader(r io.Reader, source string) *Reader {
	return &Reader{src: source, br: bufio.NewReaderSize(r, 64<<10)}
}

// Record is one raw record and where it started.
type Record struct {
	Data []byte
	Line int
}

// Next returns the next interaction. At the end it returns io.EOF. A record
// that cannot be decoded gives a *RecordError (with source positions); the
// caller may go on calling Next.
func (r *Reader) Next() (*Interaction, error) {
	rec, err := r.NextRecord()
	if err != nil {
		return nil, err
	}
	return r.Decode(rec)
}

// Decode decodes a record NextRecord returned; problems come back as a
// *RecordError with positions in the reader's source.
func (r *Reader) Decode(rec Record) (*Interaction, error) {
	in, problems := decodeRecord(rec.Data)
	if len(problems) == 0 {
		return in, nil
	}
	e := &RecordError{Problems: problems}
	if in != nil {
		e.ID, e.Tenant = in.ID, in.Tenant
	}
	locate(rec.Data, e.Problems, rec.Line)
	for i := range e.Problems {
		e.Problems[i].Source = r.src
		if e.Problems[i].Line == 0 {
			e.Problems[i].Line = rec.Line
		}
	}
	return nil, e
}

// NextRecord returns the bytes of the next complete JSON object without
// decoding it. Framing problems (text outside an object, an object left
// open, an oversized record) come back as *RecordError.
func (r *Reader) NextRecord() (Record, error) {
	var sc objectScanner
	startLine := 0
	r.buf = r.buf[:0]
	oversized := false
	for {
		if r.closed && r.pending == nil {
			if startLine == 0 {
				return Record{}, io.EOF
			}
			return Record{}, r.problem(startLine, "unexpected end of input: the object that starts here is not closed")
		}
		var line []byte
		var long bool
		if r.pending != nil {
			line, r.pending = r.pending, nil
		} else {
			var err error
			if line, long, err = r.readLine(); err != nil {
				return Record{}, err
			}
			r.line++
		}
		if startLine != 0 && len(line) > 0 && line[0] == '{' {
			// An object opening at column 0 inside another: the one before
			// was never closed. Report it and start over from this line.
			r.pending = append([]byte(nil), line...)
			return Record{}, r.problem(startLine, fmt.Sprintf("malformed JSON: the object that starts here is not closed before line %d", r.line))
		}
		if startLine == 0 {
			if isBlank(line) {
				continue
			}
			startLine = r.line
			if first := firstNonSpace(line); first != '{' {
				return Record{}, r.problem(startLine, fmt.Sprintf("expected a JSON object starting with '{', found %q", first))
			}
		}
		if long || len(r.buf)+len(line) > MaxRecordBytes {
			oversized, r.buf = true, r.buf[:0]
		}
		if !oversized {
			r.buf = append(r.buf, line...)
		}
		sc.scan(line)
		if sc.inString && !r.closed && !long {
			// JSON strings cannot hold raw newlines: this record is broken.
			return Record{}, r.problem(r.line, "malformed JSON: a string is not closed on its line")
		}
		if sc.done || sc.depth < 0 {
			switch {
			case oversized:
				return Record{}, r.problem(startLine, fmt.Sprintf("record exceeds the limit of %d bytes", MaxRecordBytes))
			case sc.depth < 0:
				return Record{}, r.problem(r.line, "malformed JSON: unbalanced '}' or ']'")
			}
			return Record{Data: r.buf, Line: startLine}, nil
		}
	}
}

// readLine returns the next line. A line longer than MaxRecordBytes is
// consumed whole but only its head is returned, with long set.
func (r *Reader) readLine() (line []byte, long bool, err error) {
	var acc []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(acc) <= MaxRecordBytes {
				acc = append(acc, chunk...)
			} else {
				long = true
			}
			continue
		}
		if errors.Is(err, io.EOF) {
			r.closed = true
		} else if err != nil {
			return nil, false, err
		}
		if acc == nil {
			return chunk, false, nil
		}
		if len(acc)+len(chunk) > MaxRecordBytes {
			long = true
		}
		return append(acc, chunk...), long, nil
	}
}

func (r *Reader) problem(line int, msg string) *RecordError {
	return &RecordError{Problems: []Problem{{Source: r.src, Line: line, Msg: msg}}}
}

func isBlank(b []byte) bool { return firstNonSpace(b) == 0 }

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return c
		}
	}
	return 0
}

// objectScanner tracks nesting depth across lines to find where a top-level
// JSON value ends, without decoding it.
type objectScanner struct {
	depth    int
	started  bool
	inString bool
	escaped  bool
	done     bool
}

func (s *objectScanner) scan(b []byte) {
	for _, c := range b {
		if s.done {
			return
		}
		if s.inString {
			switch {
			case s.escaped:
				s.escaped = false
			case c == '\\':
				s.escaped = true
			case c == '"':
				s.inString = false
			case c == '\n':
				return
			}
			continue
		}
		switch c {
		case '"':
			s.inString = true
		case '{', '[':
			s.depth++
			s.started = true
		case '}', ']':
			s.depth--
			if s.depth == 0 && s.started {
				s.done = true
			}
			if s.depth < 0 {
				return
			}
		}
	}
}
