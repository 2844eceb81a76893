package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what one record may hold.
const (
	MaxRecordBytes   = 8 << 20
	MaxTurnTextBytes = 64 << 10
	MaxTurns         = 20000
	maxIDBytes       = 256
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@/-]*$`)

// Decode decodes and validates one interaction from a single JSON object.
func Decode(data []byte) (*Interaction, error) {
	in, problems := decodeRecord(data)
	if len(problems) > 0 {
		err := &RecordError{Problems: problems}
		if in != nil {
			err.ID, err.Tenant = in.ID, in.Tenant
		}
		locate(data, err.Problems, 1)
		return nil, err
	}
	return in, nil
}

// decodeRecord returns the (possibly partial) interaction and its problems,
// without positions.
func decodeRecord(data []byte) (*Interaction, []Problem) {
	if len(data) > MaxRecordBytes {
		return nil, []Problem{{Msg: fmt.Sprintf("record of %d bytes exceeds the limit of %d", len(data), MaxRecordBytes)}}
	}
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		line, col := lineCol(data, off)
		return nil, []Problem{{Line: line, Col: col, Msg: "invalid UTF-8"}}
	}
	v, ok := parseJSON(data)
	if !ok {
		var problem *Problem
		if v, problem = parseStdlib(data); problem != nil {
			return nil, []Problem{*problem}
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, []Problem{{Msg: "expected a JSON object, got " + jsonType(v)}}
	}
	w := &walker{}
	in := w.interaction(obj)
	return in, w.problems
}

// parseStdlib parses with encoding/json, which names what is wrong.
func parseStdlib(data []byte) (any, *Problem) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		p := syntaxProblem(data, err)
		return nil, &p
	}
	if dec.More() {
		off := dec.InputOffset()
		line, col := lineCol(data, int(off))
		return nil, &Problem{Line: line, Col: col, Msg: "unexpected data after the JSON object"}
	}
	return v, nil
}

func syntaxProblem(data []byte, err error) Problem {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if err.Error() == "unexpected EOF" {
		off, msg = int64(len(data)), "unexpected end of JSON input"
	}
	p := Problem{Msg: "malformed JSON: " + msg}
	if off >= 0 {
		p.Line, p.Col = lineCol(data, int(off))
	}
	return p
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// walker converts the generic JSON tree into an Interaction, collecting
// every problem with its path.
type walker struct {
	problems []Problem
}

func (w *walker) errorf(path, format string, args ...any) {
	w.problems = append(w.problems, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (w *walker) str(obj map[string]any, path, key string, required bool) string {
	v, ok := obj[key]
	if !ok || v == nil {
		if required {
			w.errorf(join(path, key), "is required")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		w.errorf(join(path, key), "must be a string, got %s", jsonType(v))
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		w.errorf(join(path, key), "must not be empty")
	}
	return s
}

func (w *walker) int(obj map[string]any, path, key string) (int64, bool) {
	v, ok := obj[key]
	if !ok || v == nil {
		return 0, false
	}
	n, ok := v.(json.Number)
	if !ok {
		w.errorf(join(path, key), "must be an integer, got %s", jsonType(v))
		return 0, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		w.errorf(join(path, key), "%s must be an integer", n)
		return 0, false
	}
	return i, true
}

func (w *walker) time(obj map[string]any, path, key string, required bool) (time.Time, bool) {
	s := w.str(obj, path, key, required)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		w.errorf(join(path, key), "%q is not an RFC 3339 timestamp", s)
		return time.Time{}, false
	}
	return t, true
}

func (w *walker) object(v any, path string, known ...string) map[string]any {
	obj, ok := v.(map[string]any)
	if !ok {
		w.errorf(path, "must be an object, got %s", jsonType(v))
		return nil
	}
	for k := range obj {
		if !contains(known, k) {
			w.errorf(join(path, k), "unknown field")
		}
	}
	return obj
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var topLevel = []string{"schema", "id", "tenant", "channel", "language", "started_at", "ended_at",
	"direction", "queue", "agent", "customer", "metadata", "recording", "turns"}

func (w *walker) interaction(obj map[string]any) *Interaction {
	in := &Interaction{}
	in.Schema = w.str(obj, "", "schema", true)
	if in.Schema != "" && in.Schema != SchemaInteractionV1 {
		w.errorf("schema", "%q is not %q", in.Schema, SchemaInteractionV1)
	}
	in.ID = w.str(obj, "", "id", true)
	in.Tenant = w.str(obj, "", "tenant", true)
	for _, f := range []struct{ name, val string }{{"id", in.ID}, {"tenant", in.Tenant}} {
		if f.val == "" {
			continue
		}
		if len(f.val) > maxIDBytes {
			w.errorf(f.name, "is %d bytes long; the limit is %d", len(f.val), maxIDBytes)
		} else if !idPattern.MatchString(f.val) {
			w.errorf(f.name, "%q may hold only letters, digits and . _ : @ / -", f.val)
		}
	}
	in.Channel = Channel(w.str(obj, "", "channel", true))
	switch in.Channel {
	case Voice, Chat, Email, "":
	default:
		w.errorf("channel", "%q is not one of voice, chat, email", in.Channel)
	}
	in.Language = w.str(obj, "", "language", false)
	in.StartedAt, _ = w.time(obj, "", "started_at", true)
	in.EndedAt, _ = w.time(obj, "", "ended_at", false)
	if !in.EndedAt.IsZero() && !in.StartedAt.IsZero() && in.EndedAt.Before(in.StartedAt) {
		w.errorf("ended_at", "%s is before started_at", in.EndedAt.Format(time.RFC3339))
	}
	in.Direction = w.str(obj, "", "direction", false)
	switch in.Direction {
	case "", "inbound", "outbound", "internal":
	default:
		w.errorf("direction", "%q is not one of inbound, outbound, internal", in.Direction)
	}
	in.Queue = w.str(obj, "", "queue", false)
	if v, ok := obj["agent"]; ok && v != nil {
		if a := w.object(v, "agent", "id", "name", "team", "site"); a != nil {
			in.Agent = AgentInfo{ID: w.str(a, "agent", "id", false), Name: w.str(a, "agent", "name", false),
				Team: w.str(a, "agent", "team", false), Site: w.str(a, "agent", "site", false)}
		}
	}
	if v, ok := obj["customer"]; ok && v != nil {
		if c := w.object(v, "customer", "id", "tier"); c != nil {
			in.Customer = CustomerInfo{ID: w.str(c, "customer", "id", false), Tier: w.str(c, "customer", "tier", false)}
		}
	}
	if v, ok := obj["metadata"]; ok && v != nil {
		in.Metadata = w.metadata(v)
	}
	if v, ok := obj["recording"]; ok && v != nil {
		in.Recording = w.recording(v)
	}
	v, hasTurns := obj["turns"]
	switch {
	case hasTurns && v != nil:
		in.Turns = w.turns(v, in.StartedAt)
	case in.Channel == Voice && in.Recording != nil:
		// A call without a transcript: it will be transcribed.
	case in.Channel == Voice:
		w.errorf("turns", "is required (a voice interaction needs turns or a recording)")
	default:
		w.errorf("turns", "is required")
	}
	for k, v := range obj {
		if contains(topLevel, k) {
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			w.errorf(k, "cannot be kept: %v", err)
			continue
		}
		if in.Extra == nil {
			in.Extra = make(map[string]json.RawMessage)
		}
		in.Extra[k] = raw
	}
	return in
}

func (w *walker) metadata(v any) map[string]string {
	obj, ok := v.(map[string]any)
	if !ok {
		w.errorf("metadata", "must be an object of strings, got %s", jsonType(v))
		return nil
	}
	md := make(map[string]string, len(obj))
	for k, x := range obj {
		switch x := x.(type) {
		case string:
			md[k] = x
		case json.Number:
			md[k] = string(x)
		case bool:
			md[k] = strconv.FormatBool(x)
		default:
			w.errorf("metadata."+k, "must be a string, got %s", jsonType(x))
		}
	}
	return md
}

func (w *walker) recording(v any) *Recording {
	obj := w.object(v, "recording", "uri", "agent_channel", "customer_channel")
	if obj == nil {
		return nil
	}
	r := &Recording{URI: w.str(obj, "recording", "uri", true)}
	for _, key := range []string{"agent_channel", "customer_channel"} {
		if n, ok := w.int(obj, "recording", key); ok {
			if n < 0 || n > 63 {
				w.errorf("recording."+key, "%d must be between 0 and 63", n)
				continue
			}
			c := int(n)
			if key == "agent_channel" {
				r.AgentChannel = &c
			} else {
				r.CustomerChannel = &c
			}
		}
	}
	if r.AgentChannel != nil && r.CustomerChannel != nil && *r.AgentChannel == *r.CustomerChannel {
		w.errorf("recording.customer_channel", "%d is also the agent channel", *r.CustomerChannel)
	}
	return r
}

func (w *walker) turns(v any, started time.Time) []Turn {
	list, ok := v.([]any)
	if !ok {
		w.errorf("turns", "must be an array, got %s", jsonType(v))
		return nil
	}
	if len(list) == 0 {
		w.errorf("turns", "must not be empty")
		return nil
	}
	if len(list) > MaxTurns {
		w.errorf("turns", "%d turns exceed the limit of %d", len(list), MaxTurns)
		return nil
	}
	turns := make([]Turn, 0, len(list))
	prev := int64(math.MinInt64)
	for i, x := range list {
		path := fmt.Sprintf("turns[%d]", i)
		obj := w.object(x, path, "speaker", "text", "start_ms", "end_ms", "at", "confidence")
		if obj == nil {
			continue
		}
		t := Turn{Speaker: Speaker(w.str(obj, path, "speaker", true))}
		if t.Speaker != "" && !t.Speaker.Valid() {
			w.errorf(path+".speaker", "%q is not one of agent, customer, bot, system", t.Speaker)
		}
		t.Text = w.str(obj, path, "text", true)
		if len(t.Text) > MaxTurnTextBytes {
			w.errorf(path+".text", "%d bytes exceed the limit of %d", len(t.Text), MaxTurnTextBytes)
			t.Text = ""
		}
		start, hasStart := w.int(obj, path, "start_ms")
		at, hasAt := w.time(obj, path, "at", false)
		switch {
		case hasStart && hasAt:
			w.errorf(path, "has both start_ms and at; give one")
		case hasStart:
			t.StartMS = start
		case hasAt:
			if !started.IsZero() {
				t.StartMS = at.Sub(started).Milliseconds()
			}
		default:
			if _, bad := obj["start_ms"]; !bad {
				if _, bad = obj["at"]; !bad {
					w.errorf(path, "needs start_ms or at")
				}
			}
		}
		if hasStart || hasAt {
			switch {
			case t.StartMS < 0 && hasAt:
				w.errorf(path+".at", "%s is before started_at", at.Format(time.RFC3339))
			case t.StartMS < 0:
				w.errorf(path+".start_ms", "%d must not be negative", t.StartMS)
			case t.StartMS < prev:
				w.errorf(path+".start_ms", "%d is before the previous turn's start (%d): turns must be in time order", t.StartMS, prev)
			}
			prev = max(prev, t.StartMS)
		}
		if end, ok := w.int(obj, path, "end_ms"); ok {
			if end < t.StartMS {
				w.errorf(path+".end_ms", "%d is before start_ms (%d)", end, t.StartMS)
			}
			t.EndMS = end
		}
		if c, ok := obj["confidence"]; ok && c != nil {
			n, isNum := c.(json.Number)
			f, err := n.Float64()
			if !isNum || err != nil || f < 0 || f > 1 {
				w.errorf(path+".confidence", "must be a number between 0 and 1")
			} else {
				t.Confidence = &f
			}
		}
		turns = append(turns, t)
	}
	return turns
}
