-- Zhijian store, DuckDB dialect: what the console needs (review queue,
-- reviews, trends, coaching library, agent view).
--
-- results gains the two columns the review queue filters and sorts on, so
-- that it never reads findings: severity_rank, the worst severity among the
-- result's failed findings (store.SeverityRank: 3 critical, 2 major,
-- 1 minor, 0 none or unknown), and failed_items, the failed items in
-- scorecard order. Write sets both; rows written before this migration get
-- them from their findings below (finding_rows of a result are appended in
-- scorecard order, so rowid keeps it).
ALTER TABLE results ADD COLUMN severity_rank UTINYINT DEFAULT 0;
ALTER TABLE results ADD COLUMN failed_items VARCHAR[] DEFAULT [];

UPDATE results SET severity_rank = x.severity_rank, failed_items = x.failed_items
FROM (
    SELECT f.result_id,
           max(CASE i.severity WHEN 'critical' THEN 3 WHEN 'major' THEN 2 WHEN 'minor' THEN 1 ELSE 0 END) AS severity_rank,
           list(i.item ORDER BY f.rowid) AS failed_items
    FROM finding_rows AS f
    JOIN items AS i ON i.item_id = f.item_id
    WHERE f.verdict = 'fail'
    GROUP BY f.result_id
) AS x
WHERE results.result_id = x.result_id;

CREATE SEQUENCE review_ids;

-- One row per review of a finding. Append-only: rows are never updated or
-- deleted. A review names its interaction and scorecard (any version) and
-- the item; day is the interaction's day when it was reviewed, so that
-- reviews follow the same day filters as results. review_id orders reviews
-- made at the same instant.
CREATE TABLE reviews (
    review_id      BIGINT    NOT NULL DEFAULT nextval('review_ids'),
    tenant         VARCHAR   NOT NULL,
    interaction_id VARCHAR   NOT NULL,
    scorecard      VARCHAR   NOT NULL,
    item           VARCHAR   NOT NULL,
    day            DATE      NOT NULL,
    reviewer       VARCHAR   NOT NULL,
    decision       VARCHAR   NOT NULL, -- confirm | overturn
    verdict        VARCHAR   NOT NULL, -- pass | fail | na: the reviewer's
    comment        VARCHAR   NOT NULL,
    done           BOOLEAN   NOT NULL, -- the reviewer finished the interaction
    reviewed_at    TIMESTAMP NOT NULL  -- UTC
);
