-- Velocity histograms move into the conversion cells (one array per cell, at day and month grain), with a finer
-- level per ISO week that narrows a percentile down to a few per-lead rows, which a new index finds.
--
-- The projections are derived from the topic: an installation that already holds data gets them emptied here and
-- rebuilt by the service when it starts (projection_rebuild_required).

CREATE TABLE projection_rebuild_required (
    reason       text        PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO projection_rebuild_required (reason)
SELECT 'schema version 3: velocity histograms in the conversion cells' WHERE EXISTS (SELECT 1 FROM event_log);

TRUNCATE lead_stage_entry, lead_conversion, lead_current, cohort_cube, conversion_cube;
DROP TABLE velocity_cube;

DROP INDEX lead_conversion_pair_bucket;
ALTER TABLE lead_conversion ALTER COLUMN bucket TYPE smallint;
ALTER TABLE lead_conversion ADD COLUMN fine smallint NOT NULL;   -- Velocity.fine: the part of the bucket
-- one pair's rows by bucket, part and entry time: a percentile's value is the k-th velocity of one (bucket, part)
-- within the period
CREATE INDEX lead_conversion_lookup ON lead_conversion (from_stage, to_stage, bucket, fine, entered_at)
    INCLUDE (velocity_us, skipped, channel, segment, owner);

-- per-lead range reads (part-days, and slices no cell keeps: owners, two attributes, other pairs) read no table row
DROP INDEX lead_conversion_pair_time;
CREATE INDEX lead_conversion_pair_time ON lead_conversion (from_stage, to_stage, entered_at)
    INCLUDE (bucket, velocity_us, skipped, channel, segment, owner);
DROP INDEX lead_stage_entry_stage_time;
CREATE INDEX lead_stage_entry_stage_time ON lead_stage_entry (stage, entered_at) INCLUDE (skipped, channel, segment, owner);

-- hist[b + 1]: converted leads of the cell whose velocity is in bucket b (Velocity.BUCKETS entries)
ALTER TABLE conversion_cube ADD COLUMN hist integer[] NOT NULL;

-- Per ISO week of entry (week = its Monday), per hot pair and bucket: fine[f + 1] = leads in part f of the bucket
-- (Velocity.FINE entries). dims as in conversion_cube.
CREATE TABLE velocity_cube (
    from_stage text     NOT NULL,
    to_stage   text     NOT NULL,
    dims       smallint NOT NULL,
    bucket     smallint NOT NULL,
    week       date     NOT NULL,
    skipped    boolean  NOT NULL,
    channel    text,
    segment    text,
    fine       integer[] NOT NULL,
    CONSTRAINT velocity_cube_key UNIQUE NULLS NOT DISTINCT (from_stage, to_stage, dims, bucket, week, skipped, channel, segment)
);
