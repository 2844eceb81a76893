package schemas

import (
	"errors"
	"io"
	"strings"
	"testing"
)

const goodChat = `{"schema": "zhijian.interaction.v1", "id": "c-1", "tenant": "acme-express",
 "channel": "chat", "language": "zh-CN", "started_at": "2026-11-01T09:30:00+08:00",
 "agent": {"id": "A1", "team": "T3"}, "metadata": {"order_id": "JD123", "priority": 2},
 "x_source": {"system": "crm"},
 "turns": [{"speaker": "customer", "text": "我的包裹丢了", "start_ms": 0, "end_ms": 2100},
           {"speaker": "agent", "text": "非常理解您的心情", "at": "2026-11-01T09:30:20+08:00"}]}`

func TestDecodeGood(t *testing.T) {
	in, err := Decode([]byte(goodChat))
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != "c-1" || len(in.Turns) != 2 || in.Turns[1].StartMS != 20000 {
		t.Fatalf("decoded %+v", in)
	}
	if in.Metadata["priority"] != "2" {
		t.Errorf("numeric metadata = %q, want \"2\"", in.Metadata["priority"])
	}
	if string(in.Extra["x_source"]) != `{"system":"crm"}` {
		t.Errorf("unknown top-level field not kept: %s", in.Extra["x_source"])
	}
	// Passthrough survives a round trip.
	b, err := in.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatalf("re-decode: %v\n%s", err, b)
	}
	if string(back.Extra["x_source"]) != `{"system":"crm"}` || back.Turns[1].StartMS != 20000 {
		t.Errorf("round trip lost data: %s", b)
	}
}

func TestDecodeVoiceWithoutTurnsNeedsRecording(t *testing.T) {
	ok := `{"schema":"zhijian.interaction.v1","id":"v1","tenant":"t","channel":"voice","started_at":"2026-11-01T09:30:00Z","recording":{"uri":"file:///calls/v1.wav"}}`
	if _, err := Decode([]byte(ok)); err != nil {
		t.Fatalf("voice with a recording and no turns: %v", err)
	}
}

func TestDecodeBadInput(t *testing.T) {
	base := func(turns string) string {
		return `{"schema":"zhijian.interaction.v1","id":"c-1","tenant":"t","channel":"chat","started_at":"2026-11-01T09:30:00Z","turns":` + turns + `}`
	}
	huge := strings.Repeat("长", 10<<20/3+1)
	for _, tc := range []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"malformed", `{"id": "x",`, []string{"1:", "malformed JSON"}},
		{"not an object", `[1,2]`, []string{"expected a JSON object"}},
		{"wrong type", `{"schema":"zhijian.interaction.v1","id":7,"tenant":"t","channel":"chat","started_at":"2026-11-01T09:30:00Z","turns":[{"speaker":"agent","text":"hi","start_ms":0}]}`,
			[]string{"id: must be a string, got a number"}},
		{"missing id and turns", `{"schema":"zhijian.interaction.v1","tenant":"t","channel":"chat","started_at":"2026-11-01T09:30:00Z"}`,
			[]string{"id: is required", "turns: is required"}},
		{"unknown speaker", base(`[{"speaker":"robot","text":"hi","start_ms":0}]`), []string{`turns[0].speaker: "robot" is not one of`}},
		{"negative offset", base(`[{"speaker":"agent","text":"hi","start_ms":-5}]`), []string{"turns[0].start_ms: -5 must not be negative"}},
		{"decreasing offsets", base(`[{"speaker":"agent","text":"hi","start_ms":900},{"speaker":"customer","text":"yo","start_ms":100}]`),
			[]string{"turns[1].start_ms: 100 is before the previous turn's start (900)"}},
		{"end before start", base(`[{"speaker":"agent","text":"hi","start_ms":900,"end_ms":10}]`), []string{"turns[0].end_ms: 10 is before start_ms"}},
		{"empty text", base(`[{"speaker":"agent","text":"  ","start_ms":0}]`), []string{"turns[0].text: must not be empty"}},
		{"10 MB turn", base(`[{"speaker":"agent","text":"` + huge + `","start_ms":0}]`), []string{"exceeds the limit"}},
		{"invalid UTF-8", base(`[{"speaker":"agent","text":"bad ` + "\xff" + ` byte","start_ms":0}]`), []string{"invalid UTF-8"}},
		{"unknown nested field", base(`[{"speaker":"agent","text":"hi","start":0}]`), []string{"turns[0].start: unknown field", "turns[0]: needs start_ms or at"}},
		{"bad channel", strings.Replace(base(`[{"speaker":"agent","text":"hi","start_ms":0}]`), `"chat"`, `"fax"`, 1), []string{`channel: "fax" is not one of`}},
		{"bad time", strings.Replace(base(`[{"speaker":"agent","text":"hi","start_ms":0}]`), `2026-11-01T09:30:00Z`, `yesterday`, 1), []string{`started_at: "yesterday" is not an RFC 3339 timestamp`}},
		{"empty turns", base(`[]`), []string{"turns: must not be empty"}},
		{"trailing data", base(`[{"speaker":"agent","text":"hi","start_ms":0}]`) + `{}`, []string{"unexpected data after"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.in))
			if err == nil {
				t.Fatal("want an error")
			}
			var rec *RecordError
			if !errors.As(err, &rec) {
				t.Fatalf("error %T is not a *RecordError: %v", err, err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", truncate(msg), w)
				}
			}
		})
	}
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

