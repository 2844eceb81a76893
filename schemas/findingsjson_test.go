package schemas

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func stdFindingsJSON(t testing.TB, fs []Finding) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fs); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestAppendFindingsJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	files, err := filepath.Glob("../testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no golden results")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var r Result
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		got, err := AppendFindingsJSON(nil, r.Findings)
		if err != nil {
			t.Fatal(err)
		}
		if want := stdFindingsJSON(t, r.Findings); !bytes.Equal(got, want) {
			t.Fatalf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	if _, err := AppendFindingsJSON(nil, []Finding{{Confidence: math.NaN()}}); err == nil {
		t.Fatal("NaN encoded")
	}
}

// FuzzAppendFindingsJSON: any strings and numbers come out as encoding/json
// writes them.
func FuzzAppendFindingsJSON(f *testing.F) {
	f.Add("客户说\"丢了\"\n\t<b>&", "\x00\x1f\u2028\u2029\xff", 2.5, 1e-7, int64(-3))
	f.Add("", "calm down", 0.0, 1e21, int64(0))
	f.Fuzz(func(t *testing.T, s1, s2 string, x, y float64, n int64) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return
		}
		fs := []Finding{
			{Item: s1, Section: s2, Kind: "rule", Verdict: Verdict(s2), Points: x, MaxPoints: y, Confidence: x * y,
				Evidence: []Evidence{{Turn: int(n), Start: 1, End: 2, Quote: s1 + s2, OffsetMS: n, DurationMS: n}}, Rationale: s2},
			{Item: s2, Evidence: []Evidence{}},
		}
		got, err := AppendFindingsJSON(nil, fs)
		if err != nil {
			if !math.IsInf(x*y, 0) {
				t.Fatal(err)
			}
			return
		}
		if want := stdFindingsJSON(t, fs); !bytes.Equal(got, want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}
