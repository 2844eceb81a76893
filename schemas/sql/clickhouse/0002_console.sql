-- Zhijian store, ClickHouse dialect: what the console needs (review queue,
-- reviews, trends, coaching library, agent view). Every release from 18.16.
--
-- results gains the two columns the review queue filters and sorts on, so
-- that it never reads findings: severity_rank, the worst severity among the
-- result's failed findings (store.SeverityRank: 3 critical, 2 major,
-- 1 minor, 0 none or unknown), and failed_items, the failed items in
-- scorecard order. Write sets both. Rows written before this migration have
-- neither stored: ClickHouse computes a missing column from its DEFAULT
-- expression when it reads (or merges) them, so the defaults below derive
-- both from the row's own result_json. They rely on the field order
-- encoding/json gives schemas.Finding (item, section, kind, verdict,
-- points, max_points, severity, …) and on item and section ids without
-- escaped quotes; they are never used for rows Write stores.
--
-- 18.16 has no ADD COLUMN IF NOT EXISTS: the migrator takes "column already
-- exists" from an ADD COLUMN as done, so that an interrupted migration can
-- run again.
ALTER TABLE results ADD COLUMN severity_rank UInt8 DEFAULT toUInt8(arrayReduce('max', arrayMap(s -> multiIf(s = 'critical', 3, s = 'major', 2, s = 'minor', 1, 0),
    extractAll(result_json, '"verdict":"fail","points":[^,]*,"max_points":[^,]*,"severity":"([^"]*)"'))));

ALTER TABLE results ADD COLUMN failed_items Array(String) DEFAULT
    extractAll(result_json, '"item":"([^"]*)","section":"[^"]*","kind":"[^"]*","verdict":"fail"');

-- One row per review of a finding. Append-only: rows are never updated or
-- deleted, so a plain MergeTree does. A review names its interaction and
-- scorecard (any version) and the item; day is the interaction's day when
-- it was reviewed, so that reviews follow the same day filters as results.
-- reviewed_ns is the exact time (reviewed_at has seconds only) and seq the
-- Store call that added it: together they order reviews, oldest first.
CREATE TABLE IF NOT EXISTS reviews (
    tenant         String,
    interaction_id String,
    scorecard      String,
    item           String,
    day            Date,
    reviewer       String,
    decision       String, -- confirm | overturn
    verdict        String, -- pass | fail | na: the reviewer's
    comment        String,
    done           UInt8,  -- the reviewer finished the interaction
    reviewed_at    DateTime,
    reviewed_ns    Int64,  -- nanoseconds since 1970
    seq            UInt64
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, interaction_id, reviewed_at);