func TestProblemsNameTheLine(t *testing.T) {
	in := `{
  "schema": "zhijian.interaction.v1",
  "id": "c-1",
  "tenant": "t",
  "channel": "chat",
  "started_at": "2026-11-01T09:30:00Z",
  "turns": [
    {"speaker": "agent", "text": "hi", "start_ms": 0},
    {"speaker": "customer", "text": "hello", "start_ms": -3}
  ]
}`
	_, err := Decode([]byte(in))
	var rec *RecordError
	if !errors.As(err, &rec) || len(rec.Problems) != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	p := rec.Problems[0]
	if p.Line != 9 || p.Path != "turns[1].start_ms" {
		t.Errorf("problem at line %d path %q, want line 9 path turns[1].start_ms (%v)", p.Line, p.Path, p)
	}
	if rec.ID != "c-1" || rec.Tenant != "t" {
		t.Errorf("id and tenant of a bad record should still be read: %q %q", rec.ID, rec.Tenant)
	}
}

func TestReaderJSONLinesGoesOnAfterBadRecords(t *testing.T) {
	good := strings.ReplaceAll(goodChat, "\n", "")
	stream := good + "\n" +
		`{"broken": ` + "\n" +
		"not json at all\n" +
		"\n" +
		strings.Replace(good, `"c-1"`, `"c-2"`, 1) + "\n" +
		goodChat + "\n" // a pretty-printed object after JSON Lines
	r := NewReader(strings.NewReader(stream), "in.jsonl")
	var ids, errs []string
	for {
		in, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		ids = append(ids, in.ID)
	}
	if strings.Join(ids, ",") != "c-1,c-2,c-1" {
		t.Errorf("ids = %v", ids)
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "in.jsonl:2") {
		t.Errorf("errors = %q", errs)
	}
}

func TestReaderUnclosedObjectAtEOF(t *testing.T) {
	r := NewReader(strings.NewReader("{\n  \"id\": \"x\",\n"), "f.json")
	_, err := r.Next()
	if err == nil || !strings.Contains(err.Error(), "f.json:1: unexpected end of input") {
		t.Fatalf("err = %v", err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("then EOF, got %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(goodChat))
	f.Add([]byte(`{"turns":[{"speaker":"agent","text":"x","start_ms":1e99}]}`))
	f.Add([]byte(`{"schema":"zhijian.interaction.v1","id":"v","tenant":"t","channel":"voice","started_at":"2026-11-01T09:30:00Z","recording":{"uri":"x","agent_channel":0,"customer_channel":0}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Decode(data)
		if err == nil {
			if in.ID == "" || in.Tenant == "" {
				t.Fatalf("accepted without id or tenant: %s", data)
			}
			for i, tu := range in.Turns {
				if tu.StartMS < 0 || (i > 0 && tu.StartMS < in.Turns[i-1].StartMS) {
					t.Fatalf("accepted bad offsets: %s", data)
				}
			}
		}
		// The stream reader must never panic either, whatever the framing.
		r := NewReader(strings.NewReader(string(data)), "fuzz")
		for range 100 {
			if _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			}
		}
	})
}
