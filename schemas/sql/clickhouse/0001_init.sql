-- Zhijian store, ClickHouse dialect: every release from 18.16 on.
--
-- Same tables and column names as the DuckDB dialect, plus the columns that
-- make re-deliveries safe without transactions or unique keys:
--
--   received_ns  the outcome's received_at in nanoseconds since 1970; the
--                engine's version column, so merges keep the latest delivery
--   seq          the write that stored the row: Write numbers its calls in
--                increasing order; of rows of one key with the same
--                received_ns the higher seq (the later write) wins
--
-- Rows of a key are never updated: every write inserts, merges collapse
-- (ReplacingMergeTree), and reads pick the row with the greatest
-- (received_ns, seq) of each key with argMax, so a re-delivered interaction is
-- never counted twice, whether or not its parts have merged yet, and even
-- across partitions. Findings carry their result's (received_ns, seq) and are
-- read only with the winning result, so the findings of a replaced result are
-- never counted. Days are Date (store.DayOf); times are DateTime in UTC
-- (second precision: 18.16 has no DateTime64); the full result with its exact
-- times is results.result_json. Booleans are UInt8 (18.16 has no Bool).
--
-- Partitions are months of the interaction's day, for dropping old data.
-- Nothing here needs a server newer than 18.16: no LowCardinality, codecs or
-- TTL, and no old-style MergeTree(date, key, granularity) syntax.

CREATE TABLE IF NOT EXISTS outcomes (
    tenant         String,
    interaction_id String,
    day            Date,
    status         String, -- full | partial | failed
    reason         String, -- why it failed; '' otherwise
    received_at    DateTime,
    received_ns    UInt64,
    seq            UInt64
) ENGINE = ReplacingMergeTree(received_ns)
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, interaction_id);

CREATE TABLE IF NOT EXISTS results (
    tenant            String,
    interaction_id    String,
    scorecard         String,
    scorecard_version String,
    day               Date,     -- the outcome's day
    received_at       DateTime, -- the outcome's received_at
    received_ns       UInt64,
    seq               UInt64,
    channel           String,
    language          String,
    queue             String,
    agent_id          String,
    team              String,
    started_at        DateTime,
    processed_at      DateTime,
    score             Float64,
    passed            UInt8,
    auto_failed       UInt8,
    flagged           UInt8,
    flag_reasons      Array(String),
    coverage          String, -- full | partial | none
    scenarios         Array(String),
    risks             Array(String), -- risk ids
    duration_ms       Int64,  -- 0 without metrics
    engine_version    String,
    result_json       String
) ENGINE = ReplacingMergeTree(received_ns)
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, interaction_id, scorecard, scorecard_version);

CREATE TABLE IF NOT EXISTS findings (
    tenant            String,
    interaction_id    String,
    scorecard         String,
    scorecard_version String,
    item              String,
    day               Date,
    received_at       DateTime,
    received_ns       UInt64, -- the result's received_ns and seq
    seq               UInt64,
    section           String,
    kind              String, -- rule | llm | audio
    verdict           String, -- pass | fail | na | not_evaluated
    points            Float64,
    max_points        Float64,
    severity          String,
    confidence        Float64
) ENGINE = ReplacingMergeTree(received_ns)
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, interaction_id, scorecard, scorecard_version, item);
