// Package audio reads call recordings and measures who talked when.
//
// It owns four things:
//
//   - Decoding WAV by streaming (wav.go): integer PCM of 8, 16, 24 and 32
//     bits, IEEE float, and G.711 µ-law and A-law (format tags 7 and 6,
//     the telephony codecs; g711.go expands them). go-audio/wav reads the
//     header after a chunk walk that bounds every declared size by the
//     file's real size; samples are converted here. Every problem with a
//     file is an error that IsBad recognises and that says what is wrong:
//     truncated data, inconsistent header sizes, empty data, unsupported
//     codecs, absurd sample rates, too many channels.
//   - Voice activity per channel (analyze.go), and from it the timing
//     metrics rules read (metrics.go): talk per side and the agent's talk
//     ratio, silences with the longest, overtalk with who talked over
//     whom, holds, and loudness. Speech rates need the transcript and are
//     added by the rules package.
//   - Cutting each side's channel, resampled to 16 kHz mono (resample.go),
//     into pieces for speech-to-text at its own pauses (split.go), and
//     checking transcribed turns against voice activity (attribute.go).
//   - Fetching recordings by URI under a root or allow-listed hosts, in
//     the audio/fetch package.
//
// # Voice activity detection
//
// The method is energy with an adaptive threshold, per channel: the
// signal passes a DC blocker; each 10 ms frame's mean square becomes a
// level in dBFS; the noise floor is the 10th percentile of the channel's
// frame levels (a histogram, so no sort); talk starts 12 dB above the
// floor (and never below -50 dBFS) and continues down to 4 dB less
// (hysteresis). Pauses under 500 ms are bridged, bursts under 150 ms
// dropped. A run longer than 5 s that never dips 10 dB below its median
// in 4 % of its frames is steady sound, music or a tone on hold, not talk:
// speech always dips between syllables.
//
// Why energy and not a trained model: in a contact centre each side is
// usually its own channel, close to the microphone, so the question per
// channel is "is this side talking", not "is this speech among other
// sounds"; an energy detector answers it at over ten thousand times real
// time, with no model to ship. On the synthetic calls in
// testdata/calls (espeak-ng voices over a -60 dBFS noise floor, 8 kHz
// G.711 and 16 kHz PCM) it is right on 99.9 % of 10 ms frames against
// the true turn spans; with each side leaking into the other at -26 dB
// and white noise at -40 dBFS added, 99.3 %, finding 97.1 % of the talk
// with no false alarms (TestVoiceActivityAccuracy). Its limits: leakage
// of the other side louder than about 12 dB above the noise floor reads
// as talk, and hold music with gaps between its notes reads as talk on
// the agent's side.
//
// # Timing
//
// A silence is 3 s or more with nothing on any channel, between the
// first and the last sound. A hold is music on hold, or a silence of
// 10 s or more after the agent spoke (the same rule as for turn offsets).
// Overtalk is any overlap of 100 ms or more; it belongs to the side that
// started later. Spans carry the turn next to them when a transcript is
// known, for evidence.
//
// # Mono recordings
//
// One channel cannot tell the sides apart: talk per side, the talk ratio
// and overtalk stay unknown, and rules that need them are not_evaluated.
// Silences, holds and duration are measured. Transcribed turns of a mono
// call take speakers by alternation over the talk spans, the agent first
// (inbound calls open with the agent's greeting). That is right when the
// sides alternate with pauses between them, as in the synthetic mono
// calls, and wrong for every turn after one side speaks twice with a
// pause between: treat speaker-specific items on transcribed mono calls
// with care, and record in stereo.
package audio
