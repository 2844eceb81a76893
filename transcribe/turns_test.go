package transcribe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhijian-qa/zhijian/schemas"
)

// part is a Part whose Open serves audio and counts opens and closes.
func part(speaker schemas.Speaker, offset, duration int64, name string, audio []byte, opens, closes *atomic.Int32) Part {
	return Part{Speaker: speaker, OffsetMS: offset, DurationMS: duration, Name: name,
		Open: func() (io.ReadCloser, error) {
			if opens != nil {
				opens.Add(1)
			}
			return closer{bytes.NewReader(audio), closes}, nil
		}}
}

type closer struct {
	io.Reader
	closes *atomic.Int32
}

func (c closer) Close() error {
	if c.closes != nil {
		c.closes.Add(1)
	}
	return nil
}

func TestTurnsMergesSpeakersOnTheCallTimeline(t *testing.T) {
	agentAudio, customerAudio := wav(3000), wav(2000)
	fake, url := newFakeSTT(t, func(_ int, r sttRequest) sttAnswer {
		switch r.Filename {
		case "c-1-agent-000.wav":
			return sttAnswer{Body: verbose(60,
				seg{1, 4, "您好，这里是客服中心。", ptr(-0.1)},
				seg{31.5, 34, "请问您的手机号是？", ptr(-0.2)},
				seg{34, 35, " ", ptr(-0.9)},
				seg{40, 42.25, "好的，已经为您处理。", ptr(-0.3)})}
		case "c-1-customer-000.wav":
			return sttAnswer{Body: verbose(30,
				seg{0.5, 1.5, "我的宽带断了。", ptr(-0.4)},
				seg{5, 7, "一三八零零零零。", nil})}
		}
		return sttAnswer{Status: 400, Body: apiError("unexpected file "+r.Filename, "invalid_request_error")}
	})
	var opens, closes atomic.Int32
	parts := []Part{
		part(schemas.Agent, 0, 60000, "c-1-agent-000.wav", agentAudio, &opens, &closes),
		part(schemas.Customer, 30000, 30000, "c-1-customer-000.wav", customerAudio, &opens, &closes),
	}
	turns, err := Turns(context.Background(), newClient(t, url, nil), parts, "zh-CN", 2)
	if err != nil {
		t.Fatal(err)
	}

	want := []schemas.Turn{
		{Speaker: schemas.Agent, StartMS: 1000, EndMS: 4000, Text: "您好，这里是客服中心。"},
		{Speaker: schemas.Customer, StartMS: 30500, EndMS: 31500, Text: "我的宽带断了。"},
		{Speaker: schemas.Agent, StartMS: 31500, EndMS: 34000, Text: "请问您的手机号是？"},
		{Speaker: schemas.Customer, StartMS: 35000, EndMS: 37000, Text: "一三八零零零零。"},
		{Speaker: schemas.Agent, StartMS: 40000, EndMS: 42250, Text: "好的，已经为您处理。"},
	}
	assertTurns(t, turns, want)
	if turns[0].Confidence == nil || turns[3].Confidence != nil {
		t.Errorf("confidence not carried: %v, %v", turns[0].Confidence, turns[3].Confidence)
	}

	sent := map[string][]byte{}
	for _, r := range fake.requests() {
		sent[r.Filename] = r.File
		if r.Language != "zh" {
			t.Errorf("%s: language %q, want zh", r.Filename, r.Language)
		}
	}
	if !bytes.Equal(sent["c-1-agent-000.wav"], agentAudio) || !bytes.Equal(sent["c-1-customer-000.wav"], customerAudio) {
		t.Error("the parts' audio was not sent as is")
	}
	if opens.Load() != 2 || closes.Load() != 2 {
		t.Errorf("opened %d and closed %d readers, want 2 and 2", opens.Load(), closes.Load())
	}
}

func TestTurnsFailsNamingTheFailedPart(t *testing.T) {
	_, url := newFakeSTT(t, func(_ int, r sttRequest) sttAnswer {
		if strings.Contains(r.Filename, "customer") {
			return sttAnswer{Status: 400, Body: apiError("Audio file might be corrupted or unsupported", "invalid_request_error")}
		}
		return sttAnswer{Body: verbose(1, seg{0, 1, "您好", nil})}
	})
	var closes atomic.Int32
	parts := []Part{
		part(schemas.Agent, 0, 60000, "c-1-agent-000.wav", wav(10), nil, &closes),
		part(schemas.Customer, 30000, 30000, "c-1-customer-000.wav", wav(10), nil, &closes),
		part(schemas.Agent, 60000, 60000, "c-1-agent-001.wav", wav(10), nil, &closes),
	}
	_, err := Turns(context.Background(), newClient(t, url, nil), parts, "zh", 1)
	for _, want := range []string{"part 1 c-1-customer-000.wav", "customer", "400", "corrupted"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %q", err, want)
		}
	}
	if !IsPermanent(err) {
		t.Error("a 400 part should stay permanent through Turns")
	}
	if n := closes.Load(); n != 2 {
		t.Errorf("closed %d readers, want 2 (the third part never starts with concurrency 1)", n)
	}
}

