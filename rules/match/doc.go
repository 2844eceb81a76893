// Package match normalizes text and finds many phrases in it at once.
//
// Normalize maps a turn's text to the form phrases are matched in: NFKC
// (full-width to half-width), lower case, apostrophes dropped, punctuation
// and white space removed next to CJK characters and collapsed to one space
// elsewhere. It records, for every byte of the result, which code point of
// the original text it came from, so a match maps back to an evidence span.
// ASCII and Han characters, nearly all of a Chinese chat, are decoded in
// line; the rest goes through NFKC one code point at a time.
//
// A Matcher is a deterministic Aho-Corasick automaton over the code points
// of the normalized phrases (a Chinese character is one step, not three),
// each code point used by a phrase having a class of its own: one table
// lookup per code point, whatever the number of phrases. The shallow
// states, where scanning spends its time, have full rows; past a size
// bound, deeper states keep their children and failure link only.
// Phrases that begin or end with a Latin letter or digit match whole words
// only, and are at most MaxRunes code points. Single code points that
// need no word boundary are found by their class alone, without a state.
//
// Find runs the automaton over a normalized text. A Scanner does both at
// once: it normalizes a text and feeds each code point straight to the
// automaton, keeping the last 256 to place matches and check word
// boundaries, with no normalized text in between; it can also report code
// points of the original text that normalization drops (punctuation). A
// run of Han characters, and the CJK punctuation between them, is read by
// one tight loop: a Han character's class comes from a table indexed by
// its three bytes of UTF-8, and its step is one addition and one load.
package match
