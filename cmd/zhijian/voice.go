package main

import (
	"time"

	"github.com/zhijian-qa/zhijian/audio/fetch"
	"github.com/zhijian-qa/zhijian/pipeline"
	"github.com/zhijian-qa/zhijian/transcribe"
)

type recordingsConfig struct {
	// Root: file:// URIs resolve inside this directory, as if it were
	// "/"; empty refuses them.
	Root string `yaml:"root"`
	// AllowHosts are the hosts http(s) URIs may name; none refuses them.
	AllowHosts []string `yaml:"allow_hosts"`
	MaxBytes   int      `yaml:"max_bytes"`
	Timeout    duration `yaml:"timeout"`
	// TempDir holds downloads and audio being transcribed.
	TempDir string `yaml:"temp_dir"`
}

type sttConfig struct {
	// URL of an OpenAI-compatible API (…/v1); empty: recordings without
	// turns get audio metrics only, their transcript items not_evaluated.
	URL         string   `yaml:"url"`
	Key         string   `yaml:"key" secret:"true"`
	Model       string   `yaml:"model"`
	Format      string   `yaml:"format"`
	Timeout     duration `yaml:"timeout"`
	Attempts    int      `yaml:"attempts"`
	Concurrency int      `yaml:"concurrency"`
	// MaxPiece is the longest audio sent in one request (at most 10m:
	// 16 kHz 16-bit mono stays under 25 MB).
	MaxPiece duration `yaml:"max_piece"`
}

func (r recordingsConfig) fetchConfig() fetch.Config {
	return fetch.Config{Root: r.Root, AllowHosts: r.AllowHosts, MaxBytes: int64(r.MaxBytes),
		Timeout: time.Duration(r.Timeout), TempDir: r.TempDir}.WithDefaults()
}

func (s sttConfig) clientConfig() transcribe.Config {
	return transcribe.Config{URL: s.URL, Key: s.Key, Model: s.Model, Format: s.Format,
		Timeout: time.Duration(s.Timeout), Attempts: s.Attempts, Concurrency: s.Concurrency}.WithDefaults()
}

// newVoice builds what readies voice interactions: the recording fetcher
// and, when an endpoint is configured, the transcriber.
func newVoice(cfg config) (*pipeline.Voice, error) {
	f, err := fetch.New(cfg.Recordings.fetchConfig())
	if err != nil {
		return nil, err
	}
	v := &pipeline.Voice{Fetch: f, TempDir: cfg.Recordings.TempDir,
		MaxPieceMS: time.Duration(cfg.STT.MaxPiece).Milliseconds(), Concurrency: cfg.STT.Concurrency}
	if cfg.STT.URL != "" {
		c, err := transcribe.NewOpenAI(cfg.STT.clientConfig())
		if err != nil {
			return nil, err
		}
		v.STT, v.STTModel = c, cfg.STT.Model
	}
	return v, nil
}
