-- Zhijian store, DuckDB dialect: a rollup for the dashboard.
--
-- failed_counts holds, per tenant, day (the results' day), scorecard and
-- item, how many stored results failed the item: the count of the item in
-- results.failed_items. Summary's TopFailing reads it instead of every
-- result's failed_items (a million results have millions of them). Write
-- keeps it in the transaction that changes results: it adds the failed
-- items of the results it stores and subtracts those of the results they
-- replace, so a count can reach 0 and stay (readers skip it). Every
-- writer of a file must keep it: a binary from before this migration must
-- not write to a migrated file.
CREATE TABLE failed_counts (
    tenant    VARCHAR NOT NULL,
    day       DATE    NOT NULL,
    scorecard VARCHAR NOT NULL,
    item      VARCHAR NOT NULL,
    failures  BIGINT  NOT NULL,
    PRIMARY KEY (tenant, day, scorecard, item)
);

INSERT INTO failed_counts (tenant, day, scorecard, item, failures)
SELECT tenant, day, scorecard, item, count(*)
FROM (SELECT tenant, day, scorecard, unnest(failed_items) AS item FROM results)
GROUP BY tenant, day, scorecard, item;