func TestTurnsCancelsPartsInFlightWhenOneFails(t *testing.T) {
	slow := TranscriberFunc(func(ctx context.Context, r Request) ([]Segment, error) {
		if r.Name == "bad.wav" {
			return nil, errors.New("boom")
		}
		<-ctx.Done()
		return nil, ctx.Err()
	})
	parts := []Part{
		part(schemas.Agent, 0, 0, "slow.wav", nil, nil, nil),
		part(schemas.Customer, 0, 0, "bad.wav", nil, nil, nil),
	}
	_, err := Turns(context.Background(), slow, parts, "", 2)
	if err == nil || !strings.Contains(err.Error(), "bad.wav") || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v, want the failure of bad.wav, not the cancellation it caused", err)
	}
}

func TestTurnsBoundsPartsInFlight(t *testing.T) {
	fake, url := newFakeSTT(t, func(int, sttRequest) sttAnswer {
		return sttAnswer{Sleep: 20 * time.Millisecond, Body: verbose(1, seg{0, 1, "嗯", nil})}
	})
	var parts []Part
	for i := range 7 {
		parts = append(parts, part(schemas.Agent, int64(i)*10000, 10000, fmt.Sprintf("c-1-agent-%03d.wav", i), wav(10), nil, nil))
	}
	c := newClient(t, url, func(c *Config) { c.Concurrency = 10 })
	turns, err := Turns(context.Background(), c, parts, "zh", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(turns) != 7 {
		t.Errorf("%d turns, want 7", len(turns))
	}
	if p := fake.peak(); p > 3 {
		t.Errorf("%d requests in flight, want at most 3", p)
	}
}

func TestTurnsOrdersAndClampsSegments(t *testing.T) {
	answers := map[string][]Segment{
		"a.wav": {
			{StartMS: 1000, EndMS: 3000, Text: "a-long"},
			{StartMS: 1000, EndMS: 2000, Text: "a-short"},
			{StartMS: 5000, EndMS: 6000, Text: "  \n"},
			{StartMS: -50, EndMS: 500, Text: " a-first "},
			{StartMS: 9000, EndMS: 99000, Text: "a-past-the-end"},
		},
		"b.wav": {
			{StartMS: 0, EndMS: 1000, Text: "b-same-as-a-short"},
			{StartMS: 0, EndMS: 0, Text: "b-untimed"},
		},
		"c.wav": {{Text: "c-untimed-unknown-duration"}},
	}
	tr := TranscriberFunc(func(_ context.Context, r Request) ([]Segment, error) { return answers[r.Name], nil })
	parts := []Part{
		part(schemas.Agent, 0, 10000, "a.wav", nil, nil, nil),
		part(schemas.Customer, 1000, 4000, "b.wav", nil, nil, nil),
		part(schemas.Bot, 20000, 0, "c.wav", nil, nil, nil),
	}
	turns, err := Turns(context.Background(), tr, parts, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	assertTurns(t, turns, []schemas.Turn{
		{Speaker: schemas.Agent, StartMS: 0, EndMS: 500, Text: "a-first"},
		{Speaker: schemas.Agent, StartMS: 1000, EndMS: 2000, Text: "a-short"},
		{Speaker: schemas.Customer, StartMS: 1000, EndMS: 2000, Text: "b-same-as-a-short"},
		{Speaker: schemas.Agent, StartMS: 1000, EndMS: 3000, Text: "a-long"},
		{Speaker: schemas.Customer, StartMS: 1000, EndMS: 5000, Text: "b-untimed"},
		{Speaker: schemas.Agent, StartMS: 9000, EndMS: 10000, Text: "a-past-the-end"},
		{Speaker: schemas.Bot, StartMS: 20000, EndMS: 0, Text: "c-untimed-unknown-duration"},
	})
}

func TestTurnsReportsPartsThatCannotOpen(t *testing.T) {
	tr := TranscriberFunc(func(context.Context, Request) ([]Segment, error) { return nil, nil })
	for _, p := range []Part{
		{Speaker: schemas.Agent, Name: "gone.wav", Open: func() (io.ReadCloser, error) { return nil, errors.New("no such object") }},
		{Speaker: schemas.Agent, Name: "nil.wav"},
	} {
		_, err := Turns(context.Background(), tr, []Part{p}, "", 1)
		if err == nil || !strings.Contains(err.Error(), p.Name) {
			t.Errorf("err = %v, want it to name %s", err, p.Name)
		}
	}
}

func TestTurnsOfNoParts(t *testing.T) {
	turns, err := Turns(context.Background(), nil, nil, "zh", 1)
	if err != nil || len(turns) != 0 {
		t.Errorf("Turns of no parts = %v, %v", turns, err)
	}
}

func TestLanguage(t *testing.T) {
	for tag, want := range map[string]string{
		"zh-CN": "zh", "zh-TW": "zh", "zh_HK": "zh", "zh-Hant-TW": "zh", "ZH": "zh",
		"yue-HK": "zh", "cmn-Hans-CN": "zh",
		"en-US": "en", "en": "en", "en_GB": "en", "eng": "en",
		"ja-JP": "ja", "ko": "ko", "ms-MY": "ms",
		"": "", "und": "", "x-klingon": "", "1a": "",
	} {
		if got := Language(tag); got != want {
			t.Errorf("Language(%q) = %q, want %q", tag, got, want)
		}
	}
}

func assertTurns(t *testing.T, got, want []schemas.Turn) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d turns %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Speaker != w.Speaker || g.StartMS != w.StartMS || g.EndMS != w.EndMS || g.Text != w.Text {
			t.Errorf("turn %d = %s %d..%d %q, want %s %d..%d %q", i,
				g.Speaker, g.StartMS, g.EndMS, g.Text, w.Speaker, w.StartMS, w.EndMS, w.Text)
		}
	}
}
