// Package pipeline moves interactions from Kafka to the store: the worker
// (a kafka-go consumer group, a bounded pool of scorers, batched durable
// writes, per-partition commit watermarks, a dead-letter topic, an optional
// results topic, backpressure and graceful shutdown), the producer behind
// `zhijian ingest`, the embedded broker for single-machine use, and the
// worker's metrics and health endpoints.
//
// The order of work for a message is fixed: fetch, decode, score, write to
// the store (or dead-letter it), then commit. An offset is committed only
// when it and every earlier offset of its partition are durably stored, so
// a crash at any point re-delivers rather than loses, and the store's
// idempotent writes keep re-deliveries from being counted twice.
package pipeline
