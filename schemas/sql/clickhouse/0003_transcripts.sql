-- Zhijian store, ClickHouse dialect: transcripts, coaching findings and
-- calibration.
--
-- 18.16 has no ADD COLUMN IF NOT EXISTS: the migrator takes "column already
-- exists" from an ADD COLUMN as done, so that an interrupted migration can
-- be applied again.

-- outcomes gains turns, the interaction's transcript as the pipeline keeps
-- it (redacted when redact.stored is set): a JSON array of turns, '' when
-- none was kept. It is read with the rest of the latest outcome.
ALTER TABLE outcomes ADD COLUMN turns String;

-- findings gains each finding's JSON (the schemas.Finding, evidence and
-- rationale included), so that a coaching example reads its finding alone:
-- a result's JSON is tens of kilobytes, and reading it for one row
-- decompresses its whole granule. Rows stored before this migration have
-- '' here; their examples read result_json instead.
ALTER TABLE findings ADD COLUMN finding_json String;

-- reviews gains ai_verdict, the machine's verdict on the finding when it
-- was reviewed; '' for reviews made before this migration, which
-- calibration leaves out.
ALTER TABLE reviews ADD COLUMN ai_verdict String;
