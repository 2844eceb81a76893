package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/schemas"
)

// TestEngineeredCallsFailTheirRules scores the synthetic calls on
// measured audio: dead air, agent overtalk and fast speech each fail the
// matching item of both packs, with evidence at the engineered times, and
// the normal calls pass those items.
func TestEngineeredCallsFailTheirRules(t *testing.T) {
	score := testdataScorer(t)
	items := map[string]map[string]string{ // test case → pack → item
		"dead-air": {"logistics-zh": "no_dead_air", "ecommerce-en": "no_dead_air"},
		"overtalk": {"logistics-zh": "agent_no_interruptions", "ecommerce-en": "no_agent_interruptions"},
		"fast":     {"logistics-zh": "agent_speech_rate", "ecommerce-en": "speech_rate_ok"},
	}
	files, _ := filepath.Glob("../../testdata/calls/*.json")
	seen := map[string]int{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		in, err := schemas.Decode(b)
		if err != nil {
			continue // the manifest
		}
		tc := in.Metadata["test_case"]
		rs, err := score(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", in.ID, err)
		}
		r := rs[0]
		if r.Metrics.Source != "audio" {
			t.Fatalf("%s: metrics from %s", in.ID, r.Metrics.Source)
		}
		for _, byPack := range items {
			f := finding(t, r, byPack[r.Scorecard])
			engineered := byPack[r.Scorecard] == items[tc][r.Scorecard]
			switch {
			case engineered && f.Verdict != schemas.Fail:
				t.Errorf("%s: %s is %s, want fail (%s)", in.ID, f.Item, f.Verdict, f.Rationale)
			case tc == "normal" && f.Verdict != schemas.Pass && f.Verdict != schemas.NA:
				t.Errorf("%s: %s is %s on a normal call, want pass or na (%s)", in.ID, f.Item, f.Verdict, f.Rationale)
			}
		}
		if items[tc] == nil {
			continue
		}
		seen[tc+"/"+r.Scorecard]++
		f := finding(t, r, items[tc][r.Scorecard])
		if len(f.Evidence) == 0 {
			t.Fatalf("%s: %s failed without evidence", in.ID, f.Item)
		}
		m := r.Metrics
		for _, e := range f.Evidence {
			switch tc {
			case "dead-air":
				s := m.Silences[len(m.Silences)-1]
				if e.OffsetMS != s.StartMS || e.DurationMS < 20000 {
					t.Errorf("%s: evidence at %d ms for %d ms, want the silence at %d ms", in.ID, e.OffsetMS, e.DurationMS, s.StartMS)
				}
			case "overtalk":
				found := false
				for _, o := range m.Overtalks {
					found = found || o.By == schemas.Agent && e.OffsetMS == o.StartMS
				}
				if !found || in.Turns[e.Turn].Speaker != schemas.Agent {
					t.Errorf("%s: evidence %+v is not at an agent overtalk %+v", in.ID, e, m.Overtalks)
				}
			case "fast":
				if in.Turns[e.Turn].Speaker != schemas.Agent || e.OffsetMS != in.Turns[e.Turn].StartMS {
					t.Errorf("%s: evidence %+v is not an agent turn's time", in.ID, e)
				}
			}
		}
	}
	for tc, byPack := range items {
		for pack := range byPack {
			if seen[tc+"/"+pack] == 0 {
				t.Errorf("no %s call for %s", tc, pack)
			}
		}
	}
}

func finding(t *testing.T, r *schemas.Result, item string) schemas.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Item == item {
			return f
		}
	}
	t.Fatalf("%s: no finding %s in %s", r.InteractionID, item, r.Scorecard)
	return schemas.Finding{}
}

// TestRecordingWithoutTranscriptIsPartlyCovered: with no STT endpoint, a
// call without turns is scored on its audio alone; items that need words
// are not_evaluated and coverage says partial.
func TestRecordingWithoutTranscriptIsPartlyCovered(t *testing.T) {
	b, err := os.ReadFile("../../testdata/calls/zh-overtalk-ulaw.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := schemas.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	in.Turns = nil
	rs, err := testdataScorer(t)(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	if r.Coverage != schemas.CoveragePartial || r.TranscriptSource != "none" || r.Scorers["stt"].Status != schemas.ScorerSkipped {
		t.Fatalf("coverage %s, transcript %q, scorers %v", r.Coverage, r.TranscriptSource, r.Scorers)
	}
	if f := finding(t, r, "agent_no_interruptions"); f.Verdict != schemas.Fail {
		t.Errorf("overtalk measured on audio: %s, want fail", f.Verdict)
	}
	if f := finding(t, r, "standard_opening"); f.Verdict != schemas.NotEvaluated || !strings.Contains(f.Rationale, "no transcript") {
		t.Errorf("a words item: %s (%s), want not_evaluated for want of a transcript", f.Verdict, f.Rationale)
	}
}

// testdataScorer scores with the shipped packs, reading recordings under
// testdata, with no STT endpoint.
func testdataScorer(t *testing.T) pipeline.ScoreFunc {
	t.Helper()
	router, _, err := newRouterOf(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.Recordings.Root = "../../testdata"
	voice, err := newVoice(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.ScoreWith(router, voice)
}
