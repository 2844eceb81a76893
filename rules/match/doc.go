// Package match normalizes text and finds many phrases in it at once.
//
// Normalize maps a turn's text to the form phrases are matched in: NFKC
// (full-width to half-width), lower case, apostrophes dropped, punctuation
// and white space removed next to CJK characters and collapsed to one space
// elsewhere. It records, for every byte of the result, which code point of
// the original text it came from, so a match maps back to an evidence span.
//
// A Matcher is a deterministic Aho-Corasick automaton over the bytes of the
// normalized phrases, with byte classes to keep its table small: one table
// lookup per input byte, whatever the number of phrases. Phrases that begin
// or end with a Latin letter or digit match whole words only.
package match
