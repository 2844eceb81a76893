package schemas

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendFindingsJSON appends fs as JSON, the bytes an encoding/json Encoder
// with SetEscapeHTML(false) writes for them, several times faster: findings
// are most of a result, and stores encode every result they keep.
func AppendFindingsJSON(dst []byte, fs []Finding) ([]byte, error) {
	if fs == nil {
		return append(dst, "null"...), nil
	}
	var err error
	dst = append(dst, '[')
	for i := range fs {
		if i > 0 {
			dst = append(dst, ',')
		}
		f := &fs[i]
		dst = append(dst, `{"item":`...)
		dst = appendString(dst, f.Item)
		dst = append(dst, `,"section":`...)
		dst = appendString(dst, f.Section)
		dst = append(dst, `,"kind":`...)
		dst = appendString(dst, f.Kind)
		dst = append(dst, `,"verdict":`...)
		dst = appendString(dst, string(f.Verdict))
		dst = append(dst, `,"points":`...)
		if dst, err = appendFloat(dst, f.Points); err != nil {
			return nil, err
		}
		dst = append(dst, `,"max_points":`...)
		if dst, err = appendFloat(dst, f.MaxPoints); err != nil {
			return nil, err
		}
		dst = append(dst, `,"severity":`...)
		dst = appendString(dst, f.Severity)
		dst = append(dst, `,"confidence":`...)
		if dst, err = appendFloat(dst, f.Confidence); err != nil {
			return nil, err
		}
		dst = append(dst, `,"evidence":`...)
		dst = appendEvidence(dst, f.Evidence)
		if f.Rationale != "" {
			dst = append(dst, `,"rationale":`...)
			dst = appendString(dst, f.Rationale)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']'), nil
}

func appendEvidence(dst []byte, es []Evidence) []byte {
	if es == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, e := range es {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"turn":`...)
		dst = strconv.AppendInt(dst, int64(e.Turn), 10)
		dst = append(dst, `,"start":`...)
		dst = strconv.AppendInt(dst, int64(e.Start), 10)
		dst = append(dst, `,"end":`...)
		dst = strconv.AppendInt(dst, int64(e.End), 10)
		dst = append(dst, `,"quote":`...)
		dst = appendString(dst, e.Quote)
		dst = append(dst, `,"offset_ms":`...)
		dst = strconv.AppendInt(dst, e.OffsetMS, 10)
		if e.DurationMS != 0 {
			dst = append(dst, `,"duration_ms":`...)
			dst = strconv.AppendInt(dst, e.DurationMS, 10)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

var errNotFinite = errors.New("json: unsupported value: a finding's number is NaN or infinite")

// appendFloat formats f as encoding/json does.
func appendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, errNotFinite
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9, as encoding/json writes it.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does without HTML escaping.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
