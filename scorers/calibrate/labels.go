package calibrate

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/zhijian-qa/zhijian/schemas"
)

// MaxLabelLineBytes bounds one line of a labels file.
const MaxLabelLineBytes = 64 << 10

// Label is one human verdict on one scorecard item of one interaction.
type Label struct {
	InteractionID string
	Scorecard     string // pack id, e.g. logistics-zh
	Item          string // scorecard item id
	Verdict       schemas.Verdict
	Labeller      string
	Note          string
	// Second marks a blind second label by another labeller. The first
	// label is the gold verdict; second labels only feed InterLabeller.
	Second bool
	// Line is the 1-based line of the label in its file.
	Line int
}

// labelJSON is the wire form of one line.
type labelJSON struct {
	InteractionID string `json:"interaction_id"`
	Scorecard     string `json:"scorecard"`
	Item          string `json:"item"`
	Verdict       string `json:"verdict"`
	Labeller      string `json:"labeller"`
	Note          string `json:"note"`
	Second        bool   `json:"second"`
}

// LineError is a problem with one line of a labels file.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

type labelKey struct{ interaction, scorecard, item string }

// ReadLabels reads labels from JSON Lines; name names the input in errors.
// Blank lines are skipped. Every problem of every line is reported, each as a
// *LineError ("file:line: problem"), joined with errors.Join; the labels of
// the good lines are returned with the error.
func ReadLabels(r io.Reader, name string) ([]Label, error) {
	var (
		labels []Label
		errs   []error
		first  = map[labelKey]int{} // index into labels
		second = map[labelKey]int{}
	)
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &LineError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLabelLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		l, ok := parseLabel(text, line, bad)
		if !ok {
			continue
		}
		k := labelKey{l.InteractionID, l.Scorecard, l.Item}
		seen, which := first, "first"
		if l.Second {
			seen, which = second, "second"
		}
		if i, dup := seen[k]; dup {
			bad(line, "duplicate %s label for %s %s %s (earlier at line %d)", which, k.interaction, k.scorecard, k.item, labels[i].Line)
			continue
		}
		seen[k] = len(labels)
		labels = append(labels, l)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			bad(line+1, "line longer than %d bytes; reading stopped here", MaxLabelLineBytes)
		} else {
			errs = append(errs, fmt.Errorf("%s: read after line %d: %w", name, line, err))
		}
	}
	// A second label only means something next to a first one by someone else.
	orphan := map[int]bool{}
	for k, i := range second {
		l := labels[i]
		j, ok := first[k]
		switch {
		case !ok:
			bad(l.Line, "second label for %s %s %s has no first label", k.interaction, k.scorecard, k.item)
			orphan[l.Line] = true
		case labels[j].Labeller == l.Labeller:
			bad(l.Line, "second label for %s %s %s is by %q, who gave the first label (line %d)", k.interaction, k.scorecard, k.item, l.Labeller, labels[j].Line)
			orphan[l.Line] = true
		}
	}
	if len(errs) > 0 {
		sortLineErrors(errs)
		labels = slices.DeleteFunc(labels, func(l Label) bool { return orphan[l.Line] })
		return labels, errors.Join(errs...)
	}
	return labels, nil
}

// parseLabel decodes and checks one non-blank line, reporting each problem.
func parseLabel(text []byte, line int, bad func(int, string, ...any)) (Label, bool) {
	var w labelJSON
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		bad(line, "%s", jsonProblem(err))
		return Label{}, false
	}
	if dec.More() {
		bad(line, "one JSON object per line: found more after it")
		return Label{}, false
	}
	ok := true
	for _, f := range []struct{ name, value string }{
		{"interaction_id", w.InteractionID},
		{"scorecard", w.Scorecard},
		{"item", w.Item},
		{"verdict", w.Verdict},
		{"labeller", w.Labeller},
	} {
		if strings.TrimSpace(f.value) == "" {
			bad(line, "missing %s", f.name)
			ok = false
		}
	}
	switch v := schemas.Verdict(w.Verdict); v {
	case schemas.Pass, schemas.Fail, schemas.NA, "":
	case schemas.NotEvaluated:
		bad(line, "verdict %q is for scorers that did not run; a human label is pass, fail or na", v)
		ok = false
	default:
		bad(line, "unknown verdict %q: must be pass, fail or na", v)
		ok = false
	}
	if !ok {
		return Label{}, false
	}
	return Label{
		InteractionID: w.InteractionID,
		Scorecard:     w.Scorecard,
		Item:          w.Item,
		Verdict:       schemas.Verdict(w.Verdict),
		Labeller:      w.Labeller,
		Note:          w.Note,
		Second:        w.Second,
		Line:          line,
	}, true
}

// jsonProblem words a decoding error without Go type names where it can.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Sprintf("a label is a JSON object, not %s", typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s: %s is not a %s", typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON: unexpected end of line"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// sortLineErrors orders line errors by line (stable), other errors last.
func sortLineErrors(errs []error) {
	lineOf := func(e error) int {
		var le *LineError
		if errors.As(e, &le) {
			return le.Line
		}
		return math.MaxInt
	}
	slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(lineOf(a), lineOf(b)) })
}
