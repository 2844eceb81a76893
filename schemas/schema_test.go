package schemas

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestJSONSchemaAgreesWithDecoder keeps the published JSON Schema honest:
// what the decoder accepts the schema accepts, and the structural mistakes
// the decoder rejects the schema rejects too.
func TestJSONSchemaAgreesWithDecoder(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(InteractionV1JSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("interaction.v1.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("interaction.v1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(data []byte) error {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return err
		}
		return sch.Validate(inst)
	}
	files, _ := filepath.Glob("../testdata/interactions/*.json")
	good := [][]byte{[]byte(goodChat)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		good = append(good, b)
	}
	for i, b := range good {
		if _, err := Decode(b); err != nil {
			t.Errorf("sample %d: decoder rejects: %v", i, err)
		}
		if err := validate(b); err != nil {
			t.Errorf("sample %d: schema rejects what the decoder accepts: %v", i, err)
		}
	}
	bad := map[string]string{
		"unknown speaker": `"speaker": "customer"`,
		"missing id":      `"id": "c-1",`,
		"both times":      `"start_ms": 0, "end_ms": 2100`,
		"nested unknown":  `"team": "T3"`,
		"bad channel":     `"channel": "chat"`,
	}
	repl := map[string]string{
		"unknown speaker": `"speaker": "robot"`,
		"missing id":      ``,
		"both times":      `"start_ms": 0, "at": "2026-11-01T09:30:00+08:00"`,
		"nested unknown":  `"team": "T3", "desk": 4`,
		"bad channel":     `"channel": "fax"`,
	}
	for name, old := range bad {
		b := []byte(strings.Replace(goodChat, old, repl[name], 1))
		if _, err := Decode(b); err == nil {
			t.Errorf("%s: decoder accepts", name)
		}
		if err := validate(b); err == nil {
			t.Errorf("%s: schema accepts what the decoder rejects", name)
		}
	}
}
