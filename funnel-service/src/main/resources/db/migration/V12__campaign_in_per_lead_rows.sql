-- The lead's campaign (its latest known, as segment and owner) in the per-lead rows, which campaign filters read as
-- owner filters do: campaigns are many and their slices small, so no cell keeps them. The covering indexes carry it
-- too, so that a filtered read stays index-only.
--
-- Rows already here get their campaign from a rebuild, which the service starts when it starts (the request below).
-- Filling it here from the event log's payloads would mean doing in SQL what LeadFacts does (latest known value in
-- event time, details changes, merged and erased leads). Until the rebuild swaps its tables in, the old rows answer
-- every other question as before and a campaign filter counts nothing. The rebuild's tables come with the new
-- indexes (its schema is made by these migrations), so the indexes are rebuilt here only where no rows are: building
-- them over a large installation's rows would hold up the start for minutes, only to be replaced.

ALTER TABLE lead_stage_entry ADD COLUMN campaign text COLLATE "C";
ALTER TABLE lead_conversion ADD COLUMN campaign text COLLATE "C";
ALTER TABLE lead_current ADD COLUMN campaign text COLLATE "C";

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM event_log) THEN
        INSERT INTO projection_rebuild_required (reason) VALUES ('schema version 12: the campaign in the per-lead rows');
    ELSE
        DROP INDEX lead_stage_entry_stage_time;
        CREATE INDEX lead_stage_entry_stage_time ON lead_stage_entry (stage, entered_at)
            INCLUDE (skipped, channel, segment, owner, campaign);
        DROP INDEX lead_conversion_lookup;
        CREATE INDEX lead_conversion_lookup ON lead_conversion (from_stage, to_stage, bucket, fine, entered_at)
            INCLUDE (velocity_us, skipped, channel, segment, owner, campaign) WHERE hot;
        DROP INDEX lead_conversion_pair_time;
        CREATE INDEX lead_conversion_pair_time ON lead_conversion (from_stage, to_stage, entered_at)
            INCLUDE (bucket, fine, velocity_us, skipped, channel, segment, owner, campaign);
    END IF;
END
$$;
