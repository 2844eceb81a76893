-- Zhijian store, DuckDB dialect: transcripts and calibration.
--
-- outcomes gains turns, the interaction's transcript as the pipeline keeps
-- it (redacted when redact.stored is set): a JSON array of turns, '' when
-- none was kept. The latest delivery's replaces the earlier one's with the
-- rest of its outcome.
ALTER TABLE outcomes ADD COLUMN turns VARCHAR DEFAULT '';

-- reviews gains ai_verdict, the machine's verdict on the finding when it
-- was reviewed, so that agreement between machine and reviewer can be
-- computed however the result changes later. '' for reviews made before
-- this migration: calibration leaves them out.
ALTER TABLE reviews ADD COLUMN ai_verdict VARCHAR DEFAULT '';
