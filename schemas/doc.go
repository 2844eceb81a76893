// Package schemas holds Zhijian's contracts: the Interaction message
// (zhijian.interaction.v1) that producers put on Kafka, the Result and Finding
// that scoring produces, the timing Metrics both share, and the JSON Schema of
// the interaction message.
//
// # Decoding
//
// Decode and Reader accept one JSON object or JSON Lines (also several
// pretty-printed objects in a row). Every problem in a record is reported,
// each with its JSON path and line:col, e.g.
//
//	calls.jsonl:7:45: turns[2].start_ms: -5 must not be negative
//
// A bad record never stops the reader: the next record is read after it.
//
// # Unknown fields
//
// Unknown top-level fields are kept verbatim in Interaction.Extra and written
// back when the interaction is encoded, so producers can add fields without
// their messages being rejected. Inside nested objects (agent, customer,
// recording, turns) an unknown field is an error: a misspelt "start_ms" must
// not silently lose a turn's timing.
//
// # Limits
//
// A record may be at most MaxRecordBytes long, a turn's text at most
// MaxTurnTextBytes, and an interaction at most MaxTurns turns.
package schemas
