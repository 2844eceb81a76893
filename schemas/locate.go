package schemas

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// locate fills in Line and Col of problems that only know their JSON path,
// by finding where that path's value starts in data. It runs only when a
// record has problems. baseLine is the line data starts on in its source.
func locate(data []byte, problems []Problem, baseLine int) {
	var offsets map[string]int
	for i := range problems {
		p := &problems[i]
		if p.Line > 0 {
			p.Line += baseLine - 1
			continue
		}
		if offsets == nil {
			offsets = pathOffsets(data)
		}
		// A missing field is reported where its parent starts.
		for path := p.Path; ; path = parentPath(path) {
			if off, ok := offsets[path]; ok {
				p.Line, p.Col = lineCol(data, off)
				p.Line += baseLine - 1
				break
			}
			if path == "" {
				break
			}
		}
	}
}

func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// pathOffsets maps each JSON path in data to the byte offset where its value
// (or, for object members, its key) starts.
func pathOffsets(data []byte) map[string]int {
	out := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		path  string
		array bool
		index int
		key   string // pending member name
		isKey bool   // next string token is a key
	}
	var stack []frame
	skip := func(off int) int {
		for off < len(data) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
			off++
		}
		return off
	}
	for {
		start := skip(int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		path := ""
		if n := len(stack); n > 0 {
			f := &stack[n-1]
			if !f.array && f.isKey {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:n-1]
					continue
				}
				f.key, f.isKey = tok.(string), false
				out[join(f.path, f.key)] = start
				continue
			}
			if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
				stack = stack[:n-1]
				continue
			}
			if f.array {
				path = f.path + "[" + strconv.Itoa(f.index) + "]"
				f.index++
				out[path] = start
			} else {
				path = join(f.path, f.key)
				f.isKey = true
			}
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{path: path, array: d == '[', isKey: d == '{'})
		}
	}
}
