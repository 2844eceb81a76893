package schemas

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzParseJSONAgreesWithEncodingJSON: whatever parseJSON accepts,
// encoding/json accepts too, with the same value.
func FuzzParseJSONAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, -2.5e+3, "x\\u00e9\\n", true, false, null, {}], "b": {"c": []}}`,
		`{"a": 1, "a": 2}`, `  [0, 10, 1e5, -0.0]  `, `"\ud83d\ude00"`, `{"x": "\u001f"}`,
		`{"t": "中文\t"}`, `01`, `{"a":1}}`, `[1,]`, `"\/"`,
	} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../testdata/interactions/*.json")
	for _, name := range files[:min(5, len(files))] {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // decodeRecord rejects it before parsing
		}
		got, ok := parseJSON(data)
		if !ok {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("parseJSON accepted %q, encoding/json says %v", data, err)
		}
		if dec.More() {
			t.Fatalf("parseJSON accepted trailing data in %q", data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: parseJSON %#v, encoding/json %#v", data, got, want)
		}
	})
}

// The samples take the fast path.
func TestParseJSONTakesTheSamples(t *testing.T) {
	files, err := filepath.Glob("../testdata/interactions/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no samples")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := parseJSON(data); !ok {
			t.Errorf("%s: parseJSON refused a well-formed record", name)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile("../testdata/interactions/zh-chat-001-lost-parcel-good.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
