-- Zhijian store, DuckDB dialect.
--
-- Days are DATE (store.DayOf: the interaction's local calendar date). Times
-- are TIMESTAMP holding UTC, microsecond precision. Dashboards aggregate the
-- flat columns of outcomes and results and the findings view; results.
-- result_s2 is the full schemas.Result (JSON, S2-compressed), for reads.
--
-- Keys are kept unique by Write, which replaces rows of a key instead of
-- adding them; only outcomes has a PRIMARY KEY on its key (its index tells
-- Write which interactions are re-deliveries). An index over results or
-- findings would cost more to keep than the rows themselves.

-- One row per received interaction; the latest received_at wins.
CREATE TABLE outcomes (
    tenant         VARCHAR   NOT NULL,
    interaction_id VARCHAR   NOT NULL,
    day            DATE      NOT NULL,
    status         VARCHAR   NOT NULL, -- full | partial | failed
    reason         VARCHAR   NOT NULL, -- why it failed; '' otherwise
    received_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant, interaction_id)
);

CREATE SEQUENCE result_ids;

-- One row per interaction and scorecard version.
-- Key: (tenant, interaction_id, scorecard, scorecard_version).
CREATE TABLE results (
    result_id         BIGINT    NOT NULL, -- from result_ids; links finding_rows
    tenant            VARCHAR   NOT NULL,
    interaction_id    VARCHAR   NOT NULL,
    scorecard         VARCHAR   NOT NULL,
    scorecard_version VARCHAR   NOT NULL,
    day               DATE      NOT NULL, -- the outcome's day
    received_at       TIMESTAMP NOT NULL, -- the outcome's received_at
    channel           VARCHAR   NOT NULL,
    language          VARCHAR   NOT NULL,
    queue             VARCHAR   NOT NULL,
    agent_id          VARCHAR   NOT NULL,
    team              VARCHAR   NOT NULL,
    started_at        TIMESTAMP NOT NULL,
    processed_at      TIMESTAMP NOT NULL,
    score             DOUBLE    NOT NULL,
    passed            BOOLEAN   NOT NULL,
    auto_failed       BOOLEAN   NOT NULL,
    flagged           BOOLEAN   NOT NULL,
    flag_reasons      VARCHAR[] NOT NULL,
    coverage          VARCHAR   NOT NULL, -- full | partial | none
    scenarios         VARCHAR[] NOT NULL,
    risks             VARCHAR[] NOT NULL, -- risk ids
    duration_ms       BIGINT    NOT NULL, -- 0 without metrics
    engine_version    VARCHAR   NOT NULL,
    result_s2         BLOB      NOT NULL  -- the schemas.Result JSON, S2-compressed
);

-- Findings are stored as numbers (a result id, an item id) so that writing
-- 38 of them per result stays cheap; the findings view below gives them
-- their names back.

-- Every distinct scorecard item findings were written for.
CREATE TABLE items (
    item_id           INTEGER PRIMARY KEY,
    scorecard         VARCHAR NOT NULL,
    scorecard_version VARCHAR NOT NULL,
    item              VARCHAR NOT NULL,
    section           VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL, -- rule | llm | audio
    severity          VARCHAR NOT NULL,
    UNIQUE (scorecard, scorecard_version, item, section, kind, severity)
);

CREATE TYPE verdict AS ENUM ('pass', 'fail', 'na', 'not_evaluated');

-- One row per finding of a stored result.
CREATE TABLE finding_rows (
    result_id  BIGINT  NOT NULL,
    item_id    INTEGER NOT NULL,
    verdict    verdict NOT NULL,
    points     DOUBLE  NOT NULL,
    max_points DOUBLE  NOT NULL,
    confidence DOUBLE  NOT NULL
);

-- One row per finding. Key: (tenant, interaction_id, scorecard,
-- scorecard_version, item).
CREATE VIEW findings AS
SELECT r.tenant, r.interaction_id, r.scorecard, r.scorecard_version, i.item, r.day, r.received_at,
       i.section, i.kind, f.verdict, f.points, f.max_points, i.severity, f.confidence
FROM finding_rows AS f
JOIN results AS r ON r.result_id = f.result_id
JOIN items AS i ON i.item_id = f.item_id;
