-- Projections of the funnel, all derived from event_log (itself rebuilt from the topic on demand).
-- Per-lead rows answer period edges, slices the cells do not keep, percentile look-ups and stage WIP; the
-- *_cube tables hold pre-aggregated cells so that queries never scan a whole period's leads one by one.

ALTER TABLE lead_stage_entry ADD COLUMN day date;
UPDATE lead_stage_entry SET day = (entered_at AT TIME ZONE 'UTC')::date;
ALTER TABLE lead_stage_entry ALTER COLUMN day SET NOT NULL;

-- For each stage A a lead entered and each later stage B it reached (or passed) at or after entering A.
CREATE TABLE lead_conversion (
    lead_id     text        NOT NULL,
    from_stage  text        NOT NULL,
    to_stage    text        NOT NULL,
    entered_at  timestamptz NOT NULL,
    day         date        NOT NULL,   -- UTC day of entered_at
    skipped     boolean     NOT NULL,   -- the entry into from_stage was a pass-through
    velocity_us bigint      NOT NULL,   -- microseconds from entering A to reaching B
    bucket      integer     NOT NULL,   -- histogram bucket of the velocity (Velocity.bucket)
    hot         boolean     NOT NULL,   -- B is A's next stage or the won stage: the pairs kept in cells
    channel     text,
    segment     text,
    owner       text,
    PRIMARY KEY (lead_id, from_stage, to_stage)
);
CREATE INDEX lead_conversion_pair_time ON lead_conversion (from_stage, to_stage, entered_at);
-- finds the k-th velocity of one histogram bucket without visiting the table
CREATE INDEX lead_conversion_pair_bucket ON lead_conversion (from_stage, to_stage, bucket, velocity_us)
    INCLUDE (entered_at, skipped, channel, segment, owner);

-- Where each lead is now (stage WIP).
CREATE TABLE lead_current (
    lead_id text        PRIMARY KEY,
    stage   text        NOT NULL,
    since   timestamptz NOT NULL,
    channel text,
    segment text,
    owner   text
);
CREATE INDEX lead_current_stage ON lead_current (stage, since);

-- Cells. dims says which attribute a cell keeps: 0 none, 1 channel, 2 segment (the other column is NULL); a kept
-- attribute may itself be NULL (unknown), which NULLS NOT DISTINCT makes one cell. Owners are many and their
-- slices small: owner filters read the per-lead rows. Counts: grain 'D' (period = the day) and 'M' (period =
-- first day of the month), UTC.
CREATE TABLE cohort_cube (
    stage   text     NOT NULL,
    grain   char(1)  NOT NULL,
    dims    smallint NOT NULL,
    period  date     NOT NULL,
    skipped boolean  NOT NULL,
    channel text,
    segment text,
    leads   bigint   NOT NULL,
    CONSTRAINT cohort_cube_key UNIQUE NULLS NOT DISTINCT (stage, grain, dims, period, skipped, channel, segment)
);

-- Conversions of the hot pairs (to the next stage, to won): counts and exact velocity sums.
CREATE TABLE conversion_cube (
    from_stage  text     NOT NULL,
    to_stage    text     NOT NULL,
    grain       char(1)  NOT NULL,
    dims        smallint NOT NULL,
    period      date     NOT NULL,
    skipped     boolean  NOT NULL,
    channel     text,
    segment     text,
    leads       bigint   NOT NULL,
    velocity_us numeric  NOT NULL,
    CONSTRAINT conversion_cube_key UNIQUE NULLS NOT DISTINCT
        (from_stage, to_stage, grain, dims, period, skipped, channel, segment)
);

-- Velocity histograms of the hot pairs per ISO week of entry (week = its Monday), dims 0 and 1.
CREATE TABLE velocity_cube (
    from_stage text     NOT NULL,
    to_stage   text     NOT NULL,
    dims       smallint NOT NULL,
    week       date     NOT NULL,
    skipped    boolean  NOT NULL,
    channel    text,
    bucket     integer  NOT NULL,
    leads      bigint   NOT NULL,
    CONSTRAINT velocity_cube_key UNIQUE NULLS NOT DISTINCT (from_stage, to_stage, dims, week, skipped, channel, bucket)
);

-- The funnel definition in force (latest FunnelDefinitionChanged seen); none means the canonical one.
CREATE TABLE funnel_definition (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    version    bigint      NOT NULL,
    changed_at timestamptz,
    definition text        NOT NULL
);

-- Progress of the latest rebuild (one row).
CREATE TABLE rebuild_status (
    id            smallint    PRIMARY KEY CHECK (id = 1),
    state         text        NOT NULL,
    reason        text,
    started_at    timestamptz,
    finished_at   timestamptz,
    phase         text,
    events_total  bigint,
    events_read   bigint      NOT NULL DEFAULT 0,
    unreadable    bigint      NOT NULL DEFAULT 0,
    leads         bigint      NOT NULL DEFAULT 0,
    error         text
);
